import * as core from "@actions/core";
import { systemClock } from "./runtime/clock.js";
import { actionLog, actionState, canRequestIdToken, idToken, identityFromEnv, readInput } from "./entry/github.js";
import { executePost, postFallbackFrom } from "./entry/post-step.js";
import { quietSdkNodeWarning } from "./entry/node-support.js";
import { parsePlatformAuthInputs } from "./config/inputs.js";

quietSdkNodeWarning(process.env, process.version);

try {
  await executePost(
    actionState.load(),
    {
      env: process.env,
      log: actionLog,
      clock: systemClock,
      idToken: canRequestIdToken(process.env) ? idToken : undefined,
      platformAuth: () => parsePlatformAuthInputs(readInput),
    },
    // Without usable state: the same inputs main read, and the job's identity from this step's environment.
    () => postFallbackFrom(readInput, identityFromEnv(process.env), process.env.GITHUB_WORKSPACE ?? process.cwd()),
  );
} catch (error) {
  // A cleanup failure may mean an instance is still running and billing: fail loudly.
  core.setFailed(error instanceof Error ? error.message : String(error));
}
