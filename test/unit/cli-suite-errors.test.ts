import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The built CLI as a person runs it, in a checkout of their own (the workspace is the current folder).
const CLI = new URL("../../dist/cli.js", import.meta.url).pathname;
const workspace = mkdtempSync(join(tmpdir(), "suite-ws-"));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

function run(suiteText: string) {
  writeFileSync(join(workspace, "suite.yaml"), suiteText);
  return spawnSync(
    process.execPath,
    [
      CLI,
      "run",
      "--subnet-ids",
      "subnet-0123456789abcdef0",
      "--security-group-id",
      "sg-0123456789abcdef0",
      "--instance-profile",
      "gpu-bench-instance",
      "--evidence-bucket",
      "my-bench-bucket",
      "--suite",
      "suite.yaml",
      "--out",
      "out",
    ],
    {
      cwd: workspace,
      encoding: "utf8",
      timeout: 60_000,
      // No credentials and no reachable AWS: a suite problem must be found before either matters.
      env: {
        PATH: process.env.PATH,
        HOME: workspace,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      },
    },
  );
}

describe("gpu-bench run with a bad suite file", () => {
  it.each([
    [
      "blank (truncated, a placeholder): refused, never the default suite in its place",
      "\n  \n",
      "it is empty: give at least version, name and workloads",
    ],
    [
      "invalid",
      "version: 1\nname: x\nworkloads:\n  - {id: a, kind: resnet50, trials: 0}\n",
      "workloads[0].trials (line 4): must be at least 1, got 0",
    ],
  ])("%s: exit code 2 (bad input, nothing spent), naming the file and the problem", (_, text, problem) => {
    const r = run(text);
    expect(r.stderr).toContain(`error: Suite file 'suite.yaml' is not valid: ${problem}\n`);
    expect(r.stderr).not.toMatch(/credentials|Could not reach/);
    expect(r.status, r.stderr).toBe(2);
    // Nothing was launched, so no state record was written.
    expect(readdirSync(workspace)).toEqual(["suite.yaml"]);
  });
});

describe("gpu-bench run with --out naming a file", () => {
  it("is refused with exit code 2 before anything else, saying to give a folder", () => {
    writeFileSync(join(workspace, "out"), "not a folder\n");
    try {
      const r = run("version: 1\nname: x\nworkloads:\n  - {id: a, kind: resnet50}\n");
      expect(r.stderr).toContain("error: --out 'out' is a file; give a folder (it is made when missing)\n");
      expect(r.stderr).not.toMatch(/ENOTDIR|credentials|Could not reach/);
      expect(r.status, r.stderr).toBe(2);
    } finally {
      rmSync(join(workspace, "out"));
    }
  });
});
