import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishEvidence } from "../../src/evidence/publish.js";
import { renderPrComment } from "../../src/evidence/pr-comment.js";
import { Results } from "../../src/evidence/results.js";
import { octokitApi } from "../../src/github/api.js";
import { forkRefusal, parseTriggerEvent, type TriggerEvent } from "../../src/github/event.js";
import { reportOnGitHub } from "../../src/github/report.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { startGitHubStandIn, type GitHubStandIn } from "../../stand-in/github.js";
import { fakeS3 } from "../evidence/support/fake-s3.js";
import {
  BUCKET,
  NOW,
  PREFIX,
  failedRun,
  passingRun,
  recordingPublisher,
  regressingRun,
  seedHistory,
} from "../evidence/support/fixtures.js";

// Where reviewers look: one sticky comment per suite and instance type, edited in place on every
// run, and a check run whose conclusion follows the verdict; against a local GitHub API with
// GitHub's own replies, through the real Octokit.
let github: GitHubStandIn;
const PR = 7;
const HEAD = "89abcdef0123456789abcdef0123456789abcdef";
const onPullRequest: TriggerEvent = { name: "pull_request", pullRequest: { number: PR, headSha: HEAD, fromFork: false } };

/** Results as publishing writes them into results.json: with the verdict and headline against the seeded history. */
async function published(results: Results): Promise<Results> {
  const bucket = fakeS3(BUCKET);
  seedHistory(bucket.objects);
  const outDir = mkdtempSync(join(tmpdir(), "pr-comment-"));
  const done = await publishEvidence({
    results,
    history: { s3: bucket.s3, bucket: BUCKET, prefix: PREFIX },
    outDir,
    retentionDays: 1,
    publisher: recordingPublisher(false),
    log: new MemoryLog(),
    clock: { now: () => NOW },
  });
  return Results.parse(JSON.parse(readFileSync(done.resultsPath, "utf8")));
}

function api(token = "ghs_write") {
  return octokitApi(token, github.repository, github.url);
}

beforeAll(async () => {
  github = await startGitHubStandIn();
  github.addToken("ghs_write");
  github.addToken("ghs_readonly", { pullRequests: "read", checks: "read" });
  github.addPullRequest(PR);
});
afterAll(() => github.stop());

describe("results on the pull request", () => {
  it("results.json carries the verdict and the headline against the baseline, for a later comment or comparison", async () => {
    const r = await published(regressingRun());
    expect(r.assessment).toMatchObject({ verdict: "regression", baseline: expect.stringMatching(/^s3:\/\/evidence-bucket\//) });
    const throughput = r.assessment!.headline.find((h) => h.metric === "images_per_sec")!;
    expect(throughput.decision).toBe("regression");
    expect(throughput.changePercent).toBeLessThan(-5);
  });

  it("names where each headline metric was measured (a latency's request rate), as the report does", async () => {
    const text = renderPrComment(await published(passingRun()));
    expect(text).toMatch(/\| llm-serving \| TTFT p99 at 4 req\/s \| 97\.50 ms \|/);
    expect(text).toMatch(/\| llm-serving \| Output throughput at max load \| /);
  });

  it("creates one comment, then updates the same comment on the next run; another instance type gets its own", async () => {
    github.addComment(PR, "Looks good to me");
    const log = new MemoryLog();
    const first = await reportOnGitHub(await published(passingRun()), {
      api: api(),
      event: onPullRequest,
      comment: "auto",
      checkRun: false,
      log,
    });
    expect(first.comment).toMatchObject({ created: true });
    const second = await reportOnGitHub(await published(regressingRun()), {
      api: api(),
      event: onPullRequest,
      comment: "auto",
      checkRun: false,
      log,
    });
    expect(second.comment).toMatchObject({ created: false, url: first.comment!.url });

    let ours = github.comments(PR).filter((c) => c.user === "github-actions[bot]");
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toMatch(
      /^<!-- gpu-bench:sticky suite=default instance-type=g5\.2xlarge -->\n### GPU benchmark `default` on g5\.2xlarge \(NVIDIA A10G\): 🔴 regression/,
    );
    expect(ours[0]!.body).toMatch(/\| resnet50-train \| Throughput \| [\d,.]+ img\/s \| -\d+\.\d% \| 🔴 regression \|/);
    expect(ours[0]!.body).toContain("Baseline: `s3://evidence-bucket/gpu-bench/default/g5.2xlarge/`");
    expect(ours[0]!.body).toContain("[workflow run](https://github.com/acme/gpu-stack/actions/runs/13572468)");
    expect(github.comments(PR).find((c) => c.user === "octocat")!.body).toBe("Looks good to me");

    const other = await published(passingRun());
    other.instance!.type = "g6.xlarge";
    await reportOnGitHub(other, { api: api(), event: onPullRequest, comment: "auto", checkRun: false, log });
    ours = github.comments(PR).filter((c) => c.user === "github-actions[bot]");
    expect(ours.map((c) => /instance-type=([^ ]+)/.exec(c.body)![1])).toEqual(["g5.2xlarge", "g6.xlarge"]);
  });

  it("finds its comment on a busy pull request past the first page of comments", async () => {
    const busy = 8;
    github.addPullRequest(busy);
    const event: TriggerEvent = { name: "pull_request", pullRequest: { number: busy, fromFork: false } };
    const log = new MemoryLog();
    await reportOnGitHub(await published(passingRun()), { api: api(), event, comment: "auto", checkRun: false, log });
    for (let i = 0; i < 150; i++) github.addComment(busy, `review ${i}`);
    const again = await reportOnGitHub(await published(passingRun()), { api: api(), event, comment: "auto", checkRun: false, log });
    expect(again.comment?.created).toBe(false);
    expect(github.calls.filter((c) => c === `GET /repos/${github.repository}/issues/${busy}/comments`).length).toBeGreaterThanOrEqual(3);
  });

  it("comments only where asked: auto on pull-request events, never never, always wherever a pull request is known", async () => {
    const r = await published(passingRun());
    const before = github.calls.length;
    const log = new MemoryLog();
    await reportOnGitHub(r, { api: api(), event: { name: "schedule" }, comment: "auto", checkRun: false, log });
    await reportOnGitHub(r, { api: api(), event: onPullRequest, comment: "never", checkRun: false, log });
    expect(github.calls.length).toBe(before);
    const onRun = await reportOnGitHub(r, {
      api: api(),
      event: { name: "workflow_run", pullRequest: { number: PR, fromFork: false } },
      comment: "always",
      checkRun: false,
      log,
    });
    expect(onRun.comment?.created).toBe(false);
    const nowhere = await reportOnGitHub(r, { api: api(), event: { name: "schedule" }, comment: "always", checkRun: false, log });
    expect(nowhere.problems[0]).toMatch(/'schedule' event names no pull request/);
  });

  it("creates a check run on the pull request's head commit, its conclusion from the verdict", async () => {
    const log = new MemoryLog();
    await reportOnGitHub(await published(passingRun()), {
      api: api(),
      event: onPullRequest,
      comment: "never",
      checkRun: true,
      sha: "f".repeat(40),
      log,
    });
    await reportOnGitHub(await published(failedRun()), {
      api: api(),
      event: { name: "push" },
      comment: "never",
      checkRun: true,
      sha: "e".repeat(40),
      log,
    });
    const [pass, failed] = github.checkRuns().slice(-2);
    expect(pass).toMatchObject({ name: "gpu-bench / default / g5.2xlarge", headSha: HEAD, status: "completed", conclusion: "success" });
    expect(pass!.summary).toContain("| resnet50-train | Throughput |");
    expect(pass!.detailsUrl).toBe("https://github.com/acme/gpu-stack/actions/runs/13572468");
    expect(failed).toMatchObject({ headSha: "e".repeat(40), conclusion: "failure", title: expect.stringMatching(/^failed: /) });
  });

  it("names the missing permission when the token may not write, and goes on", async () => {
    const log = new MemoryLog();
    const r = await published(passingRun());
    const report = await reportOnGitHub(r, { api: api("ghs_readonly"), event: onPullRequest, comment: "auto", checkRun: true, log });
    expect(report.comment).toBeUndefined();
    expect(report.problems).toHaveLength(2);
    expect(report.problems[0]).toMatch(
      /GitHub refused to update the comment on pull request #7 \(403 Resource not accessible by integration\): the token lacks the permission; give the job `permissions: pull-requests: write`/,
    );
    expect(report.problems[1]).toMatch(/create the check run \(403 .*\): .*`permissions: checks: write` \(GitHub accepts: checks=write\)/);
    expect(log.lines.filter((l) => l.startsWith("warning: "))).toHaveLength(2);
    const bad = await reportOnGitHub(r, { api: api("ghs_revoked"), event: onPullRequest, comment: "auto", checkRun: false, log });
    expect(bad.problems[0]).toMatch(/GitHub refused the token .*\(401 Bad credentials\): check the 'github-token' input/);
  });
});

describe("fork pull requests", () => {
  const payload = (head: string | null) =>
    JSON.stringify({
      pull_request: {
        number: 12,
        head: { sha: HEAD, repo: head === null ? null : { full_name: head } },
        base: { repo: { full_name: "acme/gpu-stack" } },
      },
    });

  it("are refused before anything is launched, with the workflow_run pattern explained", () => {
    const fork = parseTriggerEvent("pull_request", payload("mallory/gpu-stack"));
    expect(fork.pullRequest).toEqual({ number: 12, headSha: HEAD, fromFork: true });
    expect(forkRefusal(fork)).toMatch(
      /^Pull request #12 comes from a fork: .*no OIDC token and a read-only token.*workflow_run.*`mode: comment`/,
    );
    expect(forkRefusal(parseTriggerEvent("pull_request", payload(null)))).toBeDefined();
  });

  it("a pull request from a branch of the same repository, and the workflow_run that follows a fork's, are not", () => {
    expect(forkRefusal(parseTriggerEvent("pull_request", payload("acme/gpu-stack")))).toBeUndefined();
    const run = parseTriggerEvent("workflow_run", JSON.stringify({ workflow_run: { head_sha: HEAD, pull_requests: [{ number: 12 }] } }));
    expect(run.pullRequest).toEqual({ number: 12, headSha: HEAD, fromFork: false });
    expect(forkRefusal(run)).toBeUndefined();
    expect(parseTriggerEvent("push", "not json")).toEqual({ name: "push" });
  });
});
