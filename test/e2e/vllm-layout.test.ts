import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Results } from "../../src/evidence/results.js";
import type { StandIn } from "../../stand-in/index.js";
import { CHAOS_INPUTS } from "./chaos-runner.js";
import { NO_HANG_TO_WAIT_FOR, lifecycle, runInstances, useLifecycleStandIn } from "./lifecycle-stand-in.js";

/** A vLLM layout across nodes, checked against the instance types' GPUs (EC2 DescribeInstanceTypes) through the bundles. */

let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s), NO_HANG_TO_WAIT_FOR);

const results = (path: string | undefined) => Results.parse(JSON.parse(readFileSync(path!, "utf8")));

describe("tensorParallelSize × pipelineParallelSize against the instance types", () => {
  it("refuses, before anything is launched, types whose GPUs do not make T × P, naming the workload, the types and the fix", async () => {
    const before = standIn.calls.length;
    const r = await lifecycle(standIn, { ...CHAOS_INPUTS, suite: "test/fixtures/suites/multi-node-vllm-tp.yaml" });
    expect(r.mainExit.code, r.mainLog).not.toBe(0);
    expect(r.mainLog).toContain(
      "The suite's vLLM layout does not fit the instance types: workload 'qwen-tp-pp' on g5.2xlarge (1 GPU), g5.xlarge (1 GPU): " +
        "tensorParallelSize × pipelineParallelSize (4 × 2 = 8) must equal the cluster's GPUs, 2 node(s) × 1 GPU(s) = 2: " +
        "set tensorParallelSize: 1 and pipelineParallelSize: 2 (vLLM's multi-node layout), or choose an instance type with 4 GPU(s)",
    );
    expect(runInstances(standIn, r.job.runId)).toEqual([]);
    expect(standIn.calls.slice(before).filter((c) => c.action === "RunInstances" || c.action === "CreatePlacementGroup")).toEqual([]);
    expect(results(r.job.outputs()["results-path"]).outcome).toMatchObject({ status: "failed", failedPhase: "layout check" });
    expect(r.alive).toEqual([]);
  }, 120_000);

  it("names the types that fit when some do", async () => {
    const r = await lifecycle(standIn, {
      ...CHAOS_INPUTS,
      suite: "test/fixtures/suites/multi-node-vllm-tp.yaml",
      "instance-types": "g5.12xlarge,g5.2xlarge",
    });
    expect(r.mainExit.code, r.mainLog).not.toBe(0);
    expect(r.mainLog).toMatch(/workload 'qwen-tp-pp' on g5\.2xlarge \(1 GPU\): .*; or list only g5\.12xlarge in 'instance-types'/);
    expect(runInstances(standIn, r.job.runId)).toEqual([]);
  }, 120_000);

  it("when EC2 cannot describe a type, warns and launches; the nodes' GPUs then fail the workload before any pod starts", async () => {
    const r = await lifecycle(standIn, {
      ...CHAOS_INPUTS,
      suite: "test/fixtures/suites/multi-node-vllm-tp.yaml",
      "instance-types": "g5.2xlarge,p3.2xlarge",
    });
    expect(r.mainLog).toMatch(
      /The vLLM layout is checked once the nodes report their GPUs: Could not describe the GPUs of instance types g5\.2xlarge, p3\.2xlarge/,
    );
    expect(runInstances(standIn, r.job.runId).map((i) => i.type)).toEqual(["g5.2xlarge", "g5.2xlarge"]);
    const out = results(r.job.outputs()["results-path"]);
    expect(out.workloads[0]).toMatchObject({
      id: "qwen-tp-pp",
      status: "failed",
      parameters: { tensorParallelSize: 4, pipelineParallelSize: 2, nodes: 2, gpusPerNode: 1, executor: "ray" },
      metrics: [],
    });
    expect(out.workloads[0]!.message).toMatch(/^The vLLM server was not started: tensorParallelSize × pipelineParallelSize \(4 × 2 = 8\)/);
    expect(r.alive).toEqual([]);
  }, 300_000);
});
