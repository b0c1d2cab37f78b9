import { describe, expect, it } from "vitest";
import { compareWithBaseline } from "../../src/evidence/comparison.js";
import { decideMetric, ruleDescription } from "../../src/evidence/regression.js";
import { Results } from "../../src/evidence/results.js";
import { studentTQuantile } from "../../src/evidence/student-t.js";
import { decideVerdict } from "../../src/evidence/verdict.js";
import { SUITE_HASH, failedRun, historyEntries, historyRuns, passingRun, podKillFault, regressingRun } from "./support/fixtures.js";

const options = { thresholdPercent: 5 };
/** Ten runs around 1000 with about 2% run-to-run spread. */
const TEN = [1010, 990, 1020, 980, 1000, 1015, 985, 1005, 995, 1000];

describe("Student's t quantiles", () => {
  it("match the tables", () => {
    expect(studentTQuantile(0.99, 9)).toBeCloseTo(2.821, 3);
    expect(studentTQuantile(0.95, 9)).toBeCloseTo(1.833, 3);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776, 3);
    expect(studentTQuantile(0.99, 1)).toBeCloseTo(31.821, 3);
    expect(studentTQuantile(0.99, 2)).toBeCloseTo(6.965, 3);
    expect(studentTQuantile(0.01, 9)).toBeCloseTo(-2.821, 3);
  });
});

describe("the regression rule", () => {
  it("calls a first run a recorded baseline, not a failure", () => {
    const d = decideMetric([], 1000, "higher", options);
    expect(d.decision).toBe("no-baseline");
    expect(d.reason).toMatch(/first run: baseline recorded/);
  });

  it("does not judge against a single run: one run says nothing about the noise", () => {
    const d = decideMetric([1000], 700, "higher", options);
    expect(d.decision).toBe("too-few-runs");
    expect(d.deltaPercent).toBeCloseTo(-30);
    expect(d.mdcPercent).toBeUndefined();
  });

  it("widens the band when the history is short", () => {
    const three = decideMetric(TEN.slice(0, 3), 1000, "higher", options);
    const ten = decideMetric(TEN, 1000, "higher", options);
    expect(three.bandPercent!).toBeGreaterThan(2 * ten.bandPercent!);
    expect(three.mdcPercent!).toBeGreaterThan(ten.mdcPercent!);
    // The same 9% drop: flagged with ten runs of history, not with three.
    expect(decideMetric(TEN, 910, "higher", options).decision).toBe("regression");
    expect(decideMetric(TEN.slice(0, 3), 910, "higher", options).decision).toBe("no-change");
  });

  it("flags a clear regression of 15%", () => {
    const d = decideMetric(TEN, 850, "higher", options);
    expect(d.decision).toBe("regression");
    expect(d.deltaPercent).toBeCloseTo(-15, 0);
    expect(d.reason).toMatch(/worse by 15\.0%, beyond the 5% floor \(band ±3\.\d%\) of 10 runs/);
    // With 3x the spread the band, not the floor, decides.
    const noisy = TEN.map((v) => 1000 + (v - 1000) * 3);
    const n = decideMetric(noisy, 850, "higher", options);
    expect(n.decision).toBe("regression");
    expect(n.reason).toMatch(/beyond the 99% band \(±11\.\d%\)/);
  });

  it("does not flag noise", () => {
    for (const v of [975, 1000, 1030, 968]) expect(decideMetric(TEN, v, "higher", options).decision).not.toBe("regression");
  });

  it("never calls a change under the floor a regression, even when the history has no spread", () => {
    const flat = [1000, 1000, 1000, 1000];
    expect(decideMetric(flat, 960, "higher", options).decision).toBe("no-change");
    const d = decideMetric(flat, 940, "higher", options);
    expect(d.decision).toBe("regression");
    expect(d.reason).toMatch(/5% floor/);
    expect(d.mdcPercent).toBe(5);
  });

  it("reads direction: for latency, up is worse", () => {
    const latency = TEN.map((v) => v / 10);
    expect(decideMetric(latency, 120, "lower", options).decision).toBe("regression");
    expect(decideMetric(latency, 80, "lower", options).decision).toBe("improvement");
  });

  it("states the rule it applies", () => {
    expect(ruleDescription(options)).toMatch(/one-sided 99% t prediction interval.*at least 5%/);
  });
});

describe("the comparison", () => {
  it("uses the last K successful runs of the same suite hash, instance type and parameters", () => {
    const runs = historyRuns();
    const entries = historyEntries(runs);
    const otherHash = { ...entries[0]!, folder: "x/other-hash", suite: { name: "default", hash: "different" } };
    const failed = { ...entries[1]!, folder: "x/failed", outcome: "failed" as const };
    const otherType = { ...entries[2]!, folder: "x/other-type", instanceType: "g6.xlarge" };
    const otherParams = {
      ...entries[9]!,
      folder: "x/other-params",
      startedAt: "2025-03-09T00:00:00.000Z",
      workloads: entries[9]!.workloads.map((w) =>
        w.id === "resnet50-train" ? { ...w, parameters: { ...w.parameters, batchSize: 256 } } : w,
      ),
    };
    const c = compareWithBaseline(
      passingRun(),
      [...entries, otherHash, failed, otherType, otherParams],
      { kind: "history", uri: "s3://b/p/" },
      { runs: 6, thresholdPercent: 5 },
    );
    const ips = c.metrics.find((m) => m.metric === "images_per_sec")!;
    expect(ips.decision.runs).toBe(6);
    expect(c.baselineRuns[0]!.runId).toBe(runs[9]!.run.id);
    expect(c.notes.join("\n")).toMatch(/1 earlier run of a different suite hash/);
    expect(c.notes.join("\n")).toMatch(/1 earlier run that did not succeed/);
    expect(c.notes.join("\n")).toMatch(/different parameters/);
  });

  it("marks headline metrics, falling back to a workload's first metric", () => {
    const run = passingRun();
    const plain = Results.parse({
      ...run,
      workloads: [{ ...run.workloads[0]!, metrics: run.workloads[0]!.metrics.map((m) => ({ ...m, headline: false })) }],
    });
    const c = compareWithBaseline(plain, [], { kind: "history", uri: "s3://b/p/" });
    expect(c.metrics.filter((m) => m.headline).map((m) => m.metric)).toEqual(["images_per_sec"]);
  });
});

describe("the verdict", () => {
  const source = { kind: "history" as const, uri: "s3://b/p/" };
  it("is first-run when no headline metric has a baseline", () => {
    const v = decideVerdict(passingRun(), compareWithBaseline(passingRun(), [], source));
    expect(v).toEqual({ kind: "first-run", reason: "first run of suite default on g5.2xlarge: baseline recorded" });
  });
  it("is pass when nothing regressed", () => {
    const v = decideVerdict(passingRun(), compareWithBaseline(passingRun(), historyEntries(), source));
    expect(v.kind).toBe("pass");
    expect(v.reason).toMatch(/no headline metric regressed \(3 of 3 judged\)/);
  });
  it("is regression when a headline metric regressed, naming it", () => {
    const run = regressingRun();
    const v = decideVerdict(run, compareWithBaseline(run, historyEntries(), source));
    expect(v.kind).toBe("regression");
    expect(v.reason).toMatch(/Throughput of resnet50-train -15\.\d%/);
  });
  it("is failed when the run failed, whatever the metrics", () => {
    const run = failedRun();
    const v = decideVerdict(run, compareWithBaseline(run, historyEntries(), source));
    expect(v).toEqual({ kind: "failed", reason: "llm-serving failed: vLLM server pod CrashLoopBackOff: CUDA out of memory" });
  });
  it("is fault-slo-missed when a fault recovered too slowly", () => {
    const run = Results.parse({
      ...passingRun(),
      faults: [{ ...podKillFault(passingRun().run.startedAt), recoverySeconds: 300, status: "slo-missed", sloMet: false, sloShare: 0.5 }],
    });
    const v = decideVerdict(run, compareWithBaseline(run, historyEntries(), source));
    expect(v.kind).toBe("fault-slo-missed");
    expect(v.reason).toMatch(/kill-vllm-pod recovered in 300s \(SLO 60s\)/);
  });
  it("is fault-slo-missed, not pass, when a fault could not be injected", () => {
    const run = Results.parse({
      ...passingRun(),
      faults: [
        {
          ...podKillFault(passingRun().run.startedAt),
          injected: true,
          verified: false,
          status: "not-injected",
          sloMet: false,
          sloShare: 0,
          message: "the power limit read back unchanged",
        },
      ],
    });
    const v = decideVerdict(run, compareWithBaseline(run, historyEntries(), source));
    expect(v.kind).toBe("fault-slo-missed");
    expect(v.reason).toMatch(/kill-vllm-pod not-injected \(the power limit read back unchanged\)/);
  });
  it("keeps the suite hash the fixtures use", () => {
    expect(passingRun().suite.hash).toBe(SUITE_HASH);
  });
});
