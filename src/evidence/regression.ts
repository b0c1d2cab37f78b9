import { mean, stddev } from "./stats.js";
import { studentTQuantile } from "./student-t.js";
import type { Direction } from "./results.js";

/**
 * The regression rule. A run is one observation: its value is the median of its trials, and the
 * noise that matters is run to run (a different physical GPU, host and driver state each time),
 * so the band comes from the spread of earlier runs' values, not from this run's trials.
 *
 * Rule: a metric regressed when this run's value lies beyond the one-sided prediction interval for
 * a new run built from the baseline runs (mean ± t(confidence, n−1) · s · √(1 + 1/n)) on the worse
 * side AND the change is at least the magnitude floor. The t quantile widens the band when the
 * history is short; with fewer than two runs there is no spread to estimate, so nothing is decided.
 */

export const DEFAULT_CONFIDENCE = 0.99;
export const DEFAULT_THRESHOLD_PERCENT = 5;
export const DEFAULT_BASELINE_RUNS = 10;
/** The minimum detectable change is the true change this history catches in this share of runs. */
export const DETECTION_POWER = 0.95;
export const MIN_RUNS_TO_DECIDE = 2;

export interface DecisionOptions {
  /** Smallest change, in percent, ever called a regression or an improvement. */
  thresholdPercent: number;
  /** One-sided confidence of the prediction interval; default 0.99. */
  confidence?: number;
}

/** "invalid": GPU telemetry says this run's result cannot be trusted, so it is not judged at all. */
export type Decision = "regression" | "improvement" | "no-change" | "no-baseline" | "too-few-runs" | "invalid";

export interface MetricDecision {
  decision: Decision;
  /** Number of baseline runs the decision used. */
  runs: number;
  baselineMean?: number;
  baselineStddev?: number;
  /** (current − baseline mean) / |baseline mean|, in percent; positive means the value went up. */
  deltaPercent?: number;
  /** Half-width of the prediction interval, in percent of the baseline mean. */
  bandPercent?: number;
  /** The change, in percent, beyond which the worse side is called a regression: max(band, floor). */
  limitPercent?: number;
  /** The smallest true change this history detects in DETECTION_POWER of runs, in percent. */
  mdcPercent?: number;
  /** One line a reader understands. */
  reason: string;
}

export function ruleDescription(options: DecisionOptions): string {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  return (
    `one-sided ${percentText(confidence * 100)}% t prediction interval for a new run, from the baseline runs' medians ` +
    `(mean ± t·s·√(1+1/n)), and a change of at least ${percentText(options.thresholdPercent)}%; ` +
    `at least ${MIN_RUNS_TO_DECIDE} baseline runs are needed to estimate the run-to-run noise`
  );
}

function percentText(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0+$/, "");
}

function roundTo(value: number, digits: number): string {
  return value.toFixed(digits);
}

/**
 * Decides one metric: `baseline` holds the earlier runs' values (each the median of its trials),
 * `current` this run's value.
 */
export function decideMetric(baseline: readonly number[], current: number, direction: Direction, options: DecisionOptions): MetricDecision {
  const values = baseline.filter(Number.isFinite);
  const n = values.length;
  const floor = Math.max(0, options.thresholdPercent);
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isFinite(current)) {
    return { decision: "no-baseline", runs: n, reason: "no value in this run" };
  }
  if (n === 0) {
    return { decision: "no-baseline", runs: 0, reason: "first run: baseline recorded" };
  }
  const m = mean(values);
  const delta = m !== 0 ? ((current - m) / Math.abs(m)) * 100 : undefined;
  if (n < MIN_RUNS_TO_DECIDE) {
    return {
      decision: "too-few-runs",
      runs: n,
      baselineMean: m,
      deltaPercent: delta,
      reason: `${n} baseline run cannot estimate run-to-run noise; not judged (needs ${MIN_RUNS_TO_DECIDE})`,
    };
  }
  const s = stddev(values);
  const predictionSd = s * Math.sqrt(1 + 1 / n);
  const t = studentTQuantile(confidence, n - 1);
  const bandAbs = t * predictionSd;
  const worseAbs = direction === "higher" ? m - current : current - m;

  if (delta === undefined) {
    // A zero baseline has no relative scale: the band alone decides.
    const decision: Decision = worseAbs > bandAbs ? "regression" : -worseAbs > bandAbs ? "improvement" : "no-change";
    return {
      decision,
      runs: n,
      baselineMean: m,
      baselineStddev: s,
      reason: `baseline mean is 0; decided by the band alone (±${bandAbs.toPrecision(3)})`,
    };
  }

  const scale = Math.abs(m);
  const band = (bandAbs / scale) * 100;
  const limit = Math.max(band, floor);
  const worse = (worseAbs / scale) * 100;
  const mdc = limit + studentTQuantile(DETECTION_POWER, n - 1) * (predictionSd / scale) * 100;
  const base = {
    runs: n,
    baselineMean: m,
    baselineStddev: s,
    deltaPercent: delta,
    bandPercent: band,
    limitPercent: limit,
    mdcPercent: mdc,
  };
  const bound =
    band >= floor
      ? `the ${percentText(confidence * 100)}% band (±${roundTo(band, 1)}%)`
      : `the ${percentText(floor)}% floor (band ±${roundTo(band, 1)}%)`;
  if (worse > limit) {
    return { ...base, decision: "regression", reason: `worse by ${roundTo(worse, 1)}%, beyond ${bound} of ${n} runs` };
  }
  if (-worse > limit) {
    return { ...base, decision: "improvement", reason: `better by ${roundTo(-worse, 1)}%, beyond ${bound} of ${n} runs` };
  }
  return { ...base, decision: "no-change", reason: `within ${bound} of ${n} runs` };
}
