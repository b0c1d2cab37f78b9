import { describe, expect, it } from "vitest";
import { compareWithBaseline } from "../../src/evidence/comparison.js";
import { estimateCost } from "../../src/evidence/cost.js";
import { entryFromResults } from "../../src/evidence/history.js";
import { renderEvidence } from "../../src/evidence/markdown.js";
import { Results } from "../../src/evidence/results.js";
import { resnet50EnergyMetrics, summarizeTelemetry } from "../../src/evidence/telemetry.js";
import { decideVerdict } from "../../src/evidence/verdict.js";
import { secondLabels } from "../../src/evidence/telemetry-markdown.js";
import { parseSamples } from "../../src/node/telemetry-samples.js";
import { everySecond, samplesText, type GpuRow } from "../support/telemetry-samples.js";
import { NOW, folderOf, historyEntries, historyRuns, passingRun } from "./support/fixtures.js";

const source = { kind: "history" as const, uri: "s3://b/p/" };
const T0 = 1_741_572_000;

/** The run's resnet50-train with GPU telemetry from samples shaped by `row`, over three 30 s trials. */
function withTelemetry(run: Results, row: (t: number) => Omit<GpuRow, "t"> = () => ({})): Results {
  const samples = parseSamples(samplesText({ gpu: everySecond(T0, T0 + 100, (t) => ({ powerW: 250, ...row(t) })) }))!;
  const windows = [1, 2, 3].map((trial) => ({ label: `trial ${trial}`, trial, start: T0 + trial * 30 - 25, end: T0 + trial * 30 }));
  const summary = summarizeTelemetry(samples, windows, { ownPodPrefixes: ["rn50-"] })!;
  const images = new Map(windows.map((w) => [w.trial, 128 * 100]));
  const [resnet, ...rest] = run.workloads;
  return Results.parse({
    ...run,
    workloads: [
      {
        ...resnet!,
        metrics: [...resnet!.metrics, ...resnet50EnergyMetrics(summary.detail, images)],
        telemetry: summary.telemetry,
        telemetryDetail: { ...summary.detail, samplesUri: "s3://evidence-bucket/gpu-bench/runs/13572468-1/telemetry/resnet50-train.csv" },
      },
      ...rest,
    ],
  });
}

/** resnet50-train 15% slower than the history; the LLM workload as usual. */
function slowResnet(): Results {
  const run = passingRun();
  return Results.parse({ ...run, workloads: [passingRun({ speed: 0.85 }).workloads[0], run.workloads[1]] });
}

const throttled = (t: number): Omit<GpuRow, "t"> => (t % 2 === 0 ? { reasons: "0x0000000000000008", smMHz: 800 } : {});

describe("GPU telemetry in the comparison and the verdict", () => {
  it("a throttled result that would regress is not called a regression: not judged, said at the top", () => {
    const run = withTelemetry(slowResnet(), throttled);
    const comparison = compareWithBaseline(run, historyEntries(), source);
    const ips = comparison.metrics.find((m) => m.workload === "resnet50-train" && m.metric === "images_per_sec")!;
    expect(ips.decision.decision).toBe("invalid");
    const verdict = decideVerdict(run, comparison);
    expect(verdict.kind).not.toBe("regression");
    expect(verdict.reason).toMatch(
      /^1 result invalid, not judged and not kept as baseline: resnet50-train \(hardware or thermal slowdown \(hw_slowdown\)/,
    );
  });

  it("a first run whose only results are invalid is a pass that says nothing was judged or recorded, not a first run", () => {
    const run = withTelemetry(passingRun(), throttled);
    const alone = Results.parse({ ...run, workloads: [run.workloads[0]] });
    const verdict = decideVerdict(alone, compareWithBaseline(alone, [], source));
    expect(verdict.kind).toBe("pass");
    expect(verdict.reason).toMatch(
      /^1 result invalid, not judged and not kept as baseline: resnet50-train .*; all workloads ran; every headline metric comes from an invalid result: none judged, no baseline recorded$/,
    );
  });

  it("the same slowdown-free run regresses as before: the rule only sets invalid results aside", () => {
    const run = withTelemetry(slowResnet());
    expect(decideVerdict(run, compareWithBaseline(run, historyEntries(), source)).kind).toBe("regression");
  });

  it("history entries carry the flag, and invalid earlier results are never a baseline", () => {
    const runs = historyRuns().map((r, i) => (i >= 5 ? withTelemetry(r, throttled) : withTelemetry(r)));
    const entries = runs.map((r) => entryFromResults(r, folderOf(r)));
    expect(entries.map((e) => e.workloads[0]!.valid)).toEqual([true, true, true, true, true, false, false, false, false, false]);
    const comparison = compareWithBaseline(withTelemetry(passingRun()), entries, source);
    const ips = comparison.metrics.find((m) => m.metric === "images_per_sec")!;
    expect(ips.decision.runs).toBe(5);
    expect(comparison.notes.join("\n")).toMatch(/5 earlier workload results that GPU telemetry marked invalid left out/);
  });

  it("energy per image is a headline metric compared over history like the others", () => {
    const runs = historyRuns().map((r) => withTelemetry(r));
    const comparison = compareWithBaseline(withTelemetry(passingRun()), historyEntries(runs), source);
    const energy = comparison.metrics.find((m) => m.metric === "joules_per_image")!;
    expect(energy).toMatchObject({ headline: true, direction: "lower", unit: "J/image" });
    expect(energy.decision.runs).toBe(10);
    // 250 W over 25 s for 12,800 images.
    expect(energy.current).toBeCloseTo((250 * 25) / 12_800, 9);
  });
});

describe("the report's GPU telemetry", () => {
  function report(run: Results): string {
    const comparison = compareWithBaseline(run, historyEntries(), source);
    return renderEvidence({
      results: run,
      comparison,
      verdict: decideVerdict(run, comparison),
      cost: estimateCost(run, NOW),
      files: {},
      notes: [],
      generatedAt: new Date(NOW).toISOString(),
    });
  }

  it("shows invalid results with their reasons right under the verdict", () => {
    const md = report(withTelemetry(passingRun(), throttled));
    const top = md.slice(0, md.indexOf("### Headline metrics"));
    expect(top).toMatch(/\*\*1 result cannot be trusted\*\* \(GPU telemetry\)/);
    expect(top).toMatch(/> - resnet50-train: hardware or thermal slowdown \(hw\\?_slowdown\) active in \d+% of the samples/);
    // Its rows say so in the Decision column; the reasons are the ones above, not repeated in every row.
    expect(md).toMatch(/\| resnet50-train · Throughput \(↑ higher\) \| 1,005 img\/s \| — \| n\/a \| — \| ⚠️ invalid \|/);
  });

  it("has a GPU telemetry part per workload: summary, chart with the timed windows, its numbers, energy per image in the headline", () => {
    const md = report(withTelemetry(passingRun()));
    expect(md).not.toMatch(/cannot be trusted/);
    expect(md).toMatch(/\| resnet50-train · Energy per image \(↓ lower\) \| 0\.488 J\/image \|/);
    const part = md.slice(md.indexOf("#### resnet50-train: GPU telemetry"));
    expect(part).toMatch(/\*\*Valid\*\*/);
    expect(part).toMatch(/\| Source \| `nvidia-smi --query-gpu`, every 1\.00 s; 78 samples in the timed windows \|/);
    expect(part).toMatch(/\| Energy in the timed windows \| 18,750 J \|/);
    // Faint grey window bars behind an orange power line and a blue clock line, on either theme.
    expect(part).toMatch(
      /```mermaid\n%%\{init: .*"plotColorPalette":"#8B949E55, #F97316, #3B82F6".*\}%%\nxychart-beta\n {2}title "resnet50-train power and SM clock"/,
    );
    // Bars mark the timed windows: full height inside one, zero between them.
    const bars = / {2}bar \[([^\]]*)\]/.exec(part)![1]!.split(", ").map(Number);
    expect(new Set(bars).size).toBe(2);
    expect(bars[0]).toBe(0);
    expect(part).toMatch(/<summary>The chart's numbers<\/summary>/);
    expect(part).toMatch(/\| trial 2 \| 25\.00 \| 6,250 \|/);
    expect(part).toMatch(/Raw samples: `s3:\/\/evidence-bucket\/gpu-bench\/runs\/13572468-1\/telemetry\/resnet50-train\.csv`/);
  });
  it("says how many lines of the sampler's output did not parse and were left out", () => {
    const run = withTelemetry(passingRun());
    const [resnet, ...rest] = run.workloads;
    const md = report(
      Results.parse({ ...run, workloads: [{ ...resnet!, telemetryDetail: { ...resnet!.telemetryDetail!, unparsedLines: 2 } }, ...rest] }),
    );
    const part = md.slice(md.indexOf("#### resnet50-train: GPU telemetry"));
    expect(part).toMatch(/78 samples in the timed windows; 2 lines of its output did not parse \(left out\) \|/);
    expect(report(run)).not.toMatch(/did not parse/);
  });

  it("a workload across nodes says whose GPUs it summed and gives each node's raw samples", () => {
    const run = withTelemetry(passingRun());
    const [resnet, ...rest] = run.workloads;
    const uri = (k: number) => `s3://evidence-bucket/gpu-bench/runs/13572468-1/telemetry/resnet50-train${k === 0 ? "" : `.node-${k}`}.csv`;
    const across = (sampled: number[]) =>
      report(
        Results.parse({
          ...run,
          workloads: [
            {
              ...resnet!,
              telemetryDetail: {
                ...resnet!.telemetryDetail!,
                nodes: { count: 3, sampled: sampled.map((node) => ({ node, gpus: [node], samplesUri: uri(node) })) },
              },
            },
            ...rest,
          ],
        }),
      );
    const all = across([0, 1, 2]);
    expect(all).toMatch(/78 samples in the timed windows; every node's GPUs \(3 nodes\), summed \|/);
    expect(all).toContain(`Raw samples: node 0 \`${uri(0)}\`, node 1 \`${uri(1)}\`, node 2 \`${uri(2)}\``);
    expect(across([0, 2])).toMatch(
      /78 samples in the timed windows; nodes 0, 2 of 3 summed; node 1 not sampled \(energy per unit of work counts the sampled nodes' share of the work\) \|/,
    );
  });
});

describe("the GPU telemetry chart's time axis", () => {
  it("gives every sample its own x label, so a sampler a little early never puts two points on one spot", () => {
    expect(secondLabels([0, 1, 2, 3])).toEqual(["0", "1", "2", "3"]);
    // Seen on a loaded machine: samples at 3.6 s and 4.4 s both rounded to "4".
    expect(secondLabels([0, 1.02, 2.01, 3.6, 4.4, 5.5])).toEqual(["0", "1", "2", "4", "4+", "6"]);
    expect(secondLabels([0, 0.1, 0.2])).toEqual(["0", "0+", "0++"]);
  });
});
