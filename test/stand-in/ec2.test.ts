import {
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type RunInstancesCommandInput,
  waitUntilInstanceRunning,
} from "@aws-sdk/client-ec2";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AMI, clients, eventually, failure, launch, SUBNET, toBase64 } from "./helpers.js";
import { startStandIn, type StandIn } from "../../stand-in/index.js";

let standIn: StandIn;
let ec2: EC2Client;

beforeAll(async () => {
  standIn = await startStandIn({
    subnets: { "subnet-aaaaaaaa": "us-west-2b", "subnet-bbbbbbbb": "us-west-2c" },
    faults: { describeLagMs: 50 },
  });
  ({ ec2 } = clients(standIn));
});
afterAll(async () => {
  ec2.destroy();
  await standIn.stop();
});
beforeEach(() => standIn.faults.reset());

describe("stand-in EC2", () => {
  it("launches with everything the product asks for and describes it back", async () => {
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: AMI,
        InstanceType: "g6.xlarge",
        MinCount: 1,
        MaxCount: 1,
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: "subnet-aaaaaaaa", Groups: ["sg-0123abcd"], AssociatePublicIpAddress: false }],
        IamInstanceProfile: { Name: "gpu-bench-instance" },
        UserData: toBase64('#!/bin/bash\necho booted > "$GPU_BENCH_ROOT/booted"\n'),
        TagSpecifications: [
          {
            ResourceType: "instance",
            Tags: [
              { Key: "gpu-bench:run-id", Value: "42" },
              { Key: "Name", Value: "bench" },
            ],
          },
          { ResourceType: "volume", Tags: [{ Key: "gpu-bench:run-id", Value: "42" }] },
        ],
        MetadataOptions: { HttpTokens: "required", HttpPutResponseHopLimit: 2, HttpEndpoint: "enabled" },
        BlockDeviceMappings: [{ DeviceName: "/dev/sda1", Ebs: { VolumeSize: 200, VolumeType: "gp3", DeleteOnTermination: true } }],
        InstanceInitiatedShutdownBehavior: "terminate",
        InstanceMarketOptions: {
          MarketType: "spot",
          SpotOptions: { SpotInstanceType: "one-time", InstanceInterruptionBehavior: "terminate" },
        },
      }),
    );
    const launched = out.Instances![0]!;
    expect(out.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(launched.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(launched.State).toEqual({ Code: 0, Name: "pending" });
    expect(launched.Placement?.AvailabilityZone).toBe("us-west-2b");
    expect(launched.InstanceLifecycle).toBe("spot");
    expect(launched.LaunchTime).toBeInstanceOf(Date);

    const id = launched.InstanceId!;
    await waitUntilInstanceRunning({ client: ec2, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 }, { InstanceIds: [id] });
    const described = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;
    expect(described.State).toEqual({ Code: 16, Name: "running" });
    expect(described.Tags).toEqual([
      { Key: "gpu-bench:run-id", Value: "42" },
      { Key: "Name", Value: "bench" },
    ]);
    expect(described.SubnetId).toBe("subnet-aaaaaaaa");
    expect(described.SecurityGroups?.map((g) => g.GroupId)).toEqual(["sg-0123abcd"]);
    expect(described.IamInstanceProfile?.Arn).toBe("arn:aws:iam::123456789012:instance-profile/gpu-bench-instance");
    expect(described.MetadataOptions).toMatchObject({ HttpTokens: "required", HttpPutResponseHopLimit: 2, State: "applied" });
    expect(described.BlockDeviceMappings?.[0]?.DeviceName).toBe("/dev/sda1");

    const view = standIn.instances().find((i) => i.id === id)!;
    expect(view).toMatchObject({
      type: "g6.xlarge",
      az: "us-west-2b",
      market: "spot",
      shutdownBehavior: "terminate",
      volumeTags: { "gpu-bench:run-id": "42" },
      securityGroupIds: ["sg-0123abcd"],
      iamInstanceProfile: { name: "gpu-bench-instance" },
      blockDeviceMappings: [{ deviceName: "/dev/sda1", volumeSize: 200, volumeType: "gp3", deleteOnTermination: true }],
    });
    expect(view.userData).toContain("echo booted");

    const terminated = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(terminated.TerminatingInstances![0]).toMatchObject({
      PreviousState: { Name: "running" },
      CurrentState: { Name: "shutting-down" },
    });
    const again = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(again.TerminatingInstances![0]!.PreviousState?.Name).toBe("shutting-down");
    await eventually(async () => {
      const state = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.State?.Name;
      return state === "terminated" ? state : undefined;
    });
    const stateReason = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.StateReason;
    expect(stateReason?.Code).toBe("Client.UserInitiatedShutdown");
  });

  it("does not know a new instance for a moment (Describe and Terminate), and never an unknown one", async () => {
    // Long enough that a loaded 2-core machine makes both early calls inside the lag (300 ms was not).
    standIn.faults.describeLagMs = 2000;
    const id = await launch(ec2);
    const early = await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })));
    expect(early.name).toBe("InvalidInstanceID.NotFound");
    expect(early.$metadata.httpStatusCode).toBe(400);
    // TerminateInstances is as eventually consistent: NotFound right after launch is no "already gone".
    expect((await failure(ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })))).name).toBe("InvalidInstanceID.NotFound");
    expect(standIn.instances().find((i) => i.id === id)?.state).not.toBe("shutting-down");
    await eventually(() => ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })).catch(() => undefined), 6000);

    expect((await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ["i-0000000000000000f"] })))).name).toBe(
      "InvalidInstanceID.NotFound",
    );
    expect((await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ["bogus"] })))).name).toBe("InvalidInstanceID.Malformed");
    expect((await failure(ec2.send(new TerminateInstancesCommand({ InstanceIds: ["i-0000000000000000f"] })))).name).toBe(
      "InvalidInstanceID.NotFound",
    );
  });

  it("returns the same reservation for the same client token, and refuses a changed request", async () => {
    const input: RunInstancesCommandInput = {
      ImageId: AMI,
      InstanceType: "g5.xlarge",
      MinCount: 1,
      MaxCount: 1,
      SubnetId: SUBNET,
      ClientToken: "run-7-attempt-1",
    };
    const first = await ec2.send(new RunInstancesCommand(input));
    const second = await ec2.send(new RunInstancesCommand(input));
    expect(second.ReservationId).toBe(first.ReservationId);
    expect(second.Instances![0]!.InstanceId).toBe(first.Instances![0]!.InstanceId);
    expect(standIn.instances().filter((i) => i.clientToken === "run-7-attempt-1")).toHaveLength(1);
    const changed = await failure(ec2.send(new RunInstancesCommand({ ...input, InstanceType: "g6.xlarge" })));
    expect(changed.name).toBe("IdempotentParameterMismatch");
  });

  it("filters by tags, state and client token, and pages", async () => {
    const run = `run-${Date.now()}`;
    const ids: string[] = [];
    for (let n = 0; n < 6; n++) {
      ids.push(
        await launch(ec2, {
          ClientToken: `${run}-${n}`,
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "run", Value: run }] }],
        }),
      );
    }
    await ec2.send(new CreateTagsCommand({ Resources: [ids[0]!], Tags: [{ Key: "extra", Value: "yes" }] }));
    await new Promise((resolve) => setTimeout(resolve, 80));

    const byTag = async (filters: Array<{ Name: string; Values: string[] }>) =>
      (await ec2.send(new DescribeInstancesCommand({ Filters: filters }))).Reservations!.flatMap((r) =>
        r.Instances!.map((i) => i.InstanceId),
      );
    expect(await byTag([{ Name: "tag:run", Values: [run] }])).toEqual(ids);
    expect(
      await byTag([
        { Name: "tag:run", Values: ["run-*"] },
        { Name: "tag-key", Values: ["extra"] },
      ]),
    ).toEqual([ids[0]]);
    expect(await byTag([{ Name: "client-token", Values: [`${run}-3`] }])).toEqual([ids[3]]);
    expect(
      await byTag([
        { Name: "tag:run", Values: [run] },
        { Name: "instance-state-name", Values: ["terminated"] },
      ]),
    ).toEqual([]);

    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await ec2.send(
        new DescribeInstancesCommand({ Filters: [{ Name: "tag:run", Values: [run] }], MaxResults: 5, NextToken: token }),
      );
      pages.push(page.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!)));
      token = page.NextToken;
    } while (token);
    expect(pages).toEqual([ids.slice(0, 5), ids.slice(5)]);

    expect((await failure(ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "nonsense", Values: ["x"] }] })))).name).toBe(
      "InvalidParameterValue",
    );
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
  });

  it("fails capacity per instance type and Availability Zone, with the real codes and statuses", async () => {
    standIn.faults.failCapacity({ instanceType: "g5.xlarge", az: "us-west-2b", code: "InsufficientInstanceCapacity" });
    standIn.faults.failCapacity({ instanceType: "p5.48xlarge", code: "VcpuLimitExceeded", times: 1 });

    const full = await failure(launch(ec2, { SubnetId: "subnet-aaaaaaaa" }));
    expect(full.name).toBe("InsufficientInstanceCapacity");
    expect(full.$metadata.httpStatusCode).toBe(500);
    expect(full.message).toContain("us-west-2b");
    expect(await launch(ec2, { SubnetId: "subnet-bbbbbbbb" })).toMatch(/^i-/);
    expect(await launch(ec2, { SubnetId: "subnet-aaaaaaaa", InstanceType: "g6.xlarge" })).toMatch(/^i-/);

    const quota = await failure(launch(ec2, { InstanceType: "p5.48xlarge" }));
    expect(quota.name).toBe("VcpuLimitExceeded");
    expect(quota.$metadata.httpStatusCode).toBe(400);
    expect(await launch(ec2, { InstanceType: "p5.48xlarge" })).toMatch(/^i-/);

    standIn.faults.failCapacity({ code: "Unsupported", az: "us-west-2c", times: 1 });
    expect((await failure(launch(ec2, { SubnetId: "subnet-bbbbbbbb" }))).name).toBe("Unsupported");
  });

  it("throttles the next calls with RequestLimitExceeded", async () => {
    standIn.faults.throttle(1, { action: "DescribeInstances" });
    await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [SUBNET] }));
    const throttled = await failure(ec2.send(new DescribeInstancesCommand({})));
    expect(throttled.name).toBe("RequestLimitExceeded");
    expect(throttled.$metadata.httpStatusCode).toBe(503);
    await ec2.send(new DescribeInstancesCommand({}));
    expect(standIn.calls.some((c) => c.service === "ec2" && c.errorCode === "RequestLimitExceeded")).toBe(true);
  });

  it("refuses a root volume smaller than the AMI's snapshot, and oversized user data", async () => {
    const small = await failure(launch(ec2, { BlockDeviceMappings: [{ DeviceName: "/dev/sda1", Ebs: { VolumeSize: 50 } }] }));
    expect(small.name).toBe("InvalidBlockDeviceMapping");
    expect(small.message).toContain(">= 75GB");
    const big = await failure(launch(ec2, { UserData: toBase64("#".repeat(16385)) }));
    expect(big.name).toBe("InvalidParameterValue");
  });

  it("describes subnets and images", async () => {
    const subnets = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-aaaaaaaa", SUBNET] }));
    expect(subnets.Subnets![0]!.AvailabilityZone).toBe("us-west-2b");
    expect(subnets.Subnets![1]!.AvailabilityZone).toMatch(/^us-west-2[abcd]$/);
    const again = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [SUBNET] }));
    expect(again.Subnets![0]!.AvailabilityZone).toBe(subnets.Subnets![1]!.AvailabilityZone);

    const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [AMI] }))).Images![0]!;
    expect(image.RootDeviceName).toBe("/dev/sda1");
    expect(image.BlockDeviceMappings![0]!.Ebs!.VolumeSize).toBe(75);
    expect(image.Name).toBeTruthy();
  });

  it("is reached through AWS_ENDPOINT_URL_EC2 alone, as the product reaches it", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, standIn.env, standIn.staticCredentialsEnv());
    try {
      const plain = new EC2Client({ maxAttempts: 1 });
      const out = await plain.send(new DescribeSubnetsCommand({ SubnetIds: [SUBNET] }));
      expect(out.Subnets).toHaveLength(1);
      plain.destroy();
    } finally {
      process.env = saved;
    }
    expect(standIn.calls.at(-1)).toMatchObject({
      service: "ec2",
      action: "DescribeSubnets",
      accessKeyId: standIn.staticCredentialsEnv().AWS_ACCESS_KEY_ID,
    });
  });
});

describe("stand-in EC2 with EFA", () => {
  /** What remote/node/inventory.sh reports as the instance's EFA devices. */
  const efaDevices = (id: string): string[] => {
    const root = join(standIn.instances().find((i) => i.id === id)!.sandbox, "root");
    const script = join(import.meta.dirname, "../../remote/node/inventory.sh");
    return JSON.parse(
      execFileSync("bash", ["-c", `source "${script}"; ROOT="$1" efa_devices`, "-", root], { encoding: "utf8" }),
    ) as string[];
  };
  const efaInterface = {
    DeviceIndex: 0,
    InterfaceType: "efa",
    SubnetId: "subnet-aaaaaaaa",
    Groups: ["sg-0123abcd"],
    DeleteOnTermination: true,
  };

  it("describes instance types with EFA support and refuses an unknown type", async () => {
    const out = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["g5.2xlarge", "p5.48xlarge"] }));
    expect(
      out.InstanceTypes!.map((t) => [t.InstanceType, t.VCpuInfo?.DefaultVCpus, t.NetworkInfo?.EfaSupported, t.NetworkInfo?.EfaInfo]),
    ).toEqual([
      ["g5.2xlarge", 8, false, undefined],
      ["p5.48xlarge", 192, true, { MaximumEfaInterfaces: 32 }],
    ]);
    expect(out.InstanceTypes!.map((t) => t.NetworkInfo?.MaximumNetworkCards)).toEqual([1, 32]);
    const unknown = await failure(ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["g9.huge" as never] })));
    expect(unknown.name).toBe("InvalidInstanceType");
    expect(unknown.message).toContain("g9.huge");
  });

  it("launches with an EFA interface on a type that has EFA, and its inventory lists the EFA device", async () => {
    const id = await launch(ec2, { InstanceType: "g5.8xlarge", SubnetId: undefined, NetworkInterfaces: [efaInterface] });
    const view = standIn.instances().find((i) => i.id === id)!;
    expect(view).toMatchObject({ efa: true, subnetId: "subnet-aaaaaaaa", az: "us-west-2b", securityGroupIds: ["sg-0123abcd"] });
    expect(efaDevices(id)).toEqual(["rdmap0s6"]);
    // Without EFA the same type's inventory lists none.
    const plain = await launch(ec2, { InstanceType: "g5.8xlarge" });
    expect(standIn.instances().find((i) => i.id === plain)!.efa).toBe(false);
    expect(efaDevices(plain)).toEqual([]);
    // DescribeInstances and TerminateInstances know a new instance only after a moment (describeLagMs).
    await eventually(() => ec2.send(new TerminateInstancesCommand({ InstanceIds: [id, plain] })).catch(() => undefined));
  });

  it("launches a p4d.24xlarge with 4 EFA interfaces on its 4 network cards: 4 EFA devices", async () => {
    const nics = [0, 1, 2, 3].map((card) => ({
      ...efaInterface,
      NetworkCardIndex: card,
      DeviceIndex: card === 0 ? 0 : 1,
      InterfaceType: card === 0 ? "efa" : "efa-only",
    }));
    const id = await launch(ec2, { InstanceType: "p4d.24xlarge", SubnetId: undefined, NetworkInterfaces: nics });
    expect(standIn.instances().find((i) => i.id === id)!.networkInterfaces).toEqual([
      { card: 0, device: 0, type: "efa" },
      { card: 1, device: 1, type: "efa-only" },
      { card: 2, device: 1, type: "efa-only" },
      { card: 3, device: 1, type: "efa-only" },
    ]);
    expect(efaDevices(id)).toEqual(["rdmap0s6", "rdmap1s6", "rdmap2s6", "rdmap3s6"]);
    await eventually(() => ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })).catch(() => undefined));
  });

  it("refuses more EFA interfaces or network cards than the type has, and an EFA-only primary interface", async () => {
    const count = standIn.instances().length;
    const at = (card: number, device: number, InterfaceType = "efa-only") => ({
      ...efaInterface,
      NetworkCardIndex: card,
      DeviceIndex: device,
      InterfaceType,
    });
    const tooMany = await failure(
      launch(ec2, { InstanceType: "g5.8xlarge", SubnetId: undefined, NetworkInterfaces: [at(0, 0, "efa"), at(1, 1)] }),
    );
    expect([tooMany.name, tooMany.message]).toEqual([
      "InvalidParameterValue",
      "g5.8xlarge takes at most 1 EFA interfaces; the request has 2.",
    ]);
    const noCard = await failure(
      launch(ec2, { InstanceType: "p4d.24xlarge", SubnetId: undefined, NetworkInterfaces: [at(0, 0, "efa"), at(4, 1)] }),
    );
    expect(noCard.message).toBe("Network card index 4 is out of range: p4d.24xlarge has 4 network card(s).");
    const efaOnly = await failure(launch(ec2, { InstanceType: "p4d.24xlarge", SubnetId: undefined, NetworkInterfaces: [at(0, 0)] }));
    expect([efaOnly.name, efaOnly.message]).toEqual([
      "InvalidParameterCombination",
      "An EFA-only network interface cannot be the primary network interface.",
    ]);
    expect(standIn.instances()).toHaveLength(count);
  });

  it("refuses an EFA interface on a type without EFA, and a subnet or group beside network interfaces", async () => {
    const count = standIn.instances().length;
    const refused = await failure(launch(ec2, { InstanceType: "g5.2xlarge", SubnetId: undefined, NetworkInterfaces: [efaInterface] }));
    expect([refused.name, refused.message]).toEqual([
      "InvalidParameterCombination",
      "g5.2xlarge instances do not support Elastic Fabric Adapters.",
    ]);
    const both = await failure(
      launch(ec2, { InstanceType: "g5.8xlarge", SecurityGroupIds: ["sg-0123abcd"], NetworkInterfaces: [efaInterface] }),
    );
    expect(both.name).toBe("InvalidParameterCombination");
    expect(standIn.instances()).toHaveLength(count);
  });
});
