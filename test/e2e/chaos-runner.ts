import { startStandIn, type StandIn } from "../../stand-in/index.js";
import { ActionJob, leakedSecrets } from "./action-process.js";
import { instancesLeftAlive } from "../../stand-in/settle.js";

export { instancesLeftAlive };
import { prng } from "../support/prng.js";

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
] as const;
export type Fault = (typeof FAULTS)[number];
export const KILLS = ["none", "sigint", "sigkill", "sigkill-after-run-instances"] as const;
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
  /** Instances of this run still alive after main and the post step. */
  leaked: string[];
  /** Planted secrets a reader of the job's logs and files could see. */
  secretsSeen: string[];
  ms: number;
}

export function scenarios(runs: number, seed: number): Scenario[] {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: runs }, (_, index) => ({
    index,
    fault: pick(FAULTS),
    // Half the lifecycles are interrupted, the rest run to their end.
    kill: random() < 0.5 ? "none" : pick(KILLS.slice(1)),
    killAfterMs: Math.floor(random() * 3000),
  }));
}

export const CHAOS_BUCKET = "gpu-bench-evidence";

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
    case "none":
      break;
  }
}

/**
 * One lifecycle the way a runner lives it: main (perhaps killed at a random moment), then the post
 * step, always. Afterwards no instance of the run may be alive and no planted secret visible.
 */
export async function runLifecycle(
  standIn: StandIn,
  scenario: Scenario,
  inputs: Record<string, string> = CHAOS_INPUTS,
): Promise<LifecycleOutcome> {
  const started = Date.now();
  standIn.faults.reset();
  // The instance's own dead-man switch must not hide a leak: keep its TTL far away.
  standIn.faults.ttlMinuteMs = 3_600_000;
  // A hanging command meets its executionTimeout in a fiftieth of the time.
  standIn.faults.executionSecondMs = 20;
  applyFault(standIn, scenario.fault);
  const extra: Record<string, string> = scenario.fault === "spot-interruption" ? { "market-type": "spot" } : {};
  if (scenario.fault === "agent-never-online") extra["startup-timeout-seconds"] = "10";
  const job = new ActionJob({ ...standIn.env }, { ...inputs, ...extra });

  const main = job.main();
  const timers: NodeJS.Timeout[] = [];
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
      if (call.action === "RunInstances" && call.status === 200) {
        main.child.kill("SIGKILL");
        await main.exited;
      }
    });
  }
  // An agent that never comes online waits out its bounded wait; nothing else takes this long.
  const exit = await main.exited;
  for (const t of timers) clearTimeout(t);
  standIn.beforeReply(undefined);

  await job.post().exited;
  const leaked = await instancesLeftAlive(standIn, job.runId);
  const secretsSeen = leakedSecrets(job.everythingWritten(), standIn.plantedSecrets());
  return { scenario, mainExit: exit.signal ?? String(exit.code), leaked, secretsSeen, ms: Date.now() - started };
}

export interface ChaosSummary {
  lifecycles: number;
  leaked: number;
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
      try {
        while (next < list.length) {
          const outcome = await runLifecycle(standIn, list[next++]!);
          outcomes.push(outcome);
          onDone?.(outcome);
        }
      } finally {
        await standIn.stop();
      }
    }),
  );
  outcomes.sort((a, b) => a.scenario.index - b.scenario.index);
  return {
    lifecycles: outcomes.length,
    leaked: outcomes.reduce((n, o) => n + o.leaked.length, 0),
    secretsInLogs: outcomes.reduce((n, o) => n + o.secretsSeen.length, 0),
    outcomes,
  };
}
