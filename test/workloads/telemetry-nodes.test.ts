import { describe, expect, it } from "vitest";
import type { RemoteResult, RemoteScript, RunRemote } from "../../src/cloud/remote-script.js";
import { loadSuite, spansNodes, type NodeWorkload, type ResNet50Workload } from "../../src/config/suite.js";
import { WorkloadResult } from "../../src/evidence/results.js";
import { mergeNodeSamples, parseSamples } from "../../src/node/telemetry-samples.js";
import { TELEMETRY_SAMPLE_MARK, TELEMETRY_START_MARK } from "../../src/node/telemetry.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { attachTelemetry, runWithTelemetry } from "../../src/workloads/telemetry.js";
import { instantClock } from "../support/fakes.js";
import { everySecond, samplesText } from "../support/telemetry-samples.js";

// GPU telemetry of a workload across nodes: every node sampled and their GPUs summed.
const T0 = 1_741_572_000;
const NODE0 = ["GPU-00000000-0000-0000-0000-000000000000", "GPU-00000000-0000-0000-0000-000000000001"];
const NODE1 = ["GPU-11111111-0000-0000-0000-000000000000", "GPU-11111111-0000-0000-0000-000000000001"];

const suite = loadSuite(
  `version: 1
name: t
nodes: 2
workloads:
  - { id: ddp, kind: resnet50, distributed: true, steps: 10 }
  - { id: rn50, kind: resnet50, steps: 10 }
  - { id: ar, kind: nccl-allreduce }
  - { id: pp, kind: llm-serving, pipelineParallelSize: 2 }
  - { id: one, kind: llm-serving }
`,
  {},
);
const byId = (id: string) => suite.workloads.find((w) => w.id === id) as NodeWorkload;
const ddp = byId("ddp") as ResNet50Workload;

/**
 * One node's samples: two GPUs at `busyW` each from 1 s to 19 s after T0 (the workload's pod on
 * them), 60 W and 210 MHz idle before and after; one sample a second from `offset` seconds after T0
 * (the nodes' samplers do not tick together).
 */
function nodeSamples(uuids: readonly string[], offset: number, busyW: number, pod: string): string {
  const busy = (t: number) => t >= T0 + 1 && t <= T0 + 19;
  const gpu = [0, 1].flatMap((g) =>
    everySecond(T0, T0 + 20).map(({ t }) =>
      busy(t + offset) ? { t: t + offset, gpu: g, powerW: busyW, smMHz: 1710 } : { t: t + offset, gpu: g, powerW: 60, smMHz: 210, util: 0 },
    ),
  );
  const procs = everySecond(T0, T0 + 20)
    .filter((r) => busy(r.t + offset))
    .flatMap((r) => uuids.map((uuid, i) => ({ t: r.t + offset, uuid, pid: 100 + i, pod })));
  return samplesText({ uuids, gpu, procs });
}

/** Two trials on both nodes, in 2-8 s and 12-18 s after T0. */
const ddpResult = (): WorkloadResult => ({
  id: "ddp",
  kind: "resnet50",
  parameters: { distributed: true, nodes: 2 },
  status: "ok",
  metrics: [],
  trials: [
    { trial: 1, images: 1200, window_start_unix: T0 + 2, window_end_unix: T0 + 8, distributed: true, nodes: 2 },
    { trial: 2, images: 1200, window_start_unix: T0 + 12, window_end_unix: T0 + 18, distributed: true, nodes: 2 },
  ],
  startedAt: "2026-12-06T03:00:00.000Z",
  endedAt: "2026-12-06T03:05:00.000Z",
});
const node0Text = nodeSamples(NODE0, 0, 200, "rn50-ddp-0");
const node1Text = nodeSamples(NODE1, 0.5, 250, "rn50-ddp-1");

describe("which workloads span the nodes", () => {
  it("are the all-reduce, distributed ResNet50 and vLLM over Ray; one node never spans", () => {
    expect(["ddp", "rn50", "ar", "pp", "one"].map((id) => spansNodes(byId(id), 2))).toEqual([true, false, true, true, false]);
    expect(spansNodes(ddp, 1)).toBe(false);
  });
});

describe("several nodes' samples merged", () => {
  it("number node 1's GPUs after node 0's, keep every UUID, and interleave the samples in time", () => {
    const { samples, gpus } = mergeNodeSamples([parseSamples(node0Text)!, parseSamples(node1Text)!]);
    expect(gpus).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect([...samples.uuids]).toEqual([
      [0, NODE0[0]],
      [1, NODE0[1]],
      [2, NODE1[0]],
      [3, NODE1[1]],
    ]);
    expect(samples.gpu.filter((s) => s.t >= T0 + 15 && s.t < T0 + 16).map((s) => [s.t - T0, s.gpu, s.powerW])).toEqual([
      [15, 0, 200],
      [15, 1, 200],
      [15.5, 2, 250],
      [15.5, 3, 250],
    ]);
    expect(samples.procs.length).toBe(parseSamples(node0Text)!.procs.length + parseSamples(node1Text)!.procs.length);
  });
});

describe("the energy of a workload across nodes, every node sampled", () => {
  const both = mergeNodeSamples([parseSamples(node0Text)!, parseSamples(node1Text)!]);
  const nodes = {
    count: 2,
    sampled: [
      { node: 0, gpus: [0, 1] },
      { node: 1, gpus: [2, 3] },
    ],
  };
  const result = attachTelemetry(ddpResult(), ddp, both.samples, { nodes });

  it("sums every node's GPUs in each window, their samplers' ticks apart", () => {
    for (const w of result.telemetryDetail!.windows) expect(w.energyJoules).toBeCloseTo(6 * (2 * 200 + 2 * 250), 6);
    expect(result.telemetry!.energyJoules).toBeCloseTo(10_800, 6);
    // Mean and peak of the same sum: the four GPUs together.
    expect(result.telemetry!.powerWatts).toEqual({ mean: 900, max: 900 });
    expect(result.telemetry).toMatchObject({ valid: true, smClockMHz: { median: 1710 }, foreignProcesses: 0 });
    expect(result.telemetryDetail!.nodes).toEqual(nodes);
  });

  it("gives energy per image over all of each trial's images", () => {
    const perImage = result.metrics.find((m) => m.name === "joules_per_image")!;
    expect(perImage.trials).toHaveLength(2);
    for (const v of perImage.trials) expect(v).toBeCloseTo(5400 / 1200, 9);
  });

  it("counts the sampled nodes' share of the images when a node's sampler failed", () => {
    const node0Only = mergeNodeSamples([parseSamples(node0Text)!]);
    const partial = attachTelemetry(ddpResult(), ddp, node0Only.samples, { nodes: { count: 2, sampled: [{ node: 0, gpus: [0, 1] }] } });
    const perImage = partial.metrics.find((m) => m.name === "joules_per_image")!;
    // Node 0's 2,400 J per window over its half of the 1,200 images.
    for (const v of perImage.trials) expect(v).toBeCloseTo(2400 / 600, 9);
  });
});

describe("runWithTelemetry on two nodes", () => {
  /** A node whose sampler starts (or not) and stops with `text`; records its steps. */
  function fakeNode(text: string, starts = true) {
    const steps: string[] = [];
    const ok = (stdout: string): RemoteResult => ({ commandId: "c", status: "Success", exitCode: 0, stdout, stderr: "", durationMs: 1 });
    const remote: RunRemote = async (script: RemoteScript) => {
      steps.push(script.name);
      if (script.name.startsWith("telemetry-start-"))
        return ok(
          `${TELEMETRY_START_MARK}${JSON.stringify(starts ? { started: true, source: "nvidia-smi", intervalMs: 1000 } : { started: false, intervalMs: 0, reason: "nvidia-smi failed" })}\n`,
        );
      if (script.name.startsWith("telemetry-stop-"))
        return ok(
          text
            .split("\n")
            .filter(Boolean)
            .map((l) => `${TELEMETRY_SAMPLE_MARK}${l}`)
            .join("\n"),
        );
      throw new Error(`unexpected step ${script.name}`);
    };
    return { remote, steps };
  }

  async function run(node1: ReturnType<typeof fakeNode>) {
    const node0 = fakeNode(node0Text);
    const stored: string[] = [];
    const log = new MemoryLog();
    const result = await runWithTelemetry(
      node0.remote,
      ddp,
      { log, clock: instantClock(), cluster: { nodes: 2, gpusPerNode: 2 } },
      {
        intervalSeconds: 1,
        otherNodes: [node1.remote],
        store: async (id) => {
          stored.push(id);
          return `s3://b/runs/1-1/telemetry/${id}.csv`;
        },
      },
      async () => ddpResult(),
    );
    return { result, log: log.lines.join("\n"), stored, node0 };
  }

  it("samples both nodes, stores each node's samples and reports every node's GPUs", async () => {
    const node1 = fakeNode(node1Text);
    const { result, log, stored, node0 } = await run(node1);
    expect(node0.steps).toEqual(["telemetry-start-telemetry-ddp", "telemetry-stop-telemetry-ddp"]);
    expect(node1.steps).toEqual(["telemetry-start-telemetry-ddp", "telemetry-stop-telemetry-ddp"]);
    expect(stored.sort()).toEqual(["ddp", "ddp.node-1"]);
    expect(result.telemetryDetail).toMatchObject({
      samplesUri: "s3://b/runs/1-1/telemetry/ddp.csv",
      nodes: {
        count: 2,
        sampled: [
          { node: 0, gpus: [0, 1], samplesUri: "s3://b/runs/1-1/telemetry/ddp.csv" },
          { node: 1, gpus: [2, 3], samplesUri: "s3://b/runs/1-1/telemetry/ddp.node-1.csv" },
        ],
      },
    });
    expect(result.telemetry!.energyJoules).toBeCloseTo(10_800, 6);
    expect(log).toContain("ddp: GPU telemetry on node 1 from nvidia-smi every 1000 ms");
    expect(log).toMatch(/ddp: GPU .* J in the timed windows, SM clock median 1,710 MHz \(\d+ samples on 2 nodes\)/);
  });

  it("leaves out a node whose sampler did not start, says so, and counts the sampled node's share", async () => {
    const node1 = fakeNode(node1Text, false);
    const { result, log } = await run(node1);
    expect(node1.steps).toEqual(["telemetry-start-telemetry-ddp"]);
    expect(log).toContain("ddp: no GPU telemetry on node 1: nvidia-smi failed");
    expect(log).toContain(
      "ddp: the GPU telemetry leaves out node 1: its energy is not counted, and energy per unit of work counts the sampled nodes' share of the work",
    );
    expect(result.telemetryDetail!.nodes).toEqual({
      count: 2,
      sampled: [{ node: 0, gpus: [0, 1], samplesUri: "s3://b/runs/1-1/telemetry/ddp.csv" }],
    });
    expect(result.telemetry!.energyJoules).toBeCloseTo(4800, 6);
  });

  it("leaves out a node whose sampler left a header but no GPU rows (nvidia-smi failing after it started)", async () => {
    const node1 = fakeNode(samplesText({ uuids: NODE1, gpu: [] }));
    const { result, log } = await run(node1);
    expect(node1.steps).toEqual(["telemetry-start-telemetry-ddp", "telemetry-stop-telemetry-ddp"]);
    expect(log).toContain("ddp: the GPU telemetry sampler on node 1 left no samples");
    expect(result.telemetryDetail!.nodes!.sampled.map((n) => n.node)).toEqual([0]);
    const perImage = result.metrics.find((m) => m.name === "joules_per_image")!;
    for (const v of perImage.trials) expect(v).toBeCloseTo(2400 / 600, 9);
  });

  it("a workload on node 0 alone samples node 0 alone", async () => {
    const node0 = fakeNode(node0Text);
    const node1 = fakeNode(node1Text);
    const rn50 = byId("rn50");
    const result = await runWithTelemetry(
      node0.remote,
      rn50,
      { log: new MemoryLog(), clock: instantClock(), cluster: { nodes: 2, gpusPerNode: 2 } },
      { intervalSeconds: 1, otherNodes: [node1.remote] },
      async () => ({ ...ddpResult(), id: "rn50", parameters: {}, trials: ddpResult().trials.slice(0, 1) }),
    );
    expect(node1.steps).toEqual([]);
    expect(result.telemetryDetail!.nodes).toBeUndefined();
    expect(WorkloadResult.parse(result).telemetry).toBeDefined();
  });
});
