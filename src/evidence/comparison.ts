import type { HistoryEntry } from "./history.js";
import { DEFAULT_BASELINE_RUNS, DEFAULT_THRESHOLD_PERCENT, decideMetric, ruleDescription, type MetricDecision } from "./regression.js";
import type { Direction, Metric, Results, WorkloadResult } from "./results.js";

/**
 * This run against its baseline: for every metric of every workload that ran, the last K
 * successful runs with the same suite hash, instance type and workload parameters.
 */

export interface BaselineOptions {
  /** K: how many of the latest matching runs form the baseline. */
  runs: number;
  thresholdPercent: number;
  confidence?: number;
}

export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = { runs: DEFAULT_BASELINE_RUNS, thresholdPercent: DEFAULT_THRESHOLD_PERCENT };

export type BaselineSource =
  | { kind: "history"; uri: string }
  | { kind: "file"; path: string }
  /** No comparison was possible; `reason` says why (history unreadable, no instance, …). */
  | { kind: "none"; reason: string };

export interface MetricComparison {
  workload: string;
  metric: string;
  label: string;
  unit: string;
  direction: Direction;
  headline: boolean;
  /** This run's value: the median of its trials. */
  current: number;
  trials: number;
  decision: MetricDecision;
  /** The baseline runs' values of this metric, oldest first, labelled "#41" (run number) or by run id: the trend chart's points. */
  history: { run: string; startedAt: string; value: number }[];
}

export interface BaselineRun {
  runId: string;
  attempt: number;
  runNumber?: number;
  startedAt: string;
  sha?: string;
  folder: string;
}

export interface Comparison {
  source: BaselineSource;
  rule: string;
  options: BaselineOptions;
  metrics: MetricComparison[];
  /** The runs any metric was compared with, newest first. */
  baselineRuns: BaselineRun[];
  /** What was left out of the baseline and why, for the report. */
  notes: string[];
}

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The metrics that lead the report: those flagged headline, or a workload's first when it flags none. */
export function headlineMetrics(workload: WorkloadResult): Metric[] {
  const flagged = workload.metrics.filter((m) => m.headline);
  return flagged.length > 0 ? flagged : workload.metrics.slice(0, 1);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Runs that may serve as a baseline for this one, newest first, and notes on the rest. */
function eligibleRuns(results: Results, history: readonly HistoryEntry[]): { runs: HistoryEntry[]; notes: string[] } {
  const type = results.instance?.type;
  let otherHash = 0;
  let unsuccessful = 0;
  const runs: HistoryEntry[] = [];
  for (const e of history) {
    if (e.runId === results.run.id && e.attempt === results.run.attempt) continue;
    if (e.instanceType !== type) continue;
    if (e.suite.hash !== results.suite.hash) otherHash++;
    else if (e.outcome !== "succeeded") unsuccessful++;
    else runs.push(e);
  }
  const notes: string[] = [];
  if (otherHash > 0)
    notes.push(`${plural(otherHash, "earlier run")} of a different suite hash (other workloads, trials or overrides) left out`);
  if (unsuccessful > 0) notes.push(`${plural(unsuccessful, "earlier run")} that did not succeed left out`);
  runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return { runs, notes };
}

export function compareWithBaseline(
  results: Results,
  history: readonly HistoryEntry[],
  source: BaselineSource,
  options: BaselineOptions = DEFAULT_BASELINE_OPTIONS,
): Comparison {
  const rule = ruleDescription(options);
  const { runs, notes } = eligibleRuns(results, history);
  const used = new Map<string, HistoryEntry>();
  const metrics: MetricComparison[] = [];
  let otherParameters = 0;
  let invalidEarlier = 0;

  for (const workload of results.workloads) {
    if (workload.status !== "ok") continue;
    const params = stableJson(workload.parameters);
    const matching: { entry: HistoryEntry; metrics: Map<string, { value: number; direction: Direction }> }[] = [];
    for (const entry of runs) {
      const w = entry.workloads.find((x) => x.id === workload.id && x.status === "ok");
      if (!w) continue;
      if (w.valid === false) {
        invalidEarlier++;
        continue;
      }
      if (stableJson(w.parameters) !== params) {
        otherParameters++;
        continue;
      }
      matching.push({ entry, metrics: new Map(w.metrics.map((m) => [m.name, { value: m.value, direction: m.direction }])) });
      if (matching.length >= options.runs) break;
    }
    const headline = new Set(headlineMetrics(workload).map((m) => m.name));
    const invalid = invalidDecision(workload);
    for (const metric of workload.metrics) {
      const values: number[] = [];
      const history: MetricComparison["history"] = [];
      for (const { entry, metrics: ms } of matching) {
        const m = ms.get(metric.name);
        if (m && m.direction === metric.direction && Number.isFinite(m.value)) {
          values.push(m.value);
          history.push({
            run: entry.runNumber !== undefined ? `#${entry.runNumber}` : entry.runId,
            startedAt: entry.startedAt,
            value: m.value,
          });
          used.set(entry.folder, entry);
        }
      }
      history.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      metrics.push({
        workload: workload.id,
        metric: metric.name,
        label: metric.label,
        unit: metric.unit,
        direction: metric.direction,
        headline: headline.has(metric.name),
        current: metric.summary.median,
        trials: metric.summary.n,
        decision: invalid ?? decideMetric(values, metric.summary.median, metric.direction, options),
        history,
      });
    }
  }
  if (otherParameters > 0) notes.push(`${plural(otherParameters, "earlier workload result")} with different parameters left out`);
  if (invalidEarlier > 0) notes.push(`${plural(invalidEarlier, "earlier workload result")} that GPU telemetry marked invalid left out`);
  const baselineRuns = [...used.values()]
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .map((e) => ({ runId: e.runId, attempt: e.attempt, runNumber: e.runNumber, startedAt: e.startedAt, sha: e.sha, folder: e.folder }));
  return { source, rule, options, metrics, baselineRuns, notes };
}

/** A result GPU telemetry marked invalid is never judged: neither a regression nor a pass. */
function invalidDecision(workload: WorkloadResult): MetricDecision | undefined {
  if (!workload.telemetry || workload.telemetry.valid) return undefined;
  return { decision: "invalid", runs: 0, reason: `not judged, GPU telemetry marks it invalid: ${workload.telemetry.validity.join("; ")}` };
}

export function regressions(comparison: Comparison, headlineOnly = false): MetricComparison[] {
  return comparison.metrics.filter((m) => m.decision.decision === "regression" && (!headlineOnly || m.headline));
}
