import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandIn } from "../../stand-in/index.js";
import { startPlatformStandIn, type PlatformStandIn } from "../../stand-in/platform.js";
import { runClusterName } from "../../src/platform/cluster-name.js";
import { STAND_IN_AGENT_IMAGE } from "../support/platform-world.js";
import { NO_HANG_TO_WAIT_FOR, useLifecycleStandIn } from "./lifecycle-stand-in.js";
import { ActionJob, leakedSecrets } from "./action-process.js";
import { CHAOS_INPUTS, instancesLeftAlive } from "./chaos-runner.js";

// platform-preset custom through the real bundles: examples/platform-custom.yaml describes the
// platform stand-in's "workspaces" API (other paths, bodies, fields, status values, a metrics
// step and a delete by POST), and the run, its post step and the sweep go through it.

const TOKEN = "plat_Custom-Preset-Token-8e41c07a";
let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s), NO_HANG_TO_WAIT_FOR);
let platform: PlatformStandIn;
beforeAll(async () => {
  // platform-auth bearer: no Cognito pool is needed (the JWKS URL is never fetched).
  platform = await startPlatformStandIn({ jwksUrl: "http://127.0.0.1:9/jwks", issuer: "unused", clientId: "unused", tokenUse: "id" });
  platform.layout = "workspaces";
  platform.trust.bearerTokens.set(TOKEN, "ci");
});
afterAll(async () => {
  await platform?.close();
});

const inputs = (extra: Record<string, string> = {}): Record<string, string> => ({
  ...CHAOS_INPUTS,
  "platform-api-url": platform.url,
  "platform-preset": "custom",
  "platform-config": "examples/platform-custom.yaml",
  "platform-auth": "bearer",
  "platform-token": TOKEN,
  "platform-agent-image": STAND_IN_AGENT_IMAGE,
  "platform-timeout-seconds": "120",
  ...extra,
});

describe("platform-preset custom (examples/platform-custom.yaml)", () => {
  it("runs the whole flow through the described API: create, token, agent, READY, jobs with metrics from the metrics step, delete by POST", async () => {
    const before = platform.calls.length;
    const job = new ActionJob({ ...standIn.env }, inputs({ suite: "test/fixtures/suites/platform.yaml" }));
    const main = job.main();
    expect((await main.exited).code, main.output()).toBe(0);
    const post = job.post();
    expect((await post.exited).code, post.output()).toBe(0);
    const calls = platform.calls.slice(before).map((c) => `${c.method} ${c.path.replace(/[cj]-\w{8}/g, "<id>")} ${c.status}`);
    expect(calls).toEqual(
      expect.arrayContaining([
        "POST /api/v2/workspaces 201",
        "POST /api/v2/workspaces/<id>/agent-tokens 201",
        "GET /api/v2/workspaces/<id> 200",
        "POST /api/v2/workspaces/<id>/runs 201",
        "GET /api/v2/workspaces/<id>/runs/<id> 200",
        "GET /api/v2/workspaces/<id>/runs/<id>/metrics 200",
        "POST /api/v2/workspaces/<id>/archive 204",
      ]),
    );
    expect(calls.filter((c) => c.startsWith("POST /v1/clusters"))).toEqual([]);
    expect(platform.clusters.size).toBe(0);
    const results = JSON.parse(readFileSync(job.outputs()["results-path"]!, "utf8")) as {
      platform: { preset: string; deleted: boolean; agentVersion?: string; steps: { name: string; status: string }[] };
      workloads: { id: string; status: string; metrics: { name: string; trials: number[] }[] }[];
    };
    expect(results.platform).toMatchObject({
      preset: "custom preset, described by examples/platform-custom.yaml",
      deleted: true,
      agentVersion: "1.4.2",
    });
    const throughput = results.workloads[0]!.metrics.find((m) => m.name === "images_per_sec")!;
    expect(results.workloads[0]!.status).toBe("ok");
    expect(throughput.trials).toHaveLength(2);
    expect(job.summary()).toContain(`| API | \`${platform.url}\` (custom preset, described by examples/platform-custom.yaml) |`);
    expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
    const secrets = [TOKEN, ...platform.issuedTokens];
    expect(leakedSecrets(main.output(), secrets)).toEqual([]);
    expect(leakedSecrets(post.output(), secrets)).toEqual([]);
  }, 300_000);

  it("main killed as the cluster is created: the post step finds it through the described list and deletes it the described way", async () => {
    const job = new ActionJob({ ...standIn.env }, inputs());
    const main = job.main();
    platform.afterCreate = async () => {
      platform.afterCreate = undefined;
      main.child.kill("SIGKILL");
      await main.exited;
    };
    await main.exited;
    expect(platform.clusters.size).toBe(1);
    const [cluster] = [...platform.clusters.values()];
    const post = job.post();
    expect((await post.exited).code, post.output()).toBe(0);
    expect(post.output()).toContain(`Deleted platform cluster ${cluster!.id} ('${cluster!.name}')`);
    expect(platform.calls.at(-1)).toMatchObject({ method: "POST", path: `/api/v2/workspaces/${cluster!.id}/archive`, status: 204 });
    expect(platform.clusters.size).toBe(0);
  }, 120_000);

  it("a create whose replies are all lost (the cluster was made): main finds it by the run's name and deletes it before it ends", async () => {
    platform.faults.lostCreateReplies = 10;
    try {
      const aws = standIn.calls.length;
      const job = new ActionJob({ ...standIn.env }, inputs());
      const main = job.main();
      expect((await main.exited).code).toBe(1);
      const out = main.output();
      expect(out).toMatch(/Platform API POST \/api\/v2\/workspaces answered HTTP 504 5 times/);
      expect(out).toMatch(/Deleted platform cluster c-\w{8} \('gpu-bench-gb[0-9a-f]{16}'\), found by its name after its create failed/);
      expect(platform.clusters.size).toBe(0);
      expect(standIn.calls.slice(aws).some((c) => c.action === "RunInstances")).toBe(false);
      expect(job.summary()).toMatch(/\| Cluster deleted \| yes \|/);
      const post = job.post();
      expect((await post.exited).code, post.output()).toBe(0);
      expect(post.output()).not.toMatch(/platform cluster/i);
    } finally {
      platform.faults.lostCreateReplies = 0;
    }
  }, 120_000);

  it("a create the platform refuses (403) fails the run before any launch and never looks for the cluster by name, in main or the post step", async () => {
    platform.faults.refusedCreates = 1;
    try {
      const aws = standIn.calls.length;
      const before = platform.calls.length;
      const job = new ActionJob({ ...standIn.env }, inputs());
      const main = job.main();
      expect((await main.exited).code).toBe(1);
      expect(main.output()).toMatch(/Platform API POST \/api\/v2\/workspaces answered HTTP 403/);
      expect(main.output()).not.toMatch(/by name|by its name/);
      const post = job.post();
      expect((await post.exited).code, post.output()).toBe(0);
      expect(post.output()).not.toMatch(/platform cluster/i);
      // One refused create, no list (the lookup) and no delete, from main or the post step.
      expect(platform.calls.slice(before).map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(["POST /api/v2/workspaces 403"]);
      expect(platform.clusters.size).toBe(0);
      expect(standIn.calls.slice(aws).some((c) => c.action === "RunInstances")).toBe(false);
    } finally {
      platform.faults.refusedCreates = 0;
    }
  }, 120_000);

  it("a list that fails during main's lookup by name is an error naming the cluster's name and what to do; cleanup goes on and the post step deletes it", async () => {
    Object.assign(platform.faults, { lostCreateReplies: 10, listFails: true });
    try {
      const job = new ActionJob({ ...standIn.env }, inputs());
      const main = job.main();
      expect((await main.exited).code).toBe(1);
      const out = main.output();
      const name = /'(gpu-bench-gb[0-9a-f]{16})'/.exec(out)?.[1];
      expect(name, out).toBeDefined();
      expect(out).toContain(
        `Could not check for or delete a platform cluster named '${name}' after its create failed: Platform API GET /api/v2/workspaces answered HTTP 500 5 times`,
      );
      expect(out).toContain(
        `The post step retries by the name; by hand: find it (GET ${platform.url}/api/v2/workspaces) and delete it with the CI user's token.`,
      );
      // The cleanup went on after it: the connection closed, the summary written, the run's verdict reported.
      expect(job.summary()).toContain(`| Cluster | ${name}: perhaps created (its create's outcome is unknown) |`);
      expect(job.summary()).toMatch(
        /\| Cluster deleted \| \*\*unknown\*\*: the lookup by name failed: Platform API GET \/api\/v2\/workspaces answered HTTP 500/,
      );
      expect(out).toMatch(/::error title=Benchmark run failed::/);
      expect(platform.clusters.size).toBe(1);
      platform.faults.listFails = false;
      const post = job.post();
      expect((await post.exited).code, post.output()).toBe(0);
      const [cluster] = [...platform.clusters.values()];
      expect(cluster).toBeUndefined();
      expect(post.output()).toMatch(new RegExp(`Deleted platform cluster c-\\w{8} \\('${name}'\\), whose id main never heard`));
    } finally {
      Object.assign(platform.faults, { lostCreateReplies: 0, listFails: false });
    }
  }, 120_000);

  it("a platform-config with a mistake fails the run before anything is launched or created, naming the field and the fix", async () => {
    const aws = standIn.calls.length;
    const before = platform.calls.length;
    const job = new ActionJob({ ...standIn.env }, inputs({ "platform-config": "test/fixtures/platform/bad-custom.yaml" }));
    const main = job.main();
    expect((await main.exited).code).toBe(1);
    expect(main.output()).toContain(
      "'platform-config' (test/fixtures/platform/bad-custom.yaml) cluster.create.id: must be a JSON path such as $.id or $.data.items[0].id",
    );
    expect(standIn.calls.slice(aws).some((c) => c.action === "RunInstances")).toBe(false);
    expect(platform.calls.length).toBe(before);
  }, 120_000);

  it("mode: sweep deletes the tool's old clusters through the described list and delete, and leaves a user's own", async () => {
    const put = (id: string, name: string, createdAt: string) =>
      platform.clusters.set(id, { id, name, owner: "ci", status: "active", createdAt, jobs: new Map() });
    put("c-old00001", runClusterName("gpu-bench", "0123456789ab"), "2020-01-01T00:00:00.000Z");
    put("c-users001", "gpu-bench", "2020-01-01T00:00:00.000Z");
    try {
      const { "platform-agent-image": _i, "platform-timeout-seconds": _t, suite: _s, ...sweepInputs } = inputs();
      const sweep = new ActionJob({ ...standIn.env }, { ...sweepInputs, mode: "sweep" });
      const run = sweep.main();
      expect((await run.exited).code, run.output()).toBe(0);
      expect(platform.calls.at(-1)).toMatchObject({ method: "POST", path: "/api/v2/workspaces/c-old00001/archive", status: 204 });
      expect([...platform.clusters.keys()]).toEqual(["c-users001"]);
    } finally {
      platform.clusters.clear();
    }
  }, 120_000);
});
