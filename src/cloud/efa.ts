import { DescribeInstanceTypesCommand, type EC2Client, type _InstanceType } from "@aws-sdk/client-ec2";
import { awsErrorText } from "./aws-errors.js";
import { awsCallRetry, awsErrorCode, withRetry } from "./retry.js";
import type { Clock } from "../runtime/clock.js";

/** What EC2 says about one instance type's Elastic Fabric Adapter support. */
export interface EfaSupport {
  instanceType: string;
  /** NetworkInfo.EfaSupported. */
  supported: boolean;
  /** NetworkInfo.EfaInfo.MaximumEfaInterfaces: EFA interfaces the type can attach; 0 without EFA. */
  maxInterfaces: number;
  /** NetworkInfo.MaximumNetworkCards (1 when EC2 does not say): each EFA interface sits on a card of its own. */
  networkCards: number;
  /** The EFA interfaces a launch attaches: one per network card, up to maxInterfaces (0 without EFA). */
  interfaces: number;
}

/** A candidate instance type cannot attach an EFA interface (suite `efa: true`); the message names the types and the fix. */
export class EfaError extends Error {
  override name = "EfaError";
}

/** Types EC2 lists with EFA, named in the fix; source: AWS's EFA docs, "Supported instance types". */
const EFA_EXAMPLES = "g5.8xlarge and larger, g6.8xlarge and larger, g6e.8xlarge and larger, p4d.24xlarge, p5.48xlarge";

/**
 * EFA support of each instance type, from EC2 DescribeInstanceTypes (NetworkInfo.EfaSupported,
 * NetworkInfo.EfaInfo.MaximumEfaInterfaces, NetworkInfo.MaximumNetworkCards), in the order given,
 * each type once. Which types have
 * EFA is EC2's fact, not ours: AWS's EFA docs ("Elastic Fabric Adapter for AI/ML and HPC workloads
 * on Amazon EC2", section "Supported instance types") point to DescribeInstanceTypes with the filter
 * network-info.efa-supported for the current list. Throttling is retried; an unknown type
 * (InvalidInstanceType) or any other EC2 error throws an Error naming the types asked about.
 */
export async function describeEfaSupport(ec2: EC2Client, instanceTypes: string[], clock: Clock): Promise<EfaSupport[]> {
  const types = [...new Set(instanceTypes)];
  const out = await withRetry(
    () => ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: types as _InstanceType[] })),
    awsCallRetry(clock),
  ).catch((error: unknown) => {
    const hint =
      awsErrorCode(error) === "InvalidInstanceType" ? " Check 'instance-types': EC2 does not know one of them in this region." : "";
    throw new Error(`Could not describe instance types ${types.join(", ")} for 'efa': ${awsErrorText(error)}${hint}`, {
      cause: error,
    });
  });
  const byType = new Map((out.InstanceTypes ?? []).map((t) => [t.InstanceType as string, t]));
  return types.map((instanceType) => {
    if (!byType.has(instanceType)) throw new Error(`EC2 DescribeInstanceTypes did not describe ${instanceType}: check 'instance-types'.`);
    const info = byType.get(instanceType)!.NetworkInfo;
    const supported = info?.EfaSupported === true;
    const maxInterfaces = supported ? (info?.EfaInfo?.MaximumEfaInterfaces ?? 1) : 0;
    const networkCards = Math.max(1, info?.MaximumNetworkCards ?? 1);
    return { instanceType, supported, maxInterfaces, networkCards, interfaces: Math.min(maxInterfaces, networkCards) };
  });
}

/**
 * Checks, before anything is launched, that every candidate type can attach an EFA interface
 * (suite `efa: true`). Returns the support of each type. Throws EfaError naming every type without
 * EFA and the fix (list only EFA types, or drop `efa`); other errors as describeEfaSupport.
 */
export async function requireEfa(ec2: EC2Client, instanceTypes: string[], clock: Clock): Promise<EfaSupport[]> {
  const support = await describeEfaSupport(ec2, instanceTypes, clock);
  const without = support.filter((s) => !s.supported).map((s) => s.instanceType);
  if (without.length > 0) {
    throw new EfaError(
      `The suite sets 'efa: true' but ${without.join(", ")} ${without.length === 1 ? "has" : "have"} no EFA (EC2 DescribeInstanceTypes: EfaSupported false). ` +
        `List only instance types with EFA in 'instance-types' (e.g. ${EFA_EXAMPLES}), or remove 'efa' from the suite.`,
    );
  }
  return support;
}
