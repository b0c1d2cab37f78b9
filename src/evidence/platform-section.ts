import { cell, code, formatDuration, formatNumber, stepsTable, table } from "./format.js";
import type { Results } from "./results.js";

/**
 * The evidence's "Platform" section (runs with platform-api-url): the API and how the run logged
 * in, the cluster, the agent and its version, the time from the agent's start to an active
 * cluster, each platform step with its timing, the platform jobs with their metrics, and whether
 * the cluster was deleted. Nothing secret is in the results, so nothing secret is here.
 */
export function platformSection(results: Results): string | undefined {
  const p = results.platform;
  if (!p) return undefined;
  // Without an id, a delete error is a failed lookup by name after a create whose outcome is unknown.
  const unknown = !p.clusterId && p.deleteError !== undefined;
  const deleted = p.deleted
    ? "yes"
    : p.clusterId
      ? `**no**${p.deleteError ? `: ${cell(p.deleteError)}` : ""} (the post step retries from the saved state)`
      : unknown
        ? `**unknown**: the lookup by name failed: ${cell(p.deleteError!)} (the post step retries by the name)`
        : "no cluster was created";
  const out = [
    "## Platform",
    "",
    table(
      ["", ""],
      [
        ["API", `${code(p.api)} (${p.preset === "radix" ? "radix preset" : cell(p.preset)})`],
        ["Login", cell(p.auth)],
        [
          "Cluster",
          p.clusterId
            ? `${code(p.clusterId)} (${cell(p.clusterName)})`
            : `${cell(p.clusterName)}: ${unknown ? "perhaps created (its create's outcome is unknown)" : "not created"}`,
        ],
        ["Agent", `${code(p.agent)}${p.agentVersion ? `, version ${cell(p.agentVersion)}` : ""}`],
        ["Agent start to cluster active", p.secondsToActive === undefined ? "never active" : formatDuration(p.secondsToActive)],
        ["Cluster deleted", deleted],
      ],
    ),
    "",
    stepsTable("Step", p.steps),
  ];
  if (p.jobs.length > 0) {
    out.push(
      "",
      table(
        ["Workload", "Trial", "Job", "Status", "Throughput (images/s)", "Duration (s)"],
        p.jobs.map((j) => [
          cell(j.workload),
          String(j.trial),
          code(j.id),
          cell(j.status),
          j.metrics.throughput === undefined ? "—" : formatNumber(j.metrics.throughput),
          j.metrics.duration_seconds === undefined ? "—" : formatNumber(j.metrics.duration_seconds),
        ]),
      ),
    );
  }
  return out.join("\n");
}
