import { z } from "zod";
import resnetPy from "../../remote/workloads/resnet50.py";
import jobTemplate from "../../remote/workloads/resnet50-job.yaml";
import { jobScript } from "./job-script.js";
import { timedSteps, type ResNet50Workload } from "../config/suite.js";
import type { RemoteScript, RunRemote } from "../cloud/remote-script.js";
import type { Metric, WorkloadResult } from "../evidence/results.js";
import { IMAGES, WORKLOAD_NAMESPACE } from "./images.js";
import type { WorkloadContext } from "./run.js";
import { kubeName, renderManifest } from "./manifest.js";
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

/** One JSON line resnet50.py prints per timed trial (extra keys pass through). */
export const ResNet50Trial = z.looseObject({
  record: z.literal("trial"),
  status: z.literal("ok"),
  trial: z.int().positive(),
  mode: z.enum(["train", "inference"]),
  precision: z.enum(["fp32", "tf32", "fp16", "bf16"]),
  precision_requested: z.string(),
  batch_size: z.int().positive(),
  image_size: z.int().positive(),
  steps: z.int().positive(),
  warmup_steps: z.int().nonnegative(),
  device: z.enum(["cuda", "cpu"]),
  gpu_name: z.string().nullable(),
  images_per_sec: z.number().positive(),
  elapsed_s: z.number().positive(),
  step_time_p50_ms: z.number().positive(),
  step_time_p90_ms: z.number().positive(),
  peak_memory_mib: z.number().nonnegative(),
  mfu: z.number().nonnegative().nullable(),
  peak_tflops: z.number().positive().nullable(),
  achieved_tflops: z.number().nonnegative(),
  compile: z.string(),
  compile_s: z.number().nonnegative().nullable(),
  channels_last: z.boolean(),
});
export type ResNet50Trial = z.infer<typeof ResNet50Trial>;

export const ResNet50Oom = z.looseObject({
  record: z.literal("oom"),
  status: z.literal("oom"),
  batch_size: z.int().positive(),
  precision: z.string(),
  device: z.string(),
  gpu_name: z.string().nullable(),
  message: z.string(),
  max_batch_size_fit: z.int().positive().nullable(),
});

export const ResNet50Problem = z.looseObject({
  record: z.enum(["unsupported", "error"]),
  /** "oom" for an error record: the GPU ran out of memory after the batch had fitted once. */
  status: z.enum(["unsupported", "failed", "oom"]),
  message: z.string(),
});

/**
 * The spellings of "the batch did not fit in GPU memory" in PyTorch's errors (public issues):
 * "CUDA out of memory", cuDNN's and cuBLAS's allocation failures (CUDNN_STATUS_ALLOC_FAILED,
 * CUBLAS_STATUS_ALLOC_FAILED, CUDNN_STATUS_NOT_ENOUGH_WORKSPACE), cuDNN's algorithm search finding
 * none whose workspace fits ("Unable to find a valid cuDNN algorithm"), and cublasCreate failing
 * to initialise. The same list as OOM_PATTERNS in remote/workloads/resnet50.py.
 */
export const GPU_OOM_PATTERNS: readonly RegExp[] = [
  /out of memory/i,
  /can't allocate memory/i,
  /CUDNN_STATUS_ALLOC_FAILED|CUBLAS_STATUS_ALLOC_FAILED|CUDNN_STATUS_NOT_ENOUGH_WORKSPACE/,
  /Unable to find a valid cuDNN algorithm/,
  /CUBLAS_STATUS_NOT_INITIALIZED when calling `cublasCreate/,
];

/** Whether an error text says the GPU ran out of memory, in any of its spellings. */
export function isGpuOutOfMemory(text: string): boolean {
  return GPU_OOM_PATTERNS.some((p) => p.test(text));
}

export const ResNet50Done = z.looseObject({
  record: z.literal("done"),
  import_s: z.number(),
  build_s: z.number().nullable(),
  script_s: z.number(),
});

export const ResNet50Record = z.discriminatedUnion("record", [ResNet50Trial, ResNet50Oom, ResNet50Problem, ResNet50Done]);
export type ResNet50Record = z.infer<typeof ResNet50Record>;

/** Parses the `{"record": …}` JSON lines of resnet50.py's output (plain or GPU_BENCH_JSON-marked). */
export function parseResNet50Lines(text: string): ResNet50Record[] {
  const records: ResNet50Record[] = [];
  for (const line of markedLines(text, MARK.json, { keepUnmarked: true })) {
    if (!line.startsWith('{"record":')) continue;
    const parsed = ResNet50Record.safeParse(safeJson(line));
    if (!parsed.success) {
      throw new WorkloadOutputError(
        `resnet50.py printed a record that does not match its schema (${parsed.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join(".")}: ${i.message}`)
          .join("; ")}): ${line.slice(0, 300)}`,
      );
    }
    records.push(parsed.data);
  }
  return records;
}

/** Command-line arguments of resnet50.py for a workload; `ranks`: the GPUs a distributed run trains on (timedSteps). */
export function resnet50Args(w: ResNet50Workload, ranks = 1): string[] {
  return [
    "--mode",
    w.mode,
    "--batch-size",
    String(w.batchSize),
    "--image-size",
    String(w.imageSize),
    "--warmup-steps",
    String(w.warmupSteps),
    "--steps",
    String(timedSteps(w, ranks)),
    "--trials",
    String(w.trials),
    "--precision",
    w.precision,
    w.channelsLast ? "--channels-last" : "--no-channels-last",
    ...(w.compile ? ["--compile"] : []),
    ...(w.findMaxBatch ? ["--find-max-batch"] : []),
  ];
}

export function resnet50Image(w: ResNet50Workload): string {
  return w.image ?? (w.compile ? IMAGES.pytorchDevel : IMAGES.pytorch);
}

export interface ResNet50Plan {
  jobName: string;
  script: RemoteScript;
}

/** The remote step that runs every trial of a ResNet50 workload as one Job. */
export function planResNet50(w: ResNet50Workload, namespace = WORKLOAD_NAMESPACE, faultRun?: { runSeconds: number }): ResNet50Plan {
  const jobName = faultRun ? kubeName("rn50", w.id, "faults") : kubeName("rn50", w.id);
  const waitSeconds = faultRun ? Math.ceil(faultRun.runSeconds) + w.timeoutMinutes * 60 : w.timeoutMinutes * 60;
  const manifest = renderManifest(jobTemplate, {
    namespace,
    name: jobName,
    workloadId: w.id,
    script: resnetPy,
    image: resnet50Image(w),
    // A fault timeline trains for a fixed time (one "trial"), printing progress once a second.
    args: faultRun ? [...resnet50Args(w), "--trials", "1", "--run-seconds", String(Math.ceil(faultRun.runSeconds))] : resnet50Args(w),
    // The pod's own deadline is a backstop behind the script's wait, which collects diagnostics first.
    deadlineSeconds: waitSeconds + 120,
  });
  return {
    jobName,
    script: jobScript({ name: faultRun ? `faults-${w.id}-train` : `workload-${w.id}`, namespace, jobName, manifest, waitSeconds }),
  };
}

interface Outcome {
  stdout: string;
  stderr: string;
}

/** Turns the step's output into the workload's result (status, metrics, per-trial records). */
export function resnet50Result(w: ResNet50Workload, output: Outcome, times: { startedAt: string; endedAt: string }): WorkloadResult {
  const records = parseResNet50Lines(output.stdout);
  const job = lastMarked(output.stdout, MARK.job, JobOutcome);
  const trials = records.filter((r): r is ResNet50Trial => r.record === "trial");
  const oom = records.find((r) => r.record === "oom") as z.infer<typeof ResNet50Oom> | undefined;
  const problem = records.find((r) => r.record === "unsupported" || r.record === "error") as z.infer<typeof ResNet50Problem> | undefined;
  const first = trials[0];
  const image = resnet50Image(w);

  const parameters: WorkloadResult["parameters"] = {
    mode: w.mode,
    batchSize: first?.batch_size ?? w.batchSize,
    imageSize: w.imageSize,
    precision: first?.precision ?? w.precision,
    channelsLast: w.channelsLast,
    compile: w.compile,
    steps: timedSteps(w),
    warmupSteps: w.warmupSteps,
    image,
  };
  if (first) parameters.device = first.device;
  if (first && first.batch_size !== w.batchSize) parameters.batchSizeRequested = w.batchSize;
  if (w.precision !== parameters.precision) parameters.precisionRequested = w.precision;

  let status: WorkloadResult["status"] = "ok";
  let message: string | undefined;
  const where = oom?.gpu_name ?? oom?.device ?? "the device";
  const lateOom = problem?.record === "error" && (problem.status === "oom" || isGpuOutOfMemory(problem.message));
  if (problem && lateOom) {
    status = "oom";
    message =
      `Ran out of GPU memory at batch ${w.batchSize} on ${where} after the first step fitted (${problem.message.split("\n")[0]}); ` +
      "lower batchSize, or set findMaxBatch: true";
  } else if (problem) {
    status = problem.record === "unsupported" ? "skipped" : "failed";
    message = problem.message;
  } else if (oom && trials.length === 0) {
    status = "oom";
    message =
      oom.max_batch_size_fit === null
        ? `Batch ${oom.batch_size} does not fit in the memory of ${where} at ${oom.precision}` +
          (w.findMaxBatch
            ? " and no smaller batch did either"
            : "; lower batchSize, or set findMaxBatch: true to find the largest that fits")
        : `Batch ${oom.batch_size} does not fit in the memory of ${where}; the largest that fits is ${oom.max_batch_size_fit}`;
  } else if (oom) {
    message = `Batch ${oom.batch_size} did not fit in the memory of ${where}; ran at ${oom.max_batch_size_fit}, the largest that did`;
  }
  if (status === "ok" && trials.length < w.trials && isGpuOutOfMemory(tail(output.stderr, 20))) {
    status = "oom";
    message = `${trials.length} of ${w.trials} trials finished: the GPU ran out of memory.${lastLog(output.stderr)}`;
  } else if (status === "ok" && trials.length < w.trials) {
    status = "failed";
    const why =
      job && job.outcome !== "succeeded" ? OUTCOME_WORDS[job.outcome] : job ? "the script ended early" : "the step printed no outcome";
    message =
      `${trials.length} of ${w.trials} trials finished: ${why}${job?.exitCode ? ` (exit code ${job.exitCode})` : ""}.` +
      lastLog(output.stderr);
  }
  const compileNote = first && w.compile && first.compile !== "compiled" ? first.compile : undefined;
  if (compileNote) message = message ? `${message}; ${compileNote}` : compileNote;

  return {
    id: w.id,
    kind: "resnet50",
    parameters,
    status,
    ...(message ? { message } : {}),
    metrics: trials.length > 0 ? resnet50Metrics(trials) : [],
    trials: trials.map((t) => ({ ...t })),
    ...times,
  };
}

function resnet50Metrics(trials: ResNet50Trial[]): Metric[] {
  const values = (f: (t: ResNet50Trial) => number | null) => trials.map(f).filter((v): v is number => v !== null);
  const metrics: Metric[] = [
    metric(
      { name: "images_per_sec", label: "Throughput", unit: "images/s", direction: "higher", headline: true },
      values((t) => t.images_per_sec),
    ),
    metric(
      { name: "step_time_p50_ms", label: "Step time p50", unit: "ms", direction: "lower" },
      values((t) => t.step_time_p50_ms),
    ),
    metric(
      { name: "step_time_p90_ms", label: "Step time p90", unit: "ms", direction: "lower" },
      values((t) => t.step_time_p90_ms),
    ),
  ];
  const mfu = values((t) => (t.mfu === null ? null : t.mfu * 100));
  if (mfu.length === trials.length)
    metrics.push(metric({ name: "mfu_percent", label: "Model FLOPs utilisation", unit: "%", direction: "higher" }, mfu));
  metrics.push(
    metric(
      { name: "peak_memory_mib", label: "Peak memory", unit: "MiB", direction: "lower" },
      values((t) => t.peak_memory_mib),
    ),
  );
  const compile = trials[0]?.compile_s;
  if (compile !== null && compile !== undefined) {
    metrics.push(metric({ name: "compile_s", label: "torch.compile time", unit: "s", direction: "lower" }, [compile]));
  }
  return metrics;
}

function lastLog(stderr: string): string {
  const t = tail(stderr, 6);
  return t ? `\n${t}` : "";
}

/**
 * Runs one ResNet50 workload on the node (all its trials, one Job) and returns its result. A
 * failure on the node (crash, out-of-memory, timeout, image pull) comes back as a failed result
 * with a one-line reason; only errors of the run itself (cancellation, credentials) are thrown.
 */
export async function runResNet50(remote: RunRemote, workload: ResNet50Workload, ctx: WorkloadContext): Promise<WorkloadResult> {
  const startedAt = new Date(ctx.clock.now()).toISOString();
  const plan = planResNet50(workload, ctx.namespace);
  try {
    const output = await remote(plan.script);
    const endedAt = new Date(ctx.clock.now()).toISOString();
    const result = resnet50Result(workload, output, { startedAt, endedAt });
    const ips = result.metrics.find((m) => m.name === "images_per_sec");
    if (ips) {
      ctx.log.info(
        `${workload.id}: ${ips.summary.median.toFixed(1)} images/s median of ${ips.summary.n} trial(s) ` +
          `(${result.parameters.mode}, ${result.parameters.precision}, batch ${result.parameters.batchSize})`,
      );
    }
    if (result.status !== "ok") ctx.log.warning(`${workload.id}: ${result.status}: ${result.message ?? ""}`);
    return result;
  } catch (error) {
    return failedResNet50Result(workload, error, { startedAt, endedAt: new Date(ctx.clock.now()).toISOString() });
  }
}

/**
 * The failed result of a ResNet50 run (single-node or distributed) whose job failed on the node or
 * whose output could not be read: its mode, batch, precision and image, no metrics. Rethrows any
 * other error (see failedWorkloadResult).
 */
export function failedResNet50Result(
  workload: ResNet50Workload,
  error: unknown,
  times: { startedAt: string; endedAt: string },
): WorkloadResult {
  const parameters = { mode: workload.mode, batchSize: workload.batchSize, precision: workload.precision, image: resnet50Image(workload) };
  return failedWorkloadResult({ id: workload.id, kind: "resnet50", parameters }, error, times);
}
