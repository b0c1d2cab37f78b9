import type { LaunchCandidate } from "../cloud/ec2.js";
import type { Market } from "../config/inputs.js";
import type { Price } from "../evidence/results.js";
import type { Clock } from "../runtime/clock.js";

/** Linux instances are billed per second with a 60-second minimum (as in evidence/cost.ts). */
const MINIMUM_BILLED_SECONDS = 60;

/** The most an instance at `perHourUsd` can cost in `ttlMinutes` (it powers itself off then), in USD. */
export function worstCaseUsd(perHourUsd: number, ttlMinutes: number): number {
  return (perHourUsd * Math.max(MINIMUM_BILLED_SECONDS, ttlMinutes * 60)) / 3600;
}

/** Spend so far, in USD, of an instance launched at `launchedAtMs`: billed seconds × price. */
export function spentUsd(perHourUsd: number, launchedAtMs: number, nowMs: number): number {
  const seconds = Math.max(MINIMUM_BILLED_SECONDS, (nowMs - launchedAtMs) / 1000);
  return (perHourUsd * seconds) / 3600;
}

/** max-cost-usd refused the run before launch, or stopped it during the run. */
export class BudgetError extends Error {
  override name = "BudgetError";
}

const usd = (n: number) => `$${n.toFixed(2)}`;
const hourly = (n: number) => `$${Number(n.toPrecision(6))}/h`;

/** One market's pass over the candidates: what the launch loop tries, in order. */
export interface LaunchPass {
  market: Market;
  candidates: LaunchCandidate[];
}

/**
 * Keeps the candidates whose price × ttl-minutes fits max-cost-usd (a type without a known price
 * does not fit: the budget could not be kept). `priceOf` gives the price of a type in a market
 * (spot: the highest over the region's zones, as the zone is not known yet). Returns the passes
 * with what is left and one line per candidate type left out; throws a BudgetError naming the
 * budget, the prices, ttl-minutes and the fixes when nothing is left.
 */
export async function candidatesWithinBudget(
  passes: readonly LaunchPass[],
  budget: { maxCostUsd: number; ttlMinutes: number },
  priceOf: (instanceType: string, market: Market) => Promise<Price | undefined>,
): Promise<{ passes: LaunchPass[]; leftOut: string[]; worstCaseUsd: number }> {
  const kept: LaunchPass[] = [];
  const leftOut: string[] = [];
  let cheapest: { worst: number; perHour: number } | undefined;
  let highestKept = 0;
  for (const pass of passes) {
    const fits = new Set<string>();
    for (const type of new Set(pass.candidates.map((c) => c.instanceType))) {
      const price = await priceOf(type, pass.market);
      if (!price) {
        leftOut.push(`${pass.market} ${type}: no price known, so the budget could not be kept`);
        continue;
      }
      const worst = worstCaseUsd(price.perHourUsd, budget.ttlMinutes);
      if (!cheapest || worst < cheapest.worst) cheapest = { worst, perHour: price.perHourUsd };
      const line = `${pass.market} ${type}: ${hourly(price.perHourUsd)} (${price.source}) × ${budget.ttlMinutes} min = ${usd(worst)}`;
      if (worst > budget.maxCostUsd) leftOut.push(line);
      else {
        fits.add(type);
        highestKept = Math.max(highestKept, worst);
      }
    }
    const candidates = pass.candidates.filter((c) => fits.has(c.instanceType));
    if (candidates.length > 0) kept.push({ market: pass.market, candidates });
  }
  if (kept.length === 0) {
    const fixes = [`raise 'max-cost-usd'${cheapest ? ` to at least ${usd(Math.ceil(cheapest.worst * 100) / 100)}` : ""}`];
    if (cheapest) {
      const minutes = Math.floor((budget.maxCostUsd / cheapest.perHour) * 60);
      if (minutes >= 5) fixes.push(`lower 'ttl-minutes' to ${minutes} or less`);
    }
    fixes.push("list a cheaper type in 'instance-types'");
    throw new BudgetError(
      `'max-cost-usd' is ${usd(budget.maxCostUsd)}, but every candidate could cost more before 'ttl-minutes' (${budget.ttlMinutes}) ends it ` +
        `(price per hour × ttl-minutes):\n${leftOut.map((l) => `  - ${l}`).join("\n")}\nNothing was launched. To run: ${fixes.join(", or ")}.`,
    );
  }
  return { passes: kept, leftOut, worstCaseUsd: highestKept };
}

/**
 * The budget during the run: from the instance's launch and price, the moment its spend reaches
 * max-cost-usd. Checked between steps (clock-based); the lifecycle also cuts each step's timeout to it.
 */
export class BudgetGuard {
  /** Epoch ms at which the spend reaches the budget. */
  readonly endsAt: number;

  constructor(
    private readonly clock: Clock,
    readonly maxCostUsd: number,
    readonly perHourUsd: number,
    launchedAtMs: number,
  ) {
    this.endsAt = launchedAtMs + (maxCostUsd / perHourUsd) * 3_600_000;
  }

  reached(): boolean {
    return this.clock.now() >= this.endsAt;
  }

  /** Throws a BudgetError naming the budget, the price and the step that will not start, once the spend reached the budget. */
  check(step: string): void {
    if (this.reached()) throw new BudgetError(this.message(step));
  }

  message(step: string): string {
    return (
      `'max-cost-usd' (${usd(this.maxCostUsd)}) was reached at ${new Date(this.endsAt).toISOString()} ` +
      `(${hourly(this.perHourUsd)}): the budget stopped the run before '${step}' finished and sent it to cleanup. ` +
      `Raise 'max-cost-usd' to run the whole suite.`
    );
  }
}
