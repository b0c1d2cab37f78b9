import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { loadSuite, type NcclAllReduceWorkload, type ResNet50Workload } from "../../src/config/suite.js";
import { Inventory } from "../../src/evidence/results.js";
import { planAllReduce } from "../../src/workloads/allreduce.js";
import { efaDeviceRdma, efaEnv, efaPods, withEfa, type EfaPods } from "../../src/workloads/efa-pods.js";
import { planDistributedResNet50 } from "../../src/workloads/resnet50-distributed.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const software = {
  libfabricHome: "/opt/amazon/efa",
  ofiNcclHome: "/opt/amazon/ofi-nccl",
  ofiNcclLibDir: "/opt/amazon/ofi-nccl/lib",
  source: "on the AMI",
};
const node = (efaDevices: string[], efaSoftware: typeof software | null = software) =>
  Inventory.parse({ efaDevices, ...(efaSoftware ? { efaSoftware } : {}) });
const p4d = ["rdmap16s27", "rdmap32s27", "rdmap144s27", "rdmap160s27"];

function suite(yaml: string) {
  return loadSuite(`version: 1\nname: t\nnodes: 2\nefa: true\nworkloads:\n${yaml}`, {}).workloads;
}

/** The worker container and pod spec of the Job in a rendered manifest. */
function job(manifest: string): { pod: Obj; worker: Obj; env: Record<string, string> } {
  const docs = parseAllDocuments(manifest).map((d) => d.toJS() as Obj);
  const pod = docs.find((d) => d.kind === "Job")!.spec.template.spec as Obj;
  const worker = (pod.containers as Obj[]).find((c) => c.name === "worker")!;
  const env = Object.fromEntries((worker.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
  return { pod, worker, env };
}

const manifestOf = (script: { files?: readonly { path: string; content: string }[] }) =>
  script.files!.find((f) => f.path === "manifest.yaml")!.content;

describe("the EFA settings of the pods, from the nodes' inventories", () => {
  it("take every EFA device of a node (the fewest any node has) and node 0's libfabric and plugin folders", () => {
    expect(efaPods("p4d.24xlarge", [node(p4d), node(p4d)])).toEqual({
      devicesPerNode: 4,
      libfabricHome: "/opt/amazon/efa",
      ofiNcclHome: "/opt/amazon/ofi-nccl",
      libraryPath: "/opt/amazon/efa/lib:/opt/amazon/ofi-nccl/lib",
      deviceRdma: true,
    });
    expect(efaPods("g5.8xlarge", [node(["rdmap0s6"]), node(["rdmap0s6"])])).toMatchObject({ devicesPerNode: 1, deviceRdma: false });
    // An older Deep Learning AMI: the plugin in /opt/aws-ofi-nccl.
    const old = { ...software, ofiNcclHome: "/opt/aws-ofi-nccl", ofiNcclLibDir: "/opt/aws-ofi-nccl/lib" };
    expect(efaPods("p4d.24xlarge", [node(p4d, old)])).toMatchObject({
      ofiNcclHome: "/opt/aws-ofi-nccl",
      libraryPath: "/opt/amazon/efa/lib:/opt/aws-ofi-nccl/lib",
    });
  });

  it("are none unless every node has EFA devices and checked EFA software", () => {
    expect(efaPods("p4d.24xlarge", [node(p4d), node([])])).toBeUndefined();
    expect(efaPods("p4d.24xlarge", [node(p4d), node(p4d, null)])).toBeUndefined();
    expect(efaPods("p4d.24xlarge", [])).toBeUndefined();
  });

  it("use the device's RDMA on the types whose EFA does RDMA (p4d, p5 …), not on g5/g6", () => {
    expect(["p4d.24xlarge", "p4de.24xlarge", "p5.48xlarge", "p5e.48xlarge", "p5en.48xlarge"].every(efaDeviceRdma)).toBe(true);
    expect(["g5.8xlarge", "g6.12xlarge", "g6e.48xlarge", "g4dn.8xlarge"].some(efaDeviceRdma)).toBe(false);
  });

  it("give libfabric's efa provider, RDMA where there is some, and the folders for the library path", () => {
    const efa = efaPods("p5.48xlarge", [node(p4d)])!;
    expect(efaEnv(efa)).toEqual([
      { name: "FI_PROVIDER", value: "efa" },
      { name: "FI_EFA_USE_DEVICE_RDMA", value: "1" },
      { name: "EFA_LIBRARY_PATH", value: "/opt/amazon/efa/lib:/opt/amazon/ofi-nccl/lib" },
    ]);
    expect(efaEnv({ ...efa, deviceRdma: false }).map((e) => e.name)).toEqual(["FI_PROVIDER", "EFA_LIBRARY_PATH"]);
  });
});

describe("the distributed Job's pods with EFA", () => {
  const efa: EfaPods = efaPods("p4d.24xlarge", [node(p4d), node(p4d)])!;

  it("nccl-allreduce: requests the node's EFA devices beside its GPUs and mounts libfabric and the plugin read-only", () => {
    const w = suite("  - { id: ar, kind: nccl-allreduce }\n")[0] as NcclAllReduceWorkload;
    const { pod, worker, env } = job(manifestOf(planAllReduce(w, { nodes: 2, gpusPerNode: 8, efa }).script));
    expect(worker.resources).toEqual({
      limits: { "nvidia.com/gpu": 8, "vpc.amazonaws.com/efa": 4 },
      requests: { "vpc.amazonaws.com/efa": 4 },
    });
    expect(worker.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: "efa-libfabric", mountPath: "/opt/amazon/efa", readOnly: true },
        { name: "efa-ofi-nccl", mountPath: "/opt/amazon/ofi-nccl", readOnly: true },
      ]),
    );
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        { name: "efa-libfabric", hostPath: { path: "/opt/amazon/efa", type: "Directory" } },
        { name: "efa-ofi-nccl", hostPath: { path: "/opt/amazon/ofi-nccl", type: "Directory" } },
      ]),
    );
    expect(env).toMatchObject({
      FI_PROVIDER: "efa",
      FI_EFA_USE_DEVICE_RDMA: "1",
      EFA_LIBRARY_PATH: "/opt/amazon/efa/lib:/opt/amazon/ofi-nccl/lib",
      NCCL_DEBUG: "INFO",
    });
    // NCCL loads libnccl-net.so from the library path; nothing forces its network, so a fallback shows.
    expect(env).not.toHaveProperty("NCCL_NET");
    expect(env).not.toHaveProperty("LD_LIBRARY_PATH");
  });

  it("distributed resnet50: the same for both of its Jobs (N nodes and node 0 alone)", () => {
    const w = suite("  - { id: rn, kind: resnet50, distributed: true }\n")[0] as ResNet50Workload;
    for (const nodes of [2, 1]) {
      const { worker, env } = job(manifestOf(planDistributedResNet50(w, { nodes, gpusPerNode: 8, efa }).script));
      expect(worker.resources.limits["vpc.amazonaws.com/efa"]).toBe(4);
      expect(env.FI_PROVIDER).toBe("efa");
    }
  });

  it("without EFA: neither the resource, the mounts nor the env", () => {
    const w = suite("  - { id: ar, kind: nccl-allreduce }\n")[0] as NcclAllReduceWorkload;
    const { pod, worker, env } = job(manifestOf(planAllReduce(w, { nodes: 2, gpusPerNode: 8 }).script));
    expect(worker.resources).toEqual({ limits: { "nvidia.com/gpu": 8 } });
    expect(JSON.stringify(pod.volumes)).not.toMatch(/amazon/);
    expect(env).not.toHaveProperty("FI_PROVIDER");
  });

  it("refuses manifests without a worker Job, and no EFA device", () => {
    expect(() => withEfa("apiVersion: v1\nkind: Namespace\nmetadata: { name: x }\n", efa)).toThrow(/no Job with a 'worker' container/);
    expect(() => withEfa("kind: Job\n", { ...efa, devicesPerNode: 0 })).toThrow(/at least one EFA device/);
  });
});
