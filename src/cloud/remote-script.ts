import { gzipSync } from "node:zlib";

/**
 * A script that runs on the instance through SSM. Everything that runs there is a file under
 * remote/, bundled as text; values reach it only as shell-quoted arguments or environment
 * variables, never by pasting them into the script's text.
 */
export interface RemoteScript {
  /** Step name for logs, errors and phase timings, e.g. "bootstrap-k3s". */
  name: string;
  /** The bash script (the text of a file under remote/). */
  body: string;
  /** Positional arguments ($1, $2, …), shell-quoted. */
  args?: readonly string[];
  /** Environment variables exported before the script runs; values shell-quoted. */
  env?: Readonly<Record<string, string>>;
  /** Files materialized next to the script before it runs (path relative to its work folder). */
  files?: readonly RemoteFile[];
  /** SSM executionTimeout for this command. */
  timeoutSeconds: number;
  /**
   * The longest wait between two status polls, ms (5000 by default): lower for a command whose end
   * other nodes wait on, such as the read of the k3s node token.
   */
  pollCapMs?: number;
}

export interface RemoteFile {
  path: string;
  content: string;
}

export interface RemoteResult {
  commandId: string;
  /** SSM's status: Success, Failed, TimedOut, Cancelled, … */
  status: string;
  /** SSM's StatusDetails, which tell apart a script that failed from a command that never ran (Undeliverable, …). */
  statusDetails?: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs one script on the instance and returns its full output; throws RemoteScriptError unless it succeeded. */
export type RunRemote = (script: RemoteScript) => Promise<RemoteResult>;

export class RemoteScriptError extends Error {
  /**
   * `what` replaces "ended <status> with exit code <n>" where that would mislead: a command that
   * never reached the agent has no exit code.
   */
  constructor(
    readonly step: string,
    readonly result: RemoteResult,
    hint?: string,
    what?: string,
  ) {
    const tail = lastLines(result.stderr || result.stdout, 15);
    super(
      `Step '${step}' ${what ?? `on the instance ended ${result.status} with exit code ${result.exitCode}`}` +
        (hint ? `. ${hint}` : "") +
        (tail ? `\n--- last lines of its output ---\n${tail}` : ""),
    );
    this.name = "RemoteScriptError";
  }
}

/**
 * The marked-line protocol: scripts on the instance print machine-readable lines as `<MARK><payload>`
 * on stdout, among their human-readable output. JSON_LINE_MARKER marks JSON objects (the probe's
 * facts, the bootstrap's phases and inventory, the workloads' records); the workload scripts add
 * a few marks of their own (src/workloads/output.ts). markedLines is the one reader.
 */
export const JSON_LINE_MARKER = "GPU_BENCH_JSON ";

/**
 * The payloads (text after the mark) of every stdout line that starts with `mark`, in order;
 * with `keepUnmarked`, the other lines too, as they are (for output that may come either way).
 */
export function markedLines(stdout: string, mark: string = JSON_LINE_MARKER, options: { keepUnmarked?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const raw of stdout.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line.startsWith(mark)) out.push(line.slice(mark.length));
    else if (options.keepUnmarked) out.push(line);
  }
  return out;
}

/** The JSON objects a script printed as marked lines, in order; garbled lines are skipped (the caller checks it got what it needs). */
export function markedJsonLines(stdout: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const text of markedLines(stdout)) {
    try {
      const value: unknown = JSON.parse(text);
      if (value && typeof value === "object" && !Array.isArray(value)) out.push(value as Record<string, unknown>);
    } catch {
      continue;
    }
  }
  return out;
}

/** SSM's AWS-RunShellScript accepts a bounded document; keep each command well under it. */
export const MAX_COMMAND_BYTES = 48 * 1024;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FILE_PATH = /^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/;

/** POSIX single-quote quoting: the value is passed through byte for byte. */
export function shellQuote(value: string): string {
  if (value.includes("\0")) throw new Error("A value sent to the instance contains a NUL byte");
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Renders the command text sent as AWS-RunShellScript's `commands`: a preamble that writes the
 * script (and its files) into a fresh work folder, exports the environment, and execs bash on it
 * with the quoted arguments. The script's own text is carried as gzip+base64, so nothing in it is
 * ever interpreted by the outer shell.
 */
export function renderCommand(script: RemoteScript): string {
  const lines = ["set -euo pipefail", `work="$(mktemp -d -t gpu-bench.XXXXXX)"`, `cd "$work"`];
  for (const file of script.files ?? []) {
    if (!FILE_PATH.test(file.path)) throw new Error(`Remote file path '${file.path}' is not a plain relative path`);
    const dir = file.path.includes("/") ? file.path.slice(0, file.path.lastIndexOf("/")) : "";
    if (dir) lines.push(`mkdir -p ${shellQuote(dir)}`);
    lines.push(`printf '%s' ${shellQuote(packText(file.content))} | base64 -d | gunzip > ${shellQuote(file.path)}`);
  }
  lines.push(`printf '%s' ${shellQuote(packText(script.body))} | base64 -d | gunzip > "$work/script.sh"`);
  for (const [name, value] of Object.entries(script.env ?? {})) {
    if (!ENV_NAME.test(name)) throw new Error(`Environment variable name '${name}' for step '${script.name}' is not valid`);
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  lines.push(`exec bash "$work/script.sh"${(script.args ?? []).map((a) => ` ${shellQuote(a)}`).join("")}`);
  const text = lines.join("\n");
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_COMMAND_BYTES) {
    throw new Error(
      `Step '${script.name}' is ${Math.round(bytes / 1024)} KiB once packed, over the ${MAX_COMMAND_BYTES / 1024} KiB that one SSM command may carry; split it or move data to S3`,
    );
  }
  return text;
}

function packText(text: string): string {
  return gzipSync(Buffer.from(text, "utf8"), { level: 9 }).toString("base64");
}

export function lastLines(text: string, n: number): string {
  const lines = text.trimEnd().split("\n");
  return lines.slice(-n).join("\n");
}
