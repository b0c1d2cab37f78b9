import loadgenPy from "../../remote/faults/loadgen.py";
import loadgenTemplate from "../../remote/faults/loadgen-job.yaml";
import loadSh from "../../remote/faults/load.sh";
import type { RemoteScript } from "../cloud/remote-script.js";
import type { FaultLoad } from "../config/faults.js";
import type { LlmServingWorkload } from "../config/suite.js";
import { vllmImage } from "../workloads/llm.js";
import { kubeName, renderManifest } from "../workloads/manifest.js";
import type { ProgressSample, RequestRecord } from "./analysis.js";

/** The load generator's Job of one workload's fault timeline. */
export function loadJobName(w: { id: string }): string {
  return kubeName("faultload", w.id);
}

/** Applies the load generator (remote/faults/loadgen-job.yaml) and waits for its first success. */
export function planLoadStart(
  w: LlmServingWorkload,
  o: { namespace: string; server: string; load: FaultLoad; seconds: number; waitSeconds: number },
): RemoteScript {
  const name = loadJobName(w);
  const manifest = renderManifest(loadgenTemplate, {
    namespace: o.namespace,
    name,
    workloadId: w.id,
    script: loadgenPy,
    image: vllmImage(w),
    args: [
      "--base-url",
      `http://${o.server}.${o.namespace}.svc:8000`,
      "--model",
      w.model,
      "--rate",
      String(o.load.requestRate),
      "--output-len",
      String(o.load.outputLen),
      "--request-timeout",
      String(o.load.requestTimeoutSeconds),
      "--seconds",
      String(Math.ceil(o.seconds)),
    ],
    deadlineSeconds: Math.ceil(o.seconds + o.load.requestTimeoutSeconds + o.waitSeconds + 120),
  });
  return {
    name: `faults-${w.id}-load-start`,
    body: loadSh,
    args: ["start", "manifest.yaml"],
    env: { NAMESPACE: o.namespace, JOB_NAME: name, TIMEOUT_SECONDS: String(o.waitSeconds) },
    files: [{ path: "manifest.yaml", content: manifest }],
    timeoutSeconds: o.waitSeconds + 120,
  };
}

/**
 * Reads what the load generator (or a training job) recorded so far; `stop` also deletes it. `stop`,
 * and `read` after a restart of its container (`restarted`: a node reboot), include the lines of
 * the run before the restart.
 */
export function planLoadRead(
  workloadId: string,
  namespace: string,
  jobName: string,
  action: "read" | "stop",
  restarted = false,
): RemoteScript {
  return {
    name: `faults-${workloadId}-load-${action}`,
    body: loadSh,
    args: [action],
    env: { NAMESPACE: namespace, JOB_NAME: jobName, ...(restarted || action === "stop" ? { PREVIOUS: "1" } : {}) },
    timeoutSeconds: 120,
  };
}

/** The GPU_BENCH_REQ lines of loadgen.py: start end ok ttft status. */
export function parseRequests(stdout: string): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("GPU_BENCH_REQ ")) continue;
    const [start, end, ok, ttft] = line.slice("GPU_BENCH_REQ ".length).split(" ");
    const s = Number(start);
    const e = Number(end);
    if (!Number.isFinite(s) || !Number.isFinite(e)) continue;
    const t = Number(ttft);
    out.push({ start: s, end: e, ok: ok === "1", ...(ok === "1" && Number.isFinite(t) ? { ttftMs: t } : {}) });
  }
  return out;
}

/** The progress records ({"record":"progress","t":…,"images":…}) of resnet50.py --run-seconds. */
export function parseProgress(stdout: string): ProgressSample[] {
  const out: ProgressSample[] = [];
  for (const raw of stdout.split("\n")) {
    const line = raw.startsWith("GPU_BENCH_JSON ") ? raw.slice("GPU_BENCH_JSON ".length) : raw;
    if (!line.startsWith('{"record":"progress"')) continue;
    try {
      const r = JSON.parse(line) as { t?: unknown; images?: unknown };
      if (typeof r.t === "number" && typeof r.images === "number") out.push({ t: r.t, images: r.images });
    } catch {
      // a cut line (the log was read while being written) is left out
    }
  }
  return out;
}
