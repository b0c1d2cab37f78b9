/**
 * The parts of the workflow's triggering event this tool needs, read from the event payload
 * (the JSON file at GITHUB_EVENT_PATH; shapes from GitHub's webhook events).
 */

export interface PullRequestRef {
  number: number;
  /** The pull request's head commit: where a check run belongs (GITHUB_SHA is the merge commit). */
  headSha?: string;
  /** The head branch lives in another repository: the run gets no OIDC token and a read-only token. */
  fromFork: boolean;
}

export interface TriggerEvent {
  /** GITHUB_EVENT_NAME, e.g. "pull_request", "workflow_run", "schedule". */
  name?: string;
  pullRequest?: PullRequestRef;
}

interface Payload {
  pull_request?: {
    number?: number;
    head?: { sha?: string; repo?: { full_name?: string } | null };
    base?: { repo?: { full_name?: string } };
  };
  workflow_run?: { head_sha?: string; pull_requests?: { number?: number }[] };
}

/**
 * The event from its name and payload text. A payload that is missing or not JSON gives no pull
 * request (the run goes on; only the comment needs one).
 */
export function parseTriggerEvent(name: string | undefined, payloadText: string | undefined): TriggerEvent {
  let payload: Payload;
  try {
    payload = payloadText ? (JSON.parse(payloadText) as Payload) : {};
  } catch {
    return { name };
  }
  const pr = payload.pull_request;
  if (pr && typeof pr.number === "number") {
    const head = pr.head?.repo?.full_name;
    const base = pr.base?.repo?.full_name;
    // A deleted fork leaves head.repo null: still not this repository.
    const fromFork = pr.head?.repo === null || (head !== undefined && base !== undefined && head !== base);
    return { name, pullRequest: { number: pr.number, headSha: pr.head?.sha, fromFork } };
  }
  const run = payload.workflow_run;
  const number = run?.pull_requests?.[0]?.number;
  if (typeof number === "number") return { name, pullRequest: { number, headSha: run?.head_sha, fromFork: false } };
  return { name };
}

/**
 * Why nothing may be launched for this event, or undefined. A `pull_request` from a fork runs
 * with no OIDC token and a read-only GITHUB_TOKEN, and runs the fork's code: it must never reach
 * a role that launches GPU instances.
 */
export function forkRefusal(event: TriggerEvent): string | undefined {
  if (event.name !== "pull_request" || !event.pullRequest?.fromFork) return undefined;
  return (
    `Pull request #${event.pullRequest.number} comes from a fork: GitHub gives such runs no OIDC token and a read-only token, ` +
    "so this action launches nothing for them. Use the workflow_run pattern: a workflow on `workflow_run` (it runs in this repository, " +
    "with its secrets and OIDC, on code you have reviewed) runs the benchmark, and posts the result on the pull request with " +
    "`mode: comment` (README, 'Fork pull requests')."
  );
}
