import resnetPy from "../../remote/workloads/resnet50.py";
import { timedSteps, type ResNet50Workload } from "../config/suite.js";
import type { RemoteScript, RunRemote } from "../cloud/remote-script.js";
import type { Metric, WorkloadResult } from "../evidence/results.js";
import { summarize } from "../evidence/stats.js";
import { distributedJobScript, type ClusterShape } from "./distributed.js";
import { WORKLOAD_NAMESPACE } from "./images.js";
import { kubeName } from "./manifest.js";
import { metric } from "./output.js";
import { failedResNet50Result, resnet50Args, resnet50Image, resnet50Result } from "./resnet50.js";
import type { WorkloadContext } from "./run.js";
import { collectiveNetwork, efaTransportNote, type CollectiveNetwork } from "./nccl-network.js";

/**
 * ResNet50 with `distributed: true` (issue 14): DDP over every GPU of every node with torchrun, one
 * pod per node (remote/workloads/distributed-job.yaml), the same synthetic data and metrics as the
 * single-node workload (resnet50.py --distributed), after the same training on node 0 alone, so
 * the run measures its own scaling: scaling_efficiency = N-node images/s ÷ (N × one-node images/s).
 */

/** The remote step of one distributed training run over `nodes` nodes (1: node 0 alone). */
export function planDistributedResNet50(
  w: ResNet50Workload,
  shape: ClusterShape,
  namespace = WORKLOAD_NAMESPACE,
): { jobName: string; script: RemoteScript } {
  const jobName = kubeName("rn50", w.id, `n${shape.nodes}`);
  return {
    jobName,
    script: distributedJobScript({
      jobName,
      namespace,
      workloadId: w.id,
      image: resnet50Image(w),
      script: { file: "resnet50.py", content: resnetPy },
      args: [...resnet50Args(w, shape.nodes * shape.gpusPerNode), "--distributed"],
      shape,
      waitSeconds: w.timeoutMinutes * 60,
      stepName: `workload-${w.id}-${shape.nodes}-node`,
    }),
  };
}

/**
 * Scaling efficiency per N-node trial, a fraction: that trial's images/s ÷ (N × the median
 * images/s of the one-node trials of the same run). 1 is perfect linear scaling; undefined values
 * (no one-node figure) give []. Throws when `nodes` is not a whole number ≥ 1.
 */
export function scalingEfficiency(
  allNodesImagesPerSec: readonly number[],
  oneNodeImagesPerSec: readonly number[],
  nodes: number,
): number[] {
  if (!Number.isInteger(nodes) || nodes < 1) throw new RangeError(`scaling efficiency needs a node count of at least 1, not ${nodes}`);
  if (oneNodeImagesPerSec.length === 0) return [];
  const one = summarize(oneNodeImagesPerSec).median;
  if (!(one > 0)) return [];
  return allNodesImagesPerSec.map((ips) => ips / (nodes * one));
}

/**
 * Joins the one-node and the N-node results into the workload's: the N-node run's metrics and
 * trials (images/s counts every GPU of every node), plus `images_per_sec_one_node` and
 * `scaling_efficiency`, each trial carrying its own efficiency, and, over several nodes, the
 * network the N-node run's collectives used (`transport`, `transport_evidence` on each trial; with
 * EFA pods, a message when it was not EFA). A failed one-node run fails the workload (no
 * efficiency without it); so does a failed N-node run.
 */
export function distributedResNet50Result(
  w: ResNet50Workload,
  shape: ClusterShape,
  one: WorkloadResult | undefined,
  all: WorkloadResult,
  network?: CollectiveNetwork,
): WorkloadResult {
  const worldSize = all.trials[0]?.world_size;
  const parameters = {
    ...all.parameters,
    // Steps per rank of the N-node run: an epoch is shared by every GPU (timedSteps).
    steps: timedSteps(w, shape.nodes * shape.gpusPerNode),
    distributed: true,
    nodes: shape.nodes,
    gpusPerNode: shape.gpusPerNode,
    ...(typeof worldSize === "number" ? { worldSize } : {}),
  };
  if (one && one.status !== "ok") {
    return {
      ...all,
      parameters,
      status: one.status,
      message: `the one-node run, the scaling baseline, ended ${one.status}: ${one.message ?? ""}`,
      startedAt: one.startedAt,
    };
  }
  if (!one || all.status !== "ok") return { ...all, parameters, ...(one ? { startedAt: one.startedAt } : {}) };
  const ips = (r: WorkloadResult) => r.metrics.find((m) => m.name === "images_per_sec")?.trials ?? [];
  const efficiency = scalingEfficiency(ips(all), ips(one), shape.nodes);
  const oneMedian = summarize(ips(one)).median;
  const note = shape.efa && network ? efaTransportNote(shape.efa, network) : undefined;
  const message = [all.message, note].filter(Boolean).join("; ");
  const metrics: Metric[] = [
    ...all.metrics,
    metric({ name: "images_per_sec_one_node", label: "Throughput on one node", unit: "images/s", direction: "higher" }, ips(one)),
    metric({ name: "scaling_efficiency", label: "Scaling efficiency", unit: "fraction", direction: "higher" }, efficiency),
  ];
  return {
    ...all,
    parameters,
    ...(message ? { message } : {}),
    metrics,
    trials: all.trials.map((t, i) => ({
      ...t,
      one_node_images_per_sec: oneMedian,
      scaling_efficiency: efficiency[i],
      ...(network ? { transport: network.transport } : {}),
      ...(network?.line ? { transport_evidence: network.line } : {}),
    })),
    startedAt: one.startedAt,
  };
}

/**
 * Runs a distributed ResNet50 workload: on node 0 alone, then on every node (with one node, only
 * once, and no efficiency). A failure on the nodes comes back as a failed result with a one-line
 * reason; only errors of the run itself (cancellation, credentials) are thrown.
 */
export async function runDistributedResNet50(remote: RunRemote, w: ResNet50Workload, ctx: WorkloadContext): Promise<WorkloadResult> {
  const shape = ctx.cluster ?? { nodes: 1, gpusPerNode: 1 };
  let network: CollectiveNetwork | undefined;
  const once = async (nodes: number): Promise<WorkloadResult> => {
    const startedAt = new Date(ctx.clock.now()).toISOString();
    const plan = planDistributedResNet50(w, { ...shape, nodes }, ctx.namespace);
    try {
      const output = await remote(plan.script);
      const result = resnet50Result(w, output, { startedAt, endedAt: new Date(ctx.clock.now()).toISOString() });
      // Between nodes only: on one node NCCL may never open its network.
      if (nodes > 1) network = collectiveNetwork(result.trials[0]?.backend as string | undefined, output.stderr);
      return result;
    } catch (error) {
      return failedResNet50Result(w, error, { startedAt, endedAt: new Date(ctx.clock.now()).toISOString() });
    }
  };
  const one = shape.nodes > 1 ? await once(1) : undefined;
  const all = one && one.status !== "ok" ? one : await once(shape.nodes);
  const result = distributedResNet50Result(w, shape, one, all, network);
  const ips = result.metrics.find((m) => m.name === "images_per_sec");
  const eff = result.metrics.find((m) => m.name === "scaling_efficiency");
  if (ips) {
    ctx.log.info(
      `${w.id}: ${ips.summary.median.toFixed(1)} images/s on ${shape.nodes} node(s) × ${shape.gpusPerNode} GPU(s)` +
        (eff ? `, scaling efficiency ${eff.summary.median.toFixed(3)}` : ""),
    );
  }
  if (result.status !== "ok") ctx.log.warning(`${w.id}: ${result.status}: ${result.message ?? ""}`);
  return result;
}
