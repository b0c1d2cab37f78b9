// `npm start`: one whole benchmark lifecycle against the embedded local AWS stand-in, with no AWS
// account and no network. The real CLI bundle runs as its own process; the stand-in's "instance"
// runs every SSM command for real in a sandbox (k3s, kubectl and nvidia-smi are stand-ins, ResNet50
// really runs on this CPU). The last line is `evidence: <path>`.
// Usage: npm start -- [--suite SUITE.yaml] [--platform radix] [OUT_DIR]
//   (default suite: examples/suites/stand-in.yaml; with --platform, examples/suites/platform.yaml)
// --platform radix: the run goes through a platform too: moto_server's Cognito (the CI user logs in
// with the admin flow), the radix platform stand-in (stand-in/platform.ts), its agent started on the
// stand-in node with the onboarding token, the suite's platform-job run through it, the cluster deleted.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { startStandIn } from "../stand-in/index.js";
import { instancesLeftAlive } from "../stand-in/settle.js";
import { startPlatformWorld, type PlatformWorld } from "../test/support/platform-world.js";

const args = process.argv.slice(2);
const platformAt = args.indexOf("--platform");
const platformPreset = platformAt >= 0 ? args[platformAt + 1] : undefined;
if (platformAt >= 0 && platformPreset !== "radix") {
  console.error(`--platform takes radix (the only preset of this release)${platformPreset ? `, not '${platformPreset}'` : ""}.`);
  process.exit(2);
}
const suiteAt = args.indexOf("--suite");
const suite = suiteAt >= 0 ? args[suiteAt + 1] : platformPreset ? "examples/suites/platform.yaml" : "examples/suites/stand-in.yaml";
if (suite === undefined || !existsSync(suite)) {
  console.error(`--suite needs the path of a suite file${suite ? `: '${suite}' does not exist` : ""}.`);
  process.exit(2);
}
const positional = args.filter(
  (_, i) => !((suiteAt >= 0 && (i === suiteAt || i === suiteAt + 1)) || (platformAt >= 0 && (i === platformAt || i === platformAt + 1))),
);
const out = resolve(positional[0] ?? "gpu-bench-evidence");
const bucket = "gpu-bench-evidence";
if (!existsSync("dist/cli.js")) {
  console.error("dist/cli.js is missing: run `npm run build` first.");
  process.exit(1);
}
if (!existsSync("/usr/bin/python3")) console.error("note: /usr/bin/python3 with python3-torch is needed for ResNet50 to run on the CPU.");

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
let status: number | null;
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
  const child = spawn(
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
  child.stdout.on("data", (d: Buffer) => {
    const line = /evidence: (.+)/.exec(d.toString());
    if (line) evidence = line[1]!.trim();
  });
  status = await new Promise<number | null>((done) => child.on("close", done));
  const alive = await instancesLeftAlive(standIn);
  console.error(`\nInstances not terminated on the stand-in: ${alive.length ? alive.join(", ") : "none"}`);
  if (world)
    console.error(
      `Platform clusters left on the stand-in: ${world.platform.clusters.size ? [...world.platform.clusters.keys()].join(", ") : "none"}`,
    );
} finally {
  await world?.stop();
  await standIn.stop();
}
if (status !== 0) console.error(`The run failed (exit ${status}); the evidence says why.`);
console.log(`evidence: ${evidence || "(none)"}`);
process.exitCode = status ?? 1;
