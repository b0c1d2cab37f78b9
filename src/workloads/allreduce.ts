import { z } from "zod";
import allreducePy from "../../remote/workloads/allreduce.py";
import { allReduceSizes, type NcclAllReduceWorkload, type Workload } from "../config/suite.js";
import type { RemoteScript, RunRemote } from "../cloud/remote-script.js";
import { TRANSPORT_WORDS, bytesText, type Transport } from "../evidence/distributed-section.js";
import { collectiveNetwork, efaTransportNote } from "./nccl-network.js";
import type { Metric, WorkloadResult } from "../evidence/results.js";
import { distributedJobScript, type ClusterShape } from "./distributed.js";
import { IMAGES, WORKLOAD_NAMESPACE } from "./images.js";
import { kubeName } from "./manifest.js";
import {
  JobOutcome,
  MARK,
  OUTCOME_WORDS,
  WorkloadOutputError,
  failedWorkloadResult,
  lastMarked,
  markedLines,
  metric,
  safeJson,
  tail,
} from "./output.js";
import type { WorkloadContext } from "./run.js";

/**
 * The `nccl-allreduce` workload (issue 14): all-reduce bandwidth across every GPU of every node at a
 * range of message sizes, measured by remote/workloads/allreduce.py under torchrun (one pod per
 * node) the way nccl-tests' all_reduce_perf measures it, and reported as nccl-tests defines it.
 */

/** Algorithm and bus bandwidth of one all-reduce, GB/s (10⁹ bytes per second). */
export interface AllReduceBandwidth {
  algbwGBps: number;
  busbwGBps: number;
}

/**
 * nccl-tests' bandwidths of an all-reduce (doc/PERFORMANCE.md in https://github.com/NVIDIA/nccl-tests,
 * AllReduceGetBw in src/all_reduce.cu): algbw = S / t, with S the message size in bytes and t the
 * time of one operation (averaged over the ranks), in GB/s of 10⁹ bytes; busbw = algbw × 2(n−1)/n
 * for n ranks, the figure comparable to the hardware's link bandwidth whatever n is. One rank moves
 * nothing: busbw is 0 there. Throws on a size, time or rank count that is not positive.
 */
export function allReduceBandwidth(sizeBytes: number, seconds: number, ranks: number): AllReduceBandwidth {
  if (!(sizeBytes > 0) || !(seconds > 0) || !Number.isInteger(ranks) || ranks < 1)
    throw new RangeError(
      `all-reduce bandwidth needs a positive size, time and rank count (got ${sizeBytes} B, ${seconds} s, ${ranks} ranks)`,
    );
  const algbwGBps = sizeBytes / 1e9 / seconds;
  return { algbwGBps, busbwGBps: (algbwGBps * (2 * (ranks - 1))) / ranks };
}

/** One line allreduce.py prints per message size and trial (rank 0). */
export const AllReduceRecord = z.looseObject({
  record: z.literal("allreduce"),
  trial: z.int().positive(),
  size_bytes: z.int().positive(),
  count: z.int().positive(),
  dtype: z.string(),
  ranks: z.int().positive(),
  nodes: z.int().positive(),
  time_s: z.number().positive(),
  iters: z.int().positive(),
  backend: z.enum(["nccl", "gloo"]),
  device: z.enum(["cuda", "cpu"]),
  correct: z.boolean(),
});
export type AllReduceRecord = z.infer<typeof AllReduceRecord>;

const Problem = z.looseObject({ record: z.literal("error"), message: z.string() });
const Done = z.looseObject({ record: z.literal("done") });
const AllReduceLine = z.discriminatedUnion("record", [AllReduceRecord, Problem, Done]);
type AllReduceLine = z.infer<typeof AllReduceLine>;

/** The `{"record": …}` lines of allreduce.py's output (plain or GPU_BENCH_JSON-marked). */
export function parseAllReduceLines(text: string): AllReduceLine[] {
  const records: AllReduceLine[] = [];
  for (const line of markedLines(text, MARK.json, { keepUnmarked: true })) {
    if (!line.startsWith('{"record":')) continue;
    const parsed = AllReduceLine.safeParse(safeJson(line));
    if (!parsed.success)
      throw new WorkloadOutputError(`allreduce.py printed a record that does not match its schema: ${line.slice(0, 300)}`);
    records.push(parsed.data);
  }
  return records;
}

export function allReduceImage(w: NcclAllReduceWorkload): string {
  return w.image ?? IMAGES.pytorch;
}

/** allreduce.py's arguments for a workload. */
export function allReduceArgs(w: NcclAllReduceWorkload): string[] {
  return [
    "--sizes",
    allReduceSizes(w).join(","),
    "--warmup-iters",
    String(w.warmupIters),
    "--iters",
    String(w.iters),
    "--trials",
    String(w.trials),
  ];
}

/** The remote step: one Indexed Job over every node, all trials and sizes in it. */
export function planAllReduce(
  w: NcclAllReduceWorkload,
  shape: ClusterShape,
  namespace = WORKLOAD_NAMESPACE,
): { jobName: string; script: RemoteScript } {
  const jobName = kubeName("nccl", w.id);
  return {
    jobName,
    script: distributedJobScript({
      jobName,
      namespace,
      workloadId: w.id,
      image: allReduceImage(w),
      script: { file: "allreduce.py", content: allreducePy },
      args: allReduceArgs(w),
      shape,
      waitSeconds: w.timeoutMinutes * 60,
      stepName: `workload-${w.id}`,
    }),
  };
}

/** The metrics of a sweep: bus and algorithm bandwidth per message size (bus bandwidth at the largest is the headline). */
function allReduceMetrics(records: readonly AllReduceRecord[]): Metric[] {
  const sizes = [...new Set(records.map((r) => r.size_bytes))].sort((a, b) => a - b);
  const largest = sizes.at(-1);
  const metrics: Metric[] = [];
  for (const size of sizes) {
    const at = records.filter((r) => r.size_bytes === size).map((r) => allReduceBandwidth(r.size_bytes, r.time_s, r.ranks));
    metrics.push({
      ...metric(
        { name: `bus_bandwidth_gbps@${size}B`, label: "Bus bandwidth", unit: "GB/s", direction: "higher", headline: size === largest },
        at.map((b) => b.busbwGBps),
      ),
      messageBytes: size,
    });
    metrics.push({
      ...metric(
        { name: `algorithm_bandwidth_gbps@${size}B`, label: "Algorithm bandwidth", unit: "GB/s", direction: "higher" },
        at.map((b) => b.algbwGBps),
      ),
      messageBytes: size,
    });
  }
  return metrics;
}

/** Turns the step's output into the workload's result: per-trial records with their bandwidths, metrics, the transport. */
export function allReduceResult(
  w: NcclAllReduceWorkload,
  shape: ClusterShape,
  output: { stdout: string; stderr: string },
  times: { startedAt: string; endedAt: string },
): WorkloadResult {
  const records = parseAllReduceLines(output.stdout);
  const points = records.filter((r): r is AllReduceRecord => r.record === "allreduce");
  const problem = records.find((r) => r.record === "error") as z.infer<typeof Problem> | undefined;
  const job = lastMarked(output.stdout, MARK.job, JobOutcome);
  const backend = points[0]?.backend;
  const transport = collectiveNetwork(backend, output.stderr);
  const sizes = allReduceSizes(w);
  const parameters: WorkloadResult["parameters"] = {
    minBytes: w.minBytes,
    maxBytes: w.maxBytes,
    stepFactor: w.stepFactor,
    iters: w.iters,
    warmupIters: w.warmupIters,
    dtype: "float32",
    nodes: shape.nodes,
    gpusPerNode: shape.gpusPerNode,
    image: allReduceImage(w),
  };
  if (points[0]) parameters.ranks = points[0].ranks;
  if (backend) parameters.backend = backend;

  const expected = sizes.length * w.trials;
  const wrong = [...new Set(points.filter((p) => !p.correct).map((p) => bytesText(p.size_bytes)))];
  let status: WorkloadResult["status"] = "ok";
  const notes: string[] = [];
  if (problem) {
    status = "failed";
    notes.push(problem.message);
  } else if (points.length < expected) {
    status = "failed";
    const why =
      job && job.outcome !== "succeeded" ? OUTCOME_WORDS[job.outcome] : job ? "the script ended early" : "the step printed no outcome";
    const log = tail(output.stderr, 6);
    notes.push(
      `${points.length} of ${expected} measurements finished: ${why}${job?.exitCode ? ` (exit code ${job.exitCode})` : ""}.${log ? `\n${log}` : ""}`,
    );
  }
  if (wrong.length > 0) {
    status = "failed";
    notes.push(`the all-reduce gave wrong sums at ${wrong.join(", ")}`);
  }
  // busbw = algbw × 2(n−1)/n is 0 for one rank by definition: no figure, rather than a 0 GB/s headline.
  const oneRank = points.length > 0 && points.every((p) => p.ranks === 1);
  if (oneRank) {
    status = "failed";
    notes.push(
      `an all-reduce over 1 rank (${shape.nodes} node × ${shape.gpusPerNode} GPU) moves no data, so there is no bandwidth to measure: give the suite nodes: 2 or more, or list an instance type with several GPUs`,
    );
  }
  const efaNote = shape.efa && shape.nodes > 1 && transport ? efaTransportNote(shape.efa, transport) : undefined;
  if (efaNote) notes.push(efaNote);

  return {
    id: w.id,
    kind: "nccl-allreduce",
    parameters,
    status,
    ...(notes.length > 0 ? { message: notes.join("; ") } : {}),
    metrics: oneRank ? [] : allReduceMetrics(points),
    trials: points.map((p) => {
      const bw = allReduceBandwidth(p.size_bytes, p.time_s, p.ranks);
      return {
        ...p,
        time_us: p.time_s * 1e6,
        algbw_gbps: bw.algbwGBps,
        busbw_gbps: bw.busbwGBps,
        ...(transport ? { transport: transport.transport } : {}),
        ...(transport?.line ? { transport_evidence: transport.line } : {}),
      };
    }),
    ...times,
  };
}

/**
 * Runs the all-reduce sweep across the cluster and returns its result. A failure on the nodes (a
 * crash, a timeout, a pod that cannot be scheduled) comes back as a failed result with a one-line
 * reason; only errors of the run itself (cancellation, credentials) are thrown.
 */
export async function runAllReduce(remote: RunRemote, w: NcclAllReduceWorkload, ctx: WorkloadContext): Promise<WorkloadResult> {
  const shape = ctx.cluster ?? { nodes: 1, gpusPerNode: 1 };
  const startedAt = new Date(ctx.clock.now()).toISOString();
  const plan = planAllReduce(w, shape, ctx.namespace);
  try {
    const output = await remote(plan.script);
    const result = allReduceResult(w, shape, output, { startedAt, endedAt: new Date(ctx.clock.now()).toISOString() });
    const head = result.metrics.find((m) => m.headline);
    if (head) {
      const transport = result.trials[0]?.transport as Transport | undefined;
      ctx.log.info(
        `${w.id}: bus bandwidth ${head.summary.median.toFixed(2)} GB/s at ${bytesText(head.messageBytes ?? 0)} over ${String(result.parameters.ranks)} ranks on ${shape.nodes} node(s)` +
          (transport ? `, ${TRANSPORT_WORDS[transport]}` : ""),
      );
    }
    if (result.status !== "ok" || result.message) ctx.log.warning(`${w.id}: ${result.status}: ${result.message ?? ""}`);
    return result;
  } catch (error) {
    const parameters = { minBytes: w.minBytes, maxBytes: w.maxBytes, nodes: shape.nodes, image: allReduceImage(w) };
    return failedWorkloadResult({ id: w.id, kind: "nccl-allreduce", parameters }, error, {
      startedAt,
      endedAt: new Date(ctx.clock.now()).toISOString(),
    });
  }
}

/** A one-node suite's nccl-allreduce would run on a candidate type with one GPU (checked before launch). */
export class AllReduceRanksError extends Error {
  override name = "AllReduceRanksError";
}

/**
 * Before launch: the suite's nccl-allreduce workloads against each candidate instance type's GPUs
 * (EC2's count). On one node of a type with one GPU the all-reduce has one rank and moves no data
 * (busbw is 0 by definition), so nothing would be measured. Returns one problem per such workload,
 * naming the types and the fix; [] when the suite spans several nodes or every type has several GPUs.
 */
export function checkAllReduceRanks(workloads: readonly Workload[], nodes: number, gpusByType: ReadonlyMap<string, number>): string[] {
  if (nodes > 1) return [];
  const single = [...gpusByType].filter(([, gpus]) => gpus <= 1);
  if (single.length === 0) return [];
  const several = [...gpusByType].filter(([, gpus]) => gpus > 1).map(([type]) => type);
  const types = single.map(([type, gpus]) => `${type} (${gpus} GPU${gpus === 1 ? "" : "s"})`).join(", ");
  const fix =
    several.length > 0
      ? `or list only ${several.join(", ")} in 'instance-types'`
      : "or list instance types with several GPUs (such as g5.12xlarge) in 'instance-types'";
  return workloads
    .filter((w) => w.kind === "nccl-allreduce")
    .map(
      (w) =>
        `workload '${w.id}' on one node of ${types} would all-reduce over 1 rank, which moves no data: set the suite's nodes: 2 or more, ${fix}`,
    );
}
