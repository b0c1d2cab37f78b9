import { credentialsFor, type IdTokenSource } from "../auth/credentials.js";
import type { EC2Client } from "@aws-sdk/client-ec2";
import { createClients, createEc2Client, type AwsClients, type AwsSettings } from "../cloud/clients.js";
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
  return createClients(awsSettings(access, sessionName, idToken, log, env, version));
}

/** The EC2 client alone (the post step), with the same credentials and settings as clientsFor. */
export function ec2ClientFor(...args: Parameters<typeof clientsFor>): EC2Client {
  return createEc2Client(awsSettings(...args));
}

function awsSettings(...[access, sessionName, idToken, log, env, version]: Parameters<typeof clientsFor>): AwsSettings {
  return {
    region: access.region,
    credentials: credentialsFor(access, sessionName, idToken, log),
    s3PathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL),
    userAgent: `ephemeral-gpu-bench/${version}`,
  };
}
