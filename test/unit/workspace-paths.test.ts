import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../src/config/inputs.js";
import { checkBaselineFile } from "../../src/entry/execute.js";
import { insideWorkspace } from "../../src/entry/workspace-files.js";
import { passingRun } from "../evidence/support/fixtures.js";
import { MemoryLog } from "../../src/runtime/log.js";

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

describe("baseline-file, read before anything is spent", () => {
  function workspaceWith(files: Record<string, string>): string {
    const root = realpathSync(mkdtempSync(join(tmpdir(), "ws-")));
    dirs.push(root);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
    return root;
  }
  const refusal = (path: string, given: string, failOnRegression = false): string => {
    try {
      checkBaselineFile(path, given, failOnRegression, new MemoryLog());
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as InputError).problems.join("\n");
    }
    throw new Error(`'${given}' was accepted`);
  };

  it("is refused, naming the input, when missing or holding no run: a typo would skip the comparison and pass the run", () => {
    const ws = workspaceWith({ "bad.json": "{not json", "other.json": '{"hello": 1}', "empty.json": "[]" });
    expect(refusal(join(ws, "nope.json"), "nope.json")).toBe(
      "'baseline-file' names 'nope.json', which cannot be read (ENOENT); give a path relative to the repository root",
    );
    for (const name of ["bad.json", "other.json", "empty.json"])
      expect(refusal(join(ws, name), name)).toMatch(
        new RegExp(
          `^'baseline-file' names '${name}', which holds no results.json or history entry \\(.*\\); give the results.json of an earlier run`,
        ),
      );
  });

  it("is accepted with 2 earlier runs; with 1, a warning that nothing will be judged, or a refusal under fail-on-regression", () => {
    const ws = workspaceWith({
      "one.json": JSON.stringify(passingRun()),
      "two.json": JSON.stringify([passingRun(), passingRun({ number: 2 })]),
    });
    const log = new MemoryLog();
    checkBaselineFile(join(ws, "two.json"), "two.json", true, log);
    expect(log.lines).toEqual([]);
    checkBaselineFile(join(ws, "one.json"), "one.json", false, log);
    expect(log.lines.join("\n")).toContain(
      "'baseline-file' 'one.json' holds 1 run; a change is judged once 2 exist, so no metric of this run will be judged.",
    );
    expect(refusal(join(ws, "one.json"), "one.json", true)).toBe(
      "'baseline-file' 'one.json' holds 1 run; a change is judged once 2 exist, so no metric of this run will be, and 'fail-on-regression' could never fail: give a JSON array of at least 2 earlier runs' results.json, or a history index",
    );
  });
});
