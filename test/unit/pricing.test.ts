import { DescribeSpotPriceHistoryCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetProductsCommand, PricingClient } from "@aws-sdk/client-pricing";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createClients, destroyClients, pricingRegionFor } from "../../src/cloud/clients.js";
import { onDemandFilters, onDemandPrice, parseOnDemandPriceList, priceFor, type PriceDeps } from "../../src/cloud/pricing.js";
import { ON_DEMAND_PRICE_TABLE, estimateCost } from "../../src/evidence/cost.js";
import { Results } from "../../src/evidence/results.js";
import { awsError } from "../support/fakes.js";

/** A PriceList item in the shape GetProducts returns it (a JSON document as a string), as for g5.xlarge in us-east-1. */
function priceListItem(usd: string, extra: { unit?: string; sku?: string } = {}): string {
  const sku = extra.sku ?? "8M8WZ9UX3NBQRNTW";
  return JSON.stringify({
    product: {
      productFamily: "Compute Instance",
      attributes: {
        instanceType: "g5.xlarge",
        regionCode: "us-east-1",
        operatingSystem: "Linux",
        tenancy: "Shared",
        capacitystatus: "Used",
      },
      sku,
    },
    serviceCode: "AmazonEC2",
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          priceDimensions: {
            [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
              unit: extra.unit ?? "Hrs",
              endRange: "Inf",
              description: `$${usd} per On Demand Linux g5.xlarge Instance Hour`,
              appliesTo: [],
              beginRange: "0",
              pricePerUnit: { USD: usd },
            },
          },
          sku,
          effectiveDate: "2026-11-01T00:00:00Z",
          offerTermCode: "JRTCKXETXF",
          termAttributes: {},
        },
      },
    },
    version: "20261101000000",
    publicationDate: "2026-11-01T00:00:00Z",
  });
}

const pricingMock = mockClient(PricingClient);
const ec2Mock = mockClient(EC2Client);
afterAll(() => {
  pricingMock.restore();
  ec2Mock.restore();
});
beforeEach(() => {
  pricingMock.reset();
  ec2Mock.reset();
});

function deps(region = "us-east-1"): PriceDeps & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    pricing: new PricingClient({ region: pricingRegionFor(region) }),
    ec2: new EC2Client({ region }),
    region,
    now: () => new Date("2026-11-30T06:00:00Z"),
    warn: (m) => warnings.push(m),
    warnings,
  };
}

describe("the Price List API's answer", () => {
  it("gives the OnDemand term's hourly USD price, its effective date and SKU", () => {
    expect(parseOnDemandPriceList([priceListItem("1.0060000000")])).toEqual({
      perHourUsd: 1.006,
      effectiveAt: "2026-11-01T00:00:00Z",
      sku: "8M8WZ9UX3NBQRNTW",
    });
  });

  it("refuses an answer with no hourly price, or one the filters left ambiguous", () => {
    expect(() => parseOnDemandPriceList([])).toThrow(/no product with an hourly on-demand USD price among 0/);
    expect(() => parseOnDemandPriceList([priceListItem("0.10", { unit: "Quantity" })])).toThrow(/no product/);
    expect(() => parseOnDemandPriceList([priceListItem("1.006", { sku: "A" }), priceListItem("1.1066", { sku: "B" })])).toThrow(
      /the filters left 2 different prices \(1.006, 1.1066 USD\/h\)/,
    );
    // The same price under two SKUs is no ambiguity.
    expect(parseOnDemandPriceList([priceListItem("1.006", { sku: "A" }), priceListItem("1.006", { sku: "B" })]).perHourUsd).toBe(1.006);
  });

  it("is asked for Linux, shared tenancy, no pre-installed software, capacity status Used, by type and region code", () => {
    expect(Object.fromEntries(onDemandFilters("g6.xlarge", "eu-west-1").map((f) => [f.Field, f.Value]))).toEqual({
      instanceType: "g6.xlarge",
      regionCode: "eu-west-1",
      operatingSystem: "Linux",
      tenancy: "Shared",
      preInstalledSw: "NA",
      capacitystatus: "Used",
    });
    expect(onDemandFilters("g6.xlarge", "eu-west-1").every((f) => f.Type === "TERM_MATCH")).toBe(true);
  });
});

describe("where the Price List API is asked", () => {
  it("in us-east-1, or ap-south-1 for Asia Pacific, the Middle East and Africa, whatever the run's region", async () => {
    expect(["us-west-2", "us-east-1", "eu-west-1", "ca-central-1", "sa-east-1"].map(pricingRegionFor)).toEqual(Array(5).fill("us-east-1"));
    expect(["ap-northeast-1", "ap-south-1", "me-south-1", "af-south-1"].map(pricingRegionFor)).toEqual(Array(4).fill("ap-south-1"));
    const clients = createClients({ region: "ap-southeast-2", userAgent: "test" });
    try {
      expect(await clients.pricing.config.region()).toBe("ap-south-1");
      expect(await clients.ec2.config.region()).toBe("ap-southeast-2");
    } finally {
      destroyClients(clients);
    }
  });
});

describe("prices with their source, and the fallbacks", () => {
  it("on-demand: the Price List API's price, its endpoint and filters named, read now", async () => {
    pricingMock.on(GetProductsCommand).resolves({ FormatVersion: "aws_v1", PriceList: [priceListItem("1.0060000000")] });
    const d = deps();
    const price = await onDemandPrice(d, "g5.xlarge");
    expect(price).toMatchObject({
      market: "on-demand",
      perHourUsd: 1.006,
      source: "aws-price-list-api",
      fetchedAt: "2026-11-30T06:00:00.000Z",
      effectiveAt: "2026-11-01T00:00:00Z",
    });
    expect(price!.detail).toMatch(/endpoint us-east-1\): g5\.xlarge, us-east-1, Linux/);
    expect(pricingMock.commandCalls(GetProductsCommand)[0]!.args[0].input).toMatchObject({
      ServiceCode: "AmazonEC2",
      FormatVersion: "aws_v1",
    });
    expect(d.warnings).toEqual([]);
  });

  it("on-demand, access denied or offline: the dated table, labelled as such, never silently", async () => {
    pricingMock.on(GetProductsCommand).rejects(awsError("AccessDeniedException", "not authorized to perform: pricing:GetProducts"));
    const d = deps("us-west-2");
    const price = await onDemandPrice(d, "g5.xlarge");
    expect(price).toMatchObject({ market: "on-demand", perHourUsd: 1.006, source: "dated-table", effectiveAt: ON_DEMAND_PRICE_TABLE.asOf });
    expect(price!.fetchedAt).toBeUndefined();
    expect(price!.detail).toContain(ON_DEMAND_PRICE_TABLE.source);
    expect(price!.detail).toMatch(
      /built-in table, used because the Price List API gave no price \(AccessDeniedException.*a us-east-1 price, us-west-2 may differ/,
    );
    expect(d.warnings).toEqual([
      expect.stringMatching(/g5\.xlarge: .*AccessDeniedException.*built-in table \(2025-06\).*Allow pricing:GetProducts/),
    ]);
  });

  it("on-demand, no API and a type the table lacks: no price, and the warning says the cost stays unknown", async () => {
    pricingMock
      .on(GetProductsCommand)
      .rejects(Object.assign(new Error("getaddrinfo ENOTFOUND api.pricing.us-east-1.amazonaws.com"), { name: "Error" }));
    const d = deps();
    expect(await onDemandPrice(d, "p5.48xlarge")).toBeUndefined();
    expect(d.warnings[0]).toMatch(/ENOTFOUND.*the built-in table has none: the cost stays unknown/);
  });

  it("spot: the latest price of the zone actually used", async () => {
    ec2Mock.on(DescribeSpotPriceHistoryCommand).resolves({
      SpotPriceHistory: [
        {
          AvailabilityZone: "us-east-1b",
          InstanceType: "g5.xlarge",
          ProductDescription: "Linux/UNIX",
          SpotPrice: "0.410000",
          Timestamp: new Date("2026-11-30T02:00:00Z"),
        },
        {
          AvailabilityZone: "us-east-1b",
          InstanceType: "g5.xlarge",
          ProductDescription: "Linux/UNIX",
          SpotPrice: "0.395300",
          Timestamp: new Date("2026-11-30T05:00:00Z"),
        },
      ],
    });
    const price = await priceFor(deps(), "g5.xlarge", "spot", "us-east-1b");
    expect(price).toMatchObject({
      market: "spot",
      perHourUsd: 0.3953,
      source: "ec2-spot-price-history",
      effectiveAt: "2026-11-30T05:00:00.000Z",
    });
    expect(ec2Mock.commandCalls(DescribeSpotPriceHistoryCommand)[0]!.args[0].input).toMatchObject({
      InstanceTypes: ["g5.xlarge"],
      ProductDescriptions: ["Linux/UNIX"],
      AvailabilityZone: "us-east-1b",
      StartTime: new Date("2026-11-30T06:00:00Z"),
    });
  });

  it("spot before the zone is known: the highest latest price over the region's zones", async () => {
    ec2Mock.on(DescribeSpotPriceHistoryCommand).resolves({
      SpotPriceHistory: [
        { AvailabilityZone: "us-east-1a", SpotPrice: "0.3", Timestamp: new Date("2026-11-30T05:00:00Z") },
        { AvailabilityZone: "us-east-1c", SpotPrice: "0.5", Timestamp: new Date("2026-11-30T05:00:00Z") },
      ],
    });
    const price = await priceFor(deps(), "g5.xlarge", "spot");
    expect(price).toMatchObject({ perHourUsd: 0.5 });
    expect(price!.detail).toMatch(/highest latest price over 2 zone\(s\) of us-east-1 \(us-east-1c\)/);
  });

  it("spot, access denied: the on-demand price as an upper bound, labelled as such", async () => {
    ec2Mock
      .on(DescribeSpotPriceHistoryCommand)
      .rejects(awsError("UnauthorizedOperation", "You are not authorized to perform this operation."));
    pricingMock.on(GetProductsCommand).resolves({ PriceList: [priceListItem("1.0060000000")] });
    const d = deps();
    const price = await priceFor(d, "g5.xlarge", "spot", "us-east-1a");
    expect(price).toMatchObject({ market: "spot", perHourUsd: 1.006, source: "aws-price-list-api" });
    expect(price!.detail).toMatch(
      /^upper bound: the on-demand price, because DescribeSpotPriceHistory gave no spot price \(UnauthorizedOperation/,
    );
    expect(d.warnings).toEqual([expect.stringMatching(/Allow ec2:DescribeSpotPriceHistory/)]);
  });
});

describe("the cost in the report", () => {
  it("is instance-seconds × the recorded price of the market used, and names where and when the price was read", () => {
    const results = Results.parse({
      schemaVersion: 1,
      tool: { name: "gpu-bench", version: "0" },
      run: { id: "1", attempt: 1, startedAt: "2026-11-30T06:00:00.000Z" },
      suite: { name: "s", hash: "h" },
      instance: {
        id: "i-0123456789abcdef0",
        type: "g5.xlarge",
        availabilityZone: "us-east-1b",
        region: "us-east-1",
        market: "spot",
        amiId: "ami-0123456789abcdef0",
        launchedAt: "2026-11-30T06:00:00.000Z",
        terminatedAt: "2026-11-30T06:30:00.000Z",
        pricePerHourUsd: 0.4,
        price: {
          market: "spot",
          perHourUsd: 0.4,
          source: "ec2-spot-price-history",
          detail: "EC2 DescribeSpotPriceHistory: g5.xlarge, Linux/UNIX, us-east-1b, latest",
          fetchedAt: "2026-11-30T06:01:00.000Z",
          effectiveAt: "2026-11-30T05:00:00.000Z",
        },
        onDemandPrice: { market: "on-demand", perHourUsd: 1.006, source: "dated-table", detail: "table", effectiveAt: "2025-06" },
      },
      phases: [],
      workloads: [],
      outcome: { status: "succeeded" },
    });
    const cost = estimateCost(results, Date.parse("2026-11-30T07:00:00Z"));
    expect(cost).toMatchObject({ market: "spot", seconds: 1800, billedSeconds: 1800, pricePerHourUsd: 0.4, onDemandPerHourUsd: 1.006 });
    expect(cost.usd).toBeCloseTo(0.2, 10);
    expect(cost.priceSource).toBe(
      "EC2 DescribeSpotPriceHistory: g5.xlarge, Linux/UNIX, us-east-1b, latest; read 2026-11-30T06:01:00.000Z, effective 2026-11-30T05:00:00.000Z",
    );
  });
});
