import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastLines } from "../../src/cloud/remote-script.js";
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
function cli(args: string[], env: Record<string, string> = {}, { credentials = true } = {}) {
  const child = spawn(process.execPath, [join(ROOT, "dist/cli.js"), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      // An empty home: no ~/.aws to find credentials in.
      HOME: mkdtempSync(join(tmpdir(), "home-")),
      ...standIn.env,
      ...(credentials ? standIn.staticCredentialsEnv() : {}),
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
    const code = await run.exited;
    // Why, when it fails: the run's log (stderr) ends with the error and the verdict.
    expect(code, lastLines(run.out().stderr, 60)).toBe(0);
    const lines = run.out().stdout.trim().split("\n");
    expect(lines.at(-1)).toBe(`evidence: ${join(out, "evidence.md")}`);
    const instance = standIn.instances().find((i) => i.tags.team === "ml infra");
    expect(instance?.tags).toMatchObject({ team: "ml infra", "cost-center": "42", "managed-by": "ephemeral-gpu-bench" });
    expect(instance?.volumeTags).toMatchObject({ team: "ml infra" });
    expect(instance?.state).not.toBe("running");

    // Every phase once, with a ▶ line and its duration; no line said twice.
    const log = run.out().stderr.split("\n");
    const started = log.filter((l) => l.startsWith("▶ ")).map((l) => l.slice(2));
    expect(started).toEqual(expect.arrayContaining(["resolve image", "launch", "node bootstrap", "terminate", "evidence"]));
    for (const phase of started)
      expect(
        log.some((l) => l.startsWith(`✓ ${phase}: `) && / \d+\.\d s$/.test(l)),
        phase,
      ).toBe(true);
    expect(log.filter((l) => l.startsWith("Node ready"))).toHaveLength(1);
  }, 240_000);

  /** A run killed (SIGKILL: nothing of it survives) once its instance is running. */
  async function killedRun(out: string, extra: string[] = []) {
    const runId = `cli-${Date.now()}-${Math.floor(Math.random() * 1000)}`;
    standIn.faults.agentDelayMs = 60_000;
    const run = cli([...runFlags(out), ...extra], { GITHUB_RUN_ID: runId });
    await until(() => standIn.instances().some((i) => i.tags["gpu-bench:run-id"] === runId && i.state === "running"));
    run.child.kill("SIGKILL");
    await run.exited;
    standIn.faults.reset();
    expect(standIn.liveInstances().filter((i) => i.tags["gpu-bench:run-id"] === runId)).toHaveLength(1);
    return runId;
  }

  it("two runs in one --out keep a state record each; cleanup terminates what both left behind", async () => {
    const out = mkdtempSync(join(tmpdir(), "cli-"));
    const first = await killedRun(out);
    const second = await killedRun(out);
    expect(readdirSync(join(out, "state"))).toHaveLength(2);

    const cleanup = cli(["cleanup", "--out", out]);
    expect(await cleanup.exited).toBe(0);
    expect(cleanup.out().stderr.match(/Terminated what a previous run left behind: i-/g)).toHaveLength(2);
    expect(await instancesLeftAlive(standIn, first)).toEqual([]);
    expect(await instancesLeftAlive(standIn, second)).toEqual([]);
  }, 240_000);

  it("refuses to overwrite a state file that names a live instance", async () => {
    const out = mkdtempSync(join(tmpdir(), "cli-"));
    const stateFile = join(out, "mine.json");
    const runId = await killedRun(out, ["--state-file", stateFile]);
    const calls = standIn.calls.length;
    const again = cli([...runFlags(out), "--state-file", stateFile]);
    expect(await again.exited).toBe(2);
    expect(again.out().stderr).toMatch(/'--state-file' .*mine\.json names i-\w+, still running: run 'gpu-bench cleanup --state-file/);
    expect(standIn.calls.slice(calls).filter((c) => c.action === "RunInstances")).toEqual([]);
    const cleanup = cli(["cleanup", "--state-file", stateFile]);
    expect(await cleanup.exited).toBe(0);
    expect(cleanup.out().stderr).toMatch(/Terminated what a previous run left behind: i-/);
    expect(await instancesLeftAlive(standIn, runId)).toEqual([]);
  }, 240_000);

  it.each(["SIGHUP", "SIGQUIT"] as const)(
    "%s (a closed terminal, Ctrl-\\) stops the run and terminates its instance",
    async (signal) => {
      const out = mkdtempSync(join(tmpdir(), "cli-"));
      const runId = `cli-${signal}-${Date.now()}`;
      standIn.faults.agentDelayMs = 60_000;
      const run = cli(runFlags(out), { GITHUB_RUN_ID: runId });
      await until(() => standIn.instances().some((i) => i.tags["gpu-bench:run-id"] === runId && i.state === "running"));
      run.child.kill(signal);
      expect(await run.exited).toBe(130);
      standIn.faults.reset();
      expect(run.out().stderr).toMatch(new RegExp(`Received ${signal}: cancelling the run and terminating the instance`));
      expect(await instancesLeftAlive(standIn, runId)).toEqual([]);
    },
    240_000,
  );

  it("rejects bad flags with every problem named and exit code 2", async () => {
    const run = cli(["run", "--ttl-minutes", "1", "--evidence-bucket", CHAOS_BUCKET]);
    expect(await run.exited).toBe(2);
    expect(run.out().stderr).toMatch(/'ttl-minutes' must be from 5 to 2880/);
    expect(run.out().stderr).toMatch(/'subnet-ids' is required/);
  });

  it("reads the Cognito client secret from GPU_BENCH_COGNITO_CLIENT_SECRET, and warns when --cognito-client-secret puts it on the command line", async () => {
    const awsCalls = standIn.calls.length;
    const out = mkdtempSync(join(tmpdir(), "cli-"));
    const cognito = [
      ...runFlags(out),
      ...["--platform-api-url", "https://platform.example.com", "--cognito-user-pool-id", "us-west-2_AbCdEf123"],
      ...["--cognito-client-id", "abc123", "--cognito-username", "ci-user"],
    ];
    // A two-line secret in the variable is refused by name, before anything is spent: the CLI read it there.
    const fromEnv = cli(cognito, {
      GPU_BENCH_COGNITO_PASSWORD: "Planted-Pw-1",
      GPU_BENCH_COGNITO_CLIENT_SECRET: "cs-Planted-a\ncs-Planted-b",
    });
    expect(await fromEnv.exited).toBe(2);
    expect(fromEnv.out().stderr).toContain("'cognito-client-secret' must be a single line");
    expect(fromEnv.out().stderr).not.toContain("was given on the command line");
    expect(fromEnv.out().stderr).not.toContain("cs-Planted");
    // The same through the flag: the warning names the variable, never the secret.
    const fromFlag = cli([...cognito, "--cognito-client-secret", "cs-Planted-c\ncs-Planted-d"], {
      GPU_BENCH_COGNITO_PASSWORD: "Planted-Pw-1",
    });
    expect(await fromFlag.exited).toBe(2);
    expect(fromFlag.out().stderr).toContain(
      "--cognito-client-secret was given on the command line, where other local users (ps) and your shell history can read it; set GPU_BENCH_COGNITO_CLIENT_SECRET in the environment instead",
    );
    expect(fromFlag.out().stderr).toContain("'cognito-client-secret' must be a single line");
    expect(fromFlag.out().stderr).not.toContain("cs-Planted");
    expect(standIn.calls.length).toBe(awsCalls);
  });

  it.each([
    [["run", "--instance-type", "g5.xlarge"], "error: unknown flag '--instance-type'; did you mean --instance-types?"],
    [["run", "--bogus"], "error: unknown flag '--bogus' (gpu-bench run --help lists them)"],
    [["-v"], "error: unknown flag '-v': flags are long (--name); did you mean --verbose or --version?"],
    [["sweep", "--dry-run=maybe"], "error: '--dry-run' takes true or false, got 'maybe'"],
    [
      ["sweep", "dry-run"],
      "error: unexpected word 'dry-run' after 'sweep': gpu-bench takes no positional arguments; did you mean --dry-run?",
    ],
    [
      ["run", "--fail-on-regression", "false", "now"],
      "error: unexpected word 'now' after 'run': gpu-bench takes no positional arguments (gpu-bench run --help lists them)",
    ],
  ])("answers %j with one line and exit code 2, never a stack trace", async (args, line) => {
    const run = cli(args);
    expect(await run.exited).toBe(2);
    expect(run.out().stderr).toBe(`${line}\n`);
    expect(run.out().stdout).toBe("");
  });

  it("--help and run --help list every flag with its default; --dry-run=false is a dry run turned off", async () => {
    const help = cli(["--help"]);
    expect(await help.exited).toBe(0);
    expect(help.out().stdout).toMatch(/--ttl-minutes VALUE\s+Hard limit[^]*\(default: 60\)/);
    expect(help.out().stdout).toMatch(/Flags of 'gpu-bench sweep':[^]*--dry-run\[=true\|false\]/);
    const runHelp = cli(["run", "--help"]);
    expect(await runHelp.exited).toBe(0);
    expect(runHelp.out().stdout).toMatch(/--regression-threshold VALUE\n\s+Smallest change[^]*\(default: 5\)/);
    expect(runHelp.out().stdout).toContain("Exit codes: 0 success; 1 the run failed");

    const sweep = cli(["sweep", "--dry-run=false"]);
    expect(await sweep.exited).toBe(0);
    expect(sweep.out().stderr).toMatch(/(Terminated \d+|No expired instance)/);
  });

  it("cleanup without a state file is an error, not 'nothing to clean up'", async () => {
    const missing = join(mkdtempSync(join(tmpdir(), "cli-")), "state.json");
    const cleanup = cli(["cleanup", "--state-file", missing]);
    expect(await cleanup.exited).toBe(2);
    expect(cleanup.out().stderr).toContain(
      `error: no state file at ${missing}: 'gpu-bench cleanup' reads the one a previous 'gpu-bench run' wrote`,
    );
  });

  it("a --state-file that is a folder is refused before anything is searched or launched, naming the flag and the fix", async () => {
    const folder = mkdtempSync(join(tmpdir(), "cli-"));
    for (const command of ["cleanup", "run"]) {
      const given = cli([command, "--state-file", folder]);
      expect(await given.exited, given.out().stderr).toBe(2);
      expect(given.out().stderr).toContain(`error: --state-file ${folder} is a folder: give the file of one run's record`);
      expect(given.out().stderr).not.toMatch(/Searching|Launch/);
    }
  });

  const savedRun = (instanceId: string) => {
    const path = join(mkdtempSync(join(tmpdir(), "cli-")), "state.json");
    writeFileSync(
      path,
      JSON.stringify({
        region: "us-west-2",
        roleDurationSeconds: 3600,
        sessionName: "gpu-bench-1-1",
        runTags: { "managed-by": "ephemeral-gpu-bench", "gpu-bench:repository": "octo/bench", "gpu-bench:run-id": "77" },
        clientTokenBase: "t",
        instanceIds: [instanceId],
        terminated: false,
      }),
    );
    return path;
  };

  it("cleanup with a record it cannot read names it and why, searches by tags instead, and goes on to the next record", async () => {
    const out = mkdtempSync(join(tmpdir(), "cli-"));
    // A folder where a record should be: reading it fails (EISDIR), as a record without read permission would (EACCES).
    mkdirSync(join(out, "state", "a-unreadable.json"), { recursive: true });
    writeFileSync(join(out, "state", "b-corrupt.json"), '{"region":');
    const cleanup = cli(["cleanup", "--out", out]);
    expect(await cleanup.exited).toBe(0);
    const err = cleanup.out().stderr;
    expect(err).toContain(`${join(out, "state", "a-unreadable.json")}:\n`);
    expect(err).toContain(
      "warning: a previous run's saved state is unusable: it could not be read (EISDIR: illegal operation on a directory, read). Searching us-west-2 for this job's instances by their tags",
    );
    expect(err).toContain(`${join(out, "state", "b-corrupt.json")}:\n`);
    expect(err).toContain("warning: a previous run's saved state is unusable: not JSON");
    expect(err).not.toMatch(/^error:/m);
  });

  it("cleanup with AWS unreachable names the instance it could not confirm terminated and how to terminate it, exit 1", async () => {
    const cleanup = cli(["cleanup", "--state-file", savedRun("i-0abc1234def567890")], {
      AWS_ENDPOINT_URL_EC2: "http://127.0.0.1:1",
      AWS_MAX_ATTEMPTS: "1",
    });
    expect(await cleanup.exited).toBe(1);
    const err = cleanup.out().stderr;
    expect(err).toContain(
      "error: Could not confirm that the instances of that run are terminated: Could not reach EC2 at http://127.0.0.1:1 (ECONNREFUSED",
    );
    expect(err).toContain(
      "Not confirmed terminated: i-0abc1234def567890. Terminate it by hand: aws ec2 terminate-instances --region us-west-2 --instance-ids i-0abc1234def567890",
    );
    expect(err).toContain("Name=tag:gpu-bench:run-id,Values=77");
    expect(err).not.toMatch(/\n\s+at /);
  });

  it("cleanup without credentials says which chain it tried and still names the instance, exit 1", async () => {
    const cleanup = cli(["cleanup", "--state-file", savedRun("i-0fed9876cba543210")], {}, { credentials: false });
    expect(await cleanup.exited).toBe(1);
    expect(cleanup.out().stderr).toMatch(/No AWS credentials found\. The SDK's default chain tried/);
    expect(cleanup.out().stderr).toContain("aws ec2 terminate-instances --region us-west-2 --instance-ids i-0fed9876cba543210");
  });

  it("run without credentials fails once, before launching, naming the fix and not the 'ami' input", async () => {
    const out = mkdtempSync(join(tmpdir(), "cli-"));
    const run = cli(runFlags(out), {}, { credentials: false });
    expect(await run.exited).toBe(1);
    const err = run.out().stderr;
    expect(err.match(/No AWS credentials found/g)).toHaveLength(1);
    expect(err).toMatch(/export AWS_PROFILE=<profile>/);
    expect(err).not.toMatch(/'ami'/);
    expect(err).not.toContain("NodeVersionSupportWarning");
  });

  it("Ctrl-C terminates the instance and exits 130", async () => {
    const out = mkdtempSync(join(tmpdir(), "cli-"));
    const runId = `cli-int-${Date.now()}`;
    standIn.faults.agentDelayMs = 60_000;
    const run = cli(runFlags(out), { GITHUB_RUN_ID: runId });
    const poll = setInterval(() => {
      if (standIn.instances().some((i) => i.tags["gpu-bench:run-id"] === runId && i.state === "running")) {
        clearInterval(poll);
        run.child.kill("SIGINT");
      }
    }, 20);
    expect(await run.exited).toBe(130);
    clearInterval(poll);
    standIn.faults.reset();
    expect(await instancesLeftAlive(standIn, runId)).toEqual([]);
    expect(run.out().stderr).toMatch(/▶ terminate\n[^]*✓ terminate: \d+\.\d s/);
  });
});

async function until(condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  for (const start = Date.now(); !condition();) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
