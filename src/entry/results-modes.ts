import { writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { sessionNameFor } from "../auth/credentials.js";
import { destroyClients, type AwsClients } from "../cloud/clients.js";
import type { AwsAccess, CommentSettings, CompareSettings } from "../config/inputs.js";
import { compareAcrossTypes, renderComparison } from "../evidence/compare.js";
import { readResults } from "../evidence/results-source.js";
import { reportOnGitHub } from "../github/report.js";
import { clientsFor } from "./aws.js";
import type { Executed, Runtime } from "./execute.js";
import { TOOL } from "./tool.js";

/** The comparison's Markdown file in the output folder (also the job summary in the action). */
export const COMPARISON_FILE = "comparison.md";

/** Runs `use` with AWS clients made on first need: local files need no credentials. */
async function withLazyClients<T>(access: AwsAccess, rt: Runtime, use: (s3: () => AwsClients["s3"]) => Promise<T>): Promise<T> {
  let clients: AwsClients | undefined;
  const s3 = () => {
    clients ??= clientsFor(
      access,
      access.roleSessionName ?? sessionNameFor(`results-${rt.identity.runId}`, rt.identity.attempt),
      rt.idToken,
      rt.log,
      rt.env,
      TOOL.version,
    );
    return clients.s3;
  };
  try {
    return await use(s3);
  } finally {
    if (clients) destroyClients(clients);
  }
}

/**
 * `mode: comment` (the workflow_run pattern for fork pull requests): posts the sticky comment,
 * and the check run when asked, for each results.json the source holds (a folder of a matrix's
 * artifacts has one per leg), from what an earlier job published. Fails when a comment could not
 * be posted: that is all this mode is for.
 */
export async function executeComment(settings: CommentSettings, rt: Runtime): Promise<Executed> {
  const all = await withLazyClients(settings, rt, (s3) => readResults([settings.results], s3));
  const github = rt.github;
  if (!github) return { failed: "No GitHub context: mode comment runs inside a workflow or with GITHUB_REPOSITORY set" };
  const event = settings.pr !== undefined ? { ...github.event, pullRequest: { number: settings.pr, fromFork: false } } : github.event;
  const api = github.api(settings.githubToken!);
  const problems: string[] = [];
  for (const results of all) {
    const report = await reportOnGitHub(results, {
      api,
      event,
      comment: "always",
      checkRun: settings.checkRun,
      sha: results.run.sha ?? github.sha,
      log: rt.log,
    });
    if (report.comment) rt.log.info(`comment: ${report.comment.url}`);
    problems.push(...report.problems);
  }
  return problems.length > 0 ? { failed: problems.join("\n") } : {};
}

/** `mode: compare`: one comparison of the runs' results across GPU types, to a file, the log and the summary. */
export async function executeCompare(settings: CompareSettings, rt: Runtime): Promise<{ markdown: string; path: string }> {
  const runs = await withLazyClients(settings, rt, (s3) => readResults(settings.results, s3));
  const markdown = renderComparison(compareAcrossTypes(runs, rt.clock.now()));
  await mkdir(rt.outDir, { recursive: true });
  const path = join(rt.outDir, COMPARISON_FILE);
  await writeFile(path, markdown, "utf8");
  await rt.publisher.writeSummary(markdown);
  return { markdown, path };
}
