import type { Suite, Workload } from "../config/suite.js";
import { RemoteScriptError, type RunRemote } from "../cloud/remote-script.js";
import type { WorkloadResult } from "../evidence/results.js";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import { runLlmServing, vllmImage } from "./llm.js";
import { WorkloadOutputError } from "./output.js";
import { planResNet50, resnet50Image, resnet50Result } from "./resnet50.js";

export interface WorkloadContext {
  /** The GPU the node reported (inventory): decides vLLM's dtype on GPUs without bf16 (T4). */
  gpu?: { name?: string; computeCapability?: string };
  log: Log;
  clock: Clock;
  /** Kubernetes namespace for the workload's objects; default "gpu-bench". */
  namespace?: string;
  /** Hugging Face token for gated models; masked, and carried to the node only as an environment variable. */
  hfToken?: string;
}

/**
 * Runs one workload of the suite on the node, all its trials, and returns its result. A workload
 * that fails on the node (a crash, an out-of-memory, a timeout, an image that cannot be pulled)
 * comes back as a result with that status and a one-line reason, so the next workload still runs;
 * only errors of the run itself (cancellation, lost credentials) are thrown.
 */
export async function runWorkload(remote: RunRemote, workload: Workload, ctx: WorkloadContext): Promise<WorkloadResult> {
  if (workload.kind === "llm-serving") return runLlmServing(remote, workload, ctx);
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
    if (!(error instanceof RemoteScriptError || error instanceof WorkloadOutputError)) throw error;
    const endedAt = new Date(ctx.clock.now()).toISOString();
    return {
      id: workload.id,
      kind: "resnet50",
      parameters: { mode: workload.mode, batchSize: workload.batchSize, precision: workload.precision, image: resnet50Image(workload) },
      status: "failed",
      message: error.message,
      metrics: [],
      trials: [],
      startedAt,
      endedAt,
    };
  }
}

/** Every container image the suite's workloads run, for pre-pulling while the node starts. */
export function workloadImages(suite: Suite): string[] {
  const images = suite.workloads.map((w) => (w.kind === "resnet50" ? resnet50Image(w) : vllmImage(w)));
  return [...new Set(images)];
}
