import { getOctokit } from "@actions/github";

/**
 * The GitHub REST calls this tool makes, behind one interface: the sticky pull-request comment
 * and the check run. Built on @actions/github's Octokit, pointed at GITHUB_API_URL (GitHub
 * Enterprise Server, or the local stand-in in tests).
 */

export interface IssueComment {
  id: number;
  body: string;
  /** Login of the author, e.g. "github-actions[bot]". */
  user: string;
  htmlUrl: string;
}

export interface CheckRunInput {
  name: string;
  /** The commit the check belongs to (40 hex characters). */
  headSha: string;
  conclusion: "success" | "failure";
  title: string;
  /** Markdown, at most 65,535 characters. */
  summary: string;
  detailsUrl?: string;
}

export interface GitHubApi {
  /** Every comment on the pull request (issue) `issue`, oldest first. */
  listComments(issue: number): Promise<IssueComment[]>;
  createComment(issue: number, body: string): Promise<IssueComment>;
  updateComment(id: number, body: string): Promise<IssueComment>;
  createCheckRun(check: CheckRunInput): Promise<{ id: number; htmlUrl: string }>;
}

/** A GitHub API call that failed, with what to change named (the permission, the token, the number). */
export class GitHubApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = "GitHubApiError";
  }
}

interface RequestErrorShape {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: { message?: string } };
}

/**
 * The error GitHub gave, as a sentence naming its fix. `permission` is the `permissions:` entry
 * the call needs (e.g. "pull-requests: write").
 */
export function explainGitHubError(error: unknown, what: string, permission: string): GitHubApiError {
  const e = error as RequestErrorShape;
  const status = typeof e.status === "number" ? e.status : undefined;
  const said = e.response?.data?.message ?? e.message ?? String(error);
  if (status === 401)
    return new GitHubApiError(`GitHub refused the token while trying to ${what} (401 ${said}): check the 'github-token' input`, status);
  if (status === 403) {
    const accepted = e.response?.headers?.["x-accepted-github-permissions"];
    return new GitHubApiError(
      `GitHub refused to ${what} (403 ${said}): the token lacks the permission; give the job \`permissions: ${permission}\`` +
        (accepted ? ` (GitHub accepts: ${accepted})` : "") +
        ". A workflow triggered by a pull request from a fork always gets a read-only token: use the workflow_run pattern (README, 'Fork pull requests').",
      status,
    );
  }
  if (status === 404)
    return new GitHubApiError(
      `GitHub could not find what was needed to ${what} (404 ${said}): check the pull request number and that the token can see the repository`,
      status,
    );
  return new GitHubApiError(`Could not ${what}: ${status ? `${status} ` : ""}${said}`, status);
}

/**
 * Octokit for `repository` ("owner/name") at `apiUrl` (e.g. https://api.github.com). The token is
 * only ever sent in the Authorization header.
 */
export function octokitApi(token: string, repository: string, apiUrl: string): GitHubApi {
  const [owner, repo] = repository.split("/") as [string, string];
  const octokit = getOctokit(token, { baseUrl: apiUrl });
  const comment = (c: { id: number; body?: string | null; user?: { login: string } | null; html_url: string }): IssueComment => ({
    id: c.id,
    body: c.body ?? "",
    user: c.user?.login ?? "",
    htmlUrl: c.html_url,
  });
  return {
    listComments: async (issue) => {
      const all = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issue, per_page: 100 });
      return all.map(comment);
    },
    createComment: async (issue, body) =>
      comment((await octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body })).data),
    updateComment: async (id, body) => comment((await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })).data),
    createCheckRun: async (check) => {
      const { data } = await octokit.rest.checks.create({
        owner,
        repo,
        name: check.name,
        head_sha: check.headSha,
        status: "completed",
        conclusion: check.conclusion,
        details_url: check.detailsUrl,
        output: { title: check.title, summary: check.summary },
      });
      return { id: data.id, htmlUrl: data.html_url ?? "" };
    },
  };
}
