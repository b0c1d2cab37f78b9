import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceTerminated,
  type EC2Client,
  type Filter,
  type Instance,
  type RunInstancesCommandInput,
  type _InstanceType,
} from "@aws-sdk/client-ec2";
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { AmiSource, InstanceProfile, Market } from "../config/inputs.js";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import { MANAGED_BY, TagKeys } from "../config/names.js";
import userDataScript from "../../remote/user-data.sh";
import { awsCallRetry, awsErrorCode, isThrottlingOrInternal, withRetry } from "./retry.js";
import { supportsClusterPlacement } from "./placement.js";
import { awsErrorText, explainAwsError } from "./aws-errors.js";

export interface ResolvedImage {
  id: string;
  name?: string;
  rootDeviceName: string;
  rootSnapshotGb?: number;
}

/** The AMI to launch: an id as given, or the value of a (public) SSM parameter, described. */
export async function resolveImage(ec2: EC2Client, ssm: SSMClient, ami: AmiSource): Promise<ResolvedImage> {
  let id: string;
  if (ami.kind === "id") {
    id = ami.id;
  } else {
    try {
      const out = await ssm.send(new GetParameterCommand({ Name: ami.name }));
      id = out.Parameter?.Value ?? "";
    } catch (error) {
      // Only a missing parameter or a denied read is about the 'ami' input; reaching AWS at all is not.
      if (explainAwsError(error))
        throw new Error(`Could not read the AMI parameter '${ami.name}': ${awsErrorText(error)}`, { cause: error });
      throw new Error(
        `Could not read the AMI parameter '${ami.name}' (${awsErrorText(error)}). ` +
          `Check the 'ami' input and that the role may call ssm:GetParameter on it.`,
        { cause: error },
      );
    }
  }
  const out = await ec2.send(new DescribeImagesCommand({ ImageIds: [id] })).catch((error: unknown) => {
    if (explainAwsError(error)) throw new Error(`Could not describe AMI '${id}': ${awsErrorText(error)}`, { cause: error });
    throw new Error(
      `AMI '${id}' cannot be described in this region (${awsErrorCode(error) ?? (error as Error).message}). ` +
        `Check the 'ami' input and 'aws-region': AMI ids differ per region.`,
    );
  });
  const image = out.Images?.[0];
  if (!image) throw new Error(`AMI '${id}' was not found in this region. Check the 'ami' input and 'aws-region'.`);
  const root = image.BlockDeviceMappings?.find((m) => m.DeviceName === image.RootDeviceName);
  return {
    id,
    name: image.Name,
    rootDeviceName: image.RootDeviceName ?? "/dev/sda1",
    rootSnapshotGb: root?.Ebs?.VolumeSize,
  };
}

export interface LaunchCandidate {
  instanceType: string;
  subnetId: string;
}

export interface LaunchRequest {
  candidates: LaunchCandidate[];
  image: ResolvedImage;
  securityGroupId: string;
  instanceProfile: InstanceProfile;
  rootVolumeGb: number;
  market: Market;
  expiresAt: Date;
  tags: Record<string, string>;
  /** Each candidate gets `${clientTokenBase}-${index}`: a retried request can never start a second instance. */
  clientTokenBase: string;
  /** Instances launched as one unit, in one request, so in one subnet (one zone); 1 when absent. */
  count?: number;
  /** A cluster placement group for the candidates whose type supports one (supportsClusterPlacement). */
  placementGroup?: string;
  /**
   * Launch with an EFA interface as the primary network interface (suite `efa`): the candidates'
   * types must support EFA (requireEfa in efa.ts checks that before launch).
   */
  efa?: boolean;
  /**
   * With `efa`: the EFA interfaces to attach per instance type (EfaSupport.interfaces: one per
   * network card, up to MaximumEfaInterfaces); 1 for a type not named.
   */
  efaInterfaces?: Readonly<Record<string, number>>;
}

export interface LaunchedInstance {
  id: string;
  type: string;
  /** The market it was launched in. */
  market: Market;
  subnetId: string;
  availabilityZone: string;
  clientToken: string;
  launchedAt: Date;
}

/** No candidate fit the account's quotas (and none had capacity); the message names what was tried and what to raise. */
export class QuotaError extends Error {
  override name = "QuotaError";
}

export class NoCapacityError extends Error {
  override name = "NoCapacityError";
  constructor(
    readonly attempts: Array<LaunchCandidate & { code: string }>,
    readonly count = 1,
  ) {
    super(
      `No capacity for ${count > 1 ? `${count} instances in one zone ` : ""}for any of the ${attempts.length} instance type / subnet combinations tried:\n` +
        attempts.map((a) => `  - ${a.instanceType} in ${a.subnetId}: ${a.code}`).join("\n") +
        `\nAdd more instance types ('instance-types') or subnets in other Availability Zones ('subnet-ids'), use market-type spot/on-demand, or retry later.`,
    );
  }
}

/** Capacity is short for this type in this AZ (or the subnet): try the next candidate. */
const TRY_NEXT = new Set([
  "InsufficientInstanceCapacity",
  "InsufficientHostCapacity",
  "InsufficientReservedInstanceCapacity",
  "InsufficientCapacity",
  "Unsupported",
  "InsufficientFreeAddressesInSubnet",
  "SpotMaxPriceTooLow",
  "Server.InsufficientInstanceCapacity",
  "Server.SpotInstanceTermination",
]);
/** A failure that blocks the whole subnet, for every type. */
const BLOCKS_SUBNET = new Set(["InsufficientFreeAddressesInSubnet"]);

const SIZE_VCPUS: Record<string, number> = { medium: 1, large: 2, xlarge: 4 };

/**
 * vCPUs of an EC2 instance type from its size, which for the GPU families (g4dn, g5, g6, g6e, gr6,
 * p3, p4d, p5, …) follows the EC2 naming rule: `Nxlarge` has 4·N vCPUs, `xlarge` 4, `large` 2
 * (source: the EC2 instance-type pages, e.g. g5.2xlarge 8, g5.12xlarge 48, p4d.24xlarge 96,
 * p5.48xlarge 192). Undefined for sizes without a rule (`metal`).
 */
export function vcpusOf(instanceType: string): number | undefined {
  const size = instanceType.split(".")[1] ?? "";
  const n = /^(\d+)xlarge$/.exec(size);
  return n ? Number(n[1]) * 4 : SIZE_VCPUS[size];
}

/**
 * The vCPU-based quota an instance type counts against: EC2 quotas are per market and per family
 * bucket (source: Service Quotas, EC2 "Running On-Demand …" and "All … Spot Instance Requests").
 */
export function quotaFor(instanceType: string, market: Market): { bucket: string; name: string } {
  const family = instanceType.split(".")[0] ?? "";
  const known = /^p/.test(family) ? "P" : /^(g|vt)/.test(family) ? "G and VT" : undefined;
  if (!known) {
    const name =
      market === "spot" ? `the Spot Instance Requests quota of ${family}'s bucket` : `the Running On-Demand quota of ${family}'s bucket`;
    return { bucket: `${family} ${market}`, name };
  }
  const [onDemand, spot] = known === "P" ? ["L-417A185B", "L-7212CCBC"] : ["L-DB2E81BA", "L-3819A6DF"];
  return market === "spot"
    ? { bucket: `${known} spot`, name: `All ${known} Spot Instance Requests (${spot})` }
    : { bucket: `${known} on-demand`, name: `Running On-Demand ${known} instances (${onDemand})` };
}

/** The quota behind a RunInstances error code, or undefined when the code is not a quota error. */
export function quotaMessage(code: string, instanceType: string, market: Market): string | undefined {
  const spotCode = code === "MaxSpotInstanceCountExceeded";
  if (!spotCode && code !== "VcpuLimitExceeded" && code !== "InstanceLimitExceeded") return undefined;
  // A spot launch over its vCPU quota answers MaxSpotInstanceCountExceeded or VcpuLimitExceeded: both mean the spot quota.
  const quota = quotaFor(instanceType, spotCode ? "spot" : market);
  return spotCode || market === "spot"
    ? `The account's Spot quota '${quota.name}' is exhausted for ${instanceType}. Ask for an increase in Service Quotas (EC2), or use market-type on-demand.`
    : `The account's vCPU quota '${quota.name}' is too low to start ${instanceType}. Ask for an increase in Service Quotas (EC2) for this region.`;
}

interface QuotaRefusal extends LaunchCandidate {
  code: string;
  vcpus: number | undefined;
  quota: string;
  bucket: string;
}

function quotaErrorText(refused: QuotaRefusal[], others: Array<LaunchCandidate & { code: string }>, skipped: LaunchCandidate[]): string {
  const raise = new Map<string, number | undefined>();
  for (const r of refused) {
    const least = raise.has(r.quota) ? raise.get(r.quota) : Number.POSITIVE_INFINITY;
    raise.set(r.quota, r.vcpus === undefined || least === undefined ? undefined : Math.min(least, r.vcpus));
  }
  return [
    `No listed instance type fits the account's quotas:`,
    ...refused.map((r) => `  - ${r.instanceType} (${r.vcpus ?? "?"} vCPU) in ${r.subnetId}: ${r.code} (quota '${r.quota}')`),
    ...others.map((o) => `  - ${o.instanceType} in ${o.subnetId}: ${o.code}`),
    ...skipped.map(
      (s) => `  - ${s.instanceType} in ${s.subnetId}: not tried (needs at least as many vCPUs as a type the same quota refused)`,
    ),
    ...[...raise].map(
      ([quota, vcpus]) =>
        `Raise '${quota}'${vcpus !== undefined ? ` to at least ${vcpus} vCPUs above what is running` : ""} in Service Quotas (EC2) for this region, or list a smaller instance type in 'instance-types'.`,
    ),
  ].join("\n");
}

export function userDataFor(expiresAt: Date): string {
  const epoch = Math.floor(expiresAt.getTime() / 1000);
  const [shebang, ...rest] = userDataScript.split("\n");
  return Buffer.from([shebang, `GPU_BENCH_EXPIRES_AT=${epoch}`, ...rest].join("\n")).toString("base64");
}

/**
 * Where the instance joins the network. Without EFA: the subnet and security group at the top
 * level. With EFA (EC2 refuses top-level SubnetId/SecurityGroupIds beside NetworkInterfaces), `n`
 * EFA interfaces (efaInterfaces of the candidate's type), one per network card, each in the same
 * subnet and group and deleted with the instance: on card 0 the primary interface at device index
 * 0, of type efa (EFA with ENA: the instance's IP address; an EFA-only interface cannot be the
 * primary); on cards 1 … n−1 device index 1, of type efa-only (EFA without ENA: no IP address of
 * the subnet's is used up, the card carries only the fabric's traffic). Sources: EC2 User Guide,
 * "Get started with EFA and NCCL" (`--network-interfaces ... InterfaceType=efa`) and "Maximize
 * network bandwidth on Amazon EC2 instances with multiple network cards" (EFA-only interfaces,
 * the P5 layout with NetworkCardIndex and DeviceIndex 1 beyond card 0).
 */
export function networkOf(
  req: Pick<LaunchRequest, "efa" | "efaInterfaces" | "securityGroupId">,
  candidate: LaunchCandidate,
): Pick<RunInstancesCommandInput, "SubnetId" | "SecurityGroupIds" | "NetworkInterfaces"> {
  if (!req.efa) return { SubnetId: candidate.subnetId, SecurityGroupIds: [req.securityGroupId] };
  const n = Math.max(1, req.efaInterfaces?.[candidate.instanceType] ?? 1);
  const common = { SubnetId: candidate.subnetId, Groups: [req.securityGroupId], DeleteOnTermination: true };
  return {
    NetworkInterfaces: Array.from({ length: n }, (_, card) =>
      card === 0
        ? { NetworkCardIndex: 0, DeviceIndex: 0, InterfaceType: "efa", ...common }
        : { NetworkCardIndex: card, DeviceIndex: 1, InterfaceType: "efa-only", ...common },
    ),
  };
}

/** The run's cluster placement group, when it has one and the candidate's type supports it. */
function placementOf(req: LaunchRequest, candidate: LaunchCandidate): RunInstancesCommandInput["Placement"] {
  return req.placementGroup && supportsClusterPlacement(candidate.instanceType) ? { GroupName: req.placementGroup } : undefined;
}

function runInstancesInput(req: LaunchRequest, candidate: LaunchCandidate, clientToken: string): RunInstancesCommandInput {
  const tags = Object.entries({ ...req.tags, [TagKeys.expiresAt]: req.expiresAt.toISOString() }).map(([Key, Value]) => ({ Key, Value }));
  return {
    ImageId: req.image.id,
    InstanceType: candidate.instanceType as _InstanceType,
    // All or nothing: EC2 launches every one of them in the candidate's subnet, or none.
    MinCount: req.count ?? 1,
    MaxCount: req.count ?? 1,
    ClientToken: clientToken,
    ...networkOf(req, candidate),
    IamInstanceProfile: "arn" in req.instanceProfile ? { Arn: req.instanceProfile.arn } : { Name: req.instanceProfile.name },
    InstanceInitiatedShutdownBehavior: "terminate",
    UserData: userDataFor(req.expiresAt),
    // IMDSv2, hop limit 1: processes on the node reach instance metadata (and the instance role's
    // credentials); pods, one network hop further, do not. No workload needs metadata from a pod.
    MetadataOptions: { HttpTokens: "required", HttpEndpoint: "enabled", HttpPutResponseHopLimit: 1 },
    BlockDeviceMappings: [
      {
        DeviceName: req.image.rootDeviceName,
        Ebs: { VolumeSize: req.rootVolumeGb, VolumeType: "gp3", Encrypted: true, DeleteOnTermination: true },
      },
    ],
    Placement: placementOf(req, candidate),
    InstanceMarketOptions:
      req.market === "spot"
        ? { MarketType: "spot", SpotOptions: { SpotInstanceType: "one-time", InstanceInterruptionBehavior: "terminate" } }
        : undefined,
    TagSpecifications: [
      { ResourceType: "instance", Tags: [...tags, { Key: "Name", Value: `gpu-bench-${req.tags[TagKeys.runId] ?? "run"}` }] },
      { ResourceType: "volume", Tags: tags },
    ],
  };
}

export interface LaunchDeps {
  ec2: EC2Client;
  /** A client without SDK retries, for RunInstances (see AwsClients.ec2Launch). */
  ec2Launch: EC2Client;
  clock: Clock;
  log: Log;
  /**
   * Called before each RunInstances call with its client token, and with undefined once the call
   * has certainly started nothing: a main killed in between leaves the token for the post step.
   */
  onAttempt: (clientToken: string | undefined) => void;
  /** Called the moment an instance exists, before anything waits on it: save it for the post step. */
  onLaunched: (instance: LaunchedInstance) => void;
  /**
   * Called once the instances of a group that fell short (one of them never reached running) are
   * confirmed terminated, before the next candidate is tried: they are no longer the run's.
   */
  onReleased?: (instanceIds: string[]) => void;
  /** Bounded wait for 'running'. */
  runningTimeoutSeconds?: number;
}

/**
 * Launches one instance, trying the candidates in order: launchGroupWithFallback with a count of 1.
 */
export async function launchWithFallback(req: LaunchRequest, deps: LaunchDeps): Promise<LaunchedInstance & { instance: Instance }> {
  const [first] = await launchGroupWithFallback({ ...req, count: 1 }, deps);
  return first!;
}

/** A launched instance that reached running, with EC2's description of it. */
export type RunningInstance = LaunchedInstance & { instance: Instance };

/**
 * Launches `req.count` instances (default 1) of one type in one subnet, so one Availability Zone,
 * as one unit, trying the candidates in order (instance types first, then subnets, so the preferred
 * GPU is tried in every zone before a fallback type). Each candidate is one all-or-nothing
 * RunInstances request (MinCount = MaxCount = count); when a group falls short anyway (one of its
 * instances dies on its way to running, or EC2 answers with fewer), every instance of it is
 * terminated (confirmed, then `onReleased`) and the next candidate is tried. Capacity errors move
 * on; a vCPU quota error moves on to candidates of that quota bucket that need fewer vCPUs (and
 * to other buckets), and when nothing fits a QuotaError names what was tried and which quota to
 * raise; NoCapacityError names each candidate and what it answered or gave ("gave 1 of 2 …").
 * Configuration errors stop at once with the fix named; throttling is retried in place. Returns
 * the instances in launch order (index 0 is node 0). Throws CleanupError when a released group's
 * termination is not confirmed.
 */
export async function launchGroupWithFallback(req: LaunchRequest, deps: LaunchDeps): Promise<RunningInstance[]> {
  if (req.image.rootSnapshotGb && req.rootVolumeGb < req.image.rootSnapshotGb) {
    throw new Error(
      `'root-volume-gb' is ${req.rootVolumeGb} but the AMI ${req.image.id} needs at least ${req.image.rootSnapshotGb} GiB; raise 'root-volume-gb'.`,
    );
  }
  const count = req.count ?? 1;
  const failed: Array<LaunchCandidate & { code: string }> = [];
  const refused: QuotaRefusal[] = [];
  const skipped: LaunchCandidate[] = [];
  const blockedSubnets = new Set<string>();
  for (const [index, candidate] of req.candidates.entries()) {
    if (blockedSubnets.has(candidate.subnetId)) continue;
    // A quota refused this many vCPUs in the same bucket: only a type needing fewer can fit it.
    const vcpus = vcpusOf(candidate.instanceType);
    const bucket = quotaFor(candidate.instanceType, req.market).bucket;
    if (refused.some((r) => r.bucket === bucket && (vcpus === undefined || r.vcpus === undefined || vcpus >= r.vcpus))) {
      skipped.push(candidate);
      continue;
    }
    const clientToken = `${req.clientTokenBase}-${index}`;
    let reply: Instance[];
    deps.onAttempt(clientToken);
    try {
      const out = await withRetry(
        () => deps.ec2Launch.send(new RunInstancesCommand(runInstancesInput(req, candidate, clientToken))),
        awsCallRetry(deps.clock, (e, n, ms) => deps.log.info(`RunInstances: ${awsErrorCode(e)}, retry ${n} in ${ms} ms`)),
      );
      reply = out.Instances ?? [];
    } catch (error) {
      const code = awsErrorCode(error) ?? "Unknown";
      // An error answer means EC2 started nothing, unless it was an internal error; no answer may hide one.
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined && code !== "InternalError")
        deps.onAttempt(undefined);
      const quota = quotaMessage(code, candidate.instanceType, req.market);
      if (quota) {
        const q = quotaFor(candidate.instanceType, code === "MaxSpotInstanceCountExceeded" ? "spot" : req.market);
        refused.push({ ...candidate, code, vcpus, quota: q.name, bucket });
        deps.log.warning(`${candidate.instanceType} in ${candidate.subnetId}: ${quota} Trying listed types that need fewer vCPUs.`);
        continue;
      }
      if (!TRY_NEXT.has(code)) throw explainLaunchError(error, code, candidate);
      deps.log.warning(`${candidate.instanceType} in ${candidate.subnetId}: ${code}; trying the next candidate`);
      failed.push({ ...candidate, code });
      if (BLOCKS_SUBNET.has(code)) blockedSubnets.add(candidate.subnetId);
      continue;
    }
    const ids = reply.map((i) => i.InstanceId).filter((id): id is string => Boolean(id));
    if (ids.length === 0) throw new Error("RunInstances returned no instance");
    const launched: LaunchedInstance[] = reply.map((instance) => ({
      id: instance.InstanceId!,
      type: candidate.instanceType,
      market: req.market,
      subnetId: candidate.subnetId,
      availabilityZone: instance.Placement?.AvailabilityZone ?? "",
      clientToken,
      launchedAt: instance.LaunchTime ?? new Date(deps.clock.now()),
    }));
    for (const l of launched) deps.onLaunched(l);
    deps.log.info(`Launched ${ids.join(", ")} (${candidate.instanceType}) in ${candidate.subnetId}`);
    const outcomes = await Promise.all(launched.map((l) => waitRunning(deps.ec2, l.id, deps.runningTimeoutSeconds ?? 600)));
    if (launched.length === count && outcomes.every((o) => o.ok)) {
      return launched.map((l, i) => {
        const running = outcomes[i] as { ok: true; instance: Instance };
        return { ...l, availabilityZone: running.instance.Placement?.AvailabilityZone ?? l.availabilityZone, instance: running.instance };
      });
    }
    const lost = launched.flatMap((l, i) => {
      const o = outcomes[i]!;
      return o.ok ? [] : [{ id: l.id, reason: o.instance?.StateReason?.Code ?? "", message: o.instance?.StateReason?.Message ?? o.reason }];
    });
    // One instance lost for anything but capacity is not the zone's fault: say so, do not move on.
    const other = lost.find((l) => !TRY_NEXT.has(l.reason));
    if (other && count === 1) throw new Error(`Instance ${other.id} did not reach running: ${other.message}`);
    const gave = `gave ${launched.length - lost.length} of ${count}`;
    const code =
      count === 1
        ? lost[0]!.reason
        : `${gave}${lost.length > 0 ? ` (${lost.map((l) => `${l.id}: ${l.reason || l.message}`).join(", ")})` : ""}`;
    if (count > 1)
      deps.log.warning(`${candidate.instanceType} in ${candidate.subnetId} ${gave} instances; releasing them (${ids.join(", ")})`);
    // Those already gone (EC2 took them back) need no call; every other one is terminated and confirmed.
    const live = launched.filter((l, i) => !GONE.has(outcomes[i]!.instance?.State?.Name ?? "")).map((l) => l.id);
    await terminateAndConfirm(deps.ec2, live, deps.clock, deps.log);
    // A cluster placement group stays in the zone of any member not yet terminated: wait them out
    // before the next candidate, which may be in another zone, launches into the same group.
    if (placementOf(req, candidate)) await waitTerminated(deps.ec2, live, deps.runningTimeoutSeconds ?? 600);
    deps.onReleased?.(ids);
    if (other) throw new Error(`Instance ${other.id} did not reach running: ${other.message}`);
    if (count === 1) deps.log.warning(`${ids[0]} stopped on its way to running (${code}); trying the next candidate`);
    failed.push({ ...candidate, code });
  }
  if (refused.length > 0) throw new QuotaError(quotaErrorText(refused, failed, skipped));
  throw new NoCapacityError(failed, count);
}

function explainLaunchError(error: unknown, code: string, candidate: LaunchCandidate): Error {
  const message = (error as Error).message;
  const hints: Record<string, string> = {
    UnauthorizedOperation:
      "The role may not launch this instance. With infra/gpu-bench.yaml's role: the instance type must be in the stack's AllowedInstanceTypes, " +
      "'stack' must be the stack's name, and the instance profile, security group, subnet (its VPC) and AMI owner the stack's. " +
      "Otherwise the role needs ec2:RunInstances, ec2:CreateTags and iam:PassRole on the instance profile's role.",
    InvalidParameterValue: "Check 'instance-profile' (it must exist and its role be passable) and the other launch inputs.",
    "InvalidSubnetID.NotFound": `Subnet ${candidate.subnetId} does not exist in this region: check 'subnet-ids' and 'aws-region'.`,
    "InvalidGroup.NotFound": "The security group does not exist in the subnet's VPC: check 'security-group-id'.",
    "InvalidAMIID.NotFound": "Check the 'ami' input for this region.",
    "InvalidAMIID.Malformed": "Check the 'ami' input.",
    OptInRequired: "The account is not subscribed to this AMI or region.",
    IdempotentParameterMismatch:
      "A previous attempt of this run used the same client token with other parameters; re-run the workflow (a new attempt).",
  };
  return new Error(
    `RunInstances failed for ${candidate.instanceType} in ${candidate.subnetId}: ${code}: ${message}${hints[code] ? `\n${hints[code]}` : ""}`,
  );
}

/** Waits (bounded) until every instance is `terminated`, past shutting-down. Throws when one is not by then. */
async function waitTerminated(ec2: EC2Client, instanceIds: string[], timeoutSeconds: number): Promise<void> {
  if (instanceIds.length === 0) return;
  await waitUntilInstanceTerminated(
    { client: ec2, maxWaitTime: timeoutSeconds, minDelay: 0.25, maxDelay: 5 },
    { InstanceIds: instanceIds },
  );
}

type RunningOutcome = { ok: true; instance: Instance } | { ok: false; instance?: Instance; reason: string };

/** The SDK's waiter, which also tolerates DescribeInstances not knowing a just-launched id. */
export async function waitRunning(ec2: EC2Client, instanceId: string, timeoutSeconds: number): Promise<RunningOutcome> {
  const result = await waitUntilInstanceRunning(
    { client: ec2, maxWaitTime: timeoutSeconds, minDelay: 0.25, maxDelay: 5 },
    { InstanceIds: [instanceId] },
  ).catch((error: unknown) => ({ state: "FAILURE", reason: error }));
  const instance = await describeOne(ec2, instanceId).catch(() => undefined);
  if (result.state === "SUCCESS" && instance) return { ok: true, instance };
  const reason = result.state === "TIMEOUT" ? `not running after ${timeoutSeconds} s` : `state ${instance?.State?.Name ?? "unknown"}`;
  return { ok: false, instance, reason };
}

export async function describeOne(ec2: EC2Client, instanceId: string): Promise<Instance | undefined> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return out.Reservations?.[0]?.Instances?.[0];
}

const LIVE_STATES = ["pending", "running", "stopping", "stopped"];

/** Live instances started with a client token (RunInstances idempotency), in any of their states. */
export async function findByClientToken(ec2: EC2Client, clientToken: string): Promise<Instance[]> {
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "client-token", Values: [clientToken] }] }));
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

/** Instances (not yet shutting down or terminated) that carry every given tag. */
export async function findLiveByTags(ec2: EC2Client, tags: Record<string, string>): Promise<Instance[]> {
  return findByTags(ec2, tags, LIVE_STATES);
}

/**
 * Instances carrying every tag in `tags`, in `states` (EC2's instance-state-name values), or in any
 * state, terminated ones included (EC2 shows those for about an hour), when `states` is absent.
 */
export async function findByTags(ec2: EC2Client, tags: Record<string, string>, states?: readonly string[]): Promise<Instance[]> {
  const filters: Filter[] = [
    ...(states ? [{ Name: "instance-state-name", Values: [...states] }] : []),
    ...Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] })),
  ];
  const found: Instance[] = [];
  let token: string | undefined;
  do {
    const out = await ec2.send(new DescribeInstancesCommand({ Filters: filters, NextToken: token }));
    for (const r of out.Reservations ?? []) found.push(...(r.Instances ?? []));
    token = out.NextToken;
  } while (token);
  return found;
}

export class CleanupError extends Error {
  override name = "CleanupError";
}

export interface TerminationOutcome {
  /** Ids EC2 reports shutting-down or terminated, with that state. */
  terminated: Array<{ id: string; state: string }>;
  /** Ids whose termination EC2 did not confirm, each with why. */
  failed: Array<{ id: string; reason: string }>;
}

const NOT_FOUND = "InvalidInstanceID.NotFound";
const GONE = new Set(["shutting-down", "terminated"]);

/** Whether an instance in EC2 state `state` is on its way out or gone (shutting-down, terminated). */
export function isGone(state: string | undefined): boolean {
  return state !== undefined && GONE.has(state);
}

/**
 * Terminates each instance with its own TerminateInstances call (one bad id must not stop the
 * others: AWS rejects the whole call) and confirms each through DescribeInstances. Right after
 * launch EC2 is eventually consistent: NotFound from either call is retried, never taken as
 * "already gone"; an instance counts as terminated only once EC2 reports it shutting-down or
 * terminated. Throttling and internal errors are retried too. Never throws.
 */
export async function terminateEach(ec2: EC2Client, instanceIds: string[], clock: Clock, log: Log): Promise<TerminationOutcome> {
  const retryable = (e: unknown) => isThrottlingOrInternal(e) || awsErrorCode(e) === NOT_FOUND;
  // NotFound is retried for about half a minute (full jitter up to 8 s a wait): EC2 catches up in seconds.
  const retry = { clock, attempts: 12, baseMs: 500, maxMs: 8000, retryable };
  const one = async (id: string): Promise<string> => {
    await withRetry(() => ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })), retry);
    return withRetry(async () => {
      const state = (await describeOne(ec2, id))?.State?.Name ?? "unknown";
      if (!GONE.has(state)) throw Object.assign(new Error(`still ${state}`), { name: "InternalError" });
      return state;
    }, retry);
  };
  const outcome: TerminationOutcome = { terminated: [], failed: [] };
  await Promise.all(
    [...new Set(instanceIds)].map(async (id) => {
      try {
        outcome.terminated.push({ id, state: await one(id) });
      } catch (error) {
        const reason = `${awsErrorCode(error) ?? "Error"}: ${(error as Error).message}`;
        log.error(`Could not confirm termination of ${id}: ${reason}`);
        outcome.failed.push({ id, reason });
      }
    }),
  );
  if (outcome.terminated.length > 0) log.info(`Terminated ${outcome.terminated.map((t) => `${t.id} (${t.state})`).join(", ")}`);
  return outcome;
}

/**
 * Terminates instances (each on its own, see terminateEach) and confirms each. A failure is a
 * CleanupError naming every instance not confirmed and why: money may be burning, so callers
 * fail loudly.
 */
export async function terminateAndConfirm(ec2: EC2Client, instanceIds: string[], clock: Clock, log: Log): Promise<void> {
  if (instanceIds.length === 0) return;
  const { failed } = await terminateEach(ec2, instanceIds, clock, log);
  if (failed.length > 0) {
    throw new CleanupError(
      `Could not confirm termination of ${failed.map((f) => `${f.id} (${f.reason})`).join("; ")}. ` +
        `Terminate ${failed.length === 1 ? "it" : "them"} in the EC2 console now (tag ${MANAGED_BY.key}=${MANAGED_BY.value}); the sweeper will also retry.`,
    );
  }
}

export interface ExpiredInstance {
  id: string;
  type?: string;
  expiresAt: string;
  launchedAt?: string;
  /** Why the sweep takes it: its expires-at passed, it has none readable, or it outlived any allowed TTL. */
  reason: "expired" | "no expiry" | "outlived the longest ttl";
  repository?: string;
  runId?: string;
  state?: string;
}

/** Beyond the longest ttl-minutes, how long an instance may live before the sweep takes it whatever its tag says. */
export const SWEEP_MARGIN_MINUTES = 30;

/**
 * Every live instance this tool tagged for `stack` that must go: its expires-at has passed (or is unreadable),
 * or, whatever the tag says (it can be rewritten), it has lived longer than the longest allowed
 * ttl-minutes plus SWEEP_MARGIN_MINUTES since its LaunchTime.
 */
export async function findExpired(ec2: EC2Client, now: Date, stack: string, maxTtlMinutes: number): Promise<ExpiredInstance[]> {
  const live = await findLiveByTags(ec2, { [MANAGED_BY.key]: MANAGED_BY.value, [TagKeys.stack]: stack });
  const lifeLimitMs = (maxTtlMinutes + SWEEP_MARGIN_MINUTES) * 60_000;
  const expired: ExpiredInstance[] = [];
  for (const i of live) {
    const tag = (k: string) => i.Tags?.find((t) => t.Key === k)?.Value;
    const expiresAt = tag(TagKeys.expiresAt) ?? "";
    const at = Date.parse(expiresAt);
    const launched = i.LaunchTime?.getTime();
    // A managed instance without a readable expiry is expired by definition: nothing vouches for it.
    const reason: ExpiredInstance["reason"] | undefined = Number.isNaN(at)
      ? "no expiry"
      : at <= now.getTime()
        ? "expired"
        : launched !== undefined && now.getTime() - launched > lifeLimitMs
          ? "outlived the longest ttl"
          : undefined;
    if (reason) {
      expired.push({
        id: i.InstanceId!,
        type: i.InstanceType,
        expiresAt,
        launchedAt: i.LaunchTime?.toISOString(),
        reason,
        repository: tag(TagKeys.repository),
        runId: tag(TagKeys.runId),
        state: i.State?.Name,
      });
    }
  }
  return expired;
}
