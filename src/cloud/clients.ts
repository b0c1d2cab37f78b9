import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient } from "@aws-sdk/client-ssm";
import { S3Client } from "@aws-sdk/client-s3";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { PricingClient } from "@aws-sdk/client-pricing";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { explainAwsError, explainErrorsMiddleware } from "./aws-errors.js";

/**
 * The Price List Query API has endpoints in us-east-1 and ap-south-1 only, whatever region the
 * instances run in (source: AWS Billing User Guide, "Using the AWS Price List Query API"). A run in
 * Asia Pacific, the Middle East or Africa asks ap-south-1 (Mumbai), every other region us-east-1:
 * the nearer endpoint. The prices themselves are the same from either.
 */
export function pricingRegionFor(region: string): string {
  return /^(ap|me|af|il)-/.test(region) ? "ap-south-1" : "us-east-1";
}

/** Settings every SDK client of a run shares. */
export interface AwsSettings {
  region: string;
  /** Absent: the SDK's default chain (environment, profile, configure-aws-credentials, instance role). */
  credentials?: AwsCredentialIdentityProvider;
  /** An S3 endpoint override (AWS_ENDPOINT_URL_S3, MinIO, a stand-in) needs path-style addressing. */
  s3PathStyle?: boolean;
  userAgent: string;
}

export interface AwsClients {
  region: string;
  ec2: EC2Client;
  /**
   * For RunInstances only: capacity errors arrive as HTTP 500, which the SDK would retry in
   * place; the launch loop retries what is worth retrying (same client token) and moves on
   * from the rest.
   */
  ec2Launch: EC2Client;
  ssm: SSMClient;
  s3: S3Client;
  /**
   * The Price List API, in pricingRegionFor(region) (us-east-1 or ap-south-1: its only endpoints).
   * Two attempts and short timeouts: without access the run falls back to the dated price table
   * quickly instead of waiting on an unreachable endpoint.
   */
  pricing: PricingClient;
}

/**
 * The one place that builds SDK clients. Endpoints come from the SDK's own configuration
 * (AWS_ENDPOINT_URL_<SERVICE>), so the product has no test-only path. Adaptive retry absorbs
 * ordinary throttling; loops above it retry only what is safe to retry.
 */
export function createClients(settings: AwsSettings): AwsClients {
  const common = commonConfig(settings);
  const clients = {
    region: settings.region,
    ec2: createEc2Client(settings),
    ec2Launch: new EC2Client({ ...common, maxAttempts: 1 }),
    ssm: createSsmClient(settings),
    s3: new S3Client({ ...common, forcePathStyle: settings.s3PathStyle ?? false }),
    pricing: new PricingClient({
      ...common,
      region: pricingRegionFor(settings.region),
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000 },
    }),
  };
  // Network, credential and wrong-endpoint failures read as what to fix, wherever they surface.
  explainErrorsMiddleware(clients.ec2Launch, "EC2");
  explainErrorsMiddleware(clients.s3, "S3");
  return clients;
}

/** SSM alone, configured as in createClients: the post step deletes a run's node secrets with it. */
export function createSsmClient(settings: AwsSettings): SSMClient {
  const ssm = new SSMClient(commonConfig(settings));
  explainErrorsMiddleware(ssm, "SSM");
  return ssm;
}

/** EC2 alone, configured as in createClients: all the post step needs, so it loads no other SDK client. */
export function createEc2Client(settings: AwsSettings): EC2Client {
  const ec2 = new EC2Client(commonConfig(settings));
  explainErrorsMiddleware(ec2, "EC2");
  return ec2;
}

function commonConfig(settings: AwsSettings) {
  return {
    region: settings.region,
    credentials: settings.credentials,
    retryMode: "adaptive" as const,
    maxAttempts: 6,
    customUserAgent: settings.userAgent,
  };
}

/**
 * Resolves the clients' credentials once, before anything is spent, so that a missing or
 * unusable credential is one clear error rather than the first AWS call's failure (which would
 * blame that call's input). Throws an Error whose message names the fix.
 */
export async function checkCredentials(ec2: EC2Client): Promise<void> {
  try {
    await ec2.config.credentials();
  } catch (error) {
    throw new Error(explainAwsError(error) ?? (error as Error).message, { cause: error });
  }
}

export function destroyClients(clients: AwsClients): void {
  clients.ec2.destroy();
  clients.ec2Launch.destroy();
  clients.ssm.destroy();
  clients.s3.destroy();
  clients.pricing.destroy();
}

/**
 * The Cognito client for a platform login, in the user pool's region (which may differ from the
 * run's). One attempt per call: the login retries throttling itself and never a refused password.
 * The endpoint comes from AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER where set (an emulator).
 */
export function createCognitoClient(settings: Omit<AwsSettings, "s3PathStyle">): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: settings.region,
    credentials: settings.credentials,
    maxAttempts: 1,
    customUserAgent: settings.userAgent,
  });
}
