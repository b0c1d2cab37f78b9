import { RemoteScriptError, type RunRemote } from "../cloud/remote-script.js";
import type { NodeWorkload } from "../config/suite.js";
import type { WorkloadResult } from "../evidence/results.js";
import { resnet50EnergyMetrics, servingEnergyMetrics, summarizeTelemetry, type TimedWindow } from "../evidence/telemetry.js";
import { startTelemetry, stopTelemetry } from "../node/telemetry.js";
import type { Samples } from "../node/telemetry-samples.js";
import { errorLine } from "../runtime/error-text.js";
import { formatNumber } from "../evidence/format.js";
import type { Telemetry } from "../evidence/telemetry-schema.js";
import { kubeName } from "./manifest.js";
import type { WorkloadContext } from "./run.js";

/**
 * Lines a workload's GPU telemetry up with its timed windows (issue 12): the windows come from
 * what the workload printed (resnet50.py's `window_start_unix`/`window_end_unix` per trial; the
 * bench Job's GPU_BENCH_VLLM_WINDOW per load point), the samples from the node's sampler.
 */

/** Pod name prefixes of a workload's own pods: GPU processes anywhere else are foreign. */
export function ownPodPrefixes(w: NodeWorkload): string[] {
  if (w.kind === "nccl-allreduce") return [`${kubeName("nccl", w.id)}-`];
  return w.kind === "resnet50" ? [`${kubeName("rn50", w.id)}-`] : [`${kubeName("vllm", w.id)}-`];
}

/** The name of a workload's sampler on the node (its folder there). */
export function telemetryName(w: NodeWorkload): string {
  return kubeName("telemetry", w.id);
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Each trial's (ResNet50) or each trial's load point's (LLM serving) timed window, from the result's trial records. */
export function timedWindows(result: WorkloadResult): TimedWindow[] {
  const windows: TimedWindow[] = [];
  for (const t of result.trials) {
    const start = num(t.window_start_unix);
    const end = num(t.window_end_unix);
    const trial = num(t.trial);
    if (start === undefined || end === undefined || trial === undefined || !(end > start)) continue;
    windows.push({ label: windowLabel(result, t), trial, start, end });
  }
  return windows;
}

function windowLabel(result: WorkloadResult, t: Record<string, unknown>): string {
  if (result.kind === "resnet50") return `trial ${String(t.trial)}`;
  const rate = t.request_rate === "max" ? "max throughput" : `${String(t.request_rate)} req/s`;
  return `trial ${String(t.trial)} · ${rate}`;
}

export interface AttachOptions {
  maxSmClockMHz?: number;
  powerCapWatts?: number;
  samplesUri?: string;
}

/**
 * The result with `telemetry`, `telemetryDetail` and the energy metrics added; unchanged when the
 * samples or the windows leave nothing to summarize.
 */
export function attachTelemetry(result: WorkloadResult, w: NodeWorkload, samples: Samples, options: AttachOptions = {}): WorkloadResult {
  const summary = summarizeTelemetry(samples, timedWindows(result), {
    ownPodPrefixes: ownPodPrefixes(w),
    ...(options.maxSmClockMHz !== undefined ? { maxSmClockMHz: options.maxSmClockMHz } : {}),
    ...(options.powerCapWatts !== undefined ? { powerCapWatts: options.powerCapWatts } : {}),
  });
  if (!summary) return result;
  const detail = {
    ...summary.detail,
    ...(options.samplesUri ? { samplesUri: options.samplesUri } : {}),
    ...(samples.skipped > 0 ? { unparsedLines: samples.skipped } : {}),
  };
  let energy;
  if (result.kind === "resnet50") {
    const images = new Map<number, number>();
    for (const t of result.trials) {
      const trial = num(t.trial);
      const count = num(t.images) ?? (num(t.batch_size) ?? 0) * (num(t.steps) ?? 0);
      // DDP over several nodes: the samples are node 0's GPUs, which did their share of the images.
      const nodes = t.distributed === true ? (num(t.nodes) ?? 1) : 1;
      if (trial !== undefined && count > 0) images.set(trial, count / nodes);
    }
    energy = resnet50EnergyMetrics(detail, images);
  } else {
    // At max throughput when the sweep has it, else at its highest rate: the efficiency figure.
    const rates = result.trials.map((t) => t.request_rate);
    const finite = rates.filter((r): r is number => typeof r === "number");
    const point = rates.includes("max") ? "max" : finite.length > 0 ? Math.max(...finite) : undefined;
    const tokens = new Map<string, number>();
    // One model across several nodes over Ray: the samples are node 0's GPUs, one of the pipeline's
    // stages, which did their share (1/nodes) of the work on every token.
    const nodes = result.parameters.executor === "ray" ? (num(result.parameters.nodes) ?? 1) : 1;
    for (const t of result.trials) {
      const n = num(t.total_output_tokens);
      if (t.request_rate === point && n !== undefined) tokens.set(windowLabel(result, t), n / nodes);
    }
    energy = point === undefined ? [] : servingEnergyMetrics(detail, tokens, point === "max" ? "max throughput" : `${point} req/s`);
  }
  return { ...result, metrics: [...result.metrics, ...energy], telemetry: summary.telemetry, telemetryDetail: detail };
}

export interface WorkloadTelemetry {
  /** Seconds between samples; 1 unless the suite sets `telemetry.intervalSeconds`. */
  intervalSeconds: number;
  /** Stores the raw samples beside the raw results; resolves to where (an S3 URI), or undefined when it could not. */
  store?: (workloadId: string, samplesCsv: string) => Promise<string | undefined>;
  /** A power cap the run set on purpose (a fault scenario), in watts: an explanation, not an invalidity. */
  powerCapWatts?: number;
}

/** Seconds after which a sampler stops by itself even if nobody stops it: the workload's own limits and a margin. */
export function samplerBackstopSeconds(w: NodeWorkload): number {
  const minutes =
    w.kind === "resnet50"
      ? w.timeoutMinutes * (w.distributed ? 2 : 1)
      : w.kind === "nccl-allreduce"
        ? w.timeoutMinutes
        : w.serverStartTimeoutMinutes + w.trials * (w.requestRates.length + (w.maxThroughput ? 1 : 0)) * w.benchTimeoutMinutes;
  return minutes * 60 + 1800;
}

/**
 * Runs a workload between a sampler's start and stop, and adds what the samples say to its result.
 * Telemetry never fails a workload: a sampler that cannot start or stop is a warning and a result
 * without `telemetry`. Errors of the run itself (cancellation) pass through, leaving the sampler to
 * its backstop and the instance's termination.
 */
export async function runWithTelemetry(
  remote: RunRemote,
  w: NodeWorkload,
  ctx: WorkloadContext,
  t: WorkloadTelemetry,
  run: (remote: RunRemote, w: NodeWorkload, ctx: WorkloadContext) => Promise<WorkloadResult>,
): Promise<WorkloadResult> {
  const name = telemetryName(w);
  let started = false;
  try {
    const start = await startTelemetry(remote, name, t.intervalSeconds, samplerBackstopSeconds(w));
    started = start.started;
    if (start.started) ctx.log.info(`${w.id}: GPU telemetry from ${start.source} every ${start.intervalMs} ms`);
    else ctx.log.warning(`${w.id}: no GPU telemetry: ${start.reason ?? "the sampler did not start"}`);
  } catch (error) {
    if (!(error instanceof RemoteScriptError)) throw error;
    ctx.log.warning(`${w.id}: no GPU telemetry: ${errorLine(error)}`);
  }
  const result = await run(remote, w, ctx);
  if (!started) return result;
  let stopped: { text: string; samples?: Samples };
  try {
    stopped = await stopTelemetry(remote, name);
  } catch (error) {
    if (!(error instanceof RemoteScriptError)) throw error;
    ctx.log.warning(`${w.id}: the GPU telemetry could not be collected: ${errorLine(error)}`);
    return result;
  }
  if (!stopped.samples) {
    ctx.log.warning(`${w.id}: the GPU telemetry sampler left no samples`);
    return result;
  }
  const unparsed = stopped.samples.skipped;
  if (unparsed > 0)
    ctx.log.warning(
      `${w.id}: ${unparsed} line${unparsed === 1 ? "" : "s"} of the GPU telemetry did not parse and ${unparsed === 1 ? "was" : "were"} left out`,
    );
  const samplesUri = t.store ? await t.store(w.id, stopped.text) : undefined;
  const withTelemetry = attachTelemetry(result, w, stopped.samples, {
    ...(ctx.gpu?.maxSmClockMHz !== undefined ? { maxSmClockMHz: ctx.gpu.maxSmClockMHz } : {}),
    ...(t.powerCapWatts !== undefined ? { powerCapWatts: t.powerCapWatts } : {}),
    ...(samplesUri ? { samplesUri } : {}),
  });
  const summary = withTelemetry.telemetry;
  if (summary) {
    ctx.log.info(telemetryLine(w.id, summary));
    if (!summary.valid) ctx.log.warning(`${w.id}: result invalid: ${summary.validity.join("; ")}`);
  }
  return withTelemetry;
}

/**
 * The log's one line about a workload's telemetry: "rn50: GPU 255.0 W mean, 306.2 J in the timed
 * windows, SM clock median 1,710 MHz (2 samples)", figures as the report prints them.
 */
export function telemetryLine(id: string, t: Telemetry): string {
  return (
    `${id}: GPU ${formatNumber(t.powerWatts.mean)} W mean, ${formatNumber(t.energyJoules)} J in the timed windows, ` +
    `SM clock median ${formatNumber(t.smClockMHz.median)} MHz (${t.samples} sample${t.samples === 1 ? "" : "s"})`
  );
}
