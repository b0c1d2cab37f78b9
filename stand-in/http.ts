import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Authentication } from "./credentials.js";
import { newRequestId } from "./ids.js";

export type ServiceName = "ec2" | "ssm" | "sts" | "s3" | "oidc" | "pricing";

/** One call a client made to the stand-in, as AWS CloudTrail would see it. */
export interface CallRecord {
  service: ServiceName;
  action: string;
  /** From the SigV4 Authorization header; absent for unsigned calls. */
  accessKeyId?: string;
  at: Date;
  status: number;
  errorCode?: string;
}

export interface Request {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** For the call record. */
  action: string;
  accessKeyId?: string;
  errorCode?: string;
}

export type Handler = (req: Request) => Promise<Reply> | Reply;

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export function header(req: Request, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The access key and session token a SigV4-signed request (header or presigned query) carries. */
export function sigV4Identity(req: Request): { accessKeyId: string; sessionToken?: string } | undefined {
  const authorization = header(req, "authorization");
  const credential =
    /Credential=([^/,\s]+)\//.exec(authorization ?? "")?.[1] ?? req.url.searchParams.get("X-Amz-Credential")?.split("/")[0];
  if (!credential) return undefined;
  const sessionToken = header(req, "x-amz-security-token") ?? req.url.searchParams.get("X-Amz-Security-Token") ?? undefined;
  return { accessKeyId: credential, sessionToken };
}

/** An error of an AWS JSON 1.1 service (SSM, the Price List API): code (`__type`), message, HTTP status. */
export class JsonServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface JsonServiceCall {
  /** The operation's name for the call record (from X-Amz-Target). */
  action: string;
  /** The request's credentials as the stand-in's credential store judged them. */
  auth: Authentication;
  /** How the service spells the error message's key: SSM `message`, the Price List API `Message`. */
  messageKey: "message" | "Message";
  /** The operation, given the caller's access key: the reply object (200), or a JsonServiceError thrown. */
  serve: (accessKeyId: string | undefined) => unknown;
}

/**
 * One request to an AWS JSON 1.1 service (content type application/x-amz-json-1.1, a request id
 * header): refused credentials fail as AWS fails them (MissingAuthenticationTokenException,
 * UnrecognizedClientException, ExpiredTokenException, 400); otherwise `serve` answers. A
 * JsonServiceError thrown by either becomes AWS's error reply, `{"__type": code, <messageKey>:
 * message}` with its status and the code in the call record; any other error propagates (the
 * server answers 500).
 */
export function jsonServiceReply(call: JsonServiceCall): Reply {
  const { action, auth } = call;
  const accessKeyId = auth.accessKeyId;
  const headers = { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": newRequestId() };
  try {
    if (!auth.ok) {
      throw {
        missing: new JsonServiceError("MissingAuthenticationTokenException", "Missing Authentication Token"),
        unknown: new JsonServiceError("UnrecognizedClientException", "The security token included in the request is invalid."),
        expired: new JsonServiceError("ExpiredTokenException", "The security token included in the request is expired"),
      }[auth.reason];
    }
    return { status: 200, headers, body: JSON.stringify(call.serve(accessKeyId)), action, accessKeyId };
  } catch (error) {
    if (!(error instanceof JsonServiceError)) throw error;
    const body = JSON.stringify({ __type: error.code, [call.messageKey]: error.message });
    return { status: error.status, headers, body, action, accessKeyId, errorCode: error.code };
  }
}

export async function startServer(
  service: ServiceName,
  handler: Handler,
  record: (call: CallRecord) => void | Promise<void>,
): Promise<RunningServer> {
  const server: Server = createServer((incoming, res) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const req: Request = {
        method: incoming.method ?? "GET",
        url: new URL(incoming.url ?? "/", "http://127.0.0.1"),
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      Promise.resolve()
        .then(() => handler(req))
        .catch((error: unknown) => ({
          status: 500,
          body: `stand-in ${service} failed: ${String(error)}`,
          action: "unknown",
          errorCode: "InternalError",
        }))
        .then(async (reply: Reply) => {
          // Recorded before the reply leaves: a test can act (kill the caller) in that window.
          await record({
            service,
            action: reply.action,
            accessKeyId: reply.accessKeyId,
            at: new Date(),
            status: reply.status,
            errorCode: reply.errorCode,
          });
          res.writeHead(reply.status, reply.headers);
          res.end(req.method === "HEAD" ? undefined : reply.body);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
