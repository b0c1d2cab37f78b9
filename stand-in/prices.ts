import { stableHash, stableHex } from "./ids.js";

/**
 * The stand-in's EC2 prices: Linux on-demand USD per hour for some GPU types, the same in its
 * regions, and per-zone spot prices derived from them. Other variants of each product (Windows,
 * RHEL, SQL Server, dedicated tenancy, capacity reservations) carry other prices, so a query that
 * forgets a filter gets several products and a wrong or ambiguous price, as it would from AWS.
 */
export const STAND_IN_ON_DEMAND_USD: Readonly<Record<string, number>> = {
  "g4dn.xlarge": 0.526,
  "g4dn.2xlarge": 0.752,
  "g5.xlarge": 1.006,
  "g5.2xlarge": 1.212,
  "g5.4xlarge": 1.624,
  "g6.xlarge": 0.8048,
  "g6e.xlarge": 1.861,
};

/** Price List `location` names of the regions the stand-in prices. */
const LOCATIONS: Record<string, string> = {
  "us-east-1": "US East (N. Virginia)",
  "us-west-2": "US West (Oregon)",
  "ap-south-1": "Asia Pacific (Mumbai)",
};

/** The price list's publication and the on-demand terms' effective date. */
export const PRICE_LIST_EFFECTIVE = "2026-11-01T00:00:00Z";

interface Variant {
  operatingSystem: string;
  tenancy: string;
  preInstalledSw: string;
  capacitystatus: string;
  licenseModel: string;
  operation: string;
  price: (base: number) => number;
}

const VARIANTS: Variant[] = [
  {
    operatingSystem: "Linux",
    tenancy: "Shared",
    preInstalledSw: "NA",
    capacitystatus: "Used",
    licenseModel: "No License required",
    operation: "RunInstances",
    price: (b) => b,
  },
  {
    operatingSystem: "Linux",
    tenancy: "Shared",
    preInstalledSw: "NA",
    capacitystatus: "UnusedCapacityReservation",
    licenseModel: "No License required",
    operation: "RunInstances",
    price: (b) => b,
  },
  {
    operatingSystem: "Linux",
    tenancy: "Shared",
    preInstalledSw: "NA",
    capacitystatus: "AllocatedCapacityReservation",
    licenseModel: "No License required",
    operation: "RunInstances",
    price: () => 0,
  },
  {
    operatingSystem: "Linux",
    tenancy: "Dedicated",
    preInstalledSw: "NA",
    capacitystatus: "Used",
    licenseModel: "No License required",
    operation: "RunInstances",
    price: (b) => b * 1.1,
  },
  {
    operatingSystem: "Linux",
    tenancy: "Shared",
    preInstalledSw: "SQL Web",
    capacitystatus: "Used",
    licenseModel: "No License required",
    operation: "RunInstances:0200",
    price: (b) => b + 0.16,
  },
  {
    operatingSystem: "Windows",
    tenancy: "Shared",
    preInstalledSw: "NA",
    capacitystatus: "Used",
    licenseModel: "No License required",
    operation: "RunInstances:0002",
    price: (b) => b + 0.184,
  },
  {
    operatingSystem: "RHEL",
    tenancy: "Shared",
    preInstalledSw: "NA",
    capacitystatus: "Used",
    licenseModel: "No License required",
    operation: "RunInstances:0010",
    price: (b) => b + 0.13,
  },
];

export interface PriceListProduct {
  attributes: Record<string, string>;
  /** The PriceList item: a JSON document, sent as a string. */
  json: string;
}

/** Every EC2 product the stand-in's Price List knows, in the shape GetProducts returns them. */
export function priceListProducts(): PriceListProduct[] {
  const products: PriceListProduct[] = [];
  for (const [regionCode, location] of Object.entries(LOCATIONS)) {
    for (const [instanceType, base] of Object.entries(STAND_IN_ON_DEMAND_USD)) {
      for (const v of VARIANTS) {
        const sku = stableHex(`${regionCode}|${instanceType}|${v.operatingSystem}|${v.tenancy}|${v.preInstalledSw}|${v.capacitystatus}`, 16)
          .toUpperCase()
          .replace(/[0-9]/g, (d) => "QRSTUVWXYZ"[Number(d)]!);
        const attributes: Record<string, string> = {
          servicecode: "AmazonEC2",
          servicename: "Amazon Elastic Compute Cloud",
          productFamily: "Compute Instance",
          instanceType,
          instanceFamily: "GPU instance",
          location,
          locationType: "AWS Region",
          regionCode,
          operatingSystem: v.operatingSystem,
          tenancy: v.tenancy,
          preInstalledSw: v.preInstalledSw,
          capacitystatus: v.capacitystatus,
          licenseModel: v.licenseModel,
          operation: v.operation,
          usagetype: `${regionCode === "us-east-1" ? "" : "USW2-"}${v.tenancy === "Dedicated" ? "DedicatedUsage" : "BoxUsage"}:${instanceType}`,
          marketoption: "OnDemand",
        };
        const usd = v.price(base);
        const offer = "JRTCKXETXF";
        const rate = "6YS6EN2CT7";
        const doc = {
          product: { productFamily: "Compute Instance", attributes, sku },
          serviceCode: "AmazonEC2",
          terms: {
            OnDemand: {
              [`${sku}.${offer}`]: {
                priceDimensions: {
                  [`${sku}.${offer}.${rate}`]: {
                    unit: "Hrs",
                    endRange: "Inf",
                    description: `$${usd.toFixed(4)} per On Demand ${v.operatingSystem} ${instanceType} Instance Hour`,
                    appliesTo: [],
                    rateCode: `${sku}.${offer}.${rate}`,
                    beginRange: "0",
                    pricePerUnit: { USD: usd.toFixed(10) },
                  },
                },
                sku,
                effectiveDate: PRICE_LIST_EFFECTIVE,
                offerTermCode: offer,
                termAttributes: {},
              },
            },
          },
          version: "20261101000000",
          publicationDate: PRICE_LIST_EFFECTIVE,
        };
        products.push({ attributes, json: JSON.stringify(doc) });
      }
    }
  }
  return products;
}

/** A zone's current Linux/UNIX spot price: 30 to 45 % of on-demand, stable per (type, zone). */
export function spotPriceUsd(instanceType: string, az: string): number | undefined {
  const base = STAND_IN_ON_DEMAND_USD[instanceType];
  if (base === undefined) return undefined;
  const fraction = 0.3 + (stableHash(`${instanceType}|${az}`) % 16) / 100;
  return Math.round(base * fraction * 10_000) / 10_000;
}
