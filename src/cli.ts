#!/usr/bin/env node
import * as core from "@actions/core";
import { existsSync, readFileSync } from "node:fs";
import { resolve, join } from "node:path";
import { InputError, parseSettings } from "./config/inputs.js";
import { Inputs, Outputs, SECRET_ENV, SECRET_INPUTS, type InputName } from "./config/names.js";
import { systemClock } from "./runtime/clock.js";
import { canRequestIdToken, identityFromEnv } from "./entry/github.js";
import { EXIT, UsageError, helpText, parseCli } from "./entry/cli-args.js";
import { cliPublisher, fileState, stderrLog } from "./entry/cli-runtime.js";
import { TOOL, executePost, executeRun, executeSweep, type Runtime } from "./entry/execute.js";
import { quietSdkNodeWarning } from "./entry/node-support.js";
import { onCancel } from "./entry/signals.js";
import { decodeState } from "./lifecycle/state.js";

/** Reads the state file 'cleanup' was pointed at; a missing or unreadable one is a usage error (exit 2). */
function loadStateFile(path: string) {
  if (!existsSync(path)) {
    throw new UsageError(
      `no state file at ${path}: 'gpu-bench cleanup' reads the one a previous 'gpu-bench run' wrote (--state-file PATH, or --out DIR for DIR/state.json)`,
    );
  }
  let saved;
  try {
    saved = decodeState(readFileSync(path, "utf8"));
  } catch {
    saved = undefined;
  }
  if (!saved) throw new UsageError(`${path} is not a state file written by 'gpu-bench run' (it does not parse as one)`);
  return saved;
}

async function cli(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return EXIT.usage;
  }
  if (parsed.kind === "version") {
    process.stdout.write(`${TOOL.version}\n`);
    return EXIT.ok;
  }
  if (parsed.kind === "help") {
    process.stdout.write(`${helpText(TOOL.version, parsed.command)}\n`);
    return EXIT.ok;
  }
  const { command, values } = parsed;
  const log = stderrLog(values.get("verbose") === "true");
  quietSdkNodeWarning(process.env, process.version, log.warning);
  const outDir = resolve(values.get("out") ?? "gpu-bench-evidence");
  const statePath = resolve(values.get("state-file") ?? join(outDir, "state.json"));
  const env = process.env;
  const idToken = canRequestIdToken(env) ? (audience: string) => core.getIDToken(audience) : undefined;

  const controller = new AbortController();
  onCancel(controller, log);
  try {
    if (command === "cleanup") {
      await executePost(loadStateFile(statePath), { env, log, clock: systemClock, idToken }, "a previous run");
      return EXIT.ok;
    }
    // Secrets may come from GPU_BENCH_* variables instead of flags, to keep them off the command line.
    const read = (name: InputName): string => {
      if (name === Inputs.mode) return command;
      const fromEnv = SECRET_ENV[name];
      return values.get(name) ?? (fromEnv ? (env[fromEnv] ?? "") : "");
    };
    for (const name of SECRET_INPUTS) {
      const secret = read(name);
      if (secret) log.mask(secret);
    }
    const outputs: Record<string, string> = {};
    const rt: Runtime = {
      env,
      log,
      clock: systemClock,
      state: fileState(statePath),
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
    const settings = parseSettings(read);
    if (settings.mode === "sweep") {
      await executeSweep(settings, rt);
      return controller.signal.aborted ? EXIT.cancelled : EXIT.ok;
    }
    const done = await executeRun(settings, rt);
    // The phase's error and the verdict line have said why; repeat it only when no evidence was written.
    if (done.failed && !outputs[Outputs.evidencePath]) log.error(done.failed);
    process.stdout.write(`evidence: ${outputs[Outputs.evidencePath] ?? "(none written)"}\n`);
    if (controller.signal.aborted) return EXIT.cancelled;
    return done.failed ? EXIT.failed : EXIT.ok;
  } catch (error) {
    const usage = error instanceof InputError || error instanceof UsageError;
    log.error(error instanceof Error ? error.message : String(error));
    if (controller.signal.aborted) return EXIT.cancelled;
    return usage ? EXIT.usage : EXIT.failed;
  }
}

process.exitCode = await cli(process.argv.slice(2));
