import { NO_INSTANCE } from "./history.js";
import { cell, code, formatNumber, signedPercent, table } from "./format.js";
import { DECISION_MARK, VERDICT_MARK, pointText } from "./markdown.js";
import type { Decision } from "./regression.js";
import type { Results } from "./results.js";

/**
 * The sticky pull-request comment: one per suite and instance type, found again on the next run
 * by a hidden marker and edited in place, so a pull request carries one current answer per leg
 * instead of a comment per push.
 */

/** GitHub's limit on a comment body, in characters. */
export const COMMENT_LIMIT_CHARS = 65_536;

/** The hidden first line that identifies the comment of one suite and instance type. */
export function stickyMarker(results: Pick<Results, "suite" | "instance">): string {
  const type = results.instance?.type ?? NO_INSTANCE;
  return `<!-- gpu-bench:sticky suite=${encodeURIComponent(results.suite.name)} instance-type=${encodeURIComponent(type)} -->`;
}

export interface CommentLinks {
  /** The workflow run that produced the results. */
  runUrl?: string;
  /** Where the full report is: an S3 URI, an artifact name, a path. */
  evidence?: string;
  artifactName?: string;
}

/**
 * The comment's Markdown for published results (results.assessment set): the verdict and why,
 * each headline metric against the baseline, where the baseline came from, and the links.
 * Throws when the results carry no assessment (they were never published).
 */
export function renderPrComment(results: Results, links: CommentLinks = {}): string {
  const a = results.assessment;
  if (!a) throw new Error("these results carry no verdict (no 'assessment'): give the results.json that publishing wrote");
  const type = results.instance?.type ?? "no instance";
  const gpu = results.inventory?.gpus[0]?.name;
  const out = [stickyMarker(results)];
  out.push(`### GPU benchmark \`${cell(results.suite.name)}\` on ${cell(type)}${gpu ? ` (${cell(gpu)})` : ""}: ${VERDICT_MARK[a.verdict]}`);
  out.push("", cell(a.reason), "");
  if (a.headline.length > 0) {
    const rows = a.headline.map((h) => [
      cell(h.workload),
      cell(pointText(h.metric) ? `${h.label} at ${pointText(h.metric)}` : h.label),
      h.value === null ? "—" : `${formatNumber(h.value)} ${cell(h.unit)}`,
      h.changePercent === null ? "—" : signedPercent(h.changePercent),
      DECISION_MARK[h.decision as Decision] ?? cell(h.decision),
    ]);
    out.push(table(["Workload", "Metric", "This run", "Against baseline", "Decision"], rows), "");
  }
  out.push(`Baseline: ${a.baseline.startsWith("none: ") ? cell(a.baseline.slice(6)) : code(a.baseline)}`);
  const where: string[] = [];
  if (links.runUrl ?? results.run.url) where.push(`[workflow run](${links.runUrl ?? results.run.url})`);
  const evidence = links.evidence ?? results.locations.evidence;
  if (evidence) where.push(`evidence: \`${evidence}\``);
  if (links.artifactName) where.push(`artifact \`${links.artifactName}\``);
  if (where.length > 0) out.push("", where.join(" · "));
  const sha = results.run.sha ? ` for ${results.run.sha.slice(0, 7)}` : "";
  out.push(
    "",
    `<sub>${results.tool.name} ${results.tool.version}${sha}, run ${results.run.id} attempt ${results.run.attempt}; updated in place on every run.</sub>`,
  );
  const text = `${out.join("\n")}\n`;
  return text.length <= COMMENT_LIMIT_CHARS
    ? text
    : `${text.slice(0, COMMENT_LIMIT_CHARS - 80)}\n\n… (cut to GitHub's comment limit; the evidence has everything)\n`;
}

/** The check run's conclusion for a verdict: a pass or a first run succeeds; a regression, a missed fault SLO or a failed run fails. */
export function checkConclusion(results: Results): "success" | "failure" {
  const v = results.assessment?.verdict;
  return v === "pass" || v === "first-run" ? "success" : "failure";
}
