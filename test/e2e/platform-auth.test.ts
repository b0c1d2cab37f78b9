import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { StandIn } from "../../stand-in/index.js";
import { usePlatformWorld, STAND_IN_AGENT_IMAGE, type PlatformWorld } from "../support/platform-world.js";
import { filesUnder } from "../support/wait.js";
import { NO_HANG_TO_WAIT_FOR, useLifecycleStandIn } from "./lifecycle-stand-in.js";
import { ActionJob, leakedSecrets } from "./action-process.js";
import { CHAOS_INPUTS, instancesLeftAlive } from "./chaos-runner.js";

// platform-auth bearer, github-oidc and none through the real bundles (and bearer through the CLI,
// its token from GPU_BENCH_PLATFORM_TOKEN). The platform stand-in accepts a fixed token, GitHub's
// OIDC token from the stand-in's token service (its RS256 signature checked against the service's
// JWKS, its issuer and its audience), or no token, as each test sets its trust; a token it refuses
// fails the run before anything is launched or created.

const ROOT = new URL("../..", import.meta.url).pathname;
const BEARER = "plat_Planted-Bearer-Token-5d0c9e2a71";
const AUDIENCE = "https://platform.example.com/gpu-bench";
const OIDC_SUBJECT = "repo:octo-org/octo-repo:ref:refs/heads/main";

let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s), NO_HANG_TO_WAIT_FOR);
let world: PlatformWorld;
usePlatformWorld((w) => (world = w));
beforeEach(() => {
  world.platform.trust.bearerTokens.clear();
  world.platform.trust.githubOidc = undefined;
  world.platform.trust.anonymous = false;
});

/** The platform inputs of a run without Cognito: the API, the agent, and the given platform-auth inputs. */
const platformInputs = (auth: Record<string, string>) => ({
  ...CHAOS_INPUTS,
  "platform-api-url": world.platform.url,
  "platform-agent-image": STAND_IN_AGENT_IMAGE,
  "platform-timeout-seconds": "120",
  ...auth,
});

/** Runs main and the post step; returns the job, main's output and exit code, and the platform calls made meanwhile. */
async function runJob(inputs: Record<string, string>) {
  const before = world.platform.calls.length;
  const job = new ActionJob({ ...standIn.env }, inputs);
  const main = job.main();
  const code = (await main.exited).code;
  const post = job.post();
  const postCode = (await post.exited).code;
  return { job, code, postCode, output: main.output(), postOutput: post.output(), calls: world.platform.calls.slice(before) };
}

/** Every file the job wrote (state, summary, results, outputs) except the event payload. */
const jobFiles = (job: ActionJob) =>
  filesUnder(job.dir)
    .filter((f) => !f.endsWith("/event.json"))
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");

/** A run through the platform that created, onboarded and deleted its cluster as `user`. */
async function expectFullRun(r: Awaited<ReturnType<typeof runJob>>, user: string, secrets: string[]) {
  expect(r.code, r.output).toBe(0);
  expect(r.postCode, r.postOutput).toBe(0);
  const create = r.calls.find((c) => c.method === "POST" && c.path === "/v1/clusters")!;
  expect(create).toMatchObject({ status: 201, user });
  expect(r.calls.filter((c) => c.method === "DELETE")).toEqual([expect.objectContaining({ status: 204, user })]);
  expect(r.calls.some((c) => c.path === "/v1/agent/register" && c.status === 200)).toBe(true);
  expect(world.platform.clusters.size).toBe(0);
  expect(await instancesLeftAlive(standIn, r.job.runId)).toEqual([]);
  expect(leakedSecrets(r.output, secrets)).toEqual([]);
  expect(leakedSecrets(r.postOutput, secrets)).toEqual([]);
  for (const s of secrets) expect(jobFiles(r.job).includes(s), s.slice(0, 12)).toBe(false);
}

/** A run whose token the platform refused: it fails naming the 401, and nothing was launched or created. */
function expectRefusedBeforeLaunch(r: Awaited<ReturnType<typeof runJob>>, awsCallsBefore: number) {
  expect(r.code).toBe(1);
  expect(r.output).toMatch(/Platform API POST \/v1\/clusters answered HTTP 401 \(the token was refused/);
  expect(standIn.calls.slice(awsCallsBefore).some((c) => c.action === "RunInstances")).toBe(false);
  expect(r.calls.filter((c) => c.status === 201)).toEqual([]);
  expect(world.platform.clusters.size).toBe(0);
}

describe("platform-auth bearer", () => {
  it("the platform-token is the bearer token of every call; it is masked and in no file", async () => {
    world.platform.trust.bearerTokens.set(BEARER, "bearer-user");
    const r = await runJob(platformInputs({ "platform-auth": "bearer", "platform-token": BEARER }));
    await expectFullRun(r, "bearer-user", [BEARER]);
    expect(r.job.summary()).toMatch(/\| Login \| bearer \|/);
  }, 240_000);

  it("a token the platform refuses fails the run before anything is launched", async () => {
    const aws = standIn.calls.length;
    const r = await runJob(platformInputs({ "platform-auth": "bearer", "platform-token": BEARER }));
    expectRefusedBeforeLaunch(r, aws);
    expect(leakedSecrets(r.output, [BEARER])).toEqual([]);
  }, 120_000);

  it("the CLI takes the token from GPU_BENCH_PLATFORM_TOKEN, never from its command line", async () => {
    world.platform.trust.bearerTokens.set(BEARER, "cli-user");
    const before = world.platform.calls.length;
    const out = mkdtempSync(join(tmpdir(), "cli-platform-"));
    const flags = Object.entries({ ...platformInputs({ "platform-auth": "bearer" }), "role-to-assume": "" }).flatMap(([k, v]) =>
      v ? [`--${k}`, v] : [],
    );
    const runId = `cli-platform-${Date.now()}`;
    const child = spawn(process.execPath, [join(ROOT, "dist/cli.js"), "run", ...flags, "--out", out], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: mkdtempSync(join(tmpdir(), "home-")),
        ...standIn.env,
        ...standIn.staticCredentialsEnv(),
        GITHUB_RUN_ID: runId,
        GPU_BENCH_PLATFORM_TOKEN: BEARER,
      },
    });
    expect(child.spawnargs.join(" ")).not.toContain(BEARER);
    let text = "";
    child.stdout.on("data", (d: Buffer) => (text += d.toString()));
    child.stderr.on("data", (d: Buffer) => (text += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code, text).toBe(0);
    const calls = world.platform.calls.slice(before);
    expect(calls.find((c) => c.method === "POST" && c.path === "/v1/clusters")).toMatchObject({ status: 201, user: "cli-user" });
    expect(calls.find((c) => c.method === "DELETE")).toMatchObject({ status: 204, user: "cli-user" });
    expect(world.platform.clusters.size).toBe(0);
    expect(await instancesLeftAlive(standIn, runId)).toEqual([]);
    expect(text).not.toContain(BEARER);
    for (const f of filesUnder(out)) expect(readFileSync(f, "utf8").includes(BEARER), f).toBe(false);
  }, 240_000);
});

describe("platform-auth github-oidc", () => {
  it("GitHub's OIDC token for platform-audience, verified by the platform (signature, issuer, audience), with no stored secret", async () => {
    world.platform.trust.githubOidc = { ...standIn.oidc, audience: AUDIENCE };
    const issuedBefore = standIn.plantedSecrets().length;
    const r = await runJob(platformInputs({ "platform-auth": "github-oidc", "platform-audience": AUDIENCE }));
    // The OIDC tokens (the AWS role's and the platform's) and the stand-in's other secrets are in no log or file.
    await expectFullRun(r, OIDC_SUBJECT, standIn.plantedSecrets());
    expect(standIn.plantedSecrets().length).toBeGreaterThan(issuedBefore);
    expect(r.job.summary()).toMatch(/\| Login \| github-oidc \|/);
  }, 240_000);

  it("a token for another audience is refused (401) and the run fails before anything is launched", async () => {
    world.platform.trust.githubOidc = { ...standIn.oidc, audience: AUDIENCE };
    const aws = standIn.calls.length;
    const r = await runJob(platformInputs({ "platform-auth": "github-oidc", "platform-audience": "https://elsewhere.example.com" }));
    expectRefusedBeforeLaunch(r, aws);
    // The excerpt is the platform's JSON reply, its quotes escaped.
    expect(r.output).toMatch(/token refused \(unexpected \\"aud\\" claim value\)/);
  }, 120_000);

  it("a platform that does not trust GitHub's issuer (it knows only its Cognito pool's keys) refuses the token before anything is launched", async () => {
    const aws = standIn.calls.length;
    const r = await runJob(platformInputs({ "platform-auth": "github-oidc", "platform-audience": AUDIENCE }));
    expectRefusedBeforeLaunch(r, aws);
    expect(r.output).toMatch(/token refused \(no applicable key found in the JSON Web Key Set\)/);
  }, 120_000);
});

describe("the platform stand-in's check of GitHub's OIDC token", () => {
  /** A token from the stand-in's token service, as the runner hands it out. */
  const oidcToken = async (audience: string) => {
    const url = `${standIn.env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent(audience)}`;
    const reply = await fetch(url, { headers: { authorization: `Bearer ${standIn.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` } });
    return ((await reply.json()) as { value: string }).value;
  };
  const create = async (token: string) => {
    const reply = await fetch(`${world.platform.url}/v1/clusters`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "oidc-check" }),
    });
    return { status: reply.status, body: (await reply.json()) as { id?: string; message?: string } };
  };

  it("accepts the signed token and refuses one whose claims or signature were changed", async () => {
    world.platform.trust.githubOidc = { ...standIn.oidc, audience: AUDIENCE };
    const token = await oidcToken(AUDIENCE);
    const ok = await create(token);
    expect(ok.status).toBe(201);
    world.platform.clusters.delete(ok.body.id!);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "repo:mallory/repo:ref:refs/heads/main" })).toString("base64url");
    expect(await create(`${header}.${forged}.${signature}`)).toEqual({
      status: 401,
      body: { message: "token refused (signature verification failed)" },
    });
    const flipped = `${signature.slice(0, -4)}${signature.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    expect(await create(`${header}.${payload}.${flipped}`)).toEqual({
      status: 401,
      body: { message: "token refused (signature verification failed)" },
    });
    expect(await create("not-a-jwt")).toEqual({ status: 401, body: { message: "token refused (not a JWT this platform knows)" } });
  });
});

describe("platform-auth none", () => {
  it("calls carry no Authorization header and the platform takes them as anonymous", async () => {
    world.platform.trust.anonymous = true;
    const r = await runJob(platformInputs({ "platform-auth": "none" }));
    await expectFullRun(r, "anonymous", []);
    expect(r.job.summary()).toMatch(/\| Login \| none \|/);
  }, 240_000);

  it("a platform that wants a token answers 401 and the run fails before anything is launched", async () => {
    const aws = standIn.calls.length;
    const r = await runJob(platformInputs({ "platform-auth": "none" }));
    expectRefusedBeforeLaunch(r, aws);
    expect(r.output).toMatch(/missing bearer token/);
  }, 120_000);
});
