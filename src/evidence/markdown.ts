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
  stepsTable,
  table,
  tailBytes,
} from "./format.js";
import { lineChart, phaseGantt, type XySeries } from "./mermaid.js";
import { DETECTION_POWER, MIN_RUNS_TO_DECIDE, type Decision } from "./regression.js";
import type { Metric, Results, WorkloadResult } from "./results.js";
import { faultMissedSlo, type Verdict, type VerdictKind } from "./verdict.js";
import { faultsSection } from "./faults-section.js";
import { platformSection } from "./platform-section.js";
import { bandwidthBlock, bytesText, scalingBlock, servingLayoutBlock } from "./distributed-section.js";
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

export const VERDICT_MARK: Record<VerdictKind, string> = {
  pass: "✅ pass",
  "first-run": "🆕 first run",
  regression: "🔴 regression",
  "fault-slo-missed": "🟠 fault SLO missed",
  failed: "❌ failed",
};

export const DECISION_MARK: Record<Decision, string> = {
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

/** "1,005 img/s", "31.35%" (as every other percentage here); a fraction (scaling efficiency) is a bare number. */
function withUnit(value: number | undefined, unit: string): string {
  const v = formatNumber(value);
  if (v === "—" || !unit || unit === "fraction") return v;
  return unit === "%" ? `${v}%` : `${v} ${unit}`;
}

function baselineText(c: MetricComparison): string {
  const d = c.decision;
  if (d.baselineMean === undefined) return "—";
  return `${withUnit(d.baselineMean, c.unit)} (mean of ${d.runs})`;
}

/**
 * The regression rule's one threshold, the way it works: one-sided, on the worse side only, as
 * the value a run would have to cross and the change that is: "< 955.1 img/s (−5.0%)".
 */
function regressionIfText(c: MetricComparison): string {
  const d = c.decision;
  if (d.baselineMean === undefined || d.limitPercent === undefined) return "—";
  const sign = c.direction === "higher" ? -1 : 1;
  const limit = d.baselineMean * (1 + (sign * d.limitPercent) / 100);
  return `${c.direction === "higher" ? "<" : ">"} ${withUnit(limit, c.unit)} (${sign < 0 ? "−" : "+"}${percent(d.limitPercent)})`;
}

function decisionText(c: MetricComparison): string {
  return DECISION_MARK[c.decision.decision];
}

/** "4 req/s", "max load (all at once)", or "" for a metric not measured at a request rate. */
function rateText(rate: Metric["requestRate"]): string {
  if (rate === undefined) return "";
  return rate === "max" ? "max load" : `${compactNumber(rate)} req/s`;
}

/**
 * The request rate a comparison's metric was measured at, from its name: "ttft_p99_ms@4rps" (as
 * src/workloads/llm.ts names them), "ttft_p99_ms@4", "…@max" or "…@inf".
 */
export function rateOfName(name: string): Metric["requestRate"] {
  const at = /@([^@]+)$/.exec(name)?.[1];
  if (at === undefined) return undefined;
  if (at === "max" || at === "inf") return "max";
  const n = Number(/^(.*?)(?:rps)?$/.exec(at)![1]);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** "SLO: TTFT ≤ 200 ms, TPOT ≤ 50 ms" from a serving workload's parameters, or "" when none was set. */
function sloText(parameters: WorkloadResult["parameters"] | undefined): string {
  if (!parameters) return "";
  const parts = [
    ["sloTtftMs", "TTFT"],
    ["sloTpotMs", "TPOT"],
    ["sloE2elMs", "E2E latency"],
  ]
    .filter(([k]) => typeof parameters[k!] === "number")
    .map(([k, what]) => `${what} ≤ ${compactNumber(parameters[k!] as number)} ms`);
  return parts.length > 0 ? `SLO: ${parts.join(", ")}` : "";
}

/**
 * Where a metric was measured, from its name: the request rate ("4 req/s", "max load") of a serving
 * metric, or the message size ("4 MiB") of an all-reduce's ("bus_bandwidth_gbps@4194304B"); "" for neither.
 */
export function pointText(name: string): string {
  const size = /@(\d+)B$/.exec(name)?.[1];
  return size !== undefined ? bytesText(Number(size)) : rateText(rateOfName(name));
}

/** A metric's name for a reader: "llm-serving · TTFT p99 at 4 req/s", "allreduce · Bus bandwidth at 1 GiB", goodput with its SLO. */
function metricTitle(results: Results, c: Pick<MetricComparison, "workload" | "label" | "metric">): string {
  const point = pointText(c.metric);
  const slo = /goodput/i.test(c.metric) ? sloText(results.workloads.find((w) => w.id === c.workload)?.parameters) : "";
  return `${cell(c.workload)} · ${cell(c.label)}${point ? ` at ${point}` : ""}${slo ? ` (${cell(slo)})` : ""}`;
}

/**
 * A run on the local AWS stand-in (npm start, the tests) is recognisable by its AMI, which the
 * stand-in names "… stand-in": its numbers come from the CPU, not from the GPU the inventory names.
 */
export function isStandInRun(results: Results): boolean {
  return /\bstand-in\b/i.test(results.instance?.amiName ?? "");
}

function gpuLine(results: Results): string {
  const gpus = results.inventory?.gpus ?? [];
  if (gpus.length === 0) return "not inventoried";
  const first = gpus[0]!;
  const same = gpus.every((g) => g.name === first.name);
  const memory = first.memoryMiB !== undefined ? `, ${formatNumber(first.memoryMiB)} MiB` : "";
  let name = same ? `${gpus.length} × ${first.name}${memory}` : gpus.map((g) => g.name).join(", ");
  // A multi-node run: the inventory above is node 0's; say so, and how many GPUs the run had in all.
  const nodes = results.nodes ?? [];
  if (nodes.length > 1) {
    const counted = nodes.every((n) => n.inventory !== undefined);
    const total = nodes.reduce((sum, n) => sum + (n.inventory?.gpus.length ?? 0), 0);
    name += counted ? ` per node, ${total} GPUs on ${nodes.length} nodes` : ` on node 0 (of ${nodes.length} nodes)`;
  }
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

type DeadMan = NonNullable<NonNullable<Results["instance"]>["deadManSwitch"]>;

/** A multi-node run's nodes in one line: how many, of which type, in which zone(s), each id (node 0 is the k3s server). */
function nodesText(nodes: NonNullable<Results["nodes"]>, type: string): string {
  const zones = [...new Set(nodes.map((n) => n.availabilityZone))].map(cell).join(", ");
  const ids = nodes.map((n) => `${code(n.instance)}${n.index === 0 ? " (node 0: the k3s server)" : ""}`).join(", ");
  return `${nodes.length} × ${cell(type)} in ${zones}: ${ids}`;
}

function deadManText(d: DeadMan): string {
  if (d.fired) return `**fired**${d.firedAt ? ` at ${d.firedAt}` : ""}: the instance powered itself off at its expiry (\`ttl-minutes\`)`;
  if (!d.armed) return "not armed";
  const notes = [d.via, d.persistent ? "re-armed at every boot" : "", d.armedByUserData === false ? "user data had not armed it" : ""];
  return `armed for ${d.firesAt ?? "?"} (${notes.filter(Boolean).join(", ")})`;
}

// ─── Top: the one screen ───────────────────────────────────────────────────────────────────────

function topSection(model: EvidenceModel): string {
  const { results, verdict } = model;
  const type = results.instance?.type ?? "no instance";
  const out: string[] = [];
  out.push(`# GPU benchmark evidence: ${cell(results.suite.name)} on ${cell(type)}`);
  out.push("");
  if (isStandInRun(results)) {
    out.push(
      "> [!NOTE]",
      "> This run used the local AWS stand-in, not AWS: the instance, the GPU inventory and every number below come from a CPU sandbox, not from the GPU named here.",
      "",
    );
  }
  out.push(`**Verdict: ${VERDICT_MARK[verdict.kind]}**: ${cell(verdict.reason)}`);
  out.push("");
  if (verdict.kind === "failed") out.push(whatWentWrong(model), "");
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
        ...(inst && results.nodes && results.nodes.length > 1 ? [["Nodes", nodesText(results.nodes, inst.type)]] : []),
        ["GPU", gpuLine(results)],
        ["Suite", `${cell(results.suite.name)} · hash ${code(results.suite.hash.slice(0, 12))}`],
        ["Run", `${runLink(results)}${commit}${results.run.event ? ` · ${cell(results.run.event)}` : ""}`],
        ...(inst?.deadManSwitch ? [["Dead-man switch", deadManText(inst.deadManSwitch)]] : []),
      ],
    ),
  );
  out.push("", headlineSection(model));
  return out.join("\n");
}

/** Lines of the diagnostics that say what broke (errors, OOM, crash loops), the last few of them. */
export function decisiveLines(tail: string | undefined, max = 6): string[] {
  if (!tail) return [];
  const telling =
    /out of memory|OutOfMemory|OOMKilled|\bOOM\b|error|exception|traceback|fatal|failed|CrashLoopBackOff|ImagePullBackOff|ErrImagePull|Killed|panic|timed out/i;
  return tail
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => telling.test(l) && !/^`+$/.test(l))
    .slice(-max);
}

/** The phase a failure happened in, by the outcome's phase or the failed workload's id. */
function failedPhaseOf(results: Results, workloadId?: string) {
  const names = [results.outcome.failedPhase, workloadId, workloadId && `workload ${workloadId}`].filter(Boolean);
  return results.phases.find((p) => names.includes(p.name)) ?? results.phases.find((p) => p.status === "failed");
}

const STEP_MARK: Record<string, string> = { ok: "✅ done", failed: "❌ failed", skipped: "⏭ skipped", cancelled: "⏹ cancelled" };

/** For a failed run, before anything else: the cause, the decisive diagnostics lines, what finished and what did not. */
function whatWentWrong(model: EvidenceModel): string {
  const { results } = model;
  const broken = results.workloads.find((w) => w.status === "failed" || w.status === "oom");
  const phase = failedPhaseOf(results, broken?.id);
  const cause =
    results.outcome.status !== "succeeded"
      ? (results.outcome.message ?? `${results.outcome.status} in ${results.outcome.failedPhase ?? "an unknown phase"}`)
      : `${broken?.id ?? "a workload"} ${broken?.status === "oom" ? "ran out of memory" : "failed"}${broken?.message ? `: ${broken.message}` : ""}`;
  const duration = phase ? formatDuration(secondsBetween(phase.startedAt, phase.endedAt)) : undefined;
  const subject = broken?.id ?? results.outcome.failedPhase?.replace(/^workload /, "");
  const said = subject && cause.startsWith(`${subject}: `) ? cause.slice(subject.length + 2) : cause;
  const out = ["### What went wrong", ""];
  // The message is often the node's own output: code, never Markdown.
  out.push(`**Cause:** ${code(said)}${phase ? ` (phase ${code(phase.name)}, ${phase.status} after ${duration})` : ""}.`);
  // The rest of a refusal: what it weighed and the input to change (a budget, quota or capacity refusal's list).
  if (results.outcome.status === "failed" && results.outcome.detail) out.push("", fenced(results.outcome.detail));
  const lines = decisiveLines(results.diagnosticsTail);
  if (lines.length > 0) {
    out.push(
      "",
      `From the diagnostics (the tail is under Diagnostics below${results.locations.diagnostics ? `, all of them in ${code(results.locations.diagnostics)}` : ""}):`,
    );
    out.push("", fenced(lines.join("\n")));
  }
  const steps: string[][] = results.phases
    .filter((p) => Date.parse(p.endedAt) > Date.parse(p.startedAt) || p.status !== "ok")
    .map((p) => [cell(p.name), STEP_MARK[p.status] ?? p.status, formatDuration(secondsBetween(p.startedAt, p.endedAt))]);
  for (const f of results.faults) {
    steps.push([`fault ${cell(f.id)}`, `${STEP_MARK[f.status] ?? cell(f.status)}${f.message ? `: ${code(f.message)}` : ""}`, "—"]);
  }
  if (steps.length > 0) out.push("", "What finished and what did not:", "", table(["Step", "Status", "Duration"], steps));
  return out.join("\n");
}

function headlineSection(model: EvidenceModel): string {
  const { results, verdict, comparison } = model;
  const headline = comparison.metrics.filter((m) => m.headline);
  const broken = results.workloads.filter((w) => w.status !== "ok");
  const out: string[] = [];
  out.push(
    verdict.kind === "failed" && headline.length > 0 ? "### Headline metrics of the workloads that finished" : "### Headline metrics",
    "",
  );
  if (headline.length === 0) {
    out.push(
      results.workloads.some((w) => w.status === "ok")
        ? "_No headline metric was measured._"
        : "_No workload completed, so there is no metric to show._",
    );
    return out.join("\n");
  }
  if (verdict.kind === "first-run") {
    out.push(
      table(
        ["Metric", "This run"],
        headline.map((m) => [`${metricTitle(results, m)} (${betterText(m)})`, withUnit(m.current, m.unit)]),
      ),
    );
    out.push(
      "",
      `<sub>Each value is the median of the run's trials. Later runs of this suite on ${cell(results.instance?.type ?? "this instance type")} are compared with them; ` +
        `a change is judged once ${MIN_RUNS_TO_DECIDE} earlier runs exist.</sub>`,
    );
    return out.join("\n");
  }
  const rows = headline.map((m) => [
    `${metricTitle(results, m)} (${betterText(m)})`,
    withUnit(m.current, m.unit),
    baselineText(m),
    signedPercent(m.decision.deltaPercent),
    regressionIfText(m),
    decisionText(m),
  ]);
  for (const w of broken) rows.push([`${cell(w.id)}`, `did not finish (${w.status})`, "—", "—", "—", "not judged"]);
  out.push(table(["Metric", "This run", "Baseline", "Change", "Regression if", "Decision"], rows));
  const mdc = headline
    .filter((m) => m.decision.mdcPercent !== undefined)
    .map((m) => `${cell(m.label)}${pointText(m.metric) ? ` at ${pointText(m.metric)}` : ""} ${percent(m.decision.mdcPercent)}`);
  out.push(
    "",
    `<sub>Each run's value is the median of its trials. "Regression if" is the rule's one threshold on the worse side: ` +
      `the one-sided ${cell(comparison.rule.match(/\d+% t prediction interval/)?.[0] ?? "prediction interval")} from the baseline runs, never closer than the ${comparison.options.thresholdPercent}% floor. ` +
      (mdc.length > 0
        ? `The smallest change this history catches in ${DETECTION_POWER * 100}% of runs: ${mdc.join(", ")}; a smaller one may pass unnoticed.`
        : "") +
      `</sub>`,
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
  if (results.nodes && results.nodes.length > 1) out.push("", ...clusterNodesBlock(results.nodes));
  if (!inv) {
    out.push("", "_No inventory was collected (the run stopped before the node was ready)._");
    return out.join("\n");
  }
  if (inv.gpus.length > 0) {
    // The clocks read at inventory time are idle readings (the GPU has nothing to do yet): left out; the maxima are what the workloads may reach.
    out.push("", "GPUs (the physical GPU differs from run to run; its UUID tells them apart):", "");
    out.push(
      table(
        ["#", "GPU", "Memory", "Power limit", "Max clocks (SM / memory)", "Compute capability"],
        inv.gpus.map((g) => [
          String(g.index),
          `${cell(g.name)}${g.eccMode ? ` · ECC ${cell(g.eccMode)}` : ""}`,
          g.memoryMiB !== undefined ? `${formatNumber(g.memoryMiB)} MiB` : "—",
          g.powerLimitW !== undefined ? `${compactNumber(g.powerLimitW)} W` : "—",
          `${g.maxSmClockMHz !== undefined ? `${g.maxSmClockMHz} MHz` : "—"} / ${g.maxMemClockMHz !== undefined ? `${g.maxMemClockMHz} MHz` : "—"}`,
          cell(g.computeCapability),
        ]),
      ),
    );
    const uuids = inv.gpus.filter((g) => g.uuid).map((g) => `${g.index}: ${code(g.uuid!)}`);
    if (uuids.length > 0) out.push("", `UUIDs: ${uuids.join(" · ")}`);
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

/** A multi-node run's nodes, one row each: what each one is (its own inventory) and how it is networked. */
function clusterNodesBlock(nodes: NonNullable<Results["nodes"]>): string[] {
  const rows = nodes.map((n) => {
    const inv = n.inventory;
    const gpus = inv?.gpus ?? [];
    const names = [...new Set(gpus.map((g) => g.name).filter(Boolean))];
    const net = (inv?.networkInterfaces ?? []).map((i) => `${i.name}${i.driver ? ` (${i.driver})` : ""}`);
    return [
      String(n.index),
      code(n.instance),
      n.nodeName ? code(n.nodeName) : "—",
      cell(n.privateIp),
      inv ? `${gpus.length}${names.length > 0 ? ` × ${cell(names.join(", "))}` : ""}` : "—",
      gpus
        .filter((g) => g.uuid)
        .map((g) => code(g.uuid!))
        .join(" ") || "—",
      inv ? cell(`${inv.driverVersion ?? "?"} / ${inv.cudaVersion ?? "?"}`) : "—",
      inv ? cell(net.join(", ")) || "—" : "—",
      inv ? (inv.efaDevices.length > 0 ? cell(inv.efaDevices.join(", ")) : "none") : "—",
    ];
  });
  return [
    "Nodes of the cluster (node 0 is the k3s server; each row is that node's own inventory):",
    "",
    table(["Node", "Instance", "k3s node", "Private IP", "GPUs", "GPU UUIDs", "Driver / CUDA", "Network interfaces", "EFA"], rows),
  ];
}

function timelineSection(results: Results): string {
  const out = ["## Timeline", ""];
  if (results.phases.length === 0) {
    out.push("_No phase was recorded._");
    return out.join("\n");
  }
  // A cluster's timeline has a section per node: node k's phases are named "node<k> <phase>".
  const perNode = (results.nodes?.length ?? 0) > 1;
  const gantt = phaseGantt(
    results.phases,
    perNode ? "Phases per node (UTC)" : undefined,
    perNode ? (p) => /^node(\d+) /.exec(p.name)?.[1] : undefined,
  );
  if (gantt) out.push(gantt, "");
  out.push(stepsTable("Phase", results.phases));
  return out.join("\n");
}

function parametersLine(w: WorkloadResult): string {
  const entries = Object.entries(w.parameters).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "_No parameters recorded._" : `Parameters: ${entries.map(([k, v]) => code(`${k}=${String(v)}`)).join(" ")}`;
}

function metricRows(metrics: readonly Metric[], headline: ReadonlySet<string>): string[][] {
  return metrics.map((m) => {
    const bold = headline.has(m.name) ? "**" : "";
    return [
      `${bold}${cell(m.label)}${bold} (${betterText(m)}) ${code(m.name)}`,
      withUnit(m.summary.median, m.unit),
      `${formatNumber(m.summary.min)} – ${formatNumber(m.summary.max)}`,
      formatNumber(m.summary.iqr),
      String(m.summary.n),
    ];
  });
}

const STATISTIC = /\s+(mean|median|p\d+)$/i;

/** "TTFT p99" → { quantity: "TTFT", statistic: "p99" }; a label without a statistic is its own quantity. */
function splitLabel(label: string): { quantity: string; statistic?: string } {
  const m = STATISTIC.exec(label);
  return m ? { quantity: label.slice(0, m.index), statistic: m[1]!.toLowerCase() } : { quantity: label };
}

/** A chart with its table and legend: a table beside every chart, for viewers that do not render Mermaid. */
function chartBlock(heading: string, tableText: string, chart: ReturnType<typeof lineChart>): string {
  const out = [heading, "", tableText];
  if (chart) out.push("", cell(chart.legend), "", chart.chart);
  return out.join("\n");
}

/**
 * An LLM-serving sweep: what it reached at max load (not a point on the request-rate axis), then
 * one table and chart per quantity (throughput; each latency with its median and p99 and the
 * baseline's p99), latency against achieved throughput with the SLO line, and failed requests
 * only when some failed.
 */
function sweepBlock(model: EvidenceModel, w: WorkloadResult, points: readonly Metric[]): string {
  const rates = [...new Set(points.map((m) => m.requestRate).filter((r): r is number => typeof r === "number"))].sort((a, b) => a - b);
  const x = rates.map((r) => compactNumber(r));
  const at = (label: string, rate: number | "max") => points.find((m) => m.label === label && m.requestRate === rate);
  const baseline = (m: Metric | undefined) =>
    m && model.comparison.metrics.find((c) => c.workload === w.id && c.metric === m.name)?.decision.baselineMean;
  const labels = [...new Set(points.map((m) => m.label))];
  const unitOf = (label: string) => points.find((m) => m.label === label)!.unit;
  const slo = sloText(w.parameters);
  const out = [`#### ${cell(w.id)}: serving sweep`];

  const atMax = points.filter((m) => m.requestRate === "max" && !/failed/i.test(m.name));
  if (atMax.length > 0) {
    out.push(
      "",
      "At max load (every request sent at once; the most it can serve, not a point on the request-rate axis):",
      "",
      table(
        ["Metric", "This run", "Baseline"],
        atMax.map((m) => [`${cell(m.label)} (${betterText(m)})`, withUnit(m.summary.median, m.unit), withUnit(baseline(m), m.unit)]),
      ),
    );
  }
  if (rates.length === 0) return out.join("\n");
  const rateHeader = "Request rate (req/s)";

  // Throughput: every rate-like quantity in one table; the chart shows output tokens/s against the baseline.
  const throughputs = labels.filter((l) => /\/s$/.test(unitOf(l)) && !splitLabel(l).statistic);
  if (throughputs.length > 0) {
    const header = throughputs.map((l) => `${cell(l)} (${cell(unitOf(l))}${/goodput/i.test(l) && slo ? `; ${cell(slo)}` : ""})`);
    const rows = rates.map((r, i) => [x[i]!, ...throughputs.map((l) => formatNumber(at(l, r)?.summary.median))]);
    const main = throughputs.find((l) => unitOf(l) === "tok/s") ?? throughputs[0]!;
    const series: XySeries[] = [{ name: `${main} this run`, values: rates.map((r) => at(main, r)?.summary.median) }];
    const base = rates.map((r) => baseline(at(main, r)));
    if (base.every((v) => v !== undefined)) series.push({ name: `${main} baseline mean`, values: base, color: "green" });
    out.push(
      "",
      chartBlock(
        `Throughput by request rate:`,
        table([rateHeader, ...header], rows),
        lineChart(`${main} by request rate`, "request rate (req/s)", x, unitOf(main), series),
      ),
    );
  }

  // Latency: one chart per quantity, so TTFT and TPOT do not share an axis.
  const quantities = [...new Set(labels.filter((l) => splitLabel(l).statistic && unitOf(l) === "ms").map((l) => splitLabel(l).quantity))];
  for (const q of quantities) {
    const stats = labels.filter((l) => splitLabel(l).quantity === q && splitLabel(l).statistic);
    const p99 = stats.find((l) => /p99$/i.test(l));
    const mid = stats.find((l) => /(median|p50)$/i.test(l));
    const rows = rates.map((r, i) => [
      x[i]!,
      ...stats.map((l) => formatNumber(at(l, r)?.summary.median)),
      ...(p99 ? [formatNumber(baseline(at(p99, r)))] : []),
    ]);
    const series: XySeries[] = [];
    for (const l of [mid, p99]) if (l) series.push({ name: l, values: rates.map((r) => at(l, r)?.summary.median) });
    if (p99) {
      const base = rates.map((r) => baseline(at(p99, r)));
      if (base.every((v) => v !== undefined)) series.push({ name: `${p99} baseline mean`, values: base, color: "green" });
    }
    out.push(
      "",
      chartBlock(
        `${cell(q)} by request rate (ms, lower is better):`,
        table([rateHeader, ...stats.map((l) => cell(splitLabel(l).statistic!)), ...(p99 ? ["baseline p99"] : [])], rows),
        lineChart(`${q} (ms) by request rate`, "request rate (req/s)", x, "ms", series),
      ),
    );
  }

  // Latency against the throughput actually achieved, with the SLO as a line.
  const achievedLabel = labels.find((l) => unitOf(l) === "req/s" && !/goodput/i.test(l));
  const ttftP99 = labels.find((l) => /^TTFT p99$/i.test(l));
  const sloTtft = typeof w.parameters.sloTtftMs === "number" ? w.parameters.sloTtftMs : undefined;
  if (achievedLabel && ttftP99) {
    const pairs = rates
      .map((r) => ({ achieved: at(achievedLabel, r)?.summary.median, latency: at(ttftP99, r)?.summary.median }))
      .filter((p): p is { achieved: number; latency: number } => p.achieved !== undefined && p.latency !== undefined);
    const series: XySeries[] = [{ name: "TTFT p99", values: pairs.map((p) => p.latency) }];
    if (sloTtft !== undefined) series.push({ name: `SLO ${compactNumber(sloTtft)} ms`, values: pairs.map(() => sloTtft), color: "red" });
    out.push(
      "",
      chartBlock(
        `TTFT p99 against achieved throughput${sloTtft !== undefined ? ` (SLO: TTFT ≤ ${compactNumber(sloTtft)} ms)` : ""}:`,
        table(
          ["Achieved (req/s)", "TTFT p99 (ms)", ...(sloTtft !== undefined ? ["Within SLO"] : [])],
          pairs.map((p) => [
            formatNumber(p.achieved),
            formatNumber(p.latency),
            ...(sloTtft !== undefined ? [p.latency <= sloTtft ? "✅ yes" : "❌ no"] : []),
          ]),
        ),
        lineChart(
          "TTFT p99 (ms) by achieved req per s",
          "achieved throughput (req/s)",
          pairs.map((p) => compactNumber(Number(p.achieved.toPrecision(3)))),
          "ms",
          series,
        ),
      ),
    );
  }

  // Failed requests: only worth a chart when some failed.
  const failed = labels.find((l) => /failed/i.test(l));
  if (failed && points.some((m) => m.label === failed && m.summary.max > 0)) {
    out.push(
      "",
      chartBlock(
        "Failed requests by request rate:",
        table(
          [rateHeader, `${cell(failed)} (${cell(unitOf(failed))})`],
          rates.map((r, i) => [x[i]!, formatNumber(at(failed, r)?.summary.median)]),
        ),
        lineChart("Failed requests by request rate", "request rate (req/s)", x, unitOf(failed), [
          { name: "failed requests", values: rates.map((r) => at(failed, r)?.summary.median) },
        ]),
      ),
    );
  }
  return out.join("\n");
}

function workloadBlock(model: EvidenceModel, w: WorkloadResult): string {
  const blocks = [`### ${cell(w.id)} (${w.kind}): ${w.status}`];
  // The message is often the node's own output (an error tail): code, never Markdown.
  if (w.message) blocks.push(`> ${code(w.message)}`);
  blocks.push(parametersLine(w));
  blocks.push(`Ran ${formatTime(w.startedAt)} to ${formatTime(w.endedAt)} (${formatDuration(secondsBetween(w.startedAt, w.endedAt))}).`);
  const headline = new Set(headlineMetrics(w).map((m) => m.name));
  const plain = w.metrics.filter((m) => m.requestRate === undefined && m.messageBytes === undefined);
  const points = w.metrics.filter((m) => m.requestRate !== undefined);
  const sized = w.metrics.filter((m) => m.messageBytes !== undefined);
  if (plain.length > 0) blocks.push(table(["Metric", "Median", "Min – max", "IQR", "Trials"], metricRows(plain, headline)));
  else if (points.length === 0 && sized.length === 0) blocks.push("_No metric was recorded._");
  if (sized.length > 0) blocks.push(bandwidthBlock(w, sized));
  const scaling = scalingBlock(w);
  if (scaling) blocks.push(scaling);
  const layout = servingLayoutBlock(w);
  if (layout) blocks.push(layout);
  if (w.kind === "resnet50") {
    const mfu = w.metrics.find((m) => /mfu/i.test(m.name));
    blocks.push(
      mfu
        ? `**MFU** (model FLOPs utilization: achieved ÷ peak dense FLOP/s at the precision used): median ${withUnit(mfu.summary.median, cell(mfu.unit))} over ${mfu.summary.n} trial(s).`
        : w.parameters.device === "cpu"
          ? "**MFU**: not reported: the workload ran on the CPU, with no GPU peak to compare with."
          : "**MFU**: not reported by this run (the GPU's peak FLOP/s for this precision is unknown to the workload).",
    );
  }
  if (points.length > 0) blocks.push(sweepBlock(model, w, points));
  const telemetry = telemetryPart(w);
  if (telemetry) blocks.push(telemetry);
  return blocks.join("\n\n");
}

function workloadsSection(model: EvidenceModel): string {
  const { results } = model;
  if (results.workloads.length === 0) return ["## Workloads", "", "_No workload ran._"].join("\n");
  return ["## Workloads", "", results.workloads.map((w) => workloadBlock(model, w)).join("\n\n")].join("\n");
}

function sourceText(comparison: Comparison, results: Results): string {
  const s = comparison.source;
  const scope = `suite hash ${code(results.suite.hash.slice(0, 12))} on ${cell(results.instance?.type ?? "no instance")}`;
  const found = comparison.baselineRuns.length;
  const where = s.kind === "history" ? `in ${code(s.uri)}` : s.kind === "file" ? `in the pinned baseline file ${code(s.path)}` : "";
  if (s.kind === "none") return `Not compared: ${cell(s.reason)}.`;
  if (found === 0)
    return `Nothing to compare with yet: no earlier run that succeeded with ${scope} and the same workload parameters ${where}.`;
  const runs = `${found === 1 ? "the 1 run" : `the last ${found} runs`} (at most ${comparison.options.runs})`;
  return `Baseline: ${runs} that succeeded with ${scope} and the same workload parameters, ${where}.`;
}

function comparisonSection(model: EvidenceModel): string {
  const { comparison, results } = model;
  const out = ["## Comparison with the baseline", "", sourceText(comparison, results)];
  if (comparison.notes.length > 0) out.push("", ...comparison.notes.map((n) => `- ${cell(n)}`));
  const judged = comparison.metrics.some((m) => m.decision.decision !== "no-baseline");
  if (!judged) return out.join("\n");
  out.push("", `Rule: ${cell(comparison.rule)}.`);
  out.push(
    "",
    table(
      ["Metric", "This run", "Baseline", "Change", "Regression if", "Decision"],
      comparison.metrics.map((m) => [
        `${m.headline ? "**" : ""}${metricTitle(results, m)}${m.headline ? "**" : ""} (${betterText(m)})`,
        withUnit(m.current, m.unit),
        baselineText(m),
        signedPercent(m.decision.deltaPercent),
        regressionIfText(m),
        decisionText(m),
      ]),
    ),
  );
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

/**
 * Each headline metric over the baseline runs and this one, with the baseline mean and the
 * regression threshold as lines: the trend the weekly regression run exists for.
 */
function trendsSection(model: EvidenceModel): string | undefined {
  const { comparison, results } = model;
  const metrics = comparison.metrics.filter((m) => m.headline && m.history.length > 0);
  if (metrics.length === 0) return undefined;
  const out = [
    "## Trends",
    "",
    `Each headline metric in the last ${comparison.baselineRuns.length} run(s) (the baseline) and this one, with the baseline mean and the value beyond which the rule calls a regression.`,
  ];
  for (const m of metrics) {
    const thisRun = results.run.number !== undefined ? `#${results.run.number} (this run)` : "this run";
    const x = [...m.history.map((h) => h.run), thisRun];
    const values = [...m.history.map((h) => h.value), m.current];
    const d = m.decision;
    const series: XySeries[] = [{ name: m.label, values }];
    if (d.baselineMean !== undefined) series.push({ name: "baseline mean", values: x.map(() => d.baselineMean), color: "green" });
    if (d.baselineMean !== undefined && d.limitPercent !== undefined) {
      const limit = d.baselineMean * (1 + ((m.direction === "higher" ? -1 : 1) * d.limitPercent) / 100);
      series.push({ name: `regression threshold ${withUnit(limit, m.unit)}`, values: x.map(() => limit), color: "red" });
    }
    const rows = x.map((run, i) => [cell(run), withUnit(values[i], m.unit)]);
    const chart = lineChart(`${m.label} (${m.unit}) per run`, "run", x, m.unit, series);
    out.push("", `### ${metricTitle(results, m)}`, "");
    if (chart) out.push(cell(chart.legend), "", chart.chart, "");
    out.push(`<details><summary>Values (${x.length} runs)</summary>`, "", table(["Run", cell(m.label)], rows), "", "</details>");
  }
  return out.join("\n");
}

function budgetText(budget: NonNullable<CostEstimate["budget"]>): string {
  const worst = budget.worstCaseUsd !== undefined ? `; at most $${budget.worstCaseUsd.toFixed(2)} before ttl-minutes` : "";
  const stopped = budget.stoppedRun ? `; **reached at ${cell(budget.reachedAt)}: the budget stopped the run and sent it to cleanup**` : "";
  return `$${budget.maxCostUsd.toFixed(2)}${worst}${stopped}`;
}

function costSection(cost: CostEstimate): string {
  const out = ["## Cost", ""];
  if (cost.seconds === undefined) {
    out.push(...cost.notes.map((n) => `_${cell(n)}_`));
    if (cost.budget) out.push("", `Budget (max-cost-usd): ${budgetText(cost.budget)}`);
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
        ...(cost.onDemandPerHourUsd !== undefined && cost.pricePerHourUsd !== undefined
          ? [
              [
                "On-demand price",
                `$${compactNumber(cost.onDemandPerHourUsd)}/h (spot saved ${Math.round((1 - cost.pricePerHourUsd / cost.onDemandPerHourUsd) * 100)}%)`,
              ],
            ]
          : []),
        ...(cost.budget ? [["Budget (max-cost-usd)", budgetText(cost.budget)]] : []),
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

/**
 * The report's top-level order, in one place: a new section (fault scenarios, GPU telemetry, …)
 * gets a name here and a builder in SECTION_BUILDERS. The top (verdict, what went wrong,
 * headline metrics) comes first; what a reader acts on before what documents the run.
 */
export const REPORT_ORDER = [
  "top",
  "Trends",
  "Workloads",
  "Fault scenarios",
  "Platform",
  "Comparison with the baseline",
  "Timeline",
  "Environment",
  "Run",
  "Cost",
  "Files",
  "Diagnostics",
  "footer",
] as const;
type SectionName = (typeof REPORT_ORDER)[number];

const SECTION_BUILDERS: Record<Exclude<SectionName, "footer">, (model: EvidenceModel, diagnosticsBytes: number) => string | undefined> = {
  top: topSection,
  Trends: trendsSection,
  Workloads: workloadsSection,
  "Fault scenarios": (m) => faultsSection(m.results.faults),
  Platform: (m) => platformSection(m.results),
  "Comparison with the baseline": comparisonSection,
  Timeline: (m) => timelineSection(m.results),
  Environment: (m) => environmentSection(m.results),
  Run: (m) => runSection(m.results),
  Cost: (m) => costSection(m.cost),
  Files: filesSection,
  Diagnostics: diagnosticsSection,
};

const OMITTED = (name: string) =>
  `## ${name}\n\n_Left out to fit GitHub's job summary limit; evidence.md in the artifact and the S3 archive has it in full._`;

/** Sections dropped, in this order, when even truncated diagnostics do not make the report fit. */
const DROP_ORDER = [
  "Timeline",
  "Environment",
  "Trends",
  "Workloads",
  "Files",
  "Fault scenarios",
  "Platform",
  "Run",
  "Cost",
  "Comparison with the baseline",
];

export function renderEvidence(model: EvidenceModel, options: RenderOptions = {}, redact: (s: string) => string = (s) => s): string {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const maxDiagnostics = options.maxDiagnosticsBytes ?? DIAGNOSTICS_LIMIT_BYTES;
  const footer = `---\n<sub>Generated ${formatTime(model.generatedAt)} by ${cell(model.results.tool.name)} ${cell(model.results.tool.version)} · results schema v${model.results.schemaVersion}</sub>`;
  const build = (diagBytes: number): Section[] =>
    REPORT_ORDER.map((name): { name: string; text: string | undefined } => ({
      name,
      text: name === "footer" ? footer : SECTION_BUILDERS[name](model, diagBytes),
    }))
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
