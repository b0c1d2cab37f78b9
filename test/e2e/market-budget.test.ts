import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Results } from "../../src/evidence/results.js";
import type { StandIn } from "../../stand-in/index.js";
import { useLifecycleStandIn } from "./lifecycle-stand-in.js";
import { ActionJob } from "./action-process.js";
import { CHAOS_INPUTS, instancesLeftAlive } from "./chaos-runner.js";

/**
 * market-type spot-then-on-demand and max-cost-usd, the bundles run as the runner runs them
 * against the stand-in (whose Price List API prices g5.2xlarge at $1.212/h on demand).
 */

let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s));

async function run(inputs: Record<string, string>) {
  const job = new ActionJob({ ...standIn.env }, { ...CHAOS_INPUTS, ...inputs });
  const main = job.main();
  const mainExit = await main.exited;
  const post = job.post();
  await post.exited;
  const launched = standIn.instances().filter((i) => i.tags["gpu-bench:run-id"] === job.runId);
  const resultsPath = job.outputs()["results-path"];
  const results = resultsPath ? Results.parse(JSON.parse(readFileSync(resultsPath, "utf8"))) : undefined;
  return { job, mainExit, log: main.output(), launched, results, alive: await instancesLeftAlive(standIn, job.runId) };
}

describe("market-type spot-then-on-demand", () => {
  it("tries spot over every type and zone, then launches on demand, and the evidence names the market and its price", async () => {
    standIn.faults.failCapacity({ market: "spot", code: "InsufficientInstanceCapacity" });
    const r = await run({ "market-type": "spot-then-on-demand" });
    expect(r.mainExit.code, r.log).toBe(0);
    // Two types × two subnets on spot, each refused, before the first on-demand candidate.
    const spotRefusals = r.log.match(/in subnet-\w+: InsufficientInstanceCapacity; trying the next candidate/g) ?? [];
    expect(spotRefusals).toHaveLength(4);
    expect(r.log).toMatch(/No spot instance could be launched; trying on-demand over every candidate/);
    expect(r.launched.map((i) => [i.market, i.type])).toEqual([["on-demand", "g5.2xlarge"]]);
    expect(r.results!.instance).toMatchObject({ market: "on-demand", pricePerHourUsd: 1.212, price: { source: "aws-price-list-api" } });
    expect(r.job.summary()).toMatch(/\*\*\$\d+\.\d\d\*\* \(on-demand g5\.2xlarge\)/);
    expect(r.job.summary()).toMatch(/\$1\.212\/h \(AWS Price List API \(GetProducts, endpoint us-east-1\): g5\.2xlarge, us-west-2, Linux/);
    expect(r.alive).toEqual([]);
  }, 180_000);
});

describe("max-cost-usd", () => {
  it("refuses before launch when price × ttl-minutes exceeds it, naming both figures and the fix", async () => {
    const r = await run({ "max-cost-usd": "0.25", "ttl-minutes": "30" });
    expect(r.mainExit.code, r.log).not.toBe(0);
    expect(r.log).toContain("'max-cost-usd' is $0.25, but every candidate could cost more before 'ttl-minutes' (30) ends it");
    expect(r.log).toContain("on-demand g5.2xlarge: $1.212/h (aws-price-list-api) × 30 min = $0.61");
    expect(r.log).toMatch(/Nothing was launched\. To run: raise 'max-cost-usd' to at least \$0\.51, or lower 'ttl-minutes' to 14 or less/);
    expect(r.launched).toEqual([]);
    expect(r.results).toMatchObject({ outcome: { status: "failed", failedPhase: "budget check" }, budget: { maxCostUsd: 0.25 } });
    expect(r.results!.instance).toBeUndefined();
  }, 60_000);

  it("stops the work and cleans up when the spend reaches it during the run, and the evidence says the budget stopped it", async () => {
    // The budget fits the spot price before launch; the moment the instance exists, the price jumps a thousandfold.
    standIn.beforeReply((call) => {
      if (call.action === "RunInstances" && call.status === 200) standIn.faults.spotPriceScale = 1000;
    });
    const r = await run({ "market-type": "spot", "max-cost-usd": "0.50" }).finally(() => standIn.beforeReply(undefined));
    expect(r.mainExit.code, r.log).toBe(1);
    expect(r.launched.map((i) => i.market)).toEqual(["spot"]);
    expect(r.results!.budget).toMatchObject({ maxCostUsd: 0.5, stoppedRun: true });
    expect(r.results!.outcome.message).toMatch(
      /^'max-cost-usd' \(\$0\.50\) was reached at .*: the budget stopped the run before '[^']+' finished and sent it to cleanup/,
    );
    expect(r.job.summary()).toMatch(/the budget stopped the run and sent it to cleanup/);
    expect(r.alive).toEqual([]);
  }, 120_000);
});

describe("market-type spot", () => {
  it("a spot instance AWS reclaims during the run fails it with Server.SpotInstanceTermination named, and nothing is left running", async () => {
    standIn.faults.spotInterruptAfterMs = 400;
    const r = await run({ "market-type": "spot" });
    expect(r.mainExit.code, r.log).toBe(1);
    expect(r.launched.map((i) => [i.market, i.stateReason])).toEqual([["spot", "Server.SpotInstanceTermination"]]);
    expect(r.results!.outcome.message).toMatch(
      /^Spot interruption \(Server\.SpotInstanceTermination\): AWS reclaimed spot instance i-\w+ \(g5\.2xlarge, us-west-2[a-d]\) during '[^']+'\. The results keep the 0 workload\(s\) that finished\./,
    );
    expect(r.results!.instance).toMatchObject({ market: "spot", price: { market: "spot", source: "ec2-spot-price-history" } });
    expect(r.alive).toEqual([]);
  }, 120_000);
});
