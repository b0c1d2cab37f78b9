import { DescribeSpotPriceHistoryCommand, type EC2Client, type _InstanceType } from "@aws-sdk/client-ec2";
import { GetProductsCommand, type Filter, type PricingClient } from "@aws-sdk/client-pricing";
import type { Market } from "../config/inputs.js";
import { ON_DEMAND_PRICE_TABLE } from "../evidence/cost.js";
import type { Price } from "../evidence/results.js";
import { awsErrorCode } from "./retry.js";

export type { Price, PriceSource } from "../evidence/results.js";

/**
 * The Price List filters for one Linux instance type's on-demand hourly price in a region: shared
 * tenancy, no pre-installed software (no SQL Server), capacity status Used (not an unused or
 * allocated capacity reservation). Exactly these narrow the EC2 price list to one product.
 */
export function onDemandFilters(instanceType: string, region: string): Filter[] {
  const match = (Field: string, Value: string): Filter => ({ Type: "TERM_MATCH", Field, Value });
  return [
    match("instanceType", instanceType),
    match("regionCode", region),
    match("operatingSystem", "Linux"),
    match("tenancy", "Shared"),
    match("preInstalledSw", "NA"),
    match("capacitystatus", "Used"),
  ];
}

/** One PriceList entry as the Price List API returns it: a JSON document, as a string. */
interface PriceListProduct {
  product?: { sku?: string; attributes?: Record<string, string> };
  terms?: {
    OnDemand?: Record<
      string,
      {
        effectiveDate?: string;
        priceDimensions?: Record<string, { unit?: string; pricePerUnit?: Record<string, string> }>;
      }
    >;
  };
  publicationDate?: string;
}

export class PriceLookupError extends Error {
  override name = "PriceLookupError";
}

/**
 * The hourly on-demand USD price in a GetProducts PriceList (each item a JSON string, as the API
 * sends it): the OnDemand term's price dimension in "Hrs". Returns the price, the term's effective
 * date and the SKU. Throws PriceLookupError when no product carries such a price, or when the
 * products left by the filters disagree (the filters did not narrow the list to one price).
 */
export function parseOnDemandPriceList(priceList: readonly unknown[]): { perHourUsd: number; effectiveAt?: string; sku?: string } {
  const found: Array<{ perHourUsd: number; effectiveAt?: string; sku?: string }> = [];
  for (const item of priceList) {
    const doc = (typeof item === "string" ? JSON.parse(item) : JSON.parse(String(item))) as PriceListProduct;
    for (const term of Object.values(doc.terms?.OnDemand ?? {})) {
      for (const dimension of Object.values(term.priceDimensions ?? {})) {
        const usd = Number(dimension.pricePerUnit?.USD);
        if (dimension.unit === "Hrs" && Number.isFinite(usd) && usd > 0)
          found.push({ perHourUsd: usd, effectiveAt: term.effectiveDate, sku: doc.product?.sku });
      }
    }
  }
  if (found.length === 0) throw new PriceLookupError(`no product with an hourly on-demand USD price among ${priceList.length}`);
  const distinct = new Set(found.map((f) => f.perHourUsd));
  if (distinct.size > 1)
    throw new PriceLookupError(`the filters left ${distinct.size} different prices (${[...distinct].join(", ")} USD/h)`);
  return found[0]!;
}

/** On-demand price of a Linux instance type in a region, from the Price List API. Throws on any failure. */
export async function onDemandPriceFromApi(pricing: PricingClient, instanceType: string, region: string, now: Date): Promise<Price> {
  const out = await pricing.send(
    new GetProductsCommand({
      ServiceCode: "AmazonEC2",
      Filters: onDemandFilters(instanceType, region),
      FormatVersion: "aws_v1",
      MaxResults: 10,
    }),
  );
  const parsed = parseOnDemandPriceList(out.PriceList ?? []);
  return {
    market: "on-demand",
    perHourUsd: parsed.perHourUsd,
    source: "aws-price-list-api",
    detail: `AWS Price List API (GetProducts, endpoint ${await pricing.config.region()}): ${instanceType}, ${region}, Linux, shared tenancy, no pre-installed software${parsed.sku ? `, SKU ${parsed.sku}` : ""}`,
    fetchedAt: now.toISOString(),
    effectiveAt: parsed.effectiveAt,
  };
}

/**
 * The latest Linux/UNIX spot price of an instance type, from DescribeSpotPriceHistory (StartTime
 * now: AWS answers with the price in effect now, one per zone). With a zone, that zone's price;
 * without, the highest over the region's zones (an upper bound before the zone is known).
 * Throws PriceLookupError when EC2 lists no price.
 */
export async function spotPriceFromHistory(
  ec2: EC2Client,
  instanceType: string,
  where: { region: string; availabilityZone?: string },
  now: Date,
): Promise<Price> {
  const latest = new Map<string, { usd: number; at: Date }>();
  let token: string | undefined;
  do {
    const out = await ec2.send(
      new DescribeSpotPriceHistoryCommand({
        InstanceTypes: [instanceType as _InstanceType],
        ProductDescriptions: ["Linux/UNIX"],
        AvailabilityZone: where.availabilityZone,
        StartTime: now,
        NextToken: token,
      }),
    );
    for (const p of out.SpotPriceHistory ?? []) {
      const usd = Number(p.SpotPrice);
      const zone = p.AvailabilityZone ?? "";
      if (!Number.isFinite(usd) || !p.Timestamp || (where.availabilityZone && zone !== where.availabilityZone)) continue;
      const seen = latest.get(zone);
      if (!seen || p.Timestamp > seen.at) latest.set(zone, { usd, at: p.Timestamp });
    }
    token = out.NextToken || undefined;
  } while (token);
  if (latest.size === 0)
    throw new PriceLookupError(`EC2 lists no Linux/UNIX spot price for ${instanceType} in ${where.availabilityZone ?? where.region}`);
  const [zone, best] = [...latest].reduce((a, b) => (b[1].usd > a[1].usd ? b : a));
  return {
    market: "spot",
    perHourUsd: best.usd,
    source: "ec2-spot-price-history",
    detail: where.availabilityZone
      ? `EC2 DescribeSpotPriceHistory: ${instanceType}, Linux/UNIX, ${zone}, latest`
      : `EC2 DescribeSpotPriceHistory: ${instanceType}, Linux/UNIX, highest latest price over ${latest.size} zone(s) of ${where.region} (${zone})`,
    fetchedAt: now.toISOString(),
    effectiveAt: best.at.toISOString(),
  };
}

/** The dated table's on-demand price, labelled as such; undefined when the table has none for the type. */
export function tablePrice(instanceType: string, region: string, why: string): Price | undefined {
  const usd = ON_DEMAND_PRICE_TABLE.perHourUsd[instanceType];
  if (usd === undefined) return undefined;
  const elsewhere = region !== ON_DEMAND_PRICE_TABLE.region ? `; a ${ON_DEMAND_PRICE_TABLE.region} price, ${region} may differ` : "";
  return {
    market: "on-demand",
    perHourUsd: usd,
    source: "dated-table",
    detail: `${ON_DEMAND_PRICE_TABLE.source}, as of ${ON_DEMAND_PRICE_TABLE.asOf} (built-in table, used because ${why}${elsewhere})`,
    effectiveAt: ON_DEMAND_PRICE_TABLE.asOf,
  };
}

export interface PriceDeps {
  pricing: PricingClient;
  ec2: EC2Client;
  region: string;
  now: () => Date;
  /** Called once per fallback with the reason, so the log says a price is not the API's. */
  warn: (message: string) => void;
}

function reason(error: unknown): string {
  const code = awsErrorCode(error);
  return code ? `${code}: ${(error as Error).message}` : (error as Error).message;
}

/** The on-demand price: the Price List API's, else the dated table's (with a warning), else undefined. */
export async function onDemandPrice(deps: PriceDeps, instanceType: string): Promise<Price | undefined> {
  try {
    return await onDemandPriceFromApi(deps.pricing, instanceType, deps.region, deps.now());
  } catch (error) {
    const why = `the Price List API gave no price (${reason(error)})`;
    const table = tablePrice(instanceType, deps.region, why);
    deps.warn(
      table
        ? `On-demand price of ${instanceType}: ${why}; using the built-in table (${ON_DEMAND_PRICE_TABLE.asOf}) instead. Allow pricing:GetProducts to get current prices.`
        : `On-demand price of ${instanceType}: ${why}, and the built-in table has none: the cost stays unknown.`,
    );
    return table;
  }
}

/**
 * The price for a market. Spot: the zone's latest spot price; when EC2 gives none, the on-demand
 * price as an upper bound (spot never charges more than on-demand by default), labelled so.
 */
export async function priceFor(
  deps: PriceDeps,
  instanceType: string,
  market: Market,
  availabilityZone?: string,
): Promise<Price | undefined> {
  if (market === "on-demand") return onDemandPrice(deps, instanceType);
  try {
    return await spotPriceFromHistory(deps.ec2, instanceType, { region: deps.region, availabilityZone }, deps.now());
  } catch (error) {
    const why = `DescribeSpotPriceHistory gave no spot price (${reason(error)})`;
    deps.warn(
      `Spot price of ${instanceType}: ${why}; using the on-demand price as an upper bound. Allow ec2:DescribeSpotPriceHistory to get it.`,
    );
    const onDemand = await onDemandPrice(deps, instanceType);
    return onDemand && { ...onDemand, market: "spot", detail: `upper bound: the on-demand price, because ${why}. ${onDemand.detail}` };
  }
}
