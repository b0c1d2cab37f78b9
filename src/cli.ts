#!/usr/bin/env node
import { existsSync, statSync } from "node:fs";
import { resolve, join } from "node:path";
import { InputError, parsePlatformAuthInputs, parseSettings } from "./config/inputs.js";
import { SuiteError } from "./config/suite.js";
import { Inputs, Outputs, SECRET_INPUTS, TagKeys } from "./config/names.js";
import { systemClock } from "./runtime/clock.js";
import { canRequestIdToken, idToken, identityFromEnv } from "./entry/github.js";
import { EXIT, UsageError, cliInputReader, helpText, parseCli, secretFlagWarnings } from "./entry/cli-args.js";
import { cliPublisher, fileState, localRunner, outliveClosedOutput, stateDir, stateRecords, stderrLog } from "./entry/cli-runtime.js";
import { TOOL, executePost, liveInstancesOf, type PostFallback, type PostRuntime } from "./entry/execute.js";
import { buildRuntime, executeMode } from "./entry/dispatch.js";
import { quietSdkNodeWarning } from "./entry/node-support.js";
import { sessionNameFor } from "./auth/credentials.js";
import { newNonce, searchTags } from "./lifecycle/identity.js";
import type { LoadedState } from "./lifecycle/state.js";
import { onCancel } from "./entry/signals.js";

async function cli(argv: string[]): Promise<number> {
  outliveClosedOutput();
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
  for (const warning of secretFlagWarnings(values)) log.warning(warning);
  const outDir = resolve(values.get("out") ?? "gpu-bench-evidence");
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    process.stderr.write(`error: --out '${values.get("out")}' is a file; give a folder (it is made when missing)\n`);
    return EXIT.usage;
  }
  const stateFile = values.get("state-file");
  const env = process.env;
  const job = { ...identityFromEnv(env), runner: env.RUNNER_NAME || localRunner(env) };
  // Secrets may come from GPU_BENCH_* variables instead of flags, to keep them off the command line.
  const read = cliInputReader(command, values, env);
  const postRt: PostRuntime = {
    env,
    log,
    clock: systemClock,
    idToken: canRequestIdToken(env) ? idToken : undefined,
    platformAuth: () => parsePlatformAuthInputs(read),
  };

  const controller = new AbortController();
  onCancel(controller, log);
  try {
    if (stateFile && existsSync(resolve(stateFile)) && statSync(resolve(stateFile)).isDirectory()) {
      throw new UsageError(
        `--state-file ${resolve(stateFile)} is a folder: give the file of one run's record (a previous 'gpu-bench run' wrote it, or this one will), or --out DIR for the records under DIR/state/`,
      );
    }
    if (command === "cleanup") return await cleanup();
    for (const name of SECRET_INPUTS) {
      const secret = read(name);
      if (secret) log.mask(secret);
    }
    const identity = { ...job, nonce: newNonce() };
    // One record per run (a second run in the same --out never hides the first), unless --state-file names one.
    const state = fileState(
      stateFile ? resolve(stateFile) : join(stateDir(outDir), `${identity.runId}-${identity.nonce}.json`.replace(/[^\w.-]/g, "-")),
    );
    const outputs: Record<string, string> = {};
    const rt = buildRuntime(env, {
      log,
      state,
      identity,
      signal: controller.signal,
      outDir,
      workspace: process.cwd(),
      publisher: cliPublisher(log),
      secrets: () => [...log.masked],
      setOutput: (name, value) => {
        outputs[name] = value;
      },
    });
    const settings = parseSettings(read);
    if (settings.mode === "run") await refuseToHideLiveInstance(state, postRt);
    const done = await executeMode(settings, rt);
    if (done.comparison !== undefined) {
      process.stdout.write(done.comparison);
      log.info(`comparison: ${outputs[Outputs.comparisonPath]}`);
    }
    if (settings.mode === "run") {
      // The phase's error and the verdict line have said why; repeat it only when no evidence was written.
      if (done.failed && !outputs[Outputs.evidencePath]) log.error(done.failed);
      process.stdout.write(`evidence: ${outputs[Outputs.evidencePath] ?? "(none written)"}\n`);
    } else if (done.failed) log.error(`gpu-bench ${command} failed: ${done.failed}`);
    if (controller.signal.aborted) return EXIT.cancelled;
    return done.failed ? EXIT.failed : EXIT.ok;
  } catch (error) {
    // A suite file's problems are bad input too (exit 2, nothing spent), as the README's exit codes say.
    const usage = error instanceof InputError || error instanceof UsageError || error instanceof SuiteError;
    log.error(error instanceof Error ? error.message : String(error));
    if (controller.signal.aborted) return EXIT.cancelled;
    return usage ? EXIT.usage : EXIT.failed;
  }

  /**
   * `gpu-bench cleanup`: the record --state-file names (which must exist), or every record under
   * --out; each is cleaned up by its instance id and by its tags. A record that is unusable, or no
   * record at all under --out, means a search by this machine's tags in --aws-region.
   */
  async function cleanup(): Promise<number> {
    if (stateFile && !existsSync(resolve(stateFile))) {
      throw new UsageError(
        `no state file at ${resolve(stateFile)}: 'gpu-bench cleanup' reads the one a previous 'gpu-bench run' wrote (--state-file PATH, or --out DIR for the records under DIR/state/)`,
      );
    }
    const records = stateFile ? [resolve(stateFile)] : stateRecords(outDir);
    // Without a usable record: every live instance this machine launched (its runner tag), in --aws-region.
    const fallback = (): PostFallback => {
      const access = parseSettings((name) => (name === Inputs.mode ? "sweep" : read(name)));
      const { [TagKeys.runId]: _run, [TagKeys.attempt]: _attempt, [TagKeys.job]: _job, ...tags } = searchTags(job);
      return { search: { access, tags, sessionName: sessionNameFor(`cleanup-${job.runId}`, 1) } };
    };
    if (records.length === 0) log.info(`No state record in ${stateDir(outDir)}: searching by this machine's tags instead.`);
    let failed = 0;
    for (const path of records.length > 0 ? records : [undefined]) {
      const store = path ? fileState(path) : undefined;
      const loaded: LoadedState = store?.load() ?? { kind: "missing" };
      if (path) log.info(`${path}:`);
      try {
        await executePost(loaded, postRt, fallback, "a previous run");
        if (store && loaded.kind === "saved") {
          const platform = loaded.run.platform && { ...loaded.run.platform, deleted: true };
          store.save({ ...loaded.run, terminated: true, launching: undefined, platform });
        }
      } catch (error) {
        failed++;
        log.error(error instanceof Error ? error.message : String(error));
      }
    }
    return failed > 0 ? EXIT.failed : EXIT.ok;
  }
}

/** A state record that names a live instance is the only way back to it: never write over it. */
async function refuseToHideLiveInstance(state: ReturnType<typeof fileState>, rt: PostRuntime): Promise<void> {
  const previous = state.load();
  if (previous.kind !== "saved" || (previous.run.terminated && !previous.run.launching)) return;
  const live = await liveInstancesOf(previous.run, rt);
  if (live.length > 0) {
    throw new InputError([
      `'--state-file' ${state.path} names ${live.join(", ")}, still running: run 'gpu-bench cleanup --state-file ${state.path}' first, or leave out --state-file (each run then gets its own record)`,
    ]);
  }
}

process.exitCode = await cli(process.argv.slice(2));
