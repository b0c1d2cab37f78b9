import type { IdTokenSource } from "../auth/credentials.js";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import { cleanupAfterRun } from "../lifecycle/post.js";
import type { SavedRun } from "../lifecycle/state.js";
import { ec2ClientFor } from "./aws.js";
import { TOOL } from "./tool.js";

/**
 * The post step: EC2, credentials, the saved state and the log, nothing else (no SSM, S3,
 * artifact client or report code), so the step that must always work loads little.
 */
export async function executePost(
  saved: SavedRun | undefined,
  rt: { env: NodeJS.ProcessEnv; log: Log; clock: Clock; idToken?: IdTokenSource },
): Promise<void> {
  if (!saved) {
    rt.log.info("Nothing to clean up: main saved no launch (it stopped before launching anything).");
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
    const outcome = await cleanupAfterRun(saved, { ec2, clock: rt.clock, log: rt.log });
    rt.log.info(outcome.message);
  } finally {
    ec2.destroy();
  }
}
