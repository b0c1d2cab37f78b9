import {
  DeleteParameterCommand,
  DescribeParametersCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  type ParameterStringFilter,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { TagKeys } from "../config/names.js";
import { awsErrorCode } from "./retry.js";

/**
 * Secrets for the node (hf-token today) never travel in an SSM command's parameters, which anyone
 * allowed ssm:ListCommands can read. Each run puts them in its own SecureString parameters under
 * the stack's customer-managed KMS key, which only the instance role may use to decrypt (infra/
 * gpu-bench.yaml); the node reads them with its role; every cleanup path deletes them.
 */

/** The folder of every run's node secrets in a stack: `/gpu-bench/<stack>/runs`. */
export function nodeSecretsPath(stack: string): string {
  return `/gpu-bench/${stack}/runs`;
}

/** One run's secret parameter: `/gpu-bench/<stack>/runs/<client token base>/<key>` (the token base holds the run's nonce). */
export function nodeSecretName(stack: string, clientTokenBase: string, key: string): string {
  return `${nodeSecretsPath(stack)}/${clientTokenBase}/${key}`;
}

/** The stack's customer-managed key for node secrets (infra/gpu-bench.yaml: NodeSecretsKeyAlias). */
export function nodeSecretsKeyId(stack: string): string {
  return `alias/${stack}-node-secrets`;
}

/** Puts one SecureString (never overwriting: a run's parameter names are its own), tagged like the run's instances. */
export async function putNodeSecret(
  ssm: SSMClient,
  p: { name: string; value: string; keyId: string; tags: Record<string, string> },
): Promise<void> {
  await ssm.send(
    new PutParameterCommand({
      Name: p.name,
      Value: p.value,
      Type: "SecureString",
      KeyId: p.keyId,
      Overwrite: false,
      Description: "gpu-bench: one run's secret for its node; deleted when the run ends",
      Tags: Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}

/**
 * Deletes the named parameters, one call each; one already gone (ParameterNotFound) counts as
 * deleted. Returns those that could not be deleted, with the reason.
 */
export async function deleteNodeSecrets(ssm: SSMClient, names: readonly string[]): Promise<Array<{ name: string; reason: string }>> {
  const failed: Array<{ name: string; reason: string }> = [];
  for (const name of names) {
    try {
      await ssm.send(new DeleteParameterCommand({ Name: name }));
    } catch (error) {
      if (awsErrorCode(error) === "ParameterNotFound") continue;
      failed.push({ name, reason: awsErrorCode(error) ?? (error as Error).message });
    }
  }
  return failed;
}

/** Names of the node secrets under the stack's path that carry every one of `tags`. */
export async function findNodeSecrets(ssm: SSMClient, stack: string, tags: Record<string, string>): Promise<string[]> {
  const filters: ParameterStringFilter[] = [
    { Key: "Path", Option: "Recursive", Values: [nodeSecretsPath(stack)] },
    ...Object.entries(tags).map(([k, v]) => ({ Key: `tag:${k}`, Values: [v] })),
  ];
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(new DescribeParametersCommand({ ParameterFilters: filters, MaxResults: 50, NextToken }));
    for (const p of page.Parameters ?? []) if (p.Name) names.push(p.Name);
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
}

/**
 * Node secrets under the stack's path whose run has expired: their `expires-at` tag has passed,
 * or they have none (nothing vouches for them).
 */
export async function findExpiredNodeSecrets(ssm: SSMClient, stack: string, now: Date): Promise<string[]> {
  const expired: string[] = [];
  for (const name of await findNodeSecrets(ssm, stack, {})) {
    const tags = await ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name }));
    const at = tags.TagList?.find((t) => t.Key === TagKeys.expiresAt)?.Value;
    const when = at ? Date.parse(at) : Number.NaN;
    if (!(when > now.getTime())) expired.push(name);
  }
  return expired;
}
