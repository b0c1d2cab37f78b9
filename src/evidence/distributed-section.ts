import { cell, code, formatNumber, table } from "./format.js";
import { barChart, lineChart } from "./mermaid.js";
import type { Metric, WorkloadResult } from "./results.js";
import { summarize } from "./stats.js";

/**
 * The evidence of the multi-node workloads (issue 14): an all-reduce sweep's bandwidth against
 * message size (table and chart, the network NCCL used); distributed training's throughput on one
 * node and on all of them, with the scaling efficiency; the parallel layout of a vLLM model served
 * over several GPUs or nodes.
 */

/** The network a collective ran over: EFA through the AWS OFI NCCL plugin, InfiniBand, TCP sockets, or gloo's TCP on a CPU. */
export type Transport = "efa" | "ib" | "socket" | "gloo-tcp";

export const TRANSPORT_WORDS: Record<Transport, string> = {
  efa: "EFA (AWS OFI NCCL plugin)",
  ib: "InfiniBand",
  socket: "TCP sockets",
  "gloo-tcp": "gloo over TCP (CPU, no NCCL)",
};

/** "Network: …" for a collective's first trial: the network it used and the log line that shows it. */
function networkLine(first: Record<string, unknown>): string {
  const transport = typeof first.transport === "string" ? first.transport : undefined;
  return (
    `Network: ${transport ? (TRANSPORT_WORDS[transport as Transport] ?? cell(transport)) : "not reported (NCCL printed no NET line)"}` +
    (typeof first.transport_evidence === "string" && first.transport_evidence ? ` — ${code(first.transport_evidence)}` : "")
  );
}

/** "1 MiB", "256 KiB", "8 B". */
export function bytesText(bytes: number): string {
  for (const [unit, size] of [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} B`;
}

/**
 * An all-reduce sweep: per message size the time of one operation, the algorithm and the bus
 * bandwidth (medians over trials, nccl-tests' definitions), a chart of bus bandwidth against
 * message size, and which network NCCL used (with the NCCL line that says so).
 */
export function bandwidthBlock(w: WorkloadResult, sized: readonly Metric[]): string {
  const sizes = [...new Set(sized.map((m) => m.messageBytes!))].sort((a, b) => a - b);
  const at = (label: string, size: number) => sized.find((m) => m.label === label && m.messageBytes === size)?.summary.median;
  const time = (size: number) =>
    summarize(w.trials.filter((t) => t.size_bytes === size && typeof t.time_us === "number").map((t) => t.time_us as number)).median;
  const bus = sizes.map((s) => at("Bus bandwidth", s));
  const out = [`#### ${cell(w.id)}: all-reduce bandwidth by message size`, ""];
  const first = w.trials[0] ?? {};
  const ranks = typeof first.ranks === "number" ? first.ranks : w.parameters.ranks;
  out.push(
    `float32 sum over ${cell(ranks ?? "?")} ranks on ${cell(w.parameters.nodes ?? "?")} node(s); time = one operation, averaged over the ranks; ` +
      "algbw = size ÷ time; busbw = algbw × 2(n−1)/n (nccl-tests' definitions, its doc/PERFORMANCE.md). Medians over trials.",
    "",
    networkLine(first),
    "",
    table(
      ["Message size", "Bytes", "Time (µs)", "Algorithm bandwidth (GB/s)", "Bus bandwidth (GB/s)"],
      sizes.map((s, i) => [
        bytesText(s),
        String(s),
        formatNumber(time(s)),
        formatNumber(at("Algorithm bandwidth", s)),
        formatNumber(bus[i]),
      ]),
    ),
  );
  const chart = lineChart("All-reduce bus bandwidth (GB/s) by message size", "message size", sizes.map(bytesText), "GB/s", [
    { name: "bus bandwidth", values: bus },
  ]);
  if (chart) out.push("", cell(chart.legend), "", chart.chart);
  return out.join("\n");
}

/**
 * Distributed ResNet50: images/s on node 0 alone and on every node (medians over trials, every GPU
 * counted), per GPU, and the scaling efficiency N-node ÷ (N × one-node); a bar chart of the two.
 * Undefined for a workload that did not run distributed or measured no throughput.
 */
export function scalingBlock(w: WorkloadResult): string | undefined {
  if (w.parameters.distributed !== true) return undefined;
  const median = (name: string) => w.metrics.find((m) => m.name === name)?.summary.median;
  const all = median("images_per_sec");
  if (all === undefined) return undefined;
  const one = median("images_per_sec_one_node");
  const efficiency = median("scaling_efficiency");
  const nodes = typeof w.parameters.nodes === "number" ? w.parameters.nodes : 1;
  const perNode = typeof w.parameters.gpusPerNode === "number" ? w.parameters.gpusPerNode : undefined;
  const gpus = (n: number) => (perNode === undefined ? undefined : n * perNode);
  const perGpu = (ips: number | undefined, n: number) => (ips === undefined || gpus(n) === undefined ? undefined : ips / gpus(n)!);
  const rows: string[][] = [];
  if (one !== undefined && nodes > 1)
    rows.push(["1", cell(gpus(1) ?? "?"), formatNumber(one), formatNumber(perGpu(one, 1)), "1 (the baseline)"]);
  rows.push([
    String(nodes),
    cell(gpus(nodes) ?? "?"),
    formatNumber(all),
    formatNumber(perGpu(all, nodes)),
    efficiency === undefined ? "—" : formatNumber(efficiency),
  ]);
  const out = [
    `#### ${cell(w.id)}: distributed training throughput and scaling`,
    "",
    "DDP with torchrun, one pod per node; images/s counts every GPU of every node (medians over trials). " +
      "Scaling efficiency = N-node images/s ÷ (N × one-node images/s), both measured in this run.",
    "",
    table(["Nodes", "GPUs", "Images/s", "Images/s per GPU", "Scaling efficiency"], rows),
  ];
  // The N-node run's network, when it spanned several nodes.
  if (nodes > 1) out.push("", networkLine(w.trials[0] ?? {}));
  if (one !== undefined && nodes > 1) {
    const chart = barChart("Training throughput by node count (images/s)", "nodes", ["1", String(nodes)], "images/s", [one, all]);
    if (chart) out.push("", chart);
  }
  return out.join("\n");
}

/**
 * A vLLM model served over several GPUs (parameters `executor`, set by src/workloads/llm.ts): its
 * nodes, GPUs per node, tensor- and pipeline-parallel sizes and executor, and for Ray the cluster
 * as `ray status` counted it before vLLM started. Undefined for a one-GPU server.
 */
export function servingLayoutBlock(w: WorkloadResult): string | undefined {
  const p = w.parameters;
  if (w.kind !== "llm-serving" || (p.executor !== "ray" && p.executor !== "mp")) return undefined;
  const ray = p.executor === "ray";
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  const [nodes, perNode, tp, pp] = [num(p.nodes), num(p.gpusPerNode), num(p.tensorParallelSize), num(p.pipelineParallelSize)];
  const used = tp !== undefined && pp !== undefined ? tp * pp : undefined;
  const joined =
    num(p.rayNodes) !== undefined
      ? `${cell(p.rayNodes!)} nodes, ${cell(p.rayGpus ?? "?")} GPUs, formed in ${formatNumber(num(p.rayJoinSeconds))} s`
      : "not reported (the server did not start)";
  const out = [
    `#### ${cell(w.id)}: ${ray ? "one model served across nodes" : "one model over several GPUs"}`,
    "",
    ray
      ? "vLLM on a Ray cluster of one pod per node (`ray start --head` on node 0, `ray start --address` on the others), then " +
        "`vllm serve --tensor-parallel-size T --pipeline-parallel-size P --distributed-executor-backend ray` on node 0: " +
        "tensor parallel within a node, one pipeline stage per node. The benchmark ran against node 0's OpenAI endpoint. " +
        "GPU telemetry and energy sum every node's GPUs (its GPU telemetry part says when a node's sampler failed and was left out)."
      : "vLLM's multiprocessing executor, tensor parallel over the node's GPUs.",
    "",
    table(
      [
        "Nodes",
        "GPUs per node",
        "Tensor parallel (TP)",
        "Pipeline parallel (PP)",
        "GPUs used (TP × PP)",
        "Executor",
        ...(ray ? ["Ray cluster before vLLM started"] : []),
      ],
      [
        [
          cell(nodes ?? "?"),
          cell(perNode ?? "?"),
          cell(tp ?? "?"),
          cell(pp ?? "?"),
          cell(used ?? "?"),
          ray ? "Ray (`--distributed-executor-backend ray`)" : "multiprocessing (`mp`)",
          ...(ray ? [joined] : []),
        ],
      ],
    ),
  ];
  return out.join("\n");
}
