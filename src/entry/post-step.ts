import type { IdTokenSource } from "../auth/credentials.js";
import { awsErrorText } from "../cloud/aws-errors.js";
import { checkCredentials } from "../cloud/clients.js";
import { TagKeys } from "../config/names.js";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import { cleanupAfterRun } from "../lifecycle/post.js";
import type { SavedRun } from "../lifecycle/state.js";
import { ec2ClientFor } from "./aws.js";
import { TOOL } from "./tool.js";

/**
 * The post step (and `gpu-bench cleanup`): terminates what the saved run left. EC2, credentials,
 * the saved state and the log, nothing else (no SSM, S3, artifact client or report code), so the
 * step that must always work loads little. `runName` is how the log names that run ("main" in the
 * action, "a previous run" for the CLI). Throws when it cannot confirm termination, with a message
 * naming every instance still in doubt and how to terminate it by hand.
 */
export async function executePost(
  saved: SavedRun | undefined,
  rt: { env: NodeJS.ProcessEnv; log: Log; clock: Clock; idToken?: IdTokenSource },
  runName = "main",
): Promise<void> {
  if (!saved) {
    rt.log.info(`Nothing to clean up: ${runName} saved no launch (it stopped before launching anything).`);
    return;
  }
  // Main's credentials may have expired: assume the role again with a fresh OIDC token.
  const ec2 = ec2ClientFor(
    { region: saved.region, roleToAssume: saved.roleToAssume, roleDurationSeconds: 900, roleSessionName: saved.sessionName },
    saved.sessionName,
    rt.idToken,
    rt.log,
    rt.env,
    TOOL.version,
  );
  try {
    await checkCredentials(ec2);
    const outcome = await cleanupAfterRun(saved, { ec2, clock: rt.clock, log: rt.log, runName });
    rt.log.info(outcome.message);
  } catch (error) {
    throw new Error(unconfirmedMessage(saved, awsErrorText(error)), { cause: error });
  } finally {
    ec2.destroy();
  }
}

/** What is in doubt after a failed cleanup, and the commands that settle it by hand. */
export function unconfirmedMessage(saved: SavedRun, why: string): string {
  const region = `--region ${saved.region}`;
  const tagFilter = Object.entries(saved.runTags)
    .filter(([k]) => k === TagKeys.runId || k === TagKeys.repository)
    .map(([k, v]) => `Name=tag:${k},Values=${v}`)
    .join(" ");
  const find = `aws ec2 describe-instances ${region} --filters ${tagFilter} Name=instance-state-name,Values=pending,running,stopping,stopped --query 'Reservations[].Instances[].InstanceId'`;
  const lines = [`Could not confirm that the instances of that run are terminated: ${why}`];
  if (saved.instanceId && !saved.terminated) {
    lines.push(
      `Not confirmed terminated: ${saved.instanceId}. Terminate it by hand: aws ec2 terminate-instances ${region} --instance-ids ${saved.instanceId}`,
    );
  } else if (saved.instanceId) {
    lines.push(`${saved.instanceId} was confirmed terminated by the run itself.`);
  }
  lines.push(`Other instances of the run (a launch whose reply was lost) are found by its tags: ${find}`);
  return lines.join("\n");
}
