import {
  AdminInitiateAuthCommand,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { cognitoLogin, secretHash, type CognitoAuth } from "../../src/auth/cognito.js";
import { MemoryLog } from "../../src/runtime/log.js";
import type { Clock } from "../../src/runtime/clock.js";

const auth: CognitoAuth = {
  kind: "cognito",
  userPoolId: "us-west-2_AbCdEf123",
  poolRegion: "us-west-2",
  clientId: "3n4b5urk1ft4fl3mg5e62d9ado",
  username: "ci@example.com",
  password: "correct horse battery",
  flow: "admin",
  tokenUse: "id",
};

const clock = (): Clock & { slept: number[] } => {
  const slept: number[] = [];
  return { slept, now: () => 1_800_000_000_000, sleep: async (ms) => void slept.push(ms) };
};

/** A JWT-shaped token (unsigned: these tests never reach a verifier). */
const jwt = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.c2ln`;

const awsError = (name: string, message: string) =>
  new CognitoIdentityProviderServiceException({ name, message, $fault: "client", $metadata: { httpStatusCode: 400 } });

const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());

async function loginError(a: CognitoAuth = auth): Promise<Error> {
  const c = clock();
  const error = await cognitoLogin(a, {
    client: new CognitoIdentityProviderClient({ region: "us-west-2" }),
    clock: c,
    log: new MemoryLog(),
    random: () => 0.5,
  }).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error("expected the login to fail");
  return error;
}

describe("SECRET_HASH", () => {
  it("is base64(HMAC-SHA256(client secret, username + client id)), as computed independently with Python's hmac", () => {
    // python3 -c "import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b'clientsecret123', b'alice@example.com3n4b5urk1ft4fl3mg5e62d9ado', hashlib.sha256).digest()).decode())"
    expect(secretHash("alice@example.com", "3n4b5urk1ft4fl3mg5e62d9ado", "clientsecret123")).toBe(
      "LddvAAfBASBKiC5uzjpLPgyvVLn+Tp13BVH9x0VX04g=",
    );
  });
});

describe("Cognito login errors", () => {
  it("never retries a refused password: five refusals lock the user out", async () => {
    cognito.on(AdminInitiateAuthCommand).rejects(awsError("NotAuthorizedException", "Incorrect username or password."));
    const error = await loginError();
    expect(cognito.commandCalls(AdminInitiateAuthCommand)).toHaveLength(1);
    expect(error.message).toMatch(/NotAuthorizedException.*Not retried.*'cognito-username' and 'cognito-password'/);
    expect(error.message).not.toContain(auth.password);
  });

  it("retries throttling with backoff, then logs in", async () => {
    const token = jwt({ exp: 1_800_003_600, "cognito:username": "ci-user" });
    cognito
      .on(AdminInitiateAuthCommand)
      .rejectsOnce(awsError("TooManyRequestsException", "Rate exceeded"))
      .rejectsOnce(awsError("TooManyRequestsException", "Rate exceeded"))
      .resolves({
        AuthenticationResult: {
          IdToken: token,
          AccessToken: jwt({ exp: 1_800_003_600 }),
          RefreshToken: "refresh-token-1",
          ExpiresIn: 3600,
        },
      });
    const c = clock();
    const log = new MemoryLog();
    const session = await cognitoLogin(auth, {
      client: new CognitoIdentityProviderClient({ region: "us-west-2" }),
      clock: c,
      log,
      random: () => 0.5,
    });
    expect(await session.token()).toBe(token);
    expect(cognito.commandCalls(AdminInitiateAuthCommand)).toHaveLength(3);
    expect(c.slept).toEqual([250, 500]);
    expect([...log.masked]).toEqual(expect.arrayContaining([auth.password, token, "refresh-token-1"]));
  });

  it("gives up on throttling after five attempts and says so", async () => {
    cognito.on(AdminInitiateAuthCommand).rejects(awsError("TooManyRequestsException", "Rate exceeded"));
    expect((await loginError()).message).toMatch(/kept throttling after 5 attempts/);
    expect(cognito.commandCalls(AdminInitiateAuthCommand)).toHaveLength(5);
  });

  it.each([
    ["UserNotFoundException", "User does not exist.", /has no user 'ci@example.com'.*'cognito-username'/],
    ["NotAuthorizedException", "User is disabled.", /is disabled\. Fix: aws cognito-idp admin-enable-user/],
    ["InvalidParameterException", "Auth flow not enabled for this client", /ALLOW_ADMIN_USER_PASSWORD_AUTH to its ExplicitAuthFlows/],
    [
      "AccessDeniedException",
      "User: arn:aws:sts::1:assumed-role/ci is not authorized to perform: cognito-idp:AdminInitiateAuth",
      /cognito-idp:AdminInitiateAuth on arn:aws:cognito-idp:us-west-2:<account>:userpool\/us-west-2_AbCdEf123.*cognito-auth-flow: user/,
    ],
    ["NotAuthorizedException", "Unable to verify secret hash for client 3n4b5urk1ft4fl3mg5e62d9ado", /set 'cognito-client-secret'/],
    ["UserNotConfirmedException", "User is not confirmed.", /admin-confirm-sign-up/],
    ["PasswordResetRequiredException", "Password reset required for the user", /admin-set-user-password .* --permanent/],
    ["ResourceNotFoundException", "User pool client 3n4b does not exist.", /check 'cognito-user-pool-id'/],
  ])("names the fix for %s (%s)", async (name, message, expected) => {
    cognito.on(AdminInitiateAuthCommand).rejects(awsError(name, message));
    expect((await loginError()).message).toMatch(expected);
    expect(cognito.commandCalls(AdminInitiateAuthCommand)).toHaveLength(1);
  });

  it.each([
    ["NEW_PASSWORD_REQUIRED", /admin-set-user-password .* --permanent/],
    ["SOFTWARE_TOKEN_MFA", /cannot answer MFA/],
    ["SMS_MFA", /cannot answer MFA/],
    ["MFA_SETUP", /cannot answer MFA/],
    ["CUSTOM_CHALLENGE", /password alone/],
  ])("fails at once on the challenge %s, naming it and the fix", async (challenge, fix) => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: challenge as never, Session: "s" });
    const error = await loginError({ ...auth, flow: "user" });
    expect(error.message).toContain(`challenge ${challenge}`);
    expect(error.message).toMatch(fix);
  });

  it("sends SECRET_HASH with the login and, on refresh, computes it with the ID token's cognito:username", async () => {
    const withSecret: CognitoAuth = { ...auth, flow: "user", clientSecret: "clientsecret123", username: "alice@example.com" };
    const id1 = jwt({ exp: 1_800_000_100, "cognito:username": "a1b2-uuid" });
    const id2 = jwt({ exp: 1_800_003_600, "cognito:username": "a1b2-uuid" });
    cognito
      .on(InitiateAuthCommand)
      .resolvesOnce({ AuthenticationResult: { IdToken: id1, AccessToken: jwt({ exp: 1_800_000_100 }), RefreshToken: "rt" } })
      .resolvesOnce({ AuthenticationResult: { IdToken: id2, AccessToken: jwt({ exp: 1_800_003_600 }) } });
    const session = await cognitoLogin(withSecret, {
      client: new CognitoIdentityProviderClient({ region: "us-west-2" }),
      clock: clock(),
      log: new MemoryLog(),
    });
    // 100 s left: inside the five-minute margin, so token() refreshes first.
    expect(await session.token()).toBe(id2);
    const [login, refresh] = cognito.commandCalls(InitiateAuthCommand).map((c) => c.args[0].input);
    expect(login!.AuthParameters).toEqual({
      USERNAME: "alice@example.com",
      PASSWORD: withSecret.password,
      SECRET_HASH: secretHash("alice@example.com", auth.clientId, "clientsecret123"),
    });
    expect(refresh!.AuthFlow).toBe("REFRESH_TOKEN_AUTH");
    expect(refresh!.AuthParameters).toEqual({
      REFRESH_TOKEN: "rt",
      SECRET_HASH: secretHash("a1b2-uuid", auth.clientId, "clientsecret123"),
    });
  });
});
