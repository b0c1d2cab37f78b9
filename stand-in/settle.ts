import type { StandIn } from "./index.js";

/**
 * Instances (of one run, when its id is given) that are not terminated once those shutting down
 * have had time to finish: shutting-down is where TerminateInstances leaves an instance, not a leak.
 */
export async function instancesLeftAlive(standIn: StandIn, runId?: string): Promise<string[]> {
  const ofRun = () => standIn.instances().filter((i) => runId === undefined || i.tags["gpu-bench:run-id"] === runId);
  for (let waited = 0; waited < 3000 && ofRun().some((i) => i.state === "shutting-down"); waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return ofRun()
    .filter((i) => i.state !== "terminated")
    .map((i) => `${i.id} (${i.state})`);
}

/**
 * Instances (of one run, when its id is given) that a program other than the one that launched
 * them terminated: one job cleaning up another's instance. Needs AWS_SDK_UA_APP_ID per job.
 */
export function instancesOverTerminated(standIn: StandIn, runId?: string): string[] {
  return standIn
    .instances()
    .filter((i) => runId === undefined || i.tags["gpu-bench:run-id"] === runId)
    .filter((i) => i.terminatedBy !== undefined && i.terminatedBy !== i.launchedBy)
    .map((i) => `${i.id} (launched by ${i.launchedBy ?? "?"}, terminated by ${i.terminatedBy || "?"})`);
}
