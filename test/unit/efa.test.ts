import { DescribeInstanceTypesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { describeEfaSupport, EfaError, requireEfa } from "../../src/cloud/efa.js";
import { awsError, instantClock } from "../support/fakes.js";

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: "us-west-2" });

/**
 * DescribeInstanceTypes' answer for these types, as EC2 shapes NetworkInfo (EfaInfo only on EFA
 * types): [MaximumEfaInterfaces, MaximumNetworkCards] or just the first (one card).
 */
function described(types: Record<string, number | [number, number] | undefined>) {
  return {
    InstanceTypes: Object.entries(types).map(([InstanceType, v]) => {
      const [max, cards] = typeof v === "number" ? [v, 1] : (v ?? [undefined, 1]);
      return {
        InstanceType: InstanceType as never,
        NetworkInfo:
          max === undefined
            ? { EfaSupported: false, MaximumNetworkCards: cards }
            : { EfaSupported: true, EfaInfo: { MaximumEfaInterfaces: max }, MaximumNetworkCards: cards },
      };
    }),
  };
}

beforeEach(() => ec2Mock.reset());

describe("EFA support from DescribeInstanceTypes", () => {
  it("asks once for each distinct type and reads EfaSupported, MaximumEfaInterfaces and MaximumNetworkCards", async () => {
    ec2Mock.on(DescribeInstanceTypesCommand).resolves(described({ "p5.48xlarge": [32, 32], "g5.8xlarge": 1 }));
    const support = await describeEfaSupport(ec2, ["g5.8xlarge", "p5.48xlarge", "g5.8xlarge"], instantClock());
    expect(support).toEqual([
      { instanceType: "g5.8xlarge", supported: true, maxInterfaces: 1, networkCards: 1, interfaces: 1 },
      { instanceType: "p5.48xlarge", supported: true, maxInterfaces: 32, networkCards: 32, interfaces: 32 },
    ]);
    const calls = ec2Mock.commandCalls(DescribeInstanceTypesCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.InstanceTypes).toEqual(["g5.8xlarge", "p5.48xlarge"]);
  });

  it("refuses every type without EFA by name, with the fix, before anything is launched", async () => {
    ec2Mock.on(DescribeInstanceTypesCommand).resolves(described({ "g5.2xlarge": undefined, "g6e.xlarge": undefined, "g6e.8xlarge": 1 }));
    const checking = requireEfa(ec2, ["g6e.8xlarge", "g5.2xlarge", "g6e.xlarge"], instantClock());
    await expect(checking).rejects.toBeInstanceOf(EfaError);
    await expect(checking).rejects.toThrow(/'efa: true' but g5\.2xlarge, g6e\.xlarge have no EFA/);
    await expect(checking).rejects.toThrow(/g5\.8xlarge and larger.*p4d\.24xlarge.*or remove 'efa' from the suite/);
  });

  it("passes when every type has EFA", async () => {
    ec2Mock.on(DescribeInstanceTypesCommand).resolves(described({ "p4d.24xlarge": [4, 4] }));
    await expect(requireEfa(ec2, ["p4d.24xlarge"], instantClock())).resolves.toEqual([
      { instanceType: "p4d.24xlarge", supported: true, maxInterfaces: 4, networkCards: 4, interfaces: 4 },
    ]);
  });

  it("attaches one EFA interface per network card, never more than MaximumEfaInterfaces", async () => {
    ec2Mock.on(DescribeInstanceTypesCommand).resolves(described({ "x.fewer-efa": [2, 4], "y.fewer-cards": [4, 2], "z.no-efa": undefined }));
    const support = await describeEfaSupport(ec2, ["x.fewer-efa", "y.fewer-cards", "z.no-efa"], instantClock());
    expect(support.map((s) => [s.instanceType, s.interfaces])).toEqual([
      ["x.fewer-efa", 2],
      ["y.fewer-cards", 2],
      ["z.no-efa", 0],
    ]);
  });

  it("names an unknown type, and a type EC2 left out of its answer", async () => {
    ec2Mock.on(DescribeInstanceTypesCommand).rejects(awsError("InvalidInstanceType"));
    await expect(requireEfa(ec2, ["g9.nope"], instantClock())).rejects.toThrow(
      /Could not describe instance types g9\.nope for 'efa': InvalidInstanceType.*Check 'instance-types'/,
    );
    ec2Mock.on(DescribeInstanceTypesCommand).resolves(described({}));
    await expect(requireEfa(ec2, ["p5.48xlarge"], instantClock())).rejects.toThrow(/did not describe p5\.48xlarge/);
  });

  it("retries throttling", async () => {
    ec2Mock
      .on(DescribeInstanceTypesCommand)
      .rejectsOnce(awsError("RequestLimitExceeded"))
      .resolves(described({ "p5.48xlarge": 32 }));
    await expect(requireEfa(ec2, ["p5.48xlarge"], instantClock())).resolves.toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeInstanceTypesCommand)).toHaveLength(2);
  });
});
