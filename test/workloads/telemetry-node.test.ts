import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSuite, type LlmServingWorkload, type ResNet50Workload } from "../../src/config/suite.js";
import { WorkloadResult } from "../../src/evidence/results.js";
import { parseSamples } from "../../src/node/telemetry-samples.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { runWorkload, workloadImages, type WorkloadContext } from "../../src/workloads/run.js";
import { useStandInNode } from "../support/stand-in-node.js";

// GPU telemetry around real workloads on the stand-in node: its nvidia-smi follows the pods that
// hold a GPU (busy while ResNet50 runs on this CPU, idle otherwise), and its knobs throttle the
// GPU or put a foreign process on it.
const FAST = { STUB_LATENCY_SCALE: "0.01", POLL_SECONDS: "0.2" };
/** The stand-in A10G: 300 W limit, busy at 85% of it, 1710 MHz maximum SM clock. */
const BUSY_WATTS = 255;

const suite = loadSuite(
  `version: 1
name: telemetry
workloads:
  - { id: rn50, kind: resnet50, imageSize: 32, batchSize: 2, warmupSteps: 1, steps: 4, trials: 2, timeoutMinutes: 2 }
  - { id: qwen, kind: llm-serving, requestRates: [4], numPrompts: 50, trials: 1, serverStartTimeoutMinutes: 1, benchTimeoutMinutes: 1 }
`,
  {},
);
const [rn50, qwen] = suite.workloads as [ResNet50Workload, LlmServingWorkload];

const node = useStandInNode({ prefix: "telemetry-node-", images: workloadImages(suite), env: FAST });
const remoteWith = node.remote;
const stored = new Map<string, string>();

function ctx(): WorkloadContext & { log: MemoryLog } {
  return {
    log: new MemoryLog(),
    clock: systemClock,
    gpu: node.gpu,
    telemetry: {
      intervalSeconds: 0.2,
      store: async (id, csv) => {
        stored.set(id, csv);
        return `s3://bucket/runs/1-1/telemetry/${id}.csv`;
      },
    },
  };
}

describe("GPU telemetry during every workload, on the stand-in node", () => {
  it("ResNet50 carries telemetry: busy power over its timed windows gives exactly power × time, and energy per image", async () => {
    const c = ctx();
    const result = WorkloadResult.parse(await runWorkload(remoteWith(), rn50, c));
    expect(result.status, result.message).toBe("ok");
    const t = result.telemetry!;
    expect(t).toMatchObject({ source: "nvidia-smi", intervalSeconds: 0.2, valid: true, validity: [], foreignProcesses: 0 });
    expect(t.powerWatts).toEqual({ mean: BUSY_WATTS, max: BUSY_WATTS });
    const seconds = result.trials.reduce((s, tr) => s + Number(tr.window_end_unix) - Number(tr.window_start_unix), 0);
    expect(t.energyJoules).toBeCloseTo(BUSY_WATTS * seconds, 2);
    expect(t.smClockMHz.median).toBe(1710);
    const perImage = result.metrics.find((m) => m.name === "joules_per_image")!;
    expect(perImage).toMatchObject({ direction: "lower", headline: true, unit: "J/image" });
    expect(perImage.trials).toHaveLength(2);
    // The raw samples went beside the raw results; the sampler saw the pod's process as the workload's own.
    expect(result.telemetryDetail!.samplesUri).toBe("s3://bucket/runs/1-1/telemetry/rn50.csv");
    const samples = parseSamples(stored.get("rn50")!)!;
    expect(samples.procs.some((p) => p.pod.startsWith("rn50-rn50-"))).toBe(true);
    expect(samples.gpu.some((s) => s.reasons === 1)).toBe(true); // idle before the pod started
    // Nothing is left sampling on the node.
    const left = await remoteWith()({
      name: "check",
      body: 'ls "$GPU_BENCH_ROOT/var/lib/gpu-bench/telemetry" 2>/dev/null || true',
      timeoutSeconds: 30,
    });
    expect(left.stdout.trim()).toBe("");
  }, 300_000);

  it("where DCGM's host engine answers, the sampler reads dcgmi dmon and sees the same GPU", async () => {
    const result = await runWorkload(
      remoteWith({ STUB_DCGM: "running", STUB_GPU_THROTTLE: "hw_slowdown" }),
      { ...rn50, id: "rn50-dcgm" },
      ctx(),
    );
    expect(result.telemetry).toMatchObject({ source: "dcgm", valid: false, powerWatts: { mean: BUSY_WATTS, max: BUSY_WATTS } });
    // DCGM's decimal bitmask (field 112) reads as the same reasons nvidia-smi's hex gives.
    expect(result.telemetry!.throttleReasons.hw_slowdown).toBe(1);
    expect(result.telemetry!.smClockMHz.median).toBe(1710 / 2);
    expect(stored.get("rn50-dcgm")!.split("\n")[0]).toMatch(/source=dcgm/);
  }, 300_000);

  it("a simulated thermal slowdown makes the result invalid, with the reason", async () => {
    const result = await runWorkload(remoteWith({ STUB_GPU_THROTTLE: "hw_thermal_slowdown" }), { ...rn50, id: "rn50-hot" }, ctx());
    expect(result.telemetry!.valid).toBe(false);
    expect(result.telemetry!.throttleReasons.hw_thermal_slowdown).toBe(1);
    expect(result.telemetry!.validity.join("\n")).toMatch(
      /hardware or thermal slowdown \(hw_thermal_slowdown\) active in 100% of the samples/,
    );
  }, 300_000);

  it("an nvidia-smi warning that starts mid-run among the sampler's rows (infoROM corrupted, on stdout) leaves the telemetry whole", async () => {
    const knobs = join(node.sandbox, "root/var/lib/stand-in/gpu-knobs");
    const samplesFile = join(node.sandbox, "root/var/lib/gpu-bench/telemetry/telemetry-rn50-warned/samples.csv");
    let warnedFrom = Number.NaN;
    // Once the sampler has a few rows, the GPU starts warning: the stand-in re-reads its knobs every sample.
    const warnMidRun = (async () => {
      for (let i = 0; i < 600 && !existsSync(knobs); i++) {
        const rows = existsSync(samplesFile)
          ? readFileSync(samplesFile, "utf8")
              .split("\n")
              .filter((l) => l.startsWith("gpu,"))
          : [];
        if (rows.length >= 3) {
          warnedFrom = Date.now() / 1000;
          writeFileSync(knobs, "STUB_NVSMI_WARNING=WARNING: infoROM is corrupted at gpu 0000:00:1E.0\nSTUB_NVSMI_WARNING_STREAM=stdout\n");
        }
        await new Promise((done) => setTimeout(done, 100));
      }
    })();
    try {
      const result = WorkloadResult.parse(await runWorkload(remoteWith(), { ...rn50, id: "rn50-warned" }, ctx()));
      await warnMidRun;
      expect(result.status, result.message).toBe("ok");
      expect(result.telemetry).toMatchObject({ valid: true, powerWatts: { mean: BUSY_WATTS, max: BUSY_WATTS } });
      const samples = parseSamples(stored.get("rn50-warned")!)!;
      expect(samples.skipped).toBe(0);
      expect(result.telemetryDetail!.unparsedLines).toBeUndefined();
      expect(samples.gpu.filter((g) => g.t > warnedFrom).length).toBeGreaterThanOrEqual(3);
      expect(result.telemetry!.samples).toBeGreaterThan(0);
    } finally {
      rmSync(knobs, { force: true });
    }
  }, 300_000);

  it("another process on the GPU makes the result invalid", async () => {
    const result = await runWorkload(remoteWith({ STUB_GPU_FOREIGN_PROCESS: "1" }), { ...rn50, id: "rn50-shared" }, ctx());
    expect(result.telemetry).toMatchObject({ valid: false, foreignProcesses: 1 });
    expect(result.telemetry!.validity[0]).toMatch(/1 other process used the GPU during the timed windows: python3 \(pid 4194301\)/);
  }, 300_000);

  it("a configured power cap lowers power and clocks but is an explanation, not an invalidity", async () => {
    const result = await runWorkload(remoteWith({ STUB_GPU_POWER_CAP_WATTS: "150" }), { ...rn50, id: "rn50-capped" }, ctx());
    expect(result.telemetry).toMatchObject({ valid: true, powerWatts: { mean: 150, max: 150 } });
    expect(result.telemetryDetail!.powerCapWatts).toBe(150);
    expect(result.telemetryDetail!.explanations.join("\n")).toMatch(/power capped at 150 W \(default limit 300 W\)/);
  }, 300_000);

  it("LLM serving carries telemetry over its load points, and energy per output token at max throughput", async () => {
    const result = WorkloadResult.parse(await runWorkload(remoteWith(), qwen, ctx()));
    expect(result.status, result.message).toBe("ok");
    expect(result.telemetryDetail!.windows.map((w) => w.label)).toEqual(["trial 1 · 4 req/s", "trial 1 · max throughput"]);
    expect(result.telemetry!.valid).toBe(true);
    const names = result.metrics.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(["joules_per_output_token", "output_tokens_per_second_per_watt"]));
  }, 300_000);
});
