import { awsErrorCode } from "./retry.js";

/**
 * Turns the AWS SDK's least helpful failures into one line that names the fix: no credentials
 * (which chain was tried, how to give it a profile or role), a connection refused or a DNS
 * failure (the endpoint and the service), an endpoint answering an empty 404 or an HTML page
 * (the SDK says "Unknown"), a reply the SDK cannot parse (the SDK says "inspect the hidden
 * field"). Every SDK client gets this through the middleware {@link explainErrorsMiddleware}
 * that src/cloud/clients.ts installs, so every log line, phase and report shows the same text.
 */

/** Where a failed call went: the client ("EC2"), the operation, and the endpoint it reached for. */
export interface AwsCall {
  service: string;
  operation: string;
  /** protocol://host[:port] of the last attempt; absent when the call never got that far. */
  endpoint?: string;
}

/** Marks an error whose message this module rewrote, so callers show the message rather than a bare code. */
const EXPLAINED = Symbol.for("gpu-bench.aws-error-explained");

const NETWORK: Record<string, string> = {
  ECONNREFUSED: "connection refused: nothing listens there",
  ENOTFOUND: "DNS lookup failed: no such host",
  EAI_AGAIN: "DNS lookup failed (temporary): no name server answered",
  ETIMEDOUT: "connection timed out",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  CERT_HAS_EXPIRED: "its TLS certificate has expired",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "its TLS certificate cannot be verified (a proxy in the way?)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "its TLS certificate is self-signed (a proxy in the way?)",
  SELF_SIGNED_CERT_IN_CHAIN: "its TLS certificate chain is self-signed (a proxy in the way? set NODE_EXTRA_CA_CERTS)",
};

export const NO_CREDENTIALS_FIX =
  "No AWS credentials found. The SDK's default chain tried, in order: the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), " +
  "the shared files ~/.aws/credentials and ~/.aws/config (profile from AWS_PROFILE, SSO after 'aws sso login'), web identity " +
  "(AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE), then the container and EC2 instance metadata services. Fix: export AWS_PROFILE=<profile> " +
  "(a profile may name a role_arn to assume), or export keys; in a workflow, give 'role-to-assume' and 'permissions: id-token: write', " +
  "or run aws-actions/configure-aws-credentials first.";

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  hostname?: string;
  address?: string;
  port?: number;
  errors?: unknown[];
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

function networkCode(e: SdkErrorShape): { code: string; host?: string } | undefined {
  if (e.code && NETWORK[e.code]) return { code: e.code, host: e.hostname ?? (e.address ? `${e.address}:${e.port ?? ""}` : undefined) };
  // Happy-eyeballs connection attempts fail as an AggregateError of one error per address.
  for (const inner of e.errors ?? []) {
    const found = typeof inner === "object" && inner !== null ? networkCode(inner as SdkErrorShape) : undefined;
    if (found) return found;
  }
  return undefined;
}

function isCredentialsError(e: SdkErrorShape): boolean {
  return e.name === "CredentialsProviderError" || /Could not load credentials from any providers/.test(e.message ?? "");
}

/**
 * The explanation for an SDK error, or undefined when the SDK's own message is already clear
 * (an AWS error code such as AccessDenied or InvalidParameterValue with its message).
 */
export function explainAwsError(error: unknown, call?: AwsCall): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  // Already rewritten by the client's middleware: its message is the explanation (the SDK's
  // "Unknown" that told an empty 404 apart is gone by then).
  if ((error as { [EXPLAINED]?: boolean })[EXPLAINED]) return (error as Error).message;
  const e = error as SdkErrorShape;
  const service = call?.service ?? "AWS";
  const op = call?.operation ? ` to ${call.operation}` : "";
  const at = call?.endpoint ? ` at ${call.endpoint}` : "";
  if (isCredentialsError(e)) return NO_CREDENTIALS_FIX;
  const net = networkCode(e);
  if (net) {
    const where = call?.endpoint ?? net.host ?? "its endpoint";
    return (
      `Could not reach ${service} at ${where} (${net.code}: ${NETWORK[net.code]}). Check the network and 'aws-region'; ` +
      `an endpoint override (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_${service.toUpperCase()}) or HTTPS_PROXY, if set, must point at a live ${service} endpoint.`
    );
  }
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const contentType = e.$response?.headers?.["content-type"] ?? "";
  const parseError = /Deserialization error|XML parse error|is not valid JSON|Unexpected token/.test(e.message ?? "");
  const notAws = `: that is not an AWS ${service} endpoint. Check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_${service.toUpperCase()}, a proxy or captive portal, and 'aws-region'.`;
  if (/text\/html/i.test(contentType) || (parseError && /<(!DOCTYPE|html)|mismatched tags/i.test(e.message ?? ""))) {
    return `${service}${at} answered${op} with an HTML page (HTTP ${status ?? "?"})${notAws}`;
  }
  if (parseError) {
    const detail = (e.message ?? "").split("\n")[0]!.replace(/^@aws-sdk /, "");
    return `${service}${at} sent a reply${op} the SDK could not parse (HTTP ${status ?? "?"}: ${detail})${notAws}`;
  }
  if ((e.message === "Unknown" || e.message === "UnknownError" || e.name === "Unknown" || e.name === "UnknownError") && status) {
    return `${service}${at} answered${op} with HTTP ${status} and no AWS error in the body${notAws}`;
  }
  return undefined;
}

/** Rewrites an SDK error's message in place when {@link explainAwsError} has something better; name, code and metadata stay. */
export function explainInPlace(error: unknown, call?: AwsCall): void {
  const text = explainAwsError(error, call);
  if (!text || typeof error !== "object" || error === null) return;
  const e = error as Error & { [EXPLAINED]?: boolean };
  if (e[EXPLAINED]) return;
  try {
    e.message = text;
    Object.defineProperty(e, EXPLAINED, { value: true, enumerable: false });
  } catch {
    // A frozen error keeps its own message.
  }
}

/**
 * What to print for a failed call inside a longer sentence: the explanation when there is one,
 * else the AWS error code, else the message.
 */
export function awsErrorText(error: unknown): string {
  if (typeof error === "object" && error !== null && (error as { [EXPLAINED]?: boolean })[EXPLAINED]) return (error as Error).message;
  const explained = explainAwsError(error);
  if (explained) return explained;
  return awsErrorCode(error) ?? (error instanceof Error ? error.message : String(error));
}

interface MiddlewareStackLike {
  add(middleware: unknown, options: { step: string; name: string; priority?: string; override?: boolean }): void;
}

/**
 * Installs, on one SDK client, the middleware that records each attempt's endpoint and rewrites
 * the final error's message with {@link explainInPlace}.
 */
export function explainErrorsMiddleware(client: { middlewareStack: object }, service: string): void {
  const stack = client.middlewareStack as MiddlewareStackLike;
  type Ctx = { commandName?: string; gpuBenchEndpoint?: string };
  type Next = (args: { request?: { protocol?: string; hostname?: string; port?: number } }) => Promise<unknown>;
  stack.add(
    (next: Next, context: Ctx) => async (args: Parameters<Next>[0]) => {
      const r = args.request;
      if (r?.hostname) context.gpuBenchEndpoint = `${r.protocol ?? "https:"}//${r.hostname}${r.port ? `:${r.port}` : ""}`;
      return next(args);
    },
    { step: "finalizeRequest", name: "gpuBenchRecordEndpoint", priority: "low", override: true },
  );
  stack.add(
    (next: Next, context: Ctx) => async (args: Parameters<Next>[0]) => {
      try {
        return await next(args);
      } catch (error) {
        explainInPlace(error, {
          service,
          operation: context.commandName?.replace(/Command$/, "") ?? "",
          endpoint: context.gpuBenchEndpoint,
        });
        throw error;
      }
    },
    { step: "initialize", name: "gpuBenchExplainErrors", priority: "high", override: true },
  );
}
