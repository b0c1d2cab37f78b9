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

/**
 * SSM's refusals of a node secret that mean the stack was deployed from an infra/gpu-bench.yaml
 * older than node secrets, or that the `stack` input names another stack: no such key alias
 * (InvalidKeyId), or no ssm:PutParameter on the path / kms:GenerateDataKey on the key (AccessDeniedException).
 */
const STACK_TOO_OLD = new Set(["InvalidKeyId", "AccessDeniedException", "KMSNotFoundException", "NotFoundException"]);

/**
 * Puts one SecureString (never overwriting: a run's parameter names are its own), tagged like the
 * run's instances. Throws the SDK's error; one that says the stack lacks the node-secrets key or
 * permission comes back as an Error naming the redeploy that fixes it (the value is never in it).
 */
export async function putNodeSecret(
  ssm: SSMClient,
  p: { name: string; value: string; keyId: string; tags: Record<string, string> },
): Promise<void> {
  try {
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
  } catch (error) {
    const code = awsErrorCode(error);
    if (!code || !STACK_TOO_OLD.has(code)) throw error;
    throw new Error(
      `Could not store the run's secret parameter ${p.name} under ${p.keyId} (SSM: ${code}). The stack must be deployed ` +
        `from this version's infra/gpu-bench.yaml, which adds the key ${p.keyId} and ssm:PutParameter under ` +
        `${p.name.split("/").slice(0, 4).join("/")}/: redeploy it (aws cloudformation deploy --template-file infra/gpu-bench.yaml ...), ` +
        `and check that the 'stack' input names it.`,
      { cause: error },
    );
  }
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

/** The tags of SSM parameter `name`, as key → value. */
export async function parameterTags(ssm: SSMClient, name: string): Promise<Record<string, string>> {
  const listed = await ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name }));
  return Object.fromEntries((listed.TagList ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
}

/**
 * Node secrets under the stack's path whose run has expired: their `expires-at` tag has passed,
 * or they have none (nothing vouches for them).
 */
export async function findExpiredNodeSecrets(ssm: SSMClient, stack: string, now: Date): Promise<string[]> {
  const expired: string[] = [];
  for (const name of await findNodeSecrets(ssm, stack, {})) {
    const at = (await parameterTags(ssm, name))[TagKeys.expiresAt];
    const when = at ? Date.parse(at) : Number.NaN;
    if (!(when > now.getTime())) expired.push(name);
  }
  return expired;
}
