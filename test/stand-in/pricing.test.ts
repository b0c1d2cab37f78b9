import { DescribeSpotPriceHistoryCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { GetProductsCommand, type PricingClient } from "@aws-sdk/client-pricing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { onDemandFilters, onDemandPriceFromApi, spotPriceFromHistory } from "../../src/cloud/pricing.js";
import { PRICE_LIST_EFFECTIVE, spotPriceUsd, startStandIn, type StandIn } from "../../stand-in/index.js";
import { clients, failure } from "./helpers.js";

/**
 * The stand-in's Price List API and DescribeSpotPriceHistory, through the real SDK clients: the
 * wire shapes the product reads (PriceList items as JSON strings, spotPriceHistorySet items), the
 * filters that narrow the price list to one product, and the errors a role without access gets.
 */

let standIn: StandIn;
let pricing: PricingClient;
let ec2: EC2Client;

beforeAll(async () => {
  standIn = await startStandIn();
  ({ pricing, ec2 } = clients(standIn));
});
afterAll(async () => {
  pricing.destroy();
  ec2.destroy();
  await standIn.stop();
});
beforeEach(() => standIn.faults.reset());

describe("stand-in Price List API (GetProducts)", () => {
  it("answers PriceList items as JSON strings with the product's attributes and OnDemand terms", async () => {
    const out = await pricing.send(
      new GetProductsCommand({ ServiceCode: "AmazonEC2", Filters: onDemandFilters("g5.2xlarge", "us-west-2"), FormatVersion: "aws_v1" }),
    );
    expect(out.FormatVersion).toBe("aws_v1");
    expect(out.PriceList).toHaveLength(1);
    const doc = JSON.parse(String(out.PriceList![0])) as {
      product: { attributes: Record<string, string> };
      terms: {
        OnDemand: Record<
          string,
          { effectiveDate: string; priceDimensions: Record<string, { unit: string; pricePerUnit: { USD: string } }> }
        >;
      };
    };
    expect(doc.product.attributes).toMatchObject({ instanceType: "g5.2xlarge", regionCode: "us-west-2", location: "US West (Oregon)" });
    const [term] = Object.values(doc.terms.OnDemand);
    const [dimension] = Object.values(term!.priceDimensions);
    expect(dimension).toMatchObject({ unit: "Hrs", pricePerUnit: { USD: "1.2120000000" } });
    expect(term!.effectiveDate).toBe(PRICE_LIST_EFFECTIVE);
  });

  it("without the tenancy, software and capacity filters leaves several products at different prices", async () => {
    const loose = await pricing.send(
      new GetProductsCommand({
        ServiceCode: "AmazonEC2",
        Filters: onDemandFilters("g5.2xlarge", "us-west-2").filter((f) => f.Field === "instanceType" || f.Field === "regionCode"),
      }),
    );
    expect(loose.PriceList!.length).toBeGreaterThan(3);
  });

  it("pages with MaxResults and NextToken", async () => {
    const filters = [{ Type: "TERM_MATCH" as const, Field: "instanceType", Value: "g5.xlarge" }];
    const first = await pricing.send(new GetProductsCommand({ ServiceCode: "AmazonEC2", Filters: filters, MaxResults: 5 }));
    expect(first.PriceList).toHaveLength(5);
    expect(first.NextToken).toBeTruthy();
    const second = await pricing.send(
      new GetProductsCommand({ ServiceCode: "AmazonEC2", Filters: filters, MaxResults: 100, NextToken: first.NextToken }),
    );
    expect(new Set([...first.PriceList!, ...second.PriceList!].map(String)).size).toBe(first.PriceList!.length + second.PriceList!.length);
  });

  it("refuses a role without pricing:GetProducts with AccessDeniedException", async () => {
    standIn.faults.denyPriceList = true;
    const error = await failure(
      pricing.send(new GetProductsCommand({ ServiceCode: "AmazonEC2", Filters: onDemandFilters("g5.xlarge", "us-west-2") })),
    );
    expect(error.name).toBe("AccessDeniedException");
    expect(error.message).toMatch(/not authorized to perform: pricing:GetProducts/);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it("answers an unsigned call with the JSON 1.1 error reply, the message key spelled as each service spells it", async () => {
    for (const [url, target, key] of [
      [standIn.env.AWS_ENDPOINT_URL_PRICING, "AWSPriceListService.GetProducts", "Message"],
      [standIn.env.AWS_ENDPOINT_URL_SSM, "AmazonSSM.GetParameter", "message"],
    ] as const) {
      const reply = await fetch(url!, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
        body: "{}",
      });
      expect(reply.status).toBe(400);
      expect(reply.headers.get("content-type")).toBe("application/x-amz-json-1.1");
      expect(reply.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
      expect(await reply.json()).toEqual({ __type: "MissingAuthenticationTokenException", [key]: "Missing Authentication Token" });
    }
  });

  it("gives the product its price with the call and filters named", async () => {
    const price = await onDemandPriceFromApi(pricing, "g5.2xlarge", "us-west-2", new Date("2026-11-30T06:00:00Z"));
    expect(price).toMatchObject({
      market: "on-demand",
      perHourUsd: 1.212,
      source: "aws-price-list-api",
      fetchedAt: "2026-11-30T06:00:00.000Z",
    });
    expect(price.effectiveAt).toBe(PRICE_LIST_EFFECTIVE);
    expect(price.detail).toMatch(/GetProducts, endpoint us-east-1\): g5\.2xlarge, us-west-2, Linux, shared tenancy/);
  });
});

describe("stand-in DescribeSpotPriceHistory", () => {
  it("answers spotPriceHistorySet items; StartTime now gives the price in effect, one per zone", async () => {
    const out = await ec2.send(
      new DescribeSpotPriceHistoryCommand({ InstanceTypes: ["g5.xlarge"], ProductDescriptions: ["Linux/UNIX"], StartTime: new Date() }),
    );
    const items = out.SpotPriceHistory!;
    expect(items.map((i) => i.AvailabilityZone).sort()).toEqual(["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]);
    for (const item of items) {
      expect(item).toMatchObject({ InstanceType: "g5.xlarge", ProductDescription: "Linux/UNIX" });
      expect(Number(item.SpotPrice)).toBe(spotPriceUsd("g5.xlarge", item.AvailabilityZone!));
      expect(item.Timestamp).toBeInstanceOf(Date);
    }
  });

  it("without StartTime lists the history, most recent first, and the product takes the latest of the zone", async () => {
    const out = await ec2.send(new DescribeSpotPriceHistoryCommand({ InstanceTypes: ["g5.xlarge"], AvailabilityZone: "us-west-2b" }));
    expect(out.SpotPriceHistory).toHaveLength(2);
    const [latest, older] = out.SpotPriceHistory!;
    expect(latest!.Timestamp!.getTime()).toBeGreaterThan(older!.Timestamp!.getTime());
    const price = await spotPriceFromHistory(ec2, "g5.xlarge", { region: "us-west-2", availabilityZone: "us-west-2b" }, new Date());
    expect(price).toMatchObject({ market: "spot", source: "ec2-spot-price-history", perHourUsd: spotPriceUsd("g5.xlarge", "us-west-2b") });
    expect(price.effectiveAt).toBe(latest!.Timestamp!.toISOString());
    expect(price.detail).toMatch(/g5\.xlarge, Linux\/UNIX, us-west-2b, latest/);
  });

  it("refuses a role without ec2:DescribeSpotPriceHistory with UnauthorizedOperation", async () => {
    standIn.faults.denySpotPriceHistory = true;
    const error = await failure(ec2.send(new DescribeSpotPriceHistoryCommand({ InstanceTypes: ["g5.xlarge"] })));
    expect(error.name).toBe("UnauthorizedOperation");
    expect(error.$metadata.httpStatusCode).toBe(403);
  });
});
