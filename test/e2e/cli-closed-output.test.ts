import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandIn } from "../../stand-in/index.js";
import { CHAOS_INPUTS, instancesLeftAlive, startLifecycleStandIn } from "./chaos-runner.js";

const ROOT = new URL("../..", import.meta.url).pathname;
let standIn: StandIn;

beforeAll(async () => {
  standIn = await startLifecycleStandIn();
});
afterAll(async () => {
  await standIn.stop();
});

/**
 * `gpu-bench run … 2>&1 | tee run.log` (or `| head`) whose reader goes away once the instance runs:
 * the CLI's stdout and stderr are closed pipes from then on, and `signal` (if any) arrives at once,
 * as when the same Ctrl-C ends tee and the CLI.
 */
async function runWithOutputClosed(signal?: NodeJS.Signals) {
  const out = mkdtempSync(join(tmpdir(), "cli-closed-"));
  const runId = `cli-closed-${Date.now()}`;
  standIn.faults.agentDelayMs = signal ? 60_000 : 0;
  const args = Object.entries({ ...CHAOS_INPUTS, "role-to-assume": "" }).flatMap(([k, v]) => (v ? [`--${k}`, v] : []));
  const child = spawn(process.execPath, [join(ROOT, "dist/cli.js"), "run", ...args, "--out", out], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: out,
      ...standIn.env,
      ...standIn.staticCredentialsEnv(),
      GITHUB_RUN_ID: runId,
    },
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const poll = setInterval(() => {
    if (standIn.instances().some((i) => i.tags["gpu-bench:run-id"] === runId && i.state === "running")) {
      clearInterval(poll);
      child.stdout.destroy();
      child.stderr.destroy();
      if (signal) child.kill(signal);
    }
  }, 20);
  const code = await exited;
  clearInterval(poll);
  standIn.faults.reset();
  return { code, out, runId, stderr };
}

// A whole run took up to 51 s of the default 60 s limit in a full, loaded test run.
describe("the gpu-bench CLI whose output pipe closes mid-run", { timeout: 180_000 }, () => {
  it("Ctrl-C that also ended its reader: still terminates the instance and exits 130 (it crashed on EPIPE, the instance left running)", async () => {
    const run = await runWithOutputClosed("SIGINT");
    expect(await instancesLeftAlive(standIn, run.runId)).toEqual([]);
    expect(run.code).toBe(130);
  });

  it("no signal: the run goes on to the end, terminates the instance and writes its evidence", async () => {
    const run = await runWithOutputClosed();
    expect(await instancesLeftAlive(standIn, run.runId)).toEqual([]);
    expect(existsSync(join(run.out, "evidence.md"))).toBe(true);
    // The CLI's log went to the closed pipe; the evidence is what says why a run failed.
    expect({ code: run.code, evidence: run.code === 0 ? "" : readFileSync(join(run.out, "evidence.md"), "utf8") }).toEqual({
      code: 0,
      evidence: "",
    });
  });
});
