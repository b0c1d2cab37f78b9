import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { PlatformApiError, PlatformClient, retryAfterMs, type TokenSource } from "../../src/platform/client.js";
import { PlatformApi, PlatformTimeoutError } from "../../src/platform/api.js";
import { RADIX } from "../../src/platform/radix.js";
import { platformTokenSource } from "../../src/platform/auth.js";
import { MemoryLog } from "../../src/runtime/log.js";
import type { Clock } from "../../src/runtime/clock.js";

const BASE = "https://platform.example.com";
let agent: MockAgent;
let slept: number[];
let now: number;
const clock: Clock = {
  now: () => now,
  sleep: async (ms) => {
    slept.push(ms);
    now += ms;
  },
};

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  slept = [];
  now = 1_800_000_000_000;
});
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

function client(auth: TokenSource = { token: async () => "tok-1" }, log = new MemoryLog()) {
  let n = 0;
  return new PlatformClient({ baseUrl: BASE, dispatcher: agent, auth, clock, log, random: () => 0.5, idempotencyKey: () => `key-${++n}` });
}

const Id = z.object({ id: z.string() });

describe("platform API client", () => {
  it("sends the bearer token and an Idempotency-Key on a POST, the same key on its retries", async () => {
    const pool = agent.get(BASE);
    const keys: string[] = [];
    const seen = (opts: { headers?: unknown }) => {
      const h = opts.headers as Record<string, string>;
      keys.push(`${h["idempotency-key"]} ${h.authorization}`);
    };
    pool
      .intercept({ path: "/v1/clusters", method: "POST", body: JSON.stringify({ name: "gpu-bench" }) })
      .reply((opts) => (seen(opts), { statusCode: 503, data: "busy" }));
    pool.intercept({ path: "/v1/clusters", method: "POST" }).reply((opts) => (seen(opts), { statusCode: 201, data: { id: "c-1" } }));
    expect(await client().request("POST", "/v1/clusters", { name: "gpu-bench" }, Id)).toEqual({ id: "c-1" });
    expect(keys).toEqual(["key-1 Bearer tok-1", "key-1 Bearer tok-1"]);
    expect(slept).toEqual([250]);
  });

  it("a described step's PUT, PATCH or POST-as-delete: PATCH gets an Idempotency-Key, PUT (idempotent itself) none; a 404 on the delete is 'already gone'", async () => {
    const pool = agent.get(BASE);
    const keys: (string | undefined)[] = [];
    const seen = (opts: { headers?: unknown }) => void keys.push((opts.headers as Record<string, string>)["idempotency-key"]);
    pool
      .intercept({ path: "/w/1", method: "PATCH", body: JSON.stringify({ a: 1 }) })
      .reply((o) => (seen(o), { statusCode: 200, data: { id: "1" } }));
    pool.intercept({ path: "/w/1", method: "PUT" }).reply((o) => (seen(o), { statusCode: 200, data: { id: "1" } }));
    pool.intercept({ path: "/w/1/archive", method: "POST" }).reply(404, { message: "no such workspace" });
    const c = client();
    expect(await c.request("PATCH", "/w/1", { a: 1 }, Id)).toEqual({ id: "1" });
    expect(await c.request("PUT", "/w/1", { a: 1 }, Id)).toEqual({ id: "1" });
    expect(keys).toEqual(["key-1", undefined]);
    expect(await c.delete("/w/1/archive", undefined, "POST")).toBe(false);
  });

  it("honours Retry-After on 429", async () => {
    const pool = agent.get(BASE);
    pool.intercept({ path: "/v1/clusters/c-1", method: "GET" }).reply(429, "slow down", { headers: { "retry-after": "7" } });
    pool.intercept({ path: "/v1/clusters/c-1", method: "GET" }).reply(200, { id: "c-1" });
    await client().request("GET", "/v1/clusters/c-1", undefined, Id);
    expect(slept).toEqual([7000]);
    expect(retryAfterMs("Thu, 01 Jan 2027 00:00:10 GMT", Date.parse("Thu, 01 Jan 2027 00:00:00 GMT"))).toBe(10_000);
  });

  it("refreshes the token once on 401 and retries with the new one", async () => {
    const pool = agent.get(BASE);
    pool
      .intercept({ path: "/v1/clusters/c-1", method: "GET", headers: { authorization: "Bearer old" } })
      .reply(401, { message: "expired" });
    pool.intercept({ path: "/v1/clusters/c-1", method: "GET", headers: { authorization: "Bearer new" } }).reply(200, { id: "c-1" });
    let refreshes = 0;
    const auth = { token: async () => "old", refresh: async () => (refreshes++, "new") };
    expect(await client(auth).request("GET", "/v1/clusters/c-1", undefined, Id)).toEqual({ id: "c-1" });
    expect(refreshes).toBe(1);
  });

  it("fails on a second 401, naming method, path and status, with tokens redacted from the excerpt", async () => {
    const pool = agent.get(BASE);
    const leaked = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    pool
      .intercept({ path: "/v1/clusters", method: "POST" })
      .reply(401, `{"message":"bad token tok-1","token":"onboard-secret","echo":"${leaked}"}`)
      .times(2);
    const error = (await client({ token: async () => "tok-1", refresh: async () => "tok-1" })
      .request("POST", "/v1/clusters", { name: "x" }, Id)
      .catch((e: unknown) => e)) as PlatformApiError;
    expect(error).toBeInstanceOf(PlatformApiError);
    expect(error.message).toMatch(/^Platform API POST \/v1\/clusters answered HTTP 401 \(the token was refused again after a refresh\)/);
    expect(error.message).not.toContain("tok-1");
    expect(error.message).not.toContain("onboard-secret");
    expect(error.message).not.toContain(leaked);
  });

  it("gives up after five 5xx answers and says how many", async () => {
    agent.get(BASE).intercept({ path: "/v1/clusters", method: "GET" }).reply(502, "bad gateway").times(5);
    await expect(client().request("GET", "/v1/clusters", undefined, Id)).rejects.toThrow(
      /GET \/v1\/clusters answered HTTP 502 5 times: bad gateway/,
    );
    expect(slept).toHaveLength(4);
  });

  it("refuses a reply that does not match the schema, naming the field", async () => {
    agent.get(BASE).intercept({ path: "/v1/clusters", method: "POST" }).reply(200, { identifier: "c-1" });
    await expect(client().request("POST", "/v1/clusters", {}, Id)).rejects.toThrow(
      /POST \/v1\/clusters answered HTTP 200 with an unexpected body \(id: /,
    );
  });

  it("times out a reply that never comes", async () => {
    agent.get(BASE).intercept({ path: "/v1/clusters", method: "GET" }).reply(200, { id: "x" }).delay(500).times(2);
    const c = new PlatformClient({
      baseUrl: BASE,
      dispatcher: agent,
      auth: { token: async () => undefined },
      clock,
      log: new MemoryLog(),
      timeoutMs: 50,
      attempts: 2,
      random: () => 0,
    });
    await expect(c.request("GET", "/v1/clusters", undefined, Id)).rejects.toThrow(
      /GET \/v1\/clusters failed without a reply .* after 2 attempts/,
    );
  });
});

describe("radix preset API", () => {
  it("creates a cluster, masks its onboarding token, waits for active, runs a job and deletes the cluster", async () => {
    const pool = agent.get(BASE);
    pool.intercept({ path: "/v1/clusters", method: "POST" }).reply(201, { id: "c-9" });
    pool.intercept({ path: "/v1/clusters/c-9/onboarding-token", method: "POST" }).reply(201, { token: "onboard-xyz" });
    pool.intercept({ path: "/v1/clusters/c-9", method: "GET" }).reply(200, { id: "c-9", status: "pending" }).times(2);
    pool.intercept({ path: "/v1/clusters/c-9", method: "GET" }).reply(200, { id: "c-9", status: "active" });
    pool
      .intercept({ path: "/v1/clusters/c-9/jobs", method: "POST", body: JSON.stringify({ type: "resnet50", params: { epochs: 1 } }) })
      .reply(201, { id: "j-1" });
    pool.intercept({ path: "/v1/clusters/c-9/jobs/j-1", method: "GET" }).reply(200, { id: "j-1", status: "running" });
    pool
      .intercept({ path: "/v1/clusters/c-9/jobs/j-1", method: "GET" })
      .reply(200, { id: "j-1", status: "succeeded", metrics: { throughput: 812.5, duration_seconds: 61 } });
    pool.intercept({ path: "/v1/clusters/c-9", method: "DELETE" }).reply(204, "");
    const log = new MemoryLog();
    const radix = new PlatformApi(client(undefined, log), RADIX, clock, log);
    const id = await radix.createCluster("gpu-bench");
    expect(await radix.onboardingToken(id)).toBe("onboard-xyz");
    expect(log.masked.has("onboard-xyz")).toBe(true);
    expect(await radix.waitActive(id, 60_000)).toBe(4000);
    const job = await radix.waitJob(id, await radix.submitJob(id, "resnet50", { epochs: 1 }), 60_000);
    expect(job.metrics).toEqual({ throughput: 812.5, duration_seconds: 61 });
    expect(await radix.deleteCluster(id)).toBe(true);
  });

  it("bounds the wait for active and says the agent did not connect", async () => {
    agent.get(BASE).intercept({ path: "/v1/clusters/c-9", method: "GET" }).reply(200, { id: "c-9", status: "pending" }).persist();
    const radix = new PlatformApi(client(), RADIX, clock, new MemoryLog());
    await expect(radix.waitActive("c-9", 10_000)).rejects.toThrow(PlatformTimeoutError);
    agent.get(BASE).cleanMocks();
  });

  it("a cluster in a failed status ends the wait at once; a job that never ends times out with its last status", async () => {
    const pool = agent.get(BASE);
    pool.intercept({ path: "/v1/clusters/c-9", method: "GET" }).reply(200, { id: "c-9", status: "error" });
    pool.intercept({ path: "/v1/clusters/c-9/jobs/j-1", method: "GET" }).reply(200, { id: "j-1", status: "running" }).persist();
    const radix = new PlatformApi(client(), RADIX, clock, new MemoryLog());
    await expect(radix.waitActive("c-9", 60_000)).rejects.toThrow("Platform cluster c-9 went to status 'error' instead of active.");
    const timedOut = radix.waitJob("c-9", "j-1", 10_000);
    await expect(timedOut).rejects.toThrow(PlatformTimeoutError);
    await expect(timedOut).rejects.toThrow("Platform job j-1 did not finish within 10 s (status 'running').");
    agent.get(BASE).cleanMocks();
  });

  it("counts a cluster already gone as deleted and reports a failing delete", async () => {
    const pool = agent.get(BASE);
    pool.intercept({ path: "/v1/clusters/gone", method: "DELETE" }).reply(404, { message: "not found" });
    pool.intercept({ path: "/v1/clusters/stuck", method: "DELETE" }).reply(409, { message: "cluster busy" });
    const radix = new PlatformApi(client(), RADIX, clock, new MemoryLog());
    expect(await radix.deleteCluster("gone")).toBe(false);
    await expect(radix.deleteCluster("stuck")).rejects.toThrow(
      /DELETE \/v1\/clusters\/stuck answered HTTP 409: \{"message":"cluster busy"\}/,
    );
  });
});

describe("platform auth modes", () => {
  it("bearer masks the given token; github-oidc asks for a fresh OIDC token for the audience after a 401; none sends no header", async () => {
    const log = new MemoryLog();
    const bearer = await platformTokenSource({ kind: "bearer", token: "static-tok" }, { clock, log });
    expect(await bearer.token()).toBe("static-tok");
    expect(log.masked.has("static-tok")).toBe(true);

    const audiences: string[] = [];
    const oidc = await platformTokenSource(
      { kind: "github-oidc", audience: "platform.example.com" },
      {
        clock,
        log,
        idToken: async (aud) => (audiences.push(aud), `oidc-${audiences.length}`),
      },
    );
    expect(await oidc.token()).toBe("oidc-1");
    expect(await oidc.refresh!()).toBe("oidc-2");
    expect(audiences).toEqual(["platform.example.com", "platform.example.com"]);
    expect(log.masked.has("oidc-2")).toBe(true);

    await expect(platformTokenSource({ kind: "github-oidc", audience: "x" }, { clock, log })).rejects.toThrow(/id-token: write/);

    agent
      .get(BASE)
      .intercept({ path: "/v1/clusters", method: "GET", headers: (h) => !("authorization" in h) })
      .reply(200, { id: "anon" });
    const none = await platformTokenSource({ kind: "none" }, { clock, log });
    expect(await client(none).request("GET", "/v1/clusters", undefined, Id)).toEqual({ id: "anon" });
  });
});
