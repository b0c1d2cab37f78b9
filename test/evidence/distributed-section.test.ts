import { describe, expect, it } from "vitest";
import { bandwidthBlock, bytesText, scalingBlock, servingLayoutBlock } from "../../src/evidence/distributed-section.js";
import type { WorkloadResult } from "../../src/evidence/results.js";
import { metric } from "../../src/workloads/output.js";

const sized = (label: string, name: string, size: number, values: number[]) => ({
  ...metric({ name: `${name}@${size}B`, label, unit: "GB/s", direction: "higher" }, values),
  messageBytes: size,
});

const result: WorkloadResult = {
  id: "allreduce",
  kind: "nccl-allreduce",
  parameters: { nodes: 2, ranks: 16 },
  status: "ok",
  metrics: [
    sized("Bus bandwidth", "bus_bandwidth_gbps", 1048576, [20, 22]),
    sized("Algorithm bandwidth", "algorithm_bandwidth_gbps", 1048576, [10.7, 11.7]),
    sized("Bus bandwidth", "bus_bandwidth_gbps", 4194304, [40, 42]),
    sized("Algorithm bandwidth", "algorithm_bandwidth_gbps", 4194304, [21.3, 22.4]),
  ],
  trials: [
    { size_bytes: 1048576, time_us: 95, ranks: 16, transport: "socket", transport_evidence: "h:1:1 [0] NCCL INFO Using network Socket" },
    { size_bytes: 4194304, time_us: 190, ranks: 16, transport: "socket" },
  ],
  startedAt: "2026-12-06T03:00:00.000Z",
  endedAt: "2026-12-06T03:01:00.000Z",
};

describe("the all-reduce evidence", () => {
  it("tables time, algorithm and bus bandwidth per message size, charts bus bandwidth, and names the network", () => {
    const text = bandwidthBlock(result, result.metrics);
    expect(text).toContain("| 1 MiB | 1048576 | 95.00 | 11.20 | 21.00 |");
    expect(text).toContain("| 4 MiB | 4194304 | 190.0 | 21.85 | 41.00 |");
    expect(text).toContain("busbw = algbw × 2(n−1)/n");
    expect(text).toContain("Network: TCP sockets — `h:1:1 [0] NCCL INFO Using network Socket`\n");
    expect(text).toMatch(/```mermaid[\s\S]*x-axis "message size" \["1 MiB", "4 MiB"\][\s\S]*line \[21, 41\]/);
  });

  it("writes sizes as nccl-tests users read them", () => {
    expect([8, 1024, 3072, 1048576, 2 ** 30, 1000].map(bytesText)).toEqual(["8 B", "1 KiB", "3 KiB", "1 MiB", "1 GiB", "1000 B"]);
  });
});

describe("the distributed training evidence", () => {
  it("tables images/s on one node and on all of them, per GPU, with the scaling efficiency, and charts the two", () => {
    const w: WorkloadResult = {
      ...result,
      id: "ddp",
      kind: "resnet50",
      parameters: { distributed: true, nodes: 2, gpusPerNode: 4 },
      metrics: [
        metric({ name: "images_per_sec", label: "Throughput", unit: "images/s", direction: "higher", headline: true }, [7200, 7600]),
        metric({ name: "images_per_sec_one_node", label: "Throughput on one node", unit: "images/s", direction: "higher" }, [4000]),
        metric({ name: "scaling_efficiency", label: "Scaling efficiency", unit: "fraction", direction: "higher" }, [0.9, 0.95]),
      ],
    };
    const text = scalingBlock(w)!;
    expect(text).toContain("| 1 | 4 | 4,000 | 1,000 | 1 (the baseline) |");
    expect(text).toContain("| 2 | 8 | 7,400 | 925.0 | 0.925 |");
    expect(text).toMatch(/```mermaid[\s\S]*x-axis "nodes" \["1", "2"\][\s\S]*bar \[4000, 7400\]/);
    expect(text).toContain("Network: TCP sockets — `h:1:1 [0] NCCL INFO Using network Socket`");
    expect(scalingBlock({ ...w, trials: [] })).toContain("Network: not reported (NCCL printed no NET line)");
    const onEfa = scalingBlock({
      ...w,
      trials: [{ trial: 1, transport: "efa", transport_evidence: "h:1:2 [0] NCCL INFO Using network Libfabric" }],
    })!;
    expect(onEfa).toContain("Network: EFA (AWS OFI NCCL plugin) — `h:1:2 [0] NCCL INFO Using network Libfabric`");
    expect(scalingBlock({ ...w, parameters: {} })).toBeUndefined();
  });
});

describe("the evidence of a model served over several GPUs", () => {
  const served: WorkloadResult = {
    ...result,
    id: "pp",
    kind: "llm-serving",
    metrics: [],
    trials: [],
    parameters: {
      model: "Qwen/Qwen2.5-0.5B-Instruct",
      tensorParallelSize: 4,
      pipelineParallelSize: 2,
      nodes: 2,
      gpusPerNode: 4,
      executor: "ray",
      rayNodes: 2,
      rayGpus: 8,
      rayJoinSeconds: 12.5,
    },
  };

  it("says nodes, TP, PP and that Ray was the executor, with the cluster Ray counted", () => {
    const text = servingLayoutBlock(served)!;
    expect(text).toContain("#### pp: one model served across nodes");
    expect(text).toContain(
      "| Nodes | GPUs per node | Tensor parallel (TP) | Pipeline parallel (PP) | GPUs used (TP × PP) | Executor | Ray cluster before vLLM started |",
    );
    expect(text).toContain("| 2 | 4 | 4 | 2 | 8 | Ray (`--distributed-executor-backend ray`) | 2 nodes, 8 GPUs, formed in 12.50 s |");
    expect(text).toContain(
      "GPU telemetry and energy sum every node's GPUs (its GPU telemetry part says when a node's sampler failed and was left out).",
    );
  });

  it("says when the Ray cluster never formed, names vLLM's own executor on one node, and is absent for one GPU", () => {
    const { rayNodes, rayGpus, rayJoinSeconds, ...unstarted } = served.parameters;
    expect([rayNodes, rayGpus, rayJoinSeconds]).toEqual([2, 8, 12.5]);
    expect(servingLayoutBlock({ ...served, status: "failed", parameters: unstarted })).toContain(
      "| not reported (the server did not start) |",
    );
    const mp = servingLayoutBlock({
      ...served,
      parameters: { tensorParallelSize: 4, pipelineParallelSize: 1, nodes: 1, gpusPerNode: 4, executor: "mp" },
    })!;
    expect(mp).toContain("#### pp: one model over several GPUs");
    expect(mp).toContain("| 1 | 4 | 4 | 1 | 4 | multiprocessing (`mp`) |");
    expect(servingLayoutBlock({ ...served, parameters: { model: "Qwen/Qwen2.5-0.5B-Instruct" } })).toBeUndefined();
  });
});
