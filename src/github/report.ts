import type { Log } from "../runtime/log.js";
import { checkConclusion, renderPrComment, stickyMarker, type CommentLinks } from "../evidence/pr-comment.js";
import type { Results } from "../evidence/results.js";
import { GitHubApiError, explainGitHubError, type GitHubApi } from "./api.js";
import type { TriggerEvent } from "./event.js";

/** `comment` input: auto posts on pull-request events; always wherever a pull request is known; never. */
export type CommentPolicy = "auto" | "always" | "never";

export interface StickyComment {
  url: string;
  created: boolean;
}

/**
 * Creates the sticky comment on pull request `issue`, or edits the one an earlier run left (the
 * first comment whose first line is the same marker). Throws GitHubApiError naming the
 * permission when GitHub refuses.
 */
export async function upsertStickyComment(api: GitHubApi, issue: number, body: string): Promise<StickyComment> {
  const marker = body.slice(0, body.indexOf("\n"));
  let existing;
  try {
    existing = (await api.listComments(issue)).find((c) => c.body.startsWith(marker));
  } catch (error) {
    throw explainGitHubError(error, `read the comments of pull request #${issue}`, "pull-requests: read");
  }
  try {
    if (existing) return { url: (await api.updateComment(existing.id, body)).htmlUrl, created: false };
    return { url: (await api.createComment(issue, body)).htmlUrl, created: true };
  } catch (error) {
    throw explainGitHubError(error, `${existing ? "update" : "create"} the comment on pull request #${issue}`, "pull-requests: write");
  }
}

export interface GitHubReportOptions {
  /** Absent when no token was given: nothing is posted, and a wanted comment is warned about. */
  api?: GitHubApi;
  event: TriggerEvent;
  comment: CommentPolicy;
  checkRun: boolean;
  /** The commit for the check run when the event names no pull-request head (GITHUB_SHA). */
  sha?: string;
  links?: CommentLinks;
  log: Log;
}

export interface GitHubReport {
  comment?: StickyComment;
  checkRunUrl?: string;
  /** What could not be posted, one line each (already logged as warnings). */
  problems: string[];
}

/** The check run's name: one per suite and instance type, like the comment. */
export function checkRunName(results: Results): string {
  return `gpu-bench / ${results.suite.name} / ${results.instance?.type ?? "no instance"}`;
}

/**
 * Posts published results where reviewers look: the sticky comment (per `comment`) and a check
 * run (when `checkRun`). Never throws: a refused post is a warning, since the evidence is already
 * in the summary, the artifact and S3.
 */
export async function reportOnGitHub(results: Results, opts: GitHubReportOptions): Promise<GitHubReport> {
  const report: GitHubReport = { problems: [] };
  const problem = (text: string) => {
    report.problems.push(text);
    opts.log.warning(text);
  };
  const pr = opts.event.pullRequest;
  const wantComment = opts.comment === "always" || (opts.comment === "auto" && opts.event.name?.startsWith("pull_request") === true);
  if (wantComment && !pr) {
    if (opts.comment === "always")
      problem(
        `No pull request comment: the '${opts.event.name ?? "unknown"}' event names no pull request (give one with 'pr' in mode: comment).`,
      );
  } else if (wantComment && pr) {
    if (!opts.api) problem("No pull request comment: no 'github-token' was given.");
    else {
      try {
        report.comment = await upsertStickyComment(opts.api, pr.number, renderPrComment(results, opts.links));
        opts.log.info(
          `${report.comment.created ? "Commented on" : "Updated the comment on"} pull request #${pr.number}: ${report.comment.url}`,
        );
      } catch (error) {
        problem(error instanceof GitHubApiError ? error.message : `No pull request comment: ${String(error)}`);
      }
    }
  }
  if (opts.checkRun) {
    const headSha = pr?.headSha ?? opts.sha;
    if (!opts.api) problem("No check run: no 'github-token' was given.");
    else if (!headSha) problem("No check run: the commit is unknown (GITHUB_SHA is not set).");
    else {
      try {
        const created = await opts.api.createCheckRun({
          name: checkRunName(results),
          headSha,
          conclusion: checkConclusion(results),
          title: `${results.assessment?.verdict ?? "unknown"}: ${results.assessment?.reason ?? ""}`.slice(0, 1000),
          summary: renderPrComment(results, opts.links).replace(stickyMarker(results), "").trim(),
          detailsUrl: opts.links?.runUrl ?? results.run.url,
        });
        report.checkRunUrl = created.htmlUrl;
        opts.log.info(`Check run '${checkRunName(results)}': ${created.htmlUrl}`);
      } catch (error) {
        problem(explainGitHubError(error, "create the check run", "checks: write").message);
      }
    }
  }
  return report;
}
