import type { Metric, Results } from "./results.js";

/**
 * The results in github-action-benchmark's custom formats, so teams already charting with that
 * action can feed it: one file per direction, since its `tool` input is either
 * `customBiggerIsBetter` or `customSmallerIsBetter` for a whole file.
 *
 * That action judges a value by its ratio to the previous run's (alert-threshold "200%"), so only
 * metrics whose ratio is always finite and meaningful are exported: never a count or rate that is
 * normally zero, nor a value that can be zero (see {@link exportable}).
 */

/**
 * Metrics (the name before any "@point") that are zero in a healthy run, or can be: failed-request
 * rates and counts are normally 0, goodput is 0 whenever no request meets the SLOs. The report and
 * the regression rule (which handles a zero baseline) keep them; the ratio-based exports cannot.
 */
export const NOT_EXPORTED = new Set(["request_failure_percent", "failed_requests", "request_goodput"]);

/** Whether the ratio of this metric to the previous run's is finite and meaningful in every run. */
export function exportable(metric: Metric): boolean {
  const base = metric.name.split("@")[0]!;
  if (NOT_EXPORTED.has(base)) return false;
  // Anything else measured as 0 (a TPOT with one-token outputs, say) has no ratio either.
  return metric.trials.length > 0 && metric.trials.every((v) => Number.isFinite(v) && v > 0);
}

export interface BenchmarkActionEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

export interface BenchmarkActionFiles {
  biggerIsBetter: BenchmarkActionEntry[];
  smallerIsBetter: BenchmarkActionEntry[];
}

export const BIGGER_IS_BETTER_FILE = "benchmark-action-bigger-is-better.json";
export const SMALLER_IS_BETTER_FILE = "benchmark-action-smaller-is-better.json";

function compact(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

export function benchmarkActionEntries(results: Results): BenchmarkActionFiles {
  const files: BenchmarkActionFiles = { biggerIsBetter: [], smallerIsBetter: [] };
  const instanceType = results.instance?.type ?? "no-instance";
  for (const workload of results.workloads) {
    if (workload.status !== "ok") continue;
    for (const metric of workload.metrics) {
      const s = metric.summary;
      if (!exportable(metric) || !Number.isFinite(s.median)) continue;
      const entry: BenchmarkActionEntry = {
        // The name is the chart's key across runs: stable parts only.
        name: `${workload.id}/${metric.name} (${instanceType})`,
        unit: metric.unit,
        value: s.median,
        extra: `${metric.label}; median of ${s.n} trial(s), min ${compact(s.min)}, max ${compact(s.max)}; suite ${results.suite.name} ${results.suite.hash.slice(0, 12)}; run ${results.run.id}`,
      };
      if (s.n > 1) entry.range = `± ${compact(s.iqr / 2)}`;
      (metric.direction === "higher" ? files.biggerIsBetter : files.smallerIsBetter).push(entry);
    }
  }
  return files;
}
