import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cognitoLogin, jwtClaims, REFRESH_MARGIN_MS, type CognitoAuth } from "../../src/auth/cognito.js";
import { createCognitoClient } from "../../src/cloud/clients.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { systemClock, type Clock } from "../../src/runtime/clock.js";
import { startMoto, type MotoServer } from "../conformance/moto-server.js";

/**
 * The real login flows against moto_server's Cognito (a third-party emulator): AdminInitiateAuth,
 * InitiateAuth, NEW_PASSWORD_REQUIRED, REFRESH_TOKEN_AUTH. moto does not check SECRET_HASH; the
 * unit test checks it against an independently computed vector.
 */

const REGION = "us-west-2";
let moto: MotoServer;
let admin: CognitoIdentityProviderClient;
let pool: { id: string; clientId: string; secretClientId: string; secret: string };

const PASSWORD = "Ci-Passw0rd!long";

beforeAll(async () => {
  moto = await startMoto();
  vi.stubEnv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", moto.endpoint);
  vi.stubEnv("AWS_ACCESS_KEY_ID", "testing");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "testing");
  admin = new CognitoIdentityProviderClient({
    region: REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: "t", secretAccessKey: "t" },
  });
  const created = await admin.send(new CreateUserPoolCommand({ PoolName: "gpu-bench-ci" }));
  const id = created.UserPool!.Id!;
  const flows = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] as const;
  const plain = await admin.send(new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: "ci", ExplicitAuthFlows: [...flows] }));
  const withSecret = await admin.send(
    new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: "ci-secret", GenerateSecret: true, ExplicitAuthFlows: [...flows] }),
  );
  pool = {
    id,
    clientId: plain.UserPoolClient!.ClientId!,
    secretClientId: withSecret.UserPoolClient!.ClientId!,
    secret: withSecret.UserPoolClient!.ClientSecret!,
  };
  for (const user of ["ci-user", "disabled-user"]) {
    await admin.send(
      new AdminCreateUserCommand({ UserPoolId: id, Username: user, TemporaryPassword: "Temp-Passw0rd!", MessageAction: "SUPPRESS" }),
    );
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: id, Username: user, Password: PASSWORD, Permanent: true }));
  }
  await admin.send(
    new AdminCreateUserCommand({ UserPoolId: id, Username: "new-user", TemporaryPassword: PASSWORD, MessageAction: "SUPPRESS" }),
  );
  await admin.send(new AdminDisableUserCommand({ UserPoolId: id, Username: "disabled-user" }));
}, 120_000);

afterAll(async () => {
  admin?.destroy();
  vi.unstubAllEnvs();
  await moto?.stop();
});

const authFor = (overrides: Partial<CognitoAuth> = {}): CognitoAuth => ({
  kind: "cognito",
  userPoolId: pool.id,
  poolRegion: REGION,
  clientId: pool.clientId,
  username: "ci-user",
  password: PASSWORD,
  flow: "admin",
  tokenUse: "id",
  ...overrides,
});

async function login(auth: CognitoAuth, clock: Clock = systemClock) {
  const client = createCognitoClient({ region: REGION, userAgent: "gpu-bench-test" });
  const log = new MemoryLog();
  try {
    return { session: await cognitoLogin(auth, { client, clock, log }), log };
  } finally {
    client.destroy();
  }
}

describe("Cognito login against moto_server", () => {
  it("logs in with the admin flow and hands out the ID token, masked at once", async () => {
    const { session, log } = await login(authFor());
    const token = await session.token();
    const claims = jwtClaims(token);
    expect(claims).toMatchObject({ "cognito:username": "ci-user", token_use: "id", aud: pool.clientId });
    expect(log.masked.has(token)).toBe(true);
    expect(log.masked.has(PASSWORD)).toBe(true);
    expect(log.lines.join("\n")).not.toContain(token);
  });

  it("logs in with the user flow and a client secret, and gives the access token with platform-token-use access", async () => {
    const { session } = await login(
      authFor({ flow: "user", clientId: pool.secretClientId, clientSecret: pool.secret, tokenUse: "access" }),
    );
    expect(jwtClaims(await session.token())).toMatchObject({ token_use: "access", client_id: pool.secretClientId });
  });

  it("refreshes with REFRESH_TOKEN_AUTH five minutes before the token expires", async () => {
    let now = Date.now();
    const clock: Clock = { now: () => now, sleep: systemClock.sleep };
    const { session, log } = await login(authFor({ flow: "user", clientId: pool.secretClientId, clientSecret: pool.secret }), clock);
    now = session.expiresAt() - REFRESH_MARGIN_MS + 1000;
    const second = await session.token();
    expect(log.lines.join("\n")).toMatch(/Refreshed the Cognito token/);
    expect(jwtClaims(second)["cognito:username"]).toBe("ci-user");
    expect(log.masked.has(second)).toBe(true);
  });

  it("fails on NEW_PASSWORD_REQUIRED naming the challenge and the fix", async () => {
    await expect(login(authFor({ username: "new-user" }))).rejects.toThrow(/challenge NEW_PASSWORD_REQUIRED.*--permanent/);
  });

  it("names the fix for a wrong password, an unknown user and a disabled user", async () => {
    await expect(login(authFor({ password: "Wrong-Passw0rd!" }))).rejects.toThrow(/NotAuthorizedException.*Not retried/);
    await expect(login(authFor({ username: "nobody" }))).rejects.toThrow(/UserNotFoundException.*has no user 'nobody'/);
    await expect(login(authFor({ username: "disabled-user" }))).rejects.toThrow(/is disabled/);
  });
});
