import type { CredentialStore } from "./credentials.js";
import type { Faults } from "./faults.js";
import { header, JsonServiceError as PricingError, jsonServiceReply, type Handler } from "./http.js";
import { ACCOUNT_ID } from "./ids.js";
import { priceListProducts } from "./prices.js";

/**
 * The AWS Price List Query API (JSON 1.1, X-Amz-Target AWSPriceListService.<Action>), GetProducts
 * only: TERM_MATCH filters on product attributes, pages of MaxResults (1-100, default 100), each
 * PriceList item a JSON document sent as a string, as the real service sends it.
 */

type Json = Record<string, unknown>;

export function pricingHandler(credentials: CredentialStore, faults: Faults): Handler {
  const products = priceListProducts();

  function getProducts(input: Json, accessKeyId: string | undefined): Json {
    if (faults.denyPriceList) {
      throw new PricingError(
        "AccessDeniedException",
        `User: arn:aws:sts::${ACCOUNT_ID}:assumed-role/gpu-bench/${accessKeyId ?? "session"} is not authorized to perform: pricing:GetProducts because no identity-based policy allows the pricing:GetProducts action`,
      );
    }
    const serviceCode = input.ServiceCode;
    if (serviceCode !== "AmazonEC2") {
      throw new PricingError(
        serviceCode === undefined ? "InvalidParameterException" : "NotFoundException",
        serviceCode === undefined ? "Input validation error: ServiceCode is required" : `Service ${String(serviceCode)} not found`,
      );
    }
    const formatVersion = input.FormatVersion ?? "aws_v1";
    if (formatVersion !== "aws_v1") throw new PricingError("InvalidParameterException", `Invalid FormatVersion: ${String(formatVersion)}`);
    const filters = (input.Filters as Array<{ Type?: string; Field?: string; Value?: string }> | undefined) ?? [];
    for (const f of filters) {
      if (f.Type !== "TERM_MATCH" && f.Type !== "EQUALS")
        throw new PricingError("InvalidParameterException", `The stand-in's GetProducts takes TERM_MATCH filters, got ${String(f.Type)}`);
      if (!f.Field || f.Value === undefined)
        throw new PricingError("InvalidParameterException", "Input validation error: Filter Field and Value are required");
    }
    const maxResults = input.MaxResults === undefined ? 100 : Number(input.MaxResults);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)
      throw new PricingError(
        "InvalidParameterException",
        `Input validation error: MaxResults must be between 1 and 100, got ${String(input.MaxResults)}`,
      );
    const matching = products.filter((p) => filters.every((f) => p.attributes[f.Field!] === f.Value));
    const token = input.NextToken === undefined ? undefined : String(input.NextToken);
    const start =
      token === undefined
        ? 0
        : Number(
            Buffer.from(token, "base64")
              .toString("utf8")
              .replace(/^offset:/, ""),
          );
    if (!Number.isInteger(start) || start < 0) throw new PricingError("InvalidNextTokenException", "The NextToken is invalid");
    const page = matching.slice(start, start + maxResults);
    const next = start + page.length < matching.length ? Buffer.from(`offset:${start + page.length}`).toString("base64") : undefined;
    return { FormatVersion: "aws_v1", PriceList: page.map((p) => p.json), ...(next ? { NextToken: next } : {}) };
  }

  return (req) => {
    const target = header(req, "x-amz-target") ?? "";
    const action = target.replace(/^AWSPriceListService\./, "") || "unknown";
    return jsonServiceReply({
      action,
      auth: credentials.authenticate(req),
      messageKey: "Message",
      serve: (accessKeyId) => {
        if (!target.startsWith("AWSPriceListService.") || action !== "GetProducts")
          throw new PricingError("UnknownOperationException", `The stand-in's Price List API has GetProducts only, not ${action}`);
        return getProducts(JSON.parse(req.body.toString("utf8") || "{}") as Json, accessKeyId);
      },
    });
  };
}
