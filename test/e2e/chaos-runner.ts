import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStandIn, type StandIn } from "../../stand-in/index.js";
import { ActionJob, leakedSecrets, type ActionRun } from "./action-process.js";
import { instancesLeftAlive, instancesOverTerminated } from "../../stand-in/settle.js";

export { instancesLeftAlive, instancesOverTerminated };
import { prng } from "../support/prng.js";
import { startPlatformWorld, type PlatformWorld } from "../support/platform-world.js";
import { filesUnder } from "../support/wait.js";

export const FAULTS = [
  "none",
  "capacity",
  "throttle",
  "slow-boot",
  "agent-never-online",
  "command-fails",
  "command-timeout",
  "s3-errors",
  "spot-interruption",
  // Two legs of one strategy.matrix: same run id, attempt and job, each on its own runner.
  "matrix-legs",
  // The post step finds GITHUB_STATE missing, schema-invalid or corrupt.
  "state-lost",
  // Default-chain credentials that end before ttl-minutes, or role sessions that expire every few seconds.
  "credentials-expire",
  // The CLI on a laptop whose terminal closes; then `gpu-bench cleanup`.
  "sighup",
  // A custom AMI without cloud-init: user data never runs, the switch is armed over SSM.
  "cloud-init-broken",
  // A suite with nodes: 3, every other time with one instance of the first group lost on its way to running.
  "multi-node",
  // Through the radix platform stand-in: Cognito login (a planted password and client secret), a
  // cluster, its onboarding token, a platform job; by turns with the platform throttling, answering
  // 5xx, refusing the first token, or refusing main's delete.
  "platform",
] as const;
export type Fault = (typeof FAULTS)[number];
export const KILLS = ["none", "sigint", "sigkill", "sigkill-after-run-instances", "sigkill-after-cluster-created"] as const;
export type Kill = (typeof KILLS)[number];

export interface Scenario {
  index: number;
  fault: Fault;
  kill: Kill;
  /** When the signal comes, counted from main's start. */
  killAfterMs: number;
}

export interface LifecycleOutcome {
  scenario: Scenario;
  mainExit: string;
  /**
   * Instances of this run still alive after main and the post step, the run's SecureString
   * parameters not deleted, and the platform clusters it created that are still there.
   */
  leaked: string[];
  /** Instances of this run terminated by a job (or CLI process) other than the one that launched them. */
  overTerminated: string[];
  /** Planted secrets a reader of the job's logs and files could see. */
  secretsSeen: string[];
  ms: number;
}

export function scenarios(runs: number, seed: number): Scenario[] {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: runs }, (_, index) => {
    const fault = pick(FAULTS);
    // Half the lifecycles are interrupted, the rest run to their end (sighup brings its own signal).
    let kill: Kill = random() < 0.5 ? "none" : pick(KILLS.slice(1));
    // Only a platform lifecycle creates a cluster; the others get the kill nearest to it.
    if (kill === "sigkill-after-cluster-created" && fault !== "platform") kill = "sigkill-after-run-instances";
    return { index, fault, kill: fault === "sighup" ? "none" : kill, killAfterMs: Math.floor(random() * 3000) };
  });
}

export const CHAOS_BUCKET = "gpu-bench-evidence";
/**
 * SSM limits at a tenth of their seconds (useLifecycleStandIn's `executionSecondMs`, explained in
 * lifecycle-stand-in.ts), for lifecycles that wait for no hang.
 */
export const NO_HANG_TO_WAIT_FOR = { executionSecondMs: 100 } as const;

/** A platform-job through the radix platform stand-in. */
export const PLATFORM_SUITE = "test/fixtures/suites/platform.yaml";
/** Three nodes launched as one unit: every one must be terminated on every path. */
export const MULTI_NODE_SUITE = "test/fixtures/suites/multi-node-3.yaml";

/** The stand-in as lifecycle tests use it: the evidence bucket, and node stubs at 1/100 of real latencies. */
export function startLifecycleStandIn(): Promise<StandIn> {
  return startStandIn({ buckets: [CHAOS_BUCKET], faults: { ttlMinuteMs: 60_000 }, extraCommandEnv: { STUB_LATENCY_SCALE: "0.01" } });
}

/** A minimal suite keeps a lifecycle short: the chaos is about the lifecycle, not the workload. */
export const CHAOS_INPUTS: Record<string, string> = {
  "role-to-assume": "arn:aws:iam::123456789012:role/gpu-bench",
  "instance-types": "g5.2xlarge,g5.xlarge",
  "subnet-ids": "subnet-0123456789abcdef0,subnet-0fedcba9876543210",
  "security-group-id": "sg-0123456789abcdef0",
  "instance-profile": "gpu-bench-instance",
  "evidence-bucket": CHAOS_BUCKET,
  "ttl-minutes": "30",
  suite: "test/fixtures/suites/lifecycle.yaml",
};

function applyFault(standIn: StandIn, fault: Fault): void {
  const f = standIn.faults;
  switch (fault) {
    case "capacity":
      f.failCapacity({ instanceType: "g5.2xlarge", code: "InsufficientInstanceCapacity" });
      break;
    case "throttle":
      f.throttle(2, { service: "ec2" });
      f.throttle(2, { service: "ssm" });
      break;
    case "slow-boot":
      f.bootDelayMs = 1500;
      break;
    case "agent-never-online":
      f.agentNeverOnline = true;
      break;
    case "command-fails":
      f.failCommands(1);
      break;
    case "command-timeout":
      f.hangCommands(1);
      break;
    case "s3-errors":
      f.failS3(2, "GetObject", "InternalError");
      f.failS3(1, "PutObject", "SlowDown");
      break;
    case "spot-interruption":
      f.spotInterruptAfterMs = 400;
      break;
    case "cloud-init-broken":
      f.userDataNeverRuns = true;
      break;
    case "multi-node":
      break;
    case "none":
      break;
  }
}

/**
 * Every other lifecycle carries an hf-token, planted like the stand-in's own secrets: it must reach
 * the node only through the run's SecureString parameter, and every cleanup path must delete that.
 */
function plantedHfToken(scenario: Scenario): string | undefined {
  return scenario.index % 2 === 0 ? `hf_Chaos${scenario.index}x${Math.random().toString(36).slice(2, 14)}` : undefined;
}

/** The platform sub-fault of a platform lifecycle, by turns. */
const PLATFORM_FAULTS = ["none", "throttle", "server-errors", "expired-token", "delete-fails"] as const;

function applyPlatformFault(world: PlatformWorld, scenario: Scenario): (typeof PLATFORM_FAULTS)[number] {
  const f = world.platform.faults;
  for (const k of Object.keys(f)) delete f[k as keyof typeof f];
  const fault = PLATFORM_FAULTS[scenario.index % PLATFORM_FAULTS.length]!;
  if (fault === "throttle") f.throttle = 2;
  if (fault === "server-errors") f.serverErrors = 2;
  if (fault === "expired-token") f.expiredToken = 1;
  // Main's delete is refused; the post step's goes through.
  if (fault === "delete-fails") f.deleteFails = true;
  return fault;
}

/** The run's parameters (tagged with its run id) the stand-in still holds: each one is a leaked secret. */
function parametersLeft(standIn: StandIn, runId: string): string[] {
  return standIn
    .parameters()
    .filter((p) => p.tags["gpu-bench:run-id"] === runId)
    .map((p) => p.name);
}

/** A kill at the scenario's moment, the way a runner cancels (SIGINT, SIGTERM, SIGKILL) or a runner dies (SIGKILL). */
function scheduleKill(standIn: StandIn, scenario: Scenario, main: ActionRun & { appId: string }, timers: NodeJS.Timeout[]): void {
  if (scenario.kill === "sigint") {
    timers.push(
      setTimeout(() => {
        main.child.kill("SIGINT");
        // The runner's escalation, compressed: SIGTERM, then SIGKILL.
        timers.push(setTimeout(() => main.child.kill("SIGTERM"), 750));
        timers.push(setTimeout(() => main.child.kill("SIGKILL"), 1000));
      }, scenario.killAfterMs),
    );
  } else if (scenario.kill === "sigkill") {
    timers.push(setTimeout(() => main.child.kill("SIGKILL"), scenario.killAfterMs));
  } else if (scenario.kill === "sigkill-after-run-instances") {
    // Killed once EC2 has created the instance and before main hears of it, so it cannot save the id.
    standIn.beforeReply(async (call) => {
      if (call.action === "RunInstances" && call.status === 200 && standIn.instances().at(-1)?.launchedBy === main.appId) {
        main.child.kill("SIGKILL");
        await main.exited;
      }
    });
  }
}

/**
 * One lifecycle the way a runner lives it: main (perhaps killed at a random moment), then the post
 * step, always. Afterwards no instance of the run may be alive, none may have been terminated by
 * a job that did not launch it, and no planted secret may be visible.
 */
export async function runLifecycle(
  standIn: StandIn,
  scenario: Scenario,
  inputs: Record<string, string> = CHAOS_INPUTS,
  platformWorld?: () => Promise<PlatformWorld>,
): Promise<LifecycleOutcome> {
  const started = Date.now();
  standIn.faults.reset();
  // The instance's own dead-man switch must not hide a leak: keep its TTL far away.
  standIn.faults.ttlMinuteMs = 3_600_000;
  // A hanging command meets its executionTimeout in a fiftieth of the time. A platform lifecycle
  // waits for no hang, and its agent's 150–240 s limits must not shrink to 3–4.8 s: a tenth.
  standIn.faults.executionSecondMs = scenario.fault === "platform" ? NO_HANG_TO_WAIT_FOR.executionSecondMs : 20;
  applyFault(standIn, scenario.fault);
  const hfToken = plantedHfToken(scenario);
  if (scenario.fault === "sighup") return runCliLifecycle(standIn, scenario, inputs, started, hfToken);

  const extra: Record<string, string> = scenario.fault === "spot-interruption" ? { "market-type": "spot" } : {};
  if (hfToken) extra["hf-token"] = hfToken;
  if (scenario.fault === "agent-never-online") extra["startup-timeout-seconds"] = "10";
  if (scenario.fault === "multi-node") {
    extra.suite = MULTI_NODE_SUITE;
    // Half of them: the first zone gives 2 of 3, is released, and the next one gives all three.
    if (scenario.index % 2 === 1) standIn.faults.loseOnBoot(1);
  }
  let env: Record<string, string> = { ...standIn.env };
  let world: PlatformWorld | undefined;
  if (scenario.fault === "platform") {
    if (!platformWorld) throw new Error("A platform lifecycle needs a platform world.");
    world = await platformWorld();
    applyPlatformFault(world, scenario);
    Object.assign(extra, world.inputs, { suite: PLATFORM_SUITE });
    env = { ...env, ...world.env };
  }
  if (scenario.fault === "credentials-expire") {
    if (scenario.index % 2 === 0) {
      // An SSO-like default-chain session that ends 10 minutes from now, for a 30-minute run: refused before launching.
      env = { ...env, ...standIn.staticCredentialsEnv(), AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() + 600_000).toISOString() };
      extra["role-to-assume"] = "";
    } else {
      // Role sessions that expire every two seconds: the action assumes the role again as needed.
      standIn.faults.credentialLifetimeMs = 2000;
    }
  }
  const runId = String(1_000_000 + Math.floor(Math.random() * 8_000_000));
  const legs = scenario.fault === "matrix-legs" ? ["GitHub Actions 21", "GitHub Actions 22"] : ["GitHub Actions 21"];
  const jobs = legs.map((runner) => new ActionJob(env, { ...inputs, ...extra }, { runId, runner }));

  const clustersBefore = new Set(world?.platform.clusters.keys());
  const tokensBefore = world?.platform.issuedTokens.length ?? 0;
  const keysBefore = new Set(standIn.listKeys(CHAOS_BUCKET));
  const mains = jobs.map((job) => Object.assign(job.main(), { appId: job.appId }));
  const timers: NodeJS.Timeout[] = [];
  // In a matrix, only the first leg is killed: the second must finish untouched.
  scheduleKill(standIn, scenario, mains[0]!, timers);
  if (world && scenario.kill === "sigkill-after-cluster-created") {
    // Killed once the platform has created the cluster and before main hears its id.
    world.platform.afterCreate = async () => {
      world.platform.afterCreate = undefined;
      mains[0]!.child.kill("SIGKILL");
      await mains[0]!.exited;
    };
  }
  const exits = await Promise.all(mains.map((m) => m.exited));
  for (const t of timers) clearTimeout(t);
  standIn.beforeReply(undefined);
  if (world) {
    world.platform.afterCreate = undefined;
    world.platform.faults.deleteFails = false;
  }

  if (scenario.fault === "state-lost") jobs[0]!.loseState((["missing", "schema-invalid", "corrupt"] as const)[scenario.index % 3]!);
  await Promise.all(jobs.map((job) => job.post().exited));
  const clustersLeft = world
    ? [...world.platform.clusters.keys()].filter((id) => !clustersBefore.has(id)).map((id) => `platform cluster ${id}`)
    : [];
  const leaked = [...(await instancesLeftAlive(standIn, runId)), ...parametersLeft(standIn, runId), ...clustersLeft];
  const overTerminated = instancesOverTerminated(standIn, runId);
  const planted = [
    ...standIn.plantedSecrets(),
    ...(hfToken ? [hfToken] : []),
    ...(world ? [world.secrets.password, world.secrets.clientSecret, ...world.platform.issuedTokens.slice(tokensBefore)] : []),
  ];
  const secretsSeen = jobs.flatMap((job) => leakedSecrets(job.everythingWritten(), planted));
  if (world) {
    // A platform lifecycle's secrets in no file of the job (state, summary, results, artifacts), S3 object or SSM command of the run.
    const texts = [
      ...jobs.flatMap((job) =>
        filesUnder(job.dir)
          .filter((f) => !f.endsWith("/event.json"))
          .map((f) => readFileSync(f, "utf8")),
      ),
      ...standIn
        .listKeys(CHAOS_BUCKET)
        .filter((k) => !keysBefore.has(k))
        .map((k) => standIn.getText(CHAOS_BUCKET, k) ?? ""),
      ...standIn
        .commands()
        .filter((c) => c.instanceId && runInstances(standIn, runId).includes(c.instanceId))
        .map((c) => `${c.script}\n${c.stdout}\n${c.stderr}`),
    ];
    for (const text of texts) secretsSeen.push(...leakedSecrets(text, planted));
  }
  const exit = exits[0]!;
  return { scenario, mainExit: exit.signal ?? String(exit.code), leaked, overTerminated, secretsSeen, ms: Date.now() - started };
}

const ROOT = new URL("../..", import.meta.url).pathname;

/** The ids of every instance the run launched. */
function runInstances(standIn: StandIn, runId: string): string[] {
  return standIn
    .instances()
    .filter((i) => i.tags["gpu-bench:run-id"] === runId)
    .map((i) => i.id);
}

/** The CLI as a person runs it, whose terminal closes (SIGHUP) at the scenario's moment; then `gpu-bench cleanup`. */
async function runCliLifecycle(
  standIn: StandIn,
  scenario: Scenario,
  inputs: Record<string, string>,
  started: number,
  hfToken: string | undefined,
): Promise<LifecycleOutcome> {
  const out = mkdtempSync(join(tmpdir(), "chaos-cli-"));
  const runId = `cli-${scenario.index}-${Date.now()}`;
  const appId = `cli-${Math.random().toString(36).slice(2, 12)}`;
  const env = {
    PATH: process.env.PATH,
    HOME: out,
    ...standIn.env,
    ...standIn.staticCredentialsEnv(),
    GITHUB_RUN_ID: runId,
    AWS_SDK_UA_APP_ID: appId,
    // The CLI takes secrets from GPU_BENCH_* variables, never from the command line.
    ...(hfToken ? { HF_TOKEN: hfToken } : {}),
  };
  const cli = (args: string[]) => {
    const child = spawn(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (d: Buffer) => (text += d.toString()));
    child.stderr.on("data", (d: Buffer) => (text += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("close", (code, signal) => resolve({ code, signal })),
    );
    return { child, exited, output: () => text };
  };
  const flags = Object.entries({ ...inputs, "role-to-assume": "" }).flatMap(([k, v]) => (v ? [`--${k}`, v] : []));
  const run = cli(["run", ...flags, "--out", out]);
  const hup = setTimeout(() => run.child.kill("SIGHUP"), scenario.killAfterMs);
  const exit = await run.exited;
  clearTimeout(hup);
  const cleanup = cli(["cleanup", "--out", out]);
  await cleanup.exited;
  const leaked = [...(await instancesLeftAlive(standIn, runId)), ...parametersLeft(standIn, runId)];
  const overTerminated = instancesOverTerminated(standIn, runId);
  const planted = [...standIn.plantedSecrets(), ...(hfToken ? [hfToken] : [])];
  const secretsSeen = leakedSecrets(`${run.output()}\n${cleanup.output()}`, planted);
  return { scenario, mainExit: exit.signal ?? String(exit.code), leaked, overTerminated, secretsSeen, ms: Date.now() - started };
}

export interface ChaosSummary {
  lifecycles: number;
  leaked: number;
  overTerminated: number;
  secretsInLogs: number;
  outcomes: LifecycleOutcome[];
}

/** Runs the scenarios on `slots` stand-ins side by side (faults are per stand-in, so one lifecycle each at a time). */
export async function runChaos(list: Scenario[], slots: number, onDone?: (o: LifecycleOutcome) => void): Promise<ChaosSummary> {
  const outcomes: LifecycleOutcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: slots }, async () => {
      const standIn = await startLifecycleStandIn();
      // Moto's Cognito and the platform stand-in start with the slot's first platform lifecycle.
      let world: Promise<PlatformWorld> | undefined;
      try {
        while (next < list.length) {
          const outcome = await runLifecycle(standIn, list[next++]!, CHAOS_INPUTS, () => (world ??= startPlatformWorld()));
          outcomes.push(outcome);
          onDone?.(outcome);
        }
      } finally {
        await world?.then((w) => w.stop());
        await standIn.stop();
      }
    }),
  );
  outcomes.sort((a, b) => a.scenario.index - b.scenario.index);
  return {
    lifecycles: outcomes.length,
    leaked: outcomes.reduce((n, o) => n + o.leaked.length, 0),
    overTerminated: outcomes.reduce((n, o) => n + o.overTerminated.length, 0),
    secretsInLogs: outcomes.reduce((n, o) => n + o.secretsSeen.length, 0),
    outcomes,
  };
}
