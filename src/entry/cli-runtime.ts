import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { dirname, join } from "node:path";
import type { Publisher } from "../evidence/publish.js";
import { timed, type Log } from "../runtime/log.js";
import { redactor } from "../runtime/redact.js";
import { decodeState, encodeState, type StateStore } from "../lifecycle/state.js";

/**
 * Keeps the CLI going when whoever reads its output goes away (EPIPE: `gpu-bench run … 2>&1 | head`,
 * or a `| tee` that the same Ctrl-C ended): an error writing stdout or stderr is dropped instead of
 * crashing the process, so the run still stops its work and terminates its instance. Output after a
 * stream's first error is lost; the evidence folder and the state record are files and still written.
 */
export function outliveClosedOutput(streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) stream.on("error", () => {});
}

/** The CLI's log: stderr, with every masked value redacted before it is written. */
export function stderrLog(verbose: boolean): Log & { masked: Set<string> } {
  const masked = new Set<string>();
  const redact = (m: string) => redactor(masked)(m);
  const write = (prefix: string, m: string) => process.stderr.write(`${prefix}${redact(m)}\n`);
  return {
    masked,
    info: (m) => write("", m),
    warning: (m) => write("warning: ", m),
    error: (m) => write("error: ", m),
    debug: (m) => {
      if (verbose) write("debug: ", m);
    },
    mask: (s) => {
      if (s) masked.add(s);
    },
    group: async (title, fn) => {
      write("▶ ", title);
      return timed(title, fn, (line) => write("", line), Date.now);
    },
  };
}

/** The evidence folder is the CLI's summary; annotations go to stderr. */
export function cliPublisher(log: Log): Publisher {
  return {
    writeSummary: async () => {},
    annotate: (level, message, title) => {
      const text = title ? `${title}: ${message}` : message;
      if (level === "error") log.error(text);
      else if (level === "warning") log.warning(text);
      else log.info(text);
    },
  };
}

/**
 * A JSON file standing in for the action's saved state. `save` writes a file beside it and renames
 * it into place, so a run killed mid-save (SIGKILL, a lost runner) leaves the previous record
 * whole, never a truncated one. `load` never throws: no file is missing, one that cannot be read
 * (a folder, no permission) or decoded is unusable, with the reason.
 */
export function fileState(path: string): StateStore & { path: string } {
  return {
    path,
    save: (run) => {
      mkdirSync(dirname(path), { recursive: true });
      const next = `${path}.${process.pid}.next`;
      writeFileSync(next, encodeState(run));
      renameSync(next, path);
    },
    load: () => {
      let raw: string;
      try {
        raw = readFileSync(path, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
        return { kind: "unusable", reason: `it could not be read (${(error as Error).message})` };
      }
      return decodeState(raw);
    },
  };
}

/** Where `run` keeps one state record per run: `<out>/state/<run id>-<nonce>.json`, so a second run never hides the first. */
export function stateDir(outDir: string): string {
  return join(outDir, "state");
}

/** Every state record in an out folder: the per-run records, and a state.json from before they existed. */
export function stateRecords(outDir: string): string[] {
  const dir = stateDir(outDir);
  const records = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => join(dir, f))
    : [];
  const legacy = join(outDir, "state.json");
  return existsSync(legacy) ? [legacy, ...records] : records;
}

/** The CLI's runner tag: who launched from where, in the characters AWS allows in tag values. */
export function localRunner(env: NodeJS.ProcessEnv): string {
  let user = env.USER ?? env.USERNAME ?? "";
  try {
    user ||= userInfo().username;
  } catch {
    // No passwd entry (some containers): the host alone.
  }
  return `${user || "user"}@${hostname()}`.replace(/[^\p{L}\p{N}+\-=._:/@ ]/gu, "-").slice(0, 256);
}
