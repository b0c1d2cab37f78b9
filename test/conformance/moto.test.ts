/**
 * Conformance: the product's own AWS code paths against moto_server, an AWS emulator nobody here
 * wrote. The stand-in (stand-in/) was written alongside the product and shares its assumptions;
 * moto checks the wire protocol and what AWS records from each request independently.
 *
 * Clients are built the product's way (src/entry/aws.ts → src/cloud/clients.ts); the endpoint
 * reaches them only through AWS_ENDPOINT_URL_<SERVICE>, as in any other deployment. Expected
 * values that the product chooses (hop limit, tags) are read from the RunInstances request it sent,
 * so this test checks that AWS records what the product asks for; the README's promises (IMDSv2
 * required, terminate on shutdown, encrypted gp3 root volume, tags on instance and volume) are
 * asserted as constants.
 *
 * What moto vouches for here:
 *   - EC2 (Query protocol): DescribeImages for resolveImage; RunInstances with every setting the
 *     product sends (subnet, security group, instance profile that must exist, IMDSv2 and hop
 *     limit, shutdown behaviour, user data, encrypted gp3 root volume, spot market, tags on the
 *     instance and on its volume) and what DescribeInstances / DescribeInstanceAttribute /
 *     DescribeVolumes report back; the error codes for an unknown subnet and AMI; DescribeInstances
 *     filters by tag and state (findLiveByTags, the post step, the sweep); TerminateInstances and
 *     the confirming describe.
 *   - EFA (suite efa): DescribeInstanceTypes' NetworkInfo.EfaSupported / EfaInfo /
 *     MaximumNetworkCards for requireEfa, and RunInstances with NetworkInterfaces (subnet and
 *     security group on the interface at device index 0, none at the top level; one interface per
 *     network card on a multi-card type) as the instance's subnet and groups.
 *   - SSM Parameter Store: GetParameter for an AMI given as a parameter.
 *   - S3 (REST): the evidence archive and history (PutObject with the SDK's default checksums,
 *     GetObject, NoSuchKey, ListObjectsV2, content types) through publishEvidence / readHistory.
 *   - STS (Query protocol): AssumeRoleWithWebIdentity through credentialsFor, and that the
 *     credentials it returns are the session STS knows (GetCallerIdentity).
 *
 * What only the stand-in vouches for (moto lacks it; see test/stand-in/ and test/e2e/):
 *   - SSM Run Command and the agent fleet (SendCommand, PingStatus, command output, StatusDetails).
 *   - RunInstances ClientToken idempotency (moto starts a second instance for a repeated token)
 *     and the `client-token` DescribeInstances filter (moto answers HTTP 500), which the post
 *     step uses to find a launch whose answer main never saw.
 *   - The EFA interface type itself (moto records InterfaceType "interface" whatever was asked)
 *     and an EFA device in the node's inventory.
 *   - Capacity, quota and throttling errors, DescribeInstances lag after RunInstances, an instance
 *     that really runs its user data, the OIDC issuer and trust-policy checks (moto assumes any
 *     role for any token), and non-AWS (HTML) error replies.
 *
 * Where moto differs from AWS (not the product's concern): an unknown instance profile is
 * NoSuchEntity in moto, InvalidParameterValue in EC2.
 */
import { DescribeInstanceAttributeCommand, DescribeVolumesCommand, type RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import {
  CreateVpcCommand,
  CreateSubnetCommand,
  CreateSecurityGroupCommand,
  DescribeImagesCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { CreateBucketCommand, DeleteObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { credentialsFor, sessionNameFor } from "../../src/auth/credentials.js";
import { destroyClients, type AwsClients } from "../../src/cloud/clients.js";
import {
  describeOne,
  findExpired,
  findLiveByTags,
  launchWithFallback,
  resolveImage,
  terminateAndConfirm,
  userDataFor,
  type LaunchRequest,
  type ResolvedImage,
} from "../../src/cloud/ec2.js";
import { describeEfaSupport, requireEfa } from "../../src/cloud/efa.js";
import { MAX_TTL_MINUTES } from "../../src/config/inputs.js";
import { getText, listKeys } from "../../src/cloud/s3.js";
import { MANAGED_BY, TagKeys } from "../../src/config/names.js";
import { clientsFor } from "../../src/entry/aws.js";
import { readHistory, seriesKey } from "../../src/evidence/history.js";
import { publishEvidence } from "../../src/evidence/publish.js";
import { clientTokenBase, runTags, type RunIdentity } from "../../src/lifecycle/identity.js";
import { cleanupAfterRun, sweepExpired } from "../../src/lifecycle/post.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { passingRun, recordingPublisher } from "../evidence/support/fixtures.js";
import { iamCall, startMoto, type MotoServer } from "./moto-server.js";

const REGION = "us-west-2";
const INSTANCE_PROFILE = "gpu-bench-instance";
const BUCKET = "conformance-evidence";
const PREFIX = "gpu-bench";

let moto: MotoServer;
let clients: AwsClients;
/** Every RunInstances request the product sent, as the SDK serialized its input. */
const sent: RunInstancesCommandInput[] = [];
let image: ResolvedImage;
let amiId: string;
const subnets: string[] = [];
let securityGroupId: string;
let instanceProfileArn: string;
const dir = mkdtempSync(join(tmpdir(), "conformance-"));

/** The infra stack these runs belong to: the sweep looks only at its own. */
const STACK = "gpu-bench";

function identity(runId: string): RunIdentity {
  return { runId, attempt: 1, job: "bench", repository: "octo-org/models", stack: STACK, nonce: `n${runId}` };
}

function launchRequest(runId: string, overrides: Partial<LaunchRequest> = {}): LaunchRequest {
  const id = identity(runId);
  return {
    candidates: [{ instanceType: "g5.xlarge", subnetId: subnets[0]! }],
    image,
    securityGroupId,
    instanceProfile: { name: INSTANCE_PROFILE },
    rootVolumeGb: 100,
    market: "on-demand",
    expiresAt: new Date(Date.now() + 60 * 60_000),
    tags: { team: "ml-infra", "cost-center": "4711", ...runTags(id) },
    clientTokenBase: clientTokenBase(id),
    ...overrides,
  };
}

function launch(req: LaunchRequest) {
  return launchWithFallback(req, {
    ec2: clients.ec2,
    ec2Launch: clients.ec2Launch,
    clock: systemClock,
    log: new MemoryLog(),
    onAttempt: () => {},
    onLaunched: () => {},
    runningTimeoutSeconds: 30,
  });
}

const tagMap = (tags: { Key?: string; Value?: string }[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));

// moto's start (bounded at 30 s) and its first EC2/IAM calls (it builds each region's defaults)
// take 10-40 s on a loaded two-core machine.
beforeAll(async () => {
  moto = await startMoto();
  // The SDK's own configuration: what a deployment against any AWS-compatible endpoint sets.
  vi.stubEnv("AWS_ENDPOINT_URL", undefined);
  for (const service of ["EC2", "S3", "SSM", "STS"]) vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, moto.endpoint);
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIACONFORMANCE00001");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "conformance-secret");
  vi.stubEnv("AWS_SESSION_TOKEN", undefined);
  vi.stubEnv("AWS_PROFILE", undefined);
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");

  clients = clientsFor({ region: REGION, roleDurationSeconds: 3600 }, "conformance", undefined, new MemoryLog(), process.env, "0.0.0-test");
  clients.ec2Launch.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "RunInstancesCommand") sent.push(structuredClone(args.input as RunInstancesCommandInput));
      return next(args);
    },
    { step: "initialize", name: "recordRunInstances" },
  );

  // The account as the README's infra/ leaves it: a VPC with subnets in two zones, a security
  // group, an instance profile, an evidence bucket.
  await iamCall(moto.endpoint, REGION, { Action: "CreateRole", RoleName: "gpu-bench-instance", AssumeRolePolicyDocument: "{}" });
  const profile = await iamCall(moto.endpoint, REGION, { Action: "CreateInstanceProfile", InstanceProfileName: INSTANCE_PROFILE });
  instanceProfileArn = /<Arn>(arn:[^<]+)<\/Arn>/.exec(profile)![1]!;
  await iamCall(moto.endpoint, REGION, {
    Action: "AddRoleToInstanceProfile",
    InstanceProfileName: INSTANCE_PROFILE,
    RoleName: "gpu-bench-instance",
  });
  const vpc = await clients.ec2.send(new CreateVpcCommand({ CidrBlock: "10.42.0.0/16" }));
  for (const [i, zone] of ["us-west-2a", "us-west-2b"].entries()) {
    const subnet = await clients.ec2.send(
      new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: `10.42.${i}.0/24`, AvailabilityZone: zone }),
    );
    subnets.push(subnet.Subnet!.SubnetId!);
  }
  const sg = await clients.ec2.send(
    new CreateSecurityGroupCommand({ GroupName: "gpu-bench", Description: "no ingress: SSM only", VpcId: vpc.Vpc!.VpcId! }),
  );
  securityGroupId = sg.GroupId!;
  // moto ships public AMIs; any Ubuntu one stands for the Deep Learning AMI.
  const images = await clients.ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "name", Values: ["ubuntu/images/*"] }] }));
  amiId = images.Images![0]!.ImageId!;
  image = await resolveImage(clients.ec2, clients.ssm, { kind: "id", id: amiId });
  await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
}, 120_000);

afterAll(async () => {
  if (clients) destroyClients(clients);
  await moto?.stop();
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe("moto vouches for: the AMI lookup", () => {
  it("describes an AMI given by id: its root device and snapshot size", async () => {
    const described = (await clients.ec2.send(new DescribeImagesCommand({ ImageIds: [amiId] }))).Images![0]!;
    const resolved = await resolveImage(clients.ec2, clients.ssm, { kind: "id", id: amiId });
    expect(resolved).toEqual({
      id: amiId,
      name: described.Name,
      rootDeviceName: described.RootDeviceName,
      rootSnapshotGb: described.BlockDeviceMappings!.find((m) => m.DeviceName === described.RootDeviceName)!.Ebs!.VolumeSize,
    });
    expect(resolved.rootSnapshotGb).toBeGreaterThan(0);
  });

  it("reads an AMI given as an SSM parameter, then describes it", async () => {
    const name = "/conformance/ami-id";
    await clients.ssm.send(new PutParameterCommand({ Name: name, Value: amiId, Type: "String" }));
    const resolved = await resolveImage(clients.ec2, clients.ssm, { kind: "ssm-parameter", name });
    expect(resolved).toEqual(image);
  });

  it("names the 'ami' input when the AMI does not exist", async () => {
    await expect(resolveImage(clients.ec2, clients.ssm, { kind: "id", id: "ami-0000000000000dead" })).rejects.toThrow(/'ami' input/);
  });
});

describe("moto vouches for: launching with every setting", () => {
  it("records what the product asked for on the instance and its root volume", async () => {
    const expiresAt = new Date(Date.now() + 45 * 60_000);
    const req = launchRequest("1001", {
      market: "spot",
      expiresAt,
      candidates: [{ instanceType: "g5.xlarge", subnetId: subnets[1]! }],
    });
    const launched = await launch(req);
    const request = sent.at(-1)!;
    expect(request.ClientToken).toBe(launched.clientToken);

    const described = (await describeOne(clients.ec2, launched.id))!;
    expect(described.State?.Name).toBe("running");
    expect(described.ClientToken).toBe(request.ClientToken);
    expect(described.InstanceType).toBe("g5.xlarge");
    expect(described.ImageId).toBe(amiId);
    expect(described.SubnetId).toBe(subnets[1]);
    expect(launched.availabilityZone).toBe("us-west-2b");
    expect(described.SecurityGroups?.map((g) => g.GroupId)).toEqual([securityGroupId]);
    expect(described.IamInstanceProfile?.Arn).toMatch(new RegExp(`:instance-profile/${INSTANCE_PROFILE}$`));
    expect(described.InstanceLifecycle).toBe("spot");

    // IMDSv2 only, with the hop limit the product chose.
    expect(described.MetadataOptions?.HttpTokens).toBe("required");
    expect(described.MetadataOptions?.HttpEndpoint).toBe("enabled");
    expect(described.MetadataOptions?.HttpPutResponseHopLimit).toBe(request.MetadataOptions?.HttpPutResponseHopLimit);

    // Tags: the user's, the run's, the expiry, on the instance (with a Name) and on its volume.
    const instanceTags = tagMap(described.Tags);
    const requested = (type: string) => tagMap(request.TagSpecifications?.find((s) => s.ResourceType === type)?.Tags);
    expect(instanceTags).toEqual(requested("instance"));
    expect(instanceTags).toMatchObject({
      team: "ml-infra",
      "cost-center": "4711",
      ...runTags(identity("1001")),
      [MANAGED_BY.key]: MANAGED_BY.value,
      [TagKeys.expiresAt]: expiresAt.toISOString(),
    });
    expect(instanceTags.Name).toBeDefined();

    const shutdown = await clients.ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: launched.id, Attribute: "instanceInitiatedShutdownBehavior" }),
    );
    expect(shutdown.InstanceInitiatedShutdownBehavior?.Value).toBe("terminate");

    // User data is base64 once (the SDK does not encode it again), and carries the expiry.
    const userData = await clients.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: launched.id, Attribute: "userData" }));
    expect(userData.UserData?.Value).toBe(userDataFor(expiresAt));
    const script = Buffer.from(userData.UserData!.Value!, "base64").toString("utf8");
    expect(script).toMatch(/^#!/);
    expect(script).toContain(`GPU_BENCH_EXPIRES_AT=${Math.floor(expiresAt.getTime() / 1000)}`);

    // The root volume: encrypted gp3 of the requested size, deleted with the instance, tagged.
    const root = described.BlockDeviceMappings?.find((m) => m.DeviceName === image.rootDeviceName);
    expect(root?.Ebs?.DeleteOnTermination).toBe(true);
    const volumes = await clients.ec2.send(new DescribeVolumesCommand({ VolumeIds: [root!.Ebs!.VolumeId!] }));
    const volume = volumes.Volumes![0]!;
    expect(volume).toMatchObject({ VolumeType: "gp3", Encrypted: true, Size: 100 });
    const volumeTags = tagMap(volume.Tags);
    expect(volumeTags).toEqual(requested("volume"));
    expect(volumeTags).toMatchObject({ ...runTags(identity("1001")), team: "ml-infra", [TagKeys.expiresAt]: expiresAt.toISOString() });

    await terminateAndConfirm(clients.ec2, [launched.id], systemClock, new MemoryLog());
  });

  it("stops with the subnet named when a subnet does not exist", async () => {
    const req = launchRequest("1002", { candidates: [{ instanceType: "g5.xlarge", subnetId: "subnet-0000000000000dead" }] });
    await expect(launch(req)).rejects.toThrow(/subnet-0000000000000dead does not exist in this region: check 'subnet-ids'/);
  });
});

describe("moto vouches for: EFA (suite efa)", () => {
  it("reads EFA support from DescribeInstanceTypes and refuses a type without it", async () => {
    expect(await describeEfaSupport(clients.ec2, ["g5.xlarge", "p4d.24xlarge"], systemClock)).toEqual([
      { instanceType: "g5.xlarge", supported: false, maxInterfaces: 0, networkCards: 1, interfaces: 0 },
      {
        instanceType: "p4d.24xlarge",
        supported: true,
        maxInterfaces: expect.any(Number) as number,
        networkCards: expect.any(Number) as number,
        interfaces: expect.any(Number) as number,
      },
    ]);
    await expect(requireEfa(clients.ec2, ["g5.8xlarge", "g5.xlarge"], systemClock)).rejects.toThrow(/but g5\.xlarge has no EFA/);
  });

  it("launches with the subnet and security group on an EFA interface at device index 0", async () => {
    const launched = await launch(
      launchRequest("1003", { efa: true, candidates: [{ instanceType: "g5.8xlarge", subnetId: subnets[1]! }] }),
    );
    const request = sent.at(-1)!;
    expect(request.NetworkInterfaces?.[0]?.InterfaceType).toBe("efa");
    const described = (await describeOne(clients.ec2, launched.id))!;
    expect(described.SubnetId).toBe(subnets[1]);
    expect(launched.availabilityZone).toBe("us-west-2b");
    const nic = described.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0);
    // moto takes the request but records InterfaceType "interface" whatever was asked: the EFA type itself only the stand-in checks.
    expect(nic?.SubnetId).toBe(subnets[1]);
    expect(nic?.Groups?.map((g) => g.GroupId)).toEqual([securityGroupId]);
    await terminateAndConfirm(clients.ec2, [launched.id], systemClock, new MemoryLog());
  });

  it("reads the network cards of a multi-card type, and takes one interface per card (NetworkCardIndex, DeviceIndex 1 beyond card 0)", async () => {
    const [p4d] = await describeEfaSupport(clients.ec2, ["p4d.24xlarge"], systemClock);
    expect(p4d!.networkCards).toBeGreaterThan(1);
    expect(p4d!.interfaces).toBe(Math.min(p4d!.maxInterfaces, p4d!.networkCards));
    const launched = await launch(
      launchRequest("1004", {
        efa: true,
        efaInterfaces: { "p4d.24xlarge": p4d!.interfaces },
        candidates: [{ instanceType: "p4d.24xlarge", subnetId: subnets[1]! }],
      }),
    );
    const request = sent.at(-1)!;
    expect(request.NetworkInterfaces?.map((n) => [n.NetworkCardIndex, n.DeviceIndex])).toEqual(
      Array.from({ length: p4d!.interfaces }, (_, card) => [card, card === 0 ? 0 : 1]),
    );
    const described = (await describeOne(clients.ec2, launched.id))!;
    // moto keeps one interface per device index (it has no network cards) and records neither card nor
    // EFA type: the primary and one at device index 1 here, each in the subnet and group asked for. The
    // one-per-card layout itself only the stand-in checks (test/stand-in/ec2.test.ts).
    expect(described.NetworkInterfaces?.map((n) => n.Attachment?.DeviceIndex).sort()).toEqual([0, 1]);
    for (const nic of described.NetworkInterfaces ?? []) {
      expect(nic.SubnetId).toBe(subnets[1]);
      expect(nic.Groups?.map((g) => g.GroupId)).toEqual([securityGroupId]);
    }
    await terminateAndConfirm(clients.ec2, [launched.id], systemClock, new MemoryLog());
  });
});

describe("moto vouches for: finding, terminating and sweeping by tags", () => {
  it("finds a run's live instance by its tags, and not another run's", async () => {
    // On-demand, with the instance profile given by ARN: the other branches of the launch request.
    const launched = await launch(launchRequest("2001", { instanceProfile: { arn: instanceProfileArn } }));
    const found = await findLiveByTags(clients.ec2, runTags(identity("2001")));
    expect(found.map((i) => i.InstanceId)).toEqual([launched.id]);
    expect(found[0]!.InstanceLifecycle).toBeUndefined();
    expect(found[0]!.IamInstanceProfile?.Arn).toBe(instanceProfileArn);
    expect(await findLiveByTags(clients.ec2, runTags(identity("2002")))).toEqual([]);
  });

  it("terminates and confirms: the instance is gone from the live search", async () => {
    const [live] = await findLiveByTags(clients.ec2, runTags(identity("2001")));
    const log = new MemoryLog();
    await terminateAndConfirm(clients.ec2, [live!.InstanceId!], systemClock, log);
    expect(log.lines.at(-1)).toMatch(new RegExp(`^Terminated ${live!.InstanceId} \\((shutting-down|terminated)\\)$`));
    expect(["shutting-down", "terminated"]).toContain((await describeOne(clients.ec2, live!.InstanceId!))?.State?.Name);
    expect(await findLiveByTags(clients.ec2, runTags(identity("2001")))).toEqual([]);
  });

  it("the post step terminates what main left behind, found by the run's tags", async () => {
    const id = identity("2003");
    const launched = await launch(launchRequest("2003"));
    const outcome = await cleanupAfterRun(
      {
        region: REGION,
        roleDurationSeconds: 3600,
        sessionName: "s",
        runTags: runTags(id),
        clientTokenBase: clientTokenBase(id),
        terminated: false,
      },
      { ec2: clients.ec2, clock: systemClock, log: new MemoryLog() },
    );
    expect(outcome.terminated).toEqual([launched.id]);
    expect(await findLiveByTags(clients.ec2, runTags(id))).toEqual([]);
  });

  it("the sweep terminates managed instances past their expiry (or without one) and leaves the rest", async () => {
    const expired = await launch(launchRequest("3001", { expiresAt: new Date(Date.now() - 60_000) }));
    const current = await launch(launchRequest("3002", { expiresAt: new Date(Date.now() + 60 * 60_000) }));
    // Started by hand with the managed-by tag but no expiry: nothing vouches for it.
    const unmarked = await clients.ec2.send(
      new RunInstancesCommand({
        ImageId: amiId,
        InstanceType: "g5.xlarge",
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnets[0],
        TagSpecifications: [
          {
            ResourceType: "instance",
            Tags: [
              { Key: MANAGED_BY.key, Value: MANAGED_BY.value },
              { Key: TagKeys.stack, Value: STACK },
            ],
          },
        ],
      }),
    );
    const unmarkedId = unmarked.Instances![0]!.InstanceId!;
    // Another stack's, long expired: its own sweep's business (this stack's role could not terminate it).
    const otherStack = await launch(
      launchRequest("3003", {
        expiresAt: new Date(Date.now() - 60_000),
        tags: { ...runTags({ ...identity("3003"), stack: "other-stack" }) },
      }),
    );
    // Not ours: no managed-by tag.
    const foreign = await clients.ec2.send(
      new RunInstancesCommand({ ImageId: amiId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnets[0] }),
    );
    const foreignId = foreign.Instances![0]!.InstanceId!;

    const listed = await findExpired(clients.ec2, new Date(), STACK, MAX_TTL_MINUTES);
    expect(listed.map((e) => e.id).sort()).toEqual([expired.id, unmarkedId].sort());
    expect(listed.find((e) => e.id === expired.id)).toMatchObject({ runId: "3001", repository: "octo-org/models", type: "g5.xlarge" });

    const dry = await sweepExpired({ ec2: clients.ec2, clock: systemClock, log: new MemoryLog() }, true, STACK);
    expect(dry.terminated).toEqual([]);
    const swept = await sweepExpired({ ec2: clients.ec2, clock: systemClock, log: new MemoryLog() }, false, STACK);
    expect(swept.terminated.sort()).toEqual([expired.id, unmarkedId].sort());

    expect((await describeOne(clients.ec2, current.id))?.State?.Name).toBe("running");
    expect((await describeOne(clients.ec2, foreignId))?.State?.Name).toBe("running");
    expect((await describeOne(clients.ec2, otherStack.id))?.State?.Name).toBe("running");
    expect((await findExpired(clients.ec2, new Date(), STACK, MAX_TTL_MINUTES)).map((e) => e.id)).toEqual([]);
    expect((await findExpired(clients.ec2, new Date(), "other-stack", MAX_TTL_MINUTES)).map((e) => e.id)).toEqual([otherStack.id]);
    await terminateAndConfirm(clients.ec2, [current.id, foreignId, otherStack.id], systemClock, new MemoryLog());
  });
});

describe("moto vouches for: the S3 evidence archive and history", () => {
  const series = seriesKey(PREFIX, "default", "g5.2xlarge");
  const publish = (runId: string, start: string) =>
    publishEvidence({
      results: passingRun({ runId, start }),
      history: { s3: clients.s3, bucket: BUCKET, prefix: PREFIX },
      outDir: join(dir, runId),
      retentionDays: 90,
      publisher: recordingPublisher(),
      log: new MemoryLog(),
      clock: { now: () => Date.parse(start) + 30 * 60_000 },
    });

  it("archives a first run, and the next run is compared with it", async () => {
    const first = await publish("100", "2025-03-03T02:00:00.000Z");
    expect(first.verdict.kind).toBe("first-run");
    expect(first.s3?.evidence).toBe(`s3://${BUCKET}/${series}/20250303T020000Z-100/evidence.md`);
    const keys = await listKeys(clients.s3, BUCKET, `${series}/`);
    expect(keys).toEqual(
      expect.arrayContaining([
        `${series}/index.json`,
        `${series}/20250303T020000Z-100/evidence.md`,
        `${series}/20250303T020000Z-100/results.json`,
      ]),
    );
    const head = await clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${series}/20250303T020000Z-100/evidence.md` }));
    expect(head.ContentType).toBe("text/markdown; charset=utf-8");
    const evidence = await getText(clients.s3, { bucket: BUCKET, key: `${series}/20250303T020000Z-100/evidence.md` });
    expect(evidence).toContain("100");

    const second = await publish("200", "2025-03-10T02:00:00.000Z");
    expect(second.comparison.baselineRuns.map((r) => r.runId)).toEqual(["100"]);
    const index = JSON.parse((await getText(clients.s3, { bucket: BUCKET, key: `${series}/index.json` }))!) as {
      entries: { runId: string }[];
    };
    expect(index.entries.map((e) => e.runId)).toEqual(["100", "200"]);
  });

  it("reads a missing key as absent, and recovers the history from the run folders when the index is lost", async () => {
    expect(await getText(clients.s3, { bucket: BUCKET, key: `${series}/no-such-key` })).toBeUndefined();
    await clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${series}/index.json` }));
    const read = await readHistory({ s3: clients.s3, bucket: BUCKET, prefix: PREFIX }, series);
    expect(read.entries.map((e) => e.runId)).toEqual(["100", "200"]);
    expect(read.skipped).toEqual([]);
  });
});

describe("moto vouches for: the STS web-identity exchange", () => {
  it("exchanges the workflow's OIDC token for a role session, masks it, and the session is the one STS issued", async () => {
    const roleArn = "arn:aws:iam::123456789012:role/gpu-bench-github";
    const sessionName = sessionNameFor("987654321", 2);
    const log = new MemoryLog();
    const audiences: string[] = [];
    const provider = credentialsFor(
      { region: REGION, roleToAssume: roleArn, roleDurationSeconds: 3600 },
      sessionName,
      async (audience) => {
        audiences.push(audience);
        return "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9jdG8tb3JnL21vZGVsczpyZWY6cmVmcy9oZWFkcy9tYWluIn0.c2lnbmF0dXJl";
      },
      log,
    )!;
    const credentials = await provider();
    expect(audiences).toEqual(["sts.amazonaws.com"]);
    expect(credentials.accessKeyId).not.toBe("AKIACONFORMANCE00001");
    expect(credentials.sessionToken).toBeTruthy();
    expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now());
    expect(log.masked).toEqual(
      new Set([expect.any(String), credentials.secretAccessKey, credentials.sessionToken, credentials.accessKeyId]),
    );

    const sts = new STSClient({ region: REGION, credentials: provider });
    try {
      const caller = await sts.send(new GetCallerIdentityCommand({}));
      expect(caller.Arn).toBe(`arn:aws:sts::123456789012:assumed-role/gpu-bench-github/${sessionName}`);
    } finally {
      sts.destroy();
    }
  });
});
