import { z } from "zod";
import type { Direction, Metric, WorkloadResult } from "../evidence/results.js";
import { summarize } from "../evidence/stats.js";
import { JSON_LINE_MARKER, RemoteScriptError, lastLines, markedLines } from "../cloud/remote-script.js";

export { markedLines };

/** Marked lines the remote workload scripts print on stdout (see remote/workloads/*.sh). */
export const MARK = {
  json: JSON_LINE_MARKER,
  job: "GPU_BENCH_JOB ",
  vllmResult: "GPU_BENCH_VLLM_RESULT ",
  vllmWindow: "GPU_BENCH_VLLM_WINDOW ",
  server: "GPU_BENCH_SERVER ",
  ray: "GPU_BENCH_RAY ",
} as const;

export const JobOutcome = z.object({
  job: z.string(),
  outcome: z.enum(["succeeded", "failed", "timeout", "image-pull", "unschedulable", "config"]),
  seconds: z.number(),
  exitCode: z.number().nullable(),
});
export type JobOutcome = z.infer<typeof JobOutcome>;

export const ServerOutcome = z.object({
  name: z.string(),
  outcome: z.enum(["ready", "crashed", "timeout", "image-pull", "unschedulable", "config"]),
  seconds: z.number(),
});
export type ServerOutcome = z.infer<typeof ServerOutcome>;

/** The Ray cluster a vLLM server across nodes formed, as `ray status` counted it when every worker had joined. */
export const RayCluster = z.object({
  nodes: z.int().positive(),
  gpus: z.number().nonnegative(),
  /** Seconds from `ray start --head` to the last worker active. */
  joinSeconds: z.number().nonnegative(),
});
export type RayCluster = z.infer<typeof RayCluster>;

/** The last marked line parsed with `schema`; undefined when the script never printed one. */
export function lastMarked<T>(stdout: string, mark: string, schema: z.ZodType<T>): T | undefined {
  const lines = markedLines(stdout, mark);
  const last = lines.at(-1);
  if (last === undefined) return undefined;
  const parsed = schema.safeParse(safeJson(last));
  if (!parsed.success) throw new WorkloadOutputError(`The line '${mark.trim()} ${last.slice(0, 200)}' is not in the expected form`);
  return parsed.data;
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class WorkloadOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkloadOutputError";
  }
}

export interface MetricSpec {
  name: string;
  label: string;
  unit: string;
  direction: Direction;
  headline?: boolean;
  /** For one point of a serving sweep: its offered load (req/s), or "max". */
  requestRate?: number | "max";
}

export function metric(spec: MetricSpec, trials: readonly number[]): Metric {
  return { ...spec, headline: spec.headline ?? false, trials: [...trials], summary: summarize(trials) };
}

export const OUTCOME_WORDS: Record<string, string> = {
  failed: "its container exited with an error",
  timeout: "it did not finish within its timeout",
  "image-pull": "its image could not be pulled",
  unschedulable: "its pod could not be scheduled (no free GPU?)",
  config: "its container could not be created",
  crashed: "the server exited while starting",
};

/** The decisive end of a failed step's stderr, for the one-line message and diagnostics. */
export function tail(text: string, lines = 8): string {
  return lastLines(text, lines).trim();
}

/**
 * The result of a workload whose job failed on the node or whose output could not be read: status
 * `failed` with the error's message, no metrics or trials. Any other error (cancellation, expired
 * credentials) is the run's, not the workload's, and is thrown again.
 */
export function failedWorkloadResult(
  head: Pick<WorkloadResult, "id" | "kind" | "parameters">,
  error: unknown,
  times: { startedAt: string; endedAt: string },
): WorkloadResult {
  if (!(error instanceof RemoteScriptError || error instanceof WorkloadOutputError)) throw error;
  return { ...head, status: "failed", message: error.message, metrics: [], trials: [], ...times };
}
