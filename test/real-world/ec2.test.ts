import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { launchWithFallback, type LaunchCandidate, type LaunchRequest } from "../../src/cloud/ec2.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { instantClock } from "../support/fakes.js";
import { caseJson } from "./cases.js";

interface Answer {
  error?: string;
  httpStatusCode?: number;
  message?: string;
  instanceId?: string;
}
interface Scenario {
  market: "on-demand" | "spot";
  candidates: LaunchCandidate[];
  runInstances: Answer[];
}

const ec2Mock = mockClient(EC2Client);
beforeEach(() => ec2Mock.reset());

/** RunInstances answers in the order the case gives them, as the SDK raises them (code, message, HTTP status). */
async function launch(scenario: Scenario) {
  const runs = ec2Mock.on(RunInstancesCommand);
  for (const a of scenario.runInstances) {
    if (a.error) runs.rejectsOnce(Object.assign(new Error(a.message), { name: a.error, $metadata: { httpStatusCode: a.httpStatusCode } }));
    else runs.resolvesOnce({ Instances: [{ InstanceId: a.instanceId }] });
  }
  ec2Mock.on(DescribeInstancesCommand).callsFake((input: { InstanceIds?: string[] }) => ({
    Reservations: [
      { Instances: [{ InstanceId: input.InstanceIds?.[0], State: { Name: "running" }, Placement: { AvailabilityZone: "us-east-1c" } }] },
    ],
  }));
  const request: LaunchRequest = {
    candidates: scenario.candidates,
    image: { id: "ami-0123456789abcdef0", rootDeviceName: "/dev/sda1" },
    securityGroupId: "sg-0123456789abcdef0",
    instanceProfile: { name: "gpu-bench" },
    rootVolumeGb: 150,
    market: scenario.market,
    expiresAt: new Date("2026-11-30T04:00:00Z"),
    tags: {},
    clientTokenBase: "case",
  };
  const log = new MemoryLog();
  const ec2 = new EC2Client({ region: "us-east-1" });
  const launched = await launchWithFallback(request, {
    ec2,
    ec2Launch: ec2,
    clock: instantClock(),
    log,
    onAttempt: () => undefined,
    onLaunched: () => undefined,
    runningTimeoutSeconds: 5,
  });
  const tried = ec2Mock.commandCalls(RunInstancesCommand).map((c) => `${c.args[0].input.InstanceType} ${c.args[0].input.SubnetId}`);
  return { launched, tried, log };
}

describe("real-world case: ec2-ice-500-then-unsupported.json", () => {
  it("third candidate launched after two fallbacks; no in-place retries of the capacity or Unsupported errors", async () => {
    const scenario = caseJson<Scenario>("ec2-ice-500-then-unsupported.json");
    const { launched, tried } = await launch(scenario);
    expect(launched).toMatchObject({ id: "i-0123456789abcdef0", type: "g6.xlarge", subnetId: "subnet-0aaaaaaaaaaaaaaaa" });
    expect(tried).toEqual(scenario.candidates.map((c) => `${c.instanceType} ${c.subnetId}`));
  });
});

describe("real-world case: ec2-quota-smaller-type-fits.json", () => {
  for (const scenario of caseJson<{ scenarios: Scenario[] }>("ec2-quota-smaller-type-fits.json").scenarios) {
    it(`${scenario.market}: a smaller listed type that needs fewer vCPUs is tried (it fits)`, async () => {
      const { launched, tried, log } = await launch(scenario);
      expect(launched.type).toBe("g5.xlarge");
      expect(tried).toEqual(["g5.2xlarge subnet-0aaaaaaaaaaaaaaaa", "g5.xlarge subnet-0aaaaaaaaaaaaaaaa"]);
      const quota = scenario.market === "spot" ? "All G and VT Spot Instance Requests" : "Running On-Demand G and VT instances";
      expect(log.lines.join("\n")).toContain(quota);
      expect(log.lines.join("\n")).toMatch(/Trying listed types that need fewer vCPUs/);
    });
  }
});
