import { describe, expect, it } from "vitest";
import { loadSuite, type NcclAllReduceWorkload } from "../../src/config/suite.js";
import { WorkloadResult } from "../../src/evidence/results.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { runWorkload, workloadImages } from "../../src/workloads/run.js";
import { useStandInCluster } from "../support/stand-in-cluster.js";

// nccl-allreduce across two stand-in instances that form one k3s cluster: the Indexed Job's pod 0 runs on
// the server, pod 1 on the agent, each in its own instance's sandbox with its own GPU; torchrun's
// rendezvous goes through pod 0's DNS name and gloo all-reduces between them.
const suite = loadSuite(
  `version: 1
name: two-nodes
nodes: 2
workloads:
  - { id: allreduce, kind: nccl-allreduce, minBytes: 4096, maxBytes: 65536, stepFactor: 16, warmupIters: 1, iters: 3, trials: 1, timeoutMinutes: 2 }
`,
  {},
);
const [allreduce] = suite.workloads as [NcclAllReduceWorkload];
const { server, agent, podsRanOn } = useStandInCluster({
  prefix: "two-nodes-allreduce-",
  images: workloadImages(suite),
  env: { STUB_LATENCY_SCALE: "0.01", POLL_SECONDS: "0.2" },
});

describe("nccl-allreduce across two stand-in nodes", () => {
  it("nccl-allreduce: one rank on each node, real gloo all-reduces between them, bandwidths as nccl-tests defines them", async () => {
    const log = new MemoryLog();
    const result = WorkloadResult.parse(
      await runWorkload(server.remote, allreduce, { log, clock: systemClock, cluster: { nodes: 2, gpusPerNode: 1 } }),
    );
    expect(result, result.message).toMatchObject({
      kind: "nccl-allreduce",
      status: "ok",
      parameters: { nodes: 2, gpusPerNode: 1, ranks: 2, backend: "gloo", minBytes: 4096, maxBytes: 65536 },
    });
    // Each size measured and checked (the sum of ones is the rank count).
    expect(result.trials.map((t) => [t.size_bytes, t.correct, t.transport])).toEqual([
      [4096, true, "gloo-tcp"],
      [65536, true, "gloo-tcp"],
    ]);
    const bus = result.metrics.filter((m) => m.name.startsWith("bus_bandwidth_gbps@"));
    expect(bus.map((m) => [m.messageBytes, m.headline])).toEqual([
      [4096, false],
      [65536, true],
    ]);
    // Two ranks: busbw = algbw × 2(2−1)/2 = algbw.
    for (const t of result.trials) expect(t.busbw_gbps).toBeCloseTo(t.algbw_gbps as number, 12);
    expect(log.lines.join("\n")).toMatch(/allreduce: bus bandwidth [\d.]+ GB\/s at 64 KiB over 2 ranks on 2 node\(s\), gloo over TCP/);
    // Pod 1's container ran in the agent's sandbox, pod 0's in the server's.
    expect(podsRanOn(agent)).toEqual(["gpu-bench_nccl-allreduce-1"]);
    expect(podsRanOn(server)).toContain("gpu-bench_nccl-allreduce-0");
  });
});
