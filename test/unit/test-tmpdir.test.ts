import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import setup from "../support/test-tmpdir.js";

/** The README's promise: the tests' temporary folders go under one folder of the run, removed at its end. */
describe("the tests' temporary folder", () => {
  const before = process.env.TMPDIR;
  afterEach(() => {
    process.env.TMPDIR = before;
    vi.unstubAllEnvs();
  });

  it("is where this worker, and a Python it starts, make their temporary files", () => {
    expect(basename(tmpdir())).toMatch(/^gpu-bench-tests-/);
    const python = execFileSync("/usr/bin/python3", ["-c", "import tempfile; print(tempfile.gettempdir())"], { encoding: "utf8" }).trim();
    expect(python).toBe(tmpdir());
  });

  it("is removed, with what the tests left in it, when the run ends; GPU_BENCH_KEEP_TEST_TMP=1 keeps it", () => {
    const outer = mkdtempSync(join(before!, "outer-"));
    process.env.TMPDIR = outer;
    const teardown = setup();
    const root = process.env.TMPDIR;
    expect(dirname(root)).toBe(outer);
    writeFileSync(join(mkdtempSync(join(root, "gpu-bench-job-")), "state"), "x");
    teardown();
    expect(existsSync(root)).toBe(false);

    process.env.TMPDIR = outer;
    vi.stubEnv("GPU_BENCH_KEEP_TEST_TMP", "1");
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const keep = setup();
    const kept = process.env.TMPDIR;
    keep();
    expect(existsSync(kept)).toBe(true);
    expect(log).toHaveBeenCalledWith(`Kept the tests' temporary folder: ${kept}`);
    log.mockRestore();
  });
});
