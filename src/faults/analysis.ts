import { quantile } from "../evidence/stats.js";
import type { FaultStatus, TimelinePoint, WindowMetrics } from "../evidence/fault-results.js";

/**
 * Pure measurement of a fault from what the load generator or the training job recorded. All
 * times are seconds on one clock (the node's); results are seconds from the injection, on a 1 s
 * grid. No I/O here: the tests feed synthetic timelines.
 */

/** Seconds the workload must stay good, in one piece, to count as recovered. */
export const RECOVERY_WINDOW_SECONDS = 10;

/** One request of the constant-rate load generator (remote/faults/loadgen.py). */
export interface RequestRecord {
  /** When it was sent and when it ended (answer complete, error or timeout), seconds. */
  start: number;
  end: number;
  ok: boolean;
  /** Time to the first streamed token, ms (successful requests). */
  ttftMs?: number;
}

export interface FaultTimes {
  /** When the fault was injected. */
  injectedAt: number;
  /** When the fault was taken back (recover ran), for lasting kinds. */
  removedAt?: number;
  /** Seconds before the injection that form the baseline window. */
  baselineSeconds: number;
  /** The last second the measurement may look at (injection + timeoutSeconds, or the data's end). */
  windowEnd: number;
  /** Percent: back within ±band of the baseline counts as recovered. */
  band: number;
}

export interface LlmFaultMeasurement {
  timeToDetectSeconds?: number;
  timeToFirstSuccessSeconds?: number;
  recoverySeconds?: number;
  recovered: boolean;
  /** Share of the requests started in the fault window (injection → recovery, or window end) that failed. */
  errorRate?: number;
  /** Successful requests per second in the fault window. */
  goodput?: number;
  baseline: WindowMetrics;
  during: WindowMetrics;
  after?: WindowMetrics;
  timeline: TimelinePoint[];
}

function quantileOf(values: number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  return quantile(
    [...values].sort((a, b) => a - b),
    q,
  );
}

/** Key metrics of requests that ended in [from, to). */
export function requestWindow(records: readonly RequestRecord[], from: number, to: number): WindowMetrics {
  const seconds = Math.max(0, to - from);
  const inside = records.filter((r) => r.end >= from && r.end < to);
  const ok = inside.filter((r) => r.ok);
  const failed = inside.length - ok.length;
  const ttfts = ok.map((r) => r.ttftMs).filter((v): v is number => v !== undefined);
  return {
    seconds,
    throughput: seconds > 0 ? ok.length / seconds : undefined,
    throughputUnit: "req/s",
    p50TtftMs: quantileOf(ttfts, 0.5),
    p99TtftMs: quantileOf(ttfts, 0.99),
    requests: inside.length,
    failed,
    errorRate: inside.length > 0 ? failed / inside.length : undefined,
  };
}

/** Requests that ended in each second [t, t+1) from the injection, from `from` to `to` (seconds relative to it). */
export function requestTimeline(records: readonly RequestRecord[], injectedAt: number, from: number, to: number): TimelinePoint[] {
  const points: TimelinePoint[] = [];
  for (let t = Math.floor(from); t < Math.ceil(to); t++) points.push({ t, ok: 0, failed: 0 });
  const first = points[0]?.t ?? 0;
  for (const r of records) {
    const i = Math.floor(r.end - injectedAt) - first;
    const p = points[i];
    if (!p) continue;
    if (r.ok) p.ok++;
    else p.failed++;
  }
  return points;
}

/**
 * Detection, first success, recovery, error rate and the three windows of an LLM-serving fault.
 * Recovery is the start of the first 10 s window (after the fault was taken back, for lasting
 * kinds) that begins as a request succeeds and has no failed request, throughput at least (1 - band) × the baseline's and median TTFT
 * at most (1 + band) × the baseline's: being better than the baseline never delays recovery.
 * The median, not the p99, decides: a 10 s window at a few requests per second holds a few dozen
 * requests, so its p99 is its one slowest request, and a single scheduling hiccup on a recovered
 * server would read as "not recovered". Each window's p99 is still reported.
 */
export function measureLlmFault(records: readonly RequestRecord[], times: FaultTimes): LlmFaultMeasurement {
  const T = times.injectedAt;
  const band = times.band / 100;
  const baseline = requestWindow(records, T - times.baselineSeconds, T);
  const after = records.filter((r) => r.end >= T && r.end < times.windowEnd).sort((a, b) => a.end - b.end);
  const firstError = after.find((r) => !r.ok);
  const detect = firstError ? firstError.end - T : undefined;
  const firstOk = after.find((r) => r.ok && (firstError === undefined || r.end >= firstError.end));
  const firstSuccess = firstOk ? firstOk.end - T : undefined;

  let recoveredAt: number | undefined;
  const earliest = Math.max(T, times.removedAt ?? T);
  // A clean window starts where a successful request ended, so recovery is never before the first
  // success and is as exact as the requests' clocks, not a whole second.
  const starts = after.filter((r) => r.ok && r.end >= earliest).map((r) => r.end);
  for (const s of starts) {
    if (s + RECOVERY_WINDOW_SECONDS > times.windowEnd + 1e-9) break;
    const w = requestWindow(records, s, s + RECOVERY_WINDOW_SECONDS);
    if ((w.requests ?? 0) === 0 || (w.failed ?? 0) > 0) continue;
    const fastEnough = baseline.throughput === undefined || (w.throughput ?? 0) >= baseline.throughput * (1 - band);
    const quickEnough = baseline.p50TtftMs === undefined || w.p50TtftMs === undefined || w.p50TtftMs <= baseline.p50TtftMs * (1 + band);
    if (fastEnough && quickEnough) {
      recoveredAt = s;
      break;
    }
  }
  const faultEnd = recoveredAt ?? times.windowEnd;
  const started = records.filter((r) => r.start >= T && r.start < faultEnd);
  const startedFailed = started.filter((r) => !r.ok).length;
  const during = requestWindow(records, T, faultEnd);
  const lastEnd = records.reduce((m, r) => Math.max(m, r.end), T);
  return {
    timeToDetectSeconds: round(detect),
    timeToFirstSuccessSeconds: round(firstSuccess),
    recoverySeconds: round(recoveredAt !== undefined ? recoveredAt - T : undefined),
    recovered: recoveredAt !== undefined,
    errorRate: started.length > 0 ? startedFailed / started.length : undefined,
    goodput: during.throughput,
    baseline,
    during,
    after:
      recoveredAt !== undefined
        ? requestWindow(records, recoveredAt, Math.max(recoveredAt, Math.min(lastEnd + 1, times.windowEnd)))
        : undefined,
    timeline: requestTimeline(records, T, -times.baselineSeconds, Math.min(lastEnd + 1, times.windowEnd) - T),
  };
}

/** One progress sample of a training job: cumulative images done at a time. */
export interface ProgressSample {
  t: number;
  images: number;
}

export interface TrainingFaultMeasurement {
  timeToDetectSeconds?: number;
  recoverySeconds?: number;
  recovered: boolean;
  /** Steps not done in the fault window, against the baseline rate (never negative). */
  stepsLost?: number;
  baseline: WindowMetrics;
  during: WindowMetrics;
  after?: WindowMetrics;
  timeline: TimelinePoint[];
}

/** Cumulative images at time t, interpolated linearly between samples; undefined outside them. */
function imagesAt(samples: readonly ProgressSample[], t: number): number | undefined {
  if (samples.length === 0 || t < samples[0]!.t || t > samples.at(-1)!.t) return undefined;
  let i = 1;
  while (i < samples.length && samples[i]!.t < t) i++;
  const b = samples[Math.min(i, samples.length - 1)]!;
  const a = samples[Math.max(0, i - 1)]!;
  if (b.t === a.t) return b.images;
  return a.images + ((b.images - a.images) * (t - a.t)) / (b.t - a.t);
}

function trainingWindow(samples: readonly ProgressSample[], from: number, to: number): WindowMetrics {
  const a = imagesAt(samples, from);
  const b = imagesAt(samples, to);
  const seconds = Math.max(0, to - from);
  return {
    seconds,
    throughput: a !== undefined && b !== undefined && seconds > 0 ? (b - a) / seconds : undefined,
    throughputUnit: "images/s",
  };
}

/**
 * Images/s around a fault on a training job: detection is the first second below (1 - band) ×
 * the baseline; recovery the start of the first 10 s window (after the fault was taken back)
 * at or above it; steps lost are the baseline's images in the fault window minus those done,
 * divided by the batch size.
 */
export function measureTrainingFault(samples: readonly ProgressSample[], times: FaultTimes, batchSize: number): TrainingFaultMeasurement {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const T = times.injectedAt;
  const band = times.band / 100;
  const end = Math.min(times.windowEnd, sorted.at(-1)?.t ?? T);
  const baseline = trainingWindow(sorted, T - times.baselineSeconds, T);
  const timeline: TimelinePoint[] = [];
  for (let t = -Math.floor(times.baselineSeconds); T + t + 1 <= end; t++) {
    const w = trainingWindow(sorted, T + t, T + t + 1);
    if (w.throughput !== undefined) timeline.push({ t, ok: Math.round(w.throughput * 10) / 10, failed: 0 });
  }
  const floor = baseline.throughput !== undefined ? baseline.throughput * (1 - band) : undefined;
  const slow = floor === undefined ? undefined : timeline.find((p) => p.t >= 0 && p.ok < floor);
  let recoveredAt: number | undefined;
  if (floor !== undefined) {
    for (let s = Math.max(T, times.removedAt ?? T); s + RECOVERY_WINDOW_SECONDS <= end + 1e-9; s += 1) {
      const w = trainingWindow(sorted, s, s + RECOVERY_WINDOW_SECONDS);
      if (w.throughput !== undefined && w.throughput >= floor) {
        recoveredAt = s;
        break;
      }
    }
  }
  const faultEnd = recoveredAt ?? end;
  const during = trainingWindow(sorted, T, faultEnd);
  let stepsLost: number | undefined;
  if (baseline.throughput !== undefined && during.throughput !== undefined) {
    stepsLost = Math.max(0, Math.round(((baseline.throughput - during.throughput) * during.seconds) / batchSize));
  }
  return {
    timeToDetectSeconds: slow?.t,
    recoverySeconds: round(recoveredAt !== undefined ? recoveredAt - T : undefined),
    recovered: recoveredAt !== undefined,
    stepsLost,
    baseline,
    during,
    after: recoveredAt !== undefined ? trainingWindow(sorted, recoveredAt, end) : undefined,
    timeline,
  };
}

export interface SloJudgement {
  status: FaultStatus;
  sloMet: boolean;
  /** Share (0-1) of the fault's SLOs met: recovery time, and error rate where requests were measured. */
  sloShare: number;
}

/** The status of a measured fault against its SLO. Not verified is never a pass. */
export function judgeFault(
  m: { injected: boolean; verified: boolean; recovered: boolean; recoverySeconds?: number; errorRate?: number },
  slo: { maxRecoverySeconds: number; maxErrorRate: number },
): SloJudgement {
  if (!m.injected || !m.verified) return { status: "not-injected", sloMet: false, sloShare: 0 };
  const recoveryMet = m.recovered && m.recoverySeconds !== undefined && m.recoverySeconds <= slo.maxRecoverySeconds;
  const checks = [recoveryMet];
  if (m.errorRate !== undefined) checks.push(m.errorRate <= slo.maxErrorRate);
  const met = checks.filter(Boolean).length;
  const sloMet = met === checks.length;
  return { status: !m.recovered ? "not-recovered" : sloMet ? "ok" : "slo-missed", sloMet, sloShare: met / checks.length };
}

function round(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 1000) / 1000;
}
