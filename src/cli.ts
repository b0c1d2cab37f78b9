#!/usr/bin/env node
import * as core from "@actions/core";
import { resolve, join } from "node:path";
import { parseArgs } from "node:util";
import { InputError, parseSettings } from "./config/inputs.js";
import { Inputs, Outputs, SECRET_ENV, SECRET_INPUTS, type InputName } from "./config/names.js";
import { systemClock } from "./runtime/clock.js";
import { canRequestIdToken, identityFromEnv } from "./entry/github.js";
import { cliPublisher, fileState, stderrLog } from "./entry/cli-runtime.js";
import { TOOL, executePost, executeRun, executeSweep, type Runtime } from "./entry/execute.js";
import { onCancel } from "./entry/signals.js";

const USAGE = `gpu-bench ${TOOL.version}: benchmark a GPU stack on an ephemeral EC2 GPU instance.

Usage:
  gpu-bench run     --subnet-ids ID[,ID] --security-group-id ID --instance-profile NAME --evidence-bucket NAME [options]
  gpu-bench sweep   [--dry-run] [--aws-region REGION]
  gpu-bench cleanup [--state-file PATH]     terminate what an interrupted 'run' left behind

Every action input is a flag of the same name (--instance-types, --ttl-minutes, --suite, --tags, …).
Other options:
  --out DIR          where evidence and results are written (default ./gpu-bench-evidence)
  --state-file PATH  where the run records its instance for 'cleanup' (default <out>/state.json)
  --verbose          debug output
Secrets: --cognito-password, --cognito-client-secret and --platform-token are read from
GPU_BENCH_COGNITO_PASSWORD, GPU_BENCH_COGNITO_CLIENT_SECRET and GPU_BENCH_PLATFORM_TOKEN when
no flag gives them (keep them off the command line).
Credentials: --role-to-assume with a GitHub OIDC token when run inside a workflow; otherwise the
AWS SDK's default chain (environment, profile, SSO). The last line of 'run' is "evidence: <path>".`;

const inputFlags = Object.fromEntries(Object.values(Inputs).map((name) => [name, { type: "string" as const }]));

async function cli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...inputFlags,
      "dry-run": { type: "boolean" },
      "fail-on-regression": { type: "boolean" },
      out: { type: "string" },
      "state-file": { type: "string" },
      verbose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
    },
  });
  if (values.version) {
    process.stdout.write(`${TOOL.version}\n`);
    return 0;
  }
  const command = positionals[0];
  if (values.help || !command || !["run", "sweep", "cleanup"].includes(command)) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const log = stderrLog(Boolean(values.verbose));
  const outDir = resolve(values.out ?? "gpu-bench-evidence");
  const state = fileState(resolve(values["state-file"] ?? join(outDir, "state.json")));
  const env = process.env;
  const idToken = canRequestIdToken(env) ? (audience: string) => core.getIDToken(audience) : undefined;

  if (command === "cleanup") {
    await executePost(state.load(), { env, log, clock: systemClock, idToken });
    return 0;
  }
  const read = (name: InputName): string => {
    const v = (values as Record<string, string | boolean | undefined>)[name];
    if (typeof v === "boolean") return String(v);
    if (name === Inputs.mode) return command;
    const fromEnv = SECRET_ENV[name];
    return v ?? (fromEnv ? (env[fromEnv] ?? "") : "");
  };
  for (const name of SECRET_INPUTS) {
    const secret = read(name);
    if (secret) log.mask(secret);
  }

  const controller = new AbortController();
  onCancel(controller, log);
  const outputs: Record<string, string> = {};
  const rt: Runtime = {
    env,
    log,
    clock: systemClock,
    state,
    identity: identityFromEnv(env),
    idToken,
    signal: controller.signal,
    outDir,
    workspace: process.cwd(),
    publisher: cliPublisher(log),
    secrets: () => [...log.masked],
    setOutput: (name, value) => {
      outputs[name] = value;
    },
  };
  try {
    const settings = parseSettings(read);
    if (settings.mode === "sweep") {
      await executeSweep(settings, rt);
      return 0;
    }
    const done = await executeRun(settings, rt);
    if (done.failed) log.error(done.failed);
    process.stdout.write(`evidence: ${outputs[Outputs.evidencePath] ?? "(none written)"}\n`);
    return done.failed ? 1 : 0;
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error));
    return error instanceof InputError ? 2 : 1;
  }
}

process.exitCode = await cli(process.argv.slice(2));
