import { z } from "zod";
import startSh from "../../remote/telemetry/start.sh";
import samplerSh from "../../remote/telemetry/sampler.sh";
import stopSh from "../../remote/telemetry/stop.sh";
import type { RemoteScript, RunRemote } from "../cloud/remote-script.js";
import { parseSamples, type Samples } from "./telemetry-samples.js";

/**
 * GPU telemetry on the node (issue 12): remote/telemetry/start.sh starts a detached sampler
 * (DCGM's `dcgmi dmon` where its host engine answers, `nvidia-smi -lms` otherwise) before a
 * workload's timed windows; stop.sh ends it after them and prints the samples file.
 */

export const TELEMETRY_START_MARK = "GPU_BENCH_TELEMETRY_START ";
export const TELEMETRY_SAMPLE_MARK = "GPU_BENCH_TELEMETRY ";
/** 1 Hz, as the benchmarks that publish energy per token sample. */
export const DEFAULT_TELEMETRY_INTERVAL_SECONDS = 1;

const StartOutcome = z.object({
  started: z.boolean(),
  source: z.enum(["dcgm", "nvidia-smi"]).optional(),
  intervalMs: z.number(),
  reason: z.string().optional(),
});
export type TelemetryStart = z.infer<typeof StartOutcome>;

const NAME = /^[a-z0-9][a-z0-9.-]*$/;

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`Telemetry name '${name}' must be lower-case letters, digits, dots and dashes`);
  return name;
}

/**
 * The step that starts the sampler. `intervalSeconds` 0.1 or more; `maxSeconds` is a backstop
 * after which the sampler stops by itself (a run that never calls stop leaves nothing running).
 */
export function planTelemetryStart(name: string, intervalSeconds: number, maxSeconds: number): RemoteScript {
  if (!(intervalSeconds >= 0.1)) throw new Error(`The telemetry interval must be at least 0.1 s, not ${intervalSeconds}`);
  return {
    name: `telemetry-start-${checkName(name)}`,
    body: startSh,
    env: { TELEMETRY_NAME: name, INTERVAL_MS: String(Math.round(intervalSeconds * 1000)), MAX_SECONDS: String(Math.ceil(maxSeconds)) },
    files: [{ path: "sampler.sh", content: samplerSh }],
    timeoutSeconds: 120,
  };
}

/** The step that stops the sampler and prints its samples. */
export function planTelemetryStop(name: string): RemoteScript {
  return { name: `telemetry-stop-${checkName(name)}`, body: stopSh, env: { TELEMETRY_NAME: name }, timeoutSeconds: 120 };
}

/** What start.sh printed; a step that printed nothing counts as not started, with that reason. */
export function parseTelemetryStart(stdout: string): TelemetryStart {
  const line = stdout
    .split("\n")
    .filter((l) => l.startsWith(TELEMETRY_START_MARK))
    .at(-1);
  const parsed = line ? StartOutcome.safeParse(safeJson(line.slice(TELEMETRY_START_MARK.length))) : undefined;
  return parsed?.success ? parsed.data : { started: false, intervalMs: 0, reason: "the telemetry start step printed no outcome" };
}

/** The samples file stop.sh printed (marked lines), as text, and parsed; samples undefined when there were none. */
export function telemetryFromStop(stdout: string): { text: string; samples?: Samples } {
  const text = stdout
    .split("\n")
    .filter((l) => l.startsWith(TELEMETRY_SAMPLE_MARK))
    .map((l) => l.slice(TELEMETRY_SAMPLE_MARK.length).replace(/\r$/, ""))
    .join("\n");
  const samples = text ? parseSamples(text) : undefined;
  return samples ? { text: `${text}\n`, samples } : { text };
}

export async function startTelemetry(
  remote: RunRemote,
  name: string,
  intervalSeconds: number,
  maxSeconds: number,
): Promise<TelemetryStart> {
  const result = await remote(planTelemetryStart(name, intervalSeconds, maxSeconds));
  return parseTelemetryStart(result.stdout);
}

export async function stopTelemetry(remote: RunRemote, name: string): Promise<{ text: string; samples?: Samples }> {
  const result = await remote(planTelemetryStop(name));
  return telemetryFromStop(result.stdout);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
