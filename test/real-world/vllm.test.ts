import { describe, expect, it } from "vitest";
import { loadSuite, type LlmServingWorkload } from "../../src/config/suite.js";
import { benchmarkActionEntries } from "../../src/evidence/benchmark-action.js";
import { entryFromResults } from "../../src/evidence/history.js";
import { Results, WorkloadResult } from "../../src/evidence/results.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { runWorkload } from "../../src/workloads/run.js";
import { parseVllmResult } from "../../src/workloads/vllm-result.js";
import { instantClock } from "../support/fakes.js";
import { vllmNode } from "../support/vllm-node.js";
import { passingRun } from "../evidence/support/fixtures.js";
import { caseJson, caseText } from "./cases.js";

const [qwen] = loadSuite(
  `version: 1
name: t
workloads:
  - { id: qwen, kind: llm-serving, requestRates: [4, 16], maxThroughput: false, trials: 1 }
`,
  {},
).workloads as [LlmServingWorkload];

const good = caseJson("vllm-gen1-metadata-rate10.json");
const allFailed = caseJson("vllm-bench-serve-all-failed.json");

function asRun(workload: WorkloadResult): Results {
  return Results.parse({ ...passingRun(), workloads: [workload] });
}

describe("real-world case: vllm-bench-serve-all-failed.json (no request completed)", () => {
  it("the load point failed; no metric from it enters results, history or benchmark-action files", async () => {
    const result = await runWorkload(
      vllmNode((rate) => (rate === "16" ? allFailed : good)),
      qwen,
      { log: new MemoryLog(), clock: instantClock() },
    );
    expect(result.status).toBe("failed");
    expect(result.message).toMatch(/load point 16 req\/s \(trial 1\) failed: no request completed \(200 of 200 failed\)/);
    expect(result.metrics.filter((m) => m.requestRate === 16)).toEqual([]);
    expect(result.metrics.some((m) => m.summary.median === 0 && m.unit === "ms")).toBe(false);
    expect(result.trials.map((t) => t.request_rate)).toEqual([4]);
    const run = asRun(result);
    const history = entryFromResults(run, "f").workloads[0]!;
    expect(history.metrics.some((m) => m.name.endsWith("@16rps"))).toBe(false);
    const files = benchmarkActionEntries(run);
    expect([...files.biggerIsBetter, ...files.smallerIsBetter]).toEqual([]);
  });

  it("every point failed: a failed workload with no metrics at all", async () => {
    const result = await runWorkload(
      vllmNode(() => allFailed),
      qwen,
      { log: new MemoryLog(), clock: instantClock() },
    );
    expect(result).toMatchObject({ status: "failed", metrics: [], trials: [] });
  });

  it("partial failure is a failure rate, and a workload whose requests mostly failed is not ok", async () => {
    const some = { ...good, completed: 290, failed: 10 };
    const partly = await runWorkload(
      vllmNode(() => some),
      qwen,
      { log: new MemoryLog(), clock: instantClock() },
    );
    expect(partly.status).toBe("ok");
    expect(partly.metrics.find((m) => m.name === "request_failure_percent@4rps")).toMatchObject({ unit: "%", trials: [10 / 3] });
    expect(partly.message).toMatch(/requests failed: 10 of 300 \(3\.33%\) at 4 req\/s/);
    expect(partly.metrics.some((m) => m.name.startsWith("failed_requests"))).toBe(false);

    const most = { ...good, completed: 100, failed: 200 };
    const mostly = await runWorkload(
      vllmNode(() => most),
      qwen,
      { log: new MemoryLog(), clock: instantClock() },
    );
    expect(mostly.status).toBe("failed");
    expect(mostly.message).toMatch(/66\.7% of the requests failed \(more than 50%\): the workload is not ok/);
  });
});

describe('real-world case: vllm-gen1-metadata-*.json (older format, --metadata keys, rate "inf")', () => {
  it("parses; goodput and p90 absent, not zero", () => {
    const rate10 = parseVllmResult(caseText("vllm-gen1-metadata-rate10.json"), 10);
    expect(rate10).toMatchObject({ format: "benchmark_serving", requestRate: 10, completed: 300, failed: 0, requestGoodput: null });
    expect(rate10.ttft).toEqual({ mean: 54.6, median: 53.0, p90: null, p99: 89.8 });
    expect(rate10.tpot.p90).toBeNull();
    const inf = parseVllmResult(caseText("vllm-gen1-metadata-inf.json"), "inf");
    expect(inf).toMatchObject({ requestRate: "inf", completed: 900, requestGoodput: null, outputThroughput: 11488.0 });
    expect(inf.itl).toEqual({ mean: 40.1, median: 36.9, p90: null, p99: 66.4 });
  });

  it("an absent goodput becomes no metric rather than a zero", async () => {
    const result = await runWorkload(
      vllmNode(() => good),
      qwen,
      { log: new MemoryLog(), clock: instantClock() },
    );
    expect(result.status).toBe("ok");
    expect(result.metrics.some((m) => m.name.startsWith("request_goodput"))).toBe(false);
  });
});
