import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Results } from "../../src/evidence/results.js";
import type { StandIn } from "../../stand-in/index.js";
import { lifecycle, runInstances, useLifecycleStandIn } from "./lifecycle-stand-in.js";

// Real gloo work on the CPU: SSM limits in real seconds (see useLifecycleStandIn).
let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s), { executionSecondMs: 1000 });

describe("a distributed suite on two nodes, the bundles run as the runner runs them", () => {
  // Two nodes' bootstrap, three torchrun Jobs and eight telemetry steps (both workloads, both nodes): ~45 s on an idle 2-core machine.
  it(
    "measures all-reduce bus bandwidth and DDP scaling across both nodes, reports them, and terminates both",
    { timeout: 240_000 },
    async () => {
      const r = await lifecycle(standIn, { suite: "test/fixtures/suites/multi-node-distributed.yaml" });
      expect(r.mainExit.code, r.mainLog).toBe(0);
      const results = Results.parse(JSON.parse(readFileSync(r.job.outputs()["results-path"]!, "utf8")));
      const launched = runInstances(standIn, r.job.runId);
      expect(launched).toHaveLength(2);
      expect(results.nodes?.map((n) => n.instance)).toEqual(launched.map((i) => i.id));

      // The all-reduce: a bus bandwidth per message size of the sweep, over 2 ranks on 2 nodes.
      const allreduce = results.workloads.find((w) => w.id === "allreduce")!;
      expect(allreduce, JSON.stringify(allreduce)).toMatchObject({ kind: "nccl-allreduce", status: "ok" });
      const bus = allreduce.metrics.filter((m) => m.name.startsWith("bus_bandwidth_gbps@"));
      expect(bus.map((m) => m.name)).toEqual(["bus_bandwidth_gbps@4096B", "bus_bandwidth_gbps@16384B"]);
      for (const m of bus) {
        expect(m.unit).toBe("GB/s");
        expect(m.summary.median).toBeGreaterThan(0);
      }
      expect(allreduce.trials.every((t) => t.ranks === 2)).toBe(true);

      // DDP ResNet50: node 0 alone, then both nodes; the efficiency from the same run.
      const ddp = results.workloads.find((w) => w.id === "resnet50-ddp")!;
      expect(ddp, JSON.stringify(ddp)).toMatchObject({
        kind: "resnet50",
        status: "ok",
        parameters: { distributed: true, nodes: 2, gpusPerNode: 1, worldSize: 2 },
      });
      const efficiency = ddp.metrics.find((m) => m.name === "scaling_efficiency")!;
      expect(efficiency.unit).toBe("fraction");
      expect(efficiency.summary.median).toBeGreaterThan(0);
      expect(efficiency.summary.median).toBeLessThanOrEqual(1.5);
      expect(ddp.metrics.find((m) => m.name === "images_per_sec_one_node")!.summary.median).toBeGreaterThan(0);

      // GPU telemetry from both nodes, each node's samples beside the raw results, summed.
      expect(ddp.telemetryDetail?.nodes).toMatchObject({
        count: 2,
        sampled: [
          { node: 0, gpus: [0], samplesUri: expect.stringMatching(/\/telemetry\/resnet50-ddp\.csv$/) },
          { node: 1, gpus: [1], samplesUri: expect.stringMatching(/\/telemetry\/resnet50-ddp\.node-1\.csv$/) },
        ],
      });
      expect(ddp.telemetry?.energyJoules).toBeGreaterThan(0);
      // The all-reduce prints no timed windows: both nodes' raw samples are stored, with no summary.
      expect(allreduce.telemetry).toBeUndefined();
      const node1Samples = ddp.telemetryDetail!.nodes!.sampled[1]!.samplesUri!.replace("resnet50-ddp.node-1.csv", "allreduce.node-1.csv");
      const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(node1Samples)!;
      expect(standIn.getText(bucket!, key!)).toMatch(/^# gpu-bench-telemetry v1 source=nvidia-smi/);
      expect(ddp.metrics.find((m) => m.name === "joules_per_image")!.summary.median).toBeGreaterThan(0);

      // The evidence: the bandwidth table and its chart, the scaling table.
      const evidence = readFileSync(r.job.outputs()["evidence-path"]!, "utf8");
      expect(evidence).toContain("#### allreduce: all-reduce bandwidth by message size");
      expect(evidence).toMatch(/\| Message size \| Bytes \| Time \(µs\) \| Algorithm bandwidth \(GB\/s\) \| Bus bandwidth \(GB\/s\) \|/);
      expect(evidence).toMatch(
        /\| 4 KiB \| 4096 \| [\d.,]+ \| [\d.,]+ \| [\d.,]+ \|\n\| 16 KiB \| 16384 \| [\d.,]+ \| [\d.,]+ \| [\d.,]+ \|/,
      );
      expect(evidence).toMatch(/```mermaid\n[^`]*xychart[^`]*All-reduce bus bandwidth \(GB\/s\) by message size[^`]*```/);
      expect(evidence).toContain("#### resnet50-ddp: distributed training throughput and scaling");
      expect(evidence).toMatch(/#### resnet50-ddp: GPU telemetry[^#]*every node's GPUs \(2 nodes\), summed/);
      expect(evidence).toMatch(/\| 1 \| 1 \| [\d.,]+ \| [\d.,]+ \| 1 \(the baseline\) \|\n\| 2 \| 2 \| [\d.,]+ \| [\d.,]+ \| [\d.]+ \|/);

      // Both nodes terminated by main; nothing of another run touched.
      for (const i of runInstances(standIn, r.job.runId)) expect(["shutting-down", "terminated"], i.id).toContain(i.state);
      expect(r.alive).toEqual([]);
      expect(r.overTerminated).toEqual([]);
      expect(r.postLog).toMatch(/Nothing to clean up: main terminated i-\w+, i-\w+/);
    },
  );
});
