import { describe, expect, it } from "vitest";
import { loadSuite, type ResNet50Workload } from "../../src/config/suite.js";
import { WorkloadResult } from "../../src/evidence/results.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { runWorkload, workloadImages } from "../../src/workloads/run.js";
import { useStandInCluster } from "../support/stand-in-cluster.js";

// Distributed ResNet50 across two stand-in instances that form one k3s cluster: DDP with torchrun on
// the server alone, then one pod on each node, each in its own instance's sandbox with its own GPU,
// gloo all-reducing the gradients between them.
const suite = loadSuite(
  `version: 1
name: two-nodes
nodes: 2
workloads:
  - { id: ddp, kind: resnet50, distributed: true, imageSize: 32, batchSize: 2, warmupSteps: 0, steps: 1, trials: 1, precision: fp32, timeoutMinutes: 3 }
`,
  {},
);
const [ddp] = suite.workloads as [ResNet50Workload];
const { server, agent, sh, podsRanOn } = useStandInCluster({
  prefix: "two-nodes-ddp-",
  images: workloadImages(suite),
  env: { STUB_LATENCY_SCALE: "0.01", POLL_SECONDS: "0.2" },
});

describe("resnet50 distributed across two stand-in nodes", () => {
  // Two trainings (node 0 alone, then both) of real CPU DDP: 60 s was not enough on a slower 2-core
  // machine with other test files beside it.
  it("resnet50 distributed: DDP on the server alone, then on both nodes, with the scaling efficiency", async () => {
    const log = new MemoryLog();
    const result = WorkloadResult.parse(
      await runWorkload(server.remote, ddp, { log, clock: systemClock, cluster: { nodes: 2, gpusPerNode: 1 } }),
    );
    expect(result, result.message).toMatchObject({
      kind: "resnet50",
      status: "ok",
      parameters: { distributed: true, nodes: 2, gpusPerNode: 1, worldSize: 2, batchSize: 2, device: "cpu" },
    });
    // One step of batch 2 on each of the two ranks.
    expect(result.trials).toHaveLength(1);
    // gloo on the CPU: its own TCP, never NCCL, so no NCCL network line is read.
    expect(result.trials[0]).toMatchObject({ world_size: 2, backend: "gloo", images: 4, transport: "gloo-tcp" });
    const metric = (name: string) => result.metrics.find((m) => m.name === name)!;
    const [all, one, efficiency] = [metric("images_per_sec"), metric("images_per_sec_one_node"), metric("scaling_efficiency")];
    expect([all.trials.length, one.trials.length, efficiency.trials.length]).toEqual([1, 1, 1]);
    // The trial's efficiency is its two-node images/s over twice the one-node median.
    expect(efficiency.trials[0]).toBeCloseTo(all.trials[0]! / (2 * one.summary.median), 9);
    expect(efficiency.unit).toBe("fraction");
    expect(log.lines.join("\n")).toMatch(/ddp: [\d.]+ images\/s on 2 node\(s\) × 1 GPU\(s\), scaling efficiency [\d.]+/);
    // Nothing of either Job is left: the GPUs are free for the next workload.
    expect((await sh(server, "kubectl -n gpu-bench get jobs,configmaps,services,pods -o name")).trim()).toBe("");
    // The one-node run stayed on the server; the two-node run put its pod 1 on the agent.
    expect(podsRanOn(agent)).toEqual(["gpu-bench_rn50-ddp-n2-1"]);
    expect(podsRanOn(server)).toEqual(expect.arrayContaining(["gpu-bench_rn50-ddp-n1-0", "gpu-bench_rn50-ddp-n2-0"]));
  }, 180_000);
});
