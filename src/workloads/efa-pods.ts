import { isMap, isSeq, parseAllDocuments, type Document } from "yaml";
import type { Inventory } from "../evidence/results.js";

/**
 * What makes the pods of a distributed Job use EFA (suite `efa`): each pod requests its node's EFA
 * devices from the AWS EFA device plugin (`vpc.amazonaws.com/efa`, which also puts
 * /dev/infiniband/uverbs* in the container), mounts the node's libfabric and AWS OFI NCCL plugin
 * read-only, finds them on its library path, and tells libfabric to use its efa provider. NCCL
 * loads the plugin itself: it looks for libnccl-net.so on the library path (NCCL_NET_PLUGIN unset),
 * the name every aws-ofi-nccl release installs (1.15 and later add libnccl-net-ofi.so beside it).
 * NCCL_NET is not forced: were the plugin unusable, NCCL falls back to TCP sockets and the
 * all-reduce's NCCL_DEBUG lines, and so the report, say so.
 */
export interface EfaPods {
  /** vpc.amazonaws.com/efa each pod requests: all of its node's EFA devices (the fewest any node has), ≥ 1. */
  devicesPerNode: number;
  /** The node's libfabric folder (/opt/amazon/efa), mounted read-only at the same path. */
  libfabricHome: string;
  /** The node's AWS OFI NCCL plugin folder (/opt/amazon/ofi-nccl or /opt/aws-ofi-nccl), mounted read-only at the same path. */
  ofiNcclHome: string;
  /** Folders put before the image's own LD_LIBRARY_PATH (colon-separated): libfabric's lib and the plugin's. */
  libraryPath: string;
  /** The instance type's EFA does RDMA: FI_EFA_USE_DEVICE_RDMA=1. */
  deviceRdma: boolean;
}

/**
 * Instance types whose EFA supports RDMA (read and write), where AWS's EFA docs set
 * FI_EFA_USE_DEVICE_RDMA=1 for NCCL ("Get started with EFA and NCCL"; the "Supported instance
 * types" table's RDMA columns). The g4dn/g5/g6/g6e sizes with EFA have none.
 */
const RDMA_TYPES = /^(p4d|p4de|p5|p5e|p5en|p6-b200|p6e-gb200)\./;

/** Whether an instance type's EFA does RDMA (see RDMA_TYPES). */
export function efaDeviceRdma(instanceType: string): boolean {
  return RDMA_TYPES.test(instanceType);
}

/**
 * The EFA settings of the pods across these nodes, from their inventories (node 0 first, one
 * instance type for all): undefined unless every node has EFA devices and the EFA software the
 * bootstrap checked (efaSoftware). The plugin's folders are node 0's: the nodes run one AMI.
 */
export function efaPods(instanceType: string, nodes: readonly Inventory[]): EfaPods | undefined {
  const software = nodes[0]?.efaSoftware;
  if (!software || nodes.some((n) => n.efaDevices.length === 0 || !n.efaSoftware)) return undefined;
  return {
    devicesPerNode: Math.min(...nodes.map((n) => n.efaDevices.length)),
    libfabricHome: software.libfabricHome,
    ofiNcclHome: software.ofiNcclHome,
    libraryPath: [`${software.libfabricHome}/lib`, software.ofiNcclLibDir].join(":"),
    deviceRdma: efaDeviceRdma(instanceType),
  };
}

/**
 * The environment an EFA pod's container gets (AWS's EFA docs for NCCL): FI_PROVIDER=efa, and
 * FI_EFA_USE_DEVICE_RDMA=1 where the type does RDMA. EFA_LIBRARY_PATH is put before the image's
 * LD_LIBRARY_PATH by remote/workloads/torchrun-pod.py (a pod's env cannot extend the image's).
 */
export function efaEnv(efa: EfaPods): { name: string; value: string }[] {
  return [
    { name: "FI_PROVIDER", value: "efa" },
    ...(efa.deviceRdma ? [{ name: "FI_EFA_USE_DEVICE_RDMA", value: "1" }] : []),
    { name: "EFA_LIBRARY_PATH", value: efa.libraryPath },
  ];
}

/**
 * Adds EFA to the rendered manifests of a distributed Job (remote/workloads/distributed-job.yaml):
 * the worker container of the Job requests and limits `vpc.amazonaws.com/efa` to
 * `devicesPerNode`, mounts libfabricHome and ofiNcclHome read-only from the host, and gets
 * efaEnv. Returns the manifests as YAML text, comments kept. Throws when there is no Job with a
 * container named worker.
 */
export function withEfa(manifests: string, efa: EfaPods): string {
  if (!Number.isInteger(efa.devicesPerNode) || efa.devicesPerNode < 1)
    throw new Error(`An EFA pod needs at least one EFA device, not ${efa.devicesPerNode}`);
  const docs = parseAllDocuments(manifests) as Document.Parsed[];
  const job = docs.find((d) => d.get("kind") === "Job");
  const containers = job?.getIn(["spec", "template", "spec", "containers"]);
  const worker = isSeq(containers) ? containers.items.find((c) => isMap(c) && c.get("name") === "worker") : undefined;
  if (!job || !isMap(worker)) throw new Error("withEfa: the manifests have no Job with a 'worker' container");
  const volumes = [
    { name: "efa-libfabric", path: efa.libfabricHome },
    { name: "efa-ofi-nccl", path: efa.ofiNcclHome },
  ];
  for (const v of volumes) {
    job.addIn(["spec", "template", "spec", "volumes"], job.createNode({ name: v.name, hostPath: { path: v.path, type: "Directory" } }));
    worker.addIn(["volumeMounts"], job.createNode({ name: v.name, mountPath: v.path, readOnly: true }));
  }
  for (const e of efaEnv(efa)) worker.addIn(["env"], job.createNode(e));
  worker.setIn(["resources", "limits", "vpc.amazonaws.com/efa"], efa.devicesPerNode);
  worker.setIn(["resources", "requests", "vpc.amazonaws.com/efa"], efa.devicesPerNode);
  return docs.map((d) => d.toString()).join("");
}
