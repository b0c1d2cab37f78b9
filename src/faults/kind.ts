import { markedJsonLines, type RemoteScript, type RunRemote } from "../cloud/remote-script.js";
import type { Fault } from "../config/faults.js";
import type { PodRecovery } from "../evidence/fault-results.js";
import type { Clock } from "../runtime/clock.js";
import libSh from "../../remote/faults/lib.sh";

/**
 * What every fault kind implements (one module per kind under src/faults/): the four verbs of a
 * chaos experiment, each one script run on the node over SSM (remote/faults/*.sh).
 */

/** Where a fault lands: the workload's pod, by label, in its namespace. */
export interface FaultTarget {
  namespace: string;
  /** Label selector of the workload's pod (validated: letters, digits, '-', '/', '.', '='). */
  selector: string;
  /** Seconds a wait on the node may take (the fault's timeoutSeconds). */
  timeoutSeconds: number;
  /** The workload's container image (already on the node): gpu-contention runs its CUDA process in it. */
  image?: string;
  /** The run's clock, for kinds that wait on the runner's side (node-reboot: no command runs across a reboot). */
  clock?: Clock;
  /** The run's cancellation. */
  signal?: AbortSignal;
}

export interface Injection {
  /** Node clock, seconds since the epoch. */
  injectedAt: number;
  /** What was hit, in words (pod name, GPU and limit, interface). */
  target: string;
  /** Values the later verbs need (pod name, PID, …), passed back to their scripts. */
  state: Readonly<Record<string, string>>;
  /**
   * Seconds from the injection until the inject step printed its result on the node (a hog found at
   * work by a poll): a lasting fault's `duration` counts from the injection, not from that moment.
   */
  lagSeconds?: number;
}

export interface Verification {
  verified: boolean;
  /** Why not, or what was read back. */
  detail?: string;
}

export interface Recovery {
  /** The fault was taken back (or needed no taking back) and the workload's pod is there again. */
  ok: boolean;
  /** Node clock when the fault was taken back, for lasting kinds. */
  removedAt?: number;
  detail?: string;
}

export interface FaultKindModule<F extends Fault = Fault> {
  /** Makes the fault happen; throws when it could not even be attempted. */
  inject(remote: RunRemote, fault: F, target: FaultTarget): Promise<Injection>;
  /** Reads back that the fault really happened. */
  verify(remote: RunRemote, fault: F, target: FaultTarget, injection: Injection): Promise<Verification>;
  /** Takes the fault back (idempotent), or waits for the platform's own recovery, bounded. */
  recover(remote: RunRemote, fault: F, target: FaultTarget, injection: Injection): Promise<Recovery>;
  /** What the platform recorded about the recovery (pod times), after recover. */
  observe(remote: RunRemote, fault: F, target: FaultTarget, injection: Injection): Promise<PodRecovery | undefined>;
}

/** A fault script with its shared library beside it. */
export function faultScript(
  fault: Fault,
  verb: string,
  body: string,
  target: FaultTarget,
  env: Readonly<Record<string, string>>,
): RemoteScript {
  return {
    name: `fault-${fault.id}-${verb}`,
    body,
    args: [verb],
    env: { NAMESPACE: target.namespace, SELECTOR: target.selector, TIMEOUT_SECONDS: String(target.timeoutSeconds), ...env },
    files: [{ path: "lib.sh", content: libSh }],
    timeoutSeconds: target.timeoutSeconds + 120,
  };
}

/** The last JSON line a fault script printed; throws when it printed none. */
export async function runFaultScript(remote: RunRemote, script: RemoteScript): Promise<Record<string, unknown>> {
  const result = await remote(script);
  const line = markedJsonLines(result.stdout).at(-1);
  if (!line)
    throw new Error(`Step '${script.name}' printed no result line${result.stderr ? `: ${result.stderr.trim().split("\n").at(-1)}` : ""}`);
  return line;
}

export function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Seconds between two API-server timestamps (RFC 3339), or undefined. */
export function between(from: string | number | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  const a = typeof from === "number" ? from * 1000 : Date.parse(from);
  const b = Date.parse(to);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return undefined;
  return Math.round(Math.max(0, b - a)) / 1000;
}
