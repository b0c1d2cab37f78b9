import { RemoteScriptError, markedJsonLines, type RunRemote } from "../cloud/remote-script.js";
import { faultTimelineSeconds, type Fault } from "../config/faults.js";
import type { LlmServingWorkload, NodeWorkload, ResNet50Workload, Workload } from "../config/suite.js";
import { resilienceScore, type FaultResult, type PodRecovery } from "../evidence/fault-results.js";
import type { Metric } from "../evidence/results.js";
import type { Clock } from "../runtime/clock.js";
import { errorLine } from "../runtime/error-text.js";
import type { Log } from "../runtime/log.js";
import { WORKLOAD_NAMESPACE } from "../workloads/images.js";
import type { HfTokenParameter } from "../workloads/run.js";
import { effectiveDtype, planServerDown, planServerUp, serverNames, vllmImage } from "../workloads/llm.js";
import { MARK, ServerOutcome, lastMarked, metric } from "../workloads/output.js";
import { planResNet50, resnet50Image } from "../workloads/resnet50.js";
import { judgeFault, measureLlmFault, measureTrainingFault, type LlmFaultMeasurement, type TrainingFaultMeasurement } from "./analysis.js";
import { containerKill } from "./container-kill.js";
import type { FaultKindModule, FaultTarget, Injection, Verification } from "./kind.js";
import { loadJobName, parseProgress, parseRequests, planLoadRead, planLoadStart } from "./load.js";
import { devicePluginRestart } from "./device-plugin-restart.js";
import { hog } from "./hog.js";
import { k3sRestart } from "./k3s-restart.js";
import { nodeReboot } from "./node-reboot.js";
import { network } from "./network.js";
import { podKill } from "./pod-kill.js";
import { gpuPowerCap } from "./power-cap.js";

/**
 * Runs the fault timeline of one workload: brings it to steady state under load, injects each
 * fault at its time (registering its recover in the run's cleanup stack first), verifies it,
 * takes it back, observes the recovery, and measures every fault from what the load recorded.
 */

export interface FaultContext {
  clock: Clock;
  log: Log;
  /** The run's cleanup stack: a fault's recover is pushed here before the fault is injected. */
  registerCleanup: (name: string, fn: () => Promise<void>) => void;
  gpu?: { name?: string; computeCapability?: string };
  /** Where the node reads hf-token (the run's SecureString parameter). */
  hfTokenParameter?: HfTokenParameter;
  namespace?: string;
  signal?: AbortSignal;
}

export interface FaultRun {
  faults: FaultResult[];
  /** The workload's resilience score, a headline metric compared over history like the others. */
  metric?: Metric;
}

const MODULES: Partial<Record<Fault["kind"], FaultKindModule>> = {
  "pod-kill": podKill as FaultKindModule,
  "container-kill": containerKill as FaultKindModule,
  "network-delay": network as FaultKindModule,
  "network-loss": network as FaultKindModule,
  "gpu-power-cap": gpuPowerCap as FaultKindModule,
  "k3s-restart": k3sRestart as FaultKindModule,
  "device-plugin-restart": devicePluginRestart as FaultKindModule,
  "cpu-stress": hog as FaultKindModule,
  "memory-stress": hog as FaultKindModule,
  "gpu-contention": hog as FaultKindModule,
  "node-reboot": nodeReboot as FaultKindModule,
};

/** Seconds the load runs past the last fault window at most (the last requests' own timeout). */
const TAIL_SECONDS = 5;
/** How often the recovery of an LLM fault is checked while it is observed. */
const OBSERVE_POLL_MS = 2000;

interface Held {
  fault: Fault;
  injection?: Injection;
  verification?: Verification;
  removedAt?: number;
  recoverOk?: boolean;
  recoverDetail?: string;
  pods?: PodRecovery;
  error?: string;
  /** The timeline never reached this fault (the workload failed first). */
  skipped?: boolean;
}

/** One line: the error's first, and for a failed step the last line it printed (its reason). */
function describe(error: unknown): string {
  const first = errorLine(error instanceof Error ? error.message : String(error));
  if (!(error instanceof RemoteScriptError)) return first;
  const last = (error.result.stderr || error.result.stdout).trim().split("\n").at(-1);
  return last ? `${first}: ${errorLine(last)}` : first;
}

/** The resilience score of a workload's faults as a metric (percent, higher is better, headline). */
export function resilienceMetric(faults: readonly FaultResult[]): Metric | undefined {
  const score = resilienceScore(faults);
  if (score === undefined) return undefined;
  return metric({ name: "resilience_score", label: "Resilience score", unit: "%", direction: "higher", headline: true }, [
    Math.round(score * 10) / 10,
  ]);
}

export async function runFaultScenarios(remote: RunRemote, workload: NodeWorkload, ctx: FaultContext): Promise<FaultRun> {
  if (workload.faults.length === 0 || workload.kind === "nccl-allreduce") return { faults: [] };
  const faults = [...workload.faults].sort((a, b) => a.at - b.at);
  const results =
    workload.kind === "llm-serving"
      ? await llmTimeline(remote, workload, faults, ctx)
      : await trainingTimeline(remote, workload, faults, ctx);
  return { faults: results, metric: resilienceMetric(results) };
}

/** Injects, verifies and (for lasting kinds, after `duration`) takes back one fault. */
async function holdFault(remote: RunRemote, fault: Fault, target: FaultTarget, ctx: FaultContext): Promise<Held> {
  const mod = MODULES[fault.kind];
  const held: Held = { fault };
  if (!mod) return { ...held, error: `fault kind ${fault.kind} is not built in this version` };
  let recovered = false;
  const recover = async () => {
    if (recovered || !held.injection) return;
    recovered = true;
    const r = await mod.recover(remote, fault, target, held.injection);
    held.recoverOk = r.ok;
    held.recoverDetail = r.detail;
    held.removedAt = r.removedAt;
    if (!r.ok) throw new Error(`recovering fault ${fault.id} (${fault.kind}) failed: ${r.detail ?? "no detail"}`);
  };
  // Registered before the fault acts: a failed or cancelled run still takes it back.
  ctx.registerCleanup(`recover fault ${fault.id}`, async () => {
    if (!recovered && held.injection) ctx.log.warning(`Fault ${fault.id} was still in place at cleanup: taking it back`);
    await recover();
  });
  try {
    held.injection = await mod.inject(remote, fault, target);
    // A lasting fault is held for `duration` from its injection: the time the inject step took to
    // see it at work and the verification are part of it, not added to it.
    const injectedLocal = ctx.clock.now() - (held.injection.lagSeconds ?? 0) * 1000;
    ctx.log.info(`fault ${fault.id}: injected ${fault.kind} on ${held.injection.target}`);
    held.verification = await mod.verify(remote, fault, target, held.injection);
    if (!held.verification.verified) ctx.log.warning(`fault ${fault.id}: not verified: ${held.verification.detail ?? ""}`);
    if (fault.duration !== undefined) await sleepUntil(ctx, injectedLocal + fault.duration * 1000);
    await recover().catch((e: unknown) => {
      ctx.log.error(`Fault ${fault.id}: ${describe(e)}. Measurements after it may be polluted.`);
    });
    held.pods = await mod.observe(remote, fault, target, held.injection);
  } catch (error) {
    // A cancelled run stops here; anything else the fault did wrong is this fault's result.
    if (ctx.signal?.aborted) throw error;
    held.error = describe(error);
    ctx.log.warning(`fault ${fault.id}: ${held.error}`);
  }
  return held;
}

function toResult(
  workloadId: string,
  held: Held,
  m: LlmFaultMeasurement | TrainingFaultMeasurement | undefined,
  window: { start: number; end: number } | undefined,
): FaultResult {
  const f = held.fault;
  const injected = held.injection !== undefined;
  const verified = held.verification?.verified === true;
  const errorRate = m && "errorRate" in m ? m.errorRate : undefined;
  const recovered = (m?.recovered ?? false) && held.recoverOk !== false;
  const judged = judgeFault({ injected, verified, recovered, recoverySeconds: m?.recoverySeconds, errorRate }, f.slo);
  const status = held.skipped ? "not-injected" : held.error && !injected ? "error" : judged.status;
  const notes = [
    held.error,
    injected && !verified ? `not verified: ${held.verification?.detail ?? "no read-back"}` : undefined,
    held.recoverOk === false ? `recover failed: ${held.recoverDetail ?? ""}` : undefined,
    injected && verified && m && !m.recovered ? `not back within ±${f.slo.band}% of the baseline within ${f.timeoutSeconds}s` : undefined,
  ].filter((n): n is string => Boolean(n));
  const iso = (s: number) => new Date(Math.round(s * 1000)).toISOString();
  return {
    id: f.id,
    kind: f.kind,
    workload: workloadId,
    target: held.injection?.target,
    injected,
    verified,
    recovered,
    injectedAt: held.injection ? iso(held.injection.injectedAt) : undefined,
    window: window ? { start: iso(window.start), end: iso(window.end) } : undefined,
    faultSeconds:
      held.removedAt !== undefined && held.injection ? Math.round((held.removedAt - held.injection.injectedAt) * 10) / 10 : undefined,
    timeToDetectSeconds: m?.timeToDetectSeconds,
    timeToFirstSuccessSeconds: m && "timeToFirstSuccessSeconds" in m ? m.timeToFirstSuccessSeconds : undefined,
    recoverySeconds: m?.recoverySeconds,
    errorRate,
    stepsLost: m && "stepsLost" in m ? m.stepsLost : undefined,
    baseline: m?.baseline,
    during: m?.during,
    after: m?.after,
    pods: held.pods,
    slo: f.slo,
    sloMet: status === "ok",
    weight: f.weight,
    sloShare: status === "error" ? 0 : judged.sloShare,
    status,
    message: notes.length > 0 ? notes.join("; ") : undefined,
    timeline: m?.timeline ?? [],
  };
}

/** The results of faults whose timeline never ran (the workload failed first): not injected, never a pass. */
export function skippedFaults(workload: Workload, why: string): FaultResult[] {
  return workload.faults.map((f) => toResult(workload.id, { fault: f, error: why, skipped: true }, undefined, undefined));
}

function notRun(workloadId: string, faults: readonly Fault[], why: string): FaultResult[] {
  return faults.map((f) => toResult(workloadId, { fault: f, error: why }, undefined, undefined));
}

async function sleepUntil(ctx: FaultContext, localMs: number): Promise<void> {
  const wait = localMs - ctx.clock.now();
  if (wait > 0) await ctx.clock.sleep(wait, ctx.signal);
}

async function llmTimeline(remote: RunRemote, w: LlmServingWorkload, faults: Fault[], ctx: FaultContext): Promise<FaultResult[]> {
  const namespace = ctx.namespace ?? WORKLOAD_NAMESPACE;
  const server = serverNames(w).server;
  const loadJob = loadJobName(w);
  const seconds = faultTimelineSeconds(faults) + TAIL_SECONDS;
  const load = faults[0]!.load;
  const held: Held[] = [];
  let stdout: string;
  let rebooted = false;
  try {
    const up = await remote(planServerUp(w, effectiveDtype(w, ctx.gpu?.computeCapability, ctx.gpu?.name), namespace, ctx.hfTokenParameter));
    const ready = lastMarked(up.stdout, MARK.server, ServerOutcome);
    if (ready?.outcome !== "ready")
      return notRun(w.id, faults, `the vLLM server did not become ready for the fault timeline (${ready?.outcome ?? "no outcome"})`);
    ctx.registerCleanup(`stop fault load of ${w.id}`, async () => {
      await remote(planLoadRead(w.id, namespace, loadJob, "stop"));
    });
    const start = await remote(planLoadStart(w, { namespace, server, load, seconds, waitSeconds: w.serverStartTimeoutMinutes * 60 }));
    const steadyAt = markedJsonLines(start.stdout).at(-1)?.steadyAt;
    if (typeof steadyAt !== "number")
      return notRun(w.id, faults, "the load generator never got a completion from the server: no steady state");
    const t0 = ctx.clock.now();
    ctx.log.info(`${w.id}: steady state under ${load.requestRate} req/s; faults at ${faults.map((f) => `${f.id} +${f.at}s`).join(", ")}`);
    for (const fault of faults) {
      await sleepUntil(ctx, t0 + fault.at * 1000);
      const target: FaultTarget = {
        namespace,
        selector: `gpu-bench/server=${server}`,
        timeoutSeconds: fault.timeoutSeconds,
        image: vllmImage(w),
        clock: ctx.clock,
        signal: ctx.signal,
      };
      const h = await holdFault(remote, fault, target, ctx);
      held.push(h);
      // The load generator stopped with the node and started again with it.
      if (fault.kind === "node-reboot" && h.injection) rebooted = true;
      if (!h.injection) continue;
      // Observe until recovered (as the measurement defines it) or the fault's window ends.
      const end = t0 + (fault.at + (fault.duration ?? 0) + fault.timeoutSeconds) * 1000;
      while (ctx.clock.now() < end) {
        const read = await remote(planLoadRead(w.id, namespace, loadJob, "read", rebooted));
        const records = parseRequests(read.stdout);
        // Only seconds the load has already recorded count: a window reaching past the last request
        // would look half as busy, which a wide band takes for recovered.
        const recordedUntil = records.reduce((m, r) => Math.max(m, r.end), 0);
        const m = measureLlmFault(records, {
          injectedAt: h.injection.injectedAt,
          removedAt: h.removedAt,
          baselineSeconds: fault.baselineSeconds,
          windowEnd: Math.min(h.injection.injectedAt + (fault.duration ?? 0) + fault.timeoutSeconds, recordedUntil),
          band: fault.slo.band,
        });
        if (m.recovered) break;
        await ctx.clock.sleep(OBSERVE_POLL_MS, ctx.signal);
      }
    }
  } catch (error) {
    if (ctx.signal?.aborted || !(error instanceof RemoteScriptError)) throw error;
    const why = describe(error);
    for (const f of faults.filter((f) => !held.some((h) => h.fault === f))) held.push({ fault: f, error: why });
  } finally {
    stdout = await remote(planLoadRead(w.id, namespace, loadJob, "stop")).then(
      (r) => r.stdout,
      () => "",
    );
    await remote(planServerDown(w, namespace)).catch((e: unknown) =>
      ctx.log.warning(`${w.id}: stopping the server after the faults failed: ${describe(e)}`),
    );
  }
  const records = parseRequests(stdout);
  const lastEnd = records.reduce((m, r) => Math.max(m, r.end), 0);
  return held.map((h) => {
    if (!h.injection) return toResult(w.id, h, undefined, undefined);
    const f = h.fault;
    const windowEnd = Math.min(h.injection.injectedAt + (f.duration ?? 0) + f.timeoutSeconds, lastEnd + 1);
    const m = measureLlmFault(records, {
      injectedAt: h.injection.injectedAt,
      removedAt: h.removedAt,
      baselineSeconds: f.baselineSeconds,
      windowEnd,
      band: f.slo.band,
    });
    return toResult(w.id, h, m, { start: h.injection.injectedAt - f.baselineSeconds, end: windowEnd });
  });
}

async function trainingTimeline(remote: RunRemote, w: ResNet50Workload, faults: Fault[], ctx: FaultContext): Promise<FaultResult[]> {
  const namespace = ctx.namespace ?? WORKLOAD_NAMESPACE;
  const seconds = faultTimelineSeconds(faults) + TAIL_SECONDS;
  const plan = planResNet50(w, namespace, { runSeconds: seconds });
  const job = remote(plan.script);
  const held: Held[] = [];
  // The job runs in its own SSM command; its failure is read when it is awaited below.
  job.catch(() => undefined);
  let t0: number | undefined;
  const startBy = ctx.clock.now() + w.timeoutMinutes * 60_000;
  while (t0 === undefined && ctx.clock.now() < startBy) {
    const read = await remote(planLoadRead(w.id, namespace, plan.jobName, "read"));
    if (parseProgress(read.stdout).length > 0) t0 = ctx.clock.now();
    else if (markedJsonLines(read.stdout).at(-1)?.ended === true) break;
    else await ctx.clock.sleep(1000, ctx.signal);
  }
  if (t0 === undefined) {
    const out = await job.catch((e: unknown) => ({ stdout: "", stderr: describe(e) }));
    return notRun(
      w.id,
      faults,
      `the training job did not reach steady state${out.stderr ? `: ${errorLine(out.stderr.trim().split("\n").at(-1) ?? "")}` : ""}`,
    );
  }
  ctx.log.info(`${w.id}: training at steady state; faults at ${faults.map((f) => `${f.id} +${f.at}s`).join(", ")}`);
  for (const fault of faults) {
    await sleepUntil(ctx, t0 + fault.at * 1000);
    const target: FaultTarget = {
      namespace,
      selector: `job-name=${plan.jobName}`,
      timeoutSeconds: fault.timeoutSeconds,
      image: resnet50Image(w),
      clock: ctx.clock,
      signal: ctx.signal,
    };
    held.push(await holdFault(remote, fault, target, ctx));
  }
  let stdout: string;
  try {
    stdout = (await job).stdout;
  } catch (error) {
    if (ctx.signal?.aborted || !(error instanceof RemoteScriptError)) throw error;
    stdout = error.result.stdout;
  }
  const samples = parseProgress(stdout);
  const lastT = samples.at(-1)?.t ?? 0;
  return held.map((h) => {
    if (!h.injection) return toResult(w.id, h, undefined, undefined);
    const f = h.fault;
    const windowEnd = Math.min(h.injection.injectedAt + (f.duration ?? 0) + f.timeoutSeconds, lastT);
    const m = measureTrainingFault(
      samples,
      { injectedAt: h.injection.injectedAt, removedAt: h.removedAt, baselineSeconds: f.baselineSeconds, windowEnd, band: f.slo.band },
      w.batchSize,
    );
    return toResult(w.id, h, m, { start: h.injection.injectedAt - f.baselineSeconds, end: windowEnd });
  });
}
