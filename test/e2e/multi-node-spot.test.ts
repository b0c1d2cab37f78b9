import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lastLines } from "../../src/cloud/remote-script.js";
import { Results } from "../../src/evidence/results.js";
import type { StandIn } from "../../stand-in/index.js";
import { ActionJob } from "./action-process.js";
import { CHAOS_INPUTS, instancesLeftAlive } from "./chaos-runner.js";
import { NO_HANG_TO_WAIT_FOR, useLifecycleStandIn } from "./lifecycle-stand-in.js";

/** A multi-node run on spot whose second node AWS reclaims: the bundles against the stand-in. */

let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s), NO_HANG_TO_WAIT_FOR);

/** Runs `suite` on spot, has AWS reclaim node 1 once `when` appears in main's log; returns node 1's id and the results. */
async function reclaimNode1(suite: string, when: RegExp) {
  const job = new ActionJob({ ...standIn.env }, { ...CHAOS_INPUTS, "market-type": "spot", suite });
  const main = job.main();
  // A loaded machine (a full test run on two cores) has taken over 60 s to get there.
  const deadline = Date.now() + 150_000;
  while (!when.test(main.output()) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
  expect(when.test(main.output()), `main's log never showed ${String(when)}:\n${tail(main.output())}`).toBe(true);
  const launched = [...main.output().matchAll(/Launched (i-\w+), (i-\w+) \(/g)].at(-1)!;
  const node1 = launched[2]!;
  standIn.interruptSpot(node1, 0);
  const exit = await main.exited;
  await job.post().exited;
  expect(exit.code, main.output()).toBe(1);
  const results = Results.parse(JSON.parse(readFileSync(job.outputs()["results-path"]!, "utf8")));
  expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
  return { node1, results, log: main.output() };
}

/** The last lines of main's log, for a failure's message. */
const tail = (log: string) => lastLines(log, 60);

const interruption = (id: string) =>
  new RegExp(
    `^Spot interruption \\(Server\\.SpotInstanceTermination\\): AWS reclaimed spot instance ${id} \\(node 1, g5\\.2xlarge, us-west-2[a-d]\\)`,
  );

describe("market-type spot with several nodes", () => {
  it("names node 1's spot interruption when AWS reclaims it during the bootstrap, not SSM's raw error, and leaves nothing running", async () => {
    // Once both nodes run and their dead-man switches are armed, AWS reclaims the second.
    const { node1, results, log } = await reclaimNode1("test/fixtures/suites/multi-node.yaml", /✓ dead-man switch/);
    expect(results.outcome.message, tail(log)).toMatch(interruption(node1));
  }, 180_000);

  it("names it at once when AWS reclaims node 1 while node 0's cluster check waits, not after the check's limit", async () => {
    // Node 0's check of the cluster hangs (to its limit: 540 SSM seconds, 54 s here); node 1's bootstrap has ended.
    standIn.faults.hangCommands(1, { scriptIncludes: "CLUSTER_READY_TIMEOUT" });
    const { node1, results, log } = await reclaimNode1("test/fixtures/suites/multi-node.yaml", /Agent node \(joined https:/);
    expect(results.outcome.message, tail(log)).toMatch(interruption(node1));
    // EC2, watched while the cluster forms, said so: the check was not waited out.
    expect(log, tail(log)).toMatch(new RegExp(`Node 1 \\(${node1}\\) is (shutting-down|terminated) \\(.*\\) while the cluster forms`));
    expect(log).not.toMatch(/cluster-ready.*(timed out|TimedOut|no final status)/i);
  }, 180_000);

  it("names it too when the workload across both nodes failed for it, rather than only the workload's own failure", async () => {
    const { node1, results, log } = await reclaimNode1("test/fixtures/suites/multi-node-distributed.yaml", /group::workload allreduce/);
    expect(results.outcome).toMatchObject({ status: "failed" });
    expect(results.outcome.message, tail(log)).toMatch(interruption(node1));
  }, 300_000);
});
