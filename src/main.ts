import * as core from "@actions/core";
import { join } from "node:path";
import { parseSettings } from "./config/inputs.js";
import { Outputs } from "./config/names.js";
import { actionLog, actionState, identityFromEnv, maskedValues, readInput } from "./entry/github.js";
import { actionPublisher } from "./entry/github-publisher.js";
import { buildRuntime, executeMode } from "./entry/dispatch.js";
import { onCancel } from "./entry/signals.js";
import { quietSdkNodeWarning } from "./entry/node-support.js";
import { newNonce } from "./lifecycle/identity.js";

async function main(): Promise<void> {
  quietSdkNodeWarning(process.env, process.version);
  const controller = new AbortController();
  onCancel(controller, actionLog);
  try {
    const settings = parseSettings(readInput);
    const env = process.env;
    const rt = buildRuntime(env, {
      log: actionLog,
      state: actionState,
      identity: { ...identityFromEnv(env), nonce: newNonce() },
      signal: controller.signal,
      outDir: join(env.RUNNER_TEMP ?? process.cwd(), "gpu-bench-evidence"),
      workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
      publisher: actionPublisher(env),
      secrets: maskedValues,
      setOutput: (name, value) => {
        core.setOutput(name, value);
        if (name === Outputs.evidencePath) core.info(`evidence: ${value}`);
      },
    });
    const done = await executeMode(settings, rt);
    if (done.comparison) core.info(done.comparison);
    if (done.failed) core.setFailed(done.failed);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

await main();
