import type { NodeWorkload, Suite } from "../config/suite.js";
import type { RunRemote } from "../cloud/remote-script.js";
import type { WorkloadResult } from "../evidence/results.js";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import { allReduceImage, runAllReduce } from "./allreduce.js";
import type { ClusterShape } from "./distributed.js";
import { runLlmServing, vllmImage } from "./llm.js";
import { resnet50Image, runResNet50 } from "./resnet50.js";
import { runDistributedResNet50 } from "./resnet50-distributed.js";
import { runWithTelemetry, type WorkloadTelemetry } from "./telemetry.js";

export interface WorkloadContext {
  /** The GPU the node reported (inventory): decides vLLM's dtype on GPUs without bf16 (T4); its maximum SM clock judges the telemetry. */
  gpu?: { name?: string; computeCapability?: string; maxSmClockMHz?: number };
  /** GPU telemetry around the workload (issue 12); without it no sampler runs. */
  telemetry?: WorkloadTelemetry;
  log: Log;
  clock: Clock;
  /** The nodes and GPUs a distributed workload spans (nccl-allreduce, resnet50 distributed); one node of one GPU when absent. */
  cluster?: ClusterShape;
  /** Kubernetes namespace for the workload's objects; default "gpu-bench". */
  namespace?: string;
  /**
   * Where the node reads the Hugging Face token for gated models: the run's SecureString parameter
   * (read with the instance role), never a value inside the SSM command.
   */
  hfTokenParameter?: HfTokenParameter;
}

/**
 * Runs one workload of the suite on the node, all its trials, and returns its result. A workload
 * that fails on the node (a crash, an out-of-memory, a timeout, an image that cannot be pulled)
 * comes back as a result with that status and a one-line reason, so the next workload still runs;
 * only errors of the run itself (cancellation, lost credentials) are thrown.
 */
/** The run's SecureString parameter holding hf-token, and its region. */
export interface HfTokenParameter {
  name: string;
  region: string;
}

export async function runWorkload(remote: RunRemote, workload: NodeWorkload, ctx: WorkloadContext): Promise<WorkloadResult> {
  if (!ctx.telemetry) return runBare(remote, workload, ctx);
  return runWithTelemetry(remote, workload, ctx, ctx.telemetry, runBare);
}

function runBare(remote: RunRemote, workload: NodeWorkload, ctx: WorkloadContext): Promise<WorkloadResult> {
  if (workload.kind === "nccl-allreduce") return runAllReduce(remote, workload, ctx);
  if (workload.kind === "resnet50" && workload.distributed) return runDistributedResNet50(remote, workload, ctx);
  return workload.kind === "llm-serving" ? runLlmServing(remote, workload, ctx) : runResNet50(remote, workload, ctx);
}

/** Every container image the suite's workloads run on the node, for pre-pulling while the node starts. */
export function workloadImages(suite: Suite): string[] {
  const images = suite.workloads.flatMap((w) =>
    w.kind === "resnet50"
      ? [resnet50Image(w)]
      : w.kind === "llm-serving"
        ? [vllmImage(w)]
        : w.kind === "nccl-allreduce"
          ? [allReduceImage(w)]
          : [],
  );
  return [...new Set(images)];
}
