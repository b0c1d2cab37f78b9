import { mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileState } from "../../src/entry/cli-runtime.js";
import type { SavedRun } from "../../src/lifecycle/state.js";

const run = (instanceIds: string[]): SavedRun => ({
  region: "us-west-2",
  roleDurationSeconds: 3600,
  sessionName: "gpu-bench-cli",
  runTags: { "managed-by": "ephemeral-gpu-bench" },
  clientTokenBase: "gpu-bench-abc",
  instanceIds,
  terminated: false,
});

describe("the CLI's state record", () => {
  it("each save replaces the record whole, leaving nothing beside it", () => {
    const dir = mkdtempSync(join(tmpdir(), "gpu-bench-state-"));
    const state = fileState(join(dir, "state", "run-1.json"));
    state.save(run(["i-1"]));
    state.save(run(["i-1", "i-2"]));
    expect(state.load()).toEqual({ kind: "saved", run: run(["i-1", "i-2"]) });
    expect(readdirSync(join(dir, "state"))).toEqual(["run-1.json"]);
  });

  it("a save that cannot finish leaves the previous record whole, never a truncated one", () => {
    const dir = mkdtempSync(join(tmpdir(), "gpu-bench-state-"));
    const path = join(dir, "run-1.json");
    const state = fileState(path);
    state.save(run(["i-1"]));
    // The file the save writes before renaming it into place cannot be written.
    mkdirSync(`${path}.${process.pid}.next`);
    expect(() => state.save(run(["i-1", "i-2"]))).toThrow(/EISDIR/);
    expect(state.load()).toEqual({ kind: "saved", run: run(["i-1"]) });
  });
});
