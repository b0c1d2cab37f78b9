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

/** The run's phases as a gantt chart in UTC; failed phases are marked critical. */
export function phaseGantt(phases: readonly Phase[], title = "Phases (UTC)"): string | undefined {
  const valid = phases.filter((p) => Number.isFinite(Date.parse(p.startedAt)) && Number.isFinite(Date.parse(p.endedAt)));
  if (valid.length === 0) return undefined;
  const lines = ["gantt", `  title ${label(title)}`, "  dateFormat YYYY-MM-DD HH:mm:ss", "  axisFormat %H:%M", "  section Run"];
  valid.forEach((p, i) => {
    const zeroLength = Date.parse(p.endedAt) <= Date.parse(p.startedAt);
    const tags = [zeroLength ? "milestone" : undefined, p.status === "failed" ? "crit" : p.status === "ok" ? "done" : undefined].filter(
      Boolean,
    );
    const end = zeroLength ? "0s" : ganttTime(p.endedAt);
    lines.push(`  ${label(p.name)} :${[...tags, `p${i}`, ganttTime(p.startedAt), end].join(", ")}`);
  });
  return fence(lines.join("\n"));
}

export interface XySeries {
  /** Legend text is not drawn by xychart-beta; the caller's table names the series. */
  values: number[];
}

/** A line chart over categorical x values (xychart-beta, which GitHub's Mermaid renders). */
export function lineChart(
  title: string,
  xLabel: string,
  x: readonly (string | number)[],
  yLabel: string,
  series: readonly XySeries[],
): string | undefined {
  const usable = series.filter((s) => s.values.length === x.length && s.values.every(Number.isFinite));
  if (x.length === 0 || usable.length === 0) return undefined;
  const categories = x.map((v) => `"${label(String(v))}"`).join(", ");
  const lines = ["xychart-beta", `  title "${label(title)}"`, `  x-axis "${label(xLabel)}" [${categories}]`, `  y-axis "${label(yLabel)}"`];
  for (const s of usable) lines.push(`  line [${s.values.map((v) => Number(v.toPrecision(6))).join(", ")}]`);
  return fence(lines.join("\n"));
}

function fence(body: string): string {
  return `\`\`\`mermaid\n${body}\n\`\`\``;
}
