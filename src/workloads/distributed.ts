import jobTemplate from "../../remote/workloads/distributed-job.yaml";
import torchrunPod from "../../remote/workloads/torchrun-pod.py";
import type { RemoteScript } from "../cloud/remote-script.js";
import { withEfa, type EfaPods } from "./efa-pods.js";
import { jobScript } from "./job-script.js";
import { renderManifest } from "./manifest.js";

/**
 * Workloads across every GPU of every node (issue 14): torchrun in one pod per node, an Indexed Job
 * with a headless Service for the rendezvous (remote/workloads/distributed-job.yaml), applied
 * through node 0's kubectl like every other Job.
 */

/** The nodes a distributed Job spans and the GPUs each pod takes (all of its node's). */
export interface ClusterShape {
  /** Nodes of the cluster, 1-8: one pod on each. */
  nodes: number;
  /** GPUs per node (the inventory's count): torchrun's processes per pod, and the pod's nvidia.com/gpu. */
  gpusPerNode: number;
  /**
   * Suite `efa` on nodes whose EFA the bootstrap checked (efa-pods.ts): each pod requests its
   * node's EFA devices and loads the node's libfabric and AWS OFI NCCL plugin; the report says
   * whether NCCL used them.
   */
  efa?: EfaPods;
}

/** The port torchrun's store listens on in pod 0 (torchrun's default). */
export const RENDEZVOUS_PORT = 29500;

export interface DistributedJob {
  /** Job, ConfigMap and headless Service name (a DNS label, ≤ 63 characters; pod names add "-<index>-xxxxx"). */
  jobName: string;
  namespace: string;
  workloadId: string;
  image: string;
  /** The Python script torchrun starts on every GPU, as `file` in the ConfigMap beside torchrun-pod.py. */
  script: { file: string; content: string };
  args: readonly string[];
  shape: ClusterShape;
  /** The wait for the Job, seconds; the pods' own deadline sits 120 s behind it. */
  waitSeconds: number;
  /** The remote step's name, for logs and timeouts. */
  stepName: string;
}

/** Rank 0's pod (index 0), whose log carries the results. */
export function rankZeroSelector(jobName: string): string {
  return `job-name=${jobName},batch.kubernetes.io/job-completion-index=0`;
}

/** The Job's manifests: Namespace, ConfigMap with the scripts, headless Service, Indexed Job (with EFA: see withEfa). */
export function distributedManifest(j: DistributedJob): string {
  const { nodes, gpusPerNode } = j.shape;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 8) throw new Error(`A distributed Job spans 1 to 8 nodes, not ${nodes}`);
  if (!Number.isInteger(gpusPerNode) || gpusPerNode < 1)
    throw new Error(`A distributed Job needs at least one GPU per node, not ${gpusPerNode}`);
  if (j.jobName.length > 47)
    throw new Error(`'${j.jobName}' is too long for a distributed Job (47 characters at most: pods add '-<index>-xxxxx')`);
  const manifests = renderManifest(jobTemplate, {
    namespace: j.namespace,
    name: j.jobName,
    workloadId: j.workloadId,
    scripts: { "torchrun-pod.py": torchrunPod, [j.script.file]: j.script.content },
    image: j.image,
    args: [`/workload/${j.script.file}`, ...j.args],
    nodes,
    gpusPerNode,
    nodesText: String(nodes),
    gpusPerNodeText: String(gpusPerNode),
    rendezvousHost: `${j.jobName}-0.${j.jobName}.${j.namespace}.svc.cluster.local`,
    rendezvousPort: String(RENDEZVOUS_PORT),
    rendezvousPortNumber: RENDEZVOUS_PORT,
    deadlineSeconds: j.waitSeconds + 120,
  });
  return j.shape.efa ? withEfa(manifests, j.shape.efa) : manifests;
}

/** The remote step that runs a distributed Job to its end and relays rank 0's records (remote/workloads/job.sh). */
export function distributedJobScript(j: DistributedJob): RemoteScript {
  return jobScript({
    name: j.stepName,
    namespace: j.namespace,
    jobName: j.jobName,
    manifest: distributedManifest(j),
    waitSeconds: j.waitSeconds,
    logSelector: rankZeroSelector(j.jobName),
  });
}
