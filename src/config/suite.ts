import { createHash } from "node:crypto";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { FAULT_KINDS, FAULT_SCHEMAS, Fault, FaultSlo, checkWorkloadFaults, type FaultKind } from "./faults.js";

/**
 * The suite file: which workloads run, with which parameters, how many trials, and the fault
 * scenarios attached to each. YAML (or JSON), versioned, validated strictly: every problem in a
 * file is reported at once, each with its path and line, so one edit fixes them all.
 */

export const SUITE_VERSION = 1;

/** Kubernetes object names are derived from workload ids, so ids are short DNS labels. */
const WORKLOAD_ID = /^[a-z0-9](?:[-a-z0-9]{0,30}[a-z0-9])?$/;
const SUITE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A Hugging Face repository id: owner/name. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;
/** registry/repository:tag or @sha256:digest; no shell or YAML metacharacters can pass. */
const IMAGE_REF = /^[a-z0-9][a-z0-9._\-/:]{0,200}(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** The most instances one run launches (suite `nodes`). */
export const MAX_NODES = 8;

export const MAX_TIMED_STEPS = 1_000_000;
export const DEFAULT_STEPS = 100;

const workloadId = z
  .string()
  .regex(WORKLOAD_ID, "must be 1-32 lowercase letters, digits and '-', starting and ending with a letter or digit");
const image = z.string().regex(IMAGE_REF, "must be a container image reference such as pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime");

/** A workload's fault scenarios (src/config/faults.ts): validated here with the rest of the file. */
const faults = z.array(Fault).max(20).default([]);
const trials = (fallback: number) => z.int().min(1).max(20).default(fallback);

export const ResNet50Workload = z
  .strictObject({
    id: workloadId,
    kind: z.literal("resnet50"),
    trials: trials(3),
    mode: z.enum(["train", "inference"]).default("train"),
    batchSize: z.int().min(1).max(4096).default(128),
    imageSize: z.int().min(32).max(1024).default(224),
    precision: z.enum(["auto", "fp32", "tf32", "fp16", "bf16"]).default("auto"),
    channelsLast: z.boolean().default(true),
    compile: z.boolean().default(false),
    warmupSteps: z.int().min(0).max(10_000).default(20),
    /** Timed steps per trial. Give steps or epochs, not both; neither: DEFAULT_STEPS. */
    steps: z.int().min(1).max(MAX_TIMED_STEPS).optional(),
    /** Passes over `imagesPerEpoch` synthetic images per trial (the action's `epochs` input sets it). */
    epochs: z.number().positive().max(1000).optional(),
    imagesPerEpoch: z.int().min(1).max(100_000_000).default(12_800),
    /** On out-of-memory, search the largest batch that fits and run at it. */
    findMaxBatch: z.boolean().default(false),
    /**
     * DDP over every GPU of every node with torchrun (one pod per node, an Indexed Job), after the
     * same training on node 0 alone, for `scaling_efficiency` (issue 14). Training only.
     */
    distributed: z.boolean().default(false),
    image: image.optional(),
    timeoutMinutes: z.int().min(1).max(720).default(30),
    faults,
  })
  .superRefine((w, ctx) => {
    checkWorkloadFaults("resnet50", w.faults, ctx);
    if (w.distributed && w.mode !== "train")
      ctx.addIssue({ code: "custom", path: ["distributed"], message: "distributed: true needs mode: train (DDP trains)" });
    if (w.distributed && (w.faults.length > 0 || w.findMaxBatch || w.compile))
      ctx.addIssue({
        code: "custom",
        path: ["distributed"],
        message: "distributed: true runs without faults, findMaxBatch or compile (one Job per node count, measured as is)",
      });
    // At 32 px ResNet50's last stage is 1×1: with one image, its BatchNorm layers see one value per channel, which PyTorch refuses in training.
    if (w.mode === "train" && w.batchSize === 1 && w.imageSize <= 32)
      ctx.addIssue({
        code: "custom",
        path: ["batchSize"],
        message: `batchSize 1 cannot train at imageSize ${w.imageSize}: ResNet50's last BatchNorm layers would see one value per channel (PyTorch refuses it); use batchSize 2 or more, or imageSize 33 or more`,
      });
    if (w.faults.length > 0 && w.mode !== "train") {
      ctx.addIssue({
        code: "custom",
        path: ["faults"],
        message: "fault scenarios need mode: train (training throughput is what they measure)",
      });
    }
    if (w.steps !== undefined && w.epochs !== undefined) {
      ctx.addIssue({ code: "custom", path: ["epochs"], message: "give either steps or epochs, not both" });
    } else if (w.epochs !== undefined && Math.ceil((w.epochs * w.imagesPerEpoch) / w.batchSize) > MAX_TIMED_STEPS) {
      ctx.addIssue({
        code: "custom",
        path: ["epochs"],
        message: `${w.epochs} epochs of ${w.imagesPerEpoch} images at batch ${w.batchSize} is more than ${MAX_TIMED_STEPS} steps`,
      });
    }
  });
export type ResNet50Workload = z.infer<typeof ResNet50Workload>;

export const ServingSlo = z.strictObject({
  /** Time to first token, milliseconds. */
  ttftMs: z.number().positive().max(600_000).optional(),
  /** Time per output token (after the first), milliseconds. */
  tpotMs: z.number().positive().max(60_000).optional(),
  /** End-to-end request latency, milliseconds. */
  e2elMs: z.number().positive().max(3_600_000).optional(),
});
export type ServingSlo = z.infer<typeof ServingSlo>;

export const DEFAULT_MODEL = "Qwen/Qwen2.5-0.5B-Instruct";

export const LlmServingWorkload = z
  .strictObject({
    id: workloadId,
    kind: z.literal("llm-serving"),
    trials: trials(1),
    model: z.string().regex(MODEL_ID, "must be a Hugging Face model id such as Qwen/Qwen2.5-0.5B-Instruct").default(DEFAULT_MODEL),
    revision: z.string().regex(REVISION, "must be a branch, tag or commit of the model repository").optional(),
    /** auto: the model's own dtype, except half on GPUs older than compute capability 8.0 (T4). */
    dtype: z.enum(["auto", "half", "float16", "bfloat16", "float32"]).default("auto"),
    maxModelLen: z.int().min(128).max(1_048_576).default(4096),
    gpuMemoryUtilization: z.number().min(0.1).max(0.98).default(0.9),
    /** Poisson arrival rates (requests/s) of the sweep, one benchmark Job each. */
    requestRates: z.array(z.number().positive().max(100_000)).max(20).default([1, 4, 16]),
    /** Adds a point with every request sent at once (request rate inf): the maximum throughput. */
    maxThroughput: z.boolean().default(true),
    numPrompts: z.int().min(1).max(100_000).default(200),
    inputLen: z.int().min(1).max(1_000_000).default(512),
    outputLen: z.int().min(1).max(100_000).default(128),
    maxConcurrency: z.int().min(1).max(100_000).optional(),
    seed: z
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    /** Service-level objectives for goodput: a request counts when it meets all of them. */
    slo: ServingSlo.default({ ttftMs: 1000, tpotMs: 100 }),
    image: image.optional(),
    /**
     * vLLM's --tensor-parallel-size: GPUs each layer is split over. With `nodes` > 1 (or
     * pipelineParallelSize), tensorParallelSize × pipelineParallelSize must equal the cluster's
     * GPUs (nodes × GPUs per node) and the model is served across every node over Ray; on one node
     * it is the node's GPU count. Absent: one GPU on node 0.
     */
    tensorParallelSize: z.int().min(1).max(64).optional(),
    /**
     * vLLM's --pipeline-parallel-size: pipeline stages (groups of layers), one per node as vLLM
     * documents for multi-node serving; > 1 needs the suite's `nodes` > 1. Served over a Ray
     * cluster of one pod per node (`--distributed-executor-backend ray`).
     */
    pipelineParallelSize: z.int().min(1).max(MAX_NODES).optional(),
    /**
     * Bound on the Ray cluster forming before vLLM starts (every worker pod scheduled and joined),
     * on top of serverStartTimeoutMinutes; only for a workload served across nodes. 10 when absent
     * (absent, not defaulted, so an existing suite keeps its hash).
     */
    rayJoinTimeoutMinutes: z.int().min(1).max(60).optional(),
    serverStartTimeoutMinutes: z.int().min(1).max(120).default(20),
    benchTimeoutMinutes: z.int().min(1).max(720).default(30),
    faults,
  })
  .superRefine((w, ctx) => {
    checkWorkloadFaults("llm-serving", w.faults, ctx);
    if (w.requestRates.length === 0 && !w.maxThroughput) {
      ctx.addIssue({ code: "custom", path: ["requestRates"], message: "is empty and maxThroughput is false: nothing would be measured" });
    }
    if (new Set(w.requestRates).size !== w.requestRates.length) {
      ctx.addIssue({ code: "custom", path: ["requestRates"], message: "lists the same request rate twice" });
    }
    if (w.inputLen + w.outputLen > w.maxModelLen) {
      ctx.addIssue({
        code: "custom",
        path: ["inputLen"],
        message: `inputLen + outputLen (${w.inputLen + w.outputLen}) exceeds maxModelLen (${w.maxModelLen})`,
      });
    }
    if (w.slo.ttftMs === undefined && w.slo.tpotMs === undefined && w.slo.e2elMs === undefined) {
      ctx.addIssue({ code: "custom", path: ["slo"], message: "names no objective: give ttftMs, tpotMs or e2elMs" });
    }
  });
export type LlmServingWorkload = z.infer<typeof LlmServingWorkload>;

/** The largest all-reduce message: 8 GiB, the most nccl-tests' examples go to. */
export const MAX_ALLREDUCE_BYTES = 8 * 1024 ** 3;

/**
 * All-reduce bus bandwidth across every GPU of every node (issue 14), as nccl-tests' all_reduce_perf
 * measures it (`-b minBytes -e maxBytes -f stepFactor -w warmupIters -n iters`): float32 sums, in
 * place, with torch.distributed (NCCL on GPUs) in the pinned PyTorch image.
 */
export const NcclAllReduceWorkload = z
  .strictObject({
    id: workloadId,
    kind: z.literal("nccl-allreduce"),
    trials: trials(3),
    /** Smallest message, bytes (a multiple of 4: float32 elements). */
    minBytes: z
      .int()
      .min(4)
      .max(MAX_ALLREDUCE_BYTES)
      .default(1024 ** 2),
    /** Largest message, bytes. */
    maxBytes: z
      .int()
      .min(4)
      .max(MAX_ALLREDUCE_BYTES)
      .default(1024 ** 3),
    /** Each size is the previous one times this, up to maxBytes. */
    stepFactor: z.int().min(2).max(1024).default(4),
    warmupIters: z.int().min(0).max(1000).default(5),
    iters: z.int().min(1).max(10_000).default(20),
    image: image.optional(),
    timeoutMinutes: z.int().min(1).max(720).default(20),
    faults,
  })
  .superRefine((w, ctx) => {
    for (const key of ["minBytes", "maxBytes"] as const)
      if (w[key] % 4 !== 0) ctx.addIssue({ code: "custom", path: [key], message: "must be a multiple of 4 bytes (float32 elements)" });
    if (w.minBytes > w.maxBytes) ctx.addIssue({ code: "custom", path: ["minBytes"], message: "is larger than maxBytes" });
    if (w.faults.length > 0) ctx.addIssue({ code: "custom", path: ["faults"], message: "nccl-allreduce takes no fault scenarios" });
  });
export type NcclAllReduceWorkload = z.infer<typeof NcclAllReduceWorkload>;

/**
 * The message sizes (bytes) of an all-reduce sweep: minBytes × stepFactorⁱ up to maxBytes, as
 * nccl-tests' -b/-e/-f. At most 32: minBytes ≥ 4 (2²), maxBytes ≤ 8 GiB (2³³), stepFactor ≥ 2.
 */
export function allReduceSizes(w: Pick<NcclAllReduceWorkload, "minBytes" | "maxBytes" | "stepFactor">): number[] {
  const sizes: number[] = [];
  for (let size = w.minBytes; size <= w.maxBytes; size *= w.stepFactor) sizes.push(size);
  return sizes;
}

/**
 * A job run through the platform (platform-api-url): submitted to the run's cluster, whose agent
 * runs it on the node; its metrics (throughput in images/s, duration in s) are read back from the
 * platform API, one job per trial.
 */
export const PlatformJobWorkload = z
  .strictObject({
    id: workloadId,
    kind: z.literal("platform-job"),
    trials: trials(3),
    /** The platform's job type (radix: resnet50). */
    type: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "must be a job type such as resnet50")
      .default("resnet50"),
    /** Passed to the platform as the job's params. */
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    /** Bound on each job, from submission to a terminal status. */
    timeoutMinutes: z.int().min(1).max(720).default(30),
    /** Platform jobs run where the platform puts them: no fault scenarios. */
    faults,
  })
  .superRefine((w, ctx) => {
    if (w.faults.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["faults"],
        message: "platform jobs take no fault scenarios (the platform runs them, not the run)",
      });
  });
export type PlatformJobWorkload = z.infer<typeof PlatformJobWorkload>;

export const WORKLOAD_KINDS = {
  resnet50: ResNet50Workload,
  "llm-serving": LlmServingWorkload,
  "platform-job": PlatformJobWorkload,
  "nccl-allreduce": NcclAllReduceWorkload,
} as const;
export type WorkloadKind = keyof typeof WORKLOAD_KINDS;

export const Workload = z.discriminatedUnion("kind", [ResNet50Workload, LlmServingWorkload, PlatformJobWorkload, NcclAllReduceWorkload]);
export type Workload = z.infer<typeof Workload>;
/** The workloads the run itself starts on the node (not through a platform). */
export type NodeWorkload = Exclude<Workload, PlatformJobWorkload>;

export const Suite = z
  .strictObject({
    version: z.literal(SUITE_VERSION),
    name: z.string().regex(SUITE_NAME, "must be 1-64 letters, digits and . _ -"),
    description: z.string().max(2000).optional(),
    /**
     * Instances of one type in one Availability Zone that the run launches as one unit (issue 14);
     * 1 when absent (absent, not defaulted, so a one-node suite keeps its hash and its history).
     */
    nodes: z.int().min(1).max(MAX_NODES).optional(),
    /**
     * Attach an Elastic Fabric Adapter to every node (issue 14): each instance's primary network
     * interface is an EFA interface, in the run's cluster placement group. Every listed instance
     * type must support EFA (checked with EC2 DescribeInstanceTypes before anything is launched).
     * False when absent (absent, not defaulted, so a suite without it keeps its hash).
     */
    efa: z.boolean().optional(),
    workloads: z.array(Workload).min(1).max(20),
    /** GPU telemetry around every workload (issue 12); sampled every second unless set. */
    telemetry: z.strictObject({ intervalSeconds: z.number().min(0.1).max(60) }).optional(),
  })
  .superRefine((s, ctx) => {
    s.workloads.forEach((w, i) => {
      if (w.kind === "llm-serving") checkParallelLayout(w, s.nodes ?? 1, ctx, ["workloads", i]);
    });
    const seen = new Map<string, number>();
    s.workloads.forEach((w, i) => {
      const first = seen.get(w.id);
      if (first !== undefined)
        ctx.addIssue({ code: "custom", path: ["workloads", i, "id"], message: `'${w.id}' is already the id of workloads[${first}]` });
      else seen.set(w.id, i);
    });
  });
export type Suite = z.infer<typeof Suite>;

/**
 * How an llm-serving workload is laid out: `single` (one GPU on node 0, the default), `node`
 * (tensor parallel over node 0's GPUs, vLLM's own multiprocessing) or `ray` (one model across every
 * node of the suite: tensor parallel within, pipeline parallel across, vLLM on a Ray cluster).
 */
export type ServingLayout =
  | { kind: "single" }
  | { kind: "node"; tensorParallelSize: number }
  | { kind: "ray"; tensorParallelSize: number; pipelineParallelSize: number; nodes: number };

/** The layout of an llm-serving workload in a suite of `nodes` nodes (see ServingLayout). */
export function servingLayout(w: Pick<LlmServingWorkload, "tensorParallelSize" | "pipelineParallelSize">, nodes: number): ServingLayout {
  if (w.tensorParallelSize === undefined && w.pipelineParallelSize === undefined) return { kind: "single" };
  const tensorParallelSize = w.tensorParallelSize ?? 1;
  const pipelineParallelSize = w.pipelineParallelSize ?? 1;
  if (nodes <= 1 && pipelineParallelSize === 1) return { kind: "node", tensorParallelSize };
  return { kind: "ray", tensorParallelSize, pipelineParallelSize, nodes };
}

/**
 * What the suite alone can check of a layout before anything is launched: pipeline stages need
 * nodes, and tensorParallelSize × pipelineParallelSize GPUs must spread evenly over the nodes (every
 * node has the same GPUs). That the product equals nodes × GPUs per node is checked again once the
 * node reported its GPUs, before any pod starts (checkLayoutGpus).
 */
function checkParallelLayout(w: LlmServingWorkload, nodes: number, ctx: z.RefinementCtx, at: (string | number)[]): void {
  const layout = servingLayout(w, nodes);
  const p = w.pipelineParallelSize ?? 1;
  if (nodes <= 1 && p > 1) {
    ctx.addIssue({
      code: "custom",
      path: [...at, "pipelineParallelSize"],
      message:
        `${p} pipeline stages are served one per node over Ray, and this suite has one node: set the suite's 'nodes: ${p}', ` +
        "or remove pipelineParallelSize and split the model over one node's GPUs with tensorParallelSize",
    });
    return;
  }
  if (layout.kind !== "ray") return;
  const world = layout.tensorParallelSize * layout.pipelineParallelSize;
  if (world % nodes !== 0 || world < nodes) {
    ctx.addIssue({
      code: "custom",
      path: [...at, w.tensorParallelSize !== undefined ? "tensorParallelSize" : "pipelineParallelSize"],
      message:
        `tensorParallelSize × pipelineParallelSize (${layout.tensorParallelSize} × ${layout.pipelineParallelSize} = ${world}) must equal the cluster's GPUs, ` +
        `nodes × GPUs per node, and ${world} GPUs do not spread evenly over ${nodes} nodes: vLLM's multi-node layout is ` +
        `tensorParallelSize = GPUs per node and pipelineParallelSize = nodes (${nodes})`,
    });
  }
  if (w.faults.length > 0)
    ctx.addIssue({
      code: "custom",
      path: [...at, "faults"],
      message: "a model served across nodes over Ray takes no fault scenarios (they act on one node's server)",
    });
}

/**
 * Before launch: every llm-serving layout of the suite against each candidate instance type's GPUs
 * (EC2's count): T × P must equal nodes × that count. Returns one problem per workload that does not
 * fit some type, naming the workload, the types and the fix; [] when all fit or none needs GPUs beyond one.
 */
export function checkLayoutsForTypes(workloads: readonly Workload[], nodes: number, gpusByType: ReadonlyMap<string, number>): string[] {
  const problems: string[] = [];
  for (const w of workloads) {
    if (w.kind !== "llm-serving") continue;
    const layout = servingLayout(w, nodes);
    if (layout.kind === "single") continue;
    const misfits = [...gpusByType].filter(([, gpus]) => checkLayoutGpus(layout, gpus) !== undefined);
    if (misfits.length === 0) continue;
    const gpus = misfits[0]![1];
    const fits = [...gpusByType].filter(([, g]) => checkLayoutGpus(layout, g) === undefined).map(([t]) => t);
    problems.push(
      `workload '${w.id}' on ${misfits.map(([t, g]) => `${t} (${g} GPU${g === 1 ? "" : "s"})`).join(", ")}: ${checkLayoutGpus(layout, gpus)!}` +
        (fits.length > 0 ? `; or list only ${fits.join(", ")} in 'instance-types'` : ""),
    );
  }
  return problems;
}

/** An llm-serving layout does not fit a candidate instance type's GPUs (checked before launch). */
export class ServingLayoutError extends Error {
  override name = "ServingLayoutError";
}

/**
 * Whether `w` runs on every node of a suite of `nodes` nodes (nccl-allreduce, distributed ResNet50,
 * vLLM over Ray) rather than on node 0 alone; platform jobs run on the platform's own terms.
 */
export function spansNodes(w: Workload, nodes: number): boolean {
  if (nodes <= 1) return false;
  if (w.kind === "nccl-allreduce") return true;
  if (w.kind === "resnet50") return w.distributed === true;
  return w.kind === "llm-serving" && servingLayout(w, nodes).kind === "ray";
}

/** Whether any llm-serving workload of the suite uses more than one GPU (a layout to check against the instance types). */
export function hasParallelLayout(workloads: readonly Workload[], nodes: number): boolean {
  return workloads.some((w) => w.kind === "llm-serving" && servingLayout(w, nodes).kind !== "single");
}

/**
 * Checks a layout against the GPUs the nodes reported, before any pod starts: tensorParallelSize ×
 * pipelineParallelSize must equal nodes × gpusPerNode. Returns the problem (naming the fields and
 * the fix) or undefined when the layout fits; `single` always fits.
 */
export function checkLayoutGpus(layout: ServingLayout, gpusPerNode: number): string | undefined {
  if (layout.kind === "single") return undefined;
  const nodes = layout.kind === "ray" ? layout.nodes : 1;
  const p = layout.kind === "ray" ? layout.pipelineParallelSize : 1;
  const world = layout.tensorParallelSize * p;
  const gpus = nodes * gpusPerNode;
  if (world === gpus) return undefined;
  const fix =
    nodes > 1
      ? `set tensorParallelSize: ${gpusPerNode} and pipelineParallelSize: ${nodes} (vLLM's multi-node layout), or choose an instance type with ${world / nodes} GPU(s)`
      : `set tensorParallelSize: ${gpusPerNode}, or choose an instance type with ${world} GPUs`;
  return (
    `tensorParallelSize × pipelineParallelSize (${layout.tensorParallelSize} × ${p} = ${world}) must equal the cluster's GPUs, ` +
    `${nodes} node(s) × ${gpusPerNode} GPU(s) = ${gpus}: ${fix}`
  );
}

/** The classic run, used when no suite file is given: ResNet50 training at batch 128. */
export const DEFAULT_SUITE: Suite = Suite.parse({
  version: SUITE_VERSION,
  name: "classic",
  description: "ResNet50 training on synthetic data, batch 128, mixed precision chosen for the GPU.",
  workloads: [{ id: "resnet50-train", kind: "resnet50", mode: "train", batchSize: 128, steps: DEFAULT_STEPS }],
});

export interface SuiteOverrides {
  /** The action's `epochs` input: epochs of every ResNet50 training workload. */
  epochs?: number;
  /** The action's `batch-size` input: batch size of every ResNet50 workload. */
  batchSize?: number;
}

export interface LoadSuiteOptions {
  /** Where the text came from, for messages (e.g. the `suite` input's path). */
  source?: string;
}

export class SuiteError extends Error {
  constructor(
    readonly problems: string[],
    source?: string,
  ) {
    const where = source ? `Suite file '${source}'` : "The suite file";
    super(
      problems.length === 1
        ? `${where} is not valid: ${problems[0]}`
        : `${where} has ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "SuiteError";
  }
}

/**
 * Timed steps per trial of a ResNet50 workload: from epochs when given, else steps. `ranks` GPUs
 * (distributed training: nodes × GPUs per node) each take `batchSize` images a step, so an epoch
 * of `imagesPerEpoch` images takes imagesPerEpoch ÷ (batchSize × ranks) steps.
 */
export function timedSteps(w: ResNet50Workload, ranks = 1): number {
  if (w.epochs !== undefined) return Math.max(1, Math.ceil((w.epochs * w.imagesPerEpoch) / (w.batchSize * ranks)));
  return w.steps ?? DEFAULT_STEPS;
}

/**
 * Parses and validates a suite (undefined: no suite file, the default suite) and applies the
 * action's overrides. Throws SuiteError listing every problem with its path (and line) in the file;
 * a file that is blank or only comments is an error, never the default suite in its place.
 */
export function loadSuite(text: string | undefined, overrides: SuiteOverrides = {}, options: LoadSuiteOptions = {}): Suite {
  let suite: Suite;
  if (text === undefined) {
    suite = DEFAULT_SUITE;
  } else {
    suite = parseSuiteText(text, options);
  }
  return applyOverrides(suite, overrides, options.source);
}

function parseSuiteText(text: string, options: LoadSuiteOptions): Suite {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SuiteError(
      doc.errors.map((e) => `not valid YAML: ${(e.message.split("\n")[0] ?? "").replace(/:$/, "")}`),
      options.source,
    );
  }
  let raw: unknown;
  try {
    // The yaml library refuses an alias bomb (a few lines that expand to millions of nodes) here.
    raw = doc.toJS();
  } catch (error) {
    throw new SuiteError([`not valid YAML: ${error instanceof Error ? error.message : String(error)}`], options.source);
  }
  if (raw === null || raw === undefined) throw new SuiteError(["it is empty: give at least version, name and workloads"], options.source);
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
      if (n === 0) {
        const contents = doc.contents as { range?: [number, number, number] } | null;
        return contents?.range ? lines.linePos(contents.range[0]).line : undefined;
      }
    }
    return undefined;
  };

  const problems: Problem[] = [];
  const parsed = Suite.safeParse(raw);
  if (!parsed.success) problems.push(...describeIssues(parsed.error.issues, raw, []));
  if (problems.length > 0 || !parsed.success) {
    const located = dedupe(problems).map((p) => ({ ...p, line: lineOf(p.path) }));
    located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new SuiteError(
      located.map((p) => `${formatPath(p.path)}${p.line !== undefined ? ` (line ${p.line})` : ""}: ${p.message}`),
      options.source,
    );
  }
  return parsed.data;
}

function applyOverrides(suite: Suite, overrides: SuiteOverrides, source?: string): Suite {
  if (overrides.epochs === undefined && overrides.batchSize === undefined) return suite;
  // An override with nothing to override would be ignored without a word: the run would not be the one asked for.
  const unused: string[] = [];
  if (overrides.epochs !== undefined && !suite.workloads.some((w) => w.kind === "resnet50" && w.mode === "train")) {
    unused.push(
      `the 'epochs' input (${overrides.epochs}) sets the epochs of ResNet50 training workloads, and this suite has none: leave it empty`,
    );
  }
  if (overrides.batchSize !== undefined && !suite.workloads.some((w) => w.kind === "resnet50")) {
    unused.push(
      `the 'batch-size' input (${overrides.batchSize}) sets the batch size of ResNet50 workloads, and this suite has none: leave it empty`,
    );
  }
  if (unused.length > 0) throw new SuiteError(unused, source);
  const candidate = {
    ...suite,
    workloads: suite.workloads.map((w) => {
      if (w.kind !== "resnet50") return w;
      const next: Record<string, unknown> = { ...w };
      if (overrides.batchSize !== undefined) next.batchSize = overrides.batchSize;
      if (overrides.epochs !== undefined && w.mode === "train") {
        next.epochs = overrides.epochs;
        delete next.steps;
      }
      return next;
    }),
  };
  const parsed = Suite.safeParse(candidate);
  if (!parsed.success) {
    const names = [overrides.epochs !== undefined ? "'epochs'" : "", overrides.batchSize !== undefined ? "'batch-size'" : ""].filter(
      Boolean,
    );
    const given = `${names.join(" and ")} input${names.length > 1 ? "s" : ""}`;
    throw new SuiteError(
      describeIssues(parsed.error.issues, candidate, []).map((p) => `${formatPath(p.path)}: ${p.message} (after applying the ${given})`),
      source,
    );
  }
  return parsed.data;
}

/** sha256 of the suite's canonical JSON (keys sorted): equal hashes ran the same thing. */
export function suiteHash(suite: Suite): string {
  return createHash("sha256").update(canonicalJson(suite)).digest("hex");
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

// ---- turning zod issues into messages in the user's terms ----

interface Problem {
  path: PropertyKey[];
  message: string;
}

type Issue = z.core.$ZodIssue;

function describeIssues(issues: readonly Issue[], raw: unknown, prefix: PropertyKey[]): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const value = valueAt(raw, path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = allowedKeys(raw, path);
        const inWorkload = path.length === 2 && path[0] === "workloads";
        for (const key of issue.keys) {
          if (inWorkload && SUITE_LEVEL_KEYS.has(key)) {
            out.push({
              path: [...path, key],
              message: `unknown key in a workload: ${key} is a key of the whole suite, at the top of the file beside workloads`,
            });
            continue;
          }
          const hint = allowed ? suggest(key, allowed) : undefined;
          out.push({
            path: [...path, key],
            message: `unknown key${hint ? `; did you mean '${hint}'?` : ""}${allowed ? ` (allowed here: ${allowed.join(", ")})` : ""}`,
          });
        }
        break;
      }
      case "invalid_type":
        if (issue.expected === "undefined") {
          out.push({ path, message: issue.message });
          break;
        }
        out.push({
          path,
          message:
            value === undefined ? `is required (${article(issue.expected)})` : `must be ${article(issue.expected)}, got ${describe(value)}`,
        });
        break;
      case "too_big":
        out.push({ path, message: bound("at most", issue.maximum, issue.inclusive, issue.origin, value) });
        break;
      case "too_small":
        out.push({ path, message: bound("at least", issue.minimum, issue.inclusive, issue.origin, value) });
        break;
      case "invalid_value":
        out.push({
          path,
          message:
            issue.values.length === 1
              ? `must be ${JSON.stringify(issue.values[0])}${path.at(-1) === "version" ? ` (this tool reads suite version ${SUITE_VERSION})` : ""}, got ${describe(value)}`
              : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(value)}`,
        });
        break;
      case "invalid_union":
        if ("discriminator" in issue && issue.discriminator === "kind" && path.includes("faults")) {
          out.push({
            path,
            message: `${value === undefined ? "is required" : `is ${describe(value)}`}: the kind of fault, one of ${FAULT_KINDS.join(", ")}`,
          });
        } else if ("discriminator" in issue && issue.discriminator === "kind") {
          out.push({
            path,
            message: `${value === undefined ? "is required" : `is ${describe(value)}`}: the kind of workload, one of ${Object.keys(WORKLOAD_KINDS).join(", ")}`,
          });
        } else {
          out.push({ path, message: issue.message });
        }
        break;
      case "invalid_format":
        out.push({ path, message: `${issue.message.replace(/^Invalid string: /, "")}, got ${describe(value)}` });
        break;
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}

/** Keys of the whole suite that a newcomer may write inside a workload instead (the cluster's shape, telemetry). */
const SUITE_LEVEL_KEYS = new Set(["nodes", "efa", "telemetry"]);

function bound(word: string, limit: number | bigint, inclusive: boolean | undefined, origin: string, value: unknown): string {
  const n = Number(limit);
  if (origin === "array") return `must list ${word} ${n} item${n === 1 ? "" : "s"}${Array.isArray(value) ? `, got ${value.length}` : ""}`;
  if (origin === "string") return `must be ${word} ${n} characters long`;
  const op = inclusive === false ? (word === "at most" ? "less than" : "more than") : word;
  return `must be ${op} ${n}, got ${describe(value)}`;
}

function article(expected: string): string {
  const names: Record<string, string> = {
    number: "a number",
    int: "a whole number",
    string: "a string",
    boolean: "true or false",
    array: "a list",
    object: "a mapping (key: value)",
  };
  return names[expected] ?? expected;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

function allowedKeys(raw: unknown, path: PropertyKey[]): string[] | undefined {
  if (path.length === 0) return Object.keys(Suite.shape);
  if (path.length === 2 && path[0] === "workloads") {
    const kind = (valueAt(raw, path) as { kind?: unknown } | undefined)?.kind;
    const schema = typeof kind === "string" ? WORKLOAD_KINDS[kind as WorkloadKind] : undefined;
    return schema ? Object.keys(schema.shape) : undefined;
  }
  if (path.length === 3 && path[0] === "workloads" && path[2] === "slo") return Object.keys(ServingSlo.shape);
  if (path.length === 4 && path[0] === "workloads" && path[2] === "faults") {
    const kind = (valueAt(raw, path) as { kind?: unknown } | undefined)?.kind;
    const schema = typeof kind === "string" ? FAULT_SCHEMAS[kind as FaultKind] : undefined;
    return schema ? Object.keys(schema.shape) : undefined;
  }
  if (path.length === 5 && path[0] === "workloads" && path[2] === "faults") {
    const kind = (valueAt(raw, path.slice(0, 4)) as { kind?: unknown } | undefined)?.kind;
    const schema = typeof kind === "string" ? FAULT_SCHEMAS[kind as FaultKind] : undefined;
    if (path[4] === "slo") return Object.keys(FaultSlo.shape);
    const inner = schema?.shape[path[4] as string] as z.ZodType | undefined;
    const params = inner && "unwrap" in inner ? (inner as unknown as { unwrap(): z.ZodType }).unwrap() : inner;
    return params && "shape" in params ? Object.keys((params as z.ZodObject).shape) : undefined;
  }
  return undefined;
}

function suggest(key: string, allowed: string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");
  return allowed.find((a) => norm(a) === norm(key));
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("");
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${formatPath(p.path)}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
