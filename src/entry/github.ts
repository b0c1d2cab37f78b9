import * as core from "@actions/core";
import { SECRET_INPUTS, STATE_KEY, type InputName } from "../config/names.js";
import { timed, type Log } from "../runtime/log.js";
import type { JobContext } from "../lifecycle/identity.js";
import { decodeState, encodeState, type StateStore } from "../lifecycle/state.js";

/** The GitHub runtime behind the engine's seams: inputs, log, state, OIDC, run identity. */

export function readInput(name: InputName): string {
  // Secret inputs (hf-token, cognito-password, …) are masked before anything could print them.
  const value = core.getInput(name, { trimWhitespace: true });
  if (SECRET_INPUTS.includes(name)) actionLog.mask(value);
  return value;
}

const masked = new Set<string>();

export const actionLog: Log = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  debug: (m) => core.debug(m),
  mask: (s) => {
    if (s && !masked.has(s)) {
      masked.add(s);
      core.setSecret(s);
    }
  },
  group: (title, fn) => core.group(title, () => timed(title, fn, core.info, Date.now)),
};

/** Every value masked in this process: the evidence redacts them too. */
export function maskedValues(): string[] {
  return [...masked];
}

export const actionState: StateStore = {
  save: (run) => core.saveState(STATE_KEY, encodeState(run)),
  load: () => decodeState(core.getState(STATE_KEY)),
};

export function canRequestIdToken(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

export function idToken(audience: string): Promise<string> {
  return core.getIDToken(audience);
}

/** The job as GitHub describes it; main adds the nonce (newNonce) to make it this job instance's identity. */
export function identityFromEnv(env: NodeJS.ProcessEnv): JobContext {
  const server = env.GITHUB_SERVER_URL ?? "https://github.com";
  const repository = env.GITHUB_REPOSITORY ?? "local/unknown";
  const runId = env.GITHUB_RUN_ID ?? `local-${Date.now()}`;
  return {
    runId,
    attempt: Number(env.GITHUB_RUN_ATTEMPT ?? "1") || 1,
    runNumber: env.GITHUB_RUN_NUMBER ? Number(env.GITHUB_RUN_NUMBER) : undefined,
    job: env.GITHUB_JOB ?? "benchmark",
    repository,
    runner: env.RUNNER_NAME || undefined,
    sha: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    workflow: env.GITHUB_WORKFLOW,
    event: env.GITHUB_EVENT_NAME,
    actor: env.GITHUB_ACTOR,
    url: env.GITHUB_RUN_ID ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
  };
}
