import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { SuiteError, loadSuite, type ResNet50Workload } from "../../src/config/suite.js";
import type { WorkloadResult } from "../../src/evidence/results.js";
import { parseSamples } from "../../src/node/telemetry-samples.js";
import { metric } from "../../src/workloads/output.js";
import { attachTelemetry } from "../../src/workloads/telemetry.js";
import { everySecond, samplesText } from "../support/telemetry-samples.js";
import { ncclTransport } from "../../src/workloads/nccl-network.js";
import { distributedResNet50Result, planDistributedResNet50, scalingEfficiency } from "../../src/workloads/resnet50-distributed.js";
import { RemoteScriptError, type RemoteResult, type RemoteScript } from "../../src/cloud/remote-script.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { runWorkload } from "../../src/workloads/run.js";
import { samplerBackstopSeconds } from "../../src/workloads/telemetry.js";
import { instantClock } from "../support/fakes.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function workload(extra = ""): ResNet50Workload {
  return loadSuite(`version: 1\nname: t\nworkloads:\n  - { id: ddp, kind: resnet50, distributed: true, steps: 10${extra} }\n`, {})
    .workloads[0] as ResNet50Workload;
}

describe("scaling efficiency", () => {
  it("is N-node images/s ÷ (N × the one-node median), per N-node trial", () => {
    // One node: 1000, 1010, 990 images/s (median 1000); four nodes: 3600 and 3800.
    expect(scalingEfficiency([3600, 3800], [1000, 1010, 990], 4)).toEqual([0.9, 0.95]);
    expect(scalingEfficiency([2000], [1000], 2)).toEqual([1]);
    expect(scalingEfficiency([2000], [], 2)).toEqual([]);
    expect(() => scalingEfficiency([1], [1], 0)).toThrow(RangeError);
  });
});

describe("the distributed ResNet50 Job", () => {
  it("runs resnet50.py --distributed under torchrun, one Indexed Job per node count", () => {
    const plan = planDistributedResNet50(workload(), { nodes: 4, gpusPerNode: 8 });
    expect(plan.jobName).toBe("rn50-ddp-n4");
    const manifest = plan.script.files!.find((f) => f.path === "manifest.yaml")!.content;
    const job = parseAllDocuments(manifest).map((d) => d.toJS() as Obj)[3]!;
    expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 4, parallelism: 4 });
    const c = job.spec.template.spec.containers[0];
    expect(c.args[0]).toBe("/workload/resnet50.py");
    expect(c.args.at(-1)).toBe("--distributed");
    expect(c.resources.limits["nvidia.com/gpu"]).toBe(8);
    expect(planDistributedResNet50(workload(), { nodes: 1, gpusPerNode: 8 }).jobName).toBe("rn50-ddp-n1");
  });

  it("with epochs, each rank takes its share of an epoch: steps = epochs × imagesPerEpoch ÷ (batchSize × every GPU)", () => {
    const w = loadSuite(
      "version: 1\nname: t\nworkloads:\n  - { id: ddp, kind: resnet50, distributed: true, epochs: 2, imagesPerEpoch: 12800, batchSize: 128 }\n",
      {},
    ).workloads[0] as ResNet50Workload;
    const steps = (nodes: number, gpusPerNode: number) => {
      const manifest = planDistributedResNet50(w, { nodes, gpusPerNode }).script.files!.find((f) => f.path === "manifest.yaml")!.content;
      const args = (parseAllDocuments(manifest).map((d) => d.toJS() as Obj)[3]!.spec.template.spec.containers[0].args as string[]).map(
        String,
      );
      return Number(args[args.indexOf("--steps") + 1]);
    };
    // 2 epochs of 12,800 images at 128 per GPU: 200 steps on one GPU, 25 over 2 nodes × 4 GPUs, 50 on the one-node baseline of 4.
    expect(steps(2, 4)).toBe(25);
    expect(steps(1, 4)).toBe(50);
    const failed = {
      id: "ddp",
      kind: "resnet50",
      parameters: { steps: 200 },
      status: "failed",
      metrics: [],
      trials: [],
      startedAt: "",
      endedAt: "",
    };
    expect(distributedResNet50Result(w, { nodes: 2, gpusPerNode: 4 }, undefined, failed as WorkloadResult).parameters.steps).toBe(25);
  });

  it("needs mode: train, and no faults, findMaxBatch or compile", () => {
    expect(() => workload(", mode: inference")).toThrow(/distributed: true needs mode: train/);
    let error: unknown;
    try {
      workload(", compile: true");
    } catch (e) {
      error = e;
    }
    expect((error as SuiteError).problems.join("\n")).toMatch(/distributed: true runs without faults, findMaxBatch or compile/);
  });
});

describe("the distributed ResNet50 result", () => {
  const run = (ips: number[], status: WorkloadResult["status"] = "ok"): WorkloadResult => ({
    id: "ddp",
    kind: "resnet50",
    parameters: { mode: "train", batchSize: 64 },
    status,
    ...(status === "ok" ? {} : { message: "2 of 3 trials finished" }),
    metrics: [metric({ name: "images_per_sec", label: "Throughput", unit: "images/s", direction: "higher", headline: true }, ips)],
    trials: ips.map((v, i) => ({ trial: i + 1, images_per_sec: v, world_size: 16 })),
    startedAt: "2026-12-06T03:00:00.000Z",
    endedAt: "2026-12-06T03:05:00.000Z",
  });

  it("has the N-node metrics, the one-node throughput and the scaling efficiency, per trial too", () => {
    const r = distributedResNet50Result(workload(), { nodes: 2, gpusPerNode: 8 }, run([5000, 5200, 4800]), run([9000, 9500, 10000]));
    expect(r.parameters).toMatchObject({ distributed: true, nodes: 2, gpusPerNode: 8, worldSize: 16 });
    expect(r.metrics.map((m) => m.name)).toEqual(["images_per_sec", "images_per_sec_one_node", "scaling_efficiency"]);
    expect(r.metrics[2]!.trials).toEqual([0.9, 0.95, 1]);
    expect(r.trials[1]).toMatchObject({ one_node_images_per_sec: 5000, scaling_efficiency: 0.95 });
  });

  it("carries the network of the N-node run on each trial; with EFA pods, says when NCCL used TCP sockets instead", () => {
    const efa = {
      devicesPerNode: 4,
      libfabricHome: "/opt/amazon/efa",
      ofiNcclHome: "/opt/amazon/ofi-nccl",
      libraryPath: "/opt/amazon/efa/lib:/opt/amazon/ofi-nccl/lib",
      deviceRdma: true,
    };
    // NCCL's own lines (NVIDIA/nccl#1597, 2 × p5en; a container without the plugin, NCCL 2.21.5).
    const onEfa = ncclTransport("8h200-2:6831:6840 [0] NCCL INFO Using network Libfabric")!;
    const used = distributedResNet50Result(workload(), { nodes: 2, gpusPerNode: 8, efa }, run([5000]), run([9000]), onEfa);
    expect(used.message).toBeUndefined();
    expect(used.trials[0]).toMatchObject({
      transport: "efa",
      transport_evidence: "8h200-2:6831:6840 [0] NCCL INFO Using network Libfabric",
    });
    const sockets = ncclTransport(
      "0fed198eb8ba:528157:528157 [0] NCCL INFO NET/Plugin: No plugin found (libnccl-net.so)\n0fed198eb8ba:528157:528268 [0] NCCL INFO Using network Socket",
    )!;
    const fell = distributedResNet50Result(workload(), { nodes: 2, gpusPerNode: 8, efa }, run([5000]), run([9000]), sockets);
    expect(fell.status).toBe("ok");
    expect(fell.message).toMatch(
      /^the pods had 4 EFA device\(s\) each and the AWS OFI NCCL plugin from \/opt\/amazon\/ofi-nccl, but NCCL used TCP sockets between the nodes \(.*No plugin found \(libnccl-net\.so\);.*Using network Socket\)$/,
    );
    expect(fell.trials[0]!.transport).toBe("socket");
    // Without EFA pods the network is recorded, and nothing more is said.
    expect(distributedResNet50Result(workload(), { nodes: 2, gpusPerNode: 8 }, run([5000]), run([9000]), sockets).message).toBeUndefined();
  });

  it("fails when the one-node baseline failed, saying so", () => {
    const r = distributedResNet50Result(workload(), { nodes: 2, gpusPerNode: 8 }, run([5000], "failed"), run([9000]));
    expect(r.status).toBe("failed");
    expect(r.message).toBe("the one-node run, the scaling baseline, ended failed: 2 of 3 trials finished");
  });
});

describe("the energy of a distributed run", () => {
  it("is node 0's energy over node 0's share of the images: its GPUs are the ones sampled", () => {
    const T0 = 1_741_572_000;
    // One GPU at 200 W for 10 s: 2000 J in the trial's window.
    const samples = parseSamples(samplesText({ gpu: everySecond(T0, T0 + 12, () => ({ powerW: 200 })) }))!;
    const trial = { trial: 1, images: 1000, window_start_unix: T0 + 1, window_end_unix: T0 + 11 };
    const result = (extra: Record<string, unknown>): WorkloadResult => ({
      id: "ddp",
      kind: "resnet50",
      parameters: {},
      status: "ok",
      metrics: [],
      trials: [{ ...trial, ...extra }],
      startedAt: "2026-12-06T03:00:00.000Z",
      endedAt: "2026-12-06T03:05:00.000Z",
    });
    const perImage = (r: WorkloadResult) => r.metrics.find((m) => m.name === "joules_per_image")!.summary.median;
    const one = perImage(attachTelemetry(result({}), workload(), samples));
    const two = perImage(attachTelemetry(result({ distributed: true, nodes: 2 }), workload(), samples));
    // Two nodes: node 0 trained 500 of the 1000 images with the energy it was sampled spending.
    expect(two).toBeCloseTo(2 * one, 9);
    expect(one).toBeGreaterThan(1.5);
  });
});

describe("a distributed run whose step fails", () => {
  /** A node whose every telemetry step succeeds (printing nothing) and whose workload steps `workload` answers; records the steps. */
  const node = (workload: (script: RemoteScript) => Promise<RemoteResult>) => {
    const steps: RemoteScript[] = [];
    const remote = async (script: RemoteScript): Promise<RemoteResult> => {
      steps.push(script);
      if (script.name.startsWith("telemetry-"))
        return { commandId: "t", status: "Success", exitCode: 0, stdout: "", stderr: "", durationMs: 1 };
      return workload(script);
    };
    return { remote, steps };
  };
  const ctx = (log = new MemoryLog()) => ({
    log,
    clock: instantClock(),
    cluster: { nodes: 2, gpusPerNode: 1 },
    telemetry: { intervalSeconds: 1 },
  });

  it("a one-node step that fails on the node is a failed workload, not an exception, and the N-node step is never sent", async () => {
    const { remote, steps } = node(async (script) => {
      throw new RemoteScriptError(script.name, {
        commandId: "c",
        status: "Failed",
        exitCode: 1,
        stdout: "",
        stderr: "RuntimeError: Connection reset by peer",
        durationMs: 5,
      });
    });
    const log = new MemoryLog();
    const result = await runWorkload(remote, workload(), ctx(log));
    expect(result).toMatchObject({
      id: "ddp",
      kind: "resnet50",
      status: "failed",
      metrics: [],
      parameters: { distributed: true, nodes: 2 },
    });
    expect(result.message).toMatch(
      /^the one-node run, the scaling baseline, ended failed: Step 'workload-ddp-1-node' on the instance ended Failed with exit code 1\n[^]*Connection reset by peer/,
    );
    expect(steps.filter((s) => s.name.startsWith("workload-")).map((s) => s.name)).toEqual(["workload-ddp-1-node"]);
    expect(log.lines.join("\n")).toMatch(/ddp: failed: the one-node run/);
  });

  it("output that does not read (a record against the script's schema) is a failed workload too", async () => {
    const { remote } = node(async () => ({
      commandId: "c",
      status: "Success",
      exitCode: 0,
      stdout: 'GPU_BENCH_JSON {"record":"trial","status":"ok","images_per_sec":"fast"}',
      stderr: "",
      durationMs: 5,
    }));
    const result = await runWorkload(remote, workload(), ctx());
    expect(result.status).toBe("failed");
    expect(result.message).toMatch(/resnet50\.py printed a record that does not match its schema/);
  });

  it("an error of the run itself (cancelled) is thrown, not turned into a failed result, single-node or distributed", async () => {
    const cancelled = async (): Promise<RemoteResult> => {
      throw new DOMException("The run was cancelled", "AbortError");
    };
    await expect(runWorkload(node(cancelled).remote, workload(), ctx())).rejects.toThrow("The run was cancelled");
    const single = loadSuite("version: 1\nname: t\nworkloads:\n  - { id: rn, kind: resnet50, steps: 10 }\n", {})
      .workloads[0] as ResNet50Workload;
    await expect(runWorkload(node(cancelled).remote, single, { log: new MemoryLog(), clock: instantClock() })).rejects.toThrow(
      "The run was cancelled",
    );
  });
});

describe("the telemetry sampler's backstop", () => {
  it("covers both of a distributed ResNet50's Jobs (one node, then all), each up to timeoutMinutes: twice the single-node limit", () => {
    const one = loadSuite("version: 1\nname: t\nworkloads:\n  - { id: rn, kind: resnet50, timeoutMinutes: 30 }\n", {})
      .workloads[0] as ResNet50Workload;
    // The workload's own limits plus 30 min of margin, in seconds.
    expect(samplerBackstopSeconds(one)).toBe(30 * 60 + 1800);
    expect(samplerBackstopSeconds(workload(", timeoutMinutes: 30"))).toBe(2 * 30 * 60 + 1800);
  });

  it("is what the sampler's start step is given for a distributed run", async () => {
    const steps: RemoteScript[] = [];
    const remote = async (script: RemoteScript): Promise<RemoteResult> => {
      steps.push(script);
      if (script.name.startsWith("telemetry-"))
        return { commandId: "t", status: "Success", exitCode: 0, stdout: "", stderr: "", durationMs: 1 };
      throw new RemoteScriptError(script.name, { commandId: "c", status: "Failed", exitCode: 1, stdout: "", stderr: "", durationMs: 1 });
    };
    await runWorkload(remote, workload(", timeoutMinutes: 45"), {
      log: new MemoryLog(),
      clock: instantClock(),
      cluster: { nodes: 2, gpusPerNode: 1 },
      telemetry: { intervalSeconds: 1 },
    });
    expect(steps.find((s) => s.name.startsWith("telemetry-start-"))!.env).toMatchObject({ MAX_SECONDS: String(2 * 45 * 60 + 1800) });
  });
});
