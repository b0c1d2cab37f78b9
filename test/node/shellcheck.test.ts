import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const REPO = new URL("../..", import.meta.url).pathname;
const DIRS = ["remote", "stand-in/instance-bin", "stand-in/images", "scripts", ".ci"];

function shellScripts(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "__pycache__") out.push(...shellScripts(path));
      continue;
    }
    const first = readFileSync(path, "utf8").split("\n", 1)[0] ?? "";
    if (/\.(sh|bash)$/.test(name) || /^#!.*\b(ba)?sh\b/.test(first)) out.push(path);
  }
  return out;
}

describe("shell scripts that run on the instance, the stand-in's stubs, and the set-up scripts", () => {
  it("are shellcheck-clean", () => {
    const files = DIRS.flatMap((d) => shellScripts(join(REPO, d))).map((f) => relative(REPO, f));
    expect(files.length).toBeGreaterThan(10);
    const run = spawnSync("shellcheck", ["--external-sources", "--source-path=SCRIPTDIR", ...files], { cwd: REPO, encoding: "utf8" });
    if (run.error) throw new Error(`shellcheck could not run (${run.error.message}); install it: apt-get install -y shellcheck`);
    expect(run.stdout + run.stderr, `shellcheck found problems in: ${files.join(" ")}`).toBe("");
    expect(run.status).toBe(0);
  });
});
