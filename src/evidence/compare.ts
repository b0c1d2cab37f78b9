import { estimateCost } from "./cost.js";
import { cell, formatNumber, table } from "./format.js";
import { barChart } from "./mermaid.js";
import type { Results, WorkloadResult } from "./results.js";

/**
 * One comparison across runs on different GPU types (the legs of a matrix, or archived runs): a
 * row per instance type and GPU with throughput, latency, the price per hour for the market the
 * run used, what 1,000 training images and 1M output tokens cost at the measured rate, and the
 * energy per unit where telemetry exists; ranked by cost per unit of work.
 */

export interface ComparisonRow {
  instanceType: string;
  /** Instances of instanceType the run bought together (suite `nodes`); 1 for a one-node run. */
  nodes: number;
  /** Every GPU of the run: "NVIDIA A10G", "4 × NVIDIA L4", "2 × NVIDIA A10G" over two nodes; "—" when the inventory is missing. */
  gpu: string;
  market?: "on-demand" | "spot";
  /** USD per hour of all the run's instances (nodes × one instance's price): what its throughput costs. */
  pricePerHourUsd?: number;
  priceSource?: string;
  /** Median images/s of the ResNet50 training workload. */
  trainImagesPerSec?: number;
  /** Median images/s of the ResNet50 inference workload. */
  inferenceImagesPerSec?: number;
  /** Median output tokens/s of the LLM workload at maximum throughput (else at its highest request rate). */
  outputTokensPerSec?: number;
  /** Median time to first token, p99 over requests, at the highest finite request rate (ms). */
  ttftP99Ms?: number;
  /** price per hour ÷ (training images/s × 3,600) × 1,000. */
  usdPer1kTrainImages?: number;
  /** price per hour ÷ (output tokens/s × 3,600) × 1,000,000. */
  usdPer1MOutputTokens?: number;
  joulesPerImage?: number;
  joulesPerOutputToken?: number;
  verdict?: string;
  /** The run this row comes from. */
  run: { id: string; attempt: number; startedAt: string; url?: string };
}

export interface CrossTypeComparison {
  rows: ComparisonRow[];
  /** What the ranking is by. */
  rankedBy: "usdPer1kTrainImages" | "usdPer1MOutputTokens" | "trainImagesPerSec" | "outputTokensPerSec";
  /** Older runs of a type (and node count) a newer run replaced, and results without an instance, one line each. */
  notes: string[];
}

function median(w: WorkloadResult | undefined, name: string): number | undefined {
  const m = w?.metrics.find((x) => x.name === name);
  return m && Number.isFinite(m.summary.median) ? m.summary.median : undefined;
}

function resnet(results: Results, mode: "train" | "inference"): WorkloadResult | undefined {
  return results.workloads.find((w) => w.kind === "resnet50" && w.status === "ok" && (w.parameters.mode ?? "train") === mode);
}

/**
 * A load-point metric of an LLM sweep (`name@<point>`) at the heaviest load measured: the
 * max-throughput point unless `finiteOnly`, else the highest finite request rate.
 */
function atTopLoad(llm: WorkloadResult | undefined, name: string, finiteOnly = false): number | undefined {
  const points = (llm?.metrics ?? []).filter((m) => m.name.startsWith(`${name}@`) && Number.isFinite(m.summary.median));
  const max = points.find((m) => m.requestRate === "max");
  if (max && !finiteOnly) return max.summary.median;
  const finite = points
    .filter((m) => typeof m.requestRate === "number")
    .sort((a, b) => (b.requestRate as number) - (a.requestRate as number));
  return finite[0]?.summary.median;
}

function gpuText(results: Results, nodes: number): string {
  const gpus = results.inventory?.gpus ?? [];
  if (gpus.length === 0) return "—";
  const name = gpus[0]!.name;
  // A multi-node run: every node's GPUs (node 0's count for a node whose inventory is missing).
  const count = nodes > 1 ? (results.nodes ?? []).reduce((sum, n) => sum + (n.inventory?.gpus.length ?? gpus.length), 0) : gpus.length;
  return count === 1 ? name : `${count} × ${name}`;
}

/** "g5.2xlarge", or "2 × g5.2xlarge" for a run on two nodes. */
function typeText(r: Pick<ComparisonRow, "instanceType" | "nodes">): string {
  return r.nodes > 1 ? `${r.nodes} × ${r.instanceType}` : r.instanceType;
}

function per(price: number | undefined, rate: number | undefined, units: number): number | undefined {
  if (price === undefined || rate === undefined || !(rate > 0)) return undefined;
  return (price / (rate * 3600)) * units;
}

/** The row of one run; undefined when it launched no instance (nothing to compare). */
export function comparisonRow(results: Results, nowMs = Date.now()): ComparisonRow | undefined {
  if (!results.instance) return undefined;
  const cost = estimateCost(results, nowMs);
  const nodes = Math.max(1, results.nodes?.length ?? 1);
  // The throughput below is every node's: its price is every node's too.
  const pricePerHourUsd = cost.pricePerHourUsd === undefined ? undefined : cost.pricePerHourUsd * nodes;
  const train = resnet(results, "train");
  const llm = results.workloads.find((w) => w.kind === "llm-serving" && w.status === "ok");
  const trainImagesPerSec = median(train, "images_per_sec");
  const outputTokensPerSec = atTopLoad(llm, "output_throughput");
  return {
    instanceType: results.instance.type,
    nodes,
    gpu: gpuText(results, nodes),
    market: results.instance.market,
    pricePerHourUsd,
    priceSource: cost.priceSource,
    trainImagesPerSec,
    inferenceImagesPerSec: median(resnet(results, "inference"), "images_per_sec"),
    outputTokensPerSec,
    ttftP99Ms: atTopLoad(llm, "ttft_p99_ms", true),
    usdPer1kTrainImages: per(pricePerHourUsd, trainImagesPerSec, 1_000),
    usdPer1MOutputTokens: per(pricePerHourUsd, outputTokensPerSec, 1_000_000),
    joulesPerImage: median(train, "joules_per_image"),
    joulesPerOutputToken: median(llm, "joules_per_output_token"),
    verdict: results.assessment?.verdict,
    run: { id: results.run.id, attempt: results.run.attempt, startedAt: results.run.startedAt, url: results.run.url },
  };
}

/**
 * The comparison of `runs`: the latest run per instance type and GPU, ranked by dollars per 1,000
 * training images where every row has it, else dollars per 1M output tokens, else raw throughput
 * (rows without the ranking figure last).
 */
export function compareAcrossTypes(runs: readonly Results[], nowMs = Date.now()): CrossTypeComparison {
  const notes: string[] = [];
  const latest = new Map<string, ComparisonRow>();
  for (const results of runs) {
    const row = comparisonRow(results, nowMs);
    if (!row) {
      notes.push(`run ${results.run.id} (attempt ${results.run.attempt}) launched no instance: left out`);
      continue;
    }
    // A run on N nodes of a type is its own configuration, never the latest run of the one-node one.
    const key = `${row.instanceType}\u0000${row.nodes}\u0000${row.gpu}`;
    const seen = latest.get(key);
    if (seen && Date.parse(seen.run.startedAt) >= Date.parse(row.run.startedAt)) {
      notes.push(`run ${row.run.id} on ${typeText(row)} is older than run ${seen.run.id}: left out`);
      continue;
    }
    if (seen) notes.push(`run ${seen.run.id} on ${typeText(seen)} is older than run ${row.run.id}: left out`);
    latest.set(key, row);
  }
  const rows = [...latest.values()];
  const rankings = ["usdPer1kTrainImages", "usdPer1MOutputTokens", "trainImagesPerSec", "outputTokensPerSec"] as const;
  const rankedBy = rankings.find((k) => rows.some((r) => r[k] !== undefined)) ?? "usdPer1kTrainImages";
  const lowerIsBetter = rankedBy.startsWith("usd");
  rows.sort((a, b) => {
    const x = a[rankedBy];
    const y = b[rankedBy];
    if (x === undefined || y === undefined) return x === undefined ? (y === undefined ? 0 : 1) : -1;
    return lowerIsBetter ? x - y : y - x;
  });
  return { rows, rankedBy, notes };
}

const RANKING_TEXT: Record<CrossTypeComparison["rankedBy"], { label: string; unit: string }> = {
  usdPer1kTrainImages: { label: "dollars per 1,000 training images", unit: "USD" },
  usdPer1MOutputTokens: { label: "dollars per 1M output tokens", unit: "USD" },
  trainImagesPerSec: { label: "training throughput", unit: "images/s" },
  outputTokensPerSec: { label: "output throughput", unit: "tok/s" },
};

const usd = (v: number | undefined) => (v === undefined ? "—" : `$${v < 0.01 ? v.toPrecision(2) : v.toFixed(v < 10 ? 3 : 2)}`);

/** The comparison as Markdown: ranked table, chart of the ranking figure, where each price came from. */
export function renderComparison(c: CrossTypeComparison): string {
  const out = ["# GPU types compared", ""];
  if (c.rows.length === 0) {
    out.push("No run in these results launched an instance: nothing to compare.");
    return `${out.join("\n")}\n`;
  }
  const ranking = RANKING_TEXT[c.rankedBy];
  out.push(
    `Ranked by ${ranking.label}${c.rankedBy.startsWith("usd") ? " (lower is better)" : " (higher is better)"}, the latest run of each type.`,
    "",
  );
  const energy = c.rows.some((r) => r.joulesPerImage !== undefined || r.joulesPerOutputToken !== undefined);
  const header = [
    "#",
    "Instance type",
    "GPU",
    "Market",
    "Price/h",
    "Train images/s",
    "Inference images/s",
    "Output tok/s",
    "TTFT p99 (ms)",
    "$ / 1k train images",
    "$ / 1M output tokens",
    ...(energy ? ["J/image", "J/token"] : []),
    "Verdict",
  ];
  const rows = c.rows.map((r, i) => [
    String(i + 1),
    cell(typeText(r)),
    cell(r.gpu),
    r.market ?? "—",
    usd(r.pricePerHourUsd),
    formatNumber(r.trainImagesPerSec),
    formatNumber(r.inferenceImagesPerSec),
    formatNumber(r.outputTokensPerSec),
    formatNumber(r.ttftP99Ms),
    usd(r.usdPer1kTrainImages),
    usd(r.usdPer1MOutputTokens),
    ...(energy ? [formatNumber(r.joulesPerImage), formatNumber(r.joulesPerOutputToken)] : []),
    r.run.url ? `[${r.verdict ?? "run"}](${r.run.url})` : (r.verdict ?? "—"),
  ]);
  out.push(table(header, rows), "");
  const chart = barChart(
    `${ranking.label} by instance type`,
    "instance type",
    c.rows.map(typeText),
    ranking.unit,
    c.rows.map((r) => r[c.rankedBy]),
  );
  if (chart) out.push(chart, "");
  out.push("**Prices**", "");
  for (const r of c.rows)
    out.push(
      `- ${cell(typeText(r))} (${r.market ?? "unknown market"}): ${r.priceSource ? cell(`${r.nodes > 1 ? `${r.nodes} instances × ` : ""}${r.priceSource}`) : "no price known"}`,
    );
  if (c.notes.length > 0) out.push("", "**Left out**", "", ...c.notes.map((n) => `- ${cell(n)}`));
  return `${out.join("\n")}\n`;
}
