import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MOTO_VENV, MOTO_VERSION } from "../conformance/moto-server.js";

const REPO = new URL("../..", import.meta.url).pathname;
const SCRIPT = join(REPO, "scripts/system-deps.sh");
const read = (path: string) => readFileSync(join(REPO, path), "utf8");
const PACKAGES = spawnSync("bash", [SCRIPT, "--list"], { encoding: "utf8" }).stdout.trim().split(" ");

let stubs: string | undefined;
afterEach(() => stubs && rmSync(stubs, { recursive: true, force: true }));

/** Runs the script with dpkg, id and apt-get replaced by stubs: `missing` are not installed; `uid` is the user. */
function runWith(missing: string[], uid: number) {
  stubs = mkdtempSync(join(tmpdir(), "system-deps-"));
  const stub = (name: string, body: string) => {
    writeFileSync(join(stubs!, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(stubs!, name), 0o755);
  };
  stub("dpkg", `case " ${missing.join(" ")} " in *" $2 "*) exit 1;; esac; exit 0`);
  stub("id", `echo ${uid}`);
  stub("apt-get", `echo "apt-get $*" >> "${stubs}/apt.log"`);
  const run = spawnSync("bash", [SCRIPT], { encoding: "utf8", env: { ...process.env, PATH: `${stubs}:${process.env.PATH}` } });
  const apt = (() => {
    try {
      return readFileSync(join(stubs!, "apt.log"), "utf8").trim().split("\n");
    } catch {
      return [];
    }
  })();
  return { status: run.status, stderr: run.stderr, apt };
}

describe("npm test and npm start set up a fresh machine's system packages", () => {
  it("both commands, and CI, run the one script with the one list", () => {
    const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    expect(pkg.scripts.pretest).toBe("bash scripts/system-deps.sh");
    expect(pkg.scripts.prestart).toBe("bash scripts/system-deps.sh");
    expect(read(".ci/run")).toContain("scripts/system-deps.sh");
    expect(read(".ci/run")).toContain("npm test");
    expect(read(".github/workflows/ci.yml")).not.toMatch(/apt-get install/);
    expect(PACKAGES).toEqual([
      "python3-torch",
      "python3-torchvision",
      "libopenblas0-pthread",
      "python3-yaml",
      "shellcheck",
      "python3-venv",
    ]);
    const readme = read("README.md").replace(/\s+/g, " ");
    expect(readme).toContain(`\`${PACKAGES.join(" ")}\``);
  });

  it("keeps moto_server, when it is not on PATH, where the conformance test looks for it", () => {
    const venv = spawnSync("bash", [SCRIPT, "--moto-venv"], { encoding: "utf8" }).stdout.trim();
    expect(venv).toBe(MOTO_VENV);
    expect(venv.endsWith(`moto-${MOTO_VERSION}`)).toBe(true);
  });

  it("does nothing when every package is there", () => {
    const r = runWith([], 1000);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.apt).toEqual([]);
  });

  it("without root, stops at once naming the missing packages and the command", () => {
    const r = runWith(["python3-torch", "shellcheck"], 1000);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("missing Debian packages: python3-torch shellcheck");
    expect(r.stderr).toContain("sudo apt-get update && sudo apt-get install -y --no-install-recommends python3-torch shellcheck");
    expect(r.apt).toEqual([]);
  });

  it("as root, installs only the missing packages with apt-get, after an update", () => {
    const r = runWith(["python3-yaml"], 0);
    expect(r.status).toBe(0);
    expect(r.apt).toEqual(["apt-get update -qq", "apt-get install -y -qq --no-install-recommends python3-yaml"]);
  });
});
