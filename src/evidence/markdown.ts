import { headlineMetrics, type Comparison, type MetricComparison } from "./comparison.js";
import type { CostEstimate } from "./cost.js";
import {
  byteLength,
  cell,
  compactNumber,
  code,
  fenced,
  formatDuration,
  formatNumber,
  formatTime,
  headBytes,
  percent,
  secondsBetween,
  signedPercent,
  table,
  tailBytes,
} from "./format.js";
import { lineChart, phaseGantt } from "./mermaid.js";
import { DETECTION_POWER, type Decision } from "./regression.js";
import type { Metric, Results, WorkloadResult } from "./results.js";
import { faultMissedSlo, type Verdict, type VerdictKind } from "./verdict.js";
import { faultsSection } from "./faults-section.js";
import { invalidResultsBlock, telemetryPart } from "./telemetry-markdown.js";

/**
 * The evidence report: one screen that convinces (verdict, instance, GPU, headline metrics against
 * the baseline), then every detail below it. GitHub-flavoured Markdown, for the job summary and
 * the evidence.md file alike.
 */

/** GitHub refuses a step summary over 1024 KiB; this leaves room for anything else the step adds. */
export const SUMMARY_LIMIT_BYTES = 1_000_000;
/** Diagnostics are a tail: the decisive lines are the last ones. */
export const DIAGNOSTICS_LIMIT_BYTES = 64 * 1024;

export interface EvidenceFiles {
  folder?: string;
  evidence?: string;
  results?: string;
  benchmarkAction?: string[];
  diagnostics?: string;
  index?: string;
}

export interface EvidenceModel {
  results: Results;
  comparison: Comparison;
  verdict: Verdict;
  cost: CostEstimate;
  files: EvidenceFiles;
  /** Problems met while publishing (archive failed, history entries skipped, …). */
  notes: string[];
  generatedAt: string;
}

export interface RenderOptions {
  maxBytes?: number;
  maxDiagnosticsBytes?: number;
}

const VERDICT_MARK: Record<VerdictKind, string> = {
  pass: "✅ pass",
  "first-run": "🆕 first run",
  regression: "🔴 regression",
  "fault-slo-missed": "🟠 fault SLO missed",
  failed: "❌ failed",
};

const DECISION_MARK: Record<Decision, string> = {
  regression: "🔴 regression",
  improvement: "🟢 improvement",
  "no-change": "✅ no change",
  "no-baseline": "🆕 baseline recorded",
  "too-few-runs": "⚪ not judged",
  invalid: "⚠️ invalid",
};

function betterText(m: Pick<Metric, "direction">): string {
  return m.direction === "higher" ? "↑ higher" : "↓ lower";
}

function withUnit(value: number | undefined, unit: string): string {
  const v = formatNumber(value);
  return v === "—" || !unit ? v : `${v} ${unit}`;
}

function baselineText(c: MetricComparison): string {
  const d = c.decision;
  if (d.baselineMean === undefined) return "—";
  const sd = d.baselineStddev !== undefined ? ` ± ${formatNumber(d.baselineStddev)}` : "";
  return `${formatNumber(d.baselineMean)}${sd} (${d.runs} run${d.runs === 1 ? "" : "s"})`;
}

function decisionText(c: MetricComparison): string {
  return `${DECISION_MARK[c.decision.decision]}: ${cell(c.decision.reason)}`;
}

function gpuLine(results: Results): string {
  const gpus = results.inventory?.gpus ?? [];
  if (gpus.length === 0) return "not inventoried";
  const first = gpus[0]!;
  const same = gpus.every((g) => g.name === first.name);
  const memory = first.memoryMiB !== undefined ? `, ${formatNumber(first.memoryMiB)} MiB` : "";
  const name = same ? `${gpus.length} × ${first.name}${memory}` : gpus.map((g) => g.name).join(", ");
  const software = [
    results.inventory?.driverVersion && `driver ${results.inventory.driverVersion}`,
    results.inventory?.cudaVersion && `CUDA ${results.inventory.cudaVersion}`,
  ].filter(Boolean);
  return cell([name, ...software].join(" · "));
}

function runLink(results: Results): string {
  const r = results.run;
  const label = r.number !== undefined ? `#${r.number}` : `run ${r.id}`;
  const attempt = r.attempt > 1 ? ` (attempt ${r.attempt})` : "";
  return r.url && /^https:\/\//.test(r.url) ? `[${cell(label)}](${r.url})${attempt}` : `${cell(label)}${attempt}`;
}

// ─── Top: the one screen ───────────────────────────────────────────────────────────────────────

function topSection(model: EvidenceModel): string {
  const { results, verdict, comparison } = model;
  const type = results.instance?.type ?? "no instance";
  const out: string[] = [];
  out.push(`# GPU benchmark evidence: ${cell(results.suite.name)} on ${cell(type)}`);
  out.push("");
  out.push(`**Verdict: ${VERDICT_MARK[verdict.kind]}**: ${cell(verdict.reason)}`);
  out.push("");
  const invalid = invalidResultsBlock(results);
  if (invalid) out.push(invalid, "");
  const inst = results.instance;
  const instanceText = inst ? `${cell(inst.type)} · ${cell(inst.availabilityZone)} · ${inst.market} · ${code(inst.id)}` : "not launched";
  const commit = results.run.sha ? ` · commit ${code(results.run.sha.slice(0, 12))}` : "";
  out.push(
    table(
      ["", ""],
      [
        ["Instance", instanceText],
        ["GPU", gpuLine(results)],
        ["Suite", `${cell(results.suite.name)} · hash ${code(results.suite.hash.slice(0, 12))}`],
        ["Run", `${runLink(results)}${commit}${results.run.event ? ` · ${cell(results.run.event)}` : ""}`],
      ],
    ),
  );

  const headline = comparison.metrics.filter((m) => m.headline);
  out.push("");
  out.push("### Headline metrics");
  out.push("");
  if (headline.length === 0) {
    out.push(
      results.workloads.some((w) => w.status === "ok")
        ? "_No headline metric was measured._"
        : "_No workload completed, so there is no metric to show._",
    );
  } else {
    out.push(
      table(
        ["Metric", "This run", "Baseline", "Change", "Decision", "Min. detectable change"],
        headline.map((m) => [
          `${cell(m.workload)} · ${cell(m.label)} (${betterText(m)})`,
          withUnit(m.current, m.unit),
          baselineText(m),
          signedPercent(m.decision.deltaPercent),
          decisionText(m),
          m.decision.mdcPercent !== undefined ? percent(m.decision.mdcPercent) : "unknown",
        ]),
      ),
    );
  }
  out.push("");
  out.push(
    `<sub>Each run's value is the median of its trials. Decided by: ${cell(comparison.rule)}. ` +
      `The minimum detectable change is the true change the current history catches in ${DETECTION_POWER * 100}% of runs; a smaller one may pass unnoticed.</sub>`,
  );
  return out.join("\n");
}

// ─── Details ───────────────────────────────────────────────────────────────────────────────────

function runSection(results: Results): string {
  const r = results.run;
  const rows: string[][] = [
    ["Repository", cell(r.repository)],
    ["Commit", r.sha ? `${code(r.sha)}${r.ref ? ` (${cell(r.ref)})` : ""}` : cell(r.ref)],
    [
      "Workflow",
      [r.workflow, r.job && `job ${r.job}`]
        .filter(Boolean)
        .map((s) => cell(s as string))
        .join(" · ") || "—",
    ],
    ["Trigger", cell(r.event)],
    ["Actor", cell(r.actor)],
    ["Run", `${runLink(results)} · id ${code(r.id)}`],
    ["Started", formatTime(r.startedAt)],
    ["Ended", formatTime(r.endedAt)],
    ["Suite", `${cell(results.suite.name)} · ${code(results.suite.hash)}`],
    [
      "Outcome",
      `${cell(`${results.outcome.status}${results.outcome.failedPhase ? ` in ${results.outcome.failedPhase}` : ""}`)}${results.outcome.message ? `: ${code(results.outcome.message)}` : ""}`,
    ],
    ["Tool", cell(`${results.tool.name} ${results.tool.version}`)],
  ];
  return ["## Run", "", table(["Field", "Value"], rows)].join("\n");
}

function environmentSection(results: Results): string {
  const out = ["## Environment", ""];
  const inv = results.inventory;
  const inst = results.instance;
  const rows: string[][] = [];
  if (inst) {
    rows.push(["Region / zone", cell(`${inst.region} / ${inst.availabilityZone}`)]);
    rows.push(["AMI", `${code(inst.amiId)}${inst.amiName ? ` ${cell(inst.amiName)}` : ""}`]);
    rows.push(["Launched", formatTime(inst.launchedAt)]);
  }
  if (inv) {
    rows.push(
      ["OS", cell(inv.os)],
      ["Kernel", cell(inv.kernel)],
      ["NVIDIA driver", cell(inv.driverVersion)],
      ["CUDA", cell(inv.cudaVersion)],
      ["k3s", cell(inv.k3sVersion)],
    );
  }
  if (rows.length > 0) out.push(table(["Item", "Value"], rows));
  if (!inv) {
    out.push("", "_No inventory was collected (the run stopped before the node was ready)._");
    return out.join("\n");
  }
  if (inv.gpus.length > 0) {
    out.push("", "GPUs (the physical GPU differs from run to run; its UUID tells them apart):", "");
    out.push(
      table(
        ["#", "Name", "Memory", "ECC", "Power limit", "SM clock (max)", "Memory clock", "Compute capability", "UUID"],
        inv.gpus.map((g) => [
          String(g.index),
          cell(g.name),
          g.memoryMiB !== undefined ? `${formatNumber(g.memoryMiB)} MiB` : "—",
          cell(g.eccMode),
          g.powerLimitW !== undefined ? `${compactNumber(g.powerLimitW)} W` : "—",
          g.smClockMHz !== undefined ? `${g.smClockMHz} MHz${g.maxSmClockMHz !== undefined ? ` (${g.maxSmClockMHz})` : ""}` : "—",
          g.memClockMHz !== undefined ? `${g.memClockMHz} MHz` : "—",
          cell(g.computeCapability),
          g.uuid ? code(g.uuid) : "—",
        ]),
      ),
    );
  }
  if (inv.warnings.length > 0 || inv.driverNote) {
    out.push("", "> [!WARNING]", "> nvidia-smi reported:");
    for (const w of [...inv.warnings, ...(inv.driverNote ? [inv.driverNote] : [])]) out.push(`> - ${cell(w)}`);
  }
  if (inv.images.length > 0) {
    out.push("", "Container images:", "");
    out.push(
      table(
        ["Image", "Digest"],
        inv.images.map((i) => [code(i.ref), i.digest ? code(i.digest) : "—"]),
      ),
    );
  }
  return out.join("\n");
}

function timelineSection(results: Results): string {
  const out = ["## Timeline", ""];
  if (results.phases.length === 0) {
    out.push("_No phase was recorded._");
    return out.join("\n");
  }
  const gantt = phaseGantt(results.phases);
  if (gantt) out.push(gantt, "");
  out.push(
    table(
      ["Phase", "Start (UTC)", "Duration", "Status", "Detail"],
      results.phases.map((p) => [
        cell(p.name),
        formatTime(p.startedAt),
        formatDuration(secondsBetween(p.startedAt, p.endedAt)),
        p.status,
        cell(p.detail),
      ]),
    ),
  );
  return out.join("\n");
}

function parametersLine(w: WorkloadResult): string {
  const entries = Object.entries(w.parameters).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "_No parameters recorded._" : `Parameters: ${entries.map(([k, v]) => code(`${k}=${String(v)}`)).join(" ")}`;
}

function metricRows(metrics: readonly Metric[], headline: ReadonlySet<string>): string[][] {
  return metrics.map((m) => [
    `${headline.has(m.name) ? "**" : ""}${cell(m.label)}${headline.has(m.name) ? "**" : ""} ${code(m.name)}`,
    cell(m.unit),
    betterText(m),
    formatNumber(m.summary.median),
    formatNumber(m.summary.min),
    formatNumber(m.summary.max),
    formatNumber(m.summary.iqr),
    String(m.summary.n),
  ]);
}

type Rate = number | "max";

function rateOrder(a: Rate, b: Rate): number {
  if (a === b) return 0;
  if (a === "max") return 1;
  if (b === "max") return -1;
  return a - b;
}

function sweepBlock(w: WorkloadResult, points: readonly Metric[]): string {
  const rates = [...new Set(points.map((m) => m.requestRate as Rate))].sort(rateOrder);
  const series = new Map<string, { label: string; unit: string; byRate: Map<Rate, number> }>();
  for (const m of points) {
    const key = `${m.label}|${m.unit}`;
    const s = series.get(key) ?? { label: m.label, unit: m.unit, byRate: new Map() };
    s.byRate.set(m.requestRate as Rate, m.summary.median);
    series.set(key, s);
  }
  const all = [...series.values()];
  const out = [`#### ${cell(w.id)}: latency and throughput against request rate`, ""];
  out.push(
    table(
      ["Request rate (req/s)", ...all.map((s) => `${cell(s.label)} (${cell(s.unit)})`)],
      rates.map((r) => [r === "max" ? "max (all at once)" : compactNumber(r), ...all.map((s) => formatNumber(s.byRate.get(r)))]),
    ),
  );
  const byUnit = new Map<string, typeof all>();
  for (const s of all) byUnit.set(s.unit, [...(byUnit.get(s.unit) ?? []), s]);
  for (const [unit, group] of byUnit) {
    const chartRates = rates.filter((r) => group.every((s) => s.byRate.has(r)));
    const chart = lineChart(
      `${group.map((s) => s.label).join(", ")} vs request rate`,
      "request rate (req/s)",
      chartRates.map((r) => (r === "max" ? "max" : compactNumber(r))),
      unit,
      group.map((s) => ({ values: chartRates.map((r) => s.byRate.get(r)!) })),
    );
    if (chart && chartRates.length >= 2) {
      out.push("", `Lines, in order: ${group.map((s) => cell(s.label)).join(", ")} (${cell(unit)}).`, "", chart);
    }
  }
  return out.join("\n");
}

function workloadBlock(w: WorkloadResult): string {
  const blocks = [`### ${cell(w.id)} (${w.kind}): ${w.status}`];
  // The message is often the node's own output (an error tail): code, never Markdown.
  if (w.message) blocks.push(`> ${code(w.message)}`);
  blocks.push(parametersLine(w));
  blocks.push(`Ran ${formatTime(w.startedAt)} to ${formatTime(w.endedAt)} (${formatDuration(secondsBetween(w.startedAt, w.endedAt))}).`);
  const headline = new Set(headlineMetrics(w).map((m) => m.name));
  const plain = w.metrics.filter((m) => m.requestRate === undefined);
  const points = w.metrics.filter((m) => m.requestRate !== undefined);
  if (plain.length > 0)
    blocks.push(table(["Metric", "Unit", "Better", "Median", "Min", "Max", "IQR", "Trials"], metricRows(plain, headline)));
  else if (points.length === 0) blocks.push("_No metric was recorded._");
  if (w.kind === "resnet50") {
    const mfu = w.metrics.find((m) => /mfu/i.test(m.name));
    blocks.push(
      mfu
        ? `**MFU** (model FLOPs utilization: achieved ÷ peak dense FLOP/s at the precision used): median ${formatNumber(mfu.summary.median)} ${cell(mfu.unit)} over ${mfu.summary.n} trial(s).`
        : "**MFU**: not reported by this run (the GPU's peak FLOP/s for this precision is unknown to the workload).",
    );
  }
  if (points.length > 0) blocks.push(sweepBlock(w, points));
  const telemetry = telemetryPart(w);
  if (telemetry) blocks.push(telemetry);
  return blocks.join("\n\n");
}

function workloadsSection(results: Results): string {
  if (results.workloads.length === 0) return ["## Workloads", "", "_No workload ran._"].join("\n");
  return ["## Workloads", "", results.workloads.map(workloadBlock).join("\n\n")].join("\n");
}

function sourceText(comparison: Comparison, results: Results): string {
  const s = comparison.source;
  const scope = `suite hash ${code(results.suite.hash.slice(0, 12))} on ${cell(results.instance?.type ?? "no instance")}`;
  const found = comparison.baselineRuns.length;
  const runs = `${found} run${found === 1 ? "" : "s"} (at most ${comparison.options.runs})`;
  if (s.kind === "history")
    return `Baseline: the last ${runs} that succeeded with ${scope} and the same workload parameters, from ${code(s.uri)}.`;
  if (s.kind === "file")
    return `Baseline: ${runs} from the pinned baseline file ${code(s.path)} that succeeded with ${scope} and the same workload parameters.`;
  return `Not compared: ${cell(s.reason)}.`;
}

function comparisonSection(model: EvidenceModel): string {
  const { comparison, results } = model;
  const out = ["## Comparison with the baseline", "", sourceText(comparison, results), ""];
  out.push(`Rule: ${cell(comparison.rule)}. Magnitude floor: ${comparison.options.thresholdPercent}%.`);
  if (comparison.notes.length > 0) out.push("", ...comparison.notes.map((n) => `- ${cell(n)}`));
  if (comparison.metrics.length > 0) {
    out.push(
      "",
      table(
        ["Workload", "Metric", "Better", "This run", "Baseline mean ± sd (runs)", "Change", "Band", "Min. detectable", "Decision"],
        comparison.metrics.map((m) => [
          cell(m.workload),
          `${m.headline ? "**" : ""}${cell(m.label)}${m.headline ? "**" : ""} ${code(m.metric)}`,
          betterText(m),
          withUnit(m.current, m.unit),
          baselineText(m),
          signedPercent(m.decision.deltaPercent),
          m.decision.bandPercent !== undefined ? `±${percent(m.decision.bandPercent)}` : "—",
          m.decision.mdcPercent !== undefined ? percent(m.decision.mdcPercent) : "unknown",
          decisionText(m),
        ]),
      ),
    );
  }
  if (comparison.baselineRuns.length > 0) {
    out.push("", `<details><summary>Baseline runs (${comparison.baselineRuns.length})</summary>`, "");
    out.push(
      table(
        ["Run", "Started", "Commit", "Where"],
        comparison.baselineRuns.map((r) => [
          cell(`${r.runNumber !== undefined ? `#${r.runNumber} ` : ""}${r.runId}${r.attempt > 1 ? ` attempt ${r.attempt}` : ""}`),
          formatTime(r.startedAt),
          r.sha ? code(r.sha.slice(0, 12)) : "—",
          code(r.folder),
        ]),
      ),
    );
    out.push("", "</details>");
  }
  return out.join("\n");
}

function costSection(cost: CostEstimate): string {
  const out = ["## Cost", ""];
  if (cost.seconds === undefined) {
    out.push(...cost.notes.map((n) => `_${cell(n)}_`));
    return out.join("\n");
  }
  out.push(
    table(
      ["Item", "Value"],
      [
        [
          "Instance time",
          `${formatNumber(cost.seconds)} s (${formatDuration(cost.seconds)})${cost.running ? ", until the evidence was written" : ""}`,
        ],
        ["Billed (per second, 60 s minimum)", `${formatNumber(cost.billedSeconds)} s`],
        ["Price", cost.pricePerHourUsd !== undefined ? `$${compactNumber(cost.pricePerHourUsd)}/h (${cell(cost.priceSource)})` : "unknown"],
        ["Estimate", cost.usd !== undefined ? `**$${cost.usd.toFixed(2)}** (${cell(cost.market)} ${cell(cost.instanceType)})` : "unknown"],
      ],
    ),
  );
  if (cost.notes.length > 0) out.push("", ...cost.notes.map((n) => `- ${cell(n)}`));
  return out.join("\n");
}

function filesSection(model: EvidenceModel): string {
  const { files, results } = model;
  const rows: string[][] = [];
  const add = (what: string, where: string | undefined) => {
    if (where) rows.push([what, code(where)]);
  };
  add("Run folder", files.folder);
  add("This report", files.evidence);
  add("results.json", files.results);
  for (const f of files.benchmarkAction ?? []) add("github-action-benchmark input", f);
  add("Diagnostics tail", files.diagnostics);
  add("History index", files.index);
  add("Raw workload output", results.locations.rawPrefix);
  add("Full diagnostics", results.locations.diagnostics);
  const out = ["## Files", ""];
  out.push(rows.length > 0 ? table(["What", "Where"], rows) : "_Nothing was archived._");
  if (model.notes.length > 0) out.push("", ...model.notes.map((n) => `- ${cell(n)}`));
  return out.join("\n");
}

function somethingFailed(results: Results): boolean {
  return (
    results.outcome.status !== "succeeded" ||
    results.workloads.some((w) => w.status === "failed" || w.status === "oom") ||
    results.faults.some(faultMissedSlo)
  );
}

function diagnosticsSection(model: EvidenceModel, maxBytes: number): string | undefined {
  const tail = model.results.diagnosticsTail;
  if (!tail || !somethingFailed(model.results)) return undefined;
  const full = model.results.locations.diagnostics ?? model.files.diagnostics;
  const kept = tailBytes(tail, maxBytes);
  const cut = byteLength(tail) - byteLength(kept);
  const out = ["## Diagnostics", ""];
  out.push(`The last lines of the diagnostics${full ? ` (all of them: ${code(full)})` : ""}:`, "");
  if (cut > 0) out.push(`_${formatNumber(cut)} earlier bytes left out to fit the summary._`, "");
  out.push(kept.trim().length > 0 ? fenced(kept) : "_(empty)_");
  return out.join("\n");
}

// ─── Assembly, within the size limit ───────────────────────────────────────────────────────────

interface Section {
  name: string;
  text: string;
}

const OMITTED = (name: string) =>
  `## ${name}\n\n_Left out to fit GitHub's job summary limit; evidence.md in the artifact and the S3 archive has it in full._`;

/** Sections dropped, in this order, when even truncated diagnostics do not make the report fit. */
const DROP_ORDER = ["Timeline", "Environment", "Workloads", "Files", "Fault scenarios", "Run", "Cost", "Comparison with the baseline"];

export function renderEvidence(model: EvidenceModel, options: RenderOptions = {}, redact: (s: string) => string = (s) => s): string {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const maxDiagnostics = options.maxDiagnosticsBytes ?? DIAGNOSTICS_LIMIT_BYTES;
  const footer = `---\n<sub>Generated ${formatTime(model.generatedAt)} by ${cell(model.results.tool.name)} ${cell(model.results.tool.version)} · results schema v${model.results.schemaVersion}</sub>`;
  const build = (diagBytes: number): Section[] =>
    [
      { name: "top", text: topSection(model) },
      { name: "Run", text: runSection(model.results) },
      { name: "Environment", text: environmentSection(model.results) },
      { name: "Timeline", text: timelineSection(model.results) },
      { name: "Workloads", text: workloadsSection(model.results) },
      { name: "Fault scenarios", text: faultsSection(model.results.faults) },
      { name: "Comparison with the baseline", text: comparisonSection(model) },
      { name: "Cost", text: costSection(model.cost) },
      { name: "Files", text: filesSection(model) },
      { name: "Diagnostics", text: diagnosticsSection(model, diagBytes) },
      { name: "footer", text: footer },
    ]
      .filter((s): s is Section => s.text !== undefined)
      .map((s) => ({ name: s.name, text: redact(s.text) }));

  const join = (sections: readonly Section[]) => `${sections.map((s) => s.text).join("\n\n")}\n`;
  let sections = build(maxDiagnostics);
  let doc = join(sections);
  if (byteLength(doc) <= maxBytes) return doc;

  // First the diagnostics give way: keep the tail that fits beside everything else.
  const diag = sections.find((s) => s.name === "Diagnostics");
  if (diag) {
    const rest = byteLength(doc) - byteLength(diag.text);
    const room = Math.min(maxDiagnostics, maxBytes - rest - 600);
    sections =
      room >= 256 ? build(room) : sections.map((s) => (s.name === "Diagnostics" ? { name: s.name, text: OMITTED("Diagnostics") } : s));
    doc = join(sections);
  }
  // Then whole detail sections, least telling first; the top (verdict, headline) always stays.
  for (const name of DROP_ORDER) {
    if (byteLength(doc) <= maxBytes) break;
    sections = sections.map((s) => (s.name === name ? { name, text: OMITTED(name) } : s));
    doc = join(sections);
  }
  if (byteLength(doc) > maxBytes) {
    const note = "\n\n_Report cut here to fit GitHub's job summary limit._\n";
    doc = `${headBytes(doc, maxBytes - byteLength(note))}${note}`;
  }
  return doc;
}
