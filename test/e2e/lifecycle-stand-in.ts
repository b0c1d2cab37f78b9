import { afterAll, beforeAll, beforeEach } from "vitest";
import type { StandIn } from "../../stand-in/index.js";
import { ActionJob } from "./action-process.js";
import { CHAOS_INPUTS, instancesLeftAlive, instancesOverTerminated, startLifecycleStandIn } from "./chaos-runner.js";

/**
 * One lifecycle stand-in per test file: started before the file's tests, stopped after them, its
 * faults reset before each test. `set` receives it once started.
 *
 * `executionSecondMs`: milliseconds of real time per second of an SSM command's executionTimeout.
 * The default, 20, makes a hanging command meet its limit in a fiftieth of the time, which is what
 * the lifecycle and fault tests want. It compresses the limit of every command, though, not its
 * work: a step that really computes (torch on the CPU: gloo DDP, an all-reduce sweep) keeps its
 * real duration while its limit, the run's remaining TTL (~1,650 s), shrinks to ~33 s, which a
 * loaded 2-core machine overruns. A file whose commands do real work passes 1000 (SSM's own
 * seconds) and bounds a hang by the workload's own `timeoutMinutes`, which job.sh counts in real
 * seconds. A file of whole runs that waits for no hang passes NO_HANG_TO_WAIT_FOR: a tenth, so
 * the platform agent's 150–240 s limit is 15–24 s real, not the 3–4.8 s a slower machine overran,
 * and node 0's cluster-ready step (540 s, waiting while the agents bootstrap) is 54 s, not 10.8 s.
 */
export { NO_HANG_TO_WAIT_FOR } from "./chaos-runner.js";

export function useLifecycleStandIn(
  set: (standIn: StandIn) => void,
  { executionSecondMs = 20 }: { executionSecondMs?: number } = {},
): void {
  let standIn: StandIn | undefined;
  beforeAll(async () => {
    standIn = await startLifecycleStandIn();
    set(standIn);
  });
  afterAll(async () => {
    await standIn?.stop();
  });
  beforeEach(() => {
    standIn!.faults.reset();
    standIn!.faults.executionSecondMs = executionSecondMs;
  });
}

/**
 * One whole job on `standIn`: main, then the post step, as the runner runs them; `during` sees the
 * job and main's process as soon as main starts (to kill it, say). Returns both exits and logs and
 * the run's instances still alive after the post step, and other runs' instances it terminated.
 */
export async function lifecycle(
  standIn: StandIn,
  inputs: Record<string, string> = {},
  during?: (job: ActionJob, main: ReturnType<ActionJob["main"]>) => void,
) {
  const job = new ActionJob({ ...standIn.env }, { ...CHAOS_INPUTS, ...inputs });
  const main = job.main();
  during?.(job, main);
  const mainExit = await main.exited;
  const post = job.post();
  const postExit = await post.exited;
  return {
    job,
    mainExit,
    postExit,
    mainLog: main.output(),
    postLog: post.output(),
    alive: await instancesLeftAlive(standIn, job.runId),
    overTerminated: instancesOverTerminated(standIn, job.runId),
  };
}

/** The stand-in's instances launched by run `runId` (any state). */
export function runInstances(standIn: StandIn, runId: string) {
  return standIn.instances().filter((i) => i.tags["gpu-bench:run-id"] === runId);
}
