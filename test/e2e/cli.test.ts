import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandIn } from "../../stand-in/index.js";
import { CHAOS_BUCKET, CHAOS_INPUTS, instancesLeftAlive, startLifecycleStandIn } from "./chaos-runner.js";

const ROOT = new URL("../..", import.meta.url).pathname;
let standIn: StandIn;

beforeAll(async () => {
  standIn = await startLifecycleStandIn();
});
afterAll(async () => {
  await standIn.stop();
});

/** `gpu-bench` as a person runs it: the same inputs as flags, credentials from the default chain. */
function cli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(ROOT, "dist/cli.js"), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: tmpdir(),
      ...standIn.env,
      ...standIn.staticCredentialsEnv(),
      GITHUB_RUN_ID: String(Date.now()),
      ...env,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return { child, exited, out: () => ({ stdout, stderr }) };
}

const runFlags = (out: string) => [
  "run",
  ...Object.entries({ ...CHAOS_INPUTS, "role-to-assume": "" }).flatMap(([k, v]) => (v ? [`--${k}`, v] : [])),
  "--out",
  out,
];

describe("the gpu-bench CLI", () => {
  it("runs a benchmark with default-chain credentials and ends with the evidence path", async () => {
    const out = mkdtempSync(join(tmpdir(), "cli-"));
    const run = cli([...runFlags(out), "--tags", "team=ml infra,cost-center=42"]);
    expect(await run.exited).toBe(0);
    const lines = run.out().stdout.trim().split("\n");
    expect(lines.at(-1)).toBe(`evidence: ${join(out, "evidence.md")}`);
    const instance = standIn.instances().find((i) => i.tags.team === "ml infra");
    expect(instance?.tags).toMatchObject({ team: "ml infra", "cost-center": "42", "managed-by": "ephemeral-gpu-bench" });
    expect(instance?.volumeTags).toMatchObject({ team: "ml infra" });
    expect(instance?.state).not.toBe("running");
  });

  it("cleanup terminates what a killed run left behind, from its state file", async () => {
    const out = mkdtempSync(join(tmpdir(), "cli-"));
    const runId = `cli-${Date.now()}`;
    standIn.faults.agentDelayMs = 60_000;
    const run = cli(runFlags(out), { GITHUB_RUN_ID: runId });
    const poll = setInterval(() => {
      if (standIn.instances().some((i) => i.tags["gpu-bench:run-id"] === runId && i.state === "running")) run.child.kill("SIGKILL");
    }, 20);
    await run.exited;
    clearInterval(poll);
    standIn.faults.reset();
    expect(standIn.liveInstances().filter((i) => i.tags["gpu-bench:run-id"] === runId)).toHaveLength(1);

    const cleanup = cli(["cleanup", "--state-file", join(out, "state.json")]);
    expect(await cleanup.exited).toBe(0);
    expect(cleanup.out().stderr).toMatch(/Terminated what main left behind: i-/);
    expect(await instancesLeftAlive(standIn, runId)).toEqual([]);
  });

  it("rejects bad flags with every problem named and exit code 2", async () => {
    const run = cli(["run", "--ttl-minutes", "1", "--evidence-bucket", CHAOS_BUCKET]);
    expect(await run.exited).toBe(2);
    expect(run.out().stderr).toMatch(/'ttl-minutes' must be from 5 to 2880/);
    expect(run.out().stderr).toMatch(/'subnet-ids' is required/);
  });
});
