import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cognitoLogin, type CognitoAuth } from "../../src/auth/cognito.js";
import { createCognitoClient } from "../../src/cloud/clients.js";
import { PlatformClient, type TokenSource } from "../../src/platform/client.js";
import { PlatformApi } from "../../src/platform/api.js";
import { RADIX } from "../../src/platform/radix.js";
import { systemClock, type Clock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { startPlatformStandIn, type PlatformStandIn } from "../../stand-in/platform.js";
import { startMoto, type MotoServer } from "../conformance/moto-server.js";

/**
 * The radix flow against the platform stand-in, whose authorizer verifies real Cognito tokens
 * from moto_server (signature against the pool's JWKS, issuer, client id, token_use, expiry).
 */

const REGION = "us-west-2";
const PASSWORD = "Ci-Passw0rd!long";
let moto: MotoServer;
let auth: CognitoAuth;
let platform: PlatformStandIn;
const dispatcher = new Agent();
const fastClock: Clock = { now: () => Date.now(), sleep: (ms, signal) => systemClock.sleep(Math.min(ms, 20), signal) };

beforeAll(async () => {
  moto = await startMoto();
  vi.stubEnv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", moto.endpoint);
  vi.stubEnv("AWS_ACCESS_KEY_ID", "testing");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "testing");
  const admin = new CognitoIdentityProviderClient({
    region: REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: "t", secretAccessKey: "t" },
  });
  const pool = (await admin.send(new CreateUserPoolCommand({ PoolName: "platform" }))).UserPool!.Id!;
  const clientId = (
    await admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool,
        ClientName: "ci",
        ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      }),
    )
  ).UserPoolClient!.ClientId!;
  await admin.send(
    new AdminCreateUserCommand({ UserPoolId: pool, Username: "ci-user", TemporaryPassword: "Temp-Passw0rd!", MessageAction: "SUPPRESS" }),
  );
  await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: "ci-user", Password: PASSWORD, Permanent: true }));
  admin.destroy();
  auth = {
    kind: "cognito",
    userPoolId: pool,
    poolRegion: REGION,
    clientId,
    username: "ci-user",
    password: PASSWORD,
    flow: "admin",
    tokenUse: "id",
  };
  platform = await startPlatformStandIn({
    jwksUrl: `${moto.endpoint}/${pool}/.well-known/jwks.json`,
    issuer: `https://cognito-idp.${REGION}.amazonaws.com/${pool}`,
    clientId,
    tokenUse: "id",
  });
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await platform?.close();
  await dispatcher.close();
  await moto?.stop();
});

async function radixWith(tokens?: TokenSource) {
  const log = new MemoryLog();
  let source = tokens;
  if (!source) {
    const client = createCognitoClient({ region: REGION, userAgent: "test" });
    const session = await cognitoLogin(auth, { client, clock: systemClock, log });
    client.destroy();
    source = { token: () => session.token(), refresh: () => session.refresh() };
  }
  const client = new PlatformClient({ baseUrl: platform.url, dispatcher, auth: source, clock: fastClock, log, attempts: 3 });
  return { radix: new PlatformApi(client, RADIX, fastClock, log), log };
}

/** Plays the agent's side: registers with the onboarding token, runs queued jobs, reports what it measured. */
async function agentCall(token: string, method: "GET" | "POST", path: string, body?: unknown) {
  const reply = await request(`${platform.url}${path}`, {
    method,
    dispatcher,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(reply.statusCode).toBe(200);
  return (await reply.body.json()) as { jobs?: { id: string; type: string }[] };
}

describe("platform stand-in with a JWT authorizer over moto's Cognito", () => {
  it("runs the radix flow: cluster, onboarding token, agent, active, job with metrics, delete", async () => {
    const { radix } = await radixWith();
    const id = await radix.createCluster("gpu-bench");
    const token = await radix.onboardingToken(id);
    await agentCall(token, "POST", "/v1/agent/register");
    expect(await radix.waitActive(id, 5000, undefined, 10)).toBeGreaterThanOrEqual(0);
    const jobId = await radix.submitJob(id, "resnet50", { epochs: 1 });
    const { jobs } = await agentCall(token, "GET", "/v1/agent/jobs");
    expect(jobs).toEqual([{ id: jobId, type: "resnet50", params: { epochs: 1 } }]);
    await agentCall(token, "POST", `/v1/agent/jobs/${jobId}/result`, {
      status: "succeeded",
      metrics: { throughput: 512, duration_seconds: 30 },
    });
    expect((await radix.waitJob(id, jobId, 5000, undefined, 10)).metrics).toEqual({ throughput: 512, duration_seconds: 30 });
    expect(await radix.deleteCluster(id)).toBe(true);
    expect(platform.deleted).toContain(id);
    expect(platform.calls.filter((c) => c.method === "POST" && !c.path.startsWith("/v1/agent")).every((c) => c.idempotencyKey)).toBe(true);
  });

  it("refuses tokens that are not the pool's: forged, wrong token_use", async () => {
    const forged = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImR1bW15In0.eyJzdWIiOiJ4In0.c2ln";
    const { radix } = await radixWith({ token: async () => forged });
    await expect(radix.createCluster("x")).rejects.toThrow(/POST \/v1\/clusters answered HTTP 401/);
    const client = createCognitoClient({ region: REGION, userAgent: "test" });
    const access = await cognitoLogin({ ...auth, tokenUse: "access" }, { client, clock: systemClock, log: new MemoryLog() });
    client.destroy();
    const wrongUse = await radixWith({ token: () => access.token() });
    await expect(wrongUse.radix.createCluster("x")).rejects.toThrow(/401.*token_use must be id/);
  });

  it("gets through an expired token (refresh once), 429 and 5xx (retried)", async () => {
    const { radix } = await radixWith();
    Object.assign(platform.faults, { expiredToken: 1, throttle: 1, serverErrors: 1 });
    const id = await radix.createCluster("faults");
    expect(platform.clusters.has(id)).toBe(true);
    expect(platform.calls.slice(-4).map((c) => c.status)).toEqual([401, 429, 503, 201]);
    await radix.deleteCluster(id);
  });

  it("times out a cluster that never turns active, and reports a failing delete", async () => {
    const { radix } = await radixWith();
    Object.assign(platform.faults, { neverActive: true, deleteFails: true });
    const id = await radix.createCluster("stuck");
    await agentCall(await radix.onboardingToken(id), "POST", "/v1/agent/register");
    await expect(radix.waitActive(id, 100, undefined, 10)).rejects.toThrow(/was not active after 0 s .*agent did not connect/);
    await expect(radix.deleteCluster(id)).rejects.toThrow(/DELETE \/v1\/clusters\/c-[\w]+ answered HTTP 500 3 times/);
    Object.assign(platform.faults, { neverActive: false, deleteFails: false });
    expect(await radix.deleteCluster(id)).toBe(true);
  });
});
