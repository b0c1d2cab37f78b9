import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../src/config/inputs.js";
import { insideWorkspace } from "../../src/entry/execute.js";

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function workspaceWithOutsideFile(): { workspace: string; outside: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "ws-")));
  dirs.push(root);
  const workspace = join(root, "repo");
  mkdirSync(join(workspace, "suites"), { recursive: true });
  writeFileSync(join(workspace, "suites", "weekly.yaml"), "version: 1\n");
  const outside = join(root, "secret.yaml");
  writeFileSync(outside, "token: not-for-the-report\n");
  return { workspace, outside };
}

describe("files named by suite and baseline-file", () => {
  it("are read from inside the workspace", () => {
    const { workspace } = workspaceWithOutsideFile();
    expect(insideWorkspace(workspace, "suites/weekly.yaml", "suite")).toBe(join(workspace, "suites", "weekly.yaml"));
    // Missing files are the reader's to report, as long as they would be inside.
    expect(insideWorkspace(workspace, "suites/missing.yaml", "suite")).toBe(join(workspace, "suites", "missing.yaml"));
  });

  it("are refused, naming the input, when they resolve outside it: '..', absolute, or through a symbolic link", () => {
    const { workspace, outside } = workspaceWithOutsideFile();
    symlinkSync(outside, join(workspace, "suites", "link.yaml"));
    for (const path of ["../secret.yaml", outside, "suites/link.yaml"]) {
      let error: unknown;
      try {
        insideWorkspace(workspace, path, "baseline-file");
      } catch (e) {
        error = e;
      }
      expect(error, path).toBeInstanceOf(InputError);
      expect((error as InputError).problems[0]).toMatch(
        /^'baseline-file' names '.*', which is outside the workspace .*; give a path of a file inside the repository$/,
      );
    }
  });
});
