import { faultMissedSlo, resilienceScore, type FaultResult, type TimelinePoint, type WindowMetrics } from "./fault-results.js";
import { cell, code, compactNumber, formatNumber, percent, table } from "./format.js";
import { paletteHex, xyInit } from "./mermaid.js";

/**
 * The evidence's "Fault scenarios" section: one row per fault, then for each LLM-serving fault a
 * chart of successful and failed requests per second around the injection, with the injection
 * and the recovery marked on the x axis, and the window metrics in a table beside it.
 */

const STATUS_MARK: Record<FaultResult["status"], string> = {
  ok: "✅ ok",
  "slo-missed": "❌ slo-missed",
  "not-injected": "⚠️ not-injected",
  "not-recovered": "❌ not-recovered",
  error: "❌ error",
};

/** Charts keep at most this many x categories: longer windows are summed into wider buckets. */
const MAX_CHART_POINTS = 48;

/** Seconds at the measurement's resolution (1 s), with one decimal for sub-second detection. */
function seconds(value: number | undefined): string {
  return value === undefined ? "—" : `${compactNumber(Number(value.toFixed(1)))} s`;
}

function sloText(f: FaultResult): string {
  return `≤ ${compactNumber(f.slo.maxRecoverySeconds)} s, errors ≤ ${compactNumber(f.slo.maxErrorRate * 100)}%, ±${compactNumber(f.slo.band)}%`;
}

function injectedText(f: FaultResult): string {
  if (!f.injected) return "no";
  return f.verified ? "yes / verified" : "yes / not verified";
}

export function faultRows(faults: readonly FaultResult[]): string {
  return table(
    ["Fault", "Kind", "Target", "Injected", "Detection", "First success", "Recovery", "Error rate", "SLO", "Status"],
    faults.map((f) => [
      `${cell(f.id)} (${cell(f.workload)})`,
      cell(f.kind),
      f.target ? code(f.target) : "—",
      injectedText(f),
      seconds(f.timeToDetectSeconds),
      seconds(f.timeToFirstSuccessSeconds),
      seconds(f.recoverySeconds),
      f.errorRate === undefined ? "—" : percent(f.errorRate * 100),
      sloText(f),
      STATUS_MARK[f.status],
    ]),
  );
}

function windowRow(name: string, w: WindowMetrics | undefined): string[] {
  if (!w) return [name, "—", "—", "—", "—", "—"];
  return [
    name,
    seconds(w.seconds),
    w.throughput === undefined ? "—" : `${formatNumber(w.throughput)} ${w.throughputUnit ?? ""}`.trim(),
    w.p50TtftMs === undefined ? "—" : `${formatNumber(w.p50TtftMs)} ms`,
    w.p99TtftMs === undefined ? "—" : `${formatNumber(w.p99TtftMs)} ms`,
    w.errorRate === undefined ? "—" : `${percent(w.errorRate * 100)} (${w.failed ?? 0}/${w.requests ?? 0})`,
  ];
}

/** Sums consecutive seconds so that at most MAX_CHART_POINTS remain; returns the bucket width too. */
export function bucketTimeline(points: readonly TimelinePoint[], max = MAX_CHART_POINTS): { width: number; points: TimelinePoint[] } {
  if (points.length <= max) return { width: 1, points: [...points] };
  const width = Math.ceil(points.length / max);
  const out: TimelinePoint[] = [];
  for (let i = 0; i < points.length; i += width) {
    const slice = points.slice(i, i + width);
    out.push({ t: slice[0]!.t, ok: slice.reduce((s, p) => s + p.ok, 0), failed: slice.reduce((s, p) => s + p.failed, 0) });
  }
  return { width, points: out };
}

/**
 * The xychart of one fault: ok requests as green bars, failed requests as a red line, over seconds
 * from the injection (numbers only: at 10 px a word such as "recovered" ran into its neighbours),
 * with the line above it that says so and where the injection and the recovery are.
 */
export function faultChart(f: FaultResult): string | undefined {
  if (f.timeline.length === 0) return undefined;
  const { width, points } = bucketTimeline(f.timeline);
  const unit = f.during?.throughputUnit === "images/s" ? "images" : "requests";
  const per = width === 1 ? "second" : `${width} s`;
  const body = [
    // Up to 48 seconds on the x axis: a wide drawing and small labels keep them apart.
    xyInit([paletteHex("green"), paletteHex("red")], { width: 900, xLabelFontSize: 10 }),
    "xychart-beta",
    `  title "${f.id} - ${unit} per ${per}"`,
    `  x-axis "seconds from injection" [${points.map((p) => `"${p.t}"`).join(", ")}]`,
    `  y-axis "${unit}"`,
    `  bar [${points.map((p) => Number(p.ok.toPrecision(6))).join(", ")}]`,
    `  line [${points.map((p) => p.failed).join(", ")}]`,
  ].join("\n");
  const recovered =
    f.recoverySeconds !== undefined ? `, recovered at ${seconds(f.recoverySeconds)}` : f.recovered ? "" : ", not recovered in the window";
  const legend = `Green bars: ${unit} that succeeded; red line: ${unit} that failed (per ${per}). Injected at 0 s${recovered}.`;
  return `${legend}\n\n\`\`\`mermaid\n${body}\n\`\`\``;
}

function faultDetail(f: FaultResult): string | undefined {
  const chart = faultChart(f);
  if (!chart && !f.baseline) return undefined;
  const out = [`### ${cell(f.id)}: ${cell(f.kind)} on ${cell(f.workload)}`, ""];
  const facts = [
    f.injectedAt ? `injected ${cell(f.injectedAt)}` : undefined,
    f.window ? `measured ${cell(f.window.start)} → ${cell(f.window.end)}` : undefined,
    f.faultSeconds !== undefined ? `fault held ${formatNumber(f.faultSeconds)} s` : undefined,
    f.stepsLost !== undefined ? `steps lost ${compactNumber(Math.round(f.stepsLost * 10) / 10)}` : undefined,
    f.pods?.totalRecoverySeconds !== undefined
      ? f.pods.oldPod === undefined
        ? // The same pod came back (a node reboot restarts its containers in place).
          `pod ${cell(f.pods.newPod ?? "?")} Ready again ${seconds(f.pods.totalRecoverySeconds)}`
        : `pod ${cell(f.pods.oldPod)} → ${cell(f.pods.newPod ?? "?")}: rescheduled ${seconds(f.pods.podReschedulingSeconds)}, ready ${seconds(f.pods.podReadinessSeconds)}, total ${seconds(f.pods.totalRecoverySeconds)}`
      : undefined,
    f.pods?.restartCount !== undefined ? `restart count ${f.pods.restartCount}` : undefined,
    f.pods?.agentOnlineSeconds !== undefined ? `SSM agent back ${seconds(f.pods.agentOnlineSeconds)}` : undefined,
    f.pods?.controlPlaneSeconds !== undefined ? `API server back ${seconds(f.pods.controlPlaneSeconds)}` : undefined,
    f.pods?.nodeReadySeconds !== undefined ? `node Ready ${seconds(f.pods.nodeReadySeconds)}` : undefined,
    f.pods?.gpuAllocatableSeconds !== undefined ? `nvidia.com/gpu allocatable ${seconds(f.pods.gpuAllocatableSeconds)}` : undefined,
  ].filter(Boolean);
  if (facts.length > 0) out.push(`${facts.join(" · ")}`, "");
  if (f.message) out.push(code(f.message), "");
  const windows = table(
    ["Window", "Length", "Throughput", "p50 TTFT", "p99 TTFT", "Errors (requests that ended in it)"],
    [windowRow("baseline", f.baseline), windowRow("during", f.during), windowRow("after", f.after)],
  );
  // The chart takes the page's width (in half a table its per-second labels ran together); its
  // numbers follow it, for viewers that do not render Mermaid.
  if (chart) {
    const { width, points } = bucketTimeline(f.timeline);
    out.push(chart, "", `<details><summary>The chart's numbers (${points.length} points)</summary>`, "");
    out.push(
      table(
        [width === 1 ? "Second" : `From second (${width} s each)`, "Ok", "Failed"],
        points.map((p) => [String(p.t), compactNumber(p.ok), compactNumber(p.failed)]),
      ),
      "",
      "</details>",
      "",
    );
  }
  out.push(windows);
  return out.join("\n");
}

/** The whole section, or undefined when the suite had no faults. */
export function faultsSection(faults: readonly FaultResult[]): string | undefined {
  if (faults.length === 0) return undefined;
  const score = resilienceScore(faults);
  const missed = faults.filter(faultMissedSlo).length;
  const out = [
    "## Fault scenarios",
    "",
    `Resilience score **${score === undefined ? "—" : `${formatNumber(score)}%`}** (share of SLOs met, weighted per fault); ` +
      `${faults.length - missed} of ${faults.length} fault(s) within their SLO. Times are seconds from the injection. ` +
      "The error rate counts the requests started between the injection and the recovery; each window's errors, the requests that ended in it.",
    "",
    faultRows(faults),
  ];
  for (const f of faults) {
    const detail = faultDetail(f);
    if (detail) out.push("", detail);
  }
  return out.join("\n");
}
