import { parse } from "yaml";
import actionYml from "../../action.yml";
import { RUN_REQUIRED_INPUTS, type InputReader } from "../config/inputs.js";
import { Inputs, SECRET_ENV, type InputName } from "../config/names.js";

/**
 * The CLI's flags: every action input (from action.yml itself, so the flags, their defaults and
 * their help are the action's), less `mode` (the command word replaces it), plus the CLI's own.
 * Parsing never throws anything but {@link UsageError}: one line, exit code 2.
 */

export const COMMANDS = {
  run: "launch an instance, benchmark it, write the evidence report, terminate it",
  sweep: "terminate every instance this tool tagged whose expires-at has passed",
  cleanup: "terminate what earlier runs left behind (their state records, and their tags)",
  comment: "post or update the sticky PR comment: --results FILE_OR_S3_URI --pr N",
  compare: "compare runs across GPU types: FILE_OR_DIR_OR_S3_URI...",
} as const;
export type Command = keyof typeof COMMANDS;

export interface FlagDef {
  name: string;
  kind: "string" | "boolean";
  /** As action.yml gives it ("" when none). */
  default: string;
  description: string;
  commands: readonly Command[];
  /** The run refuses to start without it. */
  required?: boolean;
}

/** Exit codes, the same for every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

export class UsageError extends Error {
  override name = "UsageError";
}

interface ActionInputs {
  inputs: Record<string, { description: string; default?: string }>;
}

const PLATFORM_AUTH_INPUTS: readonly InputName[] = [
  Inputs.platformAuth,
  Inputs.cognitoUserPoolId,
  Inputs.cognitoClientId,
  Inputs.cognitoClientSecret,
  Inputs.cognitoUsername,
  Inputs.cognitoPassword,
  Inputs.cognitoAuthFlow,
  Inputs.platformTokenUse,
  Inputs.platformToken,
  Inputs.platformAudience,
];

/** Inputs of commands other than run (besides the AWS access ones every AWS command takes). */
const OTHER_COMMANDS: Partial<Record<InputName, readonly Command[]>> = {
  [Inputs.dryRun]: ["sweep"],
  [Inputs.sweepRegions]: ["sweep"],
  [Inputs.results]: ["comment", "compare"],
  [Inputs.pr]: ["comment"],
  [Inputs.githubToken]: ["run", "comment"],
  [Inputs.comment]: ["run"],
  [Inputs.checkRun]: ["run", "comment"],
  // cleanup deletes a platform cluster a run left, logging in as the run did; sweep deletes old ones.
  ...Object.fromEntries(PLATFORM_AUTH_INPUTS.map((name) => [name, ["run", "cleanup", "sweep"] as const])),
  [Inputs.platformApiUrl]: ["run", "sweep"],
  [Inputs.platformPreset]: ["run", "sweep"],
  [Inputs.platformConfig]: ["run", "sweep"],
  [Inputs.clusterName]: ["run", "sweep"],
};
/** The AWS access inputs, and the stack whose instances sweep may touch: run, sweep and cleanup (searching by tags) take them, and comment and compare (results in S3). */
const ACCESS: readonly InputName[] = [
  Inputs.awsRegion,
  Inputs.roleToAssume,
  Inputs.roleDurationSeconds,
  Inputs.roleSessionName,
  Inputs.stack,
];

function inputFlags(): FlagDef[] {
  const action = parse(actionYml) as ActionInputs;
  return Object.entries(action.inputs)
    .filter(([name]) => name !== Inputs.mode)
    .map(([name, input]) => {
      // A workflow expression (github-token's `${{ github.token }}`) means nothing outside a
      // workflow: the flag has no default there (the secret comes from its environment variable).
      const def = (input.default ?? "").includes("${{") ? "" : (input.default ?? "");
      const commands: readonly Command[] = ACCESS.includes(name as InputName)
        ? ["run", "sweep", "cleanup", "comment", "compare"]
        : (OTHER_COMMANDS[name as InputName] ?? ["run"]);
      return {
        name,
        kind: def === "true" || def === "false" ? "boolean" : "string",
        default: def,
        description: input.description.replace(/\s+/g, " ").trim(),
        commands,
        required: (RUN_REQUIRED_INPUTS as readonly string[]).includes(name),
      };
    });
}

const CLI_FLAGS: FlagDef[] = [
  {
    name: "out",
    kind: "string",
    default: "./gpu-bench-evidence",
    description:
      "Folder for the evidence report, results.json and one state record per run (under <out>/state/); compare writes comparison.md there.",
    commands: ["run", "cleanup", "compare"],
  },
  {
    name: "state-file",
    kind: "string",
    default: "<out>/state/<run id>-<nonce>.json",
    description:
      "Where 'run' records what it launched (it refuses a file that names a live instance), and the one record 'cleanup' reads (without it, cleanup reads every record under <out>/state/, or searches by this machine's tags).",
    commands: ["run", "cleanup"],
  },
  {
    name: "verbose",
    kind: "boolean",
    default: "false",
    description: "Debug output.",
    commands: ["run", "sweep", "cleanup", "comment", "compare"],
  },
];

export const FLAGS: readonly FlagDef[] = [...inputFlags(), ...CLI_FLAGS];
const BY_NAME = new Map(FLAGS.map((f) => [f.name, f]));
const EVERY_NAME = [...FLAGS.map((f) => f.name), "help", "version"];

export type Parsed =
  { kind: "help"; command?: Command } | { kind: "version" } | { kind: "command"; command: Command; values: Map<string, string> };

/** Edit distance with transpositions (optimal string alignment). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest names to a mistyped one: a prefix of it, or within a third of its length in edits. */
export function closest(word: string, names: readonly string[]): string[] {
  const w = word.toLowerCase().replace(/_/g, "-");
  const prefix = names.filter((n) => n.startsWith(w) || (w.startsWith(n) && w.length - n.length <= 2));
  if (prefix.length > 0 && prefix.length <= 3) return prefix;
  const scored = names.map((n) => ({ n, d: distance(w, n) })).filter((s) => s.d <= Math.max(2, Math.floor(w.length / 3)));
  const best = Math.min(...scored.map((s) => s.d));
  return scored.filter((s) => s.d === best).map((s) => s.n);
}

const didYouMean = (names: string[], dashes = "--") =>
  names.length === 0 ? "" : `; did you mean ${names.map((n) => `${dashes}${n}`).join(" or ")}?`;

const helpHint = (command?: Command) => ` (gpu-bench ${command ? `${command} ` : ""}--help lists them)`;

const BOOLEAN = /^(true|false)$/i;

/** Parses argv (without node and the script). Throws {@link UsageError} for every mistake. */
export function parseCli(argv: readonly string[]): Parsed {
  let command: Command | undefined;
  let help = false;
  let version = false;
  const values = new Map<string, string>();
  const seen: string[] = [];

  // A boolean flag given without a value just before this word ("--flag maybe").
  let bareBoolean: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const afterBoolean = bareBoolean;
    bareBoolean = undefined;
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (arg === "--version") {
      version = true;
      continue;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (name === "") throw new UsageError(`'--' is not a flag here: gpu-bench takes no file arguments${helpHint(command)}`);
      if (name === Inputs.mode) {
        throw new UsageError(`'--mode' is the command word: write 'gpu-bench run' or 'gpu-bench sweep'`);
      }
      const def = BY_NAME.get(name);
      if (!def) throw new UsageError(`unknown flag '--${name}'${didYouMean(closest(name, EVERY_NAME)) || helpHint(command)}`);
      if (values.has(name)) throw new UsageError(`'--${name}' is given twice; give it once`);
      let value: string;
      if (def.kind === "boolean") {
        if (inline !== undefined) {
          if (!BOOLEAN.test(inline)) throw new UsageError(`'--${name}' takes true or false, got '${inline}'`);
          value = inline.toLowerCase();
        } else if (argv[i + 1] !== undefined && BOOLEAN.test(argv[i + 1]!)) {
          value = argv[++i]!.toLowerCase();
        } else {
          value = "true";
          bareBoolean = name;
        }
      } else if (inline !== undefined) {
        value = inline;
      } else {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith("--") && next.length > 2)) {
          throw new UsageError(
            `'--${name}' needs a value: --${name} VALUE or --${name}=VALUE${def.default ? ` (default ${def.default})` : ""}`,
          );
        }
        value = next;
        i++;
      }
      values.set(name, value);
      seen.push(name);
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      const letter = arg.slice(1);
      const guesses = letter.length === 1 ? EVERY_NAME.filter((n) => n.startsWith(letter)).slice(0, 3) : closest(letter, EVERY_NAME);
      throw new UsageError(`unknown flag '${arg}': flags are long (--name)${didYouMean(guesses) || helpHint(command)}`);
    }
    // A word: the command, once; anything else is a mistake that must not be ignored.
    if (command === undefined && !help && (arg in COMMANDS || arg === "help")) {
      if (arg === "help") help = true;
      else command = arg as Command;
      continue;
    }
    if (help && command === undefined && arg in COMMANDS) {
      command = arg as Command;
      continue;
    }
    // compare's operands are the results to compare.
    if (command === "compare") {
      values.set(Inputs.results, values.has(Inputs.results) ? `${values.get(Inputs.results)}\n${arg}` : arg);
      continue;
    }
    if (command === undefined && !help) {
      const guess = closest(arg, Object.keys(COMMANDS));
      throw new UsageError(
        `unknown command '${arg}'${guess.length ? `; did you mean '${guess.join("' or '")}'?` : `: the commands are ${Object.keys(COMMANDS).join(", ")}`}`,
      );
    }
    if (afterBoolean !== undefined) {
      throw new UsageError(`'--${afterBoolean}' takes true or false, got '${arg}' (--${afterBoolean} alone means true)`);
    }
    const asFlag = closest(arg, EVERY_NAME);
    throw new UsageError(
      `unexpected word '${arg}'${command ? ` after '${command}'` : ""}: gpu-bench takes no positional arguments${didYouMean(asFlag) || helpHint(command)}`,
    );
  }

  if (help) return command ? { kind: "help", command } : { kind: "help" };
  if (version) return { kind: "version" };
  if (!command) throw new UsageError(`missing command: gpu-bench ${Object.keys(COMMANDS).join(" | ")}${helpHint()}`);
  for (const name of seen) {
    const def = BY_NAME.get(name)!;
    if (!def.commands.includes(command)) {
      throw new UsageError(`'--${name}' is a flag of ${def.commands.map((c) => `'gpu-bench ${c}'`).join(" and ")}, not of '${command}'`);
    }
  }
  if (command === "compare" && !values.get(Inputs.results)) {
    throw new UsageError(
      "gpu-bench compare needs the runs to compare: gpu-bench compare FILE_OR_DIR_OR_S3_URI... (results.json files, folders of downloaded artifacts, s3:// URIs; or --results with them comma separated)",
    );
  }
  return { kind: "command", command, values };
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : indent + l));
}

function flagLines(flags: readonly FlagDef[]): string[] {
  const out: string[] = [];
  const col = 30;
  for (const f of flags) {
    const head = `  --${f.name}${f.kind === "boolean" ? "[=true|false]" : " VALUE"}`;
    const suffix = f.required ? " (required)" : f.default ? ` (default: ${f.default})` : "";
    const body = wrap(`${f.description}${suffix}`, 100 - col, " ".repeat(col));
    out.push(head.length < col ? `${head.padEnd(col)}${body[0]}` : `${head}\n${" ".repeat(col)}${body[0]}`, ...body.slice(1));
  }
  return out;
}

/**
 * One warning per secret given as a flag (hf-token, cognito-password, platform-token, …): a command
 * line is readable by every local user (ps, /proc) and lands in shell history. Each names the
 * environment variable to use instead. `values` are parseCli's flag values.
 */
export function secretFlagWarnings(values: ReadonlyMap<string, string>): string[] {
  return Object.entries(SECRET_ENV)
    .filter(([input]) => values.get(input))
    .map(
      ([input, env]) =>
        `--${input} was given on the command line, where other local users (ps) and your shell history can read it; set ${env} in the environment instead`,
    );
}

/**
 * How the CLI reads an action input: the flag of that name when given, else, for a secret
 * (SECRET_ENV: cognito-password, cognito-client-secret, platform-token, github-token, hf-token),
 * its environment variable, else "" (the input's default applies). `mode` is the command word.
 */
export function cliInputReader(command: Command, values: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv): InputReader {
  return (name) => {
    if (name === Inputs.mode) return command;
    const fromEnv = SECRET_ENV[name];
    return values.get(name) ?? (fromEnv ? (env[fromEnv] ?? "") : "");
  };
}

/** `gpu-bench --help` (every command and flag) or `gpu-bench COMMAND --help` (that command's flags). */
export function helpText(version: string, command?: Command): string {
  const head = [`gpu-bench ${version}: benchmark a GPU stack on an ephemeral EC2 GPU instance.`, ""];
  const usage = ["Usage:", ...Object.entries(COMMANDS).map(([c, what]) => `  gpu-bench ${c.padEnd(8)} [flags]   ${what}`), ""];
  const commands = command ? [command] : (Object.keys(COMMANDS) as Command[]);
  const sections = commands.flatMap((c) => [`Flags of 'gpu-bench ${c}':`, ...flagLines(FLAGS.filter((f) => f.commands.includes(c))), ""]);
  const tail = wrap(
    "Boolean flags take --flag, --flag=true or --flag=false. Every flag of 'run' is the action input of the same name. " +
      "Credentials: with --role-to-assume, a GitHub OIDC token (inside a workflow); otherwise the AWS SDK's default chain " +
      "(environment, AWS_PROFILE and ~/.aws, SSO, web identity, instance role). The last line of 'run' is \"evidence: <path>\". " +
      `Secrets are read from the environment when no flag gives them, to keep them off the command line: ${Object.entries(SECRET_ENV)
        .map(([input, env]) => `--${input} from ${env}`)
        .join(", ")}.`,
    100,
    "",
  ).concat(
    wrap(
      `Exit codes: ${EXIT.ok} success; ${EXIT.failed} the run failed, regressed with --fail-on-regression, or cleanup could not ` +
        `confirm termination; ${EXIT.usage} bad flags, inputs, suite or state file; ${EXIT.cancelled} cancelled (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT) after cleaning up.`,
      100,
      "",
    ),
  );
  return [...head, ...(command ? [`  gpu-bench ${command} [flags]   ${COMMANDS[command]}`, ""] : usage), ...sections, ...tail].join("\n");
}
