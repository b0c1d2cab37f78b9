import { describe, expect, it } from "vitest";
import { loadSuite, type NcclAllReduceWorkload, type ResNet50Workload } from "../../src/config/suite.js";
import { WorkloadResult } from "../../src/evidence/results.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { runWorkload, workloadImages } from "../../src/workloads/run.js";
import { useStandInNode } from "../support/stand-in-node.js";

// The distributed workloads on one stand-in node with two GPUs, spanning "two nodes" of one GPU
// each: two pods of an Indexed Job, torchrun's rendezvous through pod 0's DNS name under the
// headless Service, and real gloo all-reduces between them on this machine's CPU.
const FAST = { STUB_LATENCY_SCALE: "0.01", POLL_SECONDS: "0.2", STUB_GPU_COUNT: "2" };

const suite = loadSuite(
  `version: 1
name: distributed
workloads:
  - { id: allreduce, kind: nccl-allreduce, minBytes: 4096, maxBytes: 262144, stepFactor: 8, warmupIters: 1, iters: 3, trials: 2, timeoutMinutes: 2 }
  - { id: ddp, kind: resnet50, distributed: true, imageSize: 32, batchSize: 2, warmupSteps: 0, steps: 1, trials: 1, precision: fp32, timeoutMinutes: 3 }
`,
  {},
);
const [allreduce, ddp] = suite.workloads as [NcclAllReduceWorkload, ResNet50Workload];
const node = useStandInNode({ prefix: "distributed-node-", images: workloadImages(suite), env: FAST });

describe("distributed workloads on the stand-in", () => {
  it("nccl-allreduce: every size and trial measured across two pods with gloo, bandwidths as nccl-tests defines them", async () => {
    const remote = node.remote();
    const log = new MemoryLog();
    const result = WorkloadResult.parse(
      await runWorkload(remote, allreduce, { log, clock: systemClock, cluster: { nodes: 2, gpusPerNode: 1 } }),
    );
    expect(result, result.message).toMatchObject({
      kind: "nccl-allreduce",
      status: "ok",
      parameters: { nodes: 2, gpusPerNode: 1, ranks: 2, backend: "gloo", minBytes: 4096, maxBytes: 262144 },
    });
    // 4 KiB, 32 KiB, 256 KiB × 2 trials, each checked (the sum of ones is the rank count).
    expect(result.trials).toHaveLength(6);
    expect(result.trials.every((t) => t.correct === true && t.transport === "gloo-tcp")).toBe(true);
    const bus = result.metrics.filter((m) => m.name.startsWith("bus_bandwidth_gbps@"));
    expect(bus.map((m) => [m.messageBytes, m.headline])).toEqual([
      [4096, false],
      [32768, false],
      [262144, true],
    ]);
    // Two ranks: busbw = algbw × 2(2−1)/2 = algbw.
    for (const t of result.trials) expect(t.busbw_gbps).toBeCloseTo(t.algbw_gbps as number, 12);
    expect(log.lines.join("\n")).toMatch(/allreduce: bus bandwidth [\d.]+ GB\/s at 256 KiB over 2 ranks on 2 node\(s\), gloo over TCP/);
    const left = await remote({
      name: "check",
      body: "kubectl -n gpu-bench get jobs,configmaps,services,pods -o name",
      timeoutSeconds: 30,
    });
    expect(left.stdout.trim()).toBe("");
  });

  it("resnet50 distributed: DDP on node 0 alone, then across both pods, with the scaling efficiency of the two", async () => {
    const remote = node.remote();
    const log = new MemoryLog();
    const result = WorkloadResult.parse(await runWorkload(remote, ddp, { log, clock: systemClock, cluster: { nodes: 2, gpusPerNode: 1 } }));
    expect(result, result.message).toMatchObject({
      kind: "resnet50",
      status: "ok",
      parameters: { distributed: true, nodes: 2, gpusPerNode: 1, worldSize: 2, batchSize: 2, device: "cpu" },
    });
    expect(result.trials).toHaveLength(1);
    // One step of batch 2 on each of the two ranks.
    expect(result.trials[0]).toMatchObject({ world_size: 2, backend: "gloo", images: 4 });
    const metric = (name: string) => result.metrics.find((m) => m.name === name)!;
    const [all, one, efficiency] = [metric("images_per_sec"), metric("images_per_sec_one_node"), metric("scaling_efficiency")];
    expect(all.trials).toHaveLength(1);
    expect(one.trials).toHaveLength(1);
    // The trial's efficiency is its two-node images/s over twice the one-node median.
    expect(efficiency.trials).toHaveLength(1);
    expect(efficiency.trials[0]).toBeCloseTo(all.trials[0]! / (2 * one.summary.median), 9);
    expect(efficiency.unit).toBe("fraction");
    expect(log.lines.join("\n")).toMatch(/ddp: [\d.]+ images\/s on 2 node\(s\) × 1 GPU\(s\), scaling efficiency [\d.]+/);
    const left = await remote({
      name: "check",
      body: "kubectl -n gpu-bench get jobs,configmaps,services,pods -o name",
      timeoutSeconds: 30,
    });
    expect(left.stdout.trim()).toBe("");
  });
});
