import { describe, expect, it } from "vitest";
import { loadSuite, type LlmServingWorkload } from "../../src/config/suite.js";
import { FaultResult } from "../../src/evidence/fault-results.js";
import { runFaultScenarios } from "../../src/faults/run.js";
import { workloadImages } from "../../src/workloads/run.js";
import { useStandInNode } from "../support/stand-in-node.js";
import { faultContext, fastNodeKnobs, type Cleanups } from "./support.js";

// The node-level fault kinds end to end on the stand-in node: k3s restarted under a vLLM server
// serving a constant load. Latencies at a scale of 0.01 (the stand-in's figures in seconds / 100).
const FAST = fastNodeKnobs(3);
/** After a k3s restart the stand-in's API server answers 2 s later and the node is Ready after 3 s. */
const API_SECONDS = 2;
const NODE_READY_SECONDS = 3;
/** A new device plugin registers nvidia.com/gpu 3 s after it starts. */
const PLUGIN_INIT_SECONDS = 3;

const suite = loadSuite(
  `version: 1
name: stand-in-node-faults
workloads:
  - id: qwen
    kind: llm-serving
    requestRates: [4]
    numPrompts: 20
    serverStartTimeoutMinutes: 1
    faults:
      - id: restart-k3s
        kind: k3s-restart
        at: 5
        baselineSeconds: 5
        timeoutSeconds: 30
        load: { requestRate: 10, outputLen: 8 }
        slo: { maxRecoverySeconds: 20, maxErrorRate: 0, band: 50 }
      - id: restart-plugin
        kind: device-plugin-restart
        at: 45
        baselineSeconds: 5
        timeoutSeconds: 30
        slo: { maxRecoverySeconds: 20, maxErrorRate: 0, band: 50 }
  - id: neighbours
    kind: llm-serving
    requestRates: [4]
    numPrompts: 20
    serverStartTimeoutMinutes: 1
    faults:
      - id: cpu-hog
        kind: cpu-stress
        at: 5
        baselineSeconds: 5
        duration: 5
        timeoutSeconds: 20
        params: { workers: 8 }
        load: { requestRate: 10, outputLen: 4 }
        slo: { maxRecoverySeconds: 25, maxErrorRate: 0, band: 40 }
      - id: memory-hog
        kind: memory-stress
        at: 35
        baselineSeconds: 5
        duration: 5
        timeoutSeconds: 20
        params: { workers: 2, memoryShare: 0.5 }
        slo: { maxRecoverySeconds: 25, maxErrorRate: 0, band: 40 }
      - id: gpu-hog
        kind: gpu-contention
        at: 65
        baselineSeconds: 5
        duration: 5
        timeoutSeconds: 20
        params: { matrixSize: 256 }
        slo: { maxRecoverySeconds: 25, maxErrorRate: 0, band: 40 }
`,
  {},
);
const [qwen, neighbours] = suite.workloads as [LlmServingWorkload, LlmServingWorkload];

const node = useStandInNode({ prefix: "node-faults-", images: workloadImages(suite), env: FAST });
const remoteWith = node.remote;

const context = (cleanups: Cleanups) => faultContext(node.gpu, cleanups);

describe("node-level fault scenarios on the stand-in node", () => {
  it("k3s-restart and device-plugin-restart under a serving vLLM: the control plane and the GPU resource are away for a while, the running server keeps serving, the times they come back measured", async () => {
    const cleanups: Cleanups = [];
    // A TTFT of 300 ms: recovery compares the median with the baseline's within ±50%, and 5 ms (13 ms
    // was seen) is within a loaded machine's scheduling noise, so "not back" was the machine, not the server.
    const remote = remoteWith({
      STUB_VLLM_TTFT_MS: "300",
      STUB_APISERVER_SECONDS: String(API_SECONDS / 0.01),
      STUB_NODE_READY_SECONDS: String(NODE_READY_SECONDS / 0.01),
      STUB_DEVICE_PLUGIN_INIT_SECONDS: String(PLUGIN_INIT_SECONDS / 0.01),
    });
    const run = await runFaultScenarios(remote, qwen, context(cleanups));
    const [restart, plugin] = run.faults.map((f) => FaultResult.parse(f));
    expect(restart, JSON.stringify({ ...restart, timeline: undefined })).toMatchObject({
      kind: "k3s-restart",
      target: "k3s.service",
      injected: true,
      verified: true,
      recovered: true,
      status: "ok",
      errorRate: 0,
    });
    // Measured from the restart: the API server refuses until the stand-in's delay has passed.
    expect(restart!.pods!.controlPlaneSeconds!).toBeGreaterThanOrEqual(API_SECONDS - 0.1);
    expect(restart!.pods!.controlPlaneSeconds!).toBeLessThan(API_SECONDS + 3);
    expect(restart!.pods!.nodeReadySeconds!).toBeGreaterThanOrEqual(NODE_READY_SECONDS - 0.1);
    expect(restart!.pods!.nodeReadySeconds!).toBeLessThan(NODE_READY_SECONDS + 3);
    // The fault lasts until the node and the server's pod are Ready again; recovery is measured from then.
    expect(restart!.faultSeconds!).toBeGreaterThanOrEqual(NODE_READY_SECONDS - 0.1);
    expect(restart!.recoverySeconds!).toBeGreaterThanOrEqual(restart!.faultSeconds! - 0.1);
    // Running containers survive a k3s restart: the load saw no failure at all.
    expect(restart!.timeline.every((p) => p.failed === 0)).toBe(true);
    expect(restart!.during!.throughput!).toBeGreaterThan(5);

    // device-plugin-restart: nvidia.com/gpu is gone from the node until the new plugin registers.
    expect(plugin, JSON.stringify({ ...plugin, timeline: undefined })).toMatchObject({
      kind: "device-plugin-restart",
      injected: true,
      verified: true,
      recovered: true,
      status: "ok",
      errorRate: 0,
    });
    expect(plugin!.target).toMatch(/^pod kube-system\/nvidia-device-plugin-daemonset-/);
    expect(plugin!.pods!.newPod).not.toBe(plugin!.pods!.oldPod);
    // The new plugin registers PLUGIN_INIT_SECONDS after its container started (the API's own time).
    // The poll reads nvidia.com/gpu through kubectl every 0.25 s: one kubectl call (a Python start,
    // up to ~1 s on a loaded 2-core machine) plus the wait is how late it can see it.
    const sinceStart = plugin!.pods!.gpuAllocatableSeconds! - plugin!.pods!.containerStartSeconds!;
    expect(sinceStart, JSON.stringify(plugin!.pods)).toBeGreaterThanOrEqual(PLUGIN_INIT_SECONDS - 0.1);
    expect(sinceStart, JSON.stringify(plugin!.pods)).toBeLessThan(PLUGIN_INIT_SECONDS + 1.5);
    expect(plugin!.faultSeconds).toBeCloseTo(plugin!.pods!.gpuAllocatableSeconds!, 1);
    expect(plugin!.timeline.every((p) => p.failed === 0)).toBe(true);

    expect(cleanups.map((c) => c.name)).toEqual(expect.arrayContaining(["recover fault restart-k3s", "recover fault restart-plugin"]));
    for (const c of cleanups.reverse()) await c.fn();
  }, 360_000);

  it("cpu-stress, memory-stress and gpu-contention beside a serving vLLM: each hog read back at work on the node, the server slowed while it runs, back once it is deleted", async () => {
    const cleanups: Cleanups = [];
    // A TTFT of 300 ms: the slow-down of a hog (8 CPU hogs on 8 vCPUs, one more GPU process: 2x) shows above
    // the noise of a loaded machine (p99 TTFT at 100 ms was seen at 204 ms before any fault).
    const remote = remoteWith({ STUB_VLLM_TTFT_MS: "300" });
    const run = await runFaultScenarios(remote, neighbours, context(cleanups));
    const [cpu, memory, burn] = run.faults.map((f) => FaultResult.parse(f));
    const brief = (f: FaultResult | undefined) => JSON.stringify({ ...f, timeline: undefined });
    for (const f of [cpu, memory, burn]) {
      expect(f, brief(f)).toMatchObject({ injected: true, verified: true, recovered: true, status: "ok", errorRate: 0 });
      // The hog ran for its duration from its own start (not from when a poll saw it at work, nor after
      // the verification) and is then deleted: recovery is looked for from then on.
      expect(f!.faultSeconds!, brief(f)).toBeGreaterThanOrEqual(5);
      expect(f!.faultSeconds!, brief(f)).toBeLessThan(5 + 2);
      expect(f!.recoverySeconds!, brief(f)).toBeGreaterThanOrEqual(f!.faultSeconds! - 0.1);
    }
    expect(cpu!.target).toBe("pod fault-cpu-hog (stress-ng --cpu 8)");
    expect(memory!.target).toBe("pod fault-memory-hog (stress-ng --vm 2 --vm-bytes 50%)");
    expect(burn!.target).toBe("pod fault-gpu-hog (GEMM 256² fp16 loop on GPU 0)");
    // CPU hogs and a second process on the GPU slow every request; memory pressure does not. The
    // median says so; a p99 of a few dozen requests is the slowest one, a loaded machine's hiccup.
    expect(cpu!.during!.p50TtftMs!, brief(cpu)).toBeGreaterThan(cpu!.baseline!.p50TtftMs! * 1.5);
    expect(burn!.during!.p50TtftMs!, brief(burn)).toBeGreaterThan(burn!.baseline!.p50TtftMs! * 1.5);
    expect(memory!.during!.p50TtftMs!, brief(memory)).toBeLessThan(memory!.baseline!.p50TtftMs! * 1.4);

    expect(cleanups.map((c) => c.name)).toEqual(
      expect.arrayContaining(["recover fault cpu-hog", "recover fault memory-hog", "recover fault gpu-hog"]),
    );
    for (const c of cleanups.reverse()) await c.fn();
    // Nothing of the hogs is left on the node.
    const left = await remote({ name: "left", body: "kubectl get pods -A -o name | grep fault- || true", timeoutSeconds: 60 });
    expect(left.stdout.trim()).toBe("");
  }, 360_000);
});
