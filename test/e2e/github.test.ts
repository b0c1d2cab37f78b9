import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandIn } from "../../stand-in/index.js";
import { startGitHubStandIn, type GitHubStandIn } from "../../stand-in/github.js";
import { ActionJob, leakedSecrets } from "./action-process.js";
import { CHAOS_INPUTS, instancesLeftAlive, startLifecycleStandIn } from "./chaos-runner.js";

// Where users look, end to end: the bundles as the runner runs them, against the AWS stand-in and
// a local GitHub API. A matrix over two GPU types comments on the pull request once per type and
// ends with one comparison job; a fork's pull request launches nothing; the workflow_run pattern
// posts from a results.json.
const ROOT = new URL("../..", import.meta.url).pathname;
const TOKEN = "ghs_matrixTokenThatMustNeverBeShown01";
const PR = 42;
let standIn: StandIn;
let github: GitHubStandIn;

function eventFile(payload: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "event-")), "event.json");
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

const pullRequest = (head: string) => ({
  pull_request: {
    number: PR,
    head: { sha: "89abcdef0123456789abcdef0123456789abcdef", repo: { full_name: head } },
    base: { repo: { full_name: "acme/gpu-stack" } },
  },
});

function githubEnv(event: string, payload: unknown): Record<string, string> {
  return { GITHUB_API_URL: github.url, GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: eventFile(payload) };
}

async function leg(instanceType: string) {
  const job = new ActionJob(
    { ...standIn.env, ...githubEnv("pull_request", pullRequest("acme/gpu-stack")) },
    { ...CHAOS_INPUTS, "instance-types": instanceType, "github-token": TOKEN, "check-run": "true" },
  );
  const main = await job.main().exited;
  await job.post().exited;
  return { job, code: main.code, alive: await instancesLeftAlive(standIn, job.runId) };
}

beforeAll(async () => {
  [standIn, github] = await Promise.all([startLifecycleStandIn(), startGitHubStandIn({ repository: "acme/gpu-stack" })]);
  standIn.faults.executionSecondMs = 20;
  github.addToken(TOKEN);
  github.addPullRequest(PR);
});
afterAll(async () => {
  await Promise.all([standIn.stop(), github.stop()]);
});

describe("a matrix over GPU types on a pull request", () => {
  it("each leg comments once per type and adds a check run; one comparison job ranks the types in dollars", async () => {
    const legs = await Promise.all([leg("g5.xlarge"), leg("g6.xlarge")]);
    for (const l of legs) {
      expect(l.code, l.job.logs.join("\n")).toBe(0);
      expect(l.alive).toEqual([]);
      expect(leakedSecrets(l.job.everythingWritten(), [TOKEN])).toEqual([]);
    }
    const comments = github.comments(PR);
    expect(comments.map((c) => /instance-type=([^ ]+) -->/.exec(c.body)![1]).sort()).toEqual(["g5.xlarge", "g6.xlarge"]);
    // The verdict word depends on the stand-in GPU's telemetry on a loaded machine (an idle-clock sample can
    // make the result invalid); the comment names the type's own GPU whatever it is.
    expect(comments.find((c) => c.body.includes("g6.xlarge"))!.body).toMatch(/on g6\.xlarge \(NVIDIA L4\): (✅ pass|🆕 first run)/);
    expect(
      github
        .checkRuns()
        .map((c) => [c.name, c.conclusion, c.headSha])
        .sort(),
    ).toEqual([
      ["gpu-bench / lifecycle / g5.xlarge", "success", "89abcdef0123456789abcdef0123456789abcdef"],
      ["gpu-bench / lifecycle / g6.xlarge", "success", "89abcdef0123456789abcdef0123456789abcdef"],
    ]);

    // The comparison job: the legs' results.json, as downloaded artifacts would hand them over.
    const results = legs.map((l) => l.job.outputs()["results-path"]!);
    const compare = new ActionJob({ ...standIn.env }, { mode: "compare", results: results.join("\n") });
    expect((await compare.main().exited).code).toBe(0);
    const table = readFileSync(compare.outputs()["comparison-path"]!, "utf8");
    expect(compare.summary()).toBe(table);
    expect(table).toMatch(/^# GPU types compared\n\nRanked by dollars per 1M output tokens \(lower is better\)/);
    const rows = table.split("\n").filter((l) => /^\| [12] \|/.test(l));
    expect(rows).toHaveLength(2);
    // The stand-in's price list has g6.xlarge below g5.xlarge: with the same stand-in throughput it ranks first.
    expect(rows[0]).toMatch(/^\| 1 \| g6\.xlarge \| NVIDIA L4 \| on-demand \| \$0\.\d{3} \|/);
    expect(rows[1]).toMatch(/^\| 2 \| g5\.xlarge \| NVIDIA A10G \| on-demand \| \$\d\.\d{3} \|/);
    expect(table).toMatch(/xychart-beta[\s\S]*bar \[/);
    expect(table).toMatch(
      /- g5\.xlarge \(on-demand\): AWS Price List API \(GetProducts, endpoint us-east-1\): g5\.xlarge, us-west-2, Linux/,
    );

    // The same from the CLI, to stdout.
    const cli = spawn(process.execPath, [join(ROOT, "dist/cli.js"), "compare", ...results, "--out", mkdtempSync(join(tmpdir(), "cmp-"))], {
      env: { PATH: process.env.PATH, HOME: tmpdir() },
    });
    let stdout = "";
    cli.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    expect(await new Promise((done) => cli.on("close", done))).toBe(0);
    expect(stdout).toBe(table);
  }, 240_000);
});

describe("fork pull requests and the workflow_run pattern", () => {
  it("a pull request from a fork launches nothing, and says what to do instead", async () => {
    const calls = standIn.calls.length;
    const job = new ActionJob(
      { ...standIn.env, ...githubEnv("pull_request", pullRequest("mallory/gpu-stack")) },
      { ...CHAOS_INPUTS, "github-token": TOKEN },
    );
    const main = job.main();
    expect((await main.exited).code).toBe(1);
    expect(main.output()).toMatch(/Pull request #42 comes from a fork: .*launches nothing.*workflow_run.*mode: comment/);
    expect(standIn.calls.slice(calls)).toEqual([]);
  });

  it("mode comment posts the sticky comment from a results.json; the CLI's comment command updates it in place", async () => {
    const first = await leg("g5.2xlarge");
    const resultsPath = first.job.outputs()["results-path"]!;
    const before = github.comments(PR).length;
    const workflowRun = githubEnv("workflow_run", {
      workflow_run: { head_sha: "89abcdef0123456789abcdef0123456789abcdef", pull_requests: [] },
    });
    const job = new ActionJob(
      { ...standIn.env, ...workflowRun },
      { mode: "comment", results: resultsPath, pr: String(PR), "github-token": TOKEN },
    );
    expect((await job.main().exited).code).toBe(0);
    expect(github.comments(PR)).toHaveLength(before); // the leg's own comment, updated

    const cli = spawn(process.execPath, [join(ROOT, "dist/cli.js"), "comment", "--results", resultsPath, "--pr", String(PR)], {
      env: { PATH: process.env.PATH, HOME: tmpdir(), GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "acme/gpu-stack", GITHUB_API_URL: github.url },
    });
    let stderr = "";
    cli.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    expect(await new Promise((done) => cli.on("close", done)), stderr).toBe(0);
    expect(stderr).not.toContain(TOKEN);
    expect(github.comments(PR)).toHaveLength(before);
    expect(github.comments(PR).find((c) => c.body.includes("instance-type=g5.2xlarge"))!.body).toMatch(/g5\.2xlarge \(NVIDIA A10G\)/);

    const readOnly = spawn(process.execPath, [join(ROOT, "dist/cli.js"), "comment", "--results", resultsPath, "--pr", String(PR)], {
      env: {
        PATH: process.env.PATH,
        HOME: tmpdir(),
        GITHUB_TOKEN: "ghs_unknown",
        GITHUB_REPOSITORY: "acme/gpu-stack",
        GITHUB_API_URL: github.url,
      },
    });
    let refused = "";
    readOnly.stderr.on("data", (d: Buffer) => (refused += d.toString()));
    expect(await new Promise((done) => readOnly.on("close", done))).toBe(1);
    expect(refused).toMatch(/GitHub refused the token .*401 Bad credentials.*'github-token'/);
    // Exit 1 with an error line that says why, not only the warning.
    expect(refused).toMatch(/^error: gpu-bench comment failed: .*GitHub refused the token .*401 Bad credentials/m);
  }, 180_000);
});
