import { regressions, type Comparison, type MetricComparison } from "./comparison.js";
import { signedPercent } from "./format.js";
import { MIN_RUNS_TO_DECIDE } from "./regression.js";
import { faultMissedSlo, type FaultResult } from "./fault-results.js";
import type { Results, VerdictKind } from "./results.js";

export { VerdictKind } from "./results.js";

export interface Verdict {
  kind: VerdictKind;
  reason: string;
}

const MAX_REASON = 300;

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}

export { faultMissedSlo };

function describeFault(fault: FaultResult): string {
  const recovery = fault.recoverySeconds !== undefined ? `recovered in ${fault.recoverySeconds}s` : "no recovery";
  const detail =
    fault.status === "slo-missed"
      ? `${recovery} (SLO ${fault.slo.maxRecoverySeconds}s)${fault.errorRate !== undefined ? `, error rate ${(fault.errorRate * 100).toFixed(1)}% (SLO ${(fault.slo.maxErrorRate * 100).toFixed(1)}%)` : ""}`
      : `${fault.status}${fault.message ? ` (${fault.message})` : ""}`;
  return `${fault.id} ${detail}`;
}

function describeRegression(m: MetricComparison): string {
  return `${m.label} of ${m.workload} ${signedPercent(m.decision.deltaPercent)}`;
}

/**
 * The verdict. A workload whose GPU telemetry marks it invalid is never called a regression (its
 * metrics are not judged) nor passes silently: the reason says which results were not judged and why.
 */
export function decideVerdict(results: Results, comparison: Comparison): Verdict {
  const verdict = decideOnJudged(results, comparison);
  const invalid = results.workloads.filter((w) => w.telemetry && !w.telemetry.valid);
  if (invalid.length === 0 || verdict.kind === "failed") return verdict;
  const head = `${invalid.length} result${invalid.length === 1 ? "" : "s"} invalid, not judged and not kept as baseline: `;
  const tail = `; ${verdict.reason}`;
  // The verdict's own reason is kept whole; the list of why each result is invalid gives way (the report has it all).
  const list = oneLine(invalid.map((w) => `${w.id} (${w.telemetry!.validity.join("; ")})`).join("; "));
  const room = Math.max(MAX_REASON - head.length - tail.length, 20);
  return { kind: verdict.kind, reason: oneLine(`${head}${list.length > room ? `${list.slice(0, room - 1)}…` : list}${tail}`) };
}

function decideOnJudged(results: Results, comparison: Comparison): Verdict {
  const { outcome } = results;
  if (outcome.status !== "succeeded") {
    const where = outcome.failedPhase ? `${outcome.failedPhase} ` : "";
    const what = outcome.status === "cancelled" ? "cancelled" : "failed";
    // A workload's message starts with its id ("llm-serving: …"); the phase already names it.
    const subject = outcome.failedPhase?.replace(/^workload /, "");
    const message = subject && outcome.message?.startsWith(`${subject}: `) ? outcome.message.slice(subject.length + 2) : outcome.message;
    return { kind: "failed", reason: oneLine(`${where}${what}${message ? `: ${message}` : ""}`) };
  }
  const broken = results.workloads.filter((w) => w.status === "failed" || w.status === "oom");
  if (broken.length > 0) {
    const first = broken[0]!;
    const more = broken.length > 1 ? ` (and ${broken.length - 1} more)` : "";
    return {
      kind: "failed",
      reason: oneLine(
        `workload ${first.id} ${first.status === "oom" ? "ran out of memory" : "failed"}${first.message ? `: ${first.message}` : ""}${more}`,
      ),
    };
  }

  const regressed = regressions(comparison, true);
  const missed = results.faults.filter(faultMissedSlo);
  if (regressed.length > 0) {
    const list = regressed.map(describeRegression).join("; ");
    const also = missed.length > 0 ? `; also ${missed.length} fault scenario(s) missed their SLO` : "";
    return {
      kind: "regression",
      reason: oneLine(
        `${regressed.length === 1 ? "headline metric regressed" : `${regressed.length} headline metrics regressed`}: ${list}${also}`,
      ),
    };
  }
  if (missed.length > 0) {
    return { kind: "fault-slo-missed", reason: oneLine(`fault scenario missed its SLO: ${missed.map(describeFault).join("; ")}`) };
  }

  const headline = comparison.metrics.filter((m) => m.headline && m.decision.decision !== "invalid");
  if (comparison.source.kind === "none") {
    return { kind: "pass", reason: oneLine(`all workloads ran; not compared with a baseline: ${comparison.source.reason}`) };
  }
  if (headline.length === 0) {
    // Not a first run either: invalid results are not kept as baseline, so nothing was recorded.
    const setAside = comparison.metrics.some((m) => m.headline);
    return {
      kind: "pass",
      reason: setAside
        ? "all workloads ran; every headline metric comes from an invalid result: none judged, no baseline recorded"
        : "all workloads ran; no headline metric to compare",
    };
  }
  if (headline.every((m) => m.decision.decision === "no-baseline")) {
    return {
      kind: "first-run",
      reason: `first run of suite ${results.suite.name} on ${results.instance?.type ?? "this instance type"}: baseline recorded`,
    };
  }
  const judged = headline.filter((m) => ["no-change", "improvement"].includes(m.decision.decision));
  if (judged.length === 0) {
    const runs = Math.max(...headline.map((m) => m.decision.runs));
    return {
      kind: "pass",
      reason: `all workloads ran; ${runs} earlier run${runs === 1 ? " is" : "s are"} too few to judge a change (${MIN_RUNS_TO_DECIDE} needed); this run joins the baseline`,
    };
  }
  const improved = headline.filter((m) => m.decision.decision === "improvement");
  const unjudged = headline.length - judged.length;
  const parts = [`no headline metric regressed (${judged.length} of ${headline.length} judged`];
  if (improved.length > 0) parts.push(`, ${improved.length} improved`);
  parts.push(")");
  if (unjudged > 0) parts.push(`; ${unjudged} not judged: too few baseline runs`);
  return { kind: "pass", reason: oneLine(parts.join("")) };
}
