import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareWithBaseline } from "../../src/evidence/comparison.js";
import { estimateCost } from "../../src/evidence/cost.js";
import { byteLength } from "../../src/evidence/format.js";
import { rateOfName, renderEvidence, SUMMARY_LIMIT_BYTES, type EvidenceModel } from "../../src/evidence/markdown.js";
import { publishEvidence } from "../../src/evidence/publish.js";
import { RESULTS_SCHEMA_VERSION, Results } from "../../src/evidence/results.js";
import { decideVerdict } from "../../src/evidence/verdict.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { errorDetail, errorLine } from "../../src/runtime/error-text.js";
import { useEvidenceScratch } from "./support/scratch.js";
import { BUCKET, NOW, PREFIX, failedRun, historyEntries, passingRun, recordingPublisher, regressingRun } from "./support/fixtures.js";

/**
 * Golden files of the evidence report (test/fixtures/evidence/*.md), produced by the whole publish
 * path against a fake bucket. After an intended change to the report: UPDATE_GOLDEN=1 npx vitest run test/evidence
 */
const GOLDEN_DIR = new URL("../fixtures/evidence/", import.meta.url).pathname;
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const scratch = useEvidenceScratch("evidence-");

async function publishedReport(results: Results, withHistory: boolean): Promise<string> {
  const s3 = scratch.bucket({ history: withHistory });
  const outDir = scratch.tempDir();
  await publishEvidence({
    results,
    history: { s3: s3.s3, bucket: BUCKET, prefix: PREFIX },
    outDir,
    retentionDays: 90,
    publisher: recordingPublisher(),
    log: new MemoryLog(),
    clock: { now: () => NOW },
  });
  return readFileSync(join(outDir, "evidence.md"), "utf8");
}

function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`No golden file ${path}: run with UPDATE_GOLDEN=1 to write it, then review it.`);
    writeFileSync(path, actual);
    return;
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("the evidence report (golden files)", () => {
  it("for a passing run", async () => {
    const md = await publishedReport(passingRun(), true);
    expect(md.split("\n")[2]).toMatch(/^\*\*Verdict: ✅ pass\*\*/);
    expectGolden("pass.md", md);
  });

  it("for a regressing run", async () => {
    const md = await publishedReport(regressingRun(), true);
    expect(md.split("\n")[2]).toMatch(/^\*\*Verdict: 🔴 regression\*\*/);
    expectGolden("regression.md", md);
  });

  it("for a failed run", async () => {
    const md = await publishedReport(failedRun(), true);
    expect(md.split("\n")[2]).toMatch(/^\*\*Verdict: ❌ failed\*\*: llm-serving failed/);
    expect(md).toContain("## Diagnostics");
    expectGolden("failed.md", md);
  });

  it("for a first run", async () => {
    const md = await publishedReport(passingRun(), false);
    expect(md.split("\n")[2]).toMatch(/^\*\*Verdict: 🆕 first run\*\*: first run of suite default on g5\.2xlarge: baseline recorded/);
    expectGolden("first-run.md", md);
  });
});

function model(results: Results): EvidenceModel {
  const comparison = compareWithBaseline(results, historyEntries(), {
    kind: "history",
    uri: `s3://${BUCKET}/${PREFIX}/default/g5.2xlarge/`,
  });
  return {
    results,
    comparison,
    verdict: decideVerdict(results, comparison),
    cost: estimateCost(results, NOW),
    files: {},
    notes: [],
    generatedAt: new Date(NOW).toISOString(),
  };
}

describe("the report's contents", () => {
  it("states the rule's one-sided threshold in one column, and the minimum detectable change, for each headline metric", () => {
    const md = renderEvidence(model(passingRun()));
    const top = md.slice(0, md.indexOf("\n## "));
    expect(top).toMatch(/\| Metric \| This run \| Baseline \| Change \| Regression if \| Decision \|/);
    expect(top).toContain(
      "| resnet50-train · Throughput (↑ higher) | 1,005 img/s | 1,005 img/s (mean of 10) | +0.0% | < 954.6 img/s (−5.0%) | ✅ no change |",
    );
    expect(top).not.toContain("±");
    expect(top).toMatch(/The smallest change this history catches in 95% of runs: Throughput 7\.5%/);
  });

  it("a multi-node run's GPU line says the GPUs are per node and how many there are in all", () => {
    const one = passingRun();
    const node = (index: number) => ({
      index,
      instance: `i-0${index}23456789abcdef0`,
      availabilityZone: "us-west-2b",
      inventory: one.inventory,
    });
    const md = renderEvidence(model(Results.parse({ ...one, nodes: [node(0), node(1)] })));
    expect(md).toMatch(/\| GPU \| 1 × NVIDIA A10G, 23,028 MiB per node, 2 GPUs on 2 nodes · driver /);
    // One node: the line is unchanged.
    expect(renderEvidence(model(one))).toMatch(/\| GPU \| 1 × NVIDIA A10G, 23,028 MiB · driver /);
  });

  it("says how the fault table's error rate and the windows' errors count requests, since the two differ", () => {
    const md = renderEvidence(model(passingRun()));
    const section = md.slice(md.indexOf("## Fault scenarios"));
    expect(section).toContain(
      "The error rate counts the requests started between the injection and the recovery; each window's errors, the requests that ended in it.",
    );
    expect(section).toContain("| Window | Length | Throughput | p50 TTFT | p99 TTFT | Errors (requests that ended in it) |");
  });

  it("says a ResNet50 run on the CPU (the stand-in) has no MFU because it had no GPU, not because the GPU's peak is unknown", () => {
    const run = passingRun();
    const onCpu = Results.parse({
      ...run,
      workloads: run.workloads.map((w) =>
        w.kind === "resnet50"
          ? { ...w, parameters: { ...w.parameters, device: "cpu" }, metrics: w.metrics.filter((m) => !/mfu/i.test(m.name)) }
          : w,
      ),
    });
    const md = renderEvidence(model(onCpu));
    expect(md).toContain("**MFU**: not reported: the workload ran on the CPU, with no GPU peak to compare with.");
    expect(md).not.toContain("peak FLOP/s for this precision is unknown");
  });

  it("names the message size of an all-reduce's headline bus bandwidth, as it names a latency's request rate", () => {
    const run = passingRun();
    const sized = (size: number, headline: boolean) => ({
      name: `bus_bandwidth_gbps@${size}B`,
      label: "Bus bandwidth",
      unit: "GB/s",
      direction: "higher",
      headline,
      messageBytes: size,
      trials: [40, 42],
      summary: { n: 2, median: 41, mean: 41, min: 40, max: 42, stdev: 1.41, cv: 0.034, q1: 40.5, q3: 41.5, iqr: 1 },
    });
    const allreduce = {
      id: "allreduce",
      kind: "nccl-allreduce",
      parameters: { nodes: 2, ranks: 2 },
      status: "ok",
      metrics: [sized(1048576, false), sized(4194304, true)],
      trials: [],
      startedAt: "2026-12-06T03:00:00.000Z",
      endedAt: "2026-12-06T03:01:00.000Z",
    };
    const md = renderEvidence(model(Results.parse({ ...run, workloads: [...run.workloads, allreduce] })));
    const top = md.slice(0, md.indexOf("\n## "));
    expect(top).toContain("| allreduce · Bus bandwidth at 4 MiB (↑ higher) | 41.00 GB/s |");
  });

  it("writes a percentage as the report's other percentages are written, '31.35%', never '31.35 %'", () => {
    const md = renderEvidence(model(passingRun()));
    expect(md).toContain("median 31.35% over 3 trial(s)");
    expect(md).not.toMatch(/\d %/);
  });

  it("prints a scaling efficiency as the bare fraction it is, not '0.925 fraction'", () => {
    const run = passingRun();
    const efficiency = {
      name: "scaling_efficiency",
      label: "Scaling efficiency",
      unit: "fraction",
      direction: "higher",
      trials: [0.9, 0.95],
      summary: { n: 2, median: 0.925, mean: 0.925, min: 0.9, max: 0.95, stdev: 0.035, cv: 0.038, q1: 0.9125, q3: 0.9375, iqr: 0.025 },
    };
    const workloads = run.workloads.map((w) => (w.kind === "resnet50" ? { ...w, metrics: [...w.metrics, efficiency] } : w));
    const md = renderEvidence(model(Results.parse({ ...run, workloads })));
    expect(md).toContain("| Scaling efficiency (↑ higher) `scaling_efficiency` | 0.925 | 0.900 – 0.950 |");
    expect(md).not.toContain("fraction |");
  });

  it("names the request rate of every headline latency and the SLO beside goodput", () => {
    const md = renderEvidence(model(passingRun()));
    expect(md).toContain("| llm-serving · TTFT p99 at 4 req/s (↓ lower) | 97.50 ms |");
    expect(md).toContain("| llm-serving · Output throughput at max load (↑ higher) | 2,955 tok/s |");
    expect(md).toContain("| Goodput (req/s; SLO: TTFT ≤ 200 ms, TPOT ≤ 50 ms) |");
  });

  it("reads the request rate from the names the serving workload gives its metrics (ttft_p99_ms@4rps)", () => {
    expect(rateOfName("ttft_p99_ms@4rps")).toBe(4);
    expect(rateOfName("ttft_p99_ms@0.5rps")).toBe(0.5);
    expect(rateOfName("ttft_p99_ms@4")).toBe(4);
    expect(rateOfName("output_throughput@max")).toBe("max");
    expect(rateOfName("joules_per_output_token")).toBeUndefined();
  });

  it("says 'baseline recorded' once on a first run and shows the metrics instead of a table of it", () => {
    const results = passingRun();
    const comparison = compareWithBaseline(results, [], { kind: "history", uri: `s3://${BUCKET}/${PREFIX}/default/g5.2xlarge/` });
    const md = renderEvidence({ ...model(results), comparison, verdict: decideVerdict(results, comparison) });
    expect(md.match(/baseline recorded/g)).toHaveLength(1);
    expect(md).toContain("| Metric | This run |\n|---|---|\n| resnet50-train · Throughput (↑ higher) | 1,005 img/s |");
    expect(md).toContain("Nothing to compare with yet: no earlier run that succeeded");
    expect(md).not.toMatch(/last 0 runs|## Trends/);
  });

  it("leads a failed run with its cause, what finished and what did not, in the phase table's durations", () => {
    const md = renderEvidence(model(failedRun()));
    const top = md.slice(0, md.indexOf("\n## "));
    expect(top.indexOf("### What went wrong")).toBeLessThan(top.indexOf("### Headline metrics"));
    expect(top).toContain("**Cause:** `vLLM server pod CrashLoopBackOff: CUDA out of memory` (phase `llm-serving`, failed after 11m 40s).");
    expect(top).toContain("torch.OutOfMemoryError: CUDA out of memory.");
    expect(top).toContain("| resnet50-train | ✅ done | 8m 00s |");
    expect(top).toContain("| llm-serving | ❌ failed | 11m 40s |");
    expect(md).toContain("| llm-serving | 2025-03-10 02:13:25Z | 11m 40s | failed |");
    expect(top).toContain("### Headline metrics of the workloads that finished");
    expect(top).toContain("| llm-serving | did not finish (failed) | — | — | — | not judged |");
  });

  it("shows the rest of a refusal under its cause: what it weighed and the input to change", () => {
    // A budget refusal as the lifecycle records it (errorLine and errorDetail of the BudgetError).
    const message = [
      "'max-cost-usd' is $0.05, but every candidate could cost more before 'ttl-minutes' (30) ends it (price per hour × ttl-minutes):",
      "  - on-demand g5.2xlarge: $1.212/h (aws-price-list-api) × 30 min = $0.61",
      "",
      "Nothing was launched. To run: raise 'max-cost-usd' to at least $0.51, or list a cheaper type in 'instance-types'.",
    ].join("\n");
    const error = new Error(message);
    expect(errorDetail(error)).toEqual({
      detail:
        "  - on-demand g5.2xlarge: $1.212/h (aws-price-list-api) × 30 min = $0.61\nNothing was launched. To run: raise 'max-cost-usd' to at least $0.51, or list a cheaper type in 'instance-types'.",
    });
    expect(errorDetail(new Error("one line"))).toEqual({});
    const run = failedRun();
    const refused = Results.parse({
      ...run,
      outcome: { status: "failed", failedPhase: "budget check", message: errorLine(error), ...errorDetail(error) },
    });
    const top = renderEvidence(model(refused)).split("\n### Headline")[0]!;
    expect(top).toContain(
      "```text\n  - on-demand g5.2xlarge: $1.212/h (aws-price-list-api) × 30 min = $0.61\nNothing was launched. To run: raise 'max-cost-usd' to at least $0.51",
    );
    // At most MAX_DETAIL_LINES lines, saying how many more the log holds.
    const long = errorDetail(new Error(["first", ...Array.from({ length: 50 }, (_, i) => `line ${i}`)].join("\n"))).detail!.split("\n");
    expect(long).toHaveLength(41);
    expect(long.at(-1)).toBe("… 10 more line(s) in the run's log");
  });

  it("says at the top when the run was on the local stand-in", () => {
    const run = passingRun();
    const standIn = Results.parse({ ...run, instance: { ...run.instance!, amiName: "Deep Learning base-oss AMI (x86_64) stand-in" } });
    const md = renderEvidence(model(standIn));
    expect(md.split("\n").slice(2, 5).join("\n")).toContain("This run used the local AWS stand-in");
    expect(renderEvidence(model(run))).not.toContain("stand-in");
  });

  it("keeps tables narrow and leaves the idle SM clock reading out", () => {
    const md = renderEvidence(model(passingRun()));
    const body = md.slice(0, md.indexOf("## Fault scenarios")) + md.slice(md.indexOf("## Comparison with the baseline"));
    for (const header of body.split("\n").filter((l, i, all) => all[i + 1]?.startsWith("|---"))) {
      expect(header.split(" | ").length, header).toBeLessThanOrEqual(6);
    }
    expect(md).toContain("| # | GPU | Memory | Power limit | Max clocks (SM / memory) | Compute capability |");
    expect(md).toContain("| 0 | NVIDIA A10G · ECC Enabled | 23,028 MiB | 300 W | 1710 MHz / 6251 MHz | 8.6 |");
  });
});

describe("the report's charts", () => {
  const charts = (md: string) => [...md.matchAll(/```mermaid\n([^]*?)\n```/g)].map((m) => m[1]!);
  const xy = (md: string) => charts(md).filter((c) => c.includes("xychart-beta"));

  it("use a palette that reads on light and dark themes, never Mermaid's near-invisible default", () => {
    const md = renderEvidence(model(passingRun()));
    // The fault scenarios' charts too: ok requests in green bars, failed ones in a red line.
    expect(md).toContain(
      "Green bars: requests that succeeded; red line: requests that failed (per second). Injected at 0 s, recovered at 12 s.",
    );
    // ...with its numbers beside it, for viewers that do not render Mermaid.
    expect(md).toMatch(
      /<summary>The chart's numbers \(40 points\)<\/summary>\n\n\| Second \| Ok \| Failed \|\n\|---\|---\|---\|\n\| -10 \| 4 \| 0 \|/,
    );
    for (const c of xy(md)) {
      expect(c.split("\n")[0]).toMatch(/^%%\{init: \{"theme":"base".*"plotColorPalette":"#[0-9A-F]{6}/);
      expect(c).not.toMatch(/ECECFF/i);
    }
  });

  it("split latency per quantity, keep max load off the request-rate axis, and give each chart a legend and a table", () => {
    const md = renderEvidence(model(passingRun()));
    const titles = xy(md).map((c) => /title "([^"]*)"/.exec(c)![1]);
    expect(titles).toEqual(
      expect.arrayContaining(["TTFT (ms) by request rate", "TPOT (ms) by request rate", "Output throughput by request rate"]),
    );
    for (const c of xy(md)) {
      expect(c).not.toMatch(/x-axis "request rate[^\n]*"max"/);
      expect(c.match(/^ {2}line /gm)!.length).toBeLessThanOrEqual(3);
    }
    expect(md).toMatch(
      /\| 16 \| 81\.30 \| 240\.2 \| 240\.2 \|\n\nLines: blue TTFT p50 · orange TTFT p99 · green TTFT p99 baseline mean\n\n```mermaid/,
    );
    expect(md).toContain("At max load (every request sent at once; the most it can serve, not a point on the request-rate axis):");
  });

  it("show latency against achieved throughput with the SLO line", () => {
    const md = renderEvidence(model(passingRun()));
    expect(md).toContain("| 14.20 | 240.2 | ❌ no |");
    const chart = xy(md).find((c) => c.includes("achieved"))!;
    expect(chart).toContain('x-axis "achieved throughput (req/s)" ["0.99", "3.93", "14.2"]');
    // The SLO line is drawn first, so the measured line stays on top where they meet.
    expect(chart).toMatch(/"plotColorPalette":"#EF4444, #3B82F6"[^]*line \[200, 200, 200\]\n {2}line \[61, 97\.5, 240\.2\]/);
  });

  it("show failed requests only when some failed", () => {
    expect(renderEvidence(model(passingRun()))).not.toContain("Failed requests by request rate");
    const run = passingRun();
    const llm = run.workloads[1]!;
    const failing = Results.parse({
      ...run,
      workloads: [
        run.workloads[0],
        {
          ...llm,
          metrics: llm.metrics.map((m) =>
            m.name === "failed_requests@16" ? { ...m, trials: [7], summary: { ...m.summary, median: 7, max: 7, min: 7 } } : m,
          ),
        },
      ],
    });
    expect(renderEvidence(model(failing))).toContain("Failed requests by request rate");
  });

  it("trend each headline metric over the baseline runs and this one, with the baseline mean and the regression threshold", () => {
    const md = renderEvidence(model(passingRun()));
    const trends = md.slice(md.indexOf("## Trends"), md.indexOf("## Workloads"));
    expect(trends).toContain("### resnet50-train · Throughput");
    expect(trends).toContain("Lines: blue Throughput · green baseline mean · red regression threshold 954.6 img/s");
    expect(trends).toMatch(/x-axis "run" \["30", "31", [^\]]*"42 \(this run\)"\]/);
    expect(trends).toContain("| \\#42 (this run) | 1,005 img/s |");
  });
});

describe("rendered edge cases", () => {
  it("renders a run that stopped before anything was launched (no instance, inventory, phases or workloads)", () => {
    const bare = Results.parse({
      schemaVersion: RESULTS_SCHEMA_VERSION,
      tool: { name: "ephemeral-gpu-bench", version: "0.1.0" },
      run: { id: "1", attempt: 1, startedAt: "2025-03-10T02:00:00Z" },
      suite: { name: "default", hash: "abc" },
      phases: [],
      workloads: [],
      outcome: { status: "failed", failedPhase: "launch", message: "InsufficientInstanceCapacity in every zone" },
    });
    const comparison = compareWithBaseline(bare, [], { kind: "none", reason: "no instance was launched" });
    const md = renderEvidence({
      results: bare,
      comparison,
      verdict: decideVerdict(bare, comparison),
      cost: estimateCost(bare, NOW),
      files: {},
      notes: [],
      generatedAt: "2025-03-10T02:05:00Z",
    });
    expect(md).toContain("**Verdict: ❌ failed**: launch failed: InsufficientInstanceCapacity in every zone");
    expect(md).toContain("| Instance | not launched |");
    expect(md).toContain("_No inventory was collected");
    expect(md).toContain("_No phase was recorded._");
    expect(md).toContain("_No workload ran._");
    expect(md).toContain("Not compared: no instance was launched.");
    expect(md).toContain("no instance was launched: nothing to pay");
    expect(md).not.toMatch(/undefined|NaN|\[object Object\]/);
  });

  it("keeps hostile text from breaking tables or hiding content", () => {
    const run = failedRun();
    const hostile = Results.parse({ ...run, outcome: { ...run.outcome, message: "a | b <!-- hidden --> `c`\nnext line" } });
    const md = renderEvidence(model(hostile));
    // As prose (the verdict line): escaped. In the Run table: a code span, where nothing is markup.
    expect(md).toContain("a \\| b &lt;!-- hidden --&gt; \\`c\\` next line");
    expect(md).toContain("| Outcome | failed in llm-serving: ``a \\| b <!-- hidden --> `c` next line`` |");
    expect(md.replace(/(`+)(?:(?!\1).)*?\1/g, "")).not.toContain("<!--");
  });

  it("renders text from the node as text: no link, image, emphasis or forged verdict", () => {
    const run = passingRun();
    const evil = "✅ **pass** [click](https://evil.example/x) ![img](http://evil.example/i.png) <img src=x> _u_ ~~s~~ www.evil.example";
    const hostile = Results.parse({
      ...run,
      suite: { ...run.suite, name: evil },
      outcome: { ...run.outcome, message: evil },
      workloads: run.workloads.map((w) => ({ ...w, message: evil })),
      inventory: run.inventory && { ...run.inventory, driverVersion: evil, gpus: run.inventory.gpus.map((g) => ({ ...g, name: evil })) },
    });
    const md = renderEvidence(model(hostile));
    // Outside code spans, no Markdown or HTML made from the hostile text survives.
    const prose = md.replace(/(`+)(?:(?!\1).)*?\1/g, "");
    expect(prose).not.toMatch(/(?<!\\)\]\(http:\/\/evil|!\[|<img|(?<!\\)\*\*pass|https?:\/\/evil|www\.evil|(?<!\\)~~s/);
    expect(prose).toContain("✅ \\*\\*pass\\*\\* \\[click\\](https\\://evil.example/x) !\\[img\\]");
    // The workload's message (the node's error tail) is a code span, shown verbatim.
    expect(md).toContain(`> \`${evil}\``);
    // The only verdict line is the tool's own.
    expect(md.match(/\*\*Verdict: /g)).toHaveLength(1);
  });
});

describe("the job summary's size limit", () => {
  it("truncates diagnostics to stay under 1 MiB, keeping the verdict and the tail", () => {
    const run = failedRun();
    const huge = `${"early noise line\n".repeat(200_000)}the decisive last line`;
    const big = Results.parse({ ...run, diagnosticsTail: huge });
    const md = renderEvidence(model(big), { maxBytes: SUMMARY_LIMIT_BYTES, maxDiagnosticsBytes: 4 * 1024 * 1024 });
    expect(byteLength(md)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(md.split("\n")[2]).toMatch(/^\*\*Verdict: ❌ failed\*\*/);
    expect(md).toContain("the decisive last line");
    expect(md).toMatch(/earlier bytes left out to fit the summary/);
    expect(md).toContain("## Comparison with the baseline");
  });

  it("drops detail sections, never the top, when even that is not enough", () => {
    const run = passingRun();
    const base = run.workloads[0]!;
    const metrics = Array.from({ length: 300 }, (_, i) => ({ ...base.metrics[1]!, name: `extra_${i}`, label: `Extra metric ${i}` }));
    const many = Array.from({ length: 20 }, (_, i) => ({ ...base, id: `resnet50-${i}`, metrics: [...base.metrics, ...metrics] }));
    const big = Results.parse({ ...run, workloads: many });
    const md = renderEvidence(model(big), { maxBytes: 200_000 });
    expect(byteLength(md)).toBeLessThanOrEqual(200_000);
    expect(md.split("\n")[2]).toMatch(/^\*\*Verdict: /);
    expect(md).toMatch(/## Workloads\n\n_Left out to fit GitHub's job summary limit/);
  });

  it("cuts even the top at the limit rather than exceed it, the verdict line first", () => {
    const md = renderEvidence(model(passingRun()), { maxBytes: 600 });
    expect(byteLength(md)).toBeLessThanOrEqual(600);
    expect(md).toMatch(/\*\*Verdict: /);
  });
});
