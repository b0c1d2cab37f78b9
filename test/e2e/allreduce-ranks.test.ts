import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Results } from "../../src/evidence/results.js";
import type { StandIn } from "../../stand-in/index.js";
import { CHAOS_INPUTS } from "./chaos-runner.js";
import { lifecycle, runInstances, useLifecycleStandIn } from "./lifecycle-stand-in.js";

/** nccl-allreduce on one node, checked against the instance types' GPUs (EC2 DescribeInstanceTypes) through the bundles. */

let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s));

describe("an all-reduce on one node", () => {
  it("is refused before anything is launched on types with one GPU, naming the workload, the types and the fix", async () => {
    const before = standIn.calls.length;
    const r = await lifecycle(standIn, { ...CHAOS_INPUTS, suite: "test/fixtures/suites/allreduce-one-node.yaml" });
    expect(r.mainExit.code, r.mainLog).not.toBe(0);
    expect(r.mainLog).toContain(
      "The suite's all-reduce has nothing to measure: workload 'allreduce' on one node of g5.2xlarge (1 GPU), g5.xlarge (1 GPU) " +
        "would all-reduce over 1 rank, which moves no data: set the suite's nodes: 2 or more, " +
        "or list instance types with several GPUs (such as g5.12xlarge) in 'instance-types'",
    );
    expect(runInstances(standIn, r.job.runId)).toEqual([]);
    expect(standIn.calls.slice(before).filter((c) => c.action === "RunInstances")).toEqual([]);
    const results = Results.parse(JSON.parse(readFileSync(r.job.outputs()["results-path"]!, "utf8")));
    expect(results.outcome).toMatchObject({ status: "failed", failedPhase: "all-reduce check" });
    expect(r.alive).toEqual([]);
  }, 120_000);
});
