import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { FLAGS, UsageError, cliInputReader, closest, helpText, parseCli, secretFlagWarnings } from "../../src/entry/cli-args.js";
import { parsePlatformAuthInputs } from "../../src/config/inputs.js";
import { Inputs, SECRET_ENV } from "../../src/config/names.js";

const usage = (argv: string[]) => {
  try {
    parseCli(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error(`parseCli(${argv.join(" ")}) accepted it`);
};
const values = (argv: string[]) => {
  const parsed = parseCli(argv);
  if (parsed.kind !== "command") throw new Error(`not a command: ${parsed.kind}`);
  return Object.fromEntries(parsed.values);
};

describe("gpu-bench flags", () => {
  it("are every action input but mode, with action.yml's defaults, plus the CLI's own", () => {
    const action = parse(readFileSync("action.yml", "utf8")) as { inputs: Record<string, { default: string }> };
    const inputs = Object.keys(action.inputs).filter((n) => n !== Inputs.mode);
    expect(FLAGS.map((f) => f.name)).toEqual([...inputs, "out", "state-file", "verbose"]);
    // Except a workflow expression (`${{ github.token }}`), which means nothing outside a workflow.
    for (const name of inputs) {
      const def = action.inputs[name]!.default;
      expect(FLAGS.find((f) => f.name === name)!.default, name).toBe(String(def ?? "").includes("${{") ? "" : def);
    }
  });

  it("take values as --flag VALUE or --flag=VALUE", () => {
    expect(values(["run", "--ttl-minutes", "30", "--tags=team=ml,env=ci"])).toEqual({ "ttl-minutes": "30", tags: "team=ml,env=ci" });
  });

  it("read booleans as --flag, --flag=false, or --flag followed by true/false, never turning one on by mistake", () => {
    expect(values(["sweep", "--dry-run"])).toEqual({ "dry-run": "true" });
    expect(values(["sweep", "--dry-run=false"])).toEqual({ "dry-run": "false" });
    expect(values(["run", "--fail-on-regression", "false"])).toEqual({ "fail-on-regression": "false" });
    expect(values(["run", "--fail-on-regression", "TRUE"])).toEqual({ "fail-on-regression": "true" });
    expect(usage(["sweep", "--dry-run=no"])).toBe("'--dry-run' takes true or false, got 'no'");
    // The README's `--flag false` form with another word: the flag is named, not 'no positional arguments'.
    expect(usage(["run", "--fail-on-regression", "yes"])).toBe(
      "'--fail-on-regression' takes true or false, got 'yes' (--fail-on-regression alone means true)",
    );
    expect(usage(["sweep", "--dry-run", "no"])).toBe("'--dry-run' takes true or false, got 'no' (--dry-run alone means true)");
  });

  it("reject a misspelled or unknown flag in one line with a suggestion", () => {
    expect(usage(["run", "--instance-type", "g5.xlarge"])).toBe("unknown flag '--instance-type'; did you mean --instance-types?");
    expect(usage(["run", "--ttl-minute=5"])).toContain("did you mean --ttl-minutes?");
    expect(usage(["run", "--subnet_ids", "x"])).toContain("did you mean --subnet-ids?");
    expect(usage(["run", "--bogus"])).toBe("unknown flag '--bogus' (gpu-bench run --help lists them)");
    expect(usage(["-v"])).toBe("unknown flag '-v': flags are long (--name); did you mean --verbose or --version?");
  });

  it("reject stray words instead of ignoring them", () => {
    expect(usage(["sweep", "dry-run"])).toBe(
      "unexpected word 'dry-run' after 'sweep': gpu-bench takes no positional arguments; did you mean --dry-run?",
    );
    expect(usage(["run", "--fail-on-regression", "false", "yes"])).toContain("unexpected word 'yes' after 'run'");
    expect(usage(["swep"])).toBe("unknown command 'swep'; did you mean 'sweep'?");
    expect(usage([])).toContain("missing command");
  });

  it("reject a flag of another command, a flag given twice, a value left out, and --mode", () => {
    expect(usage(["sweep", "--subnet-ids", "subnet-1"])).toBe("'--subnet-ids' is a flag of 'gpu-bench run', not of 'sweep'");
    expect(usage(["run", "--dry-run"])).toBe("'--dry-run' is a flag of 'gpu-bench sweep', not of 'run'");
    expect(usage(["run", "--epochs", "1", "--epochs", "2"])).toBe("'--epochs' is given twice; give it once");
    expect(usage(["run", "--ami", "--epochs", "2"])).toBe("'--ami' needs a value: --ami VALUE or --ami=VALUE");
    expect(usage(["run", "--mode", "sweep"])).toContain("'--mode' is the command word");
  });

  it("answer --help, help COMMAND and COMMAND --help", () => {
    expect(parseCli(["--help"])).toEqual({ kind: "help" });
    expect(parseCli(["help", "sweep"])).toEqual({ kind: "help", command: "sweep" });
    expect(parseCli(["run", "--help"])).toEqual({ kind: "help", command: "run" });
    expect(parseCli(["--version"])).toEqual({ kind: "version" });
  });

  it("help lists every flag of the command with its default, and the exit codes", () => {
    const run = helpText("1.2.3", "run");
    for (const f of FLAGS.filter((f) => f.commands.includes("run"))) {
      expect(run).toContain(`--${f.name}`);
      if (f.default && !f.required) expect(run.replace(/\s+/g, " ")).toContain(`(default: ${f.default})`);
    }
    expect(run).toMatch(/--subnet-ids VALUE[^]*\(required\)/);
    expect(run).not.toContain("--dry-run");
    expect(helpText("1.2.3")).toContain("Flags of 'gpu-bench sweep'");
    // A workflow expression is no default outside a workflow: github-token comes from GITHUB_TOKEN.
    expect(helpText("1.2.3", "comment")).not.toContain("${{");
    expect(helpText("1.2.3").replace(/\s+/g, " ")).toContain("Exit codes: 0 success; 1 the run failed");
    for (const line of helpText("1.2.3").split("\n")) expect(line.length, line).toBeLessThanOrEqual(110);
  });

  it("warn about each secret given as a flag, naming the variable to use, and never repeat the secret", () => {
    const flags = (argv: string[]) => {
      const parsed = parseCli(argv);
      if (parsed.kind !== "command") throw new Error(`not a command: ${parsed.kind}`);
      return parsed.values;
    };
    const warnings = secretFlagWarnings(
      flags(["run", "--hf-token", "hf_Planted123", "--cognito-password=pw-Planted", "--ttl-minutes", "30"]),
    );
    expect(warnings).toEqual([
      "--cognito-password was given on the command line, where other local users (ps) and your shell history can read it; set GPU_BENCH_COGNITO_PASSWORD in the environment instead",
      "--hf-token was given on the command line, where other local users (ps) and your shell history can read it; set HF_TOKEN in the environment instead",
    ]);
    expect(warnings.join("\n")).not.toMatch(/Planted/);
    expect(secretFlagWarnings(flags(["run", "--ttl-minutes", "30"]))).toEqual([]);
  });

  it("warn about --cognito-client-secret and every other secret flag, each naming its own variable", () => {
    const parsed = parseCli(["run", "--cognito-client-secret", "cs-Planted-9f2"]);
    if (parsed.kind !== "command") throw new Error(`not a command: ${parsed.kind}`);
    expect(secretFlagWarnings(parsed.values)).toEqual([
      "--cognito-client-secret was given on the command line, where other local users (ps) and your shell history can read it; set GPU_BENCH_COGNITO_CLIENT_SECRET in the environment instead",
    ]);
    const all = new Map(Object.keys(SECRET_ENV).map((input) => [input, "s3cret-Planted"]));
    const warnings = secretFlagWarnings(all);
    expect(warnings).toHaveLength(5);
    for (const [input, env] of Object.entries(SECRET_ENV))
      expect(warnings).toContain(
        `--${input} was given on the command line, where other local users (ps) and your shell history can read it; set ${env} in the environment instead`,
      );
    expect(warnings.join("\n")).not.toContain("Planted");
  });

  it("read each secret input from its variable when no flag gives it (the Cognito client secret from GPU_BENCH_COGNITO_CLIENT_SECRET), a flag first", () => {
    const cognito = ["run", "--cognito-user-pool-id", "us-west-2_AbCdEf123", "--cognito-client-id", "abc123", "--cognito-username", "ci"];
    const env = { GPU_BENCH_COGNITO_CLIENT_SECRET: "cs-from-env", GPU_BENCH_COGNITO_PASSWORD: "pw-from-env" };
    const read = (argv: string[], e: NodeJS.ProcessEnv) => {
      const parsed = parseCli(argv);
      if (parsed.kind !== "command") throw new Error(`not a command: ${parsed.kind}`);
      return cliInputReader(parsed.command, parsed.values, e);
    };
    expect(parsePlatformAuthInputs(read(cognito, env))).toMatchObject({
      kind: "cognito",
      clientSecret: "cs-from-env",
      password: "pw-from-env",
    });
    // A flag wins over the variable; without either, no client secret (a public app client).
    expect(read([...cognito, "--cognito-client-secret", "cs-from-flag"], env)(Inputs.cognitoClientSecret)).toBe("cs-from-flag");
    expect(parsePlatformAuthInputs(read(cognito, { GPU_BENCH_COGNITO_PASSWORD: "pw" }))).toMatchObject({ clientSecret: undefined });
    // Every secret has its variable; an input that is no secret is never read from the environment; mode is the command.
    for (const [input, variable] of Object.entries(SECRET_ENV))
      expect(read(["run"], { [variable]: `v-${input}` })(input as never)).toBe(`v-${input}`);
    expect(read(["sweep"], { "cognito-client-id": "x", COGNITO_CLIENT_ID: "x" })(Inputs.cognitoClientId)).toBe("");
    expect(read(["sweep"], {})(Inputs.mode)).toBe("sweep");
  });

  it("compare without the runs to compare says what to pass", () => {
    const line =
      "gpu-bench compare needs the runs to compare: gpu-bench compare FILE_OR_DIR_OR_S3_URI... (results.json files, folders of downloaded artifacts, s3:// URIs; or --results with them comma separated)";
    expect(usage(["compare"])).toBe(line);
    expect(usage(["compare", "--results="])).toBe(line);
    expect(values(["compare", "legs/", "s3://b/p/"])).toMatchObject({ results: "legs/\ns3://b/p/" });
  });

  it("suggest only close names", () => {
    expect(closest("instnace-types", ["instance-types", "instance-profile"])).toEqual(["instance-types"]);
    expect(closest("zzz", ["instance-types", "ami"])).toEqual([]);
  });
});
