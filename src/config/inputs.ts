import { Inputs, MANAGED_BY, TagKeys, type InputName } from "./names.js";
import { CLUSTER_SUFFIX_CHARS } from "../platform/cluster-name.js";
import { DEFAULT_BASELINE_RUNS, MIN_RUNS_TO_DECIDE } from "../evidence/regression.js";

/**
 * Action inputs (and the CLI's flags, which map onto the same names) turned into one typed
 * settings object. Every problem is found before any AWS call, and all of them are reported at
 * once, each naming the input and what it accepts.
 */

export const DEFAULT_AMI_PARAMETER = "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id";
export const DEFAULT_INSTANCE_TYPES = ["g5.2xlarge", "g5.4xlarge", "g5.xlarge"];
export const DEFAULT_REGION = "us-west-2";
export const DEFAULT_EVIDENCE_PREFIX = "gpu-bench";
/** The stack name the README deploys infra/gpu-bench.yaml as. */
export const DEFAULT_STACK = "gpu-bench";
/** Inputs without a default that mode run cannot do without (action.yml marks none required: sweep needs none of them). */
export const RUN_REQUIRED_INPUTS = [Inputs.subnetIds, Inputs.securityGroupId, Inputs.instanceProfile, Inputs.evidenceBucket] as const;
/** The longest ttl-minutes allowed (48 hours); the sweep bounds every instance's life by it, whatever its tag says. */
export const MAX_TTL_MINUTES = 2880;

export type AmiSource = { kind: "id"; id: string } | { kind: "ssm-parameter"; name: string };
export type InstanceProfile = { name: string } | { arn: string };
export type Market = "on-demand" | "spot";
/** market-type: a market, or spot over every candidate first and then on-demand over every candidate. */
export type MarketType = Market | "spot-then-on-demand";
export const MARKET_TYPES: readonly MarketType[] = ["on-demand", "spot", "spot-then-on-demand"];

export interface AwsAccess {
  region: string;
  /** Absent: the SDK's default credential chain. */
  roleToAssume?: string;
  roleDurationSeconds: number;
  roleSessionName?: string;
}

/** What both modes share besides access. */
export interface StackScope {
  /**
   * The infra/gpu-bench.yaml stack the role belongs to, written as tag gpu-bench:stack on every
   * instance and volume: that stack's role may launch, command and terminate only instances with
   * its own name, and the sweep looks only at those.
   */
  stack: string;
}

export interface RunSettings extends AwsAccess, StackScope, GitHubReporting {
  mode: "run";
  instanceTypes: string[];
  subnetIds: string[];
  securityGroupId: string;
  instanceProfile: InstanceProfile;
  ami: AmiSource;
  market: MarketType;
  ttlMinutes: number;
  /** max-cost-usd: the instance's budget in USD; absent: none. */
  maxCostUsd?: number;
  /** Bound on each wait before the node is reachable: instance running, then SSM agent Online. */
  startupTimeoutSeconds: number;
  rootVolumeGb: number;
  evidenceBucket: string;
  evidencePrefix: string;
  /** Path of the suite file; absent: the default suite. */
  suitePath?: string;
  tags: Record<string, string>;
  k3sVersion?: string;
  epochs?: number;
  batchSize?: number;
  baselineRuns: number;
  regressionThresholdPercent: number;
  baselineFile?: string;
  failOnRegression: boolean;
  retentionDays: number;
  hfToken?: string;
  /** Absent: no platform (platform-api-url empty). */
  platform?: PlatformSettings;
}

export type CognitoFlow = "admin" | "user";

/** How the run authenticates to the platform API. */
export type PlatformAuth =
  | {
      kind: "cognito";
      userPoolId: string;
      /** The pool's region: the part of the pool id before the underscore. */
      poolRegion: string;
      clientId: string;
      clientSecret?: string;
      username: string;
      password: string;
      /** admin: AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH) with the run's AWS credentials; user: InitiateAuth (USER_PASSWORD_AUTH). */
      flow: CognitoFlow;
      /** Which Cognito token is the bearer token. */
      tokenUse: "id" | "access";
    }
  | { kind: "bearer"; token: string }
  | { kind: "github-oidc"; audience: string }
  | { kind: "none" };

export type PlatformAgent = { kind: "image"; image: string } | { kind: "script"; path: string };

/** platform-preset: radix, or custom with platform-config (a path in the repository). */
export type PlatformPreset = { kind: "radix" } | { kind: "custom"; configPath: string };

export interface PlatformSettings {
  /** Base URL without a trailing slash. */
  apiUrl: string;
  /** radix (the built-in description), or custom: the description in the file configPath (platform-config). */
  preset: PlatformPreset;
  auth: PlatformAuth;
  /** cluster-name: the base of the run's cluster name (runClusterName adds the run's suffix). */
  clusterName: string;
  agent: PlatformAgent;
  /** Bound, in seconds, on waiting for the cluster to become active and on each platform job. */
  timeoutSeconds: number;
}

export interface SweepSettings extends AwsAccess, StackScope {
  mode: "sweep";
  dryRun: boolean;
  /** Every region swept: 'sweep-regions', or just 'aws-region'. */
  regions: string[];
  /**
   * With platform-api-url: the platform whose clusters this tool named from cluster-name (isRunClusterName)
   * and older than the longest run are deleted too (a run killed before it could delete its own, its post step lost).
   */
  platform?: { apiUrl: string; preset: PlatformPreset; auth: PlatformAuth; clusterName: string };
}

/** Where published results go on GitHub besides the summary (issue 13). */
export interface GitHubReporting {
  /** Absent: nothing is posted to the GitHub API. */
  githubToken?: string;
  /** auto: on pull-request events; always: wherever a pull request is known; never. */
  comment: "auto" | "always" | "never";
  checkRun: boolean;
}

/** `mode: comment`: post the sticky comment (and check run) from a results.json written earlier. */
export interface CommentSettings extends AwsAccess, GitHubReporting {
  mode: "comment";
  /** A results.json: a path or an s3:// URI. */
  results: string;
  /** The pull request; absent: the one the triggering event names. */
  pr?: number;
}

/** `mode: compare`: one comparison across the results of several runs (GPU types, matrix legs). */
export interface CompareSettings extends AwsAccess {
  mode: "compare";
  /** results.json files, folders holding them (downloaded artifacts), or s3:// URIs of either. */
  results: string[];
}

export type Settings = RunSettings | SweepSettings | CommentSettings | CompareSettings;

export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `Invalid inputs (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "InputError";
  }
}

/** Reads one input by name; "" when it was not given. */
export type InputReader = (name: InputName) => string;

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ROLE_ARN = /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const INSTANCE_TYPE = /^([a-z][a-z0-9-]*)\.([a-z0-9]+)$/;
const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const PROFILE_NAME = /^[\w+=,.@-]{1,128}$/;
const PROFILE_ARN = /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:instance-profile\/[\w+=,.@/-]{1,128}$/;
const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SSM_PARAMETER = /^\/[A-Za-z0-9_.\-/]{1,2047}$/;
const BUCKET = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^(?:[A-Za-z0-9_.-]+\/)*[A-Za-z0-9_.-]+$/;
const COGNITO_POOL_ID = /^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)_[0-9a-zA-Z]+$/;
const COGNITO_CLIENT_ID = /^[\w+]{1,128}$/;
// 44 at most: the run adds its own suffix (src/platform/cluster-name.ts) and the whole stays within 63.
const CLUSTER_NAME = /^[a-z0-9]([a-z0-9-]{0,42}[a-z0-9])?$/;
const IMAGE_REF = /^[\w.-]+(?::\d+)?(?:\/[\w.-]+)*(?::[\w.-]{1,128})?(?:@sha256:[0-9a-f]{64})?$/;
const SECRET_TEXT = /^[^\r\n]+$/;
// CloudFormation stack names: a letter, then letters, digits and hyphens, up to 128.
const STACK = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const K3S_VERSION = /^v\d+\.\d+\.\d+\+k3s\d+$/;
// AWS tag characters: letters, digits, spaces and + - = . _ : / @ (no shell metacharacters).
const TAG_KEY = /^[\p{L}\p{N}+\-=._:/@ ]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{N}+\-=._:/@ ]{0,256}$/u;

/** NVIDIA GPU families on x86_64 that the Deep Learning AMIs support. */
export const NVIDIA_GPU_FAMILIES = new Set([
  "g4dn",
  "g5",
  "g6",
  "g6e",
  "g6f",
  "gr6",
  "gr6f",
  "g7e",
  "p3",
  "p3dn",
  "p4d",
  "p4de",
  "p5",
  "p5e",
  "p5en",
  "p6-b200",
  "p6-b300",
]);

/** Tag keys the tool writes itself; users may not override them. */
export const RESERVED_TAG_KEYS = new Set<string>([MANAGED_BY.key, ...Object.values(TagKeys), "Name"]);

export function splitList(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

class Problems {
  readonly list: string[] = [];
  add(input: InputName, message: string): undefined {
    this.list.push(`'${input}' ${message}`);
    return undefined;
  }
}

function parseInteger(p: Problems, input: InputName, raw: string, min: number, max: number, fallback: number): number;
function parseInteger(p: Problems, input: InputName, raw: string, min: number, max: number, fallback?: undefined): number | undefined;
function parseInteger(p: Problems, input: InputName, raw: string, min: number, max: number, fallback?: number): number | undefined {
  if (raw === "") return fallback;
  if (!/^\d+$/.test(raw)) return p.add(input, `must be a whole number from ${min} to ${max}, got '${raw}'`);
  const n = Number(raw);
  if (n < min || n > max) return p.add(input, `must be from ${min} to ${max}, got ${n}`);
  return n;
}

/**
 * baseline-runs, MIN_RUNS_TO_DECIDE to 100 (default 10): fewer earlier runs can never estimate the
 * run-to-run noise, so with 1 no change would ever be judged and fail-on-regression could never fail.
 */
function parseBaselineRuns(p: Problems, raw: string): number {
  if (/^\d+$/.test(raw) && Number(raw) < MIN_RUNS_TO_DECIDE) {
    p.add(
      Inputs.baselineRuns,
      `must be at least ${MIN_RUNS_TO_DECIDE}, got ${Number(raw)}: fewer earlier runs cannot estimate the run-to-run noise, so no change would ever be judged`,
    );
    return DEFAULT_BASELINE_RUNS;
  }
  return parseInteger(p, Inputs.baselineRuns, raw, MIN_RUNS_TO_DECIDE, 100, DEFAULT_BASELINE_RUNS);
}

function parseNumber(p: Problems, input: InputName, raw: string, min: number, max: number, fallback: number): number {
  if (raw === "") return fallback;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || n < min || n > max) {
    p.add(input, `must be a number from ${min} to ${max}, got '${raw}'`);
    return fallback;
  }
  return n;
}

/**
 * A boolean input, spelled as @actions/core's getBooleanInput accepts it (YAML 1.2 core schema):
 * true, True, TRUE, false, False, FALSE. YAML 1.1 spellings (yes, on, y, …) are refused rather than
 * guessed, since a workflow author who wrote `on` may have meant a string.
 */
function parseBoolean(p: Problems, input: InputName, raw: string, fallback: boolean): boolean {
  if (raw === "") return fallback;
  if (/^(true|True|TRUE)$/.test(raw)) return true;
  if (/^(false|False|FALSE)$/.test(raw)) return false;
  p.add(input, `must be true or false (YAML 1.2 core-schema booleans: true, True, TRUE, false, False, FALSE), got '${raw}'`);
  return fallback;
}

/**
 * The AWS partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`):
 * ARNs of one partition are unknown in the others.
 */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  return "aws";
}

/** An ARN given for `input` must be in the region's partition: the error names both and the fix. */
function checkPartition(p: Problems, input: InputName, arn: string, region: string): void {
  const arnPartition = arn.split(":")[1];
  const regionPartition = partitionOf(region);
  if (arnPartition !== regionPartition) {
    p.add(
      input,
      `is in partition '${arnPartition}' but '${Inputs.awsRegion}' ${region} is in partition '${regionPartition}': ` +
        `give an ARN starting arn:${regionPartition}: (a role of that partition's account) or a region of partition '${arnPartition}'`,
    );
  }
}

/**
 * A path the run reads from the checkout (suite, baseline-file): relative, inside the workspace,
 * no `..` segment. Its target is checked again when read (a symbolic link may still point out).
 */
function checkWorkspacePath(p: Problems, input: InputName, path: string): void {
  if (!/^[\w./-]+$/.test(path) || path.startsWith("/") || path.split("/").includes("..")) {
    p.add(input, `must be a relative path inside the repository (letters, digits, . _ - /, no '..', not starting with /), got '${path}'`);
  }
}

function parseStack(p: Problems, read: InputReader): string {
  const stack = read(Inputs.stack) || DEFAULT_STACK;
  if (!STACK.test(stack)) {
    p.add(
      Inputs.stack,
      `must be the name infra/gpu-bench.yaml was deployed as (its Stack output: a letter, then letters, digits and -), got '${stack}'`,
    );
  }
  return stack;
}

function parseAccess(p: Problems, read: InputReader): AwsAccess {
  const region = read(Inputs.awsRegion) || DEFAULT_REGION;
  if (!REGION.test(region)) p.add(Inputs.awsRegion, `must be an AWS region such as us-west-2, got '${region}'`);
  const role = read(Inputs.roleToAssume);
  if (role && !ROLE_ARN.test(role)) {
    p.add(Inputs.roleToAssume, `must be an IAM role ARN such as arn:aws:iam::123456789012:role/gpu-bench, got '${role}'`);
  } else if (role && REGION.test(region)) {
    checkPartition(p, Inputs.roleToAssume, role, region);
  }
  const sessionName = read(Inputs.roleSessionName);
  if (sessionName && !SESSION_NAME.test(sessionName)) {
    p.add(Inputs.roleSessionName, "must be 2 to 64 characters of letters, digits and + = , . @ _ -");
  }
  return {
    region,
    roleToAssume: role || undefined,
    roleDurationSeconds: parseInteger(p, Inputs.roleDurationSeconds, read(Inputs.roleDurationSeconds), 900, 43200, 3600),
    roleSessionName: sessionName || undefined,
  };
}

function parseInstanceTypes(p: Problems, raw: string): string[] {
  const types = raw === "" ? DEFAULT_INSTANCE_TYPES : splitList(raw);
  if (types.length === 0) {
    p.add(Inputs.instanceTypes, "lists no instance type: give one or more, in order of preference, such as g5.2xlarge,g5.xlarge");
  }
  for (const t of types) {
    const m = INSTANCE_TYPE.exec(t);
    if (!m) {
      p.add(Inputs.instanceTypes, `has '${t}', which is not an instance type (expected a name such as g5.2xlarge)`);
    } else if (!NVIDIA_GPU_FAMILIES.has(m[1]!)) {
      p.add(
        Inputs.instanceTypes,
        `has '${t}', which is not an x86_64 NVIDIA GPU instance type; use one of the families ${[...NVIDIA_GPU_FAMILIES].join(", ")}`,
      );
    }
  }
  if (new Set(types).size !== types.length) p.add(Inputs.instanceTypes, "lists the same instance type twice");
  return types;
}

function parseTags(p: Problems, raw: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const entry of splitList(raw)) {
    const eq = entry.indexOf("=");
    if (eq <= 0) {
      p.add(Inputs.tags, `has '${entry}', expected key=value`);
      continue;
    }
    const key = entry.slice(0, eq).trim();
    const value = entry.slice(eq + 1).trim();
    if (!TAG_KEY.test(key) || key.toLowerCase().startsWith("aws:")) {
      p.add(Inputs.tags, `has key '${key}': keys are 1-128 letters, digits, spaces and + - = . _ : / @, not starting with aws:`);
    } else if (RESERVED_TAG_KEYS.has(key)) {
      p.add(Inputs.tags, `has key '${key}', which the tool sets itself`);
    } else if (!TAG_VALUE.test(value)) {
      p.add(
        Inputs.tags,
        `has a value for '${key}' with characters AWS tags do not allow (allowed: letters, digits, spaces and + - = . _ : / @, up to 256)`,
      );
    } else {
      tags[key] = value;
    }
  }
  if (Object.keys(tags).length > 40) p.add(Inputs.tags, "has more than 40 tags; EC2 allows 50 and the tool uses 9");
  return tags;
}

function parseAmi(p: Problems, raw: string): AmiSource {
  if (raw === "") return { kind: "ssm-parameter", name: DEFAULT_AMI_PARAMETER };
  if (AMI_ID.test(raw)) return { kind: "id", id: raw };
  const param = raw.replace(/^(resolve:)?ssm:/, "");
  if (param !== raw && SSM_PARAMETER.test(param)) return { kind: "ssm-parameter", name: param };
  p.add(Inputs.ami, `must be an AMI id (ami-0123456789abcdef0) or ssm:/path/to/parameter, got '${raw}'`);
  return { kind: "id", id: raw };
}

function parseProfile(p: Problems, raw: string, region: string): InstanceProfile {
  if (PROFILE_ARN.test(raw)) {
    if (REGION.test(region)) checkPartition(p, Inputs.instanceProfile, raw, region);
    return { arn: raw };
  }
  if (raw === "") p.add(Inputs.instanceProfile, "is required: the name of an instance profile whose role has AmazonSSMManagedInstanceCore");
  else if (!PROFILE_NAME.test(raw)) p.add(Inputs.instanceProfile, `must be an instance profile name or ARN, got '${raw}'`);
  return { name: raw };
}

function parseApiUrl(p: Problems, raw: string): string {
  // A user:password@ written into the URL is refused below, and never repeated in a message.
  const shown = raw.replace(/\/\/[^/?#]*@/, "//…@");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    p.add(Inputs.platformApiUrl, `must be an https:// URL such as https://api.example.com, got '${shown}'`);
    return raw;
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    p.add(Inputs.platformApiUrl, `must use https:// (plain http only on localhost), got '${shown}'`);
  }
  if (url.username || url.password || url.search || url.hash) {
    p.add(Inputs.platformApiUrl, "must be a plain base URL: no credentials, query or fragment (give credentials through platform-auth)");
  }
  return raw.replace(/\/+$/, "");
}

function parsePlatformAuth(p: Problems, read: InputReader): PlatformAuth {
  const kind = read(Inputs.platformAuth) || "cognito";
  if (kind === "none") return { kind: "none" };
  if (kind === "bearer") {
    const token = read(Inputs.platformToken);
    if (!token) p.add(Inputs.platformToken, "is required with platform-auth bearer: pass it from a secret (CLI: GPU_BENCH_PLATFORM_TOKEN)");
    else if (!/^[\x21-\x7e]+$/.test(token)) p.add(Inputs.platformToken, "must be a single token without spaces");
    return { kind: "bearer", token };
  }
  if (kind === "github-oidc") {
    const audience = read(Inputs.platformAudience);
    if (!audience)
      p.add(
        Inputs.platformAudience,
        "is required with platform-auth github-oidc: the audience the platform expects in GitHub's OIDC token",
      );
    return { kind: "github-oidc", audience };
  }
  if (kind !== "cognito") {
    p.add(Inputs.platformAuth, `must be cognito, bearer, github-oidc or none, got '${kind}'`);
    return { kind: "none" };
  }
  const userPoolId = read(Inputs.cognitoUserPoolId);
  const pool = COGNITO_POOL_ID.exec(userPoolId);
  if (!userPoolId) p.add(Inputs.cognitoUserPoolId, "is required with platform-auth cognito: the user pool id, such as us-west-2_AbCdEf123");
  else if (!pool) p.add(Inputs.cognitoUserPoolId, `must be a user pool id such as us-west-2_AbCdEf123, got '${userPoolId}'`);
  const clientId = read(Inputs.cognitoClientId);
  if (!clientId) p.add(Inputs.cognitoClientId, "is required with platform-auth cognito: the app client id of the user pool");
  else if (!COGNITO_CLIENT_ID.test(clientId))
    p.add(Inputs.cognitoClientId, `must be an app client id (letters and digits), got '${clientId}'`);
  const clientSecret = read(Inputs.cognitoClientSecret);
  if (clientSecret && !SECRET_TEXT.test(clientSecret)) p.add(Inputs.cognitoClientSecret, "must be a single line");
  const username = read(Inputs.cognitoUsername);
  if (!username) p.add(Inputs.cognitoUsername, "is required with platform-auth cognito: the CI user's name or email");
  const password = read(Inputs.cognitoPassword);
  if (!password)
    p.add(Inputs.cognitoPassword, "is required with platform-auth cognito: pass it from a secret (CLI: GPU_BENCH_COGNITO_PASSWORD)");
  else if (!SECRET_TEXT.test(password)) p.add(Inputs.cognitoPassword, "must be a single line");
  const flow = read(Inputs.cognitoAuthFlow) || "admin";
  if (flow !== "admin" && flow !== "user") p.add(Inputs.cognitoAuthFlow, `must be admin or user, got '${flow}'`);
  const tokenUse = read(Inputs.platformTokenUse) || "id";
  if (tokenUse !== "id" && tokenUse !== "access") p.add(Inputs.platformTokenUse, `must be id or access, got '${tokenUse}'`);
  return {
    kind: "cognito",
    userPoolId,
    poolRegion: pool?.[1] ?? "",
    clientId,
    clientSecret: clientSecret || undefined,
    username,
    password,
    flow: flow === "user" ? "user" : "admin",
    tokenUse: tokenUse === "access" ? "access" : "id",
  };
}

/**
 * The platform-auth inputs alone: the post step and `gpu-bench cleanup` log in with them to delete
 * the cluster a run's state names. Throws InputError naming each bad input.
 */
export function parsePlatformAuthInputs(readRaw: InputReader): PlatformAuth {
  const read: InputReader = (name) => readRaw(name).trim();
  const p = new Problems();
  const auth = parsePlatformAuth(p, read);
  if (p.list.length > 0) throw new InputError(p.list);
  return auth;
}

function parseClusterName(p: Problems, read: InputReader): string {
  const clusterName = read(Inputs.clusterName) || "gpu-bench";
  if (!CLUSTER_NAME.test(clusterName)) {
    p.add(
      Inputs.clusterName,
      `must be 1 to 44 lowercase letters, digits and -, starting and ending with a letter or digit (each run adds its own ${CLUSTER_SUFFIX_CHARS}-character suffix), got '${clusterName}'`,
    );
  }
  return clusterName;
}

/** platform-preset and platform-config (whose file is read and checked before anything is spent, see describePlatform). */
function parsePreset(p: Problems, read: InputReader): PlatformPreset {
  const preset = read(Inputs.platformPreset) || "radix";
  const configPath = read(Inputs.platformConfig);
  if (preset === "custom") {
    if (!configPath)
      p.add(
        Inputs.platformConfig,
        "is required with platform-preset custom: a YAML file in the repository describing each step of the platform's API (see examples/platform-custom.yaml)",
      );
    else if (!/^[\w./-]+$/.test(configPath)) p.add(Inputs.platformConfig, `must be a path inside the repository, got '${configPath}'`);
    return { kind: "custom", configPath };
  }
  if (preset !== "radix") p.add(Inputs.platformPreset, `must be radix or custom (with platform-config), got '${preset}'`);
  if (configPath) p.add(Inputs.platformConfig, "is read only with platform-preset custom");
  return { kind: "radix" };
}

/** The platform inputs; undefined when platform-api-url is empty. */
function parsePlatform(p: Problems, read: InputReader): PlatformSettings | undefined {
  const raw = read(Inputs.platformApiUrl);
  if (!raw) {
    // Inputs that only say how to use a platform: without its URL the run would silently go without one.
    for (const input of [Inputs.platformAgentImage, Inputs.platformAgentScript, Inputs.platformConfig]) {
      if (read(input))
        p.add(
          input,
          `is given but '${Inputs.platformApiUrl}' is empty, so the run would not go through a platform: set platform-api-url (and platform-auth), or remove ${input}`,
        );
    }
    return undefined;
  }
  const apiUrl = parseApiUrl(p, raw);
  const preset = parsePreset(p, read);
  const clusterName = parseClusterName(p, read);
  const image = read(Inputs.platformAgentImage);
  const script = read(Inputs.platformAgentScript);
  let agent: PlatformAgent = { kind: "image", image };
  if (image && script) {
    p.add(
      Inputs.platformAgentScript,
      "and 'platform-agent-image' are both given: give one, the image (run as a k3s Deployment) or the script (run over SSM)",
    );
  } else if (script) {
    if (!/^[\w./-]+$/.test(script)) p.add(Inputs.platformAgentScript, `must be a path inside the repository, got '${script}'`);
    agent = { kind: "script", path: script };
  } else if (!image) {
    p.add(
      Inputs.platformAgentImage,
      "or 'platform-agent-script' is required with platform-api-url: how the platform's agent starts on the node",
    );
  } else if (!IMAGE_REF.test(image)) {
    p.add(Inputs.platformAgentImage, `must be an image reference such as ghcr.io/org/agent:1.2.3, got '${image}'`);
  }
  return {
    apiUrl,
    preset,
    auth: parsePlatformAuth(p, read),
    clusterName,
    agent,
    timeoutSeconds: parseInteger(p, Inputs.platformTimeoutSeconds, read(Inputs.platformTimeoutSeconds), 30, 7200, 600),
  };
}

function parseGitHubReporting(p: Problems, read: InputReader): GitHubReporting {
  const comment = read(Inputs.comment) || "auto";
  if (comment !== "auto" && comment !== "always" && comment !== "never")
    p.add(Inputs.comment, `must be auto (on pull-request events), always or never, got '${comment}'`);
  return {
    githubToken: read(Inputs.githubToken) || undefined,
    comment: comment === "always" || comment === "never" ? comment : "auto",
    checkRun: parseBoolean(p, Inputs.checkRun, read(Inputs.checkRun), false),
  };
}

function parseResultsMode(
  p: Problems,
  read: InputReader,
  mode: "comment" | "compare",
  access: AwsAccess,
): CommentSettings | CompareSettings {
  const results = splitList(read(Inputs.results));
  if (results.length === 0)
    p.add(
      Inputs.results,
      mode === "comment"
        ? "is required in mode comment: the results.json to post (a path or an s3:// URI)"
        : "is required in mode compare: the results of the runs to compare (results.json files, folders of downloaded artifacts, or s3:// URIs)",
    );
  if (mode === "compare") {
    if (p.list.length > 0) throw new InputError(p.list);
    return { mode, ...access, results };
  }
  if (results.length > 1) p.add(Inputs.results, `takes one results.json in mode comment, got ${results.length}`);
  const prRaw = read(Inputs.pr);
  const pr = prRaw ? parseInteger(p, Inputs.pr, prRaw, 1, 1e9) : undefined;
  const reporting = parseGitHubReporting(p, read);
  if (reporting.comment === "never")
    p.add(Inputs.comment, "is never, but mode comment posts the comment and nothing else: leave comment empty, or do not run mode comment");
  if (!reporting.githubToken) p.add(Inputs.githubToken, "is required in mode comment: a token that may write pull-request comments");
  if (p.list.length > 0) throw new InputError(p.list);
  return { mode, ...access, ...reporting, comment: "always", results: results[0]!, pr };
}

/**
 * Every input, checked before any AWS call. Values are trimmed here, whatever the reader: a value
 * from a file or variable edited on Windows ends in "\r\n", and the CLI passes flags untrimmed.
 * Throws InputError listing every problem, each naming its input and what it accepts.
 */
export function parseSettings(readRaw: InputReader): Settings {
  const read: InputReader = (name) => readRaw(name).trim();
  const p = new Problems();
  const mode = read(Inputs.mode) || "run";
  const access = parseAccess(p, read);
  const stack = parseStack(p, read);
  if (mode === "sweep") {
    const dryRun = parseBoolean(p, Inputs.dryRun, read(Inputs.dryRun), false);
    const listed = splitList(read(Inputs.sweepRegions));
    for (const r of listed) if (!REGION.test(r)) p.add(Inputs.sweepRegions, `has '${r}', which is not an AWS region such as us-west-2`);
    const platformUrl = read(Inputs.platformApiUrl);
    const platform = platformUrl
      ? {
          apiUrl: parseApiUrl(p, platformUrl),
          preset: parsePreset(p, read),
          auth: parsePlatformAuth(p, read),
          clusterName: parseClusterName(p, read),
        }
      : undefined;
    if (p.list.length > 0) throw new InputError(p.list);
    return { mode: "sweep", ...access, stack, dryRun, regions: listed.length > 0 ? [...new Set(listed)] : [access.region], platform };
  }
  if (mode === "comment" || mode === "compare") return parseResultsMode(p, read, mode, access);
  if (mode !== "run") {
    p.add(Inputs.mode, `must be run, sweep, comment or compare, got '${mode}'`);
  }
  // dry-run acts in sweep mode only, but a misspelt boolean is refused in either mode; and a run
  // asked to be dry would launch and bill instances all the same.
  if (parseBoolean(p, Inputs.dryRun, read(Inputs.dryRun), false)) {
    p.add(
      Inputs.dryRun,
      "lists what mode sweep would terminate; mode run has no dry run and would launch instances all the same: remove dry-run, or set mode: sweep",
    );
  }

  const subnetIds = splitList(read(Inputs.subnetIds));
  if (subnetIds.length === 0) p.add(Inputs.subnetIds, "is required: one or more subnet ids (subnet-…), one per Availability Zone to try");
  for (const s of subnetIds)
    if (!SUBNET_ID.test(s)) p.add(Inputs.subnetIds, `has '${s}', which is not a subnet id (subnet-0123456789abcdef0)`);

  const securityGroupId = read(Inputs.securityGroupId);
  if (!SECURITY_GROUP_ID.test(securityGroupId)) {
    p.add(
      Inputs.securityGroupId,
      securityGroupId
        ? `'${securityGroupId}' is not a security group id (sg-0123456789abcdef0)`
        : "is required: a security group id (sg-…) that allows outbound HTTPS",
    );
  }

  const evidenceBucket = read(Inputs.evidenceBucket);
  if (!BUCKET.test(evidenceBucket)) {
    p.add(
      Inputs.evidenceBucket,
      evidenceBucket ? `'${evidenceBucket}' is not a valid S3 bucket name` : "is required: the S3 bucket for command output and evidence",
    );
  }
  const evidencePrefix = read(Inputs.evidencePrefix) || DEFAULT_EVIDENCE_PREFIX;
  if (!PREFIX.test(evidencePrefix) || evidencePrefix.split("/").some((s) => s === "." || s === "..")) {
    p.add(
      Inputs.evidencePrefix,
      `must be a key prefix of letters, digits and . _ - separated by single /, without empty, '.' or '..' segments (such as gpu-bench/team-a), got '${evidencePrefix}'`,
    );
  }

  const suitePath = read(Inputs.suite);
  if (suitePath) checkWorkspacePath(p, Inputs.suite, suitePath);

  const marketRaw = read(Inputs.marketType) || "on-demand";
  const market = MARKET_TYPES.find((m) => m === marketRaw);
  if (!market) p.add(Inputs.marketType, `must be on-demand, spot or spot-then-on-demand, got '${marketRaw}'`);

  const maxCostRaw = read(Inputs.maxCostUsd);
  const maxCostUsd = maxCostRaw === "" ? undefined : Number(maxCostRaw);
  if (maxCostUsd !== undefined && (!/^\d+(\.\d+)?$/.test(maxCostRaw) || !(maxCostUsd > 0)))
    p.add(Inputs.maxCostUsd, `must be an amount of US dollars above 0, such as 5 or 2.50, got '${maxCostRaw}'`);

  const k3sVersion = read(Inputs.k3sVersion);
  if (k3sVersion && !K3S_VERSION.test(k3sVersion))
    p.add(Inputs.k3sVersion, `must be a k3s release such as v1.33.5+k3s1, got '${k3sVersion}'`);

  const baselineFile = read(Inputs.baselineFile);
  if (baselineFile) checkWorkspacePath(p, Inputs.baselineFile, baselineFile);

  const hfToken = read(Inputs.hfToken);
  if (hfToken && !/^[\x21-\x7e]+$/.test(hfToken)) p.add(Inputs.hfToken, "must be a single token without spaces");

  const settings: RunSettings = {
    mode: "run",
    ...access,
    stack,
    instanceTypes: parseInstanceTypes(p, read(Inputs.instanceTypes)),
    subnetIds,
    securityGroupId,
    instanceProfile: parseProfile(p, read(Inputs.instanceProfile), access.region),
    ami: parseAmi(p, read(Inputs.ami)),
    market: market ?? "on-demand",
    ttlMinutes: parseInteger(p, Inputs.ttlMinutes, read(Inputs.ttlMinutes), 5, MAX_TTL_MINUTES, 60),
    maxCostUsd,
    startupTimeoutSeconds: parseInteger(p, Inputs.startupTimeoutSeconds, read(Inputs.startupTimeoutSeconds), 10, 3600, 600),
    rootVolumeGb: parseInteger(p, Inputs.rootVolumeGb, read(Inputs.rootVolumeGb), 30, 16384, 150),
    evidenceBucket,
    evidencePrefix,
    suitePath: suitePath || undefined,
    tags: parseTags(p, read(Inputs.tags)),
    k3sVersion: k3sVersion || undefined,
    epochs: parseInteger(p, Inputs.epochs, read(Inputs.epochs), 1, 1000),
    batchSize: parseInteger(p, Inputs.batchSize, read(Inputs.batchSize), 1, 4096),
    baselineRuns: parseBaselineRuns(p, read(Inputs.baselineRuns)),
    regressionThresholdPercent: parseNumber(p, Inputs.regressionThreshold, read(Inputs.regressionThreshold), 0, 100, 5),
    baselineFile: baselineFile || undefined,
    failOnRegression: parseBoolean(p, Inputs.failOnRegression, read(Inputs.failOnRegression), false),
    retentionDays: parseInteger(p, Inputs.retentionDays, read(Inputs.retentionDays), 1, 90, 90),
    hfToken: hfToken || undefined,
    platform: parsePlatform(p, read),
    ...parseGitHubReporting(p, read),
  };
  if (p.list.length > 0) throw new InputError(p.list);
  return settings;
}
