import { describe, expect, it } from "vitest";
import { loadSuite, type LlmServingWorkload, type ResNet50Workload } from "../../src/config/suite.js";
import { FaultResult } from "../../src/evidence/fault-results.js";
import { runFaultScenarios } from "../../src/faults/run.js";
import { workloadImages } from "../../src/workloads/run.js";
import { useStandInNode } from "../support/stand-in-node.js";
import { faultContext, fastNodeKnobs, type Cleanups } from "./support.js";

// Fault scenarios end to end on the stand-in node: the load generator in a pod reaching the vLLM
// stand-in through its Service, the fault scripts through the stub kubectl, crictl, nsenter, tc and
// nvidia-smi, and the measurement of what the load recorded.
// The vLLM stand-in answers 3 s after its container starts (300 s at a latency scale of 0.01):
// that is the delay a pod-kill must measure.
const RESTART_DELAY_SECONDS = 3;
const FAST = fastNodeKnobs(RESTART_DELAY_SECONDS);

const suite = loadSuite(
  `version: 1
name: stand-in-faults
workloads:
  - id: rn50
    kind: resnet50
    imageSize: 32
    batchSize: 2
    warmupSteps: 2
    steps: 1
    trials: 1
    timeoutMinutes: 2
    faults:
      - id: rn50-cap
        kind: gpu-power-cap
        at: 6
        baselineSeconds: 5
        duration: 6
        timeoutSeconds: 30
        params: { fraction: 0.4 }
        # Back within ±30% 6 s after the removal when the machine is idle; 15.4 s was seen with four test
        # files running side by side, so the SLO leaves room: the test is about the drop and the return.
        slo: { maxRecoverySeconds: 25, band: 30 }
  - id: qwen
    kind: llm-serving
    requestRates: [4]
    numPrompts: 20
    serverStartTimeoutMinutes: 1
    faults:
      - id: kill
        kind: pod-kill
        at: 5
        baselineSeconds: 5
        timeoutSeconds: 30
        load: { requestRate: 10, outputLen: 8 }
        slo: { maxRecoverySeconds: 20, band: 50 }
      - id: slow
        kind: network-delay
        at: 40
        baselineSeconds: 5
        duration: 4
        timeoutSeconds: 30
        params: { delayMs: 300 }
        slo: { maxRecoverySeconds: 20, band: 50 }
      - id: impossible
        kind: container-kill
        at: 80
        baselineSeconds: 5
        timeoutSeconds: 30
        slo: { maxRecoverySeconds: 0.5, band: 50 }
`,
  {},
);
const [rn50, qwen] = suite.workloads as [ResNet50Workload, LlmServingWorkload];

const node = useStandInNode({ prefix: "faults-node-", images: workloadImages(suite), env: FAST });
const remoteWith = node.remote;

const context = (cleanups: Cleanups) => faultContext(node.gpu, cleanups);

describe("fault scenarios on the stand-in node", () => {
  it("an LLM server under constant load: pod-kill measured against the restart delay, a delay read back and removed, an unmeetable SLO never a pass", async () => {
    const cleanups: Cleanups = [];
    const ctx = context(cleanups);
    const run = await runFaultScenarios(remoteWith(), qwen, ctx);
    const [kill, slow, impossible] = run.faults.map((f) => FaultResult.parse(f));
    expect(run.faults.slice(0, 2).map((f) => [f.id, f.status, f.message])).toEqual([
      ["kill", "ok", undefined],
      ["slow", "ok", undefined],
    ]);
    // An unmeetable SLO is never a pass: slo-missed when the server came back inside the window,
    // not-recovered when this machine's load kept it out of the band until the window closed.
    expect(["slo-missed", "not-recovered"]).toContain(run.faults[2]?.status);

    // pod-kill: refused requests from the deletion until the new pod's server answers.
    expect(kill).toMatchObject({ kind: "pod-kill", injected: true, verified: true, recovered: true });
    expect(kill!.timeToDetectSeconds).toBeLessThan(1);
    // The new pod's server answers RESTART_DELAY_SECONDS after its container started (the API's own
    // time): the load generator sees it within a second of that. (The replacement's start itself
    // lags the deletion by however busy this machine is.)
    const sinceStart = kill!.timeToFirstSuccessSeconds! - kill!.pods!.containerStartSeconds!;
    // The stand-in counts its delay from the container's start (its own Python start-up included, as
    // a real server's is), and the load sends a request every 0.1 s: within 1 s, never earlier.
    expect(sinceStart, JSON.stringify(kill!.pods)).toBeGreaterThanOrEqual(RESTART_DELAY_SECONDS - 0.2);
    expect(sinceStart - RESTART_DELAY_SECONDS, JSON.stringify(kill!.pods)).toBeLessThanOrEqual(1);
    expect(kill!.pods?.newPod).not.toBe(kill!.pods?.oldPod);
    expect(kill!.pods?.totalRecoverySeconds).toBeGreaterThanOrEqual(RESTART_DELAY_SECONDS - 0.5);
    expect(kill!.errorRate).toBeGreaterThan(0);
    expect(kill!.baseline?.throughput).toBeGreaterThan(8);
    expect(kill!.timeline.some((p) => p.failed > 0)).toBe(true);

    // network-delay: no request fails, TTFT grows by the delay while it holds, then comes back.
    expect(slow).toMatchObject({ injected: true, verified: true, recovered: true, errorRate: 0 });
    expect(slow!.target).toMatch(/netem delay 300ms/);
    expect(slow!.during!.p99TtftMs!).toBeGreaterThan(300);
    expect(slow!.recoverySeconds!).toBeGreaterThanOrEqual(4);
    expect(slow!.faultSeconds).toBeGreaterThanOrEqual(4);

    // container-kill: the restart count goes up; recovery takes longer than 0.5 s, so the SLO is missed.
    expect(impossible).toMatchObject({ injected: true, verified: true, sloMet: false });
    expect(impossible!.pods?.restartCount).toBeGreaterThanOrEqual(1);

    // Every fault registered its recover before acting; all are idempotent afterwards.
    expect(cleanups.map((c) => c.name)).toEqual(
      expect.arrayContaining(["recover fault kill", "recover fault slow", "recover fault impossible"]),
    );
    for (const c of cleanups.reverse()) await c.fn();
    expect(run.metric).toMatchObject({ name: "resilience_score", headline: true, direction: "higher" });
    // The score weighs each fault by the share of its SLO checks met: two fully, the impossible one partly.
    const impossibleShare = run.faults[2]!.sloShare;
    expect(impossibleShare).toBeLessThan(1);
    expect(run.metric!.summary.median).toBeCloseTo((100 * (1 + 1 + impossibleShare)) / 3, 0);
  }, 360_000);

  it(
    "training under a power cap: images/s drop while it holds and come back, steps lost counted; the cap is restored",
    // The windows time real CPU training on a shared machine: once a 5 s baseline, taken while the
    // files beside it peaked, read 1.16 images/s against 3.44 after the cap, and hid the cap. One
    // more try measures the scenario again rather than loosening what it must show.
    { timeout: 180_000, retry: 1 },
    async () => {
      const remote = remoteWith();
      const cleanups: Cleanups = [];
      const run = await runFaultScenarios(remote, rn50, context(cleanups));
      const [cap] = run.faults.map((f) => FaultResult.parse(f));
      const brief = JSON.stringify({ ...cap, timeline: cap?.timeline.map((p) => p.ok) });
      expect(cap, brief).toMatchObject({ kind: "gpu-power-cap", injected: true, verified: true, recovered: true, status: "ok" });
      expect(cap!.target).toMatch(/GPU 0: 120 W of 300 W/);
      expect(cap!.during!.throughput!, brief).toBeLessThan(cap!.baseline!.throughput! * 0.8);
      expect(cap!.stepsLost).toBeGreaterThan(0);
      const limit = await remote({ name: "limit", body: "nvidia-smi --query-gpu=power.limit --format=csv,noheader", timeoutSeconds: 30 });
      expect(limit.stdout.trim()).toBe("300.00 W");
    },
  );

  it("a power cap the board refuses (nvidia-smi says 'not supported' and exits 0) is not-injected, never a pass", async () => {
    const remote = remoteWith({ STUB_GPU_POWER_CAP: "unsupported" });
    const run = await runFaultScenarios(
      remote,
      { ...rn50, faults: [{ ...rn50.faults[0]!, at: 5, duration: 1, timeoutSeconds: 10 } as ResNet50Workload["faults"][number]] },
      context([]),
    );
    expect(run.faults[0]).toMatchObject({ status: "not-injected", injected: true, verified: false, sloMet: false, sloShare: 0 });
    expect(run.faults[0]!.message).toMatch(/not verified: the power limit read back 300 W, not 120 W/);
  }, 180_000);
});
