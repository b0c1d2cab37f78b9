import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import {
  SuiteError,
  checkLayoutGpus,
  checkLayoutsForTypes,
  hasParallelLayout,
  loadSuite,
  servingLayout,
  suiteHash,
  type LlmServingWorkload,
} from "../../src/config/suite.js";
import { layoutParameters, planServerDown, planServerUp, runLlmServing, serverArgs } from "../../src/workloads/llm.js";
import type { RemoteScript } from "../../src/cloud/remote-script.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import type { WorkloadResult } from "../../src/evidence/results.js";
import { parseSamples } from "../../src/node/telemetry-samples.js";
import { attachTelemetry } from "../../src/workloads/telemetry.js";
import { everySecond, samplesText } from "../support/telemetry-samples.js";

// vLLM across nodes (issue 14): the layout fields, what the suite refuses before launch, the Ray
// cluster's manifests, and the layout in results.
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const docs = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj);

function problems(text: string): string[] {
  try {
    loadSuite(text, {});
  } catch (error) {
    expect(error).toBeInstanceOf(SuiteError);
    return (error as SuiteError).problems;
  }
  throw new Error("expected the suite to be rejected");
}

const suiteText = (nodes: number | undefined, fields: string) =>
  `version: 1\nname: x\n${nodes ? `nodes: ${nodes}\n` : ""}workloads:\n  - {id: m, kind: llm-serving${fields ? `, ${fields}` : ""}}\n`;
const workload = (nodes: number | undefined, fields: string) => loadSuite(suiteText(nodes, fields), {}).workloads[0] as LlmServingWorkload;

describe("the serving layout of an llm-serving workload", () => {
  it("one GPU without the fields (the suite keeps its hash), TP on one node, Ray across nodes", () => {
    expect(servingLayout(workload(2, ""), 2)).toEqual({ kind: "single" });
    expect(suiteHash(loadSuite(suiteText(undefined, ""), {}))).toBe(suiteHash(loadSuite(suiteText(undefined, ""), {})));
    expect(workload(undefined, "")).not.toHaveProperty("rayJoinTimeoutMinutes");
    expect(servingLayout(workload(undefined, "tensorParallelSize: 4"), 1)).toEqual({ kind: "node", tensorParallelSize: 4 });
    expect(servingLayout(workload(2, "tensorParallelSize: 4, pipelineParallelSize: 2"), 2)).toEqual({
      kind: "ray",
      tensorParallelSize: 4,
      pipelineParallelSize: 2,
      nodes: 2,
    });
    // Tensor parallel across nodes is a Ray layout too.
    expect(servingLayout(workload(2, "tensorParallelSize: 2"), 2)).toMatchObject({ kind: "ray", pipelineParallelSize: 1 });
  });

  it("refuses before launch what the suite alone shows cannot fit, naming the field and the fix", () => {
    expect(problems(suiteText(undefined, "pipelineParallelSize: 2"))).toEqual([
      "workloads[0].pipelineParallelSize (line 4): 2 pipeline stages are served one per node over Ray, and this suite has one node: " +
        "set the suite's 'nodes: 2', or remove pipelineParallelSize and split the model over one node's GPUs with tensorParallelSize",
    ]);
    expect(problems(suiteText(2, "tensorParallelSize: 3"))).toEqual([
      "workloads[0].tensorParallelSize (line 5): tensorParallelSize × pipelineParallelSize (3 × 1 = 3) must equal the cluster's GPUs, " +
        "nodes × GPUs per node, and 3 GPUs do not spread evenly over 2 nodes: vLLM's multi-node layout is " +
        "tensorParallelSize = GPUs per node and pipelineParallelSize = nodes (2)",
    ]);
    expect(problems(suiteText(4, "pipelineParallelSize: 2"))[0]).toMatch(
      /^workloads\[0\]\.pipelineParallelSize \(line 5\): .* \(1 × 2 = 2\)/,
    );
    expect(problems(suiteText(2, "pipelineParallelSize: 9"))).toContain(
      "workloads[0].pipelineParallelSize (line 5): must be at most 8, got 9",
    );
    expect(
      problems(
        suiteText(
          2,
          "pipelineParallelSize: 2, faults: [{id: k, kind: pod-kill, at: 10, slo: {maxRecoverySeconds: 60}}], requestRates: [1]",
        ),
      ),
    ).toContain(
      "workloads[0].faults (line 5): a model served across nodes over Ray takes no fault scenarios (they act on one node's server)",
    );
  });

  it("checks the layout against the GPUs the nodes reported: T × P = nodes × GPUs per node", () => {
    const ray = servingLayout(workload(2, "tensorParallelSize: 4, pipelineParallelSize: 2"), 2);
    expect(checkLayoutGpus(ray, 4)).toBeUndefined();
    expect(checkLayoutGpus(ray, 1)).toBe(
      "tensorParallelSize × pipelineParallelSize (4 × 2 = 8) must equal the cluster's GPUs, 2 node(s) × 1 GPU(s) = 2: " +
        "set tensorParallelSize: 1 and pipelineParallelSize: 2 (vLLM's multi-node layout), or choose an instance type with 4 GPU(s)",
    );
    expect(checkLayoutGpus({ kind: "node", tensorParallelSize: 4 }, 1)).toBe(
      "tensorParallelSize × pipelineParallelSize (4 × 1 = 4) must equal the cluster's GPUs, 1 node(s) × 1 GPU(s) = 1: " +
        "set tensorParallelSize: 1, or choose an instance type with 4 GPUs",
    );
    expect(checkLayoutGpus({ kind: "single" }, 8)).toBeUndefined();
  });

  it("checks every candidate type before launch, naming the types that fit", () => {
    const suite = loadSuite(
      "version: 1\nname: x\nnodes: 2\nworkloads:\n  - {id: big, kind: llm-serving, tensorParallelSize: 4, pipelineParallelSize: 2}\n  - {id: one, kind: llm-serving}\n",
      {},
    );
    expect(hasParallelLayout(suite.workloads, 2)).toBe(true);
    expect(hasParallelLayout(suite.workloads.slice(1), 2)).toBe(false);
    const gpus = new Map([
      ["g5.12xlarge", 4],
      ["g5.2xlarge", 1],
    ]);
    expect(checkLayoutsForTypes(suite.workloads, 2, gpus)).toEqual([
      "workload 'big' on g5.2xlarge (1 GPU): tensorParallelSize × pipelineParallelSize (4 × 2 = 8) must equal the cluster's GPUs, " +
        "2 node(s) × 1 GPU(s) = 2: set tensorParallelSize: 1 and pipelineParallelSize: 2 (vLLM's multi-node layout), " +
        "or choose an instance type with 4 GPU(s); or list only g5.12xlarge in 'instance-types'",
    ]);
    expect(checkLayoutsForTypes(suite.workloads, 2, new Map([["g5.24xlarge", 4]]))).toEqual([]);
  });
});

describe("the Ray cluster's manifests", () => {
  const w = workload(2, "model: Qwen/Qwen2.5-7B-Instruct, tensorParallelSize: 4, pipelineParallelSize: 2");
  const placement = { layout: servingLayout(w, 2), gpusPerNode: 4 };

  it("serves with vLLM's flags: --tensor-parallel-size, --pipeline-parallel-size, --distributed-executor-backend ray", () => {
    expect(serverArgs(w, "auto", placement.layout).slice(-6)).toEqual([
      "--tensor-parallel-size",
      "4",
      "--pipeline-parallel-size",
      "2",
      "--distributed-executor-backend",
      "ray",
    ]);
    expect(serverArgs(w, "auto", { kind: "node", tensorParallelSize: 4 }).slice(-4)).toEqual([
      "--tensor-parallel-size",
      "4",
      "--distributed-executor-backend",
      "mp",
    ]);
    expect(serverArgs(w, "auto")).not.toContain("--tensor-parallel-size");
  });

  it("an Indexed Job of one pod per node (all its GPUs) with a headless Service, pod 0 the head and the API", () => {
    const script = planServerUp(w, "auto", "gpu-bench", undefined, placement);
    expect(script.env).toMatchObject({ SERVER_KIND: "ray", NAME: "vllm-m", TIMEOUT_SECONDS: String((10 + 20) * 60) });
    expect(script.timeoutSeconds).toBe(30 * 60 + 300);
    const [ns, configMap, headless, api, job] = docs(script.files![0]!.content);
    expect(ns).toMatchObject({ kind: "Namespace", metadata: { name: "gpu-bench" } });
    expect(Object.keys(configMap!.data)).toEqual(["ray-vllm-pod.py"]);
    expect(headless).toMatchObject({
      kind: "Service",
      metadata: { name: "vllm-m-ray" },
      spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: { "job-name": "vllm-m" } },
    });
    expect(api).toMatchObject({
      kind: "Service",
      metadata: { name: "vllm-m" },
      spec: { selector: { "job-name": "vllm-m", "batch.kubernetes.io/job-completion-index": "0" }, ports: [{ port: 8000 }] },
    });
    expect(job).toMatchObject({ kind: "Job", spec: { completionMode: "Indexed", completions: 2, parallelism: 2, backoffLimit: 0 } });
    const pod = job!.spec.template.spec;
    expect(pod.subdomain).toBe("vllm-m-ray");
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe("kubernetes.io/hostname");
    const c = pod.containers[0];
    expect(c.command).toEqual(["python3", "-u", "/workload/ray-vllm-pod.py"]);
    expect(c.args.slice(0, 1)).toEqual(["Qwen/Qwen2.5-7B-Instruct"]);
    expect(c.args).toContain("--distributed-executor-backend");
    expect(c.resources.limits["nvidia.com/gpu"]).toBe(4);
    const env = Object.fromEntries(c.env.map((e: Obj) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      NNODES: "2",
      GPUS_PER_NODE: "4",
      RAY_HEAD: "vllm-m-0.vllm-m-ray.gpu-bench.svc.cluster.local",
      RAY_PORT: "6379",
      RAY_JOIN_TIMEOUT_SECONDS: "600",
      VLLM_HOST_IP: { fieldRef: { fieldPath: "status.podIP" } },
    });
    expect(env.HF_TOKEN.secretKeyRef).toMatchObject({ name: "vllm-m-hf-token", optional: true });
    expect(c.ports).toEqual([
      { name: "http", containerPort: 8000 },
      { name: "ray-gcs", containerPort: 6379 },
    ]);
    expect(planServerDown(w, "gpu-bench", placement.layout).env).toMatchObject({ NAME: "vllm-m", RAY_SERVICE: "vllm-m-ray" });
    expect(planServerDown(w, "gpu-bench").env).not.toHaveProperty("RAY_SERVICE");
  });

  it("tensor parallel on one node: the Deployment takes that many GPUs", () => {
    const one = workload(undefined, "tensorParallelSize: 4");
    const [, deployment] = docs(planServerUp(one, "auto", "gpu-bench").files![0]!.content);
    expect(deployment!.spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]).toBe(4);
    const [, single] = docs(planServerUp(workload(undefined, ""), "auto", "gpu-bench").files![0]!.content);
    expect(single!.spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]).toBe(1);
  });
});

describe("the layout in results", () => {
  it("names nodes, TP, PP, the executor and what Ray counted; nothing for one GPU", () => {
    const layout = servingLayout(workload(2, "tensorParallelSize: 1, pipelineParallelSize: 2"), 2);
    expect(layoutParameters({ layout, gpusPerNode: 1 }, { nodes: 2, gpus: 2, joinSeconds: 3.5 })).toEqual({
      tensorParallelSize: 1,
      pipelineParallelSize: 2,
      nodes: 2,
      gpusPerNode: 1,
      executor: "ray",
      rayNodes: 2,
      rayGpus: 2,
      rayJoinSeconds: 3.5,
    });
    expect(layoutParameters({ layout: { kind: "node", tensorParallelSize: 2 }, gpusPerNode: 2 })).toMatchObject({
      executor: "mp",
      nodes: 1,
    });
    expect(layoutParameters({ layout: { kind: "single" }, gpusPerNode: 1 })).toEqual({});
  });

  it("a layout that does not fit the reported GPUs fails the workload before anything reaches the node", async () => {
    const w = workload(2, "tensorParallelSize: 4, pipelineParallelSize: 2");
    const sent: RemoteScript[] = [];
    const result = await runLlmServing(
      async (s) => {
        sent.push(s);
        return { stdout: "", stderr: "" } as never;
      },
      w,
      { log: new MemoryLog(), clock: systemClock, cluster: { nodes: 2, gpusPerNode: 1 } },
    );
    expect(sent).toEqual([]);
    expect(result.status).toBe("failed");
    expect(result.message).toMatch(/^The vLLM server was not started: tensorParallelSize × pipelineParallelSize \(4 × 2 = 8\) must equal/);
    expect(result.parameters).toMatchObject({ tensorParallelSize: 4, pipelineParallelSize: 2, nodes: 2, executor: "ray" });
    expect(result.metrics).toEqual([]);
  });
});

describe("the energy of a model served across nodes", () => {
  it("is node 0's energy over node 0's share of every token: its GPUs are the ones sampled", () => {
    const T0 = 1_741_572_000;
    // One GPU at 200 W for 10 s: 2000 J in the load point's window.
    const samples = parseSamples(samplesText({ gpu: everySecond(T0, T0 + 12, () => ({ powerW: 200 })) }))!;
    const trial = { trial: 1, request_rate: "max", total_output_tokens: 1000, window_start_unix: T0 + 1, window_end_unix: T0 + 11 };
    const result = (parameters: WorkloadResult["parameters"]): WorkloadResult => ({
      id: "m",
      kind: "llm-serving",
      parameters,
      status: "ok",
      metrics: [],
      trials: [trial],
      startedAt: "2026-12-06T03:00:00.000Z",
      endedAt: "2026-12-06T03:05:00.000Z",
    });
    const w = workload(2, "pipelineParallelSize: 2");
    const perToken = (r: WorkloadResult) => r.metrics.find((m) => m.name === "joules_per_output_token")!.summary.median;
    const one = perToken(attachTelemetry(result({}), w, samples));
    const two = perToken(attachTelemetry(result({ executor: "ray", nodes: 2 }), w, samples));
    expect(two).toBeCloseTo(2 * one, 9);
    expect(one).toBeGreaterThan(1.5);
  });
});
