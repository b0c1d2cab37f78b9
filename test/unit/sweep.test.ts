import { DescribeInstancesCommand, EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { DescribeParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseSettings, type SweepSettings } from "../../src/config/inputs.js";
import { executeSweep } from "../../src/entry/execute.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { awsError, instantClock } from "../support/fakes.js";

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  // No node secrets of expired runs (the parameters' sweep is tested against the stand-in: test/e2e/secrets.test.ts).
  ssmMock.on(DescribeParametersCommand).resolves({ Parameters: [] });
  // Default-chain credentials from the environment: the step resolves them before any EC2 call.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
});
afterEach(() => vi.unstubAllEnvs());

function runtime(outputs: Record<string, string>, log: MemoryLog): Parameters<typeof executeSweep>[1] {
  return {
    env: {},
    workspace: process.cwd(),
    log,
    clock: instantClock(),
    identity: { runId: "9", attempt: 1, job: "sweep", repository: "acme/gpu-stack", nonce: "n" },
    setOutput: (name, value) => void (outputs[name] = value),
  };
}

const expiredIn = (region: string, ids: string[]) => ({
  Reservations: [
    {
      Instances: ids.map((id) => ({
        InstanceId: `${id}`,
        State: { Name: "running" as const },
        LaunchTime: new Date("2026-11-23T09:00:00Z"),
        Tags: [
          { Key: "managed-by", Value: "ephemeral-gpu-bench" },
          { Key: "gpu-bench:expires-at", Value: "2026-11-23T09:30:00Z" },
          { Key: "gpu-bench:repository", Value: region },
        ],
      })),
    },
  ],
});

describe("the sweep", () => {
  it("reads a multi-line list of regions", () => {
    const settings = parseSettings((n) => ({ mode: "sweep", "sweep-regions": "us-west-2\neu-west-1, us-east-1\n" })[n as string] ?? "");
    expect((settings as SweepSettings).regions).toEqual(["us-west-2", "eu-west-1", "us-east-1"]);
    expect((parseSettings((n) => (n === "mode" ? "sweep" : "")) as SweepSettings).regions).toEqual(["us-west-2"]);
    expect(() => parseSettings((n) => (n === "mode" ? "sweep" : n === "sweep-regions" ? "us-west-2\nmars-1" : ""))).toThrow(
      /'sweep-regions' has 'mars-1', which is not an AWS region/,
    );
  });

  it("sweeps every region, one TerminateInstances per id, and reports each failure after trying all", async () => {
    const byRegion: Record<string, string[]> = { "us-west-2": ["i-w1", "i-bad"], "eu-west-1": ["i-e1"] };
    ec2Mock.on(DescribeInstancesCommand).callsFake(async (input: { InstanceIds?: string[] }, getClient: () => EC2Client) => {
      const region = await getClient().config.region();
      if (input.InstanceIds)
        return { Reservations: [{ Instances: input.InstanceIds.map((id) => ({ InstanceId: id, State: { Name: "shutting-down" } })) }] };
      return expiredIn(region, byRegion[region] ?? []);
    });
    ec2Mock.on(TerminateInstancesCommand).callsFake((input: { InstanceIds: string[] }) => {
      if (input.InstanceIds.includes("i-bad")) throw awsError("UnauthorizedOperation", "explicit deny");
      return {};
    });
    const outputs: Record<string, string> = {};
    const log = new MemoryLog();
    const sweep = executeSweep(
      { ...(parseSettings((n) => (n === "mode" ? "sweep" : n === "sweep-regions" ? "us-west-2\neu-west-1" : "")) as SweepSettings) },
      runtime(outputs, log),
    );
    await expect(sweep).rejects.toThrow(/The sweep could not terminate: i-bad in us-west-2 \(UnauthorizedOperation: explicit deny\)/);
    expect(outputs["swept-instances"]!.split(",").sort()).toEqual(["i-e1", "i-w1"]);
    expect(ec2Mock.commandCalls(TerminateInstancesCommand).map((c) => c.args[0].input.InstanceIds)).toEqual([
      ["i-w1"],
      ["i-bad"],
      ["i-e1"],
    ]);
    expect(log.lines.join("\n")).toMatch(/Terminated 2 expired instance\(s\) in us-west-2, eu-west-1/);
  });
});
