import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { loadSuite, type LlmServingWorkload, type ResNet50Workload } from "../../src/config/suite.js";
import { planBench, planServerUp } from "../../src/workloads/llm.js";
import { kubeName, renderManifest } from "../../src/workloads/manifest.js";
import { planResNet50 } from "../../src/workloads/resnet50.js";
import { workloadImages } from "../../src/workloads/run.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function docs(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Obj);
}

const suite = loadSuite(
  `version: 1
name: t
workloads:
  - { id: train, kind: resnet50, batchSize: 64, steps: 10, trials: 2, findMaxBatch: true }
  - { id: compiled, kind: resnet50, compile: true }
  - { id: qwen, kind: llm-serving, requestRates: [2], maxConcurrency: 32, slo: { ttftMs: 300, e2elMs: 5000 } }
`,
  {},
);
const [train, compiled, qwen] = suite.workloads as [ResNet50Workload, ResNet50Workload, LlmServingWorkload];

describe("manifest rendering", () => {
  it("writes every value as JSON, so no value can escape its field", () => {
    const hostile = 'x"\nkind: Secret\n$(reboot); `id` \u2028 \u0085 {{ other }}';
    const text = renderManifest("a: {{ value }}\nb: {{ list }}\nc: {{ n }}\n", {
      value: hostile,
      list: ["--flag", "it's; rm -rf /"],
      n: 3,
    });
    expect(docs(text)).toEqual([{ a: hostile, b: ["--flag", "it's; rm -rf /"], c: 3 }]);
    expect(text).not.toMatch(/[\u2028\u0085]/); // escaped: YAML 1.1 parsers read them as line breaks
  });

  it("fails loudly on a missing or an unused value", () => {
    expect(() => renderManifest("a: {{ a }}\nb: {{ b }}\n", { a: 1 })).toThrow("Manifest template needs values for: b");
    expect(() => renderManifest("a: {{ a }}\n", { a: 1, typo: 2 })).toThrow("Manifest template has no placeholder for: typo");
    expect(() => renderManifest("a: {{ a }}\n", { a: Number.NaN })).toThrow(/not a finite number/);
  });

  it("makes Kubernetes names from workload ids", () => {
    expect(kubeName("vllm-bench", "Qwen_7B", "t1", "p0")).toBe("vllm-bench-qwen-7b-t1-p0");
    expect(() => kubeName("x".repeat(64))).toThrow(/1-63 characters/);
  });
});

describe("ResNet50 Job", () => {
  it("delivers the script through a ConfigMap into a stock PyTorch image, on the GPU", () => {
    const { jobName, script } = planResNet50(train);
    const [ns, configMap, job] = docs(script.files![0]!.content);
    expect(ns).toMatchObject({ kind: "Namespace", metadata: { name: "gpu-bench" } });
    expect(configMap!.data["resnet50.py"]).toMatch(/^"""ResNet50 throughput benchmark/);
    expect(job).toMatchObject({ kind: "Job", metadata: { name: jobName, namespace: "gpu-bench" }, spec: { backoffLimit: 0 } });
    const pod = job!.spec.template.spec;
    expect(pod.runtimeClassName).toBe("nvidia");
    const [container] = pod.containers;
    expect(container.image).toBe("pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime");
    expect(container.resources.limits["nvidia.com/gpu"]).toBe(1);
    expect(container.command).toEqual(["python", "-u", "/workload/resnet50.py"]);
    expect(container.args).toEqual([
      "--mode",
      "train",
      "--batch-size",
      "64",
      "--image-size",
      "224",
      "--warmup-steps",
      "20",
      "--steps",
      "10",
      "--trials",
      "2",
      "--precision",
      "auto",
      "--channels-last",
      "--find-max-batch",
    ]);
    expect(script.env).toEqual({ NAMESPACE: "gpu-bench", JOB_NAME: jobName, TIMEOUT_SECONDS: "1800" });
  });

  it("uses the devel image when compiling (Triton needs a C compiler)", () => {
    const [, , job] = docs(planResNet50(compiled).script.files![0]!.content);
    expect(job!.spec.template.spec.containers[0].image).toBe("pytorch/pytorch:2.7.1-cuda12.8-cudnn9-devel");
    expect(job!.spec.template.spec.containers[0].args).toContain("--compile");
  });

  it("lists the images to pre-pull, once each", () => {
    expect(workloadImages(suite)).toEqual([
      "pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime",
      "pytorch/pytorch:2.7.1-cuda12.8-cudnn9-devel",
      "vllm/vllm-openai:v0.11.0",
    ]);
  });
});

describe("LLM serving manifests", () => {
  it("starts vLLM with the model, the dtype and the token only from a Secret, which the node fills from the run's SecureString", () => {
    const parameter = { name: "/gpu-bench/gpu-bench/runs/gpu-bench-abc/hf-token", region: "eu-west-1" };
    const script = planServerUp(qwen, "half", "gpu-bench", parameter);
    const manifest = script.files![0]!.content;
    // The command carries the parameter's name and region, never a token.
    expect(script.env).toMatchObject({ HF_TOKEN_PARAMETER: parameter.name, HF_TOKEN_REGION: "eu-west-1" });
    expect(script.env).not.toHaveProperty("HF_TOKEN");
    const [, deployment, service] = docs(manifest);
    const container = deployment!.spec.template.spec.containers[0];
    expect(container.command).toEqual(["vllm", "serve"]);
    expect(container.args.slice(0, 7)).toEqual(["Qwen/Qwen2.5-0.5B-Instruct", "--host", "0.0.0.0", "--port", "8000", "--dtype", "half"]);
    expect(container.env.find((e: Obj) => e.name === "HF_TOKEN").valueFrom.secretKeyRef).toEqual({
      name: "vllm-qwen-hf-token",
      key: "token",
      optional: true,
    });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/health", port: 8000 });
    expect(container.resources.limits["nvidia.com/gpu"]).toBe(1);
    expect(service).toMatchObject({ kind: "Service", metadata: { name: "vllm-qwen" } });
    expect(planServerUp(qwen, "auto", "gpu-bench").env).not.toHaveProperty("HF_TOKEN_PARAMETER");
  });

  it("runs vllm bench serve as a Job without a GPU, seeded, greedy, with the suite's SLOs", () => {
    const { jobName, script } = planBench(qwen, "inf", 2, 1, "gpu-bench");
    expect(jobName).toBe("vllm-bench-qwen-t2-p1");
    const [job] = docs(script.files![0]!.content);
    const container = job!.spec.template.spec.containers[0];
    expect(container.resources).toBeUndefined();
    expect(job!.spec.template.spec.runtimeClassName).toBeUndefined();
    expect(container.command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(container.command[2]).toContain('vllm bench serve "$@" --save-result');
    const args: string[] = container.args;
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(flag("--base-url")).toBe("http://vllm-qwen.gpu-bench.svc:8000");
    expect(flag("--request-rate")).toBe("inf");
    expect(flag("--seed")).toBe("0");
    expect(flag("--temperature")).toBe("0");
    expect(flag("--max-concurrency")).toBe("32");
    expect(args.slice(args.indexOf("--goodput"))).toEqual(["--goodput", "ttft:300", "e2el:5000"]);
  });
});
