import type { Budget, Price, Results } from "./results.js";

/**
 * The built-in, dated on-demand price table: used only when the AWS Price List API cannot be
 * asked (offline, or the role lacks pricing:GetProducts), and always labelled as such.
 */
export const ON_DEMAND_PRICE_TABLE = {
  source: "AWS EC2 On-Demand pricing page, US East (N. Virginia), Linux",
  asOf: "2025-06",
  region: "us-east-1",
  perHourUsd: {
    "g4dn.xlarge": 0.526,
    "g4dn.2xlarge": 0.752,
    "g4dn.4xlarge": 1.204,
    "g4dn.8xlarge": 2.176,
    "g4dn.12xlarge": 3.912,
    "g4dn.16xlarge": 4.352,
    "g5.xlarge": 1.006,
    "g5.2xlarge": 1.212,
    "g5.4xlarge": 1.624,
    "g5.8xlarge": 2.448,
    "g5.12xlarge": 5.672,
    "g5.16xlarge": 4.096,
    "g5.24xlarge": 8.144,
    "g5.48xlarge": 16.288,
    "g6.xlarge": 0.8048,
    "g6.2xlarge": 0.9776,
    "g6.4xlarge": 1.3232,
    "g6.8xlarge": 2.0144,
    "g6.12xlarge": 4.6016,
    "g6.16xlarge": 3.3968,
    "g6.24xlarge": 6.6752,
    "g6.48xlarge": 13.3504,
    "g6e.xlarge": 1.861,
    "g6e.2xlarge": 2.24208,
    "g6e.4xlarge": 3.00424,
    "g6e.8xlarge": 4.52856,
    "g6e.12xlarge": 10.49264,
    "g6e.16xlarge": 7.57719,
    "g6e.24xlarge": 15.06559,
    "g6e.48xlarge": 30.13118,
    "p3.2xlarge": 3.06,
    "p3.8xlarge": 12.24,
    "p3.16xlarge": 24.48,
  } as Record<string, number>,
};

/** Linux instances are billed per second with a 60-second minimum. */
const MINIMUM_BILLED_SECONDS = 60;

export interface CostEstimate {
  instanceType?: string;
  market?: "on-demand" | "spot";
  /** Seconds from launch to termination, or to `now` while the instance still runs. */
  seconds?: number;
  /** True when the instance was still running when the evidence was written. */
  running: boolean;
  billedSeconds?: number;
  pricePerHourUsd?: number;
  /** Where the price came from and when, in words. */
  priceSource?: string;
  /** The on-demand price of a spot instance, for what spot saved. */
  onDemandPerHourUsd?: number;
  /** Instances billed: the run's nodes (all one type, one market, one zone); 1 for a one-node run. */
  instances?: number;
  /** All instances together: instances × billed seconds × price. */
  usd?: number;
  /** max-cost-usd and what it did, when set. */
  budget?: Budget;
  notes: string[];
}

/** The provenance of a recorded price in words: the call or table, and when it was read or took effect. */
export function describePrice(price: Price): string {
  const when = [price.fetchedAt && `read ${price.fetchedAt}`, price.effectiveAt && `effective ${price.effectiveAt}`]
    .filter(Boolean)
    .join(", ");
  return `${price.detail}${when ? `; ${when}` : ""}`;
}

/**
 * What the instance cost: instance-seconds (billed per second, 60 s minimum) × the price per hour
 * of the market it actually ran in, as the run recorded it (instance.price: Price List API, spot
 * price history, or the dated table, each labelled); for older results without one, the table.
 */
export function estimateCost(results: Results, nowMs: number): CostEstimate {
  const instance = results.instance;
  if (!instance) return { running: false, budget: results.budget, notes: ["no instance was launched: nothing to pay"] };
  const start = Date.parse(instance.launchedAt);
  const end = instance.terminatedAt ? Date.parse(instance.terminatedAt) : nowMs;
  const seconds = Math.max(0, Math.round((end - start) / 1000));
  const billedSeconds = Math.max(MINIMUM_BILLED_SECONDS, seconds);
  const notes: string[] = [];
  // A multi-node run's nodes share node 0's type, market, zone and lifetime (launched together, terminated together).
  const instances = results.nodes?.length ?? 1;
  if (instances > 1) notes.push(`${instances} instances of ${instance.type}, each for the time shown`);
  let price = instance.pricePerHourUsd;
  let priceSource: string | undefined;
  if (price !== undefined) {
    priceSource = instance.price
      ? describePrice(instance.price)
      : `the price the run recorded for ${instance.market} ${instance.type} in ${instance.region}`;
    if (instance.price?.source === "dated-table") notes.push("the price is the built-in dated table's, not a current AWS price");
  } else {
    price = ON_DEMAND_PRICE_TABLE.perHourUsd[instance.type];
    if (price !== undefined) {
      priceSource = `${ON_DEMAND_PRICE_TABLE.source}, as of ${ON_DEMAND_PRICE_TABLE.asOf}`;
      if (instance.region !== ON_DEMAND_PRICE_TABLE.region)
        notes.push(`list price for ${ON_DEMAND_PRICE_TABLE.region}; ${instance.region} may differ`);
      if (instance.market === "spot")
        notes.push("spot instance: the spot price is usually well below this on-demand price, so this is an upper bound");
    } else {
      notes.push(`no price known for ${instance.type}: the table has none and the run recorded none`);
    }
  }
  if (!instance.terminatedAt)
    notes.push("measured until the evidence was written; termination follows, so the final bill is slightly higher");
  notes.push("EBS volume, data transfer and S3 are not included");
  return {
    instanceType: instance.type,
    market: instance.market,
    seconds,
    running: !instance.terminatedAt,
    billedSeconds,
    pricePerHourUsd: price,
    priceSource,
    onDemandPerHourUsd: instance.market === "spot" ? instance.onDemandPrice?.perHourUsd : undefined,
    instances,
    usd: price !== undefined ? instances * (billedSeconds / 3600) * price : undefined,
    budget: results.budget,
    notes,
  };
}
