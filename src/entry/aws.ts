import { credentialsFor, type IdTokenSource } from "../auth/credentials.js";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { createClients, createEc2Client, createSsmClient, type AwsClients, type AwsSettings } from "../cloud/clients.js";
import { createCognitoClient } from "../cloud/clients.js";
import type { AwsAccess, PlatformAuth } from "../config/inputs.js";
import type { Log } from "../runtime/log.js";
import type { Clock } from "../runtime/clock.js";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { connectPlatform, type ConnectPlatform } from "../platform/connect.js";
import type { PlatformDescription } from "../platform/description.js";

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

/** EC2 and SSM (the post step: terminate, and delete the run's node secrets), sharing one set of credentials. */
export function postClientsFor(...args: Parameters<typeof clientsFor>): { ec2: EC2Client; ssm: SSMClient } {
  const settings = awsSettings(...args);
  return { ec2: createEc2Client(settings), ssm: createSsmClient(settings) };
}

function awsSettings(...[access, sessionName, idToken, log, env, version]: Parameters<typeof clientsFor>): AwsSettings {
  return {
    region: access.region,
    credentials: credentialsFor(access, sessionName, idToken, log),
    s3PathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL),
    userAgent: `ephemeral-gpu-bench/${version}`,
  };
}

/**
 * How main and the post step connect to the platform: the Cognito client (admin flow) signs with
 * the run's own AWS credentials, in the user pool's region; github-oidc asks the runner for a token.
 */
export function platformConnector(
  settings: { apiUrl: string; auth: PlatformAuth; description: PlatformDescription },
  deps: { credentials?: AwsCredentialIdentityProvider; idToken?: IdTokenSource; log: Log; clock: Clock; version: string },
): ConnectPlatform {
  return () =>
    connectPlatform(settings, {
      clock: deps.clock,
      log: deps.log,
      idToken: deps.idToken,
      cognito:
        settings.auth.kind === "cognito"
          ? () =>
              createCognitoClient({
                region: (settings.auth as { poolRegion: string }).poolRegion,
                credentials: deps.credentials,
                userAgent: `ephemeral-gpu-bench/${deps.version}`,
              })
          : undefined,
    });
}
