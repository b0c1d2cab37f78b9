import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;

export interface ActionRun {
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  child: ChildProcess;
  output(): string;
}

/**
 * The action's bundles as the runner runs them: a node process per step, inputs as INPUT_*
 * variables, file commands (state, outputs, summary) in files, and the saved state handed to the
 * post step as STATE_* variables.
 */
export class ActionJob {
  readonly dir = mkdtempSync(join(tmpdir(), "gpu-bench-job-"));
  readonly files = {
    state: join(this.dir, "state"),
    output: join(this.dir, "output"),
    summary: join(this.dir, "summary"),
    env: join(this.dir, "env"),
    path: join(this.dir, "path"),
  };
  readonly logs: string[] = [];
  /** Both steps of one job share the run's identity; matrix legs share it too (pass the same runId). */
  readonly runId: string;
  /** RUNNER_NAME: each leg of a matrix runs on its own runner. */
  readonly runner: string;
  /** AWS_SDK_UA_APP_ID of both steps: the stand-in records it on what they launch and terminate. */
  readonly appId = `job-${Math.random().toString(36).slice(2, 12)}`;

  constructor(
    private readonly baseEnv: Record<string, string>,
    private readonly inputs: Record<string, string>,
    options: { runId?: string; runner?: string } = {},
  ) {
    this.runId = options.runId ?? String(1_000_000 + Math.floor(Math.random() * 8_000_000));
    this.runner = options.runner ?? "GitHub Actions 1";
    for (const f of Object.values(this.files)) writeFileSync(f, "");
  }

  /** What a lost or damaged GITHUB_STATE looks like to the post step. */
  loseState(how: "missing" | "schema-invalid" | "corrupt"): void {
    const saved = parseFileCommand(readFileSync(this.files.state, "utf8"));
    const key = Object.keys(saved)[0] ?? "gpu-bench-run";
    const value = {
      missing: "",
      "schema-invalid": JSON.stringify({ region: 42, runTags: "none" }),
      corrupt: (saved[key] ?? "{}").slice(0, 25),
    }[how];
    writeFileSync(this.files.state, value ? `${key}<<EOF\n${value}\nEOF\n` : "");
  }

  private env(extra: Record<string, string>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: this.dir,
      RUNNER_TEMP: this.dir,
      GITHUB_ACTIONS: "true",
      GITHUB_STATE: this.files.state,
      GITHUB_OUTPUT: this.files.output,
      GITHUB_STEP_SUMMARY: this.files.summary,
      GITHUB_ENV: this.files.env,
      GITHUB_PATH: this.files.path,
      GITHUB_REPOSITORY: "acme/gpu-stack",
      GITHUB_RUN_ID: this.runId,
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_RUN_NUMBER: "7",
      GITHUB_JOB: "benchmark",
      RUNNER_NAME: this.runner,
      AWS_SDK_UA_APP_ID: this.appId,
      GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
      GITHUB_WORKFLOW: "gpu-benchmark",
      GITHUB_EVENT_NAME: "workflow_dispatch",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_WORKSPACE: ROOT,
      ...this.baseEnv,
      ...extra,
    };
    for (const [name, value] of Object.entries(this.inputs)) env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
    return env;
  }

  private start(bundle: "main" | "post", extra: Record<string, string>): ActionRun {
    const env = this.env(extra);
    const child = spawn(process.execPath, [join(ROOT, "dist", `${bundle}.js`)], { env, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout!.on("data", (d: Buffer) => (text += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (text += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("close", (code, signal) => {
        this.logs.push(`--- ${bundle} ---\n${text}`);
        resolve({ code, signal });
      }),
    );
    return { exited, child, output: () => text };
  }

  main(): ActionRun {
    return this.start("main", {});
  }

  /** The post step, with main's saved state as the runner passes it. */
  post(): ActionRun {
    const state: Record<string, string> = {};
    for (const [k, v] of Object.entries(parseFileCommand(readFileSync(this.files.state, "utf8")))) state[`STATE_${k}`] = v;
    return this.start("post", state);
  }

  outputs(): Record<string, string> {
    return parseFileCommand(readFileSync(this.files.output, "utf8"));
  }

  summary(): string {
    return readFileSync(this.files.summary, "utf8");
  }

  /** Everything the job wrote that a person or another tool could read. */
  everythingWritten(): string {
    return [this.logs.join("\n"), ...Object.values(this.files).map((f) => readFileSync(f, "utf8"))].join("\n");
  }
}

/**
 * The runner's file-command format: `name<<delimiter\nvalue\ndelimiter` blocks (or name=value
 * lines), read as the runner reads them (actions/runner, FileCommandManager.cs,
 * EnvFileKeyValuePairs): record by record, a later record of a name replacing an earlier one, and
 * a heredoc whose delimiter never comes (a write cut short by SIGKILL) ending the reading there,
 * with the records before it kept. The runner then fails the step ("Matching delimiter not found").
 */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!);
      if (i >= lines.length) break;
      out[name!] = value.join("\n");
    } else if (line.includes("=")) {
      out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return out;
}

/**
 * Lines a runner would show: `::add-mask::` registers a value and is itself never shown; every
 * later line is masked. Returns the planted secrets that would still be visible.
 */
export function leakedSecrets(log: string, secrets: readonly string[]): string[] {
  const masks = new Set<string>();
  const leaked = new Set<string>();
  for (const line of log.split("\n")) {
    const mask = /::add-mask::(.*)$/.exec(line);
    if (mask) {
      masks.add(mask[1]!);
      continue;
    }
    let visible = line;
    for (const m of masks) if (m) visible = visible.split(m).join("***");
    for (const s of secrets) if (s && visible.includes(s)) leaked.add(s);
  }
  return [...leaked];
}
