import type { FaultContext } from "../../src/faults/run.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";

/**
 * Stand-in node knobs of the fault tests: latencies at a scale of 0.01 (the stand-in's figures in
 * seconds / 100), pods that start at once, a vLLM stand-in of 5 ms TTFT and 1 ms TPOT that answers
 * `vllmStartupSeconds` after its container starts.
 */
export function fastNodeKnobs(vllmStartupSeconds: number): Record<string, string> {
  return {
    STUB_LATENCY_SCALE: "0.01",
    POLL_SECONDS: "0.2",
    STUB_POD_START_SECONDS: "0",
    STUB_VLLM_STARTUP_SECONDS: String(vllmStartupSeconds / 0.01),
    STUB_VLLM_TTFT_MS: "5",
    STUB_VLLM_TPOT_MS: "1",
  };
}

export type Cleanups = { name: string; fn: () => Promise<void> }[];

/** A fault run's context on the real clock, its log kept in memory, its cleanups collected into `cleanups`. */
export function faultContext(gpu: { computeCapability?: string }, cleanups: Cleanups): FaultContext & { log: MemoryLog } {
  return {
    clock: systemClock,
    log: new MemoryLog(),
    gpu: { computeCapability: gpu.computeCapability },
    registerCleanup: (name, fn) => cleanups.push({ name, fn }),
  };
}
