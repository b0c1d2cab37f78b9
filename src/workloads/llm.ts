import { z } from "zod";
import serverTemplate from "../../remote/workloads/vllm-server.yaml";
import rayClusterTemplate from "../../remote/workloads/vllm-ray-cluster.yaml";
import rayPodPy from "../../remote/workloads/ray-vllm-pod.py";
import benchTemplate from "../../remote/workloads/vllm-bench-job.yaml";
import upSh from "../../remote/workloads/llm-server-up.sh";
import downSh from "../../remote/workloads/llm-server-down.sh";
import { POD_WATCH_FILE, jobScript } from "./job-script.js";
import { checkLayoutGpus, servingLayout, type LlmServingWorkload, type ServingLayout } from "../config/suite.js";
import type { RemoteScript, RunRemote } from "../cloud/remote-script.js";
import { RemoteScriptError } from "../cloud/remote-script.js";
import type { Metric, WorkloadResult } from "../evidence/results.js";
import { HF_CACHE_HOST_PATH, IMAGES, WORKLOAD_NAMESPACE } from "./images.js";
import { kubeName, renderManifest } from "./manifest.js";
import {
  JobOutcome,
  MARK,
  OUTCOME_WORDS,
  RayCluster,
  ServerOutcome,
  WorkloadOutputError,
  lastMarked,
  markedLines,
  metric,
  safeJson,
  tail,
  type MetricSpec,
} from "./output.js";
import { parseVllmResult, VllmResultError, type RequestRate, type ServingPoint } from "./vllm-result.js";
import type { HfTokenParameter, WorkloadContext } from "./run.js";

/** The load points of a workload, in the order they run: the sweep's rates ascending, then max throughput. */
export function loadPoints(w: LlmServingWorkload): RequestRate[] {
  return [...[...w.requestRates].sort((a, b) => a - b), ...(w.maxThroughput ? (["inf"] as const) : [])];
}

/**
 * NVIDIA GPUs on EC2 older than compute capability 8.0 (no bf16), by the name nvidia-smi gives them,
 * for drivers too old to report compute_cap (before 510). Source: NVIDIA's CUDA GPUs table
 * (developer.nvidia.com/cuda-gpus): T4/T4G 7.5 (g4dn, g5g), V100 7.0 (p3), M60 5.2 (g3), K80 3.7 (p2).
 */
const BEFORE_AMPERE: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bT4G?\b/, "7.5"],
  [/\bV100\b/, "7.0"],
  [/\bM60\b/, "5.2"],
  [/\bK80\b/, "3.7"],
];

/** The GPU's compute capability ("7.5"): as nvidia-smi reported it, else known from its name, else undefined. */
export function computeCapabilityOf(computeCapability?: string, gpuName?: string): string | undefined {
  if (computeCapability && Number.isFinite(Number.parseFloat(computeCapability))) return computeCapability;
  return gpuName ? BEFORE_AMPERE.find(([name]) => name.test(gpuName))?.[1] : undefined;
}

/**
 * vLLM's dtype for this GPU: `auto` becomes half on compute capability below 8.0 (T4 has no bf16,
 * and vLLM refuses a bf16 model's `auto` there). The capability comes from the inventory, or from
 * the GPU's name when an old driver could not report it.
 */
export function effectiveDtype(w: LlmServingWorkload, computeCapability?: string, gpuName?: string): string {
  if (w.dtype !== "auto") return w.dtype;
  const cc = Number.parseFloat(computeCapabilityOf(computeCapability, gpuName) ?? "");
  return Number.isFinite(cc) && cc < 8 ? "half" : "auto";
}

/** Set when `auto` is passed on to vLLM without knowing the GPU's compute capability: the report says so. */
export function autoDtypeNote(w: LlmServingWorkload, computeCapability?: string, gpuName?: string): string | undefined {
  if (w.dtype !== "auto" || computeCapabilityOf(computeCapability, gpuName) !== undefined) return undefined;
  return (
    `dtype auto was left to vLLM: the node did not report ${gpuName ?? "the GPU"}'s compute capability, ` +
    "so half could not be chosen for a GPU without bf16 (set dtype: half for a T4 or V100)"
  );
}

export function vllmImage(w: LlmServingWorkload): string {
  return w.image ?? IMAGES.vllm;
}

/**
 * The Kubernetes names of a workload's vLLM server (Deployment, or across nodes the Job, and the
 * API Service), the headless Service of its Ray cluster, and its token Secret.
 */
export function serverNames(w: LlmServingWorkload) {
  return { server: kubeName("vllm", w.id), rayService: kubeName("vllm", w.id, "ray"), tokenSecret: kubeName("vllm", w.id, "hf-token") };
}

/** Where Ray's GCS listens in the head pod (`ray start --head`'s default port). */
export const RAY_PORT = 6379;

/** Minutes the Ray cluster may take to form when the workload does not say (rayJoinTimeoutMinutes). */
export const DEFAULT_RAY_JOIN_TIMEOUT_MINUTES = 10;

/**
 * vLLM's parallel flags for a layout: none for one GPU; on one node --tensor-parallel-size with
 * --distributed-executor-backend mp (named, so that too few GPUs fail at once instead of vLLM
 * falling back to a local Ray and waiting for a placement group); across nodes also
 * --pipeline-parallel-size and --distributed-executor-backend ray.
 */
export function parallelArgs(layout: ServingLayout): string[] {
  if (layout.kind === "single") return [];
  const tp = ["--tensor-parallel-size", String(layout.tensorParallelSize)];
  if (layout.kind === "node") return [...tp, "--distributed-executor-backend", "mp"];
  return [...tp, "--pipeline-parallel-size", String(layout.pipelineParallelSize), "--distributed-executor-backend", "ray"];
}

export function serverArgs(w: LlmServingWorkload, dtype: string, layout: ServingLayout = { kind: "single" }): string[] {
  return [
    w.model,
    "--host",
    "0.0.0.0",
    "--port",
    "8000",
    "--dtype",
    dtype,
    "--max-model-len",
    String(w.maxModelLen),
    "--gpu-memory-utilization",
    String(w.gpuMemoryUtilization),
    "--seed",
    String(w.seed),
    ...(w.revision ? ["--revision", w.revision] : []),
    ...parallelArgs(layout),
  ];
}

export function benchArgs(w: LlmServingWorkload, rate: RequestRate, baseUrl: string): string[] {
  const goodput = [
    ...(w.slo.ttftMs !== undefined ? [`ttft:${w.slo.ttftMs}`] : []),
    ...(w.slo.tpotMs !== undefined ? [`tpot:${w.slo.tpotMs}`] : []),
    ...(w.slo.e2elMs !== undefined ? [`e2el:${w.slo.e2elMs}`] : []),
  ];
  return [
    "--backend",
    "vllm",
    "--base-url",
    baseUrl,
    "--model",
    w.model,
    "--dataset-name",
    "random",
    "--random-input-len",
    String(w.inputLen),
    "--random-output-len",
    String(w.outputLen),
    "--num-prompts",
    String(w.numPrompts),
    "--request-rate",
    rate === "inf" ? "inf" : String(rate),
    "--seed",
    String(w.seed),
    "--temperature",
    "0",
    "--ignore-eos",
    "--percentile-metrics",
    "ttft,tpot,itl,e2el",
    "--metric-percentiles",
    "50,90,99",
    "--disable-tqdm",
    ...(w.maxConcurrency !== undefined ? ["--max-concurrency", String(w.maxConcurrency)] : []),
    "--goodput",
    ...goodput,
  ];
}

/** How a workload's server is placed: its layout and each node's GPUs (the inventory's count). */
export interface ServerPlacement {
  layout: ServingLayout;
  gpusPerNode: number;
}

/** The placement of a workload served on one node (its layout as if the suite had one node), e.g. for fault scenarios. */
export function oneNodePlacement(w: LlmServingWorkload): ServerPlacement {
  const layout = servingLayout(w, 1);
  return { layout, gpusPerNode: layout.kind === "node" ? layout.tensorParallelSize : 1 };
}

/** Seconds the server may take to become ready: across nodes, the Ray cluster's forming comes first. */
export function serverWaitSeconds(w: LlmServingWorkload, layout: ServingLayout): number {
  const join = layout.kind === "ray" ? (w.rayJoinTimeoutMinutes ?? DEFAULT_RAY_JOIN_TIMEOUT_MINUTES) * 60 : 0;
  return join + w.serverStartTimeoutMinutes * 60;
}

/**
 * The step that starts the server and waits until it is ready (remote/workloads/llm-server-up.sh):
 * one Deployment on node 0 (one GPU, or tensorParallelSize GPUs), or across nodes a Ray cluster of
 * one pod per node with vLLM in pod 0 (remote/workloads/vllm-ray-cluster.yaml). Throws when the
 * placement's node count or GPUs are not positive whole numbers.
 */
export function planServerUp(
  w: LlmServingWorkload,
  dtype: string,
  namespace: string,
  hfToken?: HfTokenParameter,
  placement: ServerPlacement = oneNodePlacement(w),
): RemoteScript {
  const n = serverNames(w);
  const { layout, gpusPerNode } = placement;
  if (!Number.isInteger(gpusPerNode) || gpusPerNode < 1)
    throw new Error(`A vLLM server needs at least one GPU per node, not ${gpusPerNode}`);
  const waitSeconds = serverWaitSeconds(w, layout);
  const args = serverArgs(w, dtype, layout);
  let manifest: string;
  if (layout.kind === "ray") {
    if (!Number.isInteger(layout.nodes) || layout.nodes < 2 || layout.nodes > 8)
      throw new Error(`A vLLM server across nodes spans 2 to 8 nodes, not ${layout.nodes}`);
    manifest = renderManifest(rayClusterTemplate, {
      namespace,
      name: n.server,
      rayService: n.rayService,
      workloadId: w.id,
      scripts: { "ray-vllm-pod.py": rayPodPy },
      image: vllmImage(w),
      args,
      nodes: layout.nodes,
      nodesText: String(layout.nodes),
      gpusPerNode,
      gpusPerNodeText: String(gpusPerNode),
      rayHead: `${n.server}-0.${n.rayService}.${namespace}.svc.cluster.local`,
      rayPort: RAY_PORT,
      rayPortText: String(RAY_PORT),
      joinTimeoutText: String((w.rayJoinTimeoutMinutes ?? DEFAULT_RAY_JOIN_TIMEOUT_MINUTES) * 60),
      tokenSecret: n.tokenSecret,
      hfCacheHostPath: HF_CACHE_HOST_PATH,
    });
  } else {
    manifest = renderManifest(serverTemplate, {
      namespace,
      name: n.server,
      workloadId: w.id,
      image: vllmImage(w),
      args,
      gpus: layout.kind === "node" ? layout.tensorParallelSize : 1,
      tokenSecret: n.tokenSecret,
      hfCacheHostPath: HF_CACHE_HOST_PATH,
      // The startup probe must outlast a model download and load; the script's own wait bounds it.
      startupFailureThreshold: Math.ceil(waitSeconds / 5) + 12,
    });
  }
  return {
    name: `workload-${w.id}-server-up`,
    body: upSh,
    args: ["manifest.yaml"],
    env: {
      NAMESPACE: namespace,
      NAME: n.server,
      TOKEN_SECRET: n.tokenSecret,
      TIMEOUT_SECONDS: String(waitSeconds),
      ...(layout.kind === "ray" ? { SERVER_KIND: "ray" } : {}),
      // The parameter's name, never the token: the node reads the value with its instance role.
      ...(hfToken ? { HF_TOKEN_PARAMETER: hfToken.name, HF_TOKEN_REGION: hfToken.region } : {}),
    },
    files: [{ path: "manifest.yaml", content: manifest }, POD_WATCH_FILE],
    timeoutSeconds: waitSeconds + 300,
  };
}

/** Stops the server (either kind; across nodes also its Ray cluster's Service and ConfigMap) and waits until its pods are gone. */
export function planServerDown(w: LlmServingWorkload, namespace: string, layout: ServingLayout = { kind: "single" }): RemoteScript {
  const n = serverNames(w);
  return {
    name: `workload-${w.id}-server-down`,
    body: downSh,
    env: {
      NAMESPACE: namespace,
      NAME: n.server,
      TOKEN_SECRET: n.tokenSecret,
      TIMEOUT_SECONDS: "180",
      ...(layout.kind === "ray" ? { RAY_SERVICE: n.rayService } : {}),
    },
    timeoutSeconds: 400,
  };
}

export function planBench(
  w: LlmServingWorkload,
  rate: RequestRate,
  trial: number,
  index: number,
  namespace: string,
): { jobName: string; script: RemoteScript } {
  const n = serverNames(w);
  const jobName = kubeName("vllm-bench", w.id, `t${trial}`, `p${index}`);
  const waitSeconds = w.benchTimeoutMinutes * 60;
  const manifest = renderManifest(benchTemplate, {
    namespace,
    name: jobName,
    workloadId: w.id,
    image: vllmImage(w),
    args: benchArgs(w, rate, `http://${n.server}.${namespace}.svc:8000`),
    tokenSecret: n.tokenSecret,
    hfCacheHostPath: HF_CACHE_HOST_PATH,
    deadlineSeconds: waitSeconds + 120,
  });
  return {
    jobName,
    script: jobScript({
      name: `workload-${w.id}-bench-${rate === "inf" ? "max" : rate}-t${trial}`,
      namespace,
      jobName,
      manifest,
      waitSeconds,
    }),
  };
}

interface PointRun {
  trial: number;
  rate: RequestRate;
  /** Set only when at least one request completed: every figure in it is over completed requests. */
  point?: ServingPoint;
  /** The benchmark's timed window on the node's clock (Unix seconds), for the GPU telemetry. */
  window?: { start: number; end: number };
  error?: string;
}

/**
 * A load point counts as failed when no request completed: vLLM then writes 0.0 for every latency
 * and throughput, which are not measurements and must not become metrics (or a baseline).
 */
export function noRequestCompleted(p: ServingPoint): boolean {
  return !(p.completed > 0);
}

/** Failed requests as a percentage of those sent; null when the file does not say how many failed. */
export function requestFailurePercent(p: ServingPoint): number | null {
  if (p.failed === null) return null;
  const sent = p.completed + p.failed;
  return sent > 0 ? (p.failed / sent) * 100 : null;
}

/** More than this share of a workload's requests failing makes it failed even if every point completed some. */
export const MAX_FAILED_REQUEST_PERCENT = 50;

const BenchWindow = z.object({ start: z.number(), end: z.number() });

/**
 * The load point's timed window: the bench Job's host-clock times around `vllm bench serve`
 * (GPU_BENCH_VLLM_WINDOW), narrowed to the benchmark's own duration at its end (the client's
 * start-up is not load on the GPU).
 */
function benchWindow(stdout: string, durationS: number): PointRun["window"] {
  const line = markedLines(stdout, MARK.vllmWindow).at(-1);
  const parsed = line === undefined ? undefined : BenchWindow.safeParse(safeJson(line));
  if (!parsed?.success || !(parsed.data.end > parsed.data.start)) return undefined;
  const { start, end } = parsed.data;
  return { start: Number.isFinite(durationS) && durationS > 0 ? Math.max(start, end - durationS) : start, end };
}

/**
 * Starts the server, runs every load point of every trial, and always stops the server. Across
 * nodes (ServingLayout `ray`) the layout is first checked against the GPUs the nodes reported:
 * a layout that does not fit fails the workload before any pod starts.
 */
export async function runLlmServing(remote: RunRemote, w: LlmServingWorkload, ctx: WorkloadContext): Promise<WorkloadResult> {
  const namespace = ctx.namespace ?? WORKLOAD_NAMESPACE;
  const startedAt = new Date(ctx.clock.now()).toISOString();
  const dtype = effectiveDtype(w, ctx.gpu?.computeCapability, ctx.gpu?.name);
  const dtypeNote = autoDtypeNote(w, ctx.gpu?.computeCapability, ctx.gpu?.name);
  if (dtypeNote) ctx.log.warning(`${w.id}: ${dtypeNote}`);
  const placement: ServerPlacement = { layout: servingLayout(w, ctx.cluster?.nodes ?? 1), gpusPerNode: ctx.cluster?.gpusPerNode ?? 1 };
  const misfit = checkLayoutGpus(placement.layout, placement.gpusPerNode);
  if (misfit) {
    ctx.log.warning(`${w.id}: ${misfit}`);
    const endedAt = new Date(ctx.clock.now()).toISOString();
    return llmResult(w, dtype, [], `The vLLM server was not started: ${misfit}.`, { startedAt, endedAt }, dtypeNote, placement);
  }
  const points = loadPoints(w);
  const runs: PointRun[] = [];
  let failure: string | undefined;
  let ray: RayCluster | undefined;
  try {
    const up = await remote(planServerUp(w, dtype, namespace, ctx.hfTokenParameter, placement));
    const server = lastMarked(up.stdout, MARK.server, ServerOutcome);
    if (!server) throw new WorkloadOutputError("the server setup step printed no outcome");
    ray = lastMarked(up.stdout, MARK.ray, RayCluster);
    if (server.outcome !== "ready") {
      failure = `The vLLM server for ${w.model} did not become ready: ${OUTCOME_WORDS[server.outcome] ?? server.outcome} after ${server.seconds}s.${logTail(up.stderr)}`;
    } else {
      ctx.log.info(`${w.id}: vLLM server ready in ${server.seconds}s (${w.model}, dtype ${dtype}${layoutWords(placement, ray)})`);
      for (let trial = 1; trial <= w.trials; trial++) {
        for (const [index, rate] of points.entries()) {
          runs.push(await runPoint(remote, w, rate, trial, index, namespace, ctx));
        }
      }
    }
  } catch (error) {
    if (!(error instanceof RemoteScriptError || error instanceof WorkloadOutputError)) throw error;
    failure = describeError(error);
  } finally {
    try {
      await remote(planServerDown(w, namespace, placement.layout));
    } catch (error) {
      ctx.log.warning(`${w.id}: stopping the vLLM server failed; the instance is terminated anyway: ${describeError(error)}`);
    }
  }
  const endedAt = new Date(ctx.clock.now()).toISOString();
  return llmResult(w, dtype, runs, failure, { startedAt, endedAt }, dtypeNote, placement, ray);
}

/** ", TP 1 × PP 2 over Ray on 2 nodes (2 GPUs joined)" for the log; "" for one GPU. */
function layoutWords(p: ServerPlacement, ray?: RayCluster): string {
  const { layout } = p;
  if (layout.kind === "single") return "";
  if (layout.kind === "node") return `, tensor parallel over ${layout.tensorParallelSize} GPUs`;
  const joined = ray ? ` (${ray.nodes} nodes, ${ray.gpus} GPUs joined in ${ray.joinSeconds}s)` : "";
  return `, TP ${layout.tensorParallelSize} × PP ${layout.pipelineParallelSize} over Ray on ${layout.nodes} nodes${joined}`;
}

/**
 * The layout's parameters in results: tensorParallelSize, pipelineParallelSize, nodes, gpusPerNode
 * and the executor (`mp`: vLLM's multiprocessing on one node, `ray`), plus what Ray counted when the
 * cluster formed (rayNodes, rayGpus, rayJoinSeconds). None for one GPU, so such a run keeps its parameters.
 */
export function layoutParameters(p: ServerPlacement, ray?: RayCluster): Record<string, string | number> {
  const { layout } = p;
  if (layout.kind === "single") return {};
  const nodes = layout.kind === "ray" ? layout.nodes : 1;
  return {
    tensorParallelSize: layout.tensorParallelSize,
    pipelineParallelSize: layout.kind === "ray" ? layout.pipelineParallelSize : 1,
    nodes,
    gpusPerNode: p.gpusPerNode,
    executor: layout.kind === "ray" ? "ray" : "mp",
    ...(ray ? { rayNodes: ray.nodes, rayGpus: ray.gpus, rayJoinSeconds: ray.joinSeconds } : {}),
  };
}

async function runPoint(
  remote: RunRemote,
  w: LlmServingWorkload,
  rate: RequestRate,
  trial: number,
  index: number,
  namespace: string,
  ctx: WorkloadContext,
): Promise<PointRun> {
  const label = rateLabel(rate);
  const { script } = planBench(w, rate, trial, index, namespace);
  try {
    const result = await remote(script);
    const job = lastMarked(result.stdout, MARK.job, JobOutcome);
    const file = markedLines(result.stdout, MARK.vllmResult).at(-1);
    if (file === undefined) {
      const why = job ? (OUTCOME_WORDS[job.outcome] ?? job.outcome) : "the step printed no outcome";
      return { trial, rate, error: `load point ${label} (trial ${trial}) produced no result: ${why}.${logTail(result.stderr)}` };
    }
    const point = parseVllmResult(file, rate);
    if (noRequestCompleted(point)) {
      const of = point.numPrompts !== null ? ` of ${point.numPrompts}` : "";
      return {
        trial,
        rate,
        error:
          `load point ${label} (trial ${trial}) failed: no request completed (${point.failed ?? "all"}${of} failed); ` +
          `its latencies and throughputs are not measurements and were left out.${logTail(result.stderr)}`,
      };
    }
    ctx.log.info(
      `${w.id}: ${label}: ${point.requestThroughput.toFixed(2)} req/s, ${point.outputThroughput.toFixed(0)} output tok/s, TTFT p99 ${point.ttft.p99.toFixed(1)} ms`,
    );
    const window = benchWindow(result.stdout, point.durationS);
    return { trial, rate, point, ...(window ? { window } : {}) };
  } catch (error) {
    if (error instanceof RemoteScriptError || error instanceof VllmResultError || error instanceof WorkloadOutputError) {
      return { trial, rate, error: `load point ${label} (trial ${trial}): ${describeError(error)}` };
    }
    throw error;
  }
}

export function rateLabel(rate: RequestRate): string {
  return rate === "inf" ? "max throughput" : `${rate} req/s`;
}

function rateKey(rate: RequestRate): string {
  return rate === "inf" ? "max" : `${rate}rps`;
}

function llmResult(
  w: LlmServingWorkload,
  dtype: string,
  runs: PointRun[],
  failure: string | undefined,
  times: { startedAt: string; endedAt: string },
  dtypeNote?: string,
  placement?: ServerPlacement,
  ray?: RayCluster,
): WorkloadResult {
  const ok = runs.filter((r): r is PointRun & { point: ServingPoint } => r.point !== undefined);
  const errors = runs.filter((r) => r.error).map((r) => r.error!);
  const points = loadPoints(w);
  const metrics: Metric[] = [];
  const finite = points.filter((p): p is number => p !== "inf");
  const headlineLatencyRate = finite.at(-1);
  for (const rate of points) {
    const at = ok.filter((r) => r.rate === rate).map((r) => r.point);
    if (at.length === 0) continue;
    const key = rateKey(rate);
    const requestRate = rate === "inf" ? ("max" as const) : rate;
    // Labels are the same at every point; requestRate tells the points apart (the report charts them).
    const add = (spec: Omit<MetricSpec, "requestRate">, f: (p: ServingPoint) => number | null) => {
      const values = at.map(f).filter((v): v is number => v !== null && Number.isFinite(v));
      if (values.length > 0) metrics.push(metric({ ...spec, name: `${spec.name}@${key}`, requestRate }, values));
    };
    const latencyHeadline = rate === headlineLatencyRate;
    add(
      { name: "output_throughput", label: "Output tokens/s", unit: "tok/s", direction: "higher", headline: rate === "inf" },
      (p) => p.outputThroughput,
    );
    add({ name: "request_throughput", label: "Requests/s", unit: "req/s", direction: "higher" }, (p) => p.requestThroughput);
    add({ name: "request_goodput", label: "Goodput", unit: "req/s", direction: "higher" }, (p) => p.requestGoodput);
    for (const [m, label] of [
      ["ttft", "TTFT"],
      ["tpot", "TPOT"],
      ["itl", "ITL"],
    ] as const) {
      add({ name: `${m}_mean_ms`, label: `${label} mean`, unit: "ms", direction: "lower" }, (p) => p[m].mean);
      add({ name: `${m}_median_ms`, label: `${label} median`, unit: "ms", direction: "lower" }, (p) => p[m].median);
      add(
        { name: `${m}_p99_ms`, label: `${label} p99`, unit: "ms", direction: "lower", headline: latencyHeadline && m !== "itl" },
        (p) => p[m].p99,
      );
    }
    add({ name: "request_failure_percent", label: "Failed requests", unit: "%", direction: "lower" }, requestFailurePercent);
  }

  const failedRequests = ok
    .filter((r) => (r.point.failed ?? 0) > 0)
    .map(
      (r) =>
        `${r.point.failed} of ${r.point.completed + r.point.failed!} (${percent(requestFailurePercent(r.point)!)}) at ${rateLabel(r.rate)}`,
    );
  const sent = ok.reduce((n, r) => n + r.point.completed + (r.point.failed ?? 0), 0);
  const failedTotal = ok.reduce((n, r) => n + (r.point.failed ?? 0), 0);
  const mostlyFailed = sent > 0 && (failedTotal / sent) * 100 > MAX_FAILED_REQUEST_PERCENT;
  let status: WorkloadResult["status"] = "ok";
  const notes: string[] = [];
  if (failure) notes.push(failure);
  notes.push(...errors);
  // After the failure, which leads the message: with an unknown GPU, auto may be why vLLM refused to start.
  if (dtypeNote) notes.push(dtypeNote);
  if (failure || errors.length > 0 || ok.length === 0 || mostlyFailed) status = "failed";
  if (failedRequests.length > 0) notes.push(`requests failed: ${failedRequests.join(", ")}`);
  if (mostlyFailed)
    notes.push(
      `${percent((failedTotal / sent) * 100)} of the requests failed (more than ${MAX_FAILED_REQUEST_PERCENT}%): the workload is not ok`,
    );
  const message = notes.length > 0 ? notes.join("\n") : undefined;

  return {
    id: w.id,
    kind: "llm-serving",
    parameters: {
      model: w.model,
      ...(w.revision ? { revision: w.revision } : {}),
      dtype,
      maxModelLen: w.maxModelLen,
      numPrompts: w.numPrompts,
      inputLen: w.inputLen,
      outputLen: w.outputLen,
      requestRates: points.map(String).join(","),
      seed: w.seed,
      ...(w.maxConcurrency !== undefined ? { maxConcurrency: w.maxConcurrency } : {}),
      ...(w.slo.ttftMs !== undefined ? { sloTtftMs: w.slo.ttftMs } : {}),
      ...(w.slo.tpotMs !== undefined ? { sloTpotMs: w.slo.tpotMs } : {}),
      ...(w.slo.e2elMs !== undefined ? { sloE2elMs: w.slo.e2elMs } : {}),
      ...(placement ? layoutParameters(placement, ray) : {}),
      image: vllmImage(w),
    },
    status,
    ...(message ? { message } : {}),
    metrics,
    trials: ok.map((r) => pointRecord(r.trial, r.point, r.window)),
    ...times,
  };
}

/** One flat record per trial and load point: what the evidence tabulates against request rate. */
function pointRecord(trial: number, p: ServingPoint, window?: PointRun["window"]): Record<string, unknown> {
  const flat: Record<string, unknown> = {
    ...(window ? { window_start_unix: window.start, window_end_unix: window.end } : {}),
    trial,
    request_rate: p.requestRate === "inf" ? "max" : p.requestRate,
    completed: p.completed,
    failed: p.failed,
    duration_s: p.durationS,
    request_throughput: p.requestThroughput,
    output_throughput: p.outputThroughput,
    total_token_throughput: p.totalTokenThroughput,
    request_goodput: p.requestGoodput,
    total_input_tokens: p.totalInputTokens,
    total_output_tokens: p.totalOutputTokens,
    format: p.format,
  };
  for (const m of ["ttft", "tpot", "itl", "e2el"] as const) {
    const s = p[m];
    if (!s) continue;
    flat[`${m}_mean_ms`] = s.mean;
    flat[`${m}_median_ms`] = s.median;
    flat[`${m}_p90_ms`] = s.p90;
    flat[`${m}_p99_ms`] = s.p99;
  }
  return flat;
}

function percent(value: number): string {
  return `${Number(value.toPrecision(3))}%`;
}

function describeError(error: unknown): string {
  if (error instanceof RemoteScriptError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function logTail(stderr: string): string {
  const t = tail(stderr, 8);
  return t ? `\n${t}` : "";
}
