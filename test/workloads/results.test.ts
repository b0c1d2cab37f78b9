import { describe, expect, it } from "vitest";
import { loadSuite, type LlmServingWorkload, type ResNet50Workload } from "../../src/config/suite.js";
import { RemoteScriptError, type RemoteScript, type RemoteResult } from "../../src/cloud/remote-script.js";
import { WorkloadResult } from "../../src/evidence/results.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { effectiveDtype, loadPoints } from "../../src/workloads/llm.js";
import { resnet50Result } from "../../src/workloads/resnet50.js";
import { runWorkload } from "../../src/workloads/run.js";
import { instantClock } from "../support/fakes.js";
import { readFileSync } from "node:fs";

const times = { startedAt: "2026-11-23T10:00:00.000Z", endedAt: "2026-11-23T10:05:00.000Z" };
const suite = loadSuite(
  `version: 1
name: t
workloads:
  - { id: train, kind: resnet50, batchSize: 256, steps: 50, trials: 3 }
  - { id: qwen, kind: llm-serving, requestRates: [4, 16], trials: 2 }
`,
  {},
);
const [train, qwen] = suite.workloads as [ResNet50Workload, LlmServingWorkload];

function trialLine(trial: number, ips: number, extra: Record<string, unknown> = {}): string {
  const record = {
    record: "trial",
    status: "ok",
    trial,
    trials: 3,
    workload: "resnet50",
    mode: "train",
    precision: "bf16",
    precision_requested: "auto",
    batch_size: 256,
    image_size: 224,
    channels_last: true,
    device: "cuda",
    gpu_name: "NVIDIA A10G",
    compute_capability: "8.6",
    steps: 50,
    warmup_steps: 20,
    images: 12800,
    elapsed_s: 12800 / ips,
    warmup_s: 3.1,
    images_per_sec: ips,
    step_time_p50_ms: 256000 / ips,
    step_time_p90_ms: 256000 / ips + 2,
    peak_memory_mib: 20480.5,
    gflop_per_image: 24.5,
    achieved_tflops: (ips * 24.5) / 1000,
    peak_tflops: 70,
    peak_gpu: "NVIDIA A10G",
    mfu: (ips * 24.5) / 1000 / 70,
    compile: "off",
    compile_s: null,
    loss: 6.9,
    notes: [],
    ...extra,
  };
  return `GPU_BENCH_JSON ${JSON.stringify(record)}`;
}
const jobLine = (outcome: string, exitCode: number | null = 0) =>
  `GPU_BENCH_JOB {"job":"rn50-train","outcome":"${outcome}","seconds":42,"exitCode":${exitCode}}`;

describe("ResNet50 results", () => {
  it("turns trial lines into per-trial values with median, spread, units and direction", () => {
    const stdout = [
      trialLine(1, 400),
      trialLine(2, 410),
      trialLine(3, 390),
      'GPU_BENCH_JSON {"record":"done","status":"ok","import_s":2,"build_s":1,"script_s":50}',
      jobLine("succeeded"),
    ].join("\n");
    const result = WorkloadResult.parse(resnet50Result(train, { stdout, stderr: "" }, times));
    expect(result).toMatchObject({
      id: "train",
      kind: "resnet50",
      status: "ok",
      parameters: { batchSize: 256, precision: "bf16", precisionRequested: "auto", device: "cuda", steps: 50 },
    });
    expect(result.message).toBeUndefined();
    const ips = result.metrics.find((m) => m.name === "images_per_sec")!;
    expect(ips).toMatchObject({ unit: "images/s", direction: "higher", headline: true, trials: [400, 410, 390] });
    expect(ips.summary).toMatchObject({ n: 3, median: 400, min: 390, max: 410, iqr: 10 });
    expect(result.metrics.map((m) => m.name)).toEqual([
      "images_per_sec",
      "step_time_p50_ms",
      "step_time_p90_ms",
      "mfu_percent",
      "peak_memory_mib",
    ]);
    expect(result.metrics.find((m) => m.name === "mfu_percent")!.summary.median).toBeCloseTo(14, 6);
    expect(result.metrics.find((m) => m.name === "step_time_p50_ms")!.direction).toBe("lower");
    expect(result.trials).toHaveLength(3);
  });

  it("an out-of-memory batch is an 'oom' result that says what to do", () => {
    const oom = {
      record: "oom",
      status: "oom",
      workload: "resnet50",
      mode: "train",
      precision: "bf16",
      batch_size: 256,
      device: "cuda",
      gpu_name: "Tesla T4",
      message: "CUDA out of memory. Tried to allocate 98.00 MiB",
      max_batch_size_fit: null,
    };
    const result = resnet50Result(train, { stdout: `GPU_BENCH_JSON ${JSON.stringify(oom)}\n${jobLine("succeeded")}`, stderr: "" }, times);
    expect(result.status).toBe("oom");
    expect(result.message).toBe(
      "Batch 256 does not fit in the memory of Tesla T4 at bf16; lower batchSize, or set findMaxBatch: true to find the largest that fits",
    );
    expect(result.metrics).toEqual([]);
  });

  it("after a search, runs at the largest batch that fit and records both batch sizes", () => {
    const oom = {
      record: "oom",
      status: "oom",
      precision: "bf16",
      batch_size: 256,
      device: "cuda",
      gpu_name: "Tesla T4",
      message: "CUDA out of memory",
      max_batch_size_fit: 176,
    };
    const stdout = [
      `GPU_BENCH_JSON ${JSON.stringify(oom)}`,
      ...[1, 2, 3].map((i) => trialLine(i, 300, { batch_size: 176 })),
      jobLine("succeeded"),
    ].join("\n");
    const result = resnet50Result({ ...train, findMaxBatch: true }, { stdout, stderr: "" }, times);
    expect(result).toMatchObject({ status: "ok", parameters: { batchSize: 176, batchSizeRequested: 256 } });
    expect(result.message).toMatch(/Batch 256 did not fit .*; ran at 176, the largest that did/);
  });

  it("a Job that timed out after two trials is a failure that keeps what was measured", () => {
    const stdout = [trialLine(1, 400), trialLine(2, 410), jobLine("timeout", null)].join("\n");
    const result = resnet50Result(train, { stdout, stderr: "[rn50-train] outcome: timeout\nsome pod event" }, times);
    expect(result.status).toBe("failed");
    expect(result.message).toMatch(/^2 of 3 trials finished: it did not finish within its timeout\.\n/);
    expect(result.metrics[0]!.trials).toEqual([400, 410]);
  });

  it("an unsupported precision is skipped with the script's reason", () => {
    const line = {
      record: "unsupported",
      status: "unsupported",
      message: "bf16 needs compute capability 8.0 or newer; Tesla T4 is 7.5: use fp16 or auto",
    };
    const result = resnet50Result(
      { ...train, precision: "bf16" },
      { stdout: `GPU_BENCH_JSON ${JSON.stringify(line)}\n${jobLine("failed", 4)}`, stderr: "" },
      times,
    );
    expect(result).toMatchObject({ status: "skipped", message: line.message });
  });

  it("a step that fails on the node becomes a failed result, not an exception", async () => {
    const failing = async (script: RemoteScript): Promise<RemoteResult> => {
      throw new RemoteScriptError(script.name, {
        commandId: "c",
        status: "Failed",
        exitCode: 1,
        stdout: "",
        stderr: "error: unable to recognize manifest.yaml",
        durationMs: 5,
      });
    };
    const result = await runWorkload(failing, train, { log: new MemoryLog(), clock: instantClock() });
    expect(result).toMatchObject({ status: "failed", metrics: [] });
    expect(result.message).toMatch(/Step 'workload-train' on the instance ended Failed .*unable to recognize/s);
  });
});

describe("LLM serving results", () => {
  const fixture = JSON.parse(readFileSync(new URL("../fixtures/vllm/vllm-bench-serve-v0.11.json", import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;

  /** A node that answers each step as the scripts would; records what it was asked. */
  function fakeNode(options: { server?: string; failPoint?: string } = {}) {
    const calls: RemoteScript[] = [];
    const remote = async (script: RemoteScript): Promise<RemoteResult> => {
      calls.push(script);
      const ok = (stdout: string, stderr = ""): RemoteResult => ({
        commandId: `c${calls.length}`,
        status: "Success",
        exitCode: 0,
        stdout,
        stderr,
        durationMs: 1,
      });
      if (script.name.endsWith("server-up"))
        return ok(
          `GPU_BENCH_SERVER {"name":"vllm-qwen","outcome":"${options.server ?? "ready"}","seconds":61}`,
          "Traceback: torch.OutOfMemoryError",
        );
      if (script.name.endsWith("server-down")) return ok('GPU_BENCH_SERVER_DOWN {"name":"vllm-qwen","outcome":"stopped"}');
      const args = script.files![0]!.content;
      const rate = /"--request-rate","([^"]+)"/.exec(args)![1]!;
      if (script.name === options.failPoint)
        return ok(`GPU_BENCH_JOB {"job":"x","outcome":"failed","seconds":3,"exitCode":1}`, "ValueError: Initial test run failed");
      const scale = rate === "inf" ? 40 : Number(rate);
      const file = {
        ...fixture,
        request_rate: rate === "inf" ? "inf" : Number(rate),
        request_throughput: scale * 0.98,
        output_throughput: scale * 120,
        p99_ttft_ms: 20 + scale,
      };
      return ok(`GPU_BENCH_VLLM_RESULT ${JSON.stringify(file)}\nGPU_BENCH_JOB {"job":"x","outcome":"succeeded","seconds":30,"exitCode":0}`);
    };
    return { remote, calls };
  }

  it("sweeps the request rates, then the max-throughput point, per trial, and always stops the server", async () => {
    const node = fakeNode();
    const log = new MemoryLog();
    const result = WorkloadResult.parse(
      await runWorkload(node.remote, qwen, {
        log,
        clock: instantClock(),
        gpu: { name: "Tesla T4", computeCapability: "7.5" },
        hfTokenParameter: { name: "/gpu-bench/gpu-bench/runs/gpu-bench-abc/hf-token", region: "us-west-2" },
      }),
    );
    expect(node.calls.map((c) => c.name)).toEqual([
      "workload-qwen-server-up",
      "workload-qwen-bench-4-t1",
      "workload-qwen-bench-16-t1",
      "workload-qwen-bench-max-t1",
      "workload-qwen-bench-4-t2",
      "workload-qwen-bench-16-t2",
      "workload-qwen-bench-max-t2",
      "workload-qwen-server-down",
    ]);
    expect(result).toMatchObject({
      status: "ok",
      kind: "llm-serving",
      parameters: { model: "Qwen/Qwen2.5-0.5B-Instruct", dtype: "half", requestRates: "4,16,inf" },
    });
    expect(result.trials).toHaveLength(6);
    expect(result.trials[2]).toMatchObject({ trial: 1, request_rate: "max", completed: 200, failed: 0, ttft_p99_ms: 60 });
    const out = result.metrics.filter((m) => m.label === "Output tokens/s");
    expect(out.map((m) => [m.name, m.requestRate, m.trials])).toEqual([
      ["output_throughput@4rps", 4, [480, 480]],
      ["output_throughput@16rps", 16, [1920, 1920]],
      ["output_throughput@max", "max", [4800, 4800]],
    ]);
    expect(result.metrics.filter((m) => m.headline).map((m) => m.name)).toEqual([
      "ttft_p99_ms@16rps",
      "tpot_p99_ms@16rps",
      "output_throughput@max",
    ]);
    for (const name of ["ttft", "tpot", "itl"])
      for (const s of ["mean", "median", "p99"]) expect(result.metrics.some((m) => m.name === `${name}_${s}_ms@4rps`)).toBe(true);
    expect(result.metrics.find((m) => m.name === "request_goodput@16rps")!.unit).toBe("req/s");
    // Only the server step learns where the token is (the parameter's name); no step carries a token.
    expect(node.calls[0]!.env).toMatchObject({ HF_TOKEN_PARAMETER: "/gpu-bench/gpu-bench/runs/gpu-bench-abc/hf-token" });
    expect(node.calls.every((c) => !c.env || !("HF_TOKEN" in c.env))).toBe(true);
    expect(node.calls.slice(1).every((c) => !JSON.stringify(c).includes("/hf-token"))).toBe(true);
  });

  it("a server that never became ready fails the workload with the reason, and is still stopped", async () => {
    const node = fakeNode({ server: "crashed" });
    const result = await runWorkload(node.remote, qwen, { log: new MemoryLog(), clock: instantClock() });
    expect(node.calls.map((c) => c.name)).toEqual(["workload-qwen-server-up", "workload-qwen-server-down"]);
    expect(result.status).toBe("failed");
    expect(result.message).toMatch(
      /^The vLLM server for Qwen\/Qwen2.5-0.5B-Instruct did not become ready: the server exited while starting after 61s\.\nTraceback/,
    );
  });

  it("a failed load point fails the workload but keeps the others", async () => {
    const node = fakeNode({ failPoint: "workload-qwen-bench-16-t1" });
    const result = await runWorkload(node.remote, { ...qwen, trials: 1 }, { log: new MemoryLog(), clock: instantClock() });
    expect(result.status).toBe("failed");
    expect(result.message).toMatch(/load point 16 req\/s \(trial 1\) produced no result: its container exited with an error\.\nValueError/);
    expect(result.trials.map((t) => t.request_rate)).toEqual([4, "max"]);
  });

  it("orders the sweep and picks vLLM's dtype for the GPU", () => {
    expect(loadPoints({ ...qwen, requestRates: [16, 1, 4] })).toEqual([1, 4, 16, "inf"]);
    expect(loadPoints({ ...qwen, maxThroughput: false })).toEqual([4, 16]);
    expect(effectiveDtype(qwen, "7.5")).toBe("half");
    expect(effectiveDtype(qwen, "8.6")).toBe("auto");
    expect(effectiveDtype(qwen, undefined)).toBe("auto");
    expect(effectiveDtype({ ...qwen, dtype: "float32" }, "7.5")).toBe("float32");
  });
});
