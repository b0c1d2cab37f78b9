import { fromWebToken } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { AwsAccess } from "../config/inputs.js";
import type { Log } from "../runtime/log.js";

/** Fetches the workflow's GitHub OIDC token for an audience (core.getIDToken in the action). */
export type IdTokenSource = (audience: string) => Promise<string>;

export const STS_AUDIENCE = "sts.amazonaws.com";

export class CredentialsError extends Error {
  override name = "CredentialsError";
}

/**
 * Credentials for a run: with role-to-assume, the workflow's OIDC token exchanged through
 * AssumeRoleWithWebIdentity (the SDK's own provider, which refreshes before expiry); without it,
 * undefined, so the SDK's default chain applies. Every credential is masked the moment it exists.
 */
export function credentialsFor(
  access: AwsAccess,
  sessionName: string,
  idToken: IdTokenSource | undefined,
  log: Log,
): AwsCredentialIdentityProvider | undefined {
  const roleArn = access.roleToAssume;
  if (!roleArn) return undefined;
  if (!idToken) {
    throw new CredentialsError(
      `'role-to-assume' is set but no GitHub OIDC token can be requested here. Give the job 'permissions: id-token: write', or leave 'role-to-assume' empty and provide credentials another way.`,
    );
  }
  let cached: Promise<AwsCredentialIdentity> | undefined;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    try {
      // A new OIDC token each time: it lives minutes, the role session it buys much longer.
      const webIdentityToken = await idToken(STS_AUDIENCE);
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
    } catch (error) {
      throw new CredentialsError(
        `Could not assume '${roleArn}' with the workflow's OIDC token: ${(error as Error).message}. ` +
          `Check that the role's trust policy allows token.actions.githubusercontent.com for this repository (sub) and the audience ${STS_AUDIENCE}.`,
      );
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

/** RoleSessionName allows [\w+=,.@-]{2,64}. */
export function sessionNameFor(runId: string, attempt: number): string {
  return `gpu-bench-${runId}-${attempt}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}
