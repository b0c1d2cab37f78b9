import type { Settings } from "../config/inputs.js";
import { Outputs } from "../config/names.js";
import { systemClock } from "../runtime/clock.js";
import { executeRun, executeSweep, type Executed, type Runtime } from "./execute.js";
import { gitHubFromEnv } from "./github-api.js";
import { canRequestIdToken, idToken } from "./github.js";
import { executeComment, executeCompare } from "./results-modes.js";

/** What the action and the CLI provide differently; the rest of the Runtime is the same for both. */
export type RuntimeParts = Pick<
  Runtime,
  "log" | "state" | "identity" | "signal" | "outDir" | "workspace" | "publisher" | "secrets" | "setOutput"
>;

/**
 * The engine's runtime for an entry point: the system clock, GitHub's OIDC token where the job may
 * request one, and the workflow's GitHub context where there is one, around the entry's own parts.
 */
export function buildRuntime(env: NodeJS.ProcessEnv, parts: RuntimeParts): Runtime {
  return {
    env,
    clock: systemClock,
    idToken: canRequestIdToken(env) ? idToken : undefined,
    github: gitHubFromEnv(env),
    ...parts,
  };
}

/** How a mode ended: `failed` says why when it did; `comparison` is the Markdown of `mode: compare`. */
export interface ModeOutcome extends Executed {
  comparison?: string;
}

/**
 * Runs the mode the settings name (run, sweep, compare, comment): the one dispatcher behind both
 * the action's main step and the CLI. Outputs go through `rt.setOutput` (compare sets
 * `comparison-path`); a throw is an error the entry point reports (bad input, no credentials).
 */
export async function executeMode(settings: Settings, rt: Runtime): Promise<ModeOutcome> {
  switch (settings.mode) {
    case "sweep":
      await executeSweep(settings, rt);
      return {};
    case "compare": {
      const compared = await executeCompare(settings, rt);
      rt.setOutput(Outputs.comparisonPath, compared.path);
      return { comparison: compared.markdown };
    }
    case "comment":
      return executeComment(settings, rt);
    case "run":
      return executeRun(settings, rt);
  }
}
