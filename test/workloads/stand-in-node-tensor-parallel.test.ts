import { describe, expect, it } from "vitest";
import { loadSuite, type LlmServingWorkload } from "../../src/config/suite.js";
import { WorkloadResult } from "../../src/evidence/results.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { planServerUp } from "../../src/workloads/llm.js";
import { runWorkload, workloadImages } from "../../src/workloads/run.js";
import { useStandInNode } from "../support/stand-in-node.js";

// tensorParallelSize on one stand-in node with two GPUs: the Deployment takes both, and the
// emulated `vllm serve --tensor-parallel-size 2 --distributed-executor-backend mp` starts on vLLM's
// own multiprocessing executor (no Ray); asked for more GPUs than its pod was given, it exits at once.
const suite = loadSuite(
  `version: 1
name: tp
workloads:
  - { id: tp, kind: llm-serving, tensorParallelSize: 2, requestRates: [4], maxThroughput: false, numPrompts: 8, inputLen: 16, outputLen: 8, maxModelLen: 128, serverStartTimeoutMinutes: 1, benchTimeoutMinutes: 1 }
`,
  {},
);
const [tp] = suite.workloads as [LlmServingWorkload];
const node = useStandInNode({
  prefix: "workloads-node-tp-",
  images: workloadImages(suite),
  env: { STUB_LATENCY_SCALE: "0.01", POLL_SECONDS: "0.2", STUB_GPU_COUNT: "2" },
});

describe("tensor parallel on one stand-in node", () => {
  it("serves over both GPUs with vLLM's multiprocessing executor and benchmarks it", async () => {
    const log = new MemoryLog();
    const result = WorkloadResult.parse(
      await runWorkload(node.remote(), tp, { log, clock: systemClock, cluster: { nodes: 1, gpusPerNode: 2 } }),
    );
    expect(result, result.message).toMatchObject({
      status: "ok",
      parameters: { tensorParallelSize: 2, pipelineParallelSize: 1, nodes: 1, gpusPerNode: 2, executor: "mp" },
    });
    expect(result.metrics.map((m) => m.name)).toContain("output_throughput@4rps");
    expect(log.lines.join("\n")).toMatch(/tp: vLLM server ready in \d+s \(.*, tensor parallel over 2 GPUs\)/);
  }, 120_000);

  it("a server asking for more GPUs than its pod was given exits, and the wait says it crashed", async () => {
    const script = planServerUp(tp, "auto", "gpu-bench", undefined, { layout: { kind: "node", tensorParallelSize: 2 }, gpusPerNode: 2 });
    const manifest = script.files![0]!;
    // Two GPUs asked of vLLM, one given to the pod (what checkLayoutGpus prevents): vLLM's mp executor refuses.
    const edited = manifest.content.replace('"nvidia.com/gpu": 2', '"nvidia.com/gpu": 1').replace("nvidia.com/gpu: 2", "nvidia.com/gpu: 1");
    expect(edited).not.toBe(manifest.content);
    const remote = node.remote();
    try {
      const up = await remote({ ...script, files: [{ ...manifest, content: edited }, ...script.files!.slice(1)] });
      expect(up.stdout).toMatch(/GPU_BENCH_SERVER \{"name":"vllm-tp","outcome":"crashed"/);
      expect(up.stderr).toContain("is more than the 1 GPU(s) of this node: use --distributed-executor-backend ray across nodes");
    } finally {
      await remote({
        name: "down",
        body: "kubectl -n gpu-bench delete deployment vllm-tp --ignore-not-found >/dev/null",
        timeoutSeconds: 60,
      });
    }
  }, 120_000);
});
