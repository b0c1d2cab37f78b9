import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HISTORY_INDEX_KIND, claimRunFolder, parseBaselineFile, readHistory, serializeIndex } from "../../src/evidence/history.js";
import { publishEvidence } from "../../src/evidence/publish.js";
import { RESULTS_SCHEMA_VERSION, Results } from "../../src/evidence/results.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { fakeS3, type FakeS3 } from "./support/fake-s3.js";
import {
  BUCKET,
  NOW,
  PREFIX,
  SERIES,
  folderOf,
  historyEntries,
  historyRuns,
  passingRun,
  recordingPublisher,
  seedHistory,
} from "./support/fixtures.js";

let s3: FakeS3;
const dirs: string[] = [];
afterEach(() => {
  s3?.restore();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "history-"));
  dirs.push(dir);
  return dir;
}

const store = () => ({ s3: s3.s3, bucket: BUCKET, prefix: PREFIX });

async function publish(results: Results, log = new MemoryLog(), extra: Partial<Parameters<typeof publishEvidence>[0]> = {}) {
  return publishEvidence({
    results,
    history: store(),
    outDir: tempDir(),
    retentionDays: 30,
    publisher: recordingPublisher(),
    log,
    clock: { now: () => NOW },
    ...extra,
  });
}

describe("reading the S3 history", () => {
  it("skips a corrupt index, corrupt and foreign entries with a warning, and keeps the rest", async () => {
    s3 = fakeS3(BUCKET);
    const runs = historyRuns();
    seedHistory(s3.objects, runs);
    const entries = historyEntries(runs).slice(0, 6);
    // The index knows six runs well, and holds two entries that are not entries at all.
    s3.objects.set(
      `${SERIES}/index.json`,
      JSON.stringify({ kind: HISTORY_INDEX_KIND, schemaVersion: 1, entries: [...entries, { hello: "world" }, { runId: 7 }] }),
    );
    // A run folder whose results.json is not JSON, one from a future schema, and stray objects.
    s3.objects.set(`${SERIES}/20250309T000000Z-broken/results.json`, "{ not json");
    s3.objects.set(`${SERIES}/20250309T000001Z-future/results.json`, JSON.stringify({ ...runs[0], schemaVersion: 99 }));
    s3.objects.set(`${SERIES}/notes.txt`, "someone's notes");
    s3.objects.set(`${SERIES}/tmp/upload.bin`, "x");

    const read = await readHistory(store(), SERIES);
    // Six from the index, four recovered from folders the index missed.
    expect(read.entries).toHaveLength(10);
    const skipped = read.skipped.join("\n");
    expect(skipped).toMatch(/entry 6 skipped/);
    expect(skipped).toMatch(/entry 7 skipped/);
    expect(skipped).toMatch(/20250309T000000Z-broken\/results\.json skipped: not JSON/);
    expect(skipped).toMatch(/20250309T000001Z-future\/results\.json skipped: not a results\.json this version reads/);
    expect(skipped).toMatch(/2 object\(s\) that are not run folders of this tool skipped/);
  });

  it("reads the run folders when the index itself is garbage", async () => {
    s3 = fakeS3(BUCKET);
    seedHistory(s3.objects);
    s3.objects.set(`${SERIES}/index.json`, "\u0000\u0001garbage");
    const read = await readHistory(store(), SERIES);
    expect(read.entries).toHaveLength(10);
    expect(read.skipped[0]).toMatch(/index\.json: not JSON .*the run folders are read instead/);
  });

  it("follows listing pages", async () => {
    s3 = fakeS3(BUCKET, 3);
    seedHistory(s3.objects);
    expect((await readHistory(store(), SERIES)).entries).toHaveLength(10);
  });

  it("never crashes the publish on a corrupt history: it warns and compares with what it could read", async () => {
    s3 = fakeS3(BUCKET);
    seedHistory(s3.objects);
    s3.objects.set(`${SERIES}/index.json`, JSON.stringify({ kind: "something-else" }));
    s3.objects.set(`${SERIES}/20250309T000000Z-broken/results.json`, "[]");
    const log = new MemoryLog();
    const published = await publish(passingRun(), log);
    expect(published.verdict.kind).toBe("pass");
    expect(published.comparison.baselineRuns).toHaveLength(10);
    const warnings = log.lines.filter((l) => l.startsWith("warning:")).join("\n");
    expect(warnings).toMatch(/not a history index of this tool/);
    expect(warnings).toMatch(/20250309T000000Z-broken\/results\.json skipped/);
  });

  it("turns an unreadable history into 'not compared', not a failure", async () => {
    s3 = fakeS3(BUCKET);
    s3.failOn.list = Object.assign(new Error("Access Denied"), { name: "AccessDenied" });
    const log = new MemoryLog();
    const published = await publish(passingRun(), log);
    expect(published.verdict.kind).toBe("pass");
    expect(published.verdict.reason).toMatch(
      /not compared with a baseline: the history at s3:\/\/evidence-bucket\/gpu-bench\/default\/g5\.2xlarge\/ could not be read \(Access Denied\)/,
    );
    expect(published.s3).toBeUndefined();
  });
});

describe("archiving a run", () => {
  it("writes the run's folder and index, and a second run compares against the first", async () => {
    s3 = fakeS3(BUCKET);
    const first = passingRun({ start: "2025-03-03T02:00:00.000Z", runId: "100", number: 1 });
    const one = await publish(first);
    expect(one.verdict.kind).toBe("first-run");
    expect(one.s3?.folder).toBe(`s3://${BUCKET}/${SERIES}/20250303T020000Z-100/`);
    expect([...s3.objects.keys()].sort()).toEqual([
      `${SERIES}/20250303T020000Z-100/benchmark-action-bigger-is-better.json`,
      `${SERIES}/20250303T020000Z-100/benchmark-action-smaller-is-better.json`,
      `${SERIES}/20250303T020000Z-100/evidence.md`,
      `${SERIES}/20250303T020000Z-100/results.json`,
      `${SERIES}/index.json`,
    ]);
    const archived = Results.parse(JSON.parse(s3.objects.get(`${SERIES}/20250303T020000Z-100/results.json`)!));
    expect(archived.locations.evidence).toBe(`s3://${BUCKET}/${SERIES}/20250303T020000Z-100/evidence.md`);

    const second = passingRun({ start: "2025-03-10T02:00:00.000Z", runId: "200", number: 2 });
    const two = await publish(second);
    expect(two.comparison.baselineRuns.map((r) => r.runId)).toEqual(["100"]);
    expect(two.comparison.metrics[0]!.decision.decision).toBe("too-few-runs");
    expect(two.verdict).toEqual({
      kind: "pass",
      reason: "all workloads ran; 1 earlier run is too few to judge a change (2 needed); this run joins the baseline",
    });

    const third = await publish(passingRun({ start: "2025-03-17T02:00:00.000Z", runId: "300", number: 3, speed: 0.5 }));
    expect(third.comparison.baselineRuns.map((r) => r.runId)).toEqual(["200", "100"]);
    expect(third.verdict.kind).toBe("regression");
    const index = JSON.parse(s3.objects.get(`${SERIES}/index.json`)!) as { kind: string; entries: { runId: string }[] };
    expect(index.kind).toBe(HISTORY_INDEX_KIND);
    expect(index.entries.map((e) => e.runId)).toEqual(["100", "200", "300"]);
  });

  it("never overwrites a previous run's folder", async () => {
    s3 = fakeS3(BUCKET);
    const run = passingRun();
    s3.objects.set(`${folderOf(run)}/results.json`, "earlier run");
    expect(await claimRunFolder(store(), SERIES, run)).toBe(`${folderOf(run)}-2`);
    const published = await publish(run);
    expect(published.s3?.folder).toBe(`s3://${BUCKET}/${folderOf(run)}-2/`);
    expect(s3.objects.get(`${folderOf(run)}/results.json`)).toBe("earlier run");
  });

  it("recovers a run a concurrent index update lost, from its folder", async () => {
    s3 = fakeS3(BUCKET);
    const runs = historyRuns();
    seedHistory(s3.objects, runs);
    s3.objects.set(`${SERIES}/index.json`, serializeIndex(historyEntries(runs.slice(0, 9)), "2025-03-09T00:00:00.000Z"));
    const read = await readHistory(store(), SERIES);
    expect(read.entries.map((e) => e.runId)).toContain(runs[9]!.run.id);
    expect(read.skipped).toEqual([]);
  });

  it("keeps the evidence locally and says so when S3 refuses the writes", async () => {
    s3 = fakeS3(BUCKET);
    s3.failOn.put = Object.assign(new Error("Access Denied"), { name: "AccessDenied" });
    const publisher = recordingPublisher();
    const log = new MemoryLog();
    const published = await publish(passingRun(), log, { publisher });
    expect(published.s3).toBeUndefined();
    expect(published.verdict.kind).toBe("first-run");
    expect(publisher.annotations).toContainEqual(expect.objectContaining({ level: "warning", title: "Evidence not archived" }));
    expect(publisher.summaries[0]).toMatch(/S3 archive failed: Access Denied/);
    expect(publisher.summaries[0]).not.toMatch(/s3:\/\/evidence-bucket\/gpu-bench\/default\/g5\.2xlarge\/2025/);
    expect(log.lines.join("\n")).toMatch(/s3:PutObject/);
  });
});

describe("a pinned baseline file", () => {
  const write = (content: string) => {
    const path = join(tempDir(), "baseline.json");
    writeFileSync(path, content);
    return path;
  };

  it("accepts a results.json, an array of them, or a history index", () => {
    const runs = historyRuns();
    expect(parseBaselineFile(JSON.stringify(runs[0]), "b.json").entries).toHaveLength(1);
    expect(parseBaselineFile(JSON.stringify(runs), "b.json").entries).toHaveLength(10);
    expect(parseBaselineFile(serializeIndex(historyEntries(runs), "2025-03-09T00:00:00.000Z"), "b.json").entries).toHaveLength(10);
    const mixed = parseBaselineFile(JSON.stringify([runs[0], { schemaVersion: RESULTS_SCHEMA_VERSION }, 42]), "b.json");
    expect(mixed.entries).toHaveLength(1);
    expect(mixed.skipped).toHaveLength(2);
    expect(parseBaselineFile("nope", "b.json").skipped[0]).toMatch(/b\.json: not JSON/);
  });

  it("is used instead of the S3 history", async () => {
    s3 = fakeS3(BUCKET);
    seedHistory(s3.objects, historyRuns().slice(0, 2));
    const file = write(JSON.stringify(historyRuns()));
    const published = await publish(passingRun(), new MemoryLog(), { baseline: { file, runs: 5 } });
    expect(published.comparison.source).toEqual({ kind: "file", path: file });
    expect(published.comparison.baselineRuns).toHaveLength(5);
    expect(published.verdict.kind).toBe("pass");
  });

  it("that cannot be read means no comparison and a warning naming the input", async () => {
    s3 = fakeS3(BUCKET);
    const log = new MemoryLog();
    const published = await publish(passingRun(), log, { baseline: { file: "/nonexistent/baseline.json" } });
    expect(published.comparison.source.kind).toBe("none");
    expect(log.lines.join("\n")).toMatch(/'baseline-file' input/);
  });
});
