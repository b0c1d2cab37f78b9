import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { cognitoLogin } from "../auth/cognito.js";
import type { IdTokenSource } from "../auth/credentials.js";
import type { PlatformAuth } from "../config/inputs.js";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import type { TokenSource } from "./client.js";

export interface PlatformAuthDeps {
  clock: Clock;
  log: Log;
  /** Built by src/cloud/clients.ts in the pool's region; needed for platform-auth cognito. */
  cognito?: () => CognitoIdentityProviderClient;
  /** The workflow's OIDC token source; needed for platform-auth github-oidc. */
  idToken?: IdTokenSource;
}

/**
 * The bearer token for platform-auth: cognito (logs in now, so a bad credential fails before
 * any instance exists), bearer (the given token), github-oidc (a fresh OIDC token for the
 * audience, again after a 401) or none. Every token is masked before it is returned.
 */
export async function platformTokenSource(auth: PlatformAuth, deps: PlatformAuthDeps): Promise<TokenSource> {
  switch (auth.kind) {
    case "none":
      return { token: async () => undefined };
    case "bearer":
      deps.log.mask(auth.token);
      return { token: async () => auth.token };
    case "github-oidc": {
      const idToken = deps.idToken;
      if (!idToken) {
        throw new Error(
          "'platform-auth' is github-oidc but no GitHub OIDC token can be requested here: give the job 'permissions: id-token: write'.",
        );
      }
      const fresh = async () => {
        const token = await idToken(auth.audience);
        deps.log.mask(token);
        return token;
      };
      let current = await fresh();
      return {
        token: async () => current,
        refresh: async () => (current = await fresh()),
      };
    }
    case "cognito": {
      if (!deps.cognito) throw new Error("platform-auth cognito needs a Cognito client.");
      const session = await cognitoLogin(auth, { client: deps.cognito(), clock: deps.clock, log: deps.log });
      return { token: () => session.token(), refresh: () => session.refresh() };
    }
  }
}
