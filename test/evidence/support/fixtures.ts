import { entryFromResults, serializeIndex, seriesKey, type HistoryEntry } from "../../../src/evidence/history.js";
import { RESULTS_SCHEMA_VERSION, Results, type Metric, type WorkloadResult } from "../../../src/evidence/results.js";
import type { FaultResult } from "../../../src/evidence/fault-results.js";
import { summarize } from "../../../src/evidence/stats.js";
import type { Publisher } from "../../../src/evidence/publish.js";

/**
 * Runs of the default suite on g5.2xlarge, with fixed times and values, for the report's golden
 * files and the history tests. Every builder returns Results.parse(…): the fixtures are valid by
 * the same schema the product reads.
 */

export const SUITE_HASH = "5e1f3c0a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";
export const BUCKET = "evidence-bucket";
export const PREFIX = "gpu-bench";
export const SERIES = seriesKey(PREFIX, "default", "g5.2xlarge");
/** The golden runs happen at this time; the clock the tests pass says so too. */
export const RUN_START = "2025-03-10T02:00:05.000Z";
export const NOW = Date.parse("2025-03-10T02:31:40.000Z");

function metric(
  name: string,
  label: string,
  unit: string,
  direction: "higher" | "lower",
  trials: number[],
  extra: Partial<Metric> = {},
): Metric {
  return { name, label, unit, direction, headline: false, trials, summary: summarize(trials), ...extra };
}

function at(base: string, seconds: number): string {
  return new Date(Date.parse(base) + seconds * 1000).toISOString();
}

export interface RunLevels {
  /** Multiplies every throughput (and divides every latency) of the run. */
  speed?: number;
  /** Multiplies the LLM's p99 latency only. */
  tailLatency?: number;
}

function resnetWorkload(start: string, speed: number): WorkloadResult {
  const ips = [1012.4, 1004.8, 998.1].map((v) => v * speed);
  return {
    id: "resnet50-train",
    kind: "resnet50",
    parameters: { batchSize: 128, precision: "bf16", imageSize: 224, channelsLast: true, steps: 100 },
    status: "ok",
    metrics: [
      metric("images_per_sec", "Throughput", "img/s", "higher", ips, { headline: true }),
      metric(
        "step_time_ms",
        "Step time",
        "ms",
        "lower",
        ips.map((v) => (128 / v) * 1000),
      ),
      metric(
        "mfu_percent",
        "MFU",
        "%",
        "higher",
        ips.map((v) => v * 0.0312),
      ),
    ],
    trials: ips.map((v, i) => ({ trial: i + 1, images_per_sec: v })),
    startedAt: at(start, 300),
    endedAt: at(start, 780),
  };
}

function llmWorkload(start: string, speed: number, tail: number): WorkloadResult {
  const rates = [1, 4, 16] as const;
  const ttft50 = { 1: 38.2, 4: 44.9, 16: 81.3 };
  const ttft99 = { 1: 61.0, 4: 97.5, 16: 240.2 };
  const tput = { 1: 126.1, 4: 502.7, 16: 1811.4 };
  const achieved = { 1: 0.99, 4: 3.93, 16: 14.2 };
  const goodput = { 1: 0.99, 4: 3.9, 16: 11.8 };
  const tpot50 = { 1: 7.4, 4: 7.9, 16: 9.6 };
  const tpot99 = { 1: 8.8, 4: 9.9, 16: 14.1 };
  const metrics: Metric[] = [];
  for (const r of rates) {
    metrics.push(metric(`ttft_p50_ms@${r}`, "TTFT p50", "ms", "lower", [ttft50[r] / speed], { requestRate: r }));
    metrics.push(
      metric(`ttft_p99_ms@${r}`, "TTFT p99", "ms", "lower", [(ttft99[r] / speed) * tail], { requestRate: r, headline: r === 4 }),
    );
    metrics.push(metric(`output_tok_per_sec@${r}`, "Output throughput", "tok/s", "higher", [tput[r] * speed], { requestRate: r }));
    metrics.push(metric(`request_throughput@${r}`, "Requests/s", "req/s", "higher", [achieved[r] * speed], { requestRate: r }));
    metrics.push(metric(`request_goodput@${r}`, "Goodput", "req/s", "higher", [goodput[r] * speed], { requestRate: r }));
    metrics.push(metric(`tpot_p50_ms@${r}`, "TPOT p50", "ms", "lower", [tpot50[r] / speed], { requestRate: r }));
    metrics.push(metric(`tpot_p99_ms@${r}`, "TPOT p99", "ms", "lower", [tpot99[r] / speed], { requestRate: r }));
    metrics.push(metric(`failed_requests@${r}`, "Failed requests", "requests", "lower", [0], { requestRate: r }));
  }
  metrics.push(
    metric("output_tok_per_sec@max", "Output throughput", "tok/s", "higher", [2954.6 * speed], { requestRate: "max", headline: true }),
  );
  return {
    id: "llm-serving",
    kind: "llm-serving",
    parameters: {
      model: "Qwen/Qwen2.5-0.5B-Instruct",
      dtype: "auto",
      inputLen: 512,
      outputLen: 128,
      numPrompts: 200,
      sloTtftMs: 200,
      sloTpotMs: 50,
    },
    status: "ok",
    metrics,
    trials: [],
    startedAt: at(start, 800),
    endedAt: at(start, 1500),
  };
}

export function passingRun(overrides: { start?: string; runId?: string; number?: number } & RunLevels = {}): Results {
  const start = overrides.start ?? RUN_START;
  const speed = overrides.speed ?? 1;
  const runId = overrides.runId ?? "13572468";
  return Results.parse({
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: "ephemeral-gpu-bench", version: "0.1.0" },
    run: {
      id: runId,
      attempt: 1,
      number: overrides.number ?? 42,
      job: "benchmark",
      repository: "acme/gpu-stack",
      sha: "0123456789abcdef0123456789abcdef01234567",
      ref: "refs/heads/main",
      workflow: "weekly-regression",
      event: "schedule",
      actor: "octocat",
      url: `https://github.com/acme/gpu-stack/actions/runs/${runId}`,
      startedAt: start,
      endedAt: at(start, 1895),
    },
    suite: { name: "default", hash: SUITE_HASH },
    instance: {
      id: "i-0a1b2c3d4e5f60718",
      type: "g5.2xlarge",
      availabilityZone: "us-west-2b",
      region: "us-west-2",
      market: "on-demand",
      amiId: "ami-0123456789abcdef0",
      amiName: "Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04) 20250301",
      launchedAt: at(start, 15),
    },
    inventory: {
      kernel: "6.8.0-1024-aws",
      os: "Ubuntu 22.04.5 LTS",
      k3sVersion: "v1.33.5+k3s1",
      driverVersion: "570.124.06",
      cudaVersion: "12.8",
      gpus: [
        {
          index: 0,
          name: "NVIDIA A10G",
          uuid: "GPU-6f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f",
          memoryMiB: 23028,
          eccMode: "Enabled",
          powerLimitW: 300,
          smClockMHz: 210,
          memClockMHz: 405,
          maxSmClockMHz: 1710,
          maxMemClockMHz: 6251,
          computeCapability: "8.6",
        },
      ],
      images: [
        {
          ref: "pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime",
          digest: "sha256:1111111111111111111111111111111111111111111111111111111111111111",
        },
        { ref: "vllm/vllm-openai:v0.10.1", digest: "sha256:2222222222222222222222222222222222222222222222222222222222222222" },
      ],
    },
    phases: [
      { name: "launch", startedAt: at(start, 0), endedAt: at(start, 15), status: "ok", detail: "g5.2xlarge in us-west-2b" },
      { name: "wait for SSM agent", startedAt: at(start, 15), endedAt: at(start, 95), status: "ok" },
      { name: "bootstrap k3s", startedAt: at(start, 95), endedAt: at(start, 210), status: "ok" },
      { name: "pull images", startedAt: at(start, 150), endedAt: at(start, 290), status: "ok" },
      { name: "resnet50-train", startedAt: at(start, 300), endedAt: at(start, 780), status: "ok" },
      { name: "llm-serving", startedAt: at(start, 800), endedAt: at(start, 1500), status: "ok" },
      { name: "collect evidence", startedAt: at(start, 1500), endedAt: at(start, 1500), status: "ok" },
    ],
    workloads: [resnetWorkload(start, speed), llmWorkload(start, speed, overrides.tailLatency ?? 1)],
    faults: [podKillFault(at(start, 1000))],
    outcome: { status: "succeeded" },
    locations: { rawPrefix: `s3://${BUCKET}/${PREFIX}/runs/${runId}-1/` },
  });
}

/**
 * The vLLM server's pod deleted under 4 req/s: 12 s of refused requests, then back. A fixed
 * timeline (no randomness) so the report's chart is stable.
 */
export function podKillFault(injectedAt: string): FaultResult {
  const timeline = [];
  for (let t = -10; t < 30; t++) timeline.push({ t, ok: t >= 0 && t < 12 ? 0 : 4, failed: t >= 0 && t < 12 ? 4 : 0 });
  return {
    id: "kill-vllm-pod",
    kind: "pod-kill",
    workload: "llm-serving",
    target: "pod vllm-llm-serving-7d9c-abcde",
    injected: true,
    verified: true,
    recovered: true,
    injectedAt,
    window: { start: at(injectedAt, -10), end: at(injectedAt, 30) },
    timeToDetectSeconds: 0.51,
    timeToFirstSuccessSeconds: 12.2,
    recoverySeconds: 12,
    errorRate: 0.958,
    baseline: { seconds: 10, throughput: 4, throughputUnit: "req/s", p50TtftMs: 46, p99TtftMs: 50, requests: 40, failed: 0, errorRate: 0 },
    during: { seconds: 12, throughput: 0, throughputUnit: "req/s", requests: 48, failed: 48, errorRate: 1 },
    after: { seconds: 18, throughput: 4, throughputUnit: "req/s", p50TtftMs: 47, p99TtftMs: 51, requests: 72, failed: 0, errorRate: 0 },
    pods: {
      podReschedulingSeconds: 0,
      podReadinessSeconds: 11,
      totalRecoverySeconds: 11,
      oldPod: "vllm-llm-serving-7d9c-abcde",
      newPod: "vllm-llm-serving-7d9c-fghij",
    },
    slo: { maxRecoverySeconds: 60, maxErrorRate: 1, band: 10 },
    sloMet: true,
    weight: 1,
    sloShare: 1,
    status: "ok",
    timeline,
  };
}

/** Throughput 15% down and the LLM's p99 TTFT 40% up against the history. */
export function regressingRun(): Results {
  return passingRun({ speed: 0.85, tailLatency: 1.4 / (1 / 0.85) });
}

export function failedRun(): Results {
  const run = passingRun();
  const llm = run.workloads[1]!;
  return Results.parse({
    ...run,
    workloads: [
      run.workloads[0],
      { ...llm, status: "failed", message: "vLLM server pod CrashLoopBackOff: CUDA out of memory", metrics: [] },
    ],
    phases: run.phases.map((p) => (p.name === "llm-serving" ? { ...p, status: "failed", detail: "server never became ready" } : p)),
    faults: [
      {
        ...podKillFault(at(run.run.startedAt, 1000)),
        injected: false,
        verified: false,
        recovered: false,
        status: "not-injected",
        sloMet: false,
        sloShare: 0,
        message: "the workload failed before the fault's time came",
        timeline: [],
        timeToDetectSeconds: undefined,
        timeToFirstSuccessSeconds: undefined,
        recoverySeconds: undefined,
        errorRate: undefined,
        baseline: undefined,
        during: undefined,
        after: undefined,
        pods: undefined,
      },
    ],
    outcome: { status: "failed", failedPhase: "llm-serving", message: "llm-serving: vLLM server pod CrashLoopBackOff: CUDA out of memory" },
    locations: { ...run.locations, diagnostics: `s3://${BUCKET}/${PREFIX}/runs/13572468-1/diagnostics.tar.gz` },
    diagnosticsTail: [
      "== kubectl describe pod vllm-server-0 ==",
      "  State:          Waiting",
      "    Reason:       CrashLoopBackOff",
      "== kubectl logs vllm-server-0 --previous ==",
      "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 22.07 GiB",
      "```",
      "ERROR 03-10 02:24:11 engine.py:389] Engine process failed to start",
    ].join("\n"),
  });
}

/** Ten earlier weekly runs with a spread of about 2% run to run. */
export const HISTORY_SPEEDS = [1.01, 0.99, 1.02, 0.98, 1.0, 1.015, 0.985, 1.005, 0.995, 1.0];

export function historyRuns(speeds: readonly number[] = HISTORY_SPEEDS): Results[] {
  return speeds.map((speed, i) =>
    passingRun({ speed, start: at(RUN_START, -(speeds.length - i) * 7 * 86_400), runId: String(13_000_000 + i), number: 30 + i }),
  );
}

export function folderOf(results: Results): string {
  const stamp = results.run.startedAt.replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  return `${SERIES}/${stamp}-${results.run.id}`;
}

export function historyEntries(runs: readonly Results[] = historyRuns()): HistoryEntry[] {
  return runs.map((r) => entryFromResults(r, folderOf(r)));
}

export interface RecordingPublisher extends Publisher {
  summaries: string[];
  annotations: { level: string; message: string; title?: string }[];
  uploads: { name: string; files: string[]; rootDir: string; retentionDays: number }[];
}

export function recordingPublisher(withArtifacts = true): RecordingPublisher {
  const p: RecordingPublisher = {
    summaries: [],
    annotations: [],
    uploads: [],
    writeSummary: async (markdown) => {
      p.summaries.push(markdown);
    },
    annotate: (level, message, title) => {
      p.annotations.push({ level, message, title });
    },
  };
  if (withArtifacts) {
    p.uploadArtifact = async (name, files, rootDir, retentionDays) => {
      p.uploads.push({ name, files, rootDir, retentionDays });
    };
  }
  return p;
}

/** Puts runs into a bucket as the archive lays them out: a results.json per folder and the index. */
export function seedHistory(objects: Map<string, string>, runs: readonly Results[] = historyRuns()): void {
  for (const r of runs) objects.set(`${folderOf(r)}/results.json`, JSON.stringify(r));
  objects.set(`${SERIES}/index.json`, serializeIndex(historyEntries(runs), RUN_START));
}
