import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Results } from "../../src/evidence/results.js";
import type { StandIn } from "../../stand-in/index.js";
import { ActionJob } from "./action-process.js";
import { CHAOS_INPUTS, instancesLeftAlive } from "./chaos-runner.js";
import { useLifecycleStandIn } from "./lifecycle-stand-in.js";

/** A multi-node run on spot whose second node AWS reclaims: the bundles against the stand-in. */

let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s));

describe("market-type spot with several nodes", () => {
  it("names node 1's spot interruption when AWS reclaims it, not only node 0's, and leaves nothing running", async () => {
    const job = new ActionJob(
      { ...standIn.env },
      { ...CHAOS_INPUTS, "market-type": "spot", suite: "test/fixtures/suites/multi-node.yaml" },
    );
    const main = job.main();
    // Once both nodes run and their dead-man switches are armed, AWS reclaims the second.
    const deadline = Date.now() + 60_000;
    while (!/✓ dead-man switch/.test(main.output()) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    const launched = [...main.output().matchAll(/Launched (i-\w+), (i-\w+) \(/g)].at(-1)!;
    const ids = [launched[1]!, launched[2]!];
    standIn.interruptSpot(ids[1]!, 0);
    const exit = await main.exited;
    await job.post().exited;
    expect(exit.code, main.output()).toBe(1);
    const results = Results.parse(JSON.parse(readFileSync(job.outputs()["results-path"]!, "utf8")));
    expect(results.outcome.message).toMatch(
      new RegExp(
        `^Spot interruption \\(Server\\.SpotInstanceTermination\\): AWS reclaimed spot instance ${ids[1]} \\(node 1, g5\\.2xlarge, us-west-2[a-d]\\)`,
      ),
    );
    expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
  }, 180_000);
});
