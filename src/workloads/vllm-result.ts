import { z } from "zod";

/**
 * Reads the JSON file `vllm bench serve --save-result` writes (and, before it, vLLM's
 * benchmarks/benchmark_serving.py). Its field names moved between versions, so parsing is
 * defensive: known aliases are tried in order, percentiles fall back to the median where a
 * version did not write them, and what is missing is named in the error rather than read as 0.
 * Field-by-field provenance: test/fixtures/vllm/README.md.
 */

const num = z.number();
const optNum = num.nullish();

/** The raw file: only the fields we read are declared; everything else passes through. */
const RawResult = z.looseObject({
  date: z.string().optional(),
  backend: z.string().optional(),
  endpoint_type: z.string().optional(),
  model_id: z.string().optional(),
  num_prompts: z.number().optional(),
  request_rate: z.union([num, z.string()]).nullish(),
  burstiness: optNum,
  max_concurrency: optNum,
  duration: optNum,
  completed: optNum,
  failed: optNum,
  total_input_tokens: optNum,
  total_output_tokens: optNum,
  request_throughput: optNum,
  /** Very early benchmark_serving.py misspelt it. */
  request_inthroughput: optNum,
  request_goodput: optNum,
  /** benchmark_serving.py (vLLM 0.6–0.8) wrote the key with a trailing colon. */
  "request_goodput:": optNum,
  output_throughput: optNum,
  total_token_throughput: optNum,
  errors: z.array(z.unknown()).optional(),
});

export type RequestRate = number | "inf";

export interface LatencyStats {
  mean: number;
  median: number;
  p90: number | null;
  p99: number;
}

/** One load point of a serving benchmark, normalized across vLLM versions. Times in ms. */
export interface ServingPoint {
  requestRate: RequestRate;
  durationS: number;
  completed: number;
  /** Requests that failed; null when the file does not say and it cannot be derived. */
  failed: number | null;
  numPrompts: number | null;
  requestThroughput: number;
  outputThroughput: number;
  totalTokenThroughput: number | null;
  /** Requests/s that met every SLO passed with --goodput; null when none was passed. */
  requestGoodput: number | null;
  totalInputTokens: number | null;
  totalOutputTokens: number | null;
  ttft: LatencyStats;
  tpot: LatencyStats;
  itl: LatencyStats;
  e2el: LatencyStats | null;
  /** Which generation of the file format this was read as, for the evidence. */
  format: "benchmark_serving" | "bench-serve" | "bench-serve-with-failed";
}

export class VllmResultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VllmResultError";
  }
}

/**
 * Python's json module writes NaN and Infinity, which JSON.parse rejects. They become null here
 * (outside strings only), so a NaN mean TPOT of a run with one-token outputs is "unknown", not a crash.
 */
export function parsePythonJson(text: string): unknown {
  const cleaned = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (m) => (m.startsWith('"') ? m : "null"));
  return JSON.parse(cleaned);
}

/**
 * Parses one result file. `requestRate` is the rate the caller asked for, used when the file does
 * not record it (and checked against it when it does).
 */
export function parseVllmResult(input: string | unknown, requestRate?: RequestRate): ServingPoint {
  let raw: unknown = input;
  if (typeof input === "string") {
    try {
      raw = parsePythonJson(input);
    } catch (error) {
      throw new VllmResultError(`The vllm bench result is not JSON: ${(error as Error).message}`);
    }
  }
  const parsed = RawResult.safeParse(raw);
  if (!parsed.success) {
    throw new VllmResultError(
      `The vllm bench result has unexpected fields: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const r = parsed.data;
  const record = raw as Record<string, unknown>;
  const missing: string[] = [];
  const need = (value: number | null | undefined, name: string): number => {
    if (value === undefined || value === null || !Number.isFinite(value)) {
      missing.push(name);
      return Number.NaN;
    }
    return value;
  };
  const field = (key: string): number | null => {
    const v = record[key];
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  };
  const latency = (metric: string, required: boolean): LatencyStats | null => {
    const mean = field(`mean_${metric}_ms`);
    const median = field(`median_${metric}_ms`) ?? field(`p50_${metric}_ms`);
    const p99 = field(`p99_${metric}_ms`);
    if (!required && mean === null && median === null && p99 === null) return null;
    return {
      mean: need(mean, `mean_${metric}_ms`),
      median: need(median, `median_${metric}_ms`),
      p90: field(`p90_${metric}_ms`),
      p99: need(p99, `p99_${metric}_ms`),
    };
  };

  const completed = need(r.completed, "completed");
  const numPrompts = typeof r.num_prompts === "number" ? r.num_prompts : null;
  let failed: number | null = r.failed ?? null;
  if (failed === null && numPrompts !== null && Number.isFinite(completed)) failed = Math.max(0, numPrompts - completed);
  if (failed === null && r.errors) failed = r.errors.filter((e) => typeof e === "string" && e.length > 0).length;

  const point: ServingPoint = {
    requestRate: parseRate(r.request_rate, requestRate),
    durationS: need(r.duration, "duration"),
    completed,
    failed,
    numPrompts,
    requestThroughput: need(r.request_throughput ?? r.request_inthroughput, "request_throughput"),
    outputThroughput: need(r.output_throughput, "output_throughput"),
    totalTokenThroughput: r.total_token_throughput ?? null,
    requestGoodput: r.request_goodput ?? r["request_goodput:"] ?? null,
    totalInputTokens: r.total_input_tokens ?? null,
    totalOutputTokens: r.total_output_tokens ?? null,
    ttft: latency("ttft", true)!,
    tpot: latency("tpot", true)!,
    itl: latency("itl", true)!,
    e2el: latency("e2el", false),
    format: "request_goodput:" in record ? "benchmark_serving" : "failed" in record ? "bench-serve-with-failed" : "bench-serve",
  };
  if (missing.length > 0) {
    throw new VllmResultError(
      `The vllm bench result lacks ${missing.join(", ")} (keys present: ${Object.keys(record).sort().join(", ")}). ` +
        "A newer or older vLLM may name them differently: pin the image the tool was tested with, or report the new names.",
    );
  }
  return point;
}

function parseRate(value: number | string | null | undefined, expected: RequestRate | undefined): RequestRate {
  let rate: RequestRate;
  if (typeof value === "number" && Number.isFinite(value)) rate = value;
  else if (typeof value === "string" && /^\+?inf(inity)?$/i.test(value.trim())) rate = "inf";
  else if (value === null && expected === "inf")
    rate = "inf"; // Infinity written by Python's json, read as null
  else if (value === null || value === undefined) {
    if (expected === undefined) throw new VllmResultError("The vllm bench result does not record its request_rate");
    rate = expected;
  } else if (Number.isFinite(Number(value))) rate = Number(value);
  else throw new VllmResultError(`The vllm bench result has request_rate '${String(value)}', which is not a number or inf`);
  if (expected !== undefined && rate !== expected) {
    throw new VllmResultError(`The vllm bench result is for request rate ${rate}, but rate ${expected} was asked for`);
  }
  return rate;
}
