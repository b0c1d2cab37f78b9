import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Publisher } from "../evidence/publish.js";
import { timed, type Log } from "../runtime/log.js";
import { redactor } from "../evidence/redact.js";
import { decodeState, encodeState, type StateStore } from "../lifecycle/state.js";

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

/** A JSON file standing in for the action's saved state. */
export function fileState(path: string): StateStore {
  return {
    save: (run) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, encodeState(run));
    },
    load: () => (existsSync(path) ? decodeState(readFileSync(path, "utf8")) : undefined),
  };
}
