import { describe, expect, it } from "vitest";
import { BudgetError, BudgetGuard, candidatesWithinBudget, spentUsd, worstCaseUsd, type LaunchPass } from "../../src/lifecycle/budget.js";
import type { Price } from "../../src/evidence/results.js";
import { instantClock } from "../support/fakes.js";

const price = (perHourUsd: number, market: Price["market"] = "on-demand"): Price => ({
  market,
  perHourUsd,
  source: market === "spot" ? "ec2-spot-price-history" : "aws-price-list-api",
  detail: "test",
});
const PRICES: Record<string, Record<string, number>> = {
  "on-demand": { "g5.2xlarge": 1.212, "g5.xlarge": 1.006, "g4dn.xlarge": 0.526 },
  spot: { "g5.2xlarge": 0.45, "g5.xlarge": 0.38 },
};
const priceOf = async (type: string, market: Price["market"]) => {
  const usd = PRICES[market]?.[type];
  return usd === undefined ? undefined : price(usd, market);
};
const candidates = (...types: string[]) =>
  types.flatMap((instanceType) => ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"].map((subnetId) => ({ instanceType, subnetId })));

describe("max-cost-usd before launch", () => {
  it("the most an instance can cost is its price × ttl-minutes (60 s minimum)", () => {
    expect(worstCaseUsd(1.212, 60)).toBeCloseTo(1.212, 10);
    expect(worstCaseUsd(1.2, 30)).toBeCloseTo(0.6, 10);
    expect(spentUsd(3.6, 0, 10_000)).toBeCloseTo(0.06, 10); // 10 s is billed as 60 s
  });

  it("leaves out the candidates whose price × ttl-minutes exceeds it, and keeps the order of the rest", async () => {
    const passes: LaunchPass[] = [
      { market: "spot", candidates: candidates("g5.2xlarge", "g5.xlarge") },
      { market: "on-demand", candidates: candidates("g5.2xlarge", "g5.xlarge", "g4dn.xlarge") },
    ];
    const checked = await candidatesWithinBudget(passes, { maxCostUsd: 1.1, ttlMinutes: 60 }, priceOf);
    expect(checked.passes).toEqual([
      { market: "spot", candidates: candidates("g5.2xlarge", "g5.xlarge") },
      { market: "on-demand", candidates: candidates("g5.xlarge", "g4dn.xlarge") },
    ]);
    expect(checked.leftOut).toEqual(["on-demand g5.2xlarge: $1.212/h (aws-price-list-api) × 60 min = $1.21"]);
    expect(checked.worstCaseUsd).toBeCloseTo(1.006, 10);
  });

  it("refuses when nothing fits, naming the budget, each price × ttl-minutes and the fixes", async () => {
    const passes: LaunchPass[] = [{ market: "on-demand", candidates: candidates("g5.2xlarge", "g5.xlarge") }];
    const refusal = await candidatesWithinBudget(passes, { maxCostUsd: 0.5, ttlMinutes: 60 }, priceOf).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(BudgetError);
    expect((refusal as Error).message).toBe(
      "'max-cost-usd' is $0.50, but every candidate could cost more before 'ttl-minutes' (60) ends it (price per hour × ttl-minutes):\n" +
        "  - on-demand g5.2xlarge: $1.212/h (aws-price-list-api) × 60 min = $1.21\n" +
        "  - on-demand g5.xlarge: $1.006/h (aws-price-list-api) × 60 min = $1.01\n" +
        "Nothing was launched. To run: raise 'max-cost-usd' to at least $1.01, or lower 'ttl-minutes' to 29 or less, or list a cheaper type in 'instance-types'.",
    );
  });

  it("does not launch a type whose price is unknown: the budget could not be kept", async () => {
    const refusal: unknown = await candidatesWithinBudget(
      [{ market: "on-demand", candidates: candidates("p5.48xlarge") }],
      { maxCostUsd: 100, ttlMinutes: 60 },
      priceOf,
    ).catch((e: unknown) => e);
    expect((refusal as Error).message).toMatch(/on-demand p5\.48xlarge: no price known, so the budget could not be kept/);
  });
});

describe("max-cost-usd during the run", () => {
  it("is reached when billed seconds × price reach it; a step after that is refused, naming the budget", async () => {
    const clock = instantClock(Date.parse("2026-11-30T06:00:00Z"));
    const guard = new BudgetGuard(clock, 0.6, 1.2, clock.now()); // $1.20/h: $0.60 after 30 min
    expect(new Date(guard.endsAt).toISOString()).toBe("2026-11-30T06:30:00.000Z");
    guard.check("workload resnet50");
    await clock.sleep(29 * 60_000);
    expect(guard.reached()).toBe(false);
    await clock.sleep(60_000);
    expect(guard.reached()).toBe(true);
    expect(() => guard.check("workload qwen-serving")).toThrow(
      "'max-cost-usd' ($0.60) was reached at 2026-11-30T06:30:00.000Z ($1.2/h): the budget stopped the run before 'workload qwen-serving' finished and sent it to cleanup. Raise 'max-cost-usd' to run the whole suite.",
    );
  });
});
