import { describe, expect, it } from "vitest";
import { benchmarkActionEntries } from "../../src/evidence/benchmark-action.js";
import { estimateCost } from "../../src/evidence/cost.js";
import { phaseGantt, lineChart } from "../../src/evidence/mermaid.js";
import { Results } from "../../src/evidence/results.js";
import { NOW, failedRun, passingRun } from "./support/fixtures.js";

describe("github-action-benchmark's custom JSON", () => {
  it("splits metrics by direction into customBiggerIsBetter and customSmallerIsBetter entries", () => {
    const { biggerIsBetter, smallerIsBetter } = benchmarkActionEntries(passingRun());
    expect(biggerIsBetter[0]).toEqual({
      name: "resnet50-train/images_per_sec (g5.2xlarge)",
      unit: "img/s",
      value: 1004.8,
      range: "± 3.575",
      extra: "Throughput; median of 3 trial(s), min 998.1, max 1012.4; suite default 5e1f3c0a9b8d; run 13572468",
    });
    expect(smallerIsBetter.map((e) => e.name)).toContain("llm-serving/ttft_p99_ms@4 (g5.2xlarge)");
    expect(biggerIsBetter.every((e) => typeof e.value === "number" && typeof e.name === "string" && typeof e.unit === "string")).toBe(true);
    // A single trial has no spread to report.
    expect(smallerIsBetter.find((e) => e.name.startsWith("llm-serving/"))!.range).toBeUndefined();
  });

  it("leaves out workloads that did not finish", () => {
    const { biggerIsBetter } = benchmarkActionEntries(failedRun());
    expect(biggerIsBetter.some((e) => e.name.startsWith("llm-serving/"))).toBe(false);
  });
});

describe("the cost", () => {
  it("is instance-seconds times the listed on-demand price, noting the region", () => {
    const cost = estimateCost(passingRun(), NOW);
    expect(cost.seconds).toBe(1880);
    expect(cost.pricePerHourUsd).toBe(1.212);
    expect(cost.usd).toBeCloseTo((1880 / 3600) * 1.212, 6);
    expect(cost.notes.join("\n")).toMatch(/us-west-2 may differ/);
  });

  it("prefers the price the run recorded, bills at least 60 s, and calls a list price an upper bound for spot", () => {
    const run = passingRun();
    const known = Results.parse({
      ...run,
      instance: { ...run.instance!, pricePerHourUsd: 0.5, market: "spot", terminatedAt: run.instance!.launchedAt },
    });
    const cost = estimateCost(known, NOW);
    expect(cost.billedSeconds).toBe(60);
    expect(cost.usd).toBeCloseTo((60 / 3600) * 0.5, 8);
    expect(cost.priceSource).toMatch(/recorded for spot g5\.2xlarge/);
    const spot = Results.parse({ ...run, instance: { ...run.instance!, market: "spot" } });
    expect(estimateCost(spot, NOW).notes.join("\n")).toMatch(/upper bound/);
    const unknown = Results.parse({ ...run, instance: { ...run.instance!, type: "p5.48xlarge" } });
    expect(estimateCost(unknown, NOW).usd).toBeUndefined();
  });
});

describe("Mermaid", () => {
  it("keeps task names from breaking the gantt syntax", () => {
    const gantt = phaseGantt([
      { name: "wait: agent; #1", startedAt: "2025-03-10T02:00:00Z", endedAt: "2025-03-10T02:01:00Z", status: "failed" },
    ])!;
    expect(gantt).toContain("  wait agent 1 :crit, p0, 2025-03-10 02:00:00, 2025-03-10 02:01:00");
  });

  it("labels a short run's time axis with seconds (every tick of a 2-minute run read 02:00), a long one's with minutes", () => {
    const phase = (name: string, from: string, to: string) => ({ name, startedAt: from, endedAt: to, status: "ok" as const });
    const short = phaseGantt([
      phase("launch", "2025-03-10T02:00:00Z", "2025-03-10T02:00:40Z"),
      phase("work", "2025-03-10T02:00:40Z", "2025-03-10T02:02:00Z"),
    ])!;
    expect(short).toContain("  axisFormat %H:%M:%S\n");
    const long = phaseGantt([
      phase("launch", "2025-03-10T02:00:00Z", "2025-03-10T02:05:00Z"),
      phase("work", "2025-03-10T02:05:00Z", "2025-03-10T03:00:00Z"),
    ])!;
    expect(long).toContain("  axisFormat %H:%M\n");
  });

  it("draws no chart without data", () => {
    expect(phaseGantt([])).toBeUndefined();
    expect(lineChart("t", "x", [], "y", [{ name: "a", values: [] }])).toBeUndefined();
    expect(lineChart("t", "x", [1, 2], "y", [{ name: "a", values: [1, Number.NaN] }])).toBeUndefined();
  });
});

describe("github-action-benchmark exports: only ratios that are always finite and meaningful", () => {
  it("leaves out failure rates, goodput and any metric measured as zero", () => {
    const run = passingRun();
    const llm = run.workloads.find((w) => w.kind === "llm-serving")!;
    const template = llm.metrics.find((m) => m.direction === "higher")!;
    const zeroish = [
      { ...template, name: "request_failure_percent@4", unit: "%", direction: "lower" as const, trials: [2] },
      { ...template, name: "request_goodput@4", trials: [3.5] },
      { ...template, name: "tpot_mean_ms@4", direction: "lower" as const, trials: [0] },
    ];
    const withZeros = Results.parse({ ...run, workloads: [{ ...llm, metrics: [...llm.metrics, ...zeroish] }] });
    const { biggerIsBetter, smallerIsBetter } = benchmarkActionEntries(withZeros);
    const names = [...biggerIsBetter, ...smallerIsBetter].map((e) => e.name);
    expect(names.some((n) => /request_failure_percent|request_goodput|tpot_mean_ms/.test(n))).toBe(false);
    expect(names).toContain("llm-serving/ttft_p99_ms@4 (g5.2xlarge)");
    expect([...biggerIsBetter, ...smallerIsBetter].every((e) => e.value > 0 && Number.isFinite(e.value))).toBe(true);
  });
});
