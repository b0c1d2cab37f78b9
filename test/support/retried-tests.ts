import { afterEach } from "vitest";

/**
 * A setup file: each test that passes only on its retry (vitest's `retry`, see vitest.config.ts)
 * says so on stderr, with the error of its failed try, whatever reporters the run uses (.ci/run
 * names its own), so a flake is seen in the log rather than lost in a green count. Search a run's
 * log for "RETRIED".
 */
afterEach(({ task }) => {
  const result = task.result;
  if (result?.state !== "pass" || !result.retryCount) return;
  const first = result.errors?.[0];
  const why = first ? `${first.name ?? "Error"}: ${first.message ?? ""}`.split("\n").slice(0, 12).join("\n") : "(no error kept)";
  console.error(`RETRIED: '${task.fullTestName ?? task.name}' passed on try ${result.retryCount + 1}; its failed try said:\n${why}`);
});
