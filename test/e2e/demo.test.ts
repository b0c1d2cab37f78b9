import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `npm start` (scripts/demo.ts) as a newcomer runs it: the README's first command. Its flags, and
 * what stopping it leaves behind on this machine.
 */
const ROOT = new URL("../..", import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Demo {
  exited: Promise<number | null>;
  output: () => string;
  pid: number;
}

/** The demo as `npm start -- ARGS` runs it, with its temporary files (the stand-in's sandboxes) under `tmp`. */
function demo(args: string[], tmp: string): Demo {
  const child = spawn(join(ROOT, "node_modules/.bin/tsx"), ["--import", "./scripts/text-assets.mjs", "scripts/demo.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr.on("data", (d: Buffer) => (text += d.toString()));
  return { exited: new Promise((done) => child.on("close", (code) => done(code))), output: () => text, pid: child.pid! };
}

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "demo-test-"));
  dirs.push(dir);
  return dir;
}

/** Live processes whose environment mentions `text` (here: the demo's own temporary folder). */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, "utf8").includes(text)) found.push(pid);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

async function until(test: () => boolean, what: string, ms = 240_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe("npm start (the README's first command)", () => {
  it("--help prints its usage and runs nothing; an unknown flag is an error, never an output folder", async () => {
    const tmp = scratch();
    const help = demo(["--help"], tmp);
    expect(await help.exited).toBe(0);
    expect(help.output()).toMatch(/^Usage: npm start -- \[--suite SUITE\.yaml\] \[--platform radix\] \[OUT_DIR\]/m);
    expect(help.output()).not.toMatch(/stand-in is up/);
    expect(existsSync(join(ROOT, "--help"))).toBe(false);

    const typo = demo(["--suit", "examples/suites/multi-node.yaml"], tmp);
    expect(await typo.exited).toBe(2);
    expect(typo.output()).toMatch(/unknown flag '--suit'/);
    expect(existsSync(join(ROOT, "--suit"))).toBe(false);
  }, 60_000);

  it("stopped with SIGTERM (kill PID) mid-run, it terminates its instance through the stand-in and leaves no process behind", async () => {
    const tmp = scratch();
    const out = join(tmp, "evidence");
    const run = demo([out], tmp);
    await until(() => /▶ node bootstrap/.test(run.output()), "the node bootstrap");
    process.kill(run.pid, "SIGTERM");
    const code = await run.exited;
    expect(run.output()).toMatch(/Instances not terminated on the stand-in: none/);
    expect(run.output()).not.toMatch(/Could not confirm termination/);
    expect(code).toBe(130);
    expect(processesMentioning(tmp)).toEqual([]);
  }, 300_000);
});
