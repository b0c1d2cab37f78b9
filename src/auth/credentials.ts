import { fromWebToken } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { AwsAccess } from "../config/inputs.js";
import { awsErrorCode, backoffDelay, isThrottlingOrInternal } from "../cloud/retry.js";
import { systemClock, type Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";

/** Fetches the workflow's GitHub OIDC token for an audience (core.getIDToken in the action). */
export type IdTokenSource = (audience: string) => Promise<string>;

export const STS_AUDIENCE = "sts.amazonaws.com";

export class CredentialsError extends Error {
  override name = "CredentialsError";
}

/** How a failed AssumeRoleWithWebIdentity is to be read. */
export type StsFailureKind = "transient" | "trust-policy" | "identity-provider" | "other";

/**
 * Sorts an AssumeRoleWithWebIdentity failure. Transient: STS could not fetch GitHub's signing keys
 * in time (InvalidIdentityToken "Couldn't retrieve verification key from your identity provider"),
 * IDPCommunicationError, an expired token (a fresh one fixes it), throttling, STS's internal errors
 * and network errors (no HTTP answer). Only AccessDenied is the role's trust policy; other
 * InvalidIdentityToken answers and IDPRejectedClaim are the account's OIDC provider or the token's claims.
 */
export function classifyStsFailure(error: unknown): StsFailureKind {
  const code = awsErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === "InvalidIdentityToken" && /retrieve verification key/i.test(message)) return "transient";
  if (code === "IDPCommunicationError" || code === "ExpiredTokenException" || isThrottlingOrInternal(error)) return "transient";
  if (code === "AccessDenied" || code === "AccessDeniedException") return "trust-policy";
  if (code === "InvalidIdentityToken" || code === "IDPRejectedClaim") return "identity-provider";
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (status === undefined || status >= 500) return "transient";
  return "other";
}

export interface CredentialOptions {
  /** For the backoff between attempts; the system clock unless a test passes its own. */
  clock?: Clock;
  /** Attempts in all for a transient failure (default 5: about 30 s of backoff at most). */
  attempts?: number;
}

/**
 * Credentials for a run: with role-to-assume, the workflow's OIDC token exchanged through
 * AssumeRoleWithWebIdentity (the SDK's own provider, which refreshes before expiry); without it,
 * undefined, so the SDK's default chain applies. Every credential is masked the moment it exists.
 * Main and the post step both come here: a transient failure (see {@link classifyStsFailure}) is
 * retried with a fresh OIDC token and full-jitter backoff, since in the post step giving up means
 * an instance left running. Only a persistent AccessDenied blames the trust policy.
 */
export function credentialsFor(
  access: AwsAccess,
  sessionName: string,
  idToken: IdTokenSource | undefined,
  log: Log,
  options: CredentialOptions = {},
): AwsCredentialIdentityProvider | undefined {
  const roleArn = access.roleToAssume;
  if (!roleArn) return undefined;
  if (!idToken) {
    throw new CredentialsError(
      `'role-to-assume' is set but no GitHub OIDC token can be requested here. Give the job 'permissions: id-token: write', or leave 'role-to-assume' empty and provide credentials another way.`,
    );
  }
  const clock = options.clock ?? systemClock;
  const attempts = options.attempts ?? 5;
  let cached: Promise<AwsCredentialIdentity> | undefined;
  const exchange = async (): Promise<AwsCredentialIdentity> => {
    // A new OIDC token each time: it lives minutes, the role session it buys much longer.
    let webIdentityToken: string;
    try {
      webIdentityToken = await idToken(STS_AUDIENCE);
    } catch (error) {
      // GitHub's token endpoint did not answer: as transient as STS's own hiccups.
      throw Object.assign(new Error(`requesting the GitHub OIDC token failed: ${(error as Error).message}`), { name: "OidcTokenRequest" });
    }
    log.mask(webIdentityToken);
    const credentials = await fromWebToken({
      roleArn,
      roleSessionName: access.roleSessionName ?? sessionName,
      durationSeconds: access.roleDurationSeconds,
      webIdentityToken,
      clientConfig: { region: access.region },
    })();
    log.mask(credentials.secretAccessKey);
    if (credentials.sessionToken) log.mask(credentials.sessionToken);
    log.mask(credentials.accessKeyId);
    return credentials;
  };
  const assume = async (): Promise<AwsCredentialIdentity> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await exchange();
      } catch (error) {
        const kind = awsErrorCode(error) === "OidcTokenRequest" ? "transient" : classifyStsFailure(error);
        const what = `${awsErrorCode(error) ?? "Error"}: ${(error as Error).message}`;
        if (kind === "transient" && attempt < attempts) {
          const delay = backoffDelay(attempt, 1000, 10_000);
          log.warning(
            `Assuming '${roleArn}' failed (${what}); retrying with a fresh OIDC token in ${delay} ms (${attempt}/${attempts - 1})`,
          );
          await clock.sleep(delay);
          continue;
        }
        throw new CredentialsError(assumeFailureText(roleArn, kind, what, attempt));
      }
    }
  };
  // One session shared by every client, renewed five minutes before it expires.
  return async () => {
    const current = cached && (await cached.catch(() => undefined));
    if (!current || (current.expiration && current.expiration.getTime() - Date.now() < 5 * 60_000)) {
      cached = assume();
      cached.catch(() => (cached = undefined));
    }
    return cached!;
  };
}

function assumeFailureText(roleArn: string, kind: StsFailureKind, what: string, attempts: number): string {
  const head = `Could not assume '${roleArn}' with the workflow's OIDC token: ${what}.`;
  switch (kind) {
    case "trust-policy":
      return `${head} Check that the role's trust policy allows token.actions.githubusercontent.com for this repository (sub) and the audience ${STS_AUDIENCE}.`;
    case "identity-provider":
      return `${head} Check that the account has an IAM OIDC identity provider for https://token.actions.githubusercontent.com with the audience ${STS_AUDIENCE}, and the token's claims the trust policy requires.`;
    case "transient":
      return `${head} It still failed after ${attempts} attempts with fresh tokens: STS or GitHub's OIDC endpoint was unavailable for that long (not the trust policy). Re-run the job; if it persists, check https://www.githubstatus.com and the AWS Health Dashboard.`;
    default:
      return head;
  }
}

/** RoleSessionName allows [\w+=,.@-]{2,64}. */
export function sessionNameFor(runId: string, attempt: number): string {
  return `gpu-bench-${runId}-${attempt}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}

/** After the run's expiry, the time cleanup may still need AWS (main's cleanup, the post step, their retries). */
export const CLEANUP_MARGIN_MINUTES = 15;

/**
 * Refuses, before anything is launched, credentials that would expire while the run may still need
 * them: a default-chain session (configure-aws-credentials, SSO, an assumed role in a profile)
 * shorter than ttl-minutes plus CLEANUP_MARGIN_MINUTES would leave main and the post step failing
 * with "expired" and the instance running until it powers itself off. Credentials without an
 * expiry (long-term keys) pass. With role-to-assume the role is assumed again as needed: no check.
 */
export async function checkCredentialsOutlastRun(
  resolve: () => Promise<AwsCredentialIdentity>,
  run: { now: number; ttlMinutes: number },
  log: Log,
): Promise<void> {
  let credentials: AwsCredentialIdentity;
  try {
    credentials = await resolve();
  } catch (error) {
    throw new CredentialsError(
      `No AWS credentials could be resolved (${(error as Error).message}). Give 'role-to-assume' (GitHub OIDC), or provide credentials ` +
        `(aws-actions/configure-aws-credentials, AWS_PROFILE, environment variables).`,
    );
  }
  const expiration = credentials.expiration?.getTime();
  if (expiration === undefined) {
    // Session credentials in environment variables (configure-aws-credentials) do not say when they expire.
    if (credentials.sessionToken && run.ttlMinutes + CLEANUP_MARGIN_MINUTES > 60) {
      log.warning(
        `The AWS credentials are a session whose expiry is unknown (no AWS_CREDENTIAL_EXPIRATION). If it is configure-aws-credentials' ` +
          `default hour, it ends before this run ('ttl-minutes' ${run.ttlMinutes}) plus ${CLEANUP_MARGIN_MINUTES} min for cleanup. ` +
          `Prefer 'role-to-assume', which the action assumes again as needed.`,
      );
    }
    return;
  }
  const needed = run.now + (run.ttlMinutes + CLEANUP_MARGIN_MINUTES) * 60_000;
  if (expiration >= needed) return;
  const left = Math.floor((expiration - run.now) / 60_000);
  const fits = left - CLEANUP_MARGIN_MINUTES;
  throw new CredentialsError(
    `The AWS credentials expire at ${new Date(expiration).toISOString()} (in ${Math.max(0, left)} min), before this run's end ` +
      `('ttl-minutes' ${run.ttlMinutes}) plus ${CLEANUP_MARGIN_MINUTES} min for cleanup: the run and its post step would fail with "expired" ` +
      `and leave the instance running. Nothing was launched. Give 'role-to-assume' (the action assumes it again as needed), ` +
      `get longer credentials (configure-aws-credentials 'role-duration-seconds' of at least ${(run.ttlMinutes + CLEANUP_MARGIN_MINUTES) * 60 + 300})` +
      (fits >= 5 ? `, or lower 'ttl-minutes' to ${fits} or less.` : "."),
  );
}
