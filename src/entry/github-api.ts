import { readFileSync } from "node:fs";
import { octokitApi, type GitHubApi } from "../github/api.js";
import { parseTriggerEvent, type TriggerEvent } from "../github/event.js";

// Apart from entry/github.ts so that the post step, which imports that, never loads Octokit.

/** The workflow's GitHub side: the triggering event, the commit, and the REST API for a token. */
export interface GitHubContext {
  event: TriggerEvent;
  /** GITHUB_SHA: the commit the workflow runs for. */
  sha?: string;
  /** The REST API of GITHUB_REPOSITORY at GITHUB_API_URL, with `token`. */
  api(token: string): GitHubApi;
}

/** Reads GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_SHA, GITHUB_REPOSITORY and GITHUB_API_URL. */
export function gitHubFromEnv(env: NodeJS.ProcessEnv): GitHubContext {
  let payload: string | undefined;
  try {
    payload = env.GITHUB_EVENT_PATH ? readFileSync(env.GITHUB_EVENT_PATH, "utf8") : undefined;
  } catch {
    payload = undefined;
  }
  const repository = env.GITHUB_REPOSITORY ?? "";
  return {
    event: parseTriggerEvent(env.GITHUB_EVENT_NAME, payload),
    sha: env.GITHUB_SHA,
    api: (token) => {
      if (!/^[^/]+\/[^/]+$/.test(repository))
        throw new Error("GITHUB_REPOSITORY (owner/name) is not set: the GitHub API cannot be reached");
      return octokitApi(token, repository, env.GITHUB_API_URL ?? "https://api.github.com");
    },
  };
}
