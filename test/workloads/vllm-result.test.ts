import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VllmResultError, parsePythonJson, parseVllmResult } from "../../src/workloads/vllm-result.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/vllm/${name}`, import.meta.url), "utf8");

describe("vllm bench result files, across vLLM versions", () => {
  it("reads benchmark_serving.py's format: goodput under 'request_goodput:', failures derived, p99 only", () => {
    const p = parseVllmResult(fixture("benchmark_serving-v0.6.json"), 4);
    expect(p).toMatchObject({
      format: "benchmark_serving",
      requestRate: 4,
      completed: 7,
      failed: 1, // no "failed" key: num_prompts (8) - completed (7)
      numPrompts: 8,
      durationS: 2.0741,
      totalOutputTokens: 28,
      e2el: null,
    });
    expect(p.requestThroughput).toBeCloseTo(7 / 2.0741, 6);
    expect(p.requestGoodput).toBeCloseTo(6 / 2.0741, 6);
    expect(p.outputThroughput).toBeCloseTo(28 / 2.0741, 6);
    expect(p.ttft).toEqual({ mean: 21.8285714, median: 21.9, p90: null, p99: 24.046 });
    expect(p.tpot.p99).toBe(6.178);
    expect(p.itl.median).toBe(6);
  });

  it("reads vllm bench serve's format (the pinned image): request_goodput, p50/p90/p99, e2el", () => {
    const p = parseVllmResult(fixture("vllm-bench-serve-v0.11.json"), 16);
    expect(p.format).toBe("bench-serve");
    expect(p).toMatchObject({ requestRate: 16, completed: 200, failed: 0, numPrompts: 200, totalInputTokens: 102400 });
    expect(p.requestGoodput).toBeCloseTo(197 / 12.8419, 6);
    expect(p.totalTokenThroughput).toBeCloseTo(128000 / 12.8419, 6);
    expect(p.ttft).toEqual({ mean: 31.52, median: 28.74, p90: 43.9, p99: 71.33 });
    expect(p.tpot).toEqual({ mean: 7.913, median: 7.802, p90: 8.655, p99: 9.87 });
    expect(p.itl.p99).toBe(18.466);
    expect(p.e2el).toEqual({ mean: 1036.4, median: 1022.9, p90: 1141.2, p99: 1297.5 });
  });

  it('reads the newest format: counted failures, request_rate "inf" for the max-throughput point', () => {
    const p = parseVllmResult(fixture("vllm-bench-serve-v0.15.json"), "inf");
    expect(p).toMatchObject({ format: "bench-serve-with-failed", requestRate: "inf", completed: 9, failed: 1 });
    expect(p.outputThroughput).toBeCloseTo(1152 / 1.9934, 6);
  });

  it("reads Python's NaN and Infinity as unknown instead of failing", () => {
    expect(parsePythonJson('{"a": NaN, "b": -Infinity, "c": "NaN inside a string", "d": [Infinity]}')).toEqual({
      a: null,
      b: null,
      c: "NaN inside a string",
      d: [null],
    });
    const text = fixture("vllm-bench-serve-v0.11.json").replace('"p90_tpot_ms": 8.655', '"p90_tpot_ms": NaN');
    expect(parseVllmResult(text, 16).tpot.p90).toBeNull();
  });

  it("names the missing fields instead of reading them as zero", () => {
    const raw = JSON.parse(fixture("vllm-bench-serve-v0.11.json")) as Record<string, unknown>;
    delete raw.output_throughput;
    delete raw.p99_ttft_ms;
    expect(() => parseVllmResult(raw, 16)).toThrow(VllmResultError);
    expect(() => parseVllmResult(raw, 16)).toThrow(/lacks output_throughput, p99_ttft_ms \(keys present: .*completed/);
    expect(() => parseVllmResult("not json", 1)).toThrow(/not JSON/);
  });

  it("checks the file is for the load point that was asked for", () => {
    expect(() => parseVllmResult(fixture("vllm-bench-serve-v0.11.json"), 4)).toThrow(/is for request rate 16, but rate 4 was asked for/);
    const raw = JSON.parse(fixture("vllm-bench-serve-v0.11.json")) as Record<string, unknown>;
    delete raw.request_rate;
    expect(parseVllmResult(raw, 16).requestRate).toBe(16);
  });
});
