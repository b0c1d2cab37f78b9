import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { artifactUploader } from "../../src/evidence/artifact-uploader.js";
import { artifactName, publishEvidence } from "../../src/evidence/publish.js";
import { redactor } from "../../src/runtime/redact.js";
import { Results } from "../../src/evidence/results.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { useEvidenceScratch } from "./support/scratch.js";
import { BUCKET, NOW, PREFIX, failedRun, passingRun, recordingPublisher, regressingRun } from "./support/fixtures.js";

const scratch = useEvidenceScratch("publish-");
const tempDir = scratch.tempDir;
const withHistory = () => scratch.bucket();

describe("publishing the evidence", () => {
  it("writes the artifact-ready folder, the summary, the artifact and the outputs' values", async () => {
    const bucket = withHistory();
    const outDir = join(tempDir(), "evidence");
    const publisher = recordingPublisher();
    const published = await publishEvidence({
      results: passingRun(),
      history: { s3: bucket.s3, bucket: BUCKET, prefix: PREFIX },
      outDir,
      retentionDays: 14,
      publisher,
      log: new MemoryLog(),
      clock: { now: () => NOW },
    });
    expect(readdirSync(outDir).sort()).toEqual([
      "benchmark-action-bigger-is-better.json",
      "benchmark-action-smaller-is-better.json",
      "evidence.md",
      "results.json",
    ]);
    expect(published.evidencePath).toBe(join(outDir, "evidence.md"));
    expect(published.resultsPath).toBe(join(outDir, "results.json"));
    expect(Results.safeParse(JSON.parse(readFileSync(published.resultsPath, "utf8"))).success).toBe(true);
    expect(publisher.summaries).toHaveLength(1);
    expect(publisher.summaries[0]).toBe(readFileSync(published.evidencePath, "utf8"));
    expect(publisher.uploads).toEqual([
      {
        name: "benchmark-evidence-g5.2xlarge-42-benchmark-1-i-0a1b2c3d4e5f60718",
        files: published.files,
        rootDir: outDir,
        retentionDays: 14,
      },
    ]);
    expect(published.artifactUploaded).toBe(true);
    expect(published.s3?.evidence).toBe(`s3://${BUCKET}/${PREFIX}/default/g5.2xlarge/20250310T020005Z-13572468/evidence.md`);
    expect(published.verdict.kind).toBe("pass");
    expect(published.failure).toBeUndefined();
    expect(published.headline).toEqual([
      expect.objectContaining({
        workload: "resnet50-train",
        metric: "images_per_sec",
        unit: "img/s",
        direction: "higher",
        decision: "no-change",
      }),
      expect.objectContaining({ workload: "llm-serving", metric: "ttft_p99_ms@4" }),
      expect.objectContaining({ workload: "llm-serving", metric: "output_tok_per_sec@max" }),
    ]);
    expect(published.headline[0]!.changePercent).toBeCloseTo(0, 1);
  });

  it("annotates a regression as a warning, or as an error that fails the step with fail-on-regression", async () => {
    const bucket = withHistory();
    const run = async (failOnRegression: boolean) => {
      const publisher = recordingPublisher();
      const published = await publishEvidence({
        results: regressingRun(),
        history: { s3: bucket.s3, bucket: BUCKET, prefix: PREFIX },
        outDir: tempDir(),
        retentionDays: 90,
        publisher,
        log: new MemoryLog(),
        clock: { now: () => NOW },
        failOnRegression,
      });
      return { published, publisher };
    };
    const soft = await run(false);
    expect(soft.published.verdict.kind).toBe("regression");
    expect(soft.published.failure).toBeUndefined();
    const headline = soft.publisher.annotations.filter((a) => a.title?.startsWith("Regression: "));
    expect(headline.filter((a) => a.level === "warning").map((a) => a.title)).toEqual([
      "Regression: resnet50-train images_per_sec",
      "Regression: llm-serving ttft_p99_ms@4",
      "Regression: llm-serving output_tok_per_sec@max",
    ]);
    expect(headline.filter((a) => a.level === "notice").length).toBeGreaterThan(0);
    expect(headline[0]!.message).toMatch(/resnet50-train Throughput -15\.0% against 10 baseline runs/);

    const hard = await run(true);
    expect(hard.published.failure).toMatch(/^Regression \(fail-on-regression is true\): 3 headline metrics regressed/);
    expect(hard.publisher.annotations.filter((a) => a.level === "error")).toHaveLength(3);
  });

  it("fails the step for a failed run, with the diagnostics in the folder", async () => {
    const bucket = withHistory();
    const outDir = tempDir();
    const publisher = recordingPublisher();
    const published = await publishEvidence({
      results: failedRun(),
      history: { s3: bucket.s3, bucket: BUCKET, prefix: PREFIX },
      outDir,
      retentionDays: 90,
      publisher,
      log: new MemoryLog(),
      clock: { now: () => NOW },
    });
    expect(published.failure).toBe("Benchmark run failed: llm-serving failed: vLLM server pod CrashLoopBackOff: CUDA out of memory");
    expect(readFileSync(join(outDir, "diagnostics.txt"), "utf8")).toMatch(/CUDA out of memory/);
    expect(publisher.annotations).toContainEqual({
      level: "error",
      message: "llm-serving failed: vLLM server pod CrashLoopBackOff: CUDA out of memory",
      title: "Benchmark run failed",
    });
  });

  it("works without a bucket or an artifact service (the CLI's local folder)", async () => {
    const outDir = tempDir();
    const publisher = recordingPublisher(false);
    const log = new MemoryLog();
    const published = await publishEvidence({
      results: passingRun(),
      outDir,
      retentionDays: 90,
      publisher,
      log,
      clock: { now: () => NOW },
    });
    expect(published.s3).toBeUndefined();
    expect(published.artifactUploaded).toBe(false);
    expect(published.verdict.reason).toMatch(/not compared with a baseline: no evidence bucket/);
    expect(readFileSync(published.evidencePath, "utf8")).toContain(`| This report | \`${join(outDir, "evidence.md")}\` |`);
  });

  it("survives a summary or an artifact upload that fails", async () => {
    const publisher = recordingPublisher();
    publisher.writeSummary = async () => {
      throw new Error("summary file is not writable");
    };
    publisher.uploadArtifact = async () => {
      throw new Error("artifact service unavailable");
    };
    const log = new MemoryLog();
    const published = await publishEvidence({
      results: passingRun(),
      outDir: tempDir(),
      retentionDays: 90,
      publisher,
      log,
      clock: { now: () => NOW },
    });
    expect(published.verdict.kind).toBe("pass");
    expect(published.artifactUploaded).toBe(false);
    const warnings = log.lines.join("\n");
    expect(warnings).toMatch(/job summary could not be written: summary file is not writable/);
    expect(warnings).toMatch(
      /artifact benchmark-evidence-g5\.2xlarge-42-benchmark-1-i-0a1b2c3d4e5f60718 could not be uploaded: artifact service unavailable/,
    );
  });
});

describe("the artifact name", () => {
  it("is unique per job, matrix leg and attempt of one workflow run", () => {
    const base = passingRun();
    const variants = [
      base,
      Results.parse({ ...base, run: { ...base.run, job: "other-job" } }),
      Results.parse({ ...base, run: { ...base.run, attempt: 2 } }),
      // Another leg of the same matrix: same job id, same instance type, its own instance.
      Results.parse({ ...base, instance: { ...base.instance!, id: "i-0fffffffffffffff1" } }),
      // Two legs that launched nothing: told apart by when they started.
      Results.parse({ ...base, instance: undefined }),
      Results.parse({ ...base, instance: undefined, run: { ...base.run, startedAt: "2025-03-10T02:00:05.123Z" } }),
    ];
    const names = variants.map(artifactName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^benchmark-evidence-[A-Za-z0-9._-]+$/);
    expect(names[0]).toBe("benchmark-evidence-g5.2xlarge-42-benchmark-1-i-0a1b2c3d4e5f60718");
  });
});

describe("secrets", () => {
  const HF_TOKEN = "hf_PlantedSecretTokenValue0123456789abcdefXYZ";
  const SESSION = 'Fw"oGZXIvYXdzE\\Planted/Session+Token==';

  it("never appear in the summary, the files, the S3 archive, the annotations or the returned values", async () => {
    const bucket = withHistory();
    const run = failedRun();
    const planted = Results.parse({
      ...run,
      outcome: { ...run.outcome, message: `server crashed; env HF_TOKEN=${HF_TOKEN}` },
      workloads: run.workloads.map((w) => ({
        ...w,
        message: w.message && `${w.message} (token ${HF_TOKEN})`,
        parameters: { ...w.parameters, note: SESSION },
      })),
      diagnosticsTail: `${run.diagnosticsTail}\nexport AWS_SESSION_TOKEN=${SESSION}\nAWS_ACCESS_KEY_ID=ASIAABCDEFGHIJKLMNOP\nhf_${"z".repeat(34)}`,
    });
    const outDir = tempDir();
    const publisher = recordingPublisher();
    const published = await publishEvidence({
      results: planted,
      history: { s3: bucket.s3, bucket: BUCKET, prefix: PREFIX },
      outDir,
      retentionDays: 90,
      publisher,
      log: new MemoryLog(),
      clock: { now: () => NOW },
      secrets: [HF_TOKEN, SESSION],
    });
    const written = [
      ...publisher.summaries,
      ...publisher.annotations.map((a) => `${a.title} ${a.message}`),
      ...readdirSync(outDir).map((f) => readFileSync(join(outDir, f), "utf8")),
      ...bucket.puts.map((k) => bucket.objects.get(k)!),
      JSON.stringify(published),
    ].join("\n");
    expect(written).toContain("***");
    for (const needle of [HF_TOKEN, SESSION, JSON.stringify(SESSION).slice(1, -1), "ASIAABCDEFGHIJKLMNOP", `hf_${"z".repeat(34)}`]) {
      expect(written).not.toContain(needle);
    }
    // The archived results.json is still valid JSON after redaction.
    expect(() => JSON.parse(readFileSync(join(outDir, "results.json"), "utf8"))).not.toThrow();
  });

  it("are redacted line by line when they span lines, longest first", () => {
    const redact = redactor(["line-one-secret\nline-two-secret", "abc", "abcdef"]);
    expect(redact("x line-two-secret y abcdef z abc")).toBe("x *** y *** z ***");
  });
});

describe("the artifact adapter", () => {
  it("exists only where the runtime token does, and passes the retention on", async () => {
    expect(artifactUploader(false, { uploadArtifact: async () => ({}) })).toBeUndefined();
    const calls: unknown[] = [];
    const upload = artifactUploader(true, {
      uploadArtifact: async (...args) => {
        calls.push(args);
        return { id: 1, size: 10 };
      },
    });
    await upload!("benchmark-evidence-g5.2xlarge-42", ["/tmp/e/evidence.md"], "/tmp/e", 30);
    expect(calls).toEqual([["benchmark-evidence-g5.2xlarge-42", ["/tmp/e/evidence.md"], "/tmp/e", { retentionDays: 30 }]]);
  });
});
