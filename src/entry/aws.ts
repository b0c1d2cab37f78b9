import { credentialsFor, type IdTokenSource } from "../auth/credentials.js";
import { createClients, type AwsClients } from "../cloud/clients.js";
import type { AwsAccess } from "../config/inputs.js";
import type { Log } from "../runtime/log.js";

/** Clients for a run, with credentials from OIDC (role-to-assume) or the SDK's default chain. */
export function clientsFor(
  access: AwsAccess,
  sessionName: string,
  idToken: IdTokenSource | undefined,
  log: Log,
  env: NodeJS.ProcessEnv,
  version: string,
): AwsClients {
  return createClients({
    region: access.region,
    credentials: credentialsFor(access, sessionName, idToken, log),
    s3PathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL),
    userAgent: `ephemeral-gpu-bench/${version}`,
  });
}
