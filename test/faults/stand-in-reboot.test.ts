import { TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandIn, type StandIn } from "../../stand-in/index.js";
import { ssmRemote } from "../../src/cloud/ssm.js";
import { userDataFor } from "../../src/cloud/ec2.js";
import type { RunRemote } from "../../src/cloud/remote-script.js";
import { loadSuite, type LlmServingWorkload } from "../../src/config/suite.js";
import { FaultResult } from "../../src/evidence/fault-results.js";
import { runFaultScenarios } from "../../src/faults/run.js";
import { bootstrapNode } from "../../src/node/bootstrap.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { workloadImages } from "../../src/workloads/run.js";
import { clients, eventually, launch } from "../stand-in/helpers.js";

// node-reboot end to end on a stand-in instance driven over the stand-in's SSM, as a run drives a
// real one: the OS reboots under a vLLM server serving a constant load, and the way back is
// measured from the runner's side. Stand-in latencies at a scale of 0.01.
const SCALE = 0.01;
/** The OS is down this long; the agent is back 150 ms after it boots. */
const REBOOT_MS = 1000;
/** After k3s starts at boot, the API server answers 2 s later and the node is Ready after 3 s. */
const API_SECONDS = 2;
const NODE_READY_SECONDS = 3;
/** The vLLM server loads its model for 3 s after its container starts again. */
const VLLM_STARTUP_SECONDS = 3;
const KNOBS = {
  STUB_LATENCY_SCALE: String(SCALE),
  POLL_SECONDS: "0.2",
  STUB_POD_START_SECONDS: "0",
  STUB_VLLM_STARTUP_SECONDS: String(VLLM_STARTUP_SECONDS / SCALE),
  // A TTFT of 300 ms: the median the recovery compares with the baseline stays above a loaded machine's noise.
  STUB_VLLM_TTFT_MS: "300",
  STUB_VLLM_TPOT_MS: "1",
  STUB_APISERVER_SECONDS: String(API_SECONDS / SCALE),
  STUB_NODE_READY_SECONDS: String(NODE_READY_SECONDS / SCALE),
};

const suite = loadSuite(
  `version: 1
name: stand-in-reboot
workloads:
  - id: qwen
    kind: llm-serving
    requestRates: [4]
    numPrompts: 20
    serverStartTimeoutMinutes: 1
    faults:
      - id: reboot-node
        kind: node-reboot
        at: 6
        baselineSeconds: 5
        timeoutSeconds: 60
        load: { requestRate: 10, outputLen: 8 }
        slo: { maxRecoverySeconds: 60, maxErrorRate: 1, band: 100 }
`,
  {},
);
const qwen = suite.workloads[0] as LlmServingWorkload;

let standIn: StandIn;
let remote: RunRemote;
let instanceId: string;
let gpu: { computeCapability?: string } | undefined;

beforeAll(async () => {
  standIn = await startStandIn({ buckets: ["out"], extraCommandEnv: KNOBS, faults: { rebootDelayMs: REBOOT_MS, ttlMinuteMs: 60_000 } });
  // The run's clients retry as the SDK does by default (a kept-alive socket the stand-in closed while
  // the runner waited out the reboot is one such retry).
  const { ec2, ssm, s3 } = clients(standIn, undefined, 3);
  // The dead-man switch as a run arms it (user data), an hour away: it must survive the reboot too.
  instanceId = await launch(ec2, {
    InstanceInitiatedShutdownBehavior: "terminate",
    UserData: userDataFor(new Date(Date.now() + 3_600_000)),
  });
  await eventually(() => (standIn.instances()[0]?.agentOnline ? true : undefined), 10_000);
  remote = ssmRemote({ ssm, ec2, s3, clock: systemClock, log: new MemoryLog(), instanceId, outputBucket: "out", outputPrefix: "cmd" });
  const node = await bootstrapNode(remote, { images: workloadImages(suite), clock: systemClock, log: new MemoryLog() });
  gpu = { computeCapability: node.inventory.gpus[0]?.computeCapability };
}, 180_000);

afterAll(async () => {
  if (!standIn) return;
  const { ec2 } = clients(standIn);
  if (instanceId) await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })).catch(() => undefined);
  await standIn.stop();
});

describe("node-reboot on a stand-in instance over SSM", () => {
  it("reboots the node under a serving vLLM, verifies the new boot id, and measures agent, API server, node Ready, GPUs, server and load back", async () => {
    const cleanups: { name: string; fn: () => Promise<void> }[] = [];
    const bootsBefore = standIn.instances()[0]!.boots;
    const log = new MemoryLog();
    const run = await runFaultScenarios(remote, qwen, {
      clock: systemClock,
      log,
      gpu,
      registerCleanup: (name, fn) => cleanups.push({ name, fn }),
    });
    const reboot = FaultResult.parse(run.faults[0]);
    const brief = JSON.stringify({ ...reboot, timeline: undefined, log: log.lines });
    expect(reboot, brief).toMatchObject({ kind: "node-reboot", injected: true, verified: true, recovered: true, status: "ok" });
    expect(standIn.instances()[0]!.boots).toBe(bootsBefore + 1);
    expect(standIn.instances()[0]!.state).toBe("running");
    const pods = reboot.pods!;
    // The OS was down REBOOT_MS; k3s starts at boot, its API server and node follow on its clock.
    expect(pods.agentOnlineSeconds!, brief).toBeGreaterThanOrEqual(REBOOT_MS / 1000);
    expect(pods.controlPlaneSeconds!, brief).toBeGreaterThanOrEqual(REBOOT_MS / 1000 + API_SECONDS - 0.1);
    expect(pods.nodeReadySeconds!, brief).toBeGreaterThanOrEqual(REBOOT_MS / 1000 + NODE_READY_SECONDS - 0.1);
    expect(pods.gpuAllocatableSeconds!, brief).toBeGreaterThanOrEqual(pods.nodeReadySeconds! - 0.1);
    // The server's container of the new boot: started once the node was Ready, Ready after loading its model.
    expect(pods.totalRecoverySeconds!, brief).toBeGreaterThanOrEqual(pods.nodeReadySeconds! + VLLM_STARTUP_SECONDS - 0.1);
    expect(pods.restartCount, brief).toBeGreaterThanOrEqual(1);
    // The load generator came back with the node and saw the server refuse until it was up again. A
    // request in flight as the OS went down may fail first (the server's process can die a moment
    // before the load generator's, as when systemd stops units in turn), so detection is either then
    // or after the node came back.
    const detect = reboot.timeToDetectSeconds!;
    expect(detect < 1 || detect >= pods.nodeReadySeconds! - 0.1, brief).toBe(true);
    expect(reboot.errorRate!, brief).toBeGreaterThan(0);
    expect(reboot.timeToFirstSuccessSeconds!, brief).toBeGreaterThanOrEqual(pods.totalRecoverySeconds! - 1);
    expect(reboot.recoverySeconds!, brief).toBeGreaterThanOrEqual(reboot.faultSeconds! - 0.1);
    // Requests before the reboot and after it are one record.
    expect(reboot.timeline.filter((p) => p.t < 0 && p.ok > 0).length).toBeGreaterThan(3);
    expect(reboot.timeline.filter((p) => p.t > reboot.recoverySeconds! && p.ok > 0).length).toBeGreaterThan(3);
    expect(cleanups.map((c) => c.name)).toContain("recover fault reboot-node");
    for (const c of cleanups.reverse()) await c.fn();

    // The dead-man switch was armed again at boot from its absolute expiry.
    const armed = await remote({ name: "scheduled", body: 'cat "$GPU_BENCH_ROOT/run/systemd/shutdown/scheduled"', timeoutSeconds: 30 });
    expect(armed.stdout).toContain("MODE=poweroff");
  }, 300_000);
});
