import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Results } from "../../src/evidence/results.js";
import type { StandIn } from "../../stand-in/index.js";
import { lifecycle, runInstances, useLifecycleStandIn } from "./lifecycle-stand-in.js";

// Real gloo work on the CPU: SSM limits in real seconds (see useLifecycleStandIn).
let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s), { executionSecondMs: 1000 });

type Spec = { mounts: Record<string, string>; env: Record<string, string>; devices: Record<string, string[]> };

describe("nccl-allreduce with efa: true on two nodes, the bundles run as the runner runs them", () => {
  it(
    "the pods get their node's EFA devices and EFA folders from the run itself, and the report says gloo did not exercise EFA",
    { timeout: 240_000 },
    async () => {
      const r = await lifecycle(standIn, { suite: "test/fixtures/suites/multi-node-distributed-efa.yaml", "instance-types": "g5.8xlarge" });
      expect(r.mainExit.code, r.mainLog).toBe(0);
      const results = Results.parse(JSON.parse(readFileSync(r.job.outputs()["results-path"]!, "utf8")));
      const allreduce = results.workloads.find((w) => w.id === "allreduce")!;
      expect(allreduce, JSON.stringify(allreduce)).toMatchObject({ kind: "nccl-allreduce", status: "ok" });
      expect(allreduce.trials.map((t) => t.transport)).toEqual(["gloo-tcp"]);
      expect(allreduce.message).toBe(
        "the pods had 1 EFA device(s) each and the AWS OFI NCCL plugin from /opt/amazon/ofi-nccl, but the ranks ran gloo on the CPU, which does not use EFA: whether NCCL would use it was not measured",
      );
      const evidence = readFileSync(r.job.outputs()["evidence-path"]!, "utf8");
      expect(evidence).toContain("Network: gloo over TCP (CPU, no NCCL)");

      // Each node's stand-in kubelet started its all-reduce pod with that node's EFA device and folders.
      const launched = runInstances(standIn, r.job.runId);
      expect(launched).toHaveLength(2);
      for (const instance of launched) {
        const pods = join(instance.sandbox, "root/var/lib/stand-in/k8s/pods");
        const pod = readdirSync(pods).find((p) => p.startsWith("gpu-bench_nccl-allreduce-"))!;
        const spec = JSON.parse(readFileSync(join(pods, pod, "worker/spec.json"), "utf8")) as Spec;
        expect(spec.devices["vpc.amazonaws.com/efa"]).toEqual(["rdmap0s6"]);
        expect(spec.mounts["/opt/amazon/efa"]).toBe(join(instance.sandbox, "root/opt/amazon/efa"));
        expect(spec.mounts["/opt/amazon/ofi-nccl"]).toBe(join(instance.sandbox, "root/opt/amazon/ofi-nccl"));
        // g5: EFA without RDMA, so no FI_EFA_USE_DEVICE_RDMA.
        expect(spec.env).toMatchObject({ FI_PROVIDER: "efa", EFA_LIBRARY_PATH: "/opt/amazon/efa/lib:/opt/amazon/ofi-nccl/lib" });
        expect(spec.env).not.toHaveProperty("FI_EFA_USE_DEVICE_RDMA");
      }
      expect(r.alive).toEqual([]);
    },
  );
});
