import { cell, code, compactNumber, formatNumber, table } from "./format.js";
import type { Results, WorkloadResult } from "./results.js";
import { paletteHex, SPAN_GREY, xyInit } from "./mermaid.js";
import type { TelemetryDetail } from "./telemetry-schema.js";

/**
 * The report's GPU telemetry parts (issue 12): the invalid results that lead the report, and one
 * "GPU telemetry" part per workload with its summary table, a Mermaid xychart of power and SM
 * clock over time with the timed windows marked, and the chart's numbers in a table beside it.
 */

const SOURCE_TEXT = { dcgm: "DCGM (`dcgmi dmon`)", "nvidia-smi": "`nvidia-smi --query-gpu`" } as const;

/** The results GPU telemetry marked invalid, with their reasons: shown right under the verdict. */
export function invalidResultsBlock(results: Results): string | undefined {
  const invalid = results.workloads.filter((w) => w.telemetry && !w.telemetry.valid);
  if (invalid.length === 0) return undefined;
  const lines = [
    `> [!WARNING]`,
    `> **${invalid.length} result${invalid.length === 1 ? "" : "s"} cannot be trusted** (GPU telemetry): not judged against the baseline and not kept as a baseline for later runs.`,
  ];
  for (const w of invalid) {
    for (const reason of w.telemetry!.validity) lines.push(`> - ${cell(w.id)}: ${cell(reason)}`);
  }
  return lines.join("\n");
}

function share(value: number): string {
  return `${(value * 100).toFixed(value < 0.1 && value > 0 ? 1 : 0)}%`;
}

/** Mermaid's xychart breaks on these in titles and labels; they become spaces. */
function label(text: string): string {
  return text
    .replace(/[:;#"`\r\n[\]{}<>]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Distinct x labels for sample times (seconds): whole seconds, with a "+" for each earlier sample
 * that rounded to the same second ("4", "4+"). Mermaid places x values by label, so two samples
 * labelled "4" (a sampler a little early, then on time) were drawn on one spot and the lines doubled
 * back; decimals kept them apart but ran together at 50 labels.
 */
export function secondLabels(seconds: readonly number[]): string[] {
  const seen = new Set<string>();
  return seconds.map((s) => {
    let label = String(Math.round(s));
    while (seen.has(label)) label += "+";
    seen.add(label);
    return label;
  });
}

/**
 * xychart-beta of power (W) and SM clock (MHz ÷ 10, so both fit one axis) over seconds since the
 * first sample; bars at the top of the axis mark the points inside a timed window.
 */
export function telemetryChart(id: string, detail: TelemetryDetail): string | undefined {
  const points = detail.timeline.filter((p) => Number.isFinite(p.powerWatts) && Number.isFinite(p.smClockMHz));
  if (points.length < 2) return undefined;
  const t0 = points[0]!.t;
  const top = Math.ceil(Math.max(...points.map((p) => Math.max(p.powerWatts, p.smClockMHz / 10))) * 1.1) || 1;
  const x = secondLabels(points.map((p) => p.t - t0))
    .map((l) => `"${l}"`)
    .join(", ");
  const values = (f: (p: (typeof points)[number]) => number) => points.map((p) => Number(f(p).toPrecision(5))).join(", ");
  return [
    "```mermaid",
    xyInit([SPAN_GREY, paletteHex("orange"), paletteHex("blue")], { width: 900, xLabelFontSize: 10 }),
    "xychart-beta",
    `  title "${label(`${id} power and SM clock`)}"`,
    `  x-axis "seconds since the first sample" [${x}]`,
    `  y-axis "W and MHz÷10" 0 --> ${top}`,
    `  bar [${values((p) => (p.inWindow ? top : 0))}]`,
    `  line [${values((p) => p.powerWatts)}]`,
    `  line [${values((p) => p.smClockMHz / 10)}]`,
    "```",
  ].join("\n");
}

/** Which nodes' GPUs a workload across nodes summed: "every node's GPUs (2 nodes), summed" or which were left out. */
function nodesText(nodes: NonNullable<TelemetryDetail["nodes"]>): string {
  const sampled = nodes.sampled.map((n) => n.node);
  if (sampled.length === nodes.count) return `every node's GPUs (${nodes.count} nodes), summed`;
  const missing = Array.from({ length: nodes.count }, (_, k) => k).filter((k) => !sampled.includes(k));
  return (
    `node${sampled.length === 1 ? "" : "s"} ${sampled.join(", ")} of ${nodes.count} summed; node${missing.length === 1 ? "" : "s"} ${missing.join(", ")} not sampled ` +
    "(energy per unit of work counts the sampled nodes' share of the work)"
  );
}

/** The "GPU telemetry" part of one workload; undefined when it has no telemetry. */
export function telemetryPart(w: WorkloadResult): string | undefined {
  const t = w.telemetry;
  if (!t) return undefined;
  const d = w.telemetryDetail;
  const reasons = Object.entries(t.throttleReasons)
    .sort(([, a], [, b]) => b - a)
    .map(([name, s]) => `${code(name)} ${share(s)}`)
    .join(", ");
  const out = [`#### ${cell(w.id)}: GPU telemetry`, ""];
  out.push(
    t.valid
      ? "**Valid**: no slowdown, low clock or other process on the GPU during the timed windows."
      : `**Invalid**: ${t.validity.map(cell).join("; ")}.`,
  );
  out.push("");
  out.push(
    table(
      ["Quantity", "Value"],
      [
        [
          "Source",
          `${SOURCE_TEXT[t.source]}, every ${formatNumber(t.intervalSeconds)} s; ${t.samples} sample${t.samples === 1 ? "" : "s"} in the timed windows` +
            (d?.nodes ? `; ${nodesText(d.nodes)}` : "") +
            (d?.unparsedLines ? `; ${d.unparsedLines} line${d.unparsedLines === 1 ? "" : "s"} of its output did not parse (left out)` : ""),
        ],
        ["Energy in the timed windows", `${formatNumber(t.energyJoules)} J`],
        ["Power mean / max", `${formatNumber(t.powerWatts.mean)} W / ${formatNumber(t.powerWatts.max)} W`],
        [
          "SM clock median / max",
          `${formatNumber(t.smClockMHz.median)} MHz / ${formatNumber(t.smClockMHz.max)} MHz${d?.maxSmClockMHz !== undefined ? ` (GPU maximum ${formatNumber(d.maxSmClockMHz)} MHz)` : ""}`,
        ],
        ["GPU utilisation mean", `${formatNumber(t.gpuUtilPercent.mean)}%`],
        ["Memory used max", `${formatNumber(t.memoryUsedMiB.max)} MiB`],
        ["Temperature max", `${compactNumber(t.temperatureC.max)} °C`],
        ["Clock-event reasons (share of samples)", reasons || "none"],
        ["Other processes on the GPU", String(t.foreignProcesses)],
        ...(d?.powerCapWatts !== undefined ? [["Configured power cap", `${formatNumber(d.powerCapWatts)} W`]] : []),
      ],
    ),
  );
  if (d && d.explanations.length > 0) out.push("", ...d.explanations.map((e) => `- ${cell(e)}`));
  if (d && d.windows.length > 0) {
    out.push(
      "",
      table(
        ["Timed window", "Seconds", "Energy (J)"],
        d.windows.map((win) => [cell(win.label), formatNumber(win.end - win.start), formatNumber(win.energyJoules)]),
      ),
    );
  }
  const chart = d ? telemetryChart(w.id, d) : undefined;
  if (d && chart) {
    const t0 = d.timeline[0]!.t;
    out.push(
      "",
      "Power (W, orange line) and SM clock (MHz ÷ 10, blue line) over time; grey bars mark the timed windows.",
      "",
      chart,
      "",
      "<details><summary>The chart's numbers</summary>",
      "",
      table(
        ["Seconds", "Power (W)", "SM clock (MHz)", "In a timed window"],
        d.timeline.map((p) => [
          String(Math.round(p.t - t0)),
          formatNumber(p.powerWatts),
          formatNumber(p.smClockMHz),
          p.inWindow ? "yes" : "",
        ]),
      ),
      "",
      "</details>",
    );
  }
  const nodeUris = d?.nodes?.sampled.filter((n) => n.samplesUri) ?? [];
  if (nodeUris.length > 0) out.push("", `Raw samples: ${nodeUris.map((n) => `node ${n.node} ${code(n.samplesUri!)}`).join(", ")}`);
  else if (d?.samplesUri) out.push("", `Raw samples: ${code(d.samplesUri)}`);
  return out.join("\n");
}
