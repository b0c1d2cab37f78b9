import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

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
