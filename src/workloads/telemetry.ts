import { RemoteScriptError, type RunRemote } from "../cloud/remote-script.js";
import { spansNodes, type NodeWorkload } from "../config/suite.js";
import type { WorkloadResult } from "../evidence/results.js";
import { resnet50EnergyMetrics, servingEnergyMetrics, summarizeTelemetry, type TimedWindow } from "../evidence/telemetry.js";
import { startTelemetry, stopTelemetry } from "../node/telemetry.js";
import { mergeNodeSamples, type Samples } from "../node/telemetry-samples.js";
import { errorLine } from "../runtime/error-text.js";
import { formatNumber } from "../evidence/format.js";
import type { Telemetry, TelemetryDetail } from "../evidence/telemetry-schema.js";
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
  /** The nodes whose samples `samples` merges, for a workload across nodes; absent: node 0's alone. */
  nodes?: TelemetryDetail["nodes"];
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
    ...(options.nodes ? { nodes: options.nodes } : {}),
  };
  // The share of a workload's work across `nodes` nodes that the sampled GPUs did: the sampled
  // nodes' share when several were sampled, else node 0's (1/nodes).
  const share = (nodes: number) => (options.nodes ? options.nodes.sampled.length / options.nodes.count : 1 / nodes);
  let energy;
  if (result.kind === "resnet50") {
    const images = new Map<number, number>();
    for (const t of result.trials) {
      const trial = num(t.trial);
      const count = num(t.images) ?? (num(t.batch_size) ?? 0) * (num(t.steps) ?? 0);
      // DDP over several nodes: the sampled GPUs did their share of the images.
      const part = t.distributed === true ? share(num(t.nodes) ?? 1) : 1;
      if (trial !== undefined && count > 0) images.set(trial, count * part);
    }
    energy = resnet50EnergyMetrics(detail, images);
  } else {
    // At max throughput when the sweep has it, else at its highest rate: the efficiency figure.
    const rates = result.trials.map((t) => t.request_rate);
    const finite = rates.filter((r): r is number => typeof r === "number");
    const point = rates.includes("max") ? "max" : finite.length > 0 ? Math.max(...finite) : undefined;
    const tokens = new Map<string, number>();
    // One model across several nodes over Ray: each node is pipeline stages of every token; the
    // sampled GPUs did their share of the work.
    const part = result.parameters.executor === "ray" ? share(num(result.parameters.nodes) ?? 1) : 1;
    for (const t of result.trials) {
      const n = num(t.total_output_tokens);
      if (t.request_rate === point && n !== undefined) tokens.set(windowLabel(result, t), n * part);
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
  /** Nodes 1..N-1 of a cluster, node 0 being the workload's own remote: sampled too while a workload spans them. */
  otherNodes?: readonly RunRemote[];
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
 * A workload across nodes is sampled on every node (`t.otherNodes`), their GPUs summed; node 0's
 * samples are needed, a node whose sampler failed is left out (and said so). Telemetry never fails a
 * workload: a sampler that cannot start or stop is a warning and a result without `telemetry`.
 * Errors of the run itself (cancellation) pass through, leaving the samplers to their backstop and
 * the instances' termination.
 */
export async function runWithTelemetry(
  remote: RunRemote,
  w: NodeWorkload,
  ctx: WorkloadContext,
  t: WorkloadTelemetry,
  run: (remote: RunRemote, w: NodeWorkload, ctx: WorkloadContext) => Promise<WorkloadResult>,
): Promise<WorkloadResult> {
  const name = telemetryName(w);
  const nodes = [remote, ...(spansNodes(w, ctx.cluster?.nodes ?? 1) ? (t.otherNodes ?? []) : [])];
  const where = (k: number) => (nodes.length > 1 ? ` on node ${k}` : "");
  const started = await Promise.all(
    nodes.map(async (node, k) => {
      try {
        const start = await startTelemetry(node, name, t.intervalSeconds, samplerBackstopSeconds(w));
        if (start.started) ctx.log.info(`${w.id}: GPU telemetry${where(k)} from ${start.source} every ${start.intervalMs} ms`);
        else ctx.log.warning(`${w.id}: no GPU telemetry${where(k)}: ${start.reason ?? "the sampler did not start"}`);
        return start.started;
      } catch (error) {
        if (!(error instanceof RemoteScriptError)) throw error;
        ctx.log.warning(`${w.id}: no GPU telemetry${where(k)}: ${errorLine(error)}`);
        return false;
      }
    }),
  );
  const result = await run(remote, w, ctx);
  if (!started.some(Boolean)) return result;
  const stopped = await Promise.all(
    nodes.map(async (node, k) => {
      if (!started[k]) return undefined;
      try {
        const out = await stopTelemetry(node, name);
        // A header without GPU rows (nvidia-smi failing after the sampler started) is no samples either.
        if (!out.samples || out.samples.gpu.length === 0) {
          ctx.log.warning(`${w.id}: the GPU telemetry sampler${where(k)} left no samples`);
          return undefined;
        }
        return { node: k, text: out.text, samples: out.samples };
      } catch (error) {
        if (!(error instanceof RemoteScriptError)) throw error;
        ctx.log.warning(`${w.id}: the GPU telemetry${where(k)} could not be collected: ${errorLine(error)}`);
        return undefined;
      }
    }),
  );
  const sampled = stopped.filter((s) => s !== undefined);
  if (sampled[0]?.node !== 0) {
    if (sampled.length > 0) ctx.log.warning(`${w.id}: no GPU telemetry: node 0, where the timed windows are measured, has no samples`);
    return result;
  }
  for (const { node, samples } of sampled) {
    const unparsed = samples.skipped;
    if (unparsed > 0)
      ctx.log.warning(
        `${w.id}: ${unparsed} line${unparsed === 1 ? "" : "s"} of the GPU telemetry${where(node)} did not parse and ${unparsed === 1 ? "was" : "were"} left out`,
      );
  }
  const uris = await Promise.all(
    sampled.map((s) => (t.store ? t.store(s.node === 0 ? w.id : `${w.id}.node-${s.node}`, s.text) : undefined)),
  );
  let samples = sampled[0].samples;
  let nodesSampled: AttachOptions["nodes"];
  if (nodes.length > 1) {
    const merged = mergeNodeSamples(sampled.map((s) => s.samples));
    samples = merged.samples;
    nodesSampled = {
      count: nodes.length,
      sampled: sampled.map((s, i) => ({ node: s.node, gpus: merged.gpus[i]!, ...(uris[i] ? { samplesUri: uris[i] } : {}) })),
    };
    const missing = nodes.map((_, k) => k).filter((k) => !sampled.some((s) => s.node === k));
    if (missing.length > 0)
      ctx.log.warning(
        `${w.id}: the GPU telemetry leaves out node${missing.length === 1 ? "" : "s"} ${missing.join(", ")}: its energy is not counted, and energy per unit of work counts the sampled nodes' share of the work`,
      );
  }
  const withTelemetry = attachTelemetry(result, w, samples, {
    ...(ctx.gpu?.maxSmClockMHz !== undefined ? { maxSmClockMHz: ctx.gpu.maxSmClockMHz } : {}),
    ...(t.powerCapWatts !== undefined ? { powerCapWatts: t.powerCapWatts } : {}),
    ...(uris[0] ? { samplesUri: uris[0] } : {}),
    ...(nodesSampled ? { nodes: nodesSampled } : {}),
  });
  const summary = withTelemetry.telemetry;
  if (summary) {
    ctx.log.info(telemetryLine(w.id, summary, nodesSampled?.sampled.length));
    if (!summary.valid) ctx.log.warning(`${w.id}: result invalid: ${summary.validity.join("; ")}`);
  }
  return withTelemetry;
}

/**
 * The log's one line about a workload's telemetry: "rn50: GPU 255.0 W mean, 306.2 J in the timed
 * windows, SM clock median 1,710 MHz (2 samples)", figures as the report prints them; `nodes`, the
 * nodes sampled for a workload across several, adds " on 2 nodes".
 */
export function telemetryLine(id: string, t: Telemetry, nodes?: number): string {
  return (
    `${id}: GPU ${formatNumber(t.powerWatts.mean)} W mean, ${formatNumber(t.energyJoules)} J in the timed windows, ` +
    `SM clock median ${formatNumber(t.smClockMHz.median)} MHz (${t.samples} sample${t.samples === 1 ? "" : "s"}${nodes && nodes > 1 ? ` on ${nodes} nodes` : ""})`
  );
}
