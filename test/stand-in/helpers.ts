import { EC2Client, RunInstancesCommand, type RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import { S3Client } from "@aws-sdk/client-s3";
import { PricingClient } from "@aws-sdk/client-pricing";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { afterAll, beforeAll, beforeEach, vi } from "vitest";
import { startStandIn, type StandIn, type StandInOptions } from "../../stand-in/index.js";

/**
 * Real SDK clients aimed at the stand-in, one attempt each so faults surface as they are (a test
 * that drives a run as the product does may ask for the SDK's default 3).
 */
export function clients(standIn: StandIn, credentials?: AwsCredentialIdentity, maxAttempts = 1) {
  const env = standIn.staticCredentialsEnv();
  const common = {
    region: standIn.env.AWS_REGION,
    credentials: credentials ?? { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    maxAttempts,
  };
  return {
    ec2: new EC2Client({ ...common, endpoint: standIn.env.AWS_ENDPOINT_URL_EC2 }),
    ssm: new SSMClient({ ...common, endpoint: standIn.env.AWS_ENDPOINT_URL_SSM }),
    sts: new STSClient({ ...common, endpoint: standIn.env.AWS_ENDPOINT_URL_STS }),
    pricing: new PricingClient({ ...common, region: "us-east-1", endpoint: standIn.env.AWS_ENDPOINT_URL_PRICING }),
    s3: new S3Client({
      ...common,
      endpoint: standIn.env.AWS_ENDPOINT_URL_S3,
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
  };
}

export const AMI = "ami-0123456789abcdef0";
export const SUBNET = "subnet-0a1b2c3d4e5f60718";

export async function launch(ec2: EC2Client, input: Partial<RunInstancesCommandInput> = {}): Promise<string> {
  const out = await ec2.send(
    new RunInstancesCommand({ ImageId: AMI, InstanceType: "g5.xlarge", MinCount: 1, MaxCount: 1, SubnetId: SUBNET, ...input }),
  );
  return out.Instances![0]!.InstanceId!;
}

/** Polls until `check` returns a value other than undefined. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The error an SDK call rejects with. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error("expected the call to fail");
}

export const toBase64 = (text: string): string => Buffer.from(text).toString("base64");

/**
 * The stand-in as GitHub's OIDC provider and AWS for one test file (the STS tests share it): started
 * before the file's tests with `options` and stopped after them. Each test runs with the stand-in's
 * environment in process.env (ACTIONS_ID_TOKEN_REQUEST_*, the AWS endpoints; the process's own is
 * restored at the end), its faults reset, and stdout muted, since getIDToken prints ::add-mask:: and
 * ::debug:: workflow commands. `.standIn` is the running stand-in, inside tests and hooks.
 */
export function useStandInForOidc(options: StandInOptions): { readonly standIn: StandIn } {
  let running: StandIn | undefined;
  const savedEnv = { ...process.env };
  const standIn = () => {
    if (!running) throw new Error("the stand-in starts in beforeAll: use it inside tests and hooks");
    return running;
  };
  beforeAll(async () => {
    running = await startStandIn(options);
  });
  afterAll(async () => {
    process.env = savedEnv;
    await running?.stop();
  });
  beforeEach(() => {
    process.env = { ...savedEnv, ...standIn().env };
    standIn().faults.reset();
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    return () => vi.restoreAllMocks();
  });
  return {
    get standIn() {
      return standIn();
    },
  };
}
