import { describe, expect, it } from "vitest";
import { loadSuite, type LlmServingWorkload } from "../../src/config/suite.js";
import { WorkloadResult } from "../../src/evidence/results.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { planServerDown, planServerUp } from "../../src/workloads/llm.js";
import { MARK, ServerOutcome, lastMarked } from "../../src/workloads/output.js";
import { runWorkload, workloadImages } from "../../src/workloads/run.js";
import { useStandInCluster } from "../support/stand-in-cluster.js";

// One vLLM model served across two stand-in instances that form one k3s cluster, pipeline parallel
// over Ray: the head pod on the server runs `ray start --head`, the worker pod on the agent joins it
// with `ray start --address=<head's DNS name>:6379 --block` through the stand-in's cluster DNS, and
// the emulated `vllm serve --pipeline-parallel-size 2 --distributed-executor-backend ray` starts only
// once Ray counts both nodes' GPUs; the benchmark then runs against the head's API Service.
const suite = loadSuite(
  `version: 1
name: two-nodes-vllm
nodes: 2
workloads:
  - id: pp
    kind: llm-serving
    model: Qwen/Qwen2.5-0.5B-Instruct
    tensorParallelSize: 1
    pipelineParallelSize: 2
    requestRates: [4]
    maxThroughput: false
    numPrompts: 8
    inputLen: 16
    outputLen: 8
    maxModelLen: 128
    rayJoinTimeoutMinutes: 1
    serverStartTimeoutMinutes: 1
    benchTimeoutMinutes: 2
`,
  {},
);
const [pp] = suite.workloads as [LlmServingWorkload];
const { server, agent, sh, podsRanOn } = useStandInCluster({
  prefix: "two-nodes-vllm-",
  images: workloadImages(suite),
  env: { STUB_LATENCY_SCALE: "0.01", POLL_SECONDS: "0.2" },
});
const cluster = { nodes: 2, gpusPerNode: 1 };
const placement = { layout: { kind: "ray", tensorParallelSize: 1, pipelineParallelSize: 2, nodes: 2 } as const, gpusPerNode: 1 };

/** Starts the server from `script` (planServerUp's, edited by the test), returns its outcome and log, and always stops it. */
async function upThenDown(script: ReturnType<typeof planServerUp>) {
  try {
    const up = await server.remote(script);
    return { outcome: lastMarked(up.stdout, MARK.server, ServerOutcome), stderr: up.stderr, stdout: up.stdout };
  } finally {
    await server.remote(planServerDown(pp, "gpu-bench", placement.layout));
  }
}

describe("vLLM across two stand-in nodes (pipeline parallel over Ray)", () => {
  it("forms a Ray cluster of both nodes, serves one model across them and benchmarks the head's endpoint", async () => {
    const log = new MemoryLog();
    const result = WorkloadResult.parse(await runWorkload(server.remote, pp, { log, clock: systemClock, cluster }));
    expect(result, result.message).toMatchObject({
      kind: "llm-serving",
      status: "ok",
      parameters: {
        tensorParallelSize: 1,
        pipelineParallelSize: 2,
        nodes: 2,
        gpusPerNode: 1,
        executor: "ray",
        rayNodes: 2,
        rayGpus: 2,
      },
    });
    expect(result.parameters.rayJoinSeconds).toBeGreaterThanOrEqual(0);
    expect(result.metrics.map((m) => m.name)).toContain("output_throughput@4rps");
    expect(result.trials).toHaveLength(1);
    expect(log.lines.join("\n")).toMatch(/pp: vLLM server ready in \d+s \(.*TP 1 × PP 2 over Ray on 2 nodes \(2 nodes, 2 GPUs joined/);
    // Pod 0 (head, API server, and the benchmark's client) on the server; pod 1, the Ray worker, on the agent.
    expect(podsRanOn(agent)).toEqual(["gpu-bench_vllm-pp-1"]);
    expect(podsRanOn(server)).toEqual(expect.arrayContaining(["gpu-bench_vllm-pp-0"]));
    // Nothing of the server is left: the GPUs of both nodes are free for the next workload.
    expect((await sh(server, "kubectl -n gpu-bench get jobs,deployments,configmaps,services,pods -o name")).trim()).toBe("");
  }, 240_000);

  it("vLLM waits for a placement group bigger than the cluster and fails as vLLM does (TP × PP above the GPUs)", async () => {
    // What the product's own check refuses before any pod starts (checkLayoutGpus), sent anyway:
    // 2 × 2 = 4 GPU bundles on a cluster of 2. PG_WAIT_TIMEOUT is 1800 s × STUB_LATENCY_SCALE here.
    const script = planServerUp(pp, "auto", "gpu-bench", undefined, placement);
    const manifest = script.files![0]!;
    const edited = manifest.content.replace('"--tensor-parallel-size","1"', '"--tensor-parallel-size","2"');
    expect(edited).not.toBe(manifest.content);
    const { outcome, stderr } = await upThenDown({ ...script, files: [{ ...manifest, content: edited }, ...script.files!.slice(1)] });
    expect(outcome?.outcome).toBe("crashed");
    expect(stderr).toContain("Waiting for creating a placement group of specs");
    expect(stderr).toMatch(/ValueError: Cannot provide a placement group of placement_group_specs=\[.*\] within 1800 seconds/);
  }, 240_000);

  it("the head gives up when a worker never joins, naming how many nodes did", async () => {
    // The agent's GPU is taken, so the worker pod cannot be scheduled; the join bound is cut to 3 s.
    await sh(
      server,
      `kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Pod
metadata: { name: gpu-holder, namespace: default }
spec:
  nodeName: ${agent.name}
  runtimeClassName: nvidia
  containers:
    - { name: hold, image: "nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04", command: [sleep, "600"], resources: { limits: { nvidia.com/gpu: 1 } } }
EOF`,
    );
    try {
      const script = planServerUp(pp, "auto", "gpu-bench", undefined, placement);
      const manifest = script.files![0]!;
      const edited = manifest.content.replace(/(name: RAY_JOIN_TIMEOUT_SECONDS\s+value: )"60"/, '$1"3"');
      expect(edited).not.toBe(manifest.content);
      const { outcome, stderr } = await upThenDown({ ...script, files: [{ ...manifest, content: edited }, ...script.files!.slice(1)] });
      expect(outcome?.outcome).toBe("crashed");
      expect(stderr).toMatch(/the Ray cluster has 1 of 2 nodes after 3 s/);
    } finally {
      await sh(server, "kubectl -n default delete pod gpu-holder --ignore-not-found >/dev/null");
    }
  }, 240_000);
});
