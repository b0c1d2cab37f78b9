import { describe, expect, it } from "vitest";
import { loadSuite, type LlmServingWorkload, type ResNet50Workload } from "../../src/config/suite.js";
import { WorkloadResult } from "../../src/evidence/results.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { runWorkload, workloadImages, type WorkloadContext } from "../../src/workloads/run.js";
import { useStandInNode } from "../support/stand-in-node.js";

// Both workloads end to end on the stand-in node: the node bootstrap, then the workload scripts
// through the stand-in kubectl and kubelet. ResNet50 really executes (CPU torch); vLLM is the
// stand-in server and a replay of the recorded result format.
const FAST = { STUB_LATENCY_SCALE: "0.01", POLL_SECONDS: "0.2" };

const suite = loadSuite(
  `version: 1
name: stand-in
workloads:
  - { id: rn50, kind: resnet50, imageSize: 32, batchSize: 2, warmupSteps: 0, steps: 1, trials: 2, timeoutMinutes: 2 }
  - { id: qwen, kind: llm-serving, requestRates: [4], numPrompts: 50, trials: 1, serverStartTimeoutMinutes: 1, benchTimeoutMinutes: 1 }
`,
  {},
);
const [rn50, qwen] = suite.workloads as [ResNet50Workload, LlmServingWorkload];

const node = useStandInNode({ prefix: "workloads-node-", images: workloadImages(suite), env: FAST });
const remoteWith = node.remote;

function ctx(extra: Partial<Omit<WorkloadContext, "log">> = {}): WorkloadContext & { log: MemoryLog } {
  const { name, computeCapability } = node.gpu;
  return { log: new MemoryLog(), clock: systemClock, gpu: { name, computeCapability }, ...extra };
}

describe("workloads on the stand-in node", () => {
  it("ResNet50 runs as a Job from a ConfigMap and its trials come back as results", async () => {
    const remote = remoteWith();
    const result = WorkloadResult.parse(await runWorkload(remote, rn50, ctx()));
    expect(result, result.message).toMatchObject({
      id: "rn50",
      kind: "resnet50",
      status: "ok",
      parameters: { batchSize: 2, precision: "fp32", device: "cpu" },
    });
    expect(result.trials).toHaveLength(2);
    expect(result.metrics.find((m) => m.name === "images_per_sec")!.trials).toHaveLength(2);
    // The Job and its ConfigMap are gone afterwards: the GPU is free for the next workload.
    const check = await remote({ name: "check", body: "kubectl -n gpu-bench get jobs,configmaps,pods -o name", timeoutSeconds: 30 });
    expect(check.stdout.trim()).toBe("");
  });

  it("an out-of-memory batch comes back as an 'oom' result", async () => {
    const result = await runWorkload(remoteWith({ STUB_PYTORCH_OOM_ABOVE: "1" }), { ...rn50, id: "rn50-oom" }, ctx());
    expect(result.status).toBe("oom");
    expect(result.message).toMatch(/^Batch 2 does not fit in the memory of cpu at fp32; lower batchSize, or set findMaxBatch: true/);
  });

  it("an image that cannot be pulled fails fast with that reason, not after the timeout", async () => {
    const missing = "registry.example.com/team/pytorch:does-not-exist";
    const remote = remoteWith({ STUB_IMAGE_PULL_FAIL: missing, PULL_GRACE_SECONDS: "0" });
    const result = await runWorkload(remote, { ...rn50, id: "rn50-pull", image: missing }, ctx());
    expect(result.status).toBe("failed");
    expect(result.message).toMatch(/^0 of 2 trials finished: its image could not be pulled\./);
    expect(remote.calls[0]!.durationMs).toBeLessThan(60_000);
  });

  it("LLM serving: the server comes up, each load point runs as a Job, the server is stopped", async () => {
    const remote = remoteWith();
    // (The token, read from the run's SecureString on the node, is covered against the whole stand-in: test/e2e/secrets.test.ts.)
    const c = ctx();
    const result = WorkloadResult.parse(await runWorkload(remote, qwen, c));
    expect(result, result.message).toMatchObject({
      status: "ok",
      kind: "llm-serving",
      parameters: { model: "Qwen/Qwen2.5-0.5B-Instruct" },
    });
    expect(result.trials.map((t) => t.request_rate)).toEqual([4, "max"]);
    const at4 = result.trials[0]!;
    expect(at4).toMatchObject({ completed: 50, failed: 0, format: "bench-serve" });
    expect(Number(at4.request_throughput)).toBeCloseTo(3.92, 2);
    expect(Number(result.trials[1]!.ttft_p99_ms)).toBeGreaterThan(Number(at4.ttft_p99_ms));
    const after = await remote({
      name: "check",
      body: "kubectl -n gpu-bench get deployments,services,secrets,pods,jobs -o name",
      timeoutSeconds: 30,
    });
    expect(after.stdout.trim()).toBe("");
  });

  it("a server that crashes at start fails the workload with its log, and the node is left clean", async () => {
    const remote = remoteWith({ STUB_VLLM_SERVER: "crash" });
    const result = await runWorkload(remote, { ...qwen, id: "qwen-crash" }, ctx());
    expect(result.status).toBe("failed");
    expect(result.message).toMatch(/did not become ready: the server exited while starting/);
    expect(result.message).toMatch(/Engine core initialization failed for Qwen\/Qwen2.5-0.5B-Instruct$/); // the server's own log ends it
    const after = await remote({ name: "check", body: "kubectl -n gpu-bench get deployments,pods -o name", timeoutSeconds: 30 });
    expect(after.stdout.trim()).toBe("");
  });
});
