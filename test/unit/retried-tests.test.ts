import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import config from "../../vitest.config.js";

// The README's word on retries: a failing test gets one more try, and one that passes only on it
// says so on stderr (RETRIED …), which the default reporter, .ci/run's too, shows.
describe("a test that passes only on its retry", () => {
  it("is retried once by the project's config, and named on stderr with its failed try's error", () => {
    expect(config.test?.retry).toBe(1);
    expect(config.test?.setupFiles).toContain("test/support/retried-tests.ts");

    const dir = mkdtempSync(join(tmpdir(), "retried-"));
    writeFileSync(
      join(dir, "flaky.test.ts"),
      'import { expect, it } from "vitest";\nlet tries = 0;\nit("fails once", () => { tries++; expect(tries).toBe(2); });\n',
    );
    writeFileSync(
      join(dir, "vitest.config.mjs"),
      `export default { test: { retry: 1, setupFiles: [${JSON.stringify(resolve("test/support/retried-tests.ts"))}] } };\n`,
    );
    const run = spawnSync(process.execPath, [resolve("node_modules/vitest/vitest.mjs"), "run", "--reporter=default"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    // The default reporter shows a test's console output, marked as its stderr.
    expect(run.stdout + run.stderr).toContain(
      "RETRIED: 'fails once' passed on try 2; its failed try said:\nAssertionError: expected 1 to be 2",
    );
  }, 60_000);
});
