import { DescribeInstanceTypesCommand, type EC2Client, type _InstanceType } from "@aws-sdk/client-ec2";
import { awsErrorText } from "./aws-errors.js";
import { isThrottlingOrInternal, withRetry } from "./retry.js";
import type { Clock } from "../runtime/clock.js";

/**
 * GPUs per instance of each type, from EC2 DescribeInstanceTypes (GpuInfo.Gpus[].Count, summed over
 * the GPU kinds a type lists; 0 for a type without GpuInfo), in the order given, each type once.
 * Throttling is retried; any other EC2 error, or a type EC2 did not describe, throws an Error
 * naming the types asked about.
 */
export async function describeGpuCounts(ec2: EC2Client, instanceTypes: readonly string[], clock: Clock): Promise<Map<string, number>> {
  const types = [...new Set(instanceTypes)];
  const out = await withRetry(() => ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: types as _InstanceType[] })), {
    clock,
    attempts: 5,
    baseMs: 500,
    maxMs: 8000,
    retryable: isThrottlingOrInternal,
  }).catch((error: unknown) => {
    throw new Error(`Could not describe the GPUs of instance types ${types.join(", ")}: ${awsErrorText(error)}`, { cause: error });
  });
  const byType = new Map((out.InstanceTypes ?? []).map((t) => [t.InstanceType as string, t]));
  return new Map(
    types.map((type) => {
      const info = byType.get(type);
      if (!info) throw new Error(`EC2 DescribeInstanceTypes did not describe ${type}`);
      return [type, (info.GpuInfo?.Gpus ?? []).reduce((n, g) => n + (g.Count ?? 0), 0)];
    }),
  );
}
