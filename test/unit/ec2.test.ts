import { DescribeInstancesCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  CleanupError,
  NoCapacityError,
  QuotaError,
  findExpired,
  launchGroupWithFallback,
  launchWithFallback,
  networkOf,
  terminateAndConfirm,
  terminateEach,
  userDataFor,
  vcpusOf,
  type LaunchRequest,
} from "../../src/cloud/ec2.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { MAX_TTL_MINUTES } from "../../src/config/inputs.js";
import { awsError, instantClock } from "../support/fakes.js";

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: "us-west-2" });

const request: LaunchRequest = {
  candidates: [
    { instanceType: "g5.2xlarge", subnetId: "subnet-aaaaaaaa" },
    { instanceType: "g5.2xlarge", subnetId: "subnet-bbbbbbbb" },
    { instanceType: "g5.xlarge", subnetId: "subnet-aaaaaaaa" },
  ],
  image: { id: "ami-0123456789abcdef0", rootDeviceName: "/dev/sda1", rootSnapshotGb: 75 },
  securityGroupId: "sg-0123456789abcdef0",
  instanceProfile: { name: "gpu-bench" },
  rootVolumeGb: 150,
  market: "on-demand",
  expiresAt: new Date("2026-11-23T11:00:00Z"),
  tags: { "managed-by": "ephemeral-gpu-bench", "gpu-bench:run-id": "42" },
  clientTokenBase: "gpu-bench-abc",
};

function running(id: string) {
  return {
    Reservations: [{ Instances: [{ InstanceId: id, State: { Name: "running" as const }, Placement: { AvailabilityZone: "us-west-2b" } }] }],
  };
}

function deps() {
  const launched: string[] = [];
  const attempts: Array<string | undefined> = [];
  return {
    launched,
    attempts,
    deps: {
      ec2,
      ec2Launch: ec2,
      clock: instantClock(),
      log: new MemoryLog(),
      onAttempt: (token: string | undefined) => attempts.push(token),
      onLaunched: (i: { id: string }) => launched.push(i.id),
      runningTimeoutSeconds: 5,
    },
  };
}

beforeEach(() => ec2Mock.reset());

describe("launch with capacity fallback", () => {
  it("moves past capacity errors to the next zone, then the next type, and saves the id at once", async () => {
    ec2Mock
      .on(RunInstancesCommand)
      .rejectsOnce(awsError("InsufficientInstanceCapacity"))
      .rejectsOnce(awsError("Unsupported"))
      .resolves({ Instances: [{ InstanceId: "i-0abc", Placement: { AvailabilityZone: "us-west-2a" } }] });
    ec2Mock.on(DescribeInstancesCommand).resolves(running("i-0abc"));
    const { launched, attempts, deps: d } = deps();
    const out = await launchWithFallback(request, d);
    expect(out).toMatchObject({ id: "i-0abc", type: "g5.xlarge", availabilityZone: "us-west-2b", clientToken: "gpu-bench-abc-2" });
    expect(launched).toEqual(["i-0abc"]);
    // Each token is announced before its call; an error answer withdraws it (nothing was started).
    expect(attempts.filter((a) => a !== undefined)).toEqual(["gpu-bench-abc-0", "gpu-bench-abc-1", "gpu-bench-abc-2"]);
    const calls = ec2Mock.commandCalls(RunInstancesCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => `${c.InstanceType}@${c.SubnetId}`)).toEqual([
      "g5.2xlarge@subnet-aaaaaaaa",
      "g5.2xlarge@subnet-bbbbbbbb",
      "g5.xlarge@subnet-aaaaaaaa",
    ]);
    expect(new Set(calls.map((c) => c.ClientToken)).size).toBe(3);
  });

  it("launches the way the design requires: IMDSv2 hop 2, encrypted gp3, terminate on shutdown, tags, no key pair", async () => {
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: "i-0abc" }] });
    ec2Mock.on(DescribeInstancesCommand).resolves(running("i-0abc"));
    await launchWithFallback(request, deps().deps);
    const input = ec2Mock.commandCalls(RunInstancesCommand)[0]!.args[0].input;
    expect(input.MetadataOptions).toEqual({ HttpTokens: "required", HttpEndpoint: "enabled", HttpPutResponseHopLimit: 1 });
    expect(input.BlockDeviceMappings?.[0]?.Ebs).toMatchObject({
      VolumeSize: 150,
      VolumeType: "gp3",
      Encrypted: true,
      DeleteOnTermination: true,
    });
    expect(input.InstanceInitiatedShutdownBehavior).toBe("terminate");
    expect(input.KeyName).toBeUndefined();
    const tagsOf = (type: string) =>
      Object.fromEntries(input.TagSpecifications!.find((t) => t.ResourceType === type)!.Tags!.map((t) => [t.Key, t.Value]));
    expect(tagsOf("instance")).toMatchObject({
      "managed-by": "ephemeral-gpu-bench",
      "gpu-bench:run-id": "42",
      "gpu-bench:expires-at": "2026-11-23T11:00:00.000Z",
    });
    expect(tagsOf("volume")).toMatchObject({ "gpu-bench:expires-at": "2026-11-23T11:00:00.000Z" });
    const userData = Buffer.from(input.UserData!, "base64").toString();
    expect(userData).toContain(`GPU_BENCH_EXPIRES_AT=${Date.parse("2026-11-23T11:00:00Z") / 1000}`);
    expect(userData).toMatch(/shutdown -P/);
  });

  it("a quota error moves on to listed types that need fewer vCPUs, and names the quota when none fits", async () => {
    ec2Mock.on(RunInstancesCommand).rejects(awsError("VcpuLimitExceeded"));
    const error = await launchWithFallback(request, deps().deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaError);
    const message = (error as Error).message;
    expect(message).toMatch(/g5\.2xlarge \(8 vCPU\) in subnet-aaaaaaaa: VcpuLimitExceeded/);
    expect(message).toMatch(/g5\.2xlarge in subnet-bbbbbbbb: not tried/);
    expect(message).toMatch(/g5\.xlarge \(4 vCPU\) in subnet-aaaaaaaa: VcpuLimitExceeded/);
    expect(message).toMatch(/Raise 'Running On-Demand G and VT instances \(L-DB2E81BA\)' to at least 4 vCPUs/);
    // The same-size type in another subnet needs as many vCPUs from the same quota: not tried.
    expect(ec2Mock.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.InstanceType)).toEqual(["g5.2xlarge", "g5.xlarge"]);
  });

  it("names the spot quota for a spot launch, and keeps other buckets in play", async () => {
    ec2Mock.on(RunInstancesCommand).rejects(awsError("VcpuLimitExceeded"));
    const spot = {
      ...request,
      market: "spot" as const,
      candidates: [...request.candidates, { instanceType: "p3.2xlarge", subnetId: "subnet-aaaaaaaa" }],
    };
    const message = ((await launchWithFallback(spot, deps().deps).catch((e: unknown) => e)) as Error).message;
    expect(message).toMatch(/quota 'All G and VT Spot Instance Requests \(L-3819A6DF\)'/);
    expect(message).toMatch(
      /p3\.2xlarge \(8 vCPU\) in subnet-aaaaaaaa: VcpuLimitExceeded \(quota 'All P Spot Instance Requests \(L-7212CCBC\)'\)/,
    );
    expect(ec2Mock.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.InstanceType)).toEqual([
      "g5.2xlarge",
      "g5.xlarge",
      "p3.2xlarge",
    ]);
  });

  it("counts vCPUs from the size the EC2 way", () => {
    expect([vcpusOf("g4dn.xlarge"), vcpusOf("g5.2xlarge"), vcpusOf("g5.12xlarge"), vcpusOf("p5.48xlarge"), vcpusOf("g4dn.metal")]).toEqual([
      4,
      8,
      48,
      192,
      undefined,
    ]);
  });

  it("names every combination tried when no capacity is anywhere", async () => {
    ec2Mock.on(RunInstancesCommand).rejects(awsError("InsufficientInstanceCapacity"));
    const error = await launchWithFallback(request, deps().deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoCapacityError);
    expect((error as Error).message).toMatch(/g5.xlarge in subnet-aaaaaaaa: InsufficientInstanceCapacity/);
  });

  it("retries throttling in place with the same client token", async () => {
    ec2Mock
      .on(RunInstancesCommand)
      .rejectsOnce(awsError("RequestLimitExceeded"))
      .resolves({ Instances: [{ InstanceId: "i-0abc" }] });
    ec2Mock.on(DescribeInstancesCommand).resolves(running("i-0abc"));
    await launchWithFallback(request, deps().deps);
    const tokens = ec2Mock.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens).toEqual(["gpu-bench-abc-0", "gpu-bench-abc-0"]);
  });

  it("refuses a root volume smaller than the AMI's snapshot before launching", async () => {
    await expect(launchWithFallback({ ...request, rootVolumeGb: 50 }, deps().deps)).rejects.toThrow(/raise 'root-volume-gb'/);
    expect(ec2Mock.commandCalls(RunInstancesCommand)).toHaveLength(0);
  });

  it("moves on when the instance dies of capacity on its way to running", async () => {
    ec2Mock
      .on(RunInstancesCommand)
      .resolvesOnce({ Instances: [{ InstanceId: "i-0dead" }] })
      .resolves({ Instances: [{ InstanceId: "i-0good" }] });
    ec2Mock.on(DescribeInstancesCommand, { InstanceIds: ["i-0dead"] }).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: "i-0dead", State: { Name: "terminated" }, StateReason: { Code: "Server.InsufficientInstanceCapacity" } },
          ],
        },
      ],
    });
    ec2Mock.on(DescribeInstancesCommand, { InstanceIds: ["i-0good"] }).resolves(running("i-0good"));
    const { launched, deps: d } = deps();
    const out = await launchWithFallback(request, d);
    expect(out.id).toBe("i-0good");
    expect(launched).toEqual(["i-0dead", "i-0good"]);
  });
});

describe("termination", () => {
  it("confirms shutting-down and tolerates throttling", async () => {
    ec2Mock.on(TerminateInstancesCommand).rejectsOnce(awsError("RequestLimitExceeded")).resolves({});
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [{ InstanceId: "i-1", State: { Name: "shutting-down" } }] }] });
    const log = new MemoryLog();
    await terminateAndConfirm(ec2, ["i-1"], instantClock(), log);
    expect(log.lines.join("\n")).toMatch(/Terminated i-1 \(shutting-down\)/);
  });

  it("fails loudly, naming the instance, when termination cannot be confirmed", async () => {
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError("UnauthorizedOperation"));
    await expect(terminateAndConfirm(ec2, ["i-1"], instantClock(), new MemoryLog())).rejects.toThrow(CleanupError);
    await expect(terminateAndConfirm(ec2, ["i-1"], instantClock(), new MemoryLog())).rejects.toThrow(/i-1.*EC2 console/s);
  });

  it("right after launch, retries NotFound from TerminateInstances and DescribeInstances until EC2 says shutting-down", async () => {
    // Eventually consistent: EC2 does not know the new id for two calls of each kind.
    ec2Mock
      .on(TerminateInstancesCommand)
      .rejectsOnce(awsError("InvalidInstanceID.NotFound"))
      .rejectsOnce(awsError("InvalidInstanceID.NotFound"))
      .resolves({});
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejectsOnce(awsError("InvalidInstanceID.NotFound"))
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: "i-new", State: { Name: "pending" } }] }] })
      .resolves({ Reservations: [{ Instances: [{ InstanceId: "i-new", State: { Name: "shutting-down" } }] }] });
    const log = new MemoryLog();
    await terminateAndConfirm(ec2, ["i-new"], instantClock(), log);
    expect(ec2Mock.commandCalls(TerminateInstancesCommand)).toHaveLength(3);
    expect(log.lines.join("\n")).toMatch(/Terminated i-new \(shutting-down\)/);
  });

  it("never counts an id EC2 keeps not knowing as terminated", async () => {
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError("InvalidInstanceID.NotFound"));
    const clock = instantClock();
    await expect(terminateAndConfirm(ec2, ["i-ghost"], clock, new MemoryLog())).rejects.toThrow(/i-ghost \(InvalidInstanceID.NotFound/);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
  });

  it("terminates each id with its own call, so one bad id stops none of the others, and reports each failure", async () => {
    ec2Mock.on(TerminateInstancesCommand).callsFake((input: { InstanceIds: string[] }) => {
      // AWS rejects a whole call for one bad id: one call per id keeps the others safe.
      if (input.InstanceIds.includes("i-bad")) throw awsError("UnauthorizedOperation", "not yours");
      return {};
    });
    ec2Mock.on(DescribeInstancesCommand).callsFake((input: { InstanceIds: string[] }) => ({
      Reservations: [{ Instances: input.InstanceIds.map((id) => ({ InstanceId: id, State: { Name: "shutting-down" } })) }],
    }));
    const log = new MemoryLog();
    const out = await terminateEach(ec2, ["i-a", "i-bad", "i-b"], instantClock(), log);
    expect(out.terminated.map((t) => t.id).sort()).toEqual(["i-a", "i-b"]);
    expect(out.failed).toEqual([{ id: "i-bad", reason: "UnauthorizedOperation: not yours" }]);
    expect(ec2Mock.commandCalls(TerminateInstancesCommand).map((c) => c.args[0].input.InstanceIds)).toEqual([["i-a"], ["i-bad"], ["i-b"]]);
    expect(log.lines.join("\n")).toMatch(/Could not confirm termination of i-bad: UnauthorizedOperation/);
  });
});

describe("sweeper", () => {
  it("finds managed instances past expires-at, those with an unreadable expiry, and those older than the longest ttl whatever their tag", async () => {
    const inst = (id: string, expires?: string, launched = "2026-11-23T09:30:00Z") => ({
      InstanceId: id,
      State: { Name: "running" as const },
      LaunchTime: new Date(launched),
      Tags: [
        { Key: "managed-by", Value: "ephemeral-gpu-bench" },
        ...(expires === undefined ? [] : [{ Key: "gpu-bench:expires-at", Value: expires }]),
      ],
    });
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            inst("i-old", "2026-11-23T09:00:00Z"),
            inst("i-new", "2026-11-23T12:00:00Z"),
            inst("i-untagged"),
            // A tag far in the future is not trusted: launched 48 h + 31 min ago, past 2880 min + the 30 min margin.
            inst("i-forever", "2099-01-01T00:00:00Z", "2026-11-21T09:29:00Z"),
            // Within the bound: left alone.
            inst("i-long", "2026-11-24T00:00:00Z", "2026-11-21T09:31:00Z"),
          ],
        },
      ],
    });
    const expired = await findExpired(ec2, new Date("2026-11-23T10:00:00Z"), "gpu-bench-team-a", MAX_TTL_MINUTES);
    expect(expired.map((e) => [e.id, e.reason])).toEqual([
      ["i-old", "expired"],
      ["i-untagged", "no expiry"],
      ["i-forever", "outlived the longest ttl"],
    ]);
    const filters = ec2Mock.commandCalls(DescribeInstancesCommand)[0]!.args[0].input.Filters;
    expect(filters).toContainEqual({ Name: "tag:managed-by", Values: ["ephemeral-gpu-bench"] });
    // Only this stack's instances: its role may terminate no other.
    expect(filters).toContainEqual({ Name: "tag:gpu-bench:stack", Values: ["gpu-bench-team-a"] });
  });

  it("user data counts down to the run's expiry", () => {
    const ud = Buffer.from(userDataFor(new Date(1_800_000_000_000)), "base64").toString();
    expect(ud.split("\n")[0]).toBe("#!/bin/bash");
    expect(ud.split("\n")[1]).toBe("GPU_BENCH_EXPIRES_AT=1800000000");
  });

  it("launches a group as one all-or-nothing request (MinCount = MaxCount = count) in one subnet", async () => {
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: "i-0a" }, { InstanceId: "i-0b" }, { InstanceId: "i-0c" }] });
    for (const id of ["i-0a", "i-0b", "i-0c"]) ec2Mock.on(DescribeInstancesCommand, { InstanceIds: [id] }).resolves(running(id));
    const { launched, deps: d } = deps();
    const out = await launchGroupWithFallback({ ...request, count: 3 }, d);
    expect(out.map((i) => [i.id, i.type, i.subnetId, i.availabilityZone])).toEqual([
      ["i-0a", "g5.2xlarge", "subnet-aaaaaaaa", "us-west-2b"],
      ["i-0b", "g5.2xlarge", "subnet-aaaaaaaa", "us-west-2b"],
      ["i-0c", "g5.2xlarge", "subnet-aaaaaaaa", "us-west-2b"],
    ]);
    expect(launched).toEqual(["i-0a", "i-0b", "i-0c"]);
    const input = ec2Mock.commandCalls(RunInstancesCommand)[0]!.args[0].input;
    expect([input.MinCount, input.MaxCount]).toEqual([3, 3]);
  });

  it("a group that falls short is released (its survivors terminated and confirmed) before the next zone is tried", async () => {
    ec2Mock
      .on(RunInstancesCommand)
      .resolvesOnce({ Instances: [{ InstanceId: "i-0dead" }, { InstanceId: "i-0live" }] })
      .resolves({ Instances: [{ InstanceId: "i-0c" }, { InstanceId: "i-0d" }] });
    ec2Mock.on(DescribeInstancesCommand, { InstanceIds: ["i-0dead"] }).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: "i-0dead", State: { Name: "terminated" }, StateReason: { Code: "Server.InsufficientInstanceCapacity" } },
          ],
        },
      ],
    });
    let liveTerminated = false;
    ec2Mock.on(TerminateInstancesCommand).callsFake(() => {
      liveTerminated = true;
      return {};
    });
    ec2Mock
      .on(DescribeInstancesCommand, { InstanceIds: ["i-0live"] })
      .callsFake(() =>
        liveTerminated
          ? { Reservations: [{ Instances: [{ InstanceId: "i-0live", State: { Name: "shutting-down" } }] }] }
          : running("i-0live"),
      );
    for (const id of ["i-0c", "i-0d"]) ec2Mock.on(DescribeInstancesCommand, { InstanceIds: [id] }).resolves(running(id));
    const released: string[][] = [];
    const { launched, deps: d } = deps();
    const out = await launchGroupWithFallback({ ...request, count: 2 }, { ...d, onReleased: (ids) => released.push(ids) });
    expect(out.map((i) => i.id)).toEqual(["i-0c", "i-0d"]);
    expect(launched).toEqual(["i-0dead", "i-0live", "i-0c", "i-0d"]);
    expect(released).toEqual([["i-0dead", "i-0live"]]);
    // Only the survivor needed a call: EC2 had taken the other back already.
    expect(ec2Mock.commandCalls(TerminateInstancesCommand).map((c) => c.args[0].input.InstanceIds)).toEqual([["i-0live"]]);
    expect(ec2Mock.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.SubnetId)).toEqual(["subnet-aaaaaaaa", "subnet-bbbbbbbb"]);
  });

  it("when no candidate gives the whole group, NoCapacityError names the count and what each candidate answered or gave", async () => {
    ec2Mock.on(RunInstancesCommand).rejectsOnce(awsError("InsufficientInstanceCapacity")).rejects(awsError("Unsupported"));
    const error = await launchGroupWithFallback({ ...request, count: 4 }, deps().deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoCapacityError);
    expect((error as Error).message).toMatch(/^No capacity for 4 instances in one zone for any of the 3 /);
    expect((error as Error).message).toContain("g5.2xlarge in subnet-aaaaaaaa: InsufficientInstanceCapacity");
  });
});

describe("launch with EFA (suite efa)", () => {
  it("puts the subnet and security group on one EFA interface at device index 0, in the placement group", async () => {
    ec2Mock.on(RunInstancesCommand).resolves({
      Instances: [{ InstanceId: "i-0e1" }, { InstanceId: "i-0e2" }].map((i) => ({ ...i, Placement: { AvailabilityZone: "us-west-2a" } })),
    });
    ec2Mock.on(DescribeInstancesCommand).callsFake((input: { InstanceIds?: string[] }) => running(input.InstanceIds![0]!));
    const { deps: d } = deps();
    const efaRequest: LaunchRequest = {
      ...request,
      candidates: [{ instanceType: "g5.8xlarge", subnetId: "subnet-aaaaaaaa" }],
      count: 2,
      efa: true,
      placementGroup: "gpu-bench-abc",
    };
    await launchGroupWithFallback(efaRequest, d);
    const sent = ec2Mock.commandCalls(RunInstancesCommand)[0]!.args[0].input;
    expect(sent.NetworkInterfaces).toEqual([
      {
        NetworkCardIndex: 0,
        DeviceIndex: 0,
        InterfaceType: "efa",
        SubnetId: "subnet-aaaaaaaa",
        Groups: ["sg-0123456789abcdef0"],
        DeleteOnTermination: true,
      },
    ]);
    // EC2 refuses a top-level subnet or security group beside NetworkInterfaces.
    expect(sent).not.toHaveProperty("SubnetId");
    expect(sent).not.toHaveProperty("SecurityGroupIds");
    expect(sent.Placement).toEqual({ GroupName: "gpu-bench-abc" });
    expect([sent.MinCount, sent.MaxCount]).toEqual([2, 2]);
  });

  it("on a type with several network cards, one EFA interface per card: the primary (efa) on card 0, EFA-only at device index 1 beyond", () => {
    const p4d = { instanceType: "p4d.24xlarge", subnetId: "subnet-aaaaaaaa" };
    const req = { efa: true, efaInterfaces: { "p4d.24xlarge": 4, "g5.8xlarge": 1 }, securityGroupId: "sg-0123456789abcdef0" };
    const nics = networkOf(req, p4d).NetworkInterfaces!;
    expect(nics.map((n) => [n.NetworkCardIndex, n.DeviceIndex, n.InterfaceType])).toEqual([
      [0, 0, "efa"],
      [1, 1, "efa-only"],
      [2, 1, "efa-only"],
      [3, 1, "efa-only"],
    ]);
    for (const n of nics)
      expect(n).toMatchObject({ SubnetId: "subnet-aaaaaaaa", Groups: ["sg-0123456789abcdef0"], DeleteOnTermination: true });
    // A type it was not told about (and one card) gets the one primary interface.
    expect(networkOf(req, { instanceType: "g5.8xlarge", subnetId: "subnet-aaaaaaaa" }).NetworkInterfaces).toHaveLength(1);
    expect(networkOf({ ...req, efaInterfaces: undefined }, p4d).NetworkInterfaces).toHaveLength(1);
    // p5.48xlarge: 32 cards.
    const p5 = networkOf({ ...req, efaInterfaces: { "p5.48xlarge": 32 } }, { instanceType: "p5.48xlarge", subnetId: "subnet-aaaaaaaa" });
    expect(p5.NetworkInterfaces!.map((n) => n.NetworkCardIndex)).toEqual(Array.from({ length: 32 }, (_, i) => i));
  });

  it("keeps the top-level subnet and security group without EFA", async () => {
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: "i-0abc", Placement: { AvailabilityZone: "us-west-2a" } }] });
    ec2Mock.on(DescribeInstancesCommand).resolves(running("i-0abc"));
    const { deps: d } = deps();
    await launchWithFallback(request, d);
    const sent = ec2Mock.commandCalls(RunInstancesCommand)[0]!.args[0].input;
    expect(sent).toMatchObject({ SubnetId: "subnet-aaaaaaaa", SecurityGroupIds: ["sg-0123456789abcdef0"] });
    expect(sent.NetworkInterfaces).toBeUndefined();
  });
});
