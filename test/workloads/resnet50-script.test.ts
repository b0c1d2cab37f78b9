import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ResNet50Oom, ResNet50Record, ResNet50Trial, parseResNet50Lines } from "../../src/workloads/resnet50.js";

// resnet50.py really runs here: Debian's torch (1.13, CPU) at tiny sizes, two threads.
const SCRIPT = fileURLToPath(new URL("../../remote/workloads/resnet50.py", import.meta.url));
const PYTHON = "/usr/bin/python3";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function resnet(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      PYTHON,
      [SCRIPT, "--threads", "2", ...args],
      // PASSIVE: OpenMP threads sleep instead of spinning when test files share the two cores.
      { env: { PATH: "/usr/bin:/bin", OMP_NUM_THREADS: "2", OMP_WAIT_POLICY: "PASSIVE", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split("\n").filter((l) => l.trim() !== "");
  // Every line on stdout is one JSON object: nothing else is printed there.
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

const tiny = ["--image-size", "32", "--batch-size", "2", "--warmup-steps", "1", "--steps", "2"];

describe("resnet50.py on CPU", () => {
  it("trains at fp32, one schema-checked JSON line per trial, then a done record", async () => {
    const run = await resnet([...tiny, "--warmup-steps", "0", "--mode", "train", "--trials", "2", "--precision", "fp32", "--compile"]);
    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run.stdout);
    const trials = lines.filter((l) => l.record === "trial").map((l) => ResNet50Trial.parse(l));
    expect(trials).toHaveLength(2);
    for (const [i, t] of trials.entries()) {
      expect(t).toMatchObject({ trial: i + 1, mode: "train", precision: "fp32", batch_size: 2, image_size: 32, steps: 2, device: "cpu" });
      for (const key of ["mode", "images_per_sec", "batch_size", "precision", "device", "step_time_p50_ms"]) expect(t).toHaveProperty(key);
      expect(t.images_per_sec).toBeGreaterThan(0);
      expect(t.step_time_p90_ms).toBeGreaterThanOrEqual(t.step_time_p50_ms);
      expect(t.images_per_sec).toBeCloseTo((2 * 2) / t.elapsed_s, 1);
      expect(t.gpu_name).toBeNull();
      expect(t.mfu).toBeNull(); // no peak for a CPU: MFU is unknown, not invented
      expect(t.loss).toEqual(expect.any(Number));
      // torch 1.13 has no torch.compile: said clearly, and the run goes on eager.
      expect(t.compile).toMatch(/unavailable: torch 1\.13.* has no torch\.compile/);
      expect(t.compile_s).toBeNull();
    }
    expect(lines.at(-1)).toMatchObject({ record: "done", status: "ok" });
    expect(parseResNet50Lines(run.stdout).map((r) => r.record)).toEqual(["trial", "trial", "done"]);
  });

  it("runs inference under bf16 autocast", async () => {
    const run = await resnet([
      "--image-size",
      "64",
      "--batch-size",
      "2",
      "--warmup-steps",
      "0",
      "--steps",
      "1",
      "--trials",
      "1",
      "--mode",
      "inference",
      "--precision",
      "bf16",
      "--no-channels-last",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const [trial] = jsonLines(run.stdout)
      .filter((l) => l.record === "trial")
      .map((l) => ResNet50Trial.parse(l));
    expect(trial).toMatchObject({ mode: "inference", precision: "bf16", amp: true, channels_last: false, image_size: 64 });
    expect(trial!.gflop_per_image).toBeCloseTo(8.2 * (64 / 224) ** 2, 3);
  });

  it("reports out-of-memory as a result, not a stack trace, and names what to do", async () => {
    const [oom, unsupported] = await Promise.all([
      resnet([...tiny, "--batch-size", "16", "--trials", "1"], { GPU_BENCH_SIMULATE_OOM_ABOVE: "4" }),
      resnet([...tiny, "--precision", "fp16", "--trials", "1"]),
    ]);
    expect(oom.code).toBe(0);
    expect(oom.stdout).not.toMatch(/Traceback/);
    const [record] = jsonLines(oom.stdout).map((l) => ResNet50Record.parse(l));
    expect(record).toMatchObject({ record: "oom", status: "oom", batch_size: 16, max_batch_size_fit: null });
    expect(ResNet50Oom.parse(record).message).toMatch(/out of memory/i);

    // fp16 autocast does not exist on CPU: a clear unsupported record and exit status 4.
    expect(unsupported.code).toBe(4);
    expect(jsonLines(unsupported.stdout)[0]).toMatchObject({ record: "unsupported", message: expect.stringMatching(/fp16.*CUDA/) });
  });

  it("with --find-max-batch, finds the largest batch that fits and runs the trials at it", async () => {
    const run = await resnet([...tiny, "--batch-size", "8", "--warmup-steps", "0", "--steps", "1", "--trials", "1", "--find-max-batch"], {
      GPU_BENCH_SIMULATE_OOM_ABOVE: "3",
    });
    expect(run.code, run.stderr).toBe(0);
    const records = parseResNet50Lines(run.stdout);
    expect(records.map((r) => r.record)).toEqual(["oom", "trial", "done"]);
    expect(records[0]).toMatchObject({ batch_size: 8, max_batch_size_fit: 3 });
    expect(records[1]).toMatchObject({ batch_size: 3, batch_size_requested: 8 });
  });

  it("rejects bad arguments with a usage message", async () => {
    const run = await resnet(["--precision", "fp8"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/invalid choice: 'fp8'/);
  });
});
