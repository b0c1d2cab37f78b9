// `npm start`: one whole benchmark lifecycle against the embedded local AWS stand-in, with no AWS
// account and no network. The real CLI bundle runs as its own process; the stand-in's "instance"
// runs every SSM command for real in a sandbox (k3s, kubectl and nvidia-smi are stand-ins, ResNet50
// really runs on this CPU). The last line is `evidence: <path>`.
// Usage: npm start -- [--suite SUITE.yaml] [OUT_DIR]   (default suite: examples/suites/stand-in.yaml)
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { startStandIn } from "../stand-in/index.js";
import { instancesLeftAlive } from "../stand-in/settle.js";

const args = process.argv.slice(2);
const suiteAt = args.indexOf("--suite");
const suite = suiteAt >= 0 ? args[suiteAt + 1] : "examples/suites/stand-in.yaml";
if (suite === undefined || !existsSync(suite)) {
  console.error(`--suite needs the path of a suite file${suite ? `: '${suite}' does not exist` : ""}.`);
  process.exit(2);
}
const positional = args.filter((_, i) => suiteAt < 0 || (i !== suiteAt && i !== suiteAt + 1));
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
  },
});
console.error("Local AWS stand-in is up (EC2, SSM, STS, S3, GitHub OIDC on 127.0.0.1).\n");
let evidence = "";
let status: number | null;
try {
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
    ],
    // The stand-in's OIDC endpoint stands in for the runner's: the CLI assumes the role as a workflow would.
    { env: { ...process.env, ...standIn.env }, stdio: ["ignore", "pipe", "inherit"] },
  );
  child.stdout.on("data", (d: Buffer) => {
    const line = /evidence: (.+)/.exec(d.toString());
    if (line) evidence = line[1]!.trim();
  });
  status = await new Promise<number | null>((done) => child.on("close", done));
  const alive = await instancesLeftAlive(standIn);
  console.error(`\nInstances not terminated on the stand-in: ${alive.length ? alive.join(", ") : "none"}`);
} finally {
  await standIn.stop();
}
if (status !== 0) console.error(`The run failed (exit ${status}); the evidence says why.`);
console.log(`evidence: ${evidence || "(none)"}`);
process.exitCode = status ?? 1;
