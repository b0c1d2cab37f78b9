import { CreatePlacementGroupCommand, DeletePlacementGroupCommand, DescribePlacementGroupsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createPlacementGroup,
  deletePlacementGroup,
  findExpiredPlacementGroups,
  supportsClusterPlacement,
} from "../../src/cloud/placement.js";
import { awsError, instantClock } from "../support/fakes.js";

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: "us-west-2" });
beforeEach(() => ec2Mock.reset());

describe("a multi-node run's cluster placement group", () => {
  it("is used for the GPU families, not for burstable, Mac or flex types", () => {
    for (const t of ["g4dn.xlarge", "g5.2xlarge", "g6e.12xlarge", "p4d.24xlarge", "p5.48xlarge"])
      expect(supportsClusterPlacement(t), t).toBe(true);
    for (const t of ["t3.large", "t4g.medium", "mac2.metal", "m7i-flex.large"]) expect(supportsClusterPlacement(t), t).toBe(false);
  });

  it("is created with its tags; a group that already exists (a retried call) counts as created", async () => {
    ec2Mock.on(CreatePlacementGroupCommand).rejects(awsError("InvalidPlacementGroup.Duplicate"));
    await createPlacementGroup(ec2, "gpu-bench-abc", { "managed-by": "ephemeral-gpu-bench" }, instantClock());
    expect(ec2Mock.commandCalls(CreatePlacementGroupCommand)[0]!.args[0].input).toEqual({
      GroupName: "gpu-bench-abc",
      Strategy: "cluster",
      TagSpecifications: [{ ResourceType: "placement-group", Tags: [{ Key: "managed-by", Value: "ephemeral-gpu-bench" }] }],
    });
    ec2Mock.on(CreatePlacementGroupCommand).rejects(awsError("UnauthorizedOperation"));
    await expect(createPlacementGroup(ec2, "gpu-bench-abc", {}, instantClock())).rejects.toThrow();
  });

  it("is deleted once its instances are terminated: InUse is waited out, Unknown is already deleted, InUse past the wait throws", async () => {
    ec2Mock.on(DeletePlacementGroupCommand).rejectsOnce(awsError("InvalidPlacementGroup.InUse")).resolves({});
    await deletePlacementGroup(ec2, "g", instantClock());
    expect(ec2Mock.commandCalls(DeletePlacementGroupCommand)).toHaveLength(2);
    ec2Mock.on(DeletePlacementGroupCommand).rejects(awsError("InvalidPlacementGroup.Unknown"));
    await deletePlacementGroup(ec2, "g", instantClock());
    ec2Mock.on(DeletePlacementGroupCommand).rejects(awsError("InvalidPlacementGroup.InUse"));
    await expect(deletePlacementGroup(ec2, "g", instantClock(), 10)).rejects.toThrow();
  });

  it("the sweep takes the groups past their expiry, and those without a readable one", async () => {
    ec2Mock.on(DescribePlacementGroupsCommand).resolves({
      PlacementGroups: [
        { GroupName: "old", Tags: [{ Key: "gpu-bench:expires-at", Value: "2026-01-01T00:00:00.000Z" }] },
        { GroupName: "live", Tags: [{ Key: "gpu-bench:expires-at", Value: "2026-12-31T00:00:00.000Z" }] },
        { GroupName: "untagged", Tags: [] },
      ],
    });
    const names = await findExpiredPlacementGroups(
      ec2,
      { "managed-by": "ephemeral-gpu-bench" },
      "gpu-bench:expires-at",
      new Date("2026-06-01T00:00:00Z"),
    );
    expect(names).toEqual(["old", "untagged"]);
    expect(ec2Mock.commandCalls(DescribePlacementGroupsCommand)[0]!.args[0].input.Filters).toEqual([
      { Name: "tag:managed-by", Values: ["ephemeral-gpu-bench"] },
    ]);
  });
});
