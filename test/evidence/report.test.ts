import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compareWithBaseline } from "../../src/evidence/comparison.js";
import { estimateCost } from "../../src/evidence/cost.js";
import { byteLength } from "../../src/evidence/format.js";
import { renderEvidence, SUMMARY_LIMIT_BYTES, type EvidenceModel } from "../../src/evidence/markdown.js";
import { publishEvidence } from "../../src/evidence/publish.js";
import { RESULTS_SCHEMA_VERSION, Results } from "../../src/evidence/results.js";
import { decideVerdict } from "../../src/evidence/verdict.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { fakeS3, type FakeS3 } from "./support/fake-s3.js";
import {
  BUCKET,
  NOW,
  PREFIX,
  failedRun,
  historyEntries,
  passingRun,
  recordingPublisher,
  regressingRun,
  seedHistory,
} from "./support/fixtures.js";

/**
 * Golden files of the evidence report (test/fixtures/evidence/*.md), produced by the whole publish
 * path against a fake bucket. After an intended change to the report: UPDATE_GOLDEN=1 npx vitest run test/evidence
 */
const GOLDEN_DIR = new URL("../fixtures/evidence/", import.meta.url).pathname;
const UPDATE = process.env.UPDATE_GOLDEN === "1";

let s3: FakeS3 | undefined;
const dirs: string[] = [];
afterEach(() => {
  s3?.restore();
  s3 = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "evidence-"));
  dirs.push(dir);
  return dir;
}

async function publishedReport(results: Results, withHistory: boolean): Promise<string> {
  s3 = fakeS3(BUCKET);
  if (withHistory) seedHistory(s3.objects);
  const outDir = tempDir();
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
  it("states the rule that decided and the minimum detectable change of each headline metric", () => {
    const md = renderEvidence(model(passingRun()));
    const top = md.slice(0, md.indexOf("## Run"));
    expect(top).toMatch(/Decided by: one-sided 99% t prediction interval/);
    expect(top).toMatch(/\| Min\. detectable change \|/);
    const headlineRows = top.split("\n").filter((l) => l.startsWith("| resnet50-train") || l.startsWith("| llm-serving"));
    expect(headlineRows).toHaveLength(3);
    for (const row of headlineRows) expect(row).toMatch(/\| \d+\.\d% \|$/);
  });

  it("charts LLM latency and throughput against request rate", () => {
    const md = renderEvidence(model(passingRun()));
    expect(md).toContain("| Request rate (req/s) | TTFT p50 (ms) | TTFT p99 (ms) | Output throughput (tok/s) |");
    expect(md).toContain("| max (all at once) | — | — | 2,955 |");
    expect(md).toMatch(
      /```mermaid\nxychart-beta\n {2}title "TTFT p50, TTFT p99 vs request rate"\n {2}x-axis "request rate \(req\/s\)" \["1", "4", "16"\]/,
    );
    expect(md).toMatch(/```mermaid\ngantt\n/);
  });

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
