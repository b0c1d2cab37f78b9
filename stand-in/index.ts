import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Catalog, type CatalogOptions } from "./catalog.js";
import { Scheduler } from "./clock.js";
import { CredentialStore, type StaticKey } from "./credentials.js";
import { ec2Handler, type PlacementGroup } from "./ec2.js";
import { Faults, type FaultSettings, type Market } from "./faults.js";
import { startServer, type CallRecord, type Handler, type RunningServer, type ServiceName } from "./http.js";
import { Instance, type BlockDeviceMapping, type InstanceStateName, type MetadataOptions, type NetworkInterfaceSpec } from "./instance.js";
import { Invocation, type InvocationStatus } from "./invocation.js";
import { OIDC_ISSUER, OIDC_JWKS_PATH, OidcIssuer } from "./oidc.js";
import { pricingHandler } from "./pricing.js";
import { S3Store, s3Handler } from "./s3.js";
import { ssmHandler, type StoredParameter } from "./ssm.js";
import { stsHandler } from "./sts.js";

export type { CallRecord } from "./http.js";
export type { CapacityErrorCode, CapacityFault, FaultSettings, Faults, Market } from "./faults.js";
export { agentOutputKey } from "./invocation.js";
export { PRICE_LIST_EFFECTIVE, spotPriceUsd, STAND_IN_ON_DEMAND_USD } from "./prices.js";
export { STDERR_LIMIT, STDOUT_LIMIT } from "./ssm.js";

/** The stubs (shutdown, k3s, nvidia-smi, …) first on every instance's PATH. */
export const INSTANCE_BIN = fileURLToPath(new URL("./instance-bin", import.meta.url));

export interface StandInOptions {
  /** Where `instances/<id>/` sandboxes go; a fresh temporary folder, removed by stop(), when absent. */
  root?: string;
  /** Initial fault settings (delays, scales); change them later through `standIn.faults`. */
  faults?: Partial<FaultSettings>;
  /** Subnet → Availability Zone; any other well-formed subnet lands in a stable AZ of us-west-2a…d. */
  subnets?: CatalogOptions["subnets"];
  /** Known AMIs (name, root snapshot size); any other well-formed AMI id exists too. */
  images?: CatalogOptions["images"];
  /** SSM parameter → AMI id, besides /aws/service/deeplearning/ami/<arch>/<flavour>/latest/ami-id. */
  parameters?: CatalogOptions["parameters"];
  /** Root snapshot size of images without their own; 75 GiB like the Deep Learning AMIs. */
  rootVolumeGiB?: number;
  /** Instance profiles that exist; any name when absent. */
  instanceProfiles?: string[];
  /** Roles that trust the OIDC provider; any well-formed role ARN when absent. */
  roleArns?: string[];
  /** The role's MaxSessionDuration; 3600 by default, as IAM's. */
  maxSessionDurationSeconds?: number;
  /** The `sub` claim of issued OIDC tokens. */
  oidcSubject?: string;
  /** More static access keys to accept, besides the one staticCredentialsEnv() hands out. */
  staticKeys?: StaticKey[];
  /** Added to the environment of every instance process (user data and SSM commands). */
  extraCommandEnv?: Record<string, string>;
  /** Buckets that exist from the start. */
  buckets?: string[];
}

export interface InstanceView {
  id: string;
  reservationId: string;
  type: string;
  az: string;
  subnetId: string;
  imageId: string;
  state: InstanceStateName;
  /** e.g. Client.UserInitiatedShutdown, Server.SpotInstanceTermination. */
  stateReason?: string;
  tags: Record<string, string>;
  volumeTags: Record<string, string>;
  clientToken?: string;
  userData: string;
  /** Exit code of the user-data script: undefined when none ran, null while it runs or when killed. */
  userDataExitCode?: number | null;
  launchedAt: Date;
  metadataOptions: MetadataOptions;
  blockDeviceMappings: BlockDeviceMapping[];
  shutdownBehavior: "stop" | "terminate";
  iamInstanceProfile?: { name?: string; arn: string };
  securityGroupIds: string[];
  market: Market;
  placementGroup?: string;
  /** Launched with EFA interfaces (its /sys then lists one efa RDMA device per interface). */
  efa: boolean;
  /** The network interfaces RunInstances asked for: network card, device index, type; empty for the subnet's default one. */
  networkInterfaces: NetworkInterfaceSpec[];
  agentOnline: boolean;
  /** The running boot's /proc/sys/kernel/random/boot_id, and how many boots there were (reboots + 1). */
  bootId: string;
  boots: number;
  /** The sandbox folder; `${sandbox}/root` is the instance's `/`. */
  sandbox: string;
  /** Its address on the instances' network (DescribeInstances' PrivateIpAddress). */
  privateIp: string;
  /**
   * The app id (AWS_SDK_UA_APP_ID) of the program whose RunInstances launched it and of the one whose
   * TerminateInstances ended it ("" when that caller set none; undefined when nobody terminated it).
   */
  launchedBy?: string;
  terminatedBy?: string;
}

export interface CommandView {
  id: string;
  instanceId: string;
  status: InvocationStatus;
  statusDetails: string;
  /** ResponseCode: the exit code, -1 when timed out, cancelled or not run. */
  exitCode: number;
  script: string;
  executionTimeoutSeconds: number;
  timeoutSeconds?: number;
  outputBucket?: string;
  outputPrefix?: string;
  /** Full, untruncated output (empty until the command ends). */
  stdout: string;
  stderr: string;
  requestedAt: Date;
  startedAt?: Date;
  endedAt?: Date;
}

export interface AssumedSession {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  accessKeyId: string;
  expiration: Date;
  at: Date;
}

export interface StandIn {
  /** What a process needs to use the stand-in instead of AWS and GitHub's token service. */
  env: Record<string, string>;
  /** Long-term keys for the default-credential-chain case; allow-listed. */
  staticCredentialsEnv(): Record<string, string>;
  /** GitHub's OIDC issuer as the stand-in plays it: the iss claim of its tokens, and where its signing keys are served. */
  oidc: { issuer: string; jwksUrl: string };
  faults: Faults;
  /** Every secret value the stand-in handed out: none may ever appear in logs or reports. */
  plantedSecrets(): string[];
  instances(): InstanceView[];
  /** Every placement group created, deleted ones included (state "deleted"). */
  placementGroups(): PlacementGroup[];
  /** Instances not terminated. */
  liveInstances(): InstanceView[];
  commands(): CommandView[];
  /** Parameters PutParameter stored and DeleteParameter has not deleted (SecureString values included). */
  parameters(): StoredParameter[];
  /** Every call made, in order. */
  calls: CallRecord[];
  /**
   * Runs after a call is handled and before its reply is sent (undefined to stop): a test can
   * kill the caller in the window where AWS has acted but the caller does not know it yet.
   */
  beforeReply(hook: ((call: CallRecord) => void | Promise<void>) | undefined): void;
  assumedSessions(): AssumedSession[];
  /** AWS reclaims a spot instance after `afterMs`. */
  interruptSpot(instanceId: string, afterMs?: number): void;
  createBucket(name: string): void;
  putObject(bucket: string, key: string, body: string | Buffer): void;
  getObject(bucket: string, key: string): Buffer | undefined;
  getText(bucket: string, key: string): string | undefined;
  listKeys(bucket: string, prefix?: string): string[];
  /** Closes the servers and kills every instance process. */
  stop(): Promise<void>;
}

const REGION = "us-west-2";

export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), "stand-in-"));
  mkdirSync(join(root, "instances"), { recursive: true });
  const scheduler = new Scheduler();
  const faults = new Faults(options.faults);
  const catalog = new Catalog({ region: REGION, ...options });
  const credentials = new CredentialStore(options.staticKeys);
  const oidc = new OidcIssuer(options.oidcSubject ?? "repo:octo-org/octo-repo:ref:refs/heads/main", () => faults.oidcTokenLifetimeMs);
  const store = new S3Store();
  for (const bucket of options.buckets ?? []) store.createBucket(bucket);
  const instances = new Map<string, Instance>();
  const placementGroups = new Map<string, PlacementGroup>();
  const invocations: Invocation[] = [];
  const calls: CallRecord[] = [];
  const parameters = new Map<string, StoredParameter>();
  /** Access keys of instance-role sessions (what IMDS hands an instance): only they decrypt under a customer key. */
  const instanceKeys = new Set<string>();
  let beforeReply: ((call: CallRecord) => void | Promise<void>) | undefined;

  const launch = (reservationId: string, spec: Instance["spec"]): Instance => {
    const instance = new Instance(reservationId, spec, {
      scheduler,
      settings: faults.settings(),
      ttlMinuteMs: () => faults.ttlMinuteMs,
      sandboxDir: (id) => join(root, "instances", id),
      networkDir: join(root, "network"),
      instanceBin: INSTANCE_BIN,
      extraEnv: options.extraCommandEnv ?? {},
    });
    instances.set(instance.id, instance);
    // The instance role's credentials, as IMDS would serve them, and the endpoint the instance's own
    // AWS CLI (the `aws` stub) calls: in a file of the sandbox, never in a process's environment.
    const profile = spec.iamInstanceProfile?.arn;
    if (profile) {
      const roleArn = profile.replace(":instance-profile/", ":role/");
      const session = credentials.issue(roleArn, instance.id, 21_600, 21_600_000);
      instanceKeys.add(session.accessKeyId);
      writeFileSync(
        join(instance.sandbox.dir, "imds-credentials"),
        [
          `AccessKeyId=${session.accessKeyId}`,
          `SecretAccessKey=${session.secretAccessKey}`,
          `Token=${session.sessionToken}`,
          `SsmEndpoint=${servers.ssm.url}`,
          `Region=${REGION}`,
          "",
        ].join("\n"),
        { mode: 0o600 },
      );
    }
    return instance;
  };
  const send = (commandId: string, instance: Instance, request: Invocation["request"]): Invocation => {
    const invocation = new Invocation(commandId, instance, request, { scheduler, faults, store, region: REGION });
    invocations.push(invocation);
    return invocation;
  };

  const handlers: Record<ServiceName, Handler> = {
    ec2: ec2Handler({
      instances,
      placementGroups,
      launch,
      catalog,
      credentials,
      faults,
      region: REGION,
      instanceProfiles: options.instanceProfiles,
    }),
    ssm: ssmHandler({
      instances,
      parameters,
      mayDecrypt: (accessKeyId, keyId) => keyId === "alias/aws/ssm" || (accessKeyId !== undefined && instanceKeys.has(accessKeyId)),
      invocations,
      send,
      catalog,
      credentials,
      faults,
      region: REGION,
    }),
    sts: stsHandler({
      credentials,
      oidc,
      faults,
      roleArns: options.roleArns,
      maxSessionDurationSeconds: options.maxSessionDurationSeconds ?? 3600,
    }),
    s3: s3Handler(store, credentials, faults),
    oidc: oidc.handler,
    pricing: pricingHandler(credentials, faults),
  };
  const servers = {} as Record<ServiceName, RunningServer>;
  for (const service of Object.keys(handlers) as ServiceName[]) {
    servers[service] = await startServer(service, handlers[service], async (call) => {
      calls.push(call);
      await beforeReply?.(call);
    });
  }

  const view = (i: Instance): InstanceView => ({
    id: i.id,
    reservationId: i.reservationId,
    type: i.spec.instanceType,
    az: i.spec.az,
    subnetId: i.spec.subnetId,
    imageId: i.spec.imageId,
    state: i.state,
    stateReason: i.stateReason?.code,
    tags: Object.fromEntries(i.tags),
    volumeTags: i.spec.volumeTags,
    clientToken: i.spec.clientToken,
    userData: i.spec.userData,
    userDataExitCode: i.userDataExitCode,
    launchedAt: i.launchedAt,
    metadataOptions: i.spec.metadataOptions,
    blockDeviceMappings: i.spec.blockDeviceMappings,
    shutdownBehavior: i.spec.shutdownBehavior,
    iamInstanceProfile: i.spec.iamInstanceProfile,
    securityGroupIds: i.spec.securityGroupIds,
    market: i.spec.market,
    placementGroup: i.spec.placementGroup,
    efa: i.spec.efa ?? false,
    networkInterfaces: i.spec.networkInterfaces ?? [],
    agentOnline: i.agentOnline,
    bootId: i.bootId,
    boots: i.boots,
    sandbox: i.sandbox.dir,
    privateIp: i.privateIp,
    launchedBy: i.launchedBy,
    terminatedBy: i.terminatedBy,
  });
  const [staticKey] = credentials.staticKeys;

  return {
    env: {
      AWS_ENDPOINT_URL_EC2: servers.ec2.url,
      AWS_ENDPOINT_URL_SSM: servers.ssm.url,
      AWS_ENDPOINT_URL_STS: servers.sts.url,
      AWS_ENDPOINT_URL_S3: servers.s3.url,
      AWS_ENDPOINT_URL_PRICING: servers.pricing.url,
      AWS_REGION: REGION,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
      AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
      ACTIONS_ID_TOKEN_REQUEST_URL: `${servers.oidc.url}${oidc.path}?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
    },
    oidc: { issuer: OIDC_ISSUER, jwksUrl: `${servers.oidc.url}${OIDC_JWKS_PATH}` },
    staticCredentialsEnv: () => ({ AWS_ACCESS_KEY_ID: staticKey!.accessKeyId, AWS_SECRET_ACCESS_KEY: staticKey!.secretAccessKey }),
    faults,
    plantedSecrets: () => [
      oidc.requestToken,
      oidc.plantedClaim,
      ...oidc.issued.map((t) => t.jwt),
      ...credentials.staticKeys.map((k) => k.secretAccessKey),
      ...credentials.sessions.flatMap((s) => [s.secretAccessKey, s.sessionToken]),
    ],
    instances: () => [...instances.values()].map(view),
    placementGroups: () => [...placementGroups.values()].map((g) => ({ ...g, tags: { ...g.tags } })),
    parameters: () => [...parameters.values()].map((p) => ({ ...p, tags: { ...p.tags } })),
    liveInstances: () => [...instances.values()].filter((i) => i.state !== "terminated").map(view),
    commands: () =>
      invocations.map((i) => ({
        id: i.commandId,
        instanceId: i.instance.id,
        status: i.status,
        statusDetails: i.statusDetails,
        exitCode: i.responseCode,
        script: i.request.script,
        executionTimeoutSeconds: i.request.executionTimeoutSeconds,
        timeoutSeconds: i.request.timeoutSeconds,
        outputBucket: i.request.outputBucket,
        outputPrefix: i.request.outputPrefix,
        stdout: i.stdout,
        stderr: i.stderr,
        requestedAt: i.requestedAt,
        startedAt: i.startedAt,
        endedAt: i.endedAt,
      })),
    calls,
    beforeReply: (hook) => {
      beforeReply = hook;
    },
    assumedSessions: () =>
      credentials.sessions.map((s) => ({
        roleArn: s.roleArn,
        sessionName: s.sessionName,
        durationSeconds: s.durationSeconds,
        accessKeyId: s.accessKeyId,
        expiration: s.expiration,
        at: s.at,
      })),
    interruptSpot: (instanceId, afterMs = 0) => {
      const instance = instances.get(instanceId);
      if (!instance) throw new Error(`no instance ${instanceId}`);
      instance.interruptSpot(afterMs);
    },
    createBucket: (name) => void store.createBucket(name),
    putObject: (bucket, key, body) => void store.put(bucket, key, body),
    getObject: (bucket, key) => store.get(bucket, key)?.body,
    getText: (bucket, key) => store.get(bucket, key)?.body.toString("utf8"),
    listKeys: (bucket, prefix) => store.keys(bucket, prefix),
    stop: async () => {
      scheduler.stop();
      await Promise.all([...instances.values()].map((i) => i.dispose()));
      await Promise.all(Object.values(servers).map((s) => s.close()));
      if (!options.root) rmSync(root, { recursive: true, force: true });
    },
  };
}
