import { describe, expect, it } from "vitest";
import {
  judgeFault,
  measureLlmFault,
  measureTrainingFault,
  requestWindow,
  type ProgressSample,
  type RequestRecord,
} from "../../src/faults/analysis.js";
import { resilienceScore, type FaultResult } from "../../src/evidence/fault-results.js";

const T = 1_000_000; // the injection, seconds on the node's clock

/**
 * A constant-rate load of `rate` req/s from T-60 to T+90: each request takes `latency` s and has
 * a TTFT of `ttft` ms, unless `outcome(start)` says it failed or gives it another latency.
 */
function load(
  rate: number,
  outcome: (start: number) => { ok: boolean; latency?: number; ttftMs?: number } = () => ({ ok: true }),
  from = T - 60,
  to = T + 90,
): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (let start = from; start < to; start += 1 / rate) {
    const o = outcome(start);
    const latency = o.latency ?? 0.2;
    out.push({ start, end: start + latency, ok: o.ok, ...(o.ok ? { ttftMs: o.ttftMs ?? 50 } : {}) });
  }
  return out;
}

const times = { injectedAt: T, baselineSeconds: 60, windowEnd: T + 90, band: 10 };

describe("measuring an LLM-serving fault from the load generator's requests", () => {
  it("a server down for 12 s: detection at the first error, first success after it, recovery when 10 s are clean", () => {
    // Requests sent while the pod is gone (T+0.5 … T+12) are refused at once.
    const records = load(4, (s) => (s >= T + 0.5 && s < T + 12 ? { ok: false, latency: 0.01 } : { ok: true }));
    const m = measureLlmFault(records, times);
    expect(m.timeToDetectSeconds).toBeCloseTo(0.51, 2);
    expect(m.timeToFirstSuccessSeconds).toBeCloseTo(12.2, 2);
    // The last refused request ended at T+11.76; the first clean 10 s window begins as the first
    // request after it succeeds, at T+12.2: recovery is never before the first success.
    expect(m.recoverySeconds).toBeCloseTo(12.2, 2);
    expect(m.recoverySeconds).toBeGreaterThanOrEqual(m.timeToFirstSuccessSeconds!);
    expect(m.recovered).toBe(true);
    // 46 of the 49 requests started in [T, T+12.2) failed.
    expect(m.errorRate).toBeCloseTo(46 / 49, 3);
    expect(m.baseline).toMatchObject({ seconds: 60, throughput: 4, p99TtftMs: 50, failed: 0, errorRate: 0 });
    expect(m.during.failed).toBe(46);
    expect(m.after).toMatchObject({ failed: 0 });
    expect(m.after!.throughput).toBeCloseTo(4, 1);
    // Per-second buckets from the baseline's start, by the time requests ended.
    expect(m.timeline[0]).toEqual({ t: -60, ok: 4, failed: 0 });
    expect(m.timeline.find((p) => p.t === 5)).toEqual({ t: 5, ok: 0, failed: 4 });
    expect(m.timeline.find((p) => p.t === 20)).toEqual({ t: 20, ok: 4, failed: 0 });
  });

  it("a delay that never fails a request: no detection, recovery once TTFT is back within the band after the fault is removed", () => {
    const records = load(4, (s) => (s >= T && s < T + 30 ? { ok: true, ttftMs: 250, latency: 0.4 } : { ok: true }));
    const m = measureLlmFault(records, { ...times, removedAt: T + 30 });
    expect(m.timeToDetectSeconds).toBeUndefined();
    expect(m.timeToFirstSuccessSeconds).toBeCloseTo(0.4, 2);
    // The request sent at T+29.75 still met the delay and ended at T+30.15; one slow request of the
    // 40 in the window from then leaves its median at the baseline's, so recovery is the first
    // success after the removal.
    expect(m.recoverySeconds).toBeCloseTo(30.15, 2);
    expect(m.errorRate).toBe(0);
    expect(m.during.p99TtftMs).toBe(250);
  });

  it("TTFT 5% worse is within a 10% band; 20% worse is not, and the fault is not recovered", () => {
    const slightly = load(4, (s) => (s >= T ? { ok: true, ttftMs: 52.5 } : { ok: true }));
    // Recovered at once: the first request after the injection ended at T+0.2.
    expect(measureLlmFault(slightly, times).recoverySeconds).toBeCloseTo(0.2, 2);
    const worse = load(4, (s) => (s >= T ? { ok: true, ttftMs: 60 } : { ok: true }));
    const m = measureLlmFault(worse, times);
    expect(m.recovered).toBe(false);
    expect(m.recoverySeconds).toBeUndefined();
  });

  it("one slow request in an otherwise recovered window does not hold recovery back: the median decides, the p99 is reported", () => {
    // Down for 5 s, then back; one request at T+8 takes 400 ms to its first token (a scheduling hiccup).
    const records = load(4, (s) =>
      s >= T + 0.5 && s < T + 5 ? { ok: false, latency: 0.01 } : Math.abs(s - (T + 8)) < 0.01 ? { ok: true, ttftMs: 400 } : { ok: true },
    );
    const m = measureLlmFault(records, times);
    // By its p99 the window from T+5 would not count (its slowest request is most of its p99); by the median it does.
    expect(requestWindow(records, T + 5, T + 15).p99TtftMs!).toBeGreaterThan(55);
    expect(m.recoverySeconds).toBeCloseTo(5.2, 2);
    expect(m.after).toMatchObject({ p50TtftMs: 50 });
    expect(m.baseline).toMatchObject({ p50TtftMs: 50, p99TtftMs: 50 });
  });

  it("throughput at half the baseline (lost requests) is not recovered", () => {
    const records = load(4).filter((r, i) => r.start < T || i % 2 === 0);
    expect(measureLlmFault(records, times).recovered).toBe(false);
  });
});

describe("measuring a training fault from images/s over time", () => {
  // 100 images/s, then 60 images/s from T to T+30 (a power cap), then 100 again: one sample a second.
  function progress(slowFrom: number, slowTo: number, slowRate: number): ProgressSample[] {
    const out: ProgressSample[] = [];
    let images = 0;
    for (let t = T - 70; t <= T + 90; t++) {
      out.push({ t, images });
      images += t >= slowFrom && t < slowTo ? slowRate : 100;
    }
    return out;
  }

  it("detects the drop, recovers within the band after the cap is lifted, and counts the steps lost", () => {
    const m = measureTrainingFault(progress(T, T + 30, 60), { ...times, removedAt: T + 30 }, 8);
    expect(m.baseline.throughput).toBe(100);
    expect(m.timeToDetectSeconds).toBe(0);
    expect(m.recoverySeconds).toBe(30);
    expect(m.during.throughput).toBeCloseTo(60, 5);
    // 30 s at 40 images/s below the baseline = 1200 images = 150 steps of 8.
    expect(m.stepsLost).toBe(150);
    expect(m.timeline.find((p) => p.t === 10)).toEqual({ t: 10, ok: 60, failed: 0 });
    expect(m.after?.throughput).toBeCloseTo(100, 5);
  });

  it("a job that stays slow is not recovered", () => {
    const m = measureTrainingFault(progress(T, T + 200, 50), { ...times, removedAt: T + 30 }, 8);
    expect(m.recovered).toBe(false);
    expect(m.stepsLost).toBeGreaterThan(0);
  });
});

describe("judging a fault against its SLO", () => {
  const slo = { maxRecoverySeconds: 20, maxErrorRate: 0.5 };
  it("an injection that could not be verified is not-injected, never a pass", () => {
    expect(judgeFault({ injected: true, verified: false, recovered: true, recoverySeconds: 1, errorRate: 0 }, slo)).toEqual({
      status: "not-injected",
      sloMet: false,
      sloShare: 0,
    });
  });
  it("ok within both objectives; slo-missed beyond one; not-recovered without recovery", () => {
    expect(judgeFault({ injected: true, verified: true, recovered: true, recoverySeconds: 13, errorRate: 0.4 }, slo).status).toBe("ok");
    const tooMany = judgeFault({ injected: true, verified: true, recovered: true, recoverySeconds: 13, errorRate: 0.9 }, slo);
    expect(tooMany).toEqual({ status: "slo-missed", sloMet: false, sloShare: 0.5 });
    expect(judgeFault({ injected: true, verified: true, recovered: false, errorRate: 0.1 }, slo).status).toBe("not-recovered");
  });
  it("the resilience score is the share of SLOs met, weighted per fault", () => {
    const f = (weight: number, sloShare: number) => ({ weight, sloShare }) as FaultResult;
    expect(resilienceScore([f(1, 1), f(1, 0.5), f(2, 0)])).toBe(37.5);
    expect(resilienceScore([])).toBeUndefined();
  });
});
