import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSuite, type NcclAllReduceWorkload } from "../../src/config/suite.js";
import { WorkloadResult } from "../../src/evidence/results.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { efaPods } from "../../src/workloads/efa-pods.js";
import { runWorkload, workloadImages } from "../../src/workloads/run.js";
import { useStandInCluster, type ClusterNode } from "../support/stand-in-cluster.js";

// nccl-allreduce with EFA across two stand-in instances with 4 EFA devices each (as a p4d.24xlarge
// has): the server bootstraps with `efa` (EFA software checked with fi_info, the AWS EFA device
// plugin rolled out, vpc.amazonaws.com/efa allocatable on both nodes), then the Indexed Job's pods
// request the devices and mount the node's libfabric and OFI NCCL plugin. The ranks run gloo on the
// CPU, so the result must say EFA was not exercised, not that NCCL chose TCP.
const suite = loadSuite(
  `version: 1
name: two-nodes-efa
nodes: 2
efa: true
workloads:
  - { id: allreduce, kind: nccl-allreduce, minBytes: 4096, maxBytes: 4096, warmupIters: 1, iters: 2, trials: 1, timeoutMinutes: 2 }
`,
  {},
);
const [allreduce] = suite.workloads as [NcclAllReduceWorkload];
const { server, agent, sh, serverInventory } = useStandInCluster({
  prefix: "two-nodes-efa-",
  images: workloadImages(suite),
  env: { STUB_LATENCY_SCALE: "0.01", POLL_SECONDS: "0.2" },
  efaDevices: 4,
});

type Spec = { mounts: Record<string, string>; env: Record<string, string>; devices: Record<string, string[]>; resources: unknown };

/** The container spec the node's stand-in kubelet started the all-reduce pod's worker with. */
function workerSpec(node: ClusterNode): Spec {
  const pods = join(node.root, "var/lib/stand-in/k8s/pods");
  const pod = readdirSync(pods).find((p) => p.startsWith("gpu-bench_nccl-allreduce-"))!;
  return JSON.parse(readFileSync(join(pods, pod, "worker/spec.json"), "utf8")) as Spec;
}

describe("nccl-allreduce with EFA across two stand-in nodes", () => {
  it("both nodes advertise the EFA device plugin's vpc.amazonaws.com/efa, and the server's inventory says where the EFA software is", async () => {
    const allocatable = await sh(
      server,
      `kubectl get nodes -o jsonpath='{range .items[*]}{.status.allocatable.vpc\\.amazonaws\\.com/efa}{" "}{end}'`,
    );
    expect(allocatable.trim()).toBe("4 4");
    expect(serverInventory()).toMatchObject({
      efaDevices: ["rdmap0s6", "rdmap1s6", "rdmap2s6", "rdmap3s6"],
      efaSoftware: {
        libfabricHome: "/opt/amazon/efa",
        ofiNcclHome: "/opt/amazon/ofi-nccl",
        ofiNcclLibDir: "/opt/amazon/ofi-nccl/lib",
        source: "on the AMI",
      },
    });
    const plugin = await sh(server, "kubectl -n kube-system get pods -l name=aws-efa-k8s-device-plugin -o wide --no-headers");
    expect(plugin).toContain(server.name);
    expect(plugin).toContain(agent.name);
  });

  it("each pod gets its node's 4 EFA devices and the host's EFA folders; gloo ran, and the result says EFA was not exercised", async () => {
    const efa = efaPods("p4d.24xlarge", [serverInventory(), serverInventory()])!;
    const result = WorkloadResult.parse(
      await runWorkload(server.remote, allreduce, { log: new MemoryLog(), clock: systemClock, cluster: { nodes: 2, gpusPerNode: 1, efa } }),
    );
    expect(result.status, result.message).toBe("ok");
    expect(result.trials.map((t) => [t.correct, t.transport])).toEqual([[true, "gloo-tcp"]]);
    expect(result.message).toBe(
      "the pods had 4 EFA device(s) each and the AWS OFI NCCL plugin from /opt/amazon/ofi-nccl, but the ranks ran gloo on the CPU, which does not use EFA: whether NCCL would use it was not measured",
    );
    for (const node of [server, agent]) {
      const spec = workerSpec(node);
      // The stand-in scheduler gave the pod every EFA device of its own node.
      expect(spec.devices["vpc.amazonaws.com/efa"]).toEqual(["rdmap0s6", "rdmap1s6", "rdmap2s6", "rdmap3s6"]);
      expect(spec.resources).toMatchObject({ limits: { "vpc.amazonaws.com/efa": 4 } });
      // The host's folders, of this node's own `/`.
      expect(spec.mounts["/opt/amazon/efa"]).toBe(join(node.root, "opt/amazon/efa"));
      expect(spec.mounts["/opt/amazon/ofi-nccl"]).toBe(join(node.root, "opt/amazon/ofi-nccl"));
      expect(spec.env).toMatchObject({ FI_PROVIDER: "efa", FI_EFA_USE_DEVICE_RDMA: "1" });
      // As the pod gives it; run-container maps the mounted paths to the node's folders.
      expect(spec.env.EFA_LIBRARY_PATH).toBe("/opt/amazon/efa/lib:/opt/amazon/ofi-nccl/lib");
    }
  });

  it("keeps a pod that asks for more EFA devices than a node has Pending, naming the resource", async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: { name: efa5 }
spec:
  restartPolicy: Never
  containers:
    - { name: main, image: nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04, command: ["sleep", "5"], resources: { limits: { vpc.amazonaws.com/efa: 5 } } }
`;
    const out = await sh(
      server,
      `kubectl apply -f efa5.yaml >/dev/null
sleep 0.3
kubectl get pod efa5 -o jsonpath='{.status.conditions[0].message}'
kubectl delete pod efa5 >/dev/null`,
      {},
      [{ path: "efa5.yaml", content: pod }],
    );
    expect(out.trim()).toBe("0/2 nodes are available: 2 Insufficient vpc.amazonaws.com/efa.");
  });
});
