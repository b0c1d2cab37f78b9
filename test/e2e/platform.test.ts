import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { StandIn } from "../../stand-in/index.js";
import { isRunClusterName, runClusterName } from "../../src/platform/cluster-name.js";
import { usePlatformWorld, type PlatformWorld } from "../support/platform-world.js";
import { filesUnder, until } from "../support/wait.js";
import { NO_HANG_TO_WAIT_FOR, useLifecycleStandIn } from "./lifecycle-stand-in.js";
import { ActionJob, leakedSecrets, type ActionRun } from "./action-process.js";
import { CHAOS_BUCKET, CHAOS_INPUTS, instancesLeftAlive } from "./chaos-runner.js";

// A run through a platform (platform-api-url, radix preset) with the real bundles: Cognito login
// against moto_server, the cluster created before any launch, the agent (the stand-in's radix-agent
// image) started on the node with the onboarding token read from the run's SecureString parameter,
// the cluster active, then deleted by main — or by the post step when main was killed.

let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s), NO_HANG_TO_WAIT_FOR);
let world: PlatformWorld;
usePlatformWorld((w) => (world = w));

const runInstanceIds = (runId: string) =>
  standIn
    .instances()
    .filter((i) => i.tags["gpu-bench:run-id"] === runId)
    .map((i) => i.id);

describe("a run through the radix platform", () => {
  let job: ActionJob;
  let main: ActionRun;
  let post: ActionRun;
  let exit: { code: number | null };
  let onboardingTokens: string[];
  const callsBefore = { platform: 0, aws: 0 };

  const results0 = () =>
    JSON.parse(readFileSync(job.outputs()["results-path"]!, "utf8")) as {
      platform: Record<string, unknown>;
      workloads: { id: string; kind: string; status: string; metrics: { name: string; trials: number[] }[] }[];
    };

  beforeAll(async () => {
    callsBefore.platform = world.platform.calls.length;
    callsBefore.aws = standIn.calls.length;
    job = new ActionJob(
      { ...standIn.env, ...world.env },
      { ...CHAOS_INPUTS, ...world.inputs, suite: "test/fixtures/suites/platform.yaml" },
    );
    main = job.main();
    // The onboarding tokens the platform issued, read while the cluster still exists.
    const tokens = new Set<string>();
    const watch = setInterval(() => {
      for (const c of world.platform.clusters.values()) if (c.onboardingToken) tokens.add(c.onboardingToken);
    }, 5);
    exit = await main.exited;
    clearInterval(watch);
    onboardingTokens = [...tokens];
    post = job.post();
    await post.exited;
  }, 300_000);

  it("logs in and creates the cluster before any launch, onboards the agent, runs the job, and deletes the cluster", async () => {
    expect(exit.code, main.output()).toBe(0);
    const calls = world.platform.calls.slice(callsBefore.platform);
    const create = calls.find((c) => c.method === "POST" && c.path === "/v1/clusters" && c.status === 201)!;
    expect(create).toBeDefined();
    // The cluster's name marks it as this run's (the sweep tells it from a user's own 'gpu-bench').
    const name = (results0().platform as { clusterName: string }).clusterName;
    expect(isRunClusterName("gpu-bench", name)).toBe(true);
    const launch = standIn.calls.slice(callsBefore.aws).find((c) => c.action === "RunInstances")!;
    expect(create.at.getTime()).toBeLessThan(launch.at.getTime());
    const register = calls.find((c) => c.path === "/v1/agent/register")!;
    expect(register.status).toBe(200);
    const deleted = calls.find((c) => c.method === "DELETE")!;
    expect(deleted.status).toBe(204);
    expect(world.platform.clusters.size).toBe(0);
    expect(main.output()).toMatch(/Platform cluster c-\w+ is active [\d.]+ s after the agent started \(agent 1\.4\.2\)/);

    const results = results0();
    // The job's metrics, read back from the platform API, are the workload's, one value per trial.
    const workload = results.workloads[0]!;
    expect(workload).toMatchObject({ id: "radix-resnet50", kind: "platform-job", status: "ok" });
    const throughput = workload.metrics.find((m) => m.name === "images_per_sec")!;
    expect(throughput.trials).toHaveLength(2);
    for (const v of throughput.trials) expect(v).toBeGreaterThan(0);
    const jobs = results.platform.jobs as { status: string; metrics: { throughput: number } }[];
    expect(jobs.map((j) => j.status)).toEqual(["succeeded", "succeeded"]);
    expect(jobs.map((j) => j.metrics.throughput)).toEqual(throughput.trials);
    // The report's Platform section: cluster, agent version, time to active, jobs, deletion.
    const summary = job.summary();
    expect(summary).toContain("## Platform");
    expect(summary).toMatch(/\| Agent \| `ghcr\.io\/radix-ai\/radix-agent:1\.4\.2`, version 1\.4\.2 \|/);
    expect(summary).toMatch(/\| Cluster deleted \| yes \|/);
    expect(summary).toMatch(/\| Agent start to cluster active \| [\d.]+ (ms|s) \|/);
    expect(results.platform).toMatchObject({
      api: world.platform.url,
      clusterName: expect.stringMatching(/^gpu-bench-gb[0-9a-f]{16}$/),
      agent: "ghcr.io/radix-ai/radix-agent:1.4.2",
      agentVersion: "1.4.2",
      deleted: true,
    });
    const steps = (results.platform.steps as { name: string; status: string }[]).map((s) => `${s.name}:${s.status}`);
    expect(steps).toEqual([
      "login:ok",
      "create cluster:ok",
      "onboarding token:ok",
      "start agent:ok",
      "cluster active:ok",
      "job radix-resnet50 trial 1:ok",
      "job radix-resnet50 trial 2:ok",
      "delete cluster:ok",
    ]);
    // The agent's image was pulled with the node's other images, before the agent started.
    const inventory = (results as unknown as { inventory: { images: { ref: string }[] } }).inventory;
    expect(inventory.images.map((i) => i.ref)).toContain("ghcr.io/radix-ai/radix-agent:1.4.2");
    // Each platform step is in the timeline too, the deletion included.
    const phases = (results as unknown as { phases: { name: string }[] }).phases.map((p) => p.name);
    for (const step of ["platform: login", "platform: create cluster", "platform: cluster active", "platform: delete cluster"])
      expect(phases).toContain(step);
    expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
    // Main deleted it; the post step has nothing left to delete.
    expect(post.output()).not.toMatch(/platform cluster/i);
  });

  it("the onboarding token and the Cognito secrets are in no SSM command, log, summary, state or S3 object", async () => {
    expect(onboardingTokens).toHaveLength(1);
    const secrets = [...onboardingTokens, world.secrets.password, world.secrets.clientSecret];
    const ids = runInstanceIds(job.runId);
    const commands = standIn.commands().filter((c) => ids.includes(c.instanceId));
    expect(commands.some((c) => c.script.includes("platform-onboarding-token"))).toBe(true);
    for (const c of commands) for (const s of secrets) expect(c.script + c.stdout + c.stderr).not.toContain(s);
    expect(leakedSecrets(main.output(), secrets)).toEqual([]);
    expect(leakedSecrets(post.output(), secrets)).toEqual([]);
    for (const s of secrets) {
      expect(job.summary()).not.toContain(s);
      expect(JSON.stringify(job.outputs())).not.toContain(s);
    }
    for (const file of filesUnder(job.dir).filter((f) => !f.endsWith("/event.json")))
      for (const s of secrets) expect(readFileSync(file, "utf8").includes(s), file).toBe(false);
    for (const key of standIn.listKeys(CHAOS_BUCKET))
      for (const s of secrets) expect(standIn.getText(CHAOS_BUCKET, key)!.includes(s), key).toBe(false);
    // The token's parameter is gone with the run.
    expect(standIn.parameters().filter((p) => p.tags["gpu-bench:run-id"] === job.runId)).toEqual([]);
  });
});

/**
 * A platform run whose main is SIGKILLed once the platform created its cluster and EC2 its
 * instance (the agent held back, so the run is still at its node); returns the job and the cluster's id.
 */
async function mainKilledAfterItsCluster(): Promise<{ job: ActionJob; clusterId: string }> {
  standIn.faults.agentDelayMs = 60_000;
  const before = new Set(world.platform.clusters.keys());
  const job = new ActionJob({ ...standIn.env, ...world.env }, { ...CHAOS_INPUTS, ...world.inputs });
  const main = job.main();
  await until(() => [...world.platform.clusters.keys()].some((id) => !before.has(id)) && runInstanceIds(job.runId).length > 0);
  const clusterId = [...world.platform.clusters.keys()].find((id) => !before.has(id))!;
  main.child.kill("SIGKILL");
  await main.exited;
  expect(world.platform.clusters.has(clusterId)).toBe(true);
  return { job, clusterId };
}

describe("main killed after the cluster was created", () => {
  it("the post step deletes the cluster from the saved state", async () => {
    const { job, clusterId } = await mainKilledAfterItsCluster();
    const post = job.post();
    expect((await post.exited).code, post.output()).toBe(0);
    expect(post.output()).toContain(`Deleted platform cluster ${clusterId}.`);
    expect(world.platform.clusters.has(clusterId)).toBe(false);
    expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
    expect(leakedSecrets(post.output(), [world.secrets.password, world.secrets.clientSecret])).toEqual([]);
  }, 240_000);

  it("with main's state lost, the post step names the cluster from the nonce on the run's instances and deletes it", async () => {
    const { job, clusterId } = await mainKilledAfterItsCluster();
    job.loseState("missing");
    // The run's name: cluster-name (its default here) with the nonce main tagged its instance with.
    const [instance] = standIn.instances().filter((i) => i.tags["gpu-bench:run-id"] === job.runId);
    const name = runClusterName("gpu-bench", instance!.tags["gpu-bench:nonce"]!);
    expect(world.platform.clusters.get(clusterId)?.name).toBe(name);
    const post = job.post();
    expect((await post.exited).code, post.output()).toBe(0);
    expect(post.output()).toMatch(/main saved no state\. Searching .* by their tags/);
    expect(post.output()).toContain(`Deleted platform cluster ${clusterId} ('${name}')`);
    expect(world.platform.clusters.has(clusterId)).toBe(false);
    expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
    expect(standIn.parameters().filter((p) => p.tags["gpu-bench:run-id"] === job.runId)).toEqual([]);
  }, 240_000);
});

describe("platform faults", () => {
  it("a cluster that never turns active fails the run with the agent's describe and log, and is still deleted", async () => {
    world.platform.faults.neverActive = true;
    try {
      const job = new ActionJob(
        { ...standIn.env, ...world.env },
        { ...CHAOS_INPUTS, ...world.inputs, suite: "test/fixtures/suites/platform.yaml", "platform-timeout-seconds": "30" },
      );
      const main = job.main();
      expect((await main.exited).code).toBe(1);
      const out = main.output();
      expect(out).toMatch(/Platform cluster (c-\w+) was not active after \d+ s \(last status 'pending'\)/);
      expect(out).toContain("kubectl describe pods -l gpu-bench/platform-agent=platform-agent");
      expect(out).toContain("[radix-agent 1.4.2] registered");
      const clusterId = /Platform cluster (c-\w+) was not active/.exec(out)![1]!;
      expect(out).toContain(`Deleted platform cluster ${clusterId}`);
      expect(world.platform.clusters.has(clusterId)).toBe(false);
      const post = job.post();
      expect((await post.exited).code, post.output()).toBe(0);
      expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
    } finally {
      world.platform.faults.neverActive = false;
    }
  }, 240_000);

  it("a delete the platform refuses fails the run, and the post step deletes the cluster from the saved state", async () => {
    world.platform.faults.deleteFails = true;
    let post: ActionRun | undefined;
    try {
      const job = new ActionJob(
        { ...standIn.env, ...world.env },
        { ...CHAOS_INPUTS, ...world.inputs, suite: "test/fixtures/suites/platform.yaml" },
      );
      const main = job.main();
      expect((await main.exited).code).toBe(1);
      const out = main.output();
      const clusterId = /Platform cluster (c-\w+) \('gpu-bench-gb[0-9a-f]{16}'\) created/.exec(out)![1]!;
      expect(out).toMatch(
        new RegExp(`Could not delete platform cluster ${clusterId}: Platform API DELETE /v1/clusters/${clusterId} answered HTTP 500`),
      );
      expect(job.summary()).toMatch(/\| Cluster deleted \| \*\*no\*\*/);
      expect(world.platform.clusters.has(clusterId)).toBe(true);
      world.platform.faults.deleteFails = false;
      post = job.post();
      expect((await post.exited).code, post.output()).toBe(0);
      expect(post.output()).toContain(`Deleted platform cluster ${clusterId}.`);
      expect(world.platform.clusters.has(clusterId)).toBe(false);
      expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
    } finally {
      world.platform.faults.deleteFails = false;
    }
  }, 240_000);

  it("a refused Cognito password fails the run before anything is launched or created", async () => {
    const before = standIn.calls.length;
    const clusters = world.platform.clusters.size;
    const job = new ActionJob(
      { ...standIn.env, ...world.env },
      { ...CHAOS_INPUTS, ...world.inputs, "cognito-password": "Wrong-Passw0rd!x" },
    );
    const main = job.main();
    expect((await main.exited).code).toBe(1);
    expect(main.output()).toMatch(/Cognito login failed \(NotAuthorizedException\)/);
    expect(standIn.calls.slice(before).some((c) => c.action === "RunInstances")).toBe(false);
    expect(world.platform.clusters.size).toBe(clusters);
    expect(leakedSecrets(main.output(), ["Wrong-Passw0rd!x", world.secrets.clientSecret])).toEqual([]);
  }, 120_000);
});

describe("mode: sweep with platform-api-url", () => {
  it("deletes the tool's clusters from cluster-name older than the longest run; a user's own 'gpu-bench', young ones and other names survive", async () => {
    const put = (id: string, name: string, createdAt: string) =>
      world.platform.clusters.set(id, { id, name, owner: "ci-user", status: "active", createdAt, jobs: new Map() });
    const ours = runClusterName("gpu-bench", "0123456789ab");
    put("c-old", ours, "2020-01-01T00:00:00.000Z");
    put("c-young", runClusterName("gpu-bench", "ba9876543210"), new Date().toISOString());
    put("c-users-own", "gpu-bench", "2020-01-01T00:00:00.000Z");
    put("c-other", "someone-else", "2020-01-01T00:00:00.000Z");
    try {
      const { "platform-agent-image": _image, "platform-timeout-seconds": _timeout, ...platformInputs } = world.inputs;
      const sweep = new ActionJob(
        { ...standIn.env, ...world.env },
        { "role-to-assume": CHAOS_INPUTS["role-to-assume"]!, mode: "sweep", ...platformInputs },
      );
      const run = sweep.main();
      expect((await run.exited).code, run.output()).toBe(0);
      expect(run.output()).toContain(`Deleting platform cluster c-old ('${ours}', created 2020-01-01T00:00:00.000Z)`);
      expect([...world.platform.clusters.keys()].sort()).toEqual(["c-other", "c-users-own", "c-young"]);
      expect(leakedSecrets(run.output(), [world.secrets.password, world.secrets.clientSecret])).toEqual([]);
    } finally {
      for (const id of ["c-young", "c-users-own", "c-other"]) world.platform.clusters.delete(id);
    }
  }, 120_000);
});
