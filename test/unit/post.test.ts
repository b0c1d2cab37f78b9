import { DescribeInstancesCommand, EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { MemoryLog } from "../../src/runtime/log.js";
import { cleanupAfterRun } from "../../src/lifecycle/post.js";
import type { SavedRun } from "../../src/lifecycle/state.js";
import { instantClock } from "../support/fakes.js";

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: "us-west-2" });
const saved: SavedRun = {
  region: "us-west-2",
  roleDurationSeconds: 3600,
  sessionName: "gpu-bench-1-1",
  runTags: { "managed-by": "ephemeral-gpu-bench", "gpu-bench:run-id": "1" },
  clientTokenBase: "gpu-bench-abc",
  terminated: false,
};

beforeEach(() => ec2Mock.reset());

describe("the post step", () => {
  it("keeps looking for an instance whose launch main never saw answered, until it appears", async () => {
    let describes = 0;
    ec2Mock.on(DescribeInstancesCommand).callsFake((input: { Filters?: Array<{ Name: string }>; InstanceIds?: string[] }) => {
      if (input.InstanceIds) return { Reservations: [{ Instances: [{ InstanceId: "i-late", State: { Name: "shutting-down" } }] }] };
      // Eventually consistent: the new instance shows up on the fourth look.
      const visible = ++describes > 6 && input.Filters?.some((f) => f.Name === "client-token");
      return { Reservations: visible ? [{ Instances: [{ InstanceId: "i-late", State: { Name: "pending" } }] }] : [] };
    });
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    const out = await cleanupAfterRun({ ...saved, launching: "gpu-bench-abc-0" }, { ec2, clock: instantClock(), log: new MemoryLog() });
    expect(out.terminated).toEqual(["i-late"]);
  });

  it("terminates the saved instance and anything else carrying the run's tags", async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .callsFake((input: { InstanceIds?: string[] }) =>
        input.InstanceIds
          ? { Reservations: [{ Instances: input.InstanceIds.map((id) => ({ InstanceId: id, State: { Name: "shutting-down" } })) }] }
          : { Reservations: [{ Instances: [{ InstanceId: "i-tagged", State: { Name: "running" } }] }] },
      );
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    const out = await cleanupAfterRun({ ...saved, instanceId: "i-saved" }, { ec2, clock: instantClock(), log: new MemoryLog() });
    expect(out.terminated.sort()).toEqual(["i-saved", "i-tagged"]);
  });

  it("says there is nothing to do when main confirmed termination", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const out = await cleanupAfterRun(
      { ...saved, instanceId: "i-1", terminated: true },
      { ec2, clock: instantClock(), log: new MemoryLog() },
    );
    expect(out).toMatchObject({ terminated: [], message: expect.stringMatching(/main terminated i-1/) });
    expect(ec2Mock.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });
});
