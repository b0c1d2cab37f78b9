import type { RemoteScript } from "../cloud/remote-script.js";
import jobSh from "../../remote/workloads/job.sh";
import podWatchSh from "../../remote/workloads/pod-watch.sh";

/** The pod-trouble check job.sh and llm-server-up.sh source from beside themselves. */
export const POD_WATCH_FILE = { path: "pod-watch.sh", content: podWatchSh } as const;

/**
 * The step that applies a Job's manifests, waits for it (bounded, failing fast on pods that can
 * never start), relays its results and deletes it: remote/workloads/job.sh.
 */
export function jobScript(o: {
  name: string;
  namespace: string;
  jobName: string;
  manifest: string;
  waitSeconds: number;
  /** Whose log carries the results when the Job runs several pods (a label selector): e.g. index 0's. */
  logSelector?: string;
}): RemoteScript {
  return {
    name: o.name,
    body: jobSh,
    args: ["manifest.yaml"],
    env: {
      NAMESPACE: o.namespace,
      JOB_NAME: o.jobName,
      TIMEOUT_SECONDS: String(o.waitSeconds),
      ...(o.logSelector ? { LOG_SELECTOR: o.logSelector } : {}),
    },
    files: [{ path: "manifest.yaml", content: o.manifest }, POD_WATCH_FILE],
    // The agent's limit sits above the script's own wait, which collects diagnostics before giving up.
    timeoutSeconds: o.waitSeconds + 600,
  };
}
