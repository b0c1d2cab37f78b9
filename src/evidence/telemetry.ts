import { CLOCK_EVENT_REASONS, reasonNames, type GpuSample, type Samples } from "../node/telemetry-samples.js";
import type { Metric } from "./results.js";
import { mean, quantile, summarize } from "./stats.js";
import type { Telemetry, TelemetryDetail, TelemetryWindow } from "./telemetry-schema.js";

/**
 * GPU telemetry of one workload: its samples summarized over its timed windows, the energy those
 * windows took, and whether the figures can be trusted (issue 12).
 *
 * Energy: each GPU's power is taken as piecewise linear between its samples (held flat before
 * the first and after the last) and integrated over every timed window; the GPUs the workload's
 * processes used are summed (every node's, for a workload across nodes: their samples merged by
 * mergeNodeSamples). A constant P watts over a window of d seconds is exactly P·d joules.
 *
 * Validity, inside the timed windows:
 * - a hardware or thermal slowdown (hw_slowdown, sw/hw_thermal_slowdown, hw_power_brake_slowdown)
 *   active in more than SLOWDOWN_SHARE_LIMIT of the samples makes the result invalid;
 * - an SM clock median below LOW_CLOCK_RATIO of the GPU's maximum makes it invalid, unless a power
 *   cap explains it: a configured cap (enforced limit below the default limit, or one the caller
 *   names) or the board sitting at its own limit (sw_power_cap in most samples, as a T4 does);
 *   those are written down as explanations, not invalidity;
 * - any process on the GPU that is not one of the workload's own pods makes it invalid.
 */

/** Share of in-window samples with a hardware/thermal slowdown above which the result is invalid. */
export const SLOWDOWN_SHARE_LIMIT = 0.05;
/** SM clock median ÷ the GPU's maximum below which the result is invalid without a cap explaining it. */
export const LOW_CLOCK_RATIO = 0.8;
/** sw_power_cap share from which the board is taken to be at its own power limit. */
const BOARD_LIMIT_SHARE = 0.5;
/** Points on the power/clock chart at most. */
export const TIMELINE_POINTS = 60;

export interface TimedWindow {
  label: string;
  trial: number;
  /** Unix seconds on the node's clock. */
  start: number;
  end: number;
}

export interface TelemetryOptions {
  /** Pod name prefixes of the workload's own pods: GPU processes in other pods (or none) are foreign. */
  ownPodPrefixes: readonly string[];
  /** The GPU's maximum SM clock (inventory), when the samples do not carry it. */
  maxSmClockMHz?: number;
  /** A power cap the run configured on purpose (a fault scenario), in watts. */
  powerCapWatts?: number;
}

export interface TelemetrySummary {
  telemetry: Telemetry;
  detail: TelemetryDetail;
}

interface Point {
  t: number;
  v: number;
}

/** ∫ v dt over [a, b] of the piecewise-linear function through `points` (sorted by t), held flat at both ends. */
export function integrate(points: readonly Point[], a: number, b: number): number {
  const pts = points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v));
  if (pts.length === 0 || !(b > a)) return 0;
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  let total = 0;
  // Held flat before the first sample and after the last.
  if (a < first.t) total += first.v * (Math.min(b, first.t) - a);
  if (b > last.t) total += last.v * (b - Math.max(a, last.t));
  for (let i = 0; i + 1 < pts.length; i++) {
    const p = pts[i]!;
    const q = pts[i + 1]!;
    const lo = Math.max(a, p.t);
    const hi = Math.min(b, q.t);
    if (hi <= lo || q.t <= p.t) continue;
    const at = (t: number) => p.v + ((q.v - p.v) * (t - p.t)) / (q.t - p.t);
    total += ((at(lo) + at(hi)) / 2) * (hi - lo);
  }
  return total;
}

function inAny(t: number, windows: readonly TimedWindow[], margin = 0): boolean {
  return windows.some((w) => t >= w.start - margin && t <= w.end + margin);
}

function ownPod(pod: string, prefixes: readonly string[]): boolean {
  return pod !== "" && prefixes.some((p) => pod.startsWith(p));
}

function finite(values: readonly number[]): number[] {
  return values.filter(Number.isFinite);
}

/** The largest finite value, NaN when there is none (a loop: an hour of samples is too many arguments for Math.max). */
function maxOf(values: readonly number[]): number {
  let top = Number.NaN;
  for (const v of values) if (Number.isFinite(v) && !(v <= top)) top = v;
  return top;
}

function round(value: number, digits = 3): number {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : value;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

/** The GPU samples the statistics use: inside a window, or for a window with none inside, the one nearest its middle. */
function windowSamples(gpu: readonly GpuSample[], windows: readonly TimedWindow[]): GpuSample[] {
  const chosen = new Set<GpuSample>(gpu.filter((s) => inAny(s.t, windows)));
  for (const w of windows) {
    if (gpu.some((s) => s.t >= w.start && s.t <= w.end)) continue;
    const mid = (w.start + w.end) / 2;
    const byGpu = new Map<number, GpuSample>();
    for (const s of gpu) {
      const best = byGpu.get(s.gpu);
      if (!best || Math.abs(s.t - mid) < Math.abs(best.t - mid)) byGpu.set(s.gpu, s);
    }
    for (const s of byGpu.values()) chosen.add(s);
  }
  return gpu.filter((s) => chosen.has(s));
}

/**
 * Summarizes the samples over the workload's timed windows. Undefined when there is nothing to
 * summarize (no window, or no GPU sample at all).
 */
export function summarizeTelemetry(
  samples: Samples,
  windows: readonly TimedWindow[],
  options: TelemetryOptions,
): TelemetrySummary | undefined {
  const timed = windows.filter((w) => Number.isFinite(w.start) && Number.isFinite(w.end) && w.end > w.start);
  if (timed.length === 0 || samples.gpu.length === 0) return undefined;
  const interval = samples.intervalSeconds;

  // The GPUs the workload used: those its own processes ran on; all of them when none was seen.
  const uuidToIndex = new Map([...samples.uuids].map(([i, u]) => [u, i]));
  const used = new Set<number>();
  for (const p of samples.procs) {
    const index = uuidToIndex.get(p.gpuUuid);
    if (index !== undefined && ownPod(p.pod, options.ownPodPrefixes)) used.add(index);
  }
  if (used.size === 0) for (const s of samples.gpu) used.add(s.gpu);
  const gpus = [...used].sort((a, b) => a - b);
  const gpuRows = samples.gpu.filter((s) => used.has(s.gpu));
  // Each GPU's power as points in time, grouped once: energy and the peak integrate these.
  const power = new Map<number, Point[]>(gpus.map((g) => [g, []]));
  for (const s of gpuRows) power.get(s.gpu)!.push({ t: s.t, v: s.powerW });

  const windowEnergy = (w: TimedWindow) => gpus.reduce((sum, g) => sum + integrate(power.get(g)!, w.start, w.end), 0);
  const perWindow: TelemetryWindow[] = timed.map((w) => ({ ...w, energyJoules: round(windowEnergy(w)) }));
  const energy = perWindow.reduce((s, w) => s + w.energyJoules, 0);
  const seconds = timed.reduce((s, w) => s + (w.end - w.start), 0);

  const inside = windowSamples(gpuRows, timed);
  const withReasons = inside.filter((s) => s.reasons !== null);
  const share = (test: (mask: number) => boolean) =>
    withReasons.length === 0 ? 0 : withReasons.filter((s) => test(s.reasons!)).length / withReasons.length;
  const throttleReasons: Record<string, number> = {};
  for (const r of CLOCK_EVENT_REASONS) {
    const s = share((m) => (m & r.bit) !== 0);
    if (s > 0) throttleReasons[r.name] = round(s, 4);
  }

  // Processes: sampled at the same rate, so a window shorter than one interval still sees them.
  const foreign = new Map<number, string>();
  for (const p of samples.procs) {
    if (!inAny(p.t, timed, interval) || ownPod(p.pod, options.ownPodPrefixes)) continue;
    foreign.set(p.pid, p.name || "unknown");
  }

  const validity: string[] = [];
  const explanations: string[] = [];
  const slowdownBits = CLOCK_EVENT_REASONS.filter((r) => r.slowdown).reduce((m, r) => m | r.bit, 0);
  const slowdown = share((m) => (m & slowdownBits) !== 0);
  if (slowdown > SLOWDOWN_SHARE_LIMIT) {
    const names = [...new Set(withReasons.flatMap((s) => reasonNames(s.reasons! & slowdownBits)))];
    validity.push(
      `hardware or thermal slowdown (${names.join(", ")}) active in ${pct(slowdown)} of the samples in the timed windows (limit ${pct(SLOWDOWN_SHARE_LIMIT)})`,
    );
  }

  const smMedian = quantile(finite(inside.map((s) => s.smMHz)), 0.5);
  const maxSm = maxOf(samples.gpu.map((s) => s.maxSmMHz)) || Number.NaN;
  const maxSmClock = Number.isFinite(maxSm) ? maxSm : options.maxSmClockMHz;
  const enforced = quantile(finite(inside.map((s) => s.enforcedLimitW)), 0.5);
  const defaultLimit = quantile(finite(inside.map((s) => s.defaultLimitW)), 0.5);
  const configuredCap =
    options.powerCapWatts ??
    (Number.isFinite(enforced) && Number.isFinite(defaultLimit) && enforced < defaultLimit - 1 ? enforced : undefined);
  if (configuredCap !== undefined) {
    explanations.push(
      `power capped at ${round(configuredCap, 1)} W${Number.isFinite(defaultLimit) ? ` (default limit ${round(defaultLimit, 1)} W)` : ""}: lower clocks and power are expected, not a fault of the GPU`,
    );
  }
  if (maxSmClock !== undefined && Number.isFinite(smMedian) && smMedian < LOW_CLOCK_RATIO * maxSmClock) {
    const boardLimit = share((m) => (m & 0x4) !== 0) >= BOARD_LIMIT_SHARE;
    const what = `SM clock median ${round(smMedian, 0)} MHz is ${pct(smMedian / maxSmClock)} of the GPU's maximum ${round(maxSmClock, 0)} MHz`;
    if (configuredCap !== undefined) explanations.push(`${what}: explained by the configured power cap`);
    else if (boardLimit) explanations.push(`${what}: the GPU ran at its own power limit (sw_power_cap in most samples)`);
    else validity.push(`${what} (below ${pct(LOW_CLOCK_RATIO)}) with no power cap explaining it`);
  }
  if (foreign.size > 0) {
    const list = [...foreign].map(([pid, name]) => `${name} (pid ${pid})`).join(", ");
    validity.push(`${foreign.size} other process${foreign.size === 1 ? "" : "es"} used the GPU during the timed windows: ${list}`);
  }

  const telemetry: Telemetry = {
    source: samples.source,
    samples: inside.length,
    intervalSeconds: interval,
    powerWatts: { mean: round(seconds > 0 ? energy / seconds : Number.NaN, 2), max: round(peakPower(power, gpuRows, timed), 2) },
    energyJoules: round(energy),
    smClockMHz: { median: round(smMedian, 1), max: round(maxOf(inside.map((s) => s.smMHz)), 1) },
    gpuUtilPercent: { mean: round(mean(finite(inside.map((s) => s.gpuUtil))), 1) },
    memoryUsedMiB: { max: round(maxOf(inside.map((s) => s.memUsedMiB)), 1) },
    temperatureC: { max: round(maxOf(inside.map((s) => s.tempC)), 1) },
    throttleReasons,
    foreignProcesses: foreign.size,
    valid: validity.length === 0,
    validity,
  };
  const detail: TelemetryDetail = {
    timeline: timeline(gpuRows, gpus, timed, new Set(inside)),
    windows: perWindow,
    gpus,
    ...(maxSmClock !== undefined ? { maxSmClockMHz: maxSmClock } : {}),
    ...(configuredCap !== undefined ? { powerCapWatts: round(configuredCap, 1) } : {}),
    explanations,
  };
  return { telemetry, detail };
}

/** v at t of the piecewise-linear function through `points` (sorted by t), held flat at both ends; NaN without points. */
function valueAt(points: readonly Point[], t: number): number {
  if (points.length === 0) return Number.NaN;
  if (t <= points[0]!.t) return points[0]!.v;
  const last = points[points.length - 1]!;
  if (t >= last.t) return last.v;
  let [lo, hi] = [0, points.length - 1]; // points[lo].t < t < points[hi].t
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t <= t) lo = mid;
    else hi = mid;
  }
  const [p, q] = [points[lo]!, points[hi]!];
  return p.v + ((q.v - p.v) * (t - p.t)) / (q.t - p.t);
}

/**
 * The highest power of the GPUs together at any sample time inside a window or at a window's edge
 * (where the piecewise-linear sum can peak too), each GPU's power as `integrate` takes it: the peak
 * of the same sum whose mean is powerWatts.mean, so the two compare.
 */
function peakPower(power: ReadonlyMap<number, readonly Point[]>, rows: readonly GpuSample[], windows: readonly TimedWindow[]): number {
  const curves = [...power.values()].map((points) => points.filter((p) => Number.isFinite(p.v))).filter((points) => points.length > 0);
  let peak = Number.NaN;
  for (const w of windows) {
    const times = new Set([w.start, w.end]);
    for (const s of rows) if (s.t >= w.start && s.t <= w.end) times.add(s.t);
    for (const t of times) {
      const total = curves.reduce((sum, points) => sum + valueAt(points, t), 0);
      if (curves.length > 0 && !(total <= peak)) peak = total;
    }
  }
  return peak;
}

/**
 * At most TIMELINE_POINTS points: per time bucket, power summed over the GPUs (each GPU's mean) and
 * the mean SM clock. A point is in a timed window when its middle is, or when it holds a sample the
 * summary counted in one (`inside`: a window shorter than the interval counts its nearest sample).
 */
function timeline(
  rows: readonly GpuSample[],
  gpus: readonly number[],
  windows: readonly TimedWindow[],
  inside: ReadonlySet<GpuSample>,
): TelemetryDetail["timeline"] {
  if (rows.length === 0) return [];
  const t0 = rows[0]!.t;
  const t1 = rows[rows.length - 1]!.t;
  const ticks = Math.max(1, Math.round(rows.length / Math.max(1, gpus.length)));
  const buckets = Math.min(TIMELINE_POINTS, ticks);
  const width = (t1 - t0) / buckets || 1;
  const out: TelemetryDetail["timeline"] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = t0 + b * width;
    const hi = b === buckets - 1 ? t1 + 1e-9 : lo + width;
    const inBucket = rows.filter((s) => s.t >= lo && s.t < hi);
    if (inBucket.length === 0) continue;
    const power = gpus.reduce((sum, g) => {
      const p = finite(inBucket.filter((s) => s.gpu === g).map((s) => s.powerW));
      return sum + (p.length > 0 ? mean(p) : 0);
    }, 0);
    const mid = mean(inBucket.map((s) => s.t));
    out.push({
      t: round(mid, 3),
      powerWatts: round(power, 1),
      smClockMHz: round(mean(finite(inBucket.map((s) => s.smMHz))), 0),
      inWindow: inAny(mid, windows) || inBucket.some((s) => inside.has(s)),
    });
  }
  return out;
}

function energyMetric(spec: Omit<Metric, "trials" | "summary">, values: number[]): Metric {
  return { ...spec, trials: values, summary: summarize(values) };
}

/**
 * `joules_per_image` per trial: the trial's window energy ÷ the images of its timed steps.
 * `windows` and `images` are in trial order, one per trial.
 */
export function resnet50EnergyMetrics(detail: TelemetryDetail, imagesPerTrial: ReadonlyMap<number, number>): Metric[] {
  const values: number[] = [];
  for (const w of detail.windows) {
    const images = imagesPerTrial.get(w.trial);
    if (images && images > 0) values.push(w.energyJoules / images);
  }
  if (values.length === 0) return [];
  return [
    energyMetric({ name: "joules_per_image", label: "Energy per image", unit: "J/image", direction: "lower", headline: true }, values),
  ];
}

/**
 * `joules_per_output_token` and `output_tokens_per_second_per_watt` per trial, at one load point
 * (max throughput when the sweep has it): the point's window energy ÷ its output tokens, and its
 * output tokens ÷ that energy (tokens/s ÷ mean watts over the same window, the same number).
 * `tokens` maps a window label to the output tokens of that point.
 */
export function servingEnergyMetrics(detail: TelemetryDetail, tokens: ReadonlyMap<string, number>, pointLabel: string): Metric[] {
  const perToken: number[] = [];
  const perWatt: number[] = [];
  for (const w of detail.windows) {
    const n = tokens.get(w.label);
    if (!n || n <= 0 || w.energyJoules <= 0) continue;
    perToken.push(w.energyJoules / n);
    perWatt.push(n / w.energyJoules);
  }
  if (perToken.length === 0) return [];
  return [
    energyMetric(
      {
        name: "joules_per_output_token",
        label: `Energy per output token (${pointLabel})`,
        unit: "J/token",
        direction: "lower",
        headline: true,
      },
      perToken,
    ),
    energyMetric(
      {
        name: "output_tokens_per_second_per_watt",
        label: `Output tokens/s per watt (${pointLabel})`,
        unit: "tok/s/W",
        direction: "higher",
        headline: false,
      },
      perWatt,
    ),
  ];
}
