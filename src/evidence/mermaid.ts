import type { Phase } from "./results.js";

/** Mermaid diagrams as GitHub renders them in Markdown (```mermaid fences). */

/** Mermaid's task and title syntax breaks on these; they become spaces. */
function label(text: string): string {
  const cleaned = text
    .replace(/[:;#"`\r\n[\]{}<>]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return cleaned.length > 0 ? cleaned.slice(0, 60) : "unnamed";
}

function ganttTime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace("T", " ");
}

/** Runs shorter than this get a time axis in seconds. */
const SECONDS_AXIS_BELOW_MS = 20 * 60_000;

/**
 * The run's phases as a gantt chart in UTC; failed phases are marked critical. With `nodeOf`
 * (a multi-node run: the node a phase belongs to, undefined for the run's and node 0's own), the
 * chart has a section for the run and node 0, then one per other node, in node order.
 */
export function phaseGantt(
  phases: readonly Phase[],
  title = "Phases (UTC)",
  nodeOf?: (phase: Phase) => string | undefined,
): string | undefined {
  const valid = phases.filter((p) => Number.isFinite(Date.parse(p.startedAt)) && Number.isFinite(Date.parse(p.endedAt)));
  if (valid.length === 0) return undefined;
  // A run of a few minutes has every tick in the same minute: label it with seconds.
  const span = Math.max(...valid.map((p) => Date.parse(p.endedAt))) - Math.min(...valid.map((p) => Date.parse(p.startedAt)));
  const axis = span < SECONDS_AXIS_BELOW_MS ? "%H:%M:%S" : "%H:%M";
  const lines = ["gantt", `  title ${label(title)}`, "  dateFormat YYYY-MM-DD HH:mm:ss", `  axisFormat ${axis}`];
  if (!nodeOf) {
    lines.push("  section Run");
    ganttTasks(valid, lines, 0);
    return fence(lines.join("\n"));
  }
  const node = (p: Phase) => nodeOf(p) ?? "0";
  const nodes = [...new Set(valid.map(node))].sort((a, b) => Number(a) - Number(b));
  let n = 0;
  for (const k of nodes) {
    lines.push(`  section ${k === "0" ? "Run and node 0" : `Node ${k}`}`);
    const own = valid.filter((p) => node(p) === k).map((p) => (k === "0" ? p : { ...p, name: p.name.replace(/^node\d+ /, "") }));
    ganttTasks(own, lines, n);
    n += own.length;
  }
  return fence(lines.join("\n"));
}

/** One gantt task line per phase; task ids p<first>, p<first+1>, … stay unique across sections. */
function ganttTasks(phases: readonly Phase[], lines: string[], first: number): void {
  phases.forEach((p, j) => {
    const i = first + j;
    const zeroLength = Date.parse(p.endedAt) <= Date.parse(p.startedAt);
    const tags = [zeroLength ? "milestone" : undefined, p.status === "failed" ? "crit" : p.status === "ok" ? "done" : undefined].filter(
      Boolean,
    );
    const end = zeroLength ? "0s" : ganttTime(p.endedAt);
    lines.push(`  ${label(p.name)} :${[...tags, `p${i}`, ganttTime(p.startedAt), end].join(", ")}`);
  });
}

/**
 * Line colours, in series order, with the names the legend uses. Mid-tone hues that keep at least
 * 3:1 contrast on GitHub's light (#ffffff) and dark (#0d1117) backgrounds; Mermaid's default first
 * colour (#ECECFF) is all but invisible on white.
 */
export const PALETTE = [
  { hex: "#3B82F6", name: "blue" },
  { hex: "#F97316", name: "orange" },
  { hex: "#10B981", name: "green" },
  { hex: "#EF4444", name: "red" },
  { hex: "#A855F7", name: "purple" },
] as const;

export type ColorName = (typeof PALETTE)[number]["name"];

/** Text and axes in a grey that reads on both themes; a transparent background takes the page's. */
const AXIS_GREY = "#8B949E";

/** Faint grey for bars that mark a span (a timed window) behind the lines, on either theme. */
export const SPAN_GREY = "#8B949E55";

/** Mermaid's xychart config beyond colours: the size of the drawing and of the x labels. */
export interface XyLayout {
  /** Pixels; Mermaid's default is 700 (the SVG scales down to the page). */
  width?: number;
  /** Pixels; Mermaid's default is 14. Smaller keeps many categories from running together. */
  xLabelFontSize?: number;
}

/**
 * The `%%{init}%%` line that every xychart of the report starts with: the "base" theme with
 * `colors` (hex, in plot order: bars and lines as they appear in the chart) and grey text and
 * axes, so no plot is drawn in Mermaid's default first colour (#ECECFF, all but invisible on white)
 * and each reads on GitHub's light and dark themes alike.
 */
export function xyInit(colors: readonly string[], layout: XyLayout = {}): string {
  const config: Record<string, unknown> = {
    theme: "base",
    themeVariables: {
      xyChart: {
        backgroundColor: "transparent",
        titleColor: AXIS_GREY,
        xAxisLabelColor: AXIS_GREY,
        xAxisTitleColor: AXIS_GREY,
        xAxisTickColor: AXIS_GREY,
        xAxisLineColor: AXIS_GREY,
        yAxisLabelColor: AXIS_GREY,
        yAxisTitleColor: AXIS_GREY,
        yAxisTickColor: AXIS_GREY,
        yAxisLineColor: AXIS_GREY,
        plotColorPalette: colors.join(", "),
      },
    },
  };
  if (layout.width !== undefined || layout.xLabelFontSize !== undefined) {
    config.xyChart = {
      ...(layout.width !== undefined ? { width: layout.width } : {}),
      ...(layout.xLabelFontSize !== undefined ? { xAxis: { labelFontSize: layout.xLabelFontSize } } : {}),
    };
  }
  return `%%{init: ${JSON.stringify(config)}}%%`;
}

/** The hex of a palette colour by name. */
export function paletteHex(name: ColorName): string {
  return PALETTE.find((c) => c.name === name)!.hex;
}

export interface XySeries {
  /** Shown in the legend line above the chart (xychart-beta draws no legend of its own). */
  name: string;
  /** One value per x category; undefined where the series has no point (that category is left out). */
  values: readonly (number | undefined)[];
  /** A fixed colour (thresholds and SLOs red, say); others take the palette's next unused one. */
  color?: ColorName;
}

export interface LineChart {
  /** The fenced Mermaid block. */
  chart: string;
  /** "Lines: blue p50 · orange p99": the legend, for the line above the chart. */
  legend: string;
}

/**
 * A line chart over categorical x values (xychart-beta, which GitHub's Mermaid renders), in the
 * palette above. Categories where some series has no value are left out; undefined when fewer
 * than two categories remain or no series has values. At most {@link PALETTE}.length series.
 */
export function lineChart(
  title: string,
  xLabel: string,
  x: readonly (string | number)[],
  yLabel: string,
  series: readonly XySeries[],
): LineChart | undefined {
  const used = series.filter((s) => s.values.length === x.length && s.values.some((v) => v !== undefined)).slice(0, PALETTE.length);
  if (used.length === 0) return undefined;
  const keep = x.map((_, i) => used.every((s) => s.values[i] !== undefined && Number.isFinite(s.values[i])));
  const xs = x.filter((_, i) => keep[i]);
  if (xs.length < 2) return undefined;
  const categories = xs.map((v) => `"${label(String(v))}"`).join(", ");
  const fixed = new Set(used.map((s) => s.color).filter(Boolean));
  const free = PALETTE.filter((c) => !fixed.has(c.name));
  let next = 0;
  const colors = used.map((s) => PALETTE.find((c) => c.name === s.color) ?? free[next++ % free.length]!);
  // Reference lines (a fixed colour: baseline, threshold, SLO) are drawn first, so that where a
  // measured line meets one, the measured line stays on top; the legend keeps the given order.
  const order = used.map((_, i) => i).sort((a, b) => Number(used[b]!.color !== undefined) - Number(used[a]!.color !== undefined));
  const lines = [
    xyInit(order.map((i) => colors[i]!.hex)),
    "xychart-beta",
    `  title "${label(title)}"`,
    `  x-axis "${label(xLabel)}" [${categories}]`,
    `  y-axis "${label(yLabel)}"`,
  ];
  for (const i of order) {
    const values = used[i]!.values.filter((_, k) => keep[k]) as number[];
    lines.push(`  line [${values.map((v) => Number(v.toPrecision(6))).join(", ")}]`);
  }
  return {
    chart: fence(lines.join("\n")),
    legend: `Lines: ${used.map((s, i) => `${colors[i]!.name} ${s.name}`).join(" · ")}`,
  };
}

function fence(body: string): string {
  return `\`\`\`mermaid\n${body}\n\`\`\``;
}

/**
 * A bar chart of one value per category (xychart-beta), in the palette's first colour; undefined
 * when no category has a finite value. Categories without one are left out.
 */
export function barChart(
  title: string,
  xLabel: string,
  x: readonly string[],
  yLabel: string,
  values: readonly (number | undefined)[],
): string | undefined {
  const keep = x.map((_, i) => values[i] !== undefined && Number.isFinite(values[i]));
  if (!keep.some(Boolean)) return undefined;
  const lines = [
    xyInit([PALETTE[0].hex]),
    "xychart-beta",
    `  title "${label(title)}"`,
    `  x-axis "${label(xLabel)}" [${x
      .filter((_, i) => keep[i])
      .map((v) => `"${label(v)}"`)
      .join(", ")}]`,
    `  y-axis "${label(yLabel)}"`,
    `  bar [${values
      .filter((_, i) => keep[i])
      .map((v) => Number(v!.toPrecision(6)))
      .join(", ")}]`,
  ];
  return fence(lines.join("\n"));
}
