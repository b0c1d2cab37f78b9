import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, decodeJwt, jwtVerify, errors as joseErrors } from "jose";

/**
 * A local stand-in for a platform API with the radix contract (see src/platform/radix.ts), or with
 * `layout: "workspaces"` another API over the same clusters (examples/platform-custom.yaml), behind
 * a real JWT authorizer: a Cognito token is verified against the Cognito emulator's JWKS
 * (signature), issuer, client id (aud for ID tokens, client_id for access tokens), token_use and
 * expiry. What else it accepts is `trust` (PlatformTrust): fixed bearer tokens, GitHub's OIDC
 * tokens (signature against the issuer's JWKS, issuer, audience, expiry), or no token. The agent side authenticates with the cluster's onboarding token:
 *   POST /v1/agent/register {version?}          → the cluster turns active (and knows the agent's version)
 *   POST /v1/agent/jobs/{jobId}/result {status, metrics} → the job ends with what the agent measured
 *   GET  /v1/agent/jobs                          → the cluster's queued jobs (the agent picks them up)
 */

export interface PlatformFaults {
  /** The next N user calls are refused with 401 as if the token had expired. */
  expiredToken?: number;
  /** The next N user calls answer 429 with Retry-After: 1. */
  throttle?: number;
  /** The next N user calls answer 503. */
  serverErrors?: number;
  /** Registering never makes a cluster active. */
  neverActive?: boolean;
  /** The next N creates answer 504 although the cluster was created (a retry with the same Idempotency-Key meets the same). */
  lostCreateReplies?: number;
  /** DELETE /v1/clusters/{id} answers 500 and keeps the cluster. */
  deleteFails?: boolean;
  /** The next N creates answer 403 (the account's cluster quota) and create nothing. */
  refusedCreates?: number;
  /** Listing the clusters answers 500. */
  listFails?: boolean;
}

/** What the authorizer accepts besides the Cognito pool's tokens; the tests change it between runs. */
export interface PlatformTrust {
  /** Fixed bearer tokens (platform-auth bearer), each to the user it stands for. */
  bearerTokens: Map<string, string>;
  /** GitHub's OIDC tokens with this audience (platform-auth github-oidc); the user is the token's sub. */
  githubOidc?: { issuer: string; jwksUrl: string; audience: string };
  /** A request without a token is the user "anonymous" (platform-auth none). */
  anonymous: boolean;
}

export interface PlatformStandInOptions {
  /** The user pool's JWKS, e.g. moto's <endpoint>/<pool id>/.well-known/jwks.json. */
  jwksUrl: string;
  /** The expected iss claim: https://cognito-idp.<region>.amazonaws.com/<pool id>. */
  issuer: string;
  clientId: string;
  tokenUse: "id" | "access";
  faults?: PlatformFaults;
}

/** One HTTP reply from a route: status code and optional JSON body. */
type Reply = { status: number; body?: unknown };
/** A user-facing API layout: answers one authenticated request for `owner`'s clusters. */
type LayoutRoute = (req: IncomingMessage, method: string, path: string, owner: string) => Promise<Reply>;

interface Job {
  id: string;
  type: string;
  params: Record<string, unknown>;
  status: "queued" | "running" | "succeeded" | "failed";
  metrics?: Record<string, number>;
  message?: string;
}

interface Cluster {
  id: string;
  name: string;
  owner: string;
  status: "pending" | "active";
  createdAt: string;
  /** The version the agent reported when it registered. */
  agentVersion?: string;
  onboardingToken?: string;
  jobs: Map<string, Job>;
}

export interface PlatformStandIn {
  url: string;
  /** Which API the user routes speak: radix (default), or "workspaces" (another layout, for platform-preset custom). */
  layout: "radix" | "workspaces";
  faults: PlatformFaults;
  trust: PlatformTrust;
  clusters: Map<string, Cluster>;
  /** Every request: method, path, status, the Idempotency-Key it carried, the user its token stood for (once authorized), and when it was answered. */
  calls: { method: string; path: string; status: number; idempotencyKey?: string; user?: string; at: Date }[];
  deleted: string[];
  /** Every onboarding token the platform has issued, deleted clusters' included (the chaos script's planted secrets). */
  issuedTokens: string[];
  /**
   * Called after a cluster is created and before the reply that names it is sent (the chaos
   * script kills main there); undefined: none.
   */
  afterCreate?: (cluster: { id: string; name: string }) => Promise<void>;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new HttpError(400, "body is not JSON");
  }
}

export async function startPlatformStandIn(options: PlatformStandInOptions): Promise<PlatformStandIn> {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl));
  const faults: PlatformFaults = { ...options.faults };
  const clusters = new Map<string, Cluster>();
  const calls: PlatformStandIn["calls"] = [];
  const deleted: string[] = [];
  const issuedTokens: string[] = [];
  const trust: PlatformTrust = { bearerTokens: new Map(), anonymous: false };
  const remoteKeys = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  const keysAt = (url: string) => remoteKeys.get(url) ?? remoteKeys.set(url, createRemoteJWKSet(new URL(url))).get(url)!;
  const standIn: PlatformStandIn = {
    url: "",
    layout: "radix",
    faults,
    trust,
    clusters,
    calls,
    deleted,
    issuedTokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const idempotent = new Map<string, Reply>();

  const authorize = async (req: IncomingMessage): Promise<string> => {
    const header = req.headers.authorization;
    if (header === undefined && trust.anonymous) return "anonymous";
    const m = /^Bearer (\S+)$/.exec(header ?? "");
    if (!m) throw new HttpError(401, "missing bearer token");
    if (faults.expiredToken) {
      faults.expiredToken--;
      throw new HttpError(401, "token expired");
    }
    const token = m[1]!;
    const fixed = trust.bearerTokens.get(token);
    if (fixed) return fixed;
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new HttpError(401, "token refused (not a JWT this platform knows)");
    }
    try {
      const github = trust.githubOidc;
      if (github && issuer === github.issuer) {
        const { payload } = await jwtVerify(token, keysAt(github.jwksUrl), {
          issuer: github.issuer,
          audience: github.audience,
          algorithms: ["RS256"],
        });
        return String(payload.sub);
      }
      const { payload } = await jwtVerify(token, jwks, { issuer: options.issuer, algorithms: ["RS256"] });
      if (payload.token_use !== options.tokenUse) throw new HttpError(401, `token_use must be ${options.tokenUse}`);
      const client = options.tokenUse === "id" ? payload.aud : payload.client_id;
      const clients = Array.isArray(client) ? client : [client];
      if (!clients.includes(options.clientId)) throw new HttpError(401, "token was issued to another client");
      return String(payload["cognito:username"] ?? payload.username ?? payload.sub);
    } catch (error) {
      if (error instanceof HttpError) throw error;
      const why = error instanceof joseErrors.JWTExpired ? "token expired" : `token refused (${(error as Error).message})`;
      throw new HttpError(401, why);
    }
  };

  const agentCluster = (req: IncomingMessage): Cluster => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "");
    const cluster = m ? [...clusters.values()].find((c) => c.onboardingToken === m[1]) : undefined;
    if (!cluster) throw new HttpError(401, "unknown onboarding token");
    return cluster;
  };

  const owned = (owner: string, id: string): Cluster => {
    const c = clusters.get(id);
    if (!c || c.owner !== owner) throw new HttpError(404, `no cluster ${id}`);
    return c;
  };

  const userRoute = async (req: IncomingMessage, path: string, as: (user: string) => void): Promise<Reply> => {
    const owner = await authorize(req);
    as(owner);
    if (faults.throttle) {
      faults.throttle--;
      throw new HttpError(429, "rate limited", { "retry-after": "1" });
    }
    if (faults.serverErrors) {
      faults.serverErrors--;
      throw new HttpError(503, "temporarily unavailable");
    }
    const method = req.method ?? "GET";
    return standIn.layout === "workspaces" ? workspacesRoute(req, method, path, owner) : radixRoute(req, method, path, owner);
  };

  // The operations behind both layouts.
  const create = async (owner: string, name: unknown): Promise<Cluster> => {
    if (typeof name !== "string" || !name) throw new HttpError(400, "name is required");
    if (faults.refusedCreates) {
      faults.refusedCreates--;
      throw new HttpError(403, "cluster quota exceeded");
    }
    const id = `c-${randomUUID().slice(0, 8)}`;
    const c: Cluster = { id, name, owner, status: "pending", createdAt: new Date().toISOString(), jobs: new Map() };
    clusters.set(id, c);
    await standIn.afterCreate?.({ id, name });
    return c;
  };
  const issueToken = (c: Cluster): string => {
    c.onboardingToken = `onb_${randomUUID().replace(/-/g, "")}`;
    issuedTokens.push(c.onboardingToken);
    return c.onboardingToken;
  };
  const submit = (c: Cluster, type: unknown, params: unknown): Job => {
    if (c.status !== "active") throw new HttpError(409, "cluster is not active");
    if (typeof type !== "string") throw new HttpError(400, "type is required");
    const job: Job = { id: `j-${randomUUID().slice(0, 8)}`, type, params: (params as Record<string, unknown>) ?? {}, status: "queued" };
    c.jobs.set(job.id, job);
    return job;
  };
  const jobOf = (c: Cluster, id: string): Job => {
    const job = c.jobs.get(id);
    if (!job) throw new HttpError(404, `no job ${id}`);
    return job;
  };
  const remove = (c: Cluster) => {
    if (faults.deleteFails) throw new HttpError(500, "delete failed");
    clusters.delete(c.id);
    deleted.push(c.id);
  };
  const listed = (owner: string) => {
    if (faults.listFails) throw new HttpError(500, "list failed");
    return [...clusters.values()].filter((c) => c.owner === owner);
  };

  /** The radix contract (src/platform/radix.ts). */
  const radixRoute: LayoutRoute = async (req, method, path, owner) => {
    let m: RegExpExecArray | null;
    if (path === "/v1/clusters" && method === "POST")
      return { status: 201, body: { id: (await create(owner, (await readJson(req)).name)).id } };
    if (path === "/v1/clusters" && method === "GET")
      return { status: 200, body: { clusters: listed(owner).map(({ id, name, createdAt }) => ({ id, name, createdAt })) } };
    if ((m = /^\/v1\/clusters\/([\w-]+)\/onboarding-token$/.exec(path)) && method === "POST")
      return { status: 201, body: { token: issueToken(owned(owner, m[1]!)) } };
    if ((m = /^\/v1\/clusters\/([\w-]+)\/jobs$/.exec(path)) && method === "POST") {
      const { type, params } = await readJson(req);
      return { status: 201, body: { id: submit(owned(owner, m[1]!), type, params).id } };
    }
    if ((m = /^\/v1\/clusters\/([\w-]+)\/jobs\/([\w-]+)$/.exec(path)) && method === "GET") {
      const { id, status, metrics, message } = jobOf(owned(owner, m[1]!), m[2]!);
      return { status: 200, body: { id, status, metrics, message } };
    }
    if ((m = /^\/v1\/clusters\/([\w-]+)$/.exec(path))) {
      const c = owned(owner, m[1]!);
      if (method === "GET") return { status: 200, body: { id: c.id, name: c.name, status: c.status, agentVersion: c.agentVersion } };
      if (method === "DELETE") {
        remove(c);
        return { status: 204 };
      }
    }
    throw new HttpError(404, `no route ${method} ${path}`);
  };

  /**
   * Another API over the same clusters, for platform-preset custom (examples/platform-custom.yaml):
   *   POST   /api/v2/workspaces {displayName}                 → {workspace: {uid}}
   *   POST   /api/v2/workspaces/{uid}/agent-tokens             → {data: {secret}}
   *   GET    /api/v2/workspaces/{uid}                          → {workspace: {uid, state: PROVISIONING|READY, agent: {version}}}
   *   POST   /api/v2/workspaces/{uid}/runs {kind, config}      → {run: {uid}}
   *   GET    /api/v2/workspaces/{uid}/runs/{run}               → {run: {uid, phase: RUNNING|COMPLETED|ERROR, error?}}
   *   GET    /api/v2/workspaces/{uid}/runs/{run}/metrics       → {values: {throughput, duration_seconds, …}}
   *   POST   /api/v2/workspaces/{uid}/archive                  → 204 (the workspace is gone)
   *   GET    /api/v2/workspaces                                → {items: [{uid, displayName, created}]}
   */
  const workspacesRoute: LayoutRoute = async (req, method, path, owner) => {
    let m: RegExpExecArray | null;
    const phase = { queued: "RUNNING", running: "RUNNING", succeeded: "COMPLETED", failed: "ERROR" } as const;
    if (path === "/api/v2/workspaces" && method === "POST")
      return { status: 201, body: { workspace: { uid: (await create(owner, (await readJson(req)).displayName)).id } } };
    if (path === "/api/v2/workspaces" && method === "GET")
      return { status: 200, body: { items: listed(owner).map((c) => ({ uid: c.id, displayName: c.name, created: c.createdAt })) } };
    if ((m = /^\/api\/v2\/workspaces\/([\w-]+)\/agent-tokens$/.exec(path)) && method === "POST")
      return { status: 201, body: { data: { secret: issueToken(owned(owner, m[1]!)) } } };
    if ((m = /^\/api\/v2\/workspaces\/([\w-]+)\/archive$/.exec(path)) && method === "POST") {
      remove(owned(owner, m[1]!));
      return { status: 204 };
    }
    if ((m = /^\/api\/v2\/workspaces\/([\w-]+)\/runs$/.exec(path)) && method === "POST") {
      const { kind, config } = await readJson(req);
      return { status: 201, body: { run: { uid: submit(owned(owner, m[1]!), kind, config).id } } };
    }
    if ((m = /^\/api\/v2\/workspaces\/([\w-]+)\/runs\/([\w-]+)\/metrics$/.exec(path)) && method === "GET") {
      const job = jobOf(owned(owner, m[1]!), m[2]!);
      if (job.status !== "succeeded") throw new HttpError(409, "run has not completed");
      return { status: 200, body: { values: job.metrics ?? {} } };
    }
    if ((m = /^\/api\/v2\/workspaces\/([\w-]+)\/runs\/([\w-]+)$/.exec(path)) && method === "GET") {
      const job = jobOf(owned(owner, m[1]!), m[2]!);
      return { status: 200, body: { run: { uid: job.id, phase: phase[job.status], error: job.message } } };
    }
    if ((m = /^\/api\/v2\/workspaces\/([\w-]+)$/.exec(path)) && method === "GET") {
      const c = owned(owner, m[1]!);
      const state = c.status === "active" ? "READY" : "PROVISIONING";
      return {
        status: 200,
        body: { workspace: { uid: c.id, displayName: c.name, state, agent: c.agentVersion ? { version: c.agentVersion } : null } },
      };
    }
    throw new HttpError(404, `no route ${method} ${path}`);
  };

  const agentRoute = async (req: IncomingMessage, path: string): Promise<Reply> => {
    const c = agentCluster(req);
    let m: RegExpExecArray | null;
    if (path === "/v1/agent/register" && req.method === "POST") {
      const { version } = await readJson(req);
      if (typeof version === "string") c.agentVersion = version;
      if (!faults.neverActive) c.status = "active";
      return { status: 200, body: { clusterId: c.id } };
    }
    if (path === "/v1/agent/jobs" && req.method === "GET") {
      const queued = [...c.jobs.values()].filter((j) => j.status === "queued");
      for (const j of queued) j.status = "running";
      return { status: 200, body: { jobs: queued.map(({ id, type, params }) => ({ id, type, params })) } };
    }
    if ((m = /^\/v1\/agent\/jobs\/([\w-]+)\/result$/.exec(path)) && req.method === "POST") {
      const job = c.jobs.get(m[1]!);
      if (!job) throw new HttpError(404, `no job ${m[1]}`);
      const { status, metrics, message } = await readJson(req);
      job.status = status === "succeeded" ? "succeeded" : "failed";
      job.metrics = metrics as Record<string, number> | undefined;
      job.message = typeof message === "string" ? message : undefined;
      return { status: 200, body: {} };
    }
    throw new HttpError(404, `no route ${req.method} ${path}`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const key = req.headers["idempotency-key"] as string | undefined;
    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    let user: string | undefined;
    try {
      const cached = key && req.method === "POST" ? idempotent.get(`${path} ${key}`) : undefined;
      const reply = cached ?? (path.startsWith("/v1/agent/") ? await agentRoute(req, path) : await userRoute(req, path, (u) => (user = u)));
      if (key && req.method === "POST") idempotent.set(`${path} ${key}`, reply);
      const isCreate = req.method === "POST" && (path === "/v1/clusters" || path === "/api/v2/workspaces");
      if (isCreate && reply.status === 201 && faults.lostCreateReplies) {
        faults.lostCreateReplies--;
        throw new HttpError(504, "gateway timeout");
      }
      ({ status, body } = reply);
    } catch (error) {
      status = error instanceof HttpError ? error.status : 500;
      headers = error instanceof HttpError ? error.headers : {};
      body = { message: error instanceof Error ? error.message : String(error) };
    }
    calls.push({ method: req.method ?? "GET", path, status, idempotencyKey: key, user, at: new Date() });
    res.writeHead(status, { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  standIn.url = `http://127.0.0.1:${port}`;
  return standIn;
}
