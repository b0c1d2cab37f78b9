import { deleteNodeSecrets, putNodeSecret } from "../cloud/secrets.js";
import { TagKeys } from "../config/names.js";
import type { CleanupStack } from "./cleanup.js";
import type { RunContext } from "./run.js";

/**
 * Puts one secret for the node (hf-token, the platform's onboarding token) in the run's own
 * SecureString parameter, named in the saved state first and deleted by the cleanup stack (and by
 * the post step and the sweep when main cannot), so it never has to travel inside an SSM command.
 * `what` names it in the log; the value never appears there.
 */
export async function putRunSecret(
  run: RunContext,
  secret: { name: string; value: string; keyId: string },
  what: string,
  cleanup: CleanupStack,
): Promise<void> {
  run.log.mask(secret.value);
  run.state.update({ secretParameters: [...(run.state.get().secretParameters ?? []), secret.name] });
  cleanup.push(`delete node secret ${secret.name}`, async () => {
    const failed = await deleteNodeSecrets(run.clients.ssm, [secret.name]);
    if (failed.length > 0) {
      throw new Error(
        `Could not delete the run's secret parameter ${failed.map((f) => `${f.name} (${f.reason})`).join(", ")}: ` +
          `delete it with aws ssm delete-parameter --region ${run.plan.region} --name <name>; the post step and mode: sweep retry.`,
      );
    }
    run.state.update({ secretParameters: (run.state.get().secretParameters ?? []).filter((n) => n !== secret.name) });
  });
  await putNodeSecret(run.clients.ssm, {
    name: secret.name,
    value: secret.value,
    keyId: secret.keyId,
    tags: { ...run.plan.runTags, [TagKeys.expiresAt]: run.plan.expiresAt.toISOString() },
  });
  run.log.info(
    `${what} is in the SecureString parameter ${secret.name} (key ${secret.keyId}) for the node to read; deleted when the run ends.`,
  );
}
