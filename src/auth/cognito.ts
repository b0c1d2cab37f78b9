import { createHmac } from "node:crypto";
import {
  AdminInitiateAuthCommand,
  InitiateAuthCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
  type InitiateAuthCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import type { PlatformAuth } from "../config/inputs.js";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import { awsErrorCode, withRetry } from "../cloud/retry.js";

export type CognitoAuth = Extract<PlatformAuth, { kind: "cognito" }>;

/** Tokens are refreshed this long before they expire, so no request goes out with a dying token. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** Throttled calls are retried this many times in all (with jittered backoff); nothing else is. */
const THROTTLE_ATTEMPTS = 5;

export class CognitoError extends Error {
  override name = "CognitoError";
}

/** A logged-in Cognito user: a bearer token for the platform, kept fresh. */
export interface CognitoSession {
  /** The ID or access token (platform-token-use), refreshed first when it expires within five minutes. */
  token(): Promise<string>;
  /** Refreshes now (the platform answered 401) and returns the new token. */
  refresh(): Promise<string>;
  /** Epoch ms at which the current token expires. */
  expiresAt(): number;
}

/**
 * Cognito's SECRET_HASH: base64(HMAC-SHA256(key = client secret, message = username + client id)).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash
 */
export function secretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac("sha256", clientSecret)
    .update(username + clientId)
    .digest("base64");
}

/** The claims of a JWT, read without verifying it (the platform verifies; we only need exp and cognito:username). */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (!payload) throw new CognitoError("Cognito returned a token that is not a JWT.");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

const MFA_CHALLENGES = new Set(["SMS_MFA", "SOFTWARE_TOKEN_MFA", "MFA_SETUP", "SELECT_MFA_TYPE", "EMAIL_OTP", "SMS_OTP"]);

/** The error for a challenge: the CI user must be able to log in with a password alone. */
export function challengeError(challenge: string, auth: CognitoAuth): CognitoError {
  const user = `'${auth.username}' in pool ${auth.userPoolId}`;
  let fix: string;
  if (challenge === "NEW_PASSWORD_REQUIRED") {
    fix = `set a permanent password once: aws cognito-idp admin-set-user-password --user-pool-id ${auth.userPoolId} --username <user> --password <password> --permanent`;
  } else if (MFA_CHALLENGES.has(challenge)) {
    fix = `a CI user cannot answer MFA: turn MFA off for this user (aws cognito-idp admin-set-user-mfa-preference) with the pool's MFA set to optional, or use platform-auth github-oidc where the platform accepts it`;
  } else {
    fix = `the CI user must sign in with a password alone; remove what triggers this challenge (custom auth Lambda triggers, passwordless sign-in) for this user`;
  }
  return new CognitoError(`Cognito asked ${user} to answer the challenge ${challenge}; the run cannot answer challenges. Fix: ${fix}.`);
}

const THROTTLING = new Set(["TooManyRequestsException", "LimitExceededException", "ThrottlingException"]);

/** Throttling is the only Cognito error worth retrying; a refused password never is (five refusals lock the user out). */
export function isCognitoThrottling(error: unknown): boolean {
  return THROTTLING.has(awsErrorCode(error) ?? "");
}

/** Turns a Cognito error into one naming the input or the permission to fix. Never contains the password. */
export function explainCognitoError(error: unknown, auth: CognitoAuth): Error {
  const code = awsErrorCode(error) ?? "Error";
  const message = error instanceof Error ? error.message : String(error);
  const user = `'${auth.username}'`;
  const pool = auth.userPoolId;
  const flowName = auth.flow === "admin" ? "ALLOW_ADMIN_USER_PASSWORD_AUTH" : "ALLOW_USER_PASSWORD_AUTH";
  const say = (text: string) => new CognitoError(`Cognito login failed (${code}): ${text}`, { cause: error });
  switch (code) {
    case "NotAuthorizedException":
      if (/disabled/i.test(message))
        return say(`the user ${user} is disabled. Fix: aws cognito-idp admin-enable-user --user-pool-id ${pool} --username <user>.`);
      if (/secret/i.test(message)) {
        return say(
          `the app client ${auth.clientId} ${auth.clientSecret ? "did not accept the SECRET_HASH" : "has a secret"}. Fix: set 'cognito-client-secret' to the app client's secret.`,
        );
      }
      if (/attempts exceeded/i.test(message))
        return say(
          `too many failed logins for ${user}; Cognito locked it for a while. Fix the password secret and wait before the next run.`,
        );
      if (/not enabled|flow/i.test(message))
        return say(
          `the app client does not allow this flow. Fix: add ${flowName} to the app client's ExplicitAuthFlows, or change 'cognito-auth-flow'.`,
        );
      return say(
        `the username or password was refused (${message}). Not retried: five refusals lock the user out. Fix: check the 'cognito-username' and 'cognito-password' secrets.`,
      );
    case "UserNotFoundException":
      return say(
        `pool ${pool} has no user ${user}. Fix: check 'cognito-username' (the user's name or email alias) and 'cognito-user-pool-id'.`,
      );
    case "UserNotConfirmedException":
      return say(
        `the user ${user} has not confirmed sign-up. Fix: aws cognito-idp admin-confirm-sign-up --user-pool-id ${pool} --username <user>.`,
      );
    case "PasswordResetRequiredException":
      return say(
        `the user ${user} must reset the password. Fix: aws cognito-idp admin-set-user-password --user-pool-id ${pool} --username <user> --password <password> --permanent.`,
      );
    case "InvalidParameterException":
      if (/flow|not enabled/i.test(message)) {
        return say(
          `the app client ${auth.clientId} does not allow this flow (${message}). Fix: add ${flowName} to its ExplicitAuthFlows, or change 'cognito-auth-flow'.`,
        );
      }
      return say(`${message}. Check 'cognito-user-pool-id', 'cognito-client-id' and 'cognito-auth-flow'.`);
    case "ResourceNotFoundException":
      return say(
        `${message}. Fix: check 'cognito-user-pool-id' (${pool}) and 'cognito-client-id' (${auth.clientId}); the pool lives in ${auth.poolRegion}.`,
      );
    case "AccessDeniedException":
    case "UnrecognizedClientException":
      return say(
        `the run's AWS credentials may not call cognito-idp:AdminInitiateAuth on arn:aws:cognito-idp:${auth.poolRegion}:<account>:userpool/${pool}. Fix: grant it (the infra template's CognitoUserPoolArn parameter does), or use 'cognito-auth-flow: user'.`,
      );
    default:
      if (isCognitoThrottling(error)) return say(`Cognito kept throttling after ${THROTTLE_ATTEMPTS} attempts; try again later.`);
      return say(message);
  }
}

export interface CognitoDeps {
  client: CognitoIdentityProviderClient;
  clock: Clock;
  log: Log;
  random?: () => number;
}

interface Tokens {
  id: string;
  access: string;
  refresh?: string;
  expiresAt: number;
}

/**
 * Logs the CI user in (admin: AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH with the run's AWS
 * credentials; user: InitiateAuth USER_PASSWORD_AUTH) and returns a session that refreshes with
 * REFRESH_TOKEN_AUTH five minutes before expiry. Every token is masked the moment it arrives.
 * Errors: CognitoError naming the challenge or the fix; throttling is retried, nothing else.
 */
export async function cognitoLogin(auth: CognitoAuth, deps: CognitoDeps): Promise<CognitoSession> {
  const { log, clock } = deps;
  log.mask(auth.password);
  if (auth.clientSecret) log.mask(auth.clientSecret);

  const call = async (flow: "password" | "refresh", parameters: Record<string, string>): Promise<AuthenticationResultType> => {
    const authFlow = flow === "refresh" ? "REFRESH_TOKEN_AUTH" : auth.flow === "admin" ? "ADMIN_USER_PASSWORD_AUTH" : "USER_PASSWORD_AUTH";
    let reply: InitiateAuthCommandOutput;
    try {
      reply = await withRetry(
        () =>
          auth.flow === "admin"
            ? deps.client.send(
                new AdminInitiateAuthCommand({
                  UserPoolId: auth.userPoolId,
                  ClientId: auth.clientId,
                  AuthFlow: authFlow,
                  AuthParameters: parameters,
                }),
              )
            : deps.client.send(new InitiateAuthCommand({ ClientId: auth.clientId, AuthFlow: authFlow, AuthParameters: parameters })),
        {
          clock,
          attempts: THROTTLE_ATTEMPTS,
          baseMs: 500,
          maxMs: 8000,
          retryable: isCognitoThrottling,
          random: deps.random,
          onRetry: (_e, attempt, delay) => log.info(`Cognito throttled the login; attempt ${attempt + 1} in ${delay} ms`),
        },
      );
    } catch (error) {
      throw explainCognitoError(error, auth);
    }
    if (reply.ChallengeName) throw challengeError(reply.ChallengeName, auth);
    const result = reply.AuthenticationResult;
    if (!result?.IdToken || !result.AccessToken) throw new CognitoError("Cognito answered without tokens and without a challenge.");
    log.mask(result.IdToken);
    log.mask(result.AccessToken);
    if (result.RefreshToken) log.mask(result.RefreshToken);
    return result;
  };

  const tokensFrom = (result: AuthenticationResultType, previousRefresh?: string): Tokens => {
    const id = result.IdToken!;
    const access = result.AccessToken!;
    const used = auth.tokenUse === "id" ? id : access;
    const exp = jwtClaims(used).exp;
    const expiresAt = typeof exp === "number" ? exp * 1000 : clock.now() + (result.ExpiresIn ?? 3600) * 1000;
    return { id, access, refresh: result.RefreshToken ?? previousRefresh, expiresAt };
  };

  const passwordLogin = async (): Promise<Tokens> => {
    const parameters: Record<string, string> = { USERNAME: auth.username, PASSWORD: auth.password };
    if (auth.clientSecret) parameters.SECRET_HASH = secretHash(auth.username, auth.clientId, auth.clientSecret);
    return tokensFrom(await call("password", parameters));
  };

  let tokens = await passwordLogin();
  log.info(
    `Logged in to Cognito pool ${auth.userPoolId} as ${auth.username} (${auth.flow} flow); token valid until ${new Date(tokens.expiresAt).toISOString()}`,
  );

  const refresh = async (): Promise<void> => {
    if (!tokens.refresh) {
      tokens = await passwordLogin();
      return;
    }
    const parameters: Record<string, string> = { REFRESH_TOKEN: tokens.refresh };
    if (auth.clientSecret) {
      // After sign-in by email alias, the secret hash must use the user's real name.
      const username = String(jwtClaims(tokens.id)["cognito:username"] ?? auth.username);
      parameters.SECRET_HASH = secretHash(username, auth.clientId, auth.clientSecret);
    }
    tokens = tokensFrom(await call("refresh", parameters), tokens.refresh);
    log.info(`Refreshed the Cognito token; valid until ${new Date(tokens.expiresAt).toISOString()}`);
  };

  let inFlight: Promise<void> | undefined;
  const refreshOnce = () => {
    inFlight ??= refresh().finally(() => (inFlight = undefined));
    return inFlight;
  };
  const current = () => (auth.tokenUse === "id" ? tokens.id : tokens.access);
  return {
    token: async () => {
      if (clock.now() >= tokens.expiresAt - REFRESH_MARGIN_MS) await refreshOnce();
      return current();
    },
    refresh: async () => {
      await refreshOnce();
      return current();
    },
    expiresAt: () => tokens.expiresAt,
  };
}
