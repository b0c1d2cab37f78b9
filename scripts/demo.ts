// `npm start`: one whole benchmark lifecycle against the embedded local AWS stand-in, with no AWS
// account and no network. The real CLI bundle runs as its own process; the stand-in's "instance"
// runs every SSM command for real in a sandbox (k3s, kubectl and nvidia-smi are stand-ins, ResNet50
// really runs on this CPU). The last line is `evidence: <path>`.
// Usage: see USAGE below (npm start -- --help).
// --platform radix: the run goes through a platform too: moto_server's Cognito (the CI user logs in
// with the admin flow), the radix platform stand-in (stand-in/platform.ts), its agent started on the
// stand-in node with the onboarding token, the suite's platform-job run through it, the cluster deleted.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { startStandIn } from "../stand-in/index.js";
import { instancesLeftAlive } from "../stand-in/settle.js";
import { startPlatformWorld, type PlatformWorld } from "../test/support/platform-world.js";

const USAGE = `Usage: npm start -- [--suite SUITE.yaml] [--platform radix] [OUT_DIR]
  One whole benchmark lifecycle against the local AWS stand-in (no AWS account, no network).
  --suite SUITE.yaml  the suite to run (default examples/suites/stand-in.yaml; with --platform, examples/suites/platform.yaml)
  --platform radix    go through the radix platform stand-in too (Cognito login, cluster, agent, platform jobs)
  OUT_DIR             where the evidence goes (default ./gpu-bench-evidence)
  Ctrl-C (or SIGTERM, SIGHUP) stops the run; its instance is terminated on the stand-in before it exits (130).`;

/** A signal came before the run started: nothing to wait for. */
class Cancelled extends Error {}

/** Refuses what the demo does not take: a misspelt flag would otherwise become the output folder. */
function usageError(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
let suiteArg: string | undefined;
let platformPreset: string | undefined;
const positional: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === "--suite" || arg === "--platform") {
    const value = args[++i];
    if (value === undefined || value.startsWith("--")) usageError(`${arg} needs a value.`);
    if (arg === "--suite") suiteArg = value;
    else platformPreset = value;
  } else if (arg.startsWith("-")) {
    usageError(`unknown flag '${arg}'.`);
  } else {
    positional.push(arg);
  }
}
if (positional.length > 1) usageError(`one OUT_DIR at most, got ${positional.map((p) => `'${p}'`).join(", ")}.`);
if (platformPreset !== undefined && platformPreset !== "radix") {
  usageError(`--platform takes radix (the only preset of this release), not '${platformPreset}'.`);
}
const suite = suiteArg ?? (platformPreset ? "examples/suites/platform.yaml" : "examples/suites/stand-in.yaml");
if (!existsSync(suite)) usageError(`--suite needs the path of a suite file: '${suite}' does not exist.`);
const out = resolve(positional[0] ?? "gpu-bench-evidence");
const bucket = "gpu-bench-evidence";
if (!existsSync("dist/cli.js")) {
  console.error("dist/cli.js is missing: run `npm run build` first.");
  process.exit(1);
}
if (!existsSync("/usr/bin/python3")) console.error("note: /usr/bin/python3 with python3-torch is needed for ResNet50 to run on the CPU.");

// Stopping the demo must not stop the stand-in under the run: the run's own cancel terminates its
// instance through it. A signal sent to this process alone (kill PID) is passed on to the run; one
// sent to the whole terminal group (Ctrl-C) has reached it already. The stand-in stops after.
let cancelled = false;
let child: ChildProcess | undefined;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const) {
  process.on(signal, () => {
    cancelled = true;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

// TTL minutes at real length: the dead-man switch must not fire during the demo.
const standIn = await startStandIn({
  buckets: [bucket],
  faults: { ttlMinuteMs: 60_000 },
  extraCommandEnv: {
    STUB_LATENCY_SCALE: "0.02",
    // The vLLM stand-in answers 2 s after its container starts: what a pod-kill fault measures.
    STUB_VLLM_STARTUP_SECONDS: "100",
    STUB_POD_START_SECONDS: "0",
    // Each serving load point takes the duration it reports, so the report's energy per token is
    // the telemetry's power × that duration ÷ the tokens (at 0.02 it was a fiftieth of that).
    STUB_VLLM_BENCH_TIME_SCALE: "1",
  },
});
console.error("Local AWS stand-in is up (EC2, SSM, STS, S3, GitHub OIDC on 127.0.0.1).\n");
let world: PlatformWorld | undefined;
let evidence = "";
let status: number | null = null;
try {
  // The platform's secrets reach the CLI through its GPU_BENCH_* variables, never on its command line.
  const platformFlags: string[] = [];
  const platformEnv: Record<string, string> = {};
  if (platformPreset) {
    world = await startPlatformWorld();
    console.error(`Cognito (moto_server) and the radix platform stand-in are up; platform API ${world.platform.url}.\n`);
    const { "cognito-password": password, "cognito-client-secret": clientSecret, ...inputs } = world.inputs;
    for (const [name, value] of Object.entries({ ...inputs, "platform-preset": platformPreset })) platformFlags.push(`--${name}`, value);
    Object.assign(platformEnv, world.env, { GPU_BENCH_COGNITO_PASSWORD: password, GPU_BENCH_COGNITO_CLIENT_SECRET: clientSecret });
  }
  if (cancelled) throw new Cancelled();
  const run = spawn(
    process.execPath,
    [
      "dist/cli.js",
      "run",
      "--role-to-assume",
      "arn:aws:iam::123456789012:role/gpu-bench",
      "--instance-types",
      "g5.2xlarge,g5.xlarge",
      "--subnet-ids",
      "subnet-0123456789abcdef0,subnet-0fedcba9876543210",
      "--security-group-id",
      "sg-0123456789abcdef0",
      "--instance-profile",
      "gpu-bench-instance",
      "--evidence-bucket",
      bucket,
      "--suite",
      suite,
      "--ttl-minutes",
      "30",
      "--out",
      out,
      ...platformFlags,
    ],
    // The stand-in's OIDC endpoint stands in for the runner's: the CLI assumes the role as a workflow would.
    { env: { ...process.env, ...standIn.env, ...platformEnv }, stdio: ["ignore", "pipe", "inherit"] },
  );
  child = run;
  run.stdout.on("data", (d: Buffer) => {
    const line = /evidence: (.+)/.exec(d.toString());
    if (line) evidence = line[1]!.trim();
  });
  status = await new Promise<number | null>((done) => run.on("close", done));
  const alive = await instancesLeftAlive(standIn);
  console.error(`\nInstances not terminated on the stand-in: ${alive.length ? alive.join(", ") : "none"}`);
  if (world)
    console.error(
      `Platform clusters left on the stand-in: ${world.platform.clusters.size ? [...world.platform.clusters.keys()].join(", ") : "none"}`,
    );
} catch (error) {
  if (!(error instanceof Cancelled)) throw error;
} finally {
  await world?.stop();
  await standIn.stop();
}
if (cancelled) console.error("The run was cancelled: the line above says whether its instances were terminated.");
else if (status !== 0) console.error(`The run failed (exit ${status}); the evidence says why.`);
console.log(`evidence: ${evidence || "(none)"}`);
process.exitCode = cancelled ? 130 : (status ?? 1);
