import * as core from "@actions/core";
import { join } from "node:path";
import { parseSettings } from "./config/inputs.js";
import { Outputs } from "./config/names.js";
import { systemClock } from "./runtime/clock.js";
import { actionLog, actionState, canRequestIdToken, idToken, identityFromEnv, maskedValues, readInput } from "./entry/github.js";
import { actionPublisher } from "./entry/github-publisher.js";
import { executeRun, executeSweep, type Runtime } from "./entry/execute.js";
import { onCancel } from "./entry/signals.js";
import { gitHubFromEnv } from "./entry/github-api.js";
import { executeComment, executeCompare } from "./entry/results-modes.js";
import { quietSdkNodeWarning } from "./entry/node-support.js";
import { newNonce } from "./lifecycle/identity.js";

async function main(): Promise<void> {
  quietSdkNodeWarning(process.env, process.version);
  const controller = new AbortController();
  onCancel(controller, actionLog);
  try {
    const settings = parseSettings(readInput);
    const env = process.env;
    const rt: Runtime = {
      env,
      log: actionLog,
      clock: systemClock,
      state: actionState,
      identity: { ...identityFromEnv(env), nonce: newNonce() },
      idToken: canRequestIdToken(env) ? idToken : undefined,
      signal: controller.signal,
      outDir: join(env.RUNNER_TEMP ?? process.cwd(), "gpu-bench-evidence"),
      workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
      publisher: actionPublisher(env),
      secrets: maskedValues,
      setOutput: (name, value) => {
        core.setOutput(name, value);
        if (name === Outputs.evidencePath) core.info(`evidence: ${value}`);
      },
      github: gitHubFromEnv(env),
    };
    if (settings.mode === "sweep") {
      await executeSweep(settings, rt);
      return;
    }
    if (settings.mode === "compare") {
      const compared = await executeCompare(settings, rt);
      core.info(compared.markdown);
      core.setOutput(Outputs.comparisonPath, compared.path);
      return;
    }
    if (settings.mode === "comment") {
      const done = await executeComment(settings, rt);
      if (done.failed) core.setFailed(done.failed);
      return;
    }
    const done = await executeRun(settings, rt);
    if (done.failed) core.setFailed(done.failed);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

await main();
