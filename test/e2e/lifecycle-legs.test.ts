import { CreatePlacementGroupCommand, CreateTagsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import type { StandIn } from "../../stand-in/index.js";
import { instancesOverTerminated } from "../../stand-in/settle.js";
import { until } from "../support/wait.js";
import { runInstances, useLifecycleStandIn } from "./lifecycle-stand-in.js";
import { ActionJob } from "./action-process.js";
import { CHAOS_INPUTS, instancesLeftAlive } from "./chaos-runner.js";

// Runs that are more than one job or less than one: matrix legs, a main refused early, lost state, sweep.
let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s));

describe("matrix legs: one run id, attempt and job, each leg on its own runner", () => {
  const legs = (runId = String(Date.now())) => [
    new ActionJob({ ...standIn.env }, CHAOS_INPUTS, { runId, runner: "GitHub Actions 11" }),
    new ActionJob({ ...standIn.env }, CHAOS_INPUTS, { runId, runner: "GitHub Actions 12" }),
  ];
  const launchedBy = (job: ActionJob) => standIn.instances().filter((i) => i.launchedBy === job.appId);

  it("two legs each launch, report and terminate only their own instance", async () => {
    const [a, b] = legs();
    const [ea, eb] = await Promise.all([a!.main().exited, b!.main().exited]);
    expect([ea.code, eb.code]).toEqual([0, 0]);
    const [ia, ib] = [a!.outputs()["instance-id"], b!.outputs()["instance-id"]];
    expect(ia).toMatch(/^i-/);
    expect(ib).toMatch(/^i-/);
    expect(ia).not.toBe(ib);
    expect(launchedBy(a!).map((i) => i.id)).toEqual([ia]);
    expect(launchedBy(b!).map((i) => i.id)).toEqual([ib]);
    // Each leg's own nonce: different client tokens and tags.
    expect(launchedBy(a!)[0]!.tags["gpu-bench:nonce"]).not.toBe(launchedBy(b!)[0]!.tags["gpu-bench:nonce"]);
    await Promise.all([a!.post().exited, b!.post().exited]);
    expect(await instancesLeftAlive(standIn, a!.runId)).toEqual([]);
    expect(instancesOverTerminated(standIn, a!.runId)).toEqual([]);
  }, 300_000);

  it("a leg killed mid-run, its state lost, is cleaned up by its own post step while the other leg runs on untouched", async () => {
    standIn.faults.agentDelayMs = 1500;
    const [a, b] = legs();
    const mainA = a!.main();
    const mainB = b!.main();
    await until(() => launchedBy(a!).some((i) => i.state === "running"));
    mainA.child.kill("SIGKILL");
    await mainA.exited;
    a!.loseState("missing");
    // Leg A's post step runs while leg B is still benchmarking.
    const postA = a!.post();
    await postA.exited;
    expect(postA.output()).toMatch(/main saved no state\. Searching us-west-2 for this job's instances/);
    expect(postA.output()).toMatch(/Terminated what main left behind: i-/);
    expect((await mainB.exited).code).toBe(0);
    await b!.post().exited;
    expect(await instancesLeftAlive(standIn, a!.runId)).toEqual([]);
    expect(instancesOverTerminated(standIn, a!.runId)).toEqual([]);
    expect(launchedBy(b!)[0]!.terminatedBy).toBe(b!.appId);
  }, 300_000);
});

describe("default-chain credentials that expire mid-run", () => {
  it("are refused before anything is launched, with the fix named; the post step still searches", async () => {
    const calls = standIn.calls.length;
    const expiresAt = new Date(Date.now() + 20 * 60_000).toISOString();
    const job = new ActionJob(
      { ...standIn.env, ...standIn.staticCredentialsEnv(), AWS_CREDENTIAL_EXPIRATION: expiresAt },
      { ...CHAOS_INPUTS, "role-to-assume": "", "ttl-minutes": "30" },
    );
    const main = job.main();
    expect((await main.exited).code).toBe(1);
    expect(main.output()).toMatch(/The AWS credentials expire at .+ before this run's end \('ttl-minutes' 30\) plus 15 min for cleanup/);
    expect(main.output()).toMatch(/Nothing was launched/);
    expect(standIn.calls.slice(calls).filter((c) => c.action === "RunInstances")).toEqual([]);
    const post = job.post();
    expect((await post.exited).code).toBe(0);
    expect(post.output()).toMatch(/main saved no state\. Searching us-west-2/);
    expect(runInstances(standIn, job.runId)).toEqual([]);
  });
});

describe("a post step whose saved state is unusable", () => {
  it.each(["missing", "schema-invalid", "corrupt"] as const)(
    "state %s: it searches by the job's tags and terminates the instance",
    async (how) => {
      standIn.faults.agentDelayMs = 60_000;
      const job = new ActionJob({ ...standIn.env }, CHAOS_INPUTS);
      const main = job.main();
      await until(() => runInstances(standIn, job.runId).some((i) => i.state === "running"));
      main.child.kill("SIGKILL");
      await main.exited;
      job.loseState(how);
      const post = job.post();
      expect((await post.exited).code).toBe(0);
      expect(post.output()).toMatch(how === "missing" ? /main saved no state/ : /main's saved state is unusable: not (JSON|a saved run)/);
      expect(post.output()).toMatch(/Terminated what main left behind: i-/);
      expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
    },
    200_000,
  );
});

describe("sweep mode", () => {
  it("terminates only this stack's managed instances whose expires-at has passed; dry-run only lists them", async () => {
    // An instance from a run whose runner vanished: main killed, no post step.
    const job = new ActionJob({ ...standIn.env }, CHAOS_INPUTS);
    standIn.faults.agentDelayMs = 60_000;
    const main = job.main();
    const poll = setInterval(() => {
      if (runInstances(standIn, job.runId).some((i) => i.state === "running")) main.child.kill("SIGKILL");
    }, 20);
    await main.exited;
    clearInterval(poll);
    const orphan = runInstances(standIn, job.runId)[0]!;
    expect(orphan.state).toBe("running");

    const sweep = async (extra: Record<string, string>) => {
      const j = new ActionJob({ ...standIn.env }, { "role-to-assume": CHAOS_INPUTS["role-to-assume"]!, mode: "sweep", ...extra });
      const run = j.main();
      expect((await run.exited).code).toBe(0);
      return { swept: j.outputs()["swept-instances"]!.split(",").filter(Boolean), log: run.output() };
    };
    // Not expired yet: left alone.
    expect((await sweep({})).swept).not.toContain(orphan.id);
    expect(runInstances(standIn, job.runId)[0]!.state).toBe("running");

    // Its time has passed (as the real clock would make it): rewrite its expiry through EC2 itself.
    const ec2 = new EC2Client({ region: "us-west-2", endpoint: standIn.env.AWS_ENDPOINT_URL_EC2, credentials: credentialsOf(standIn) });
    await ec2.send(
      new CreateTagsCommand({ Resources: [orphan.id], Tags: [{ Key: "gpu-bench:expires-at", Value: "2020-01-01T00:00:00.000Z" }] }),
    );
    ec2.destroy();

    // Another stack's sweep does not touch it: its role could not terminate it anyway.
    expect((await sweep({ stack: "another-stack" })).swept).not.toContain(orphan.id);
    expect(runInstances(standIn, job.runId)[0]!.state).toBe("running");

    const dry = await sweep({ "dry-run": "true" });
    expect(dry.swept).toContain(orphan.id);
    expect(dry.log).toMatch(new RegExp(`Would terminate ${orphan.id}`));
    expect(runInstances(standIn, job.runId)[0]!.state).toBe("running");

    const real = await sweep({});
    expect(real.swept).toContain(orphan.id);
    expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
  });

  it("deletes this stack's placement groups whose run has expired; live ones, another stack's and a user's own stay", async () => {
    const ec2 = new EC2Client({ region: "us-west-2", endpoint: standIn.env.AWS_ENDPOINT_URL_EC2, credentials: credentialsOf(standIn) });
    const group = (name: string, tags: Record<string, string>) =>
      ec2.send(
        new CreatePlacementGroupCommand({
          GroupName: name,
          Strategy: "cluster",
          TagSpecifications: [{ ResourceType: "placement-group", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
        }),
      );
    const ours = (stack: string, expiresAt: string) => ({
      "managed-by": "ephemeral-gpu-bench",
      "gpu-bench:stack": stack,
      "gpu-bench:expires-at": expiresAt,
    });
    await group("gpu-bench-sweep-expired", ours("gpu-bench", "2020-01-01T00:00:00.000Z"));
    await group("gpu-bench-sweep-live", ours("gpu-bench", "2099-01-01T00:00:00.000Z"));
    await group("gpu-bench-sweep-other-stack", ours("another-stack", "2020-01-01T00:00:00.000Z"));
    await group("users-own-group", { team: "ml" });
    ec2.destroy();
    const state = (name: string) => standIn.placementGroups().find((g) => g.name === name)?.state;
    const sweep = async (extra: Record<string, string> = {}) => {
      const j = new ActionJob({ ...standIn.env }, { "role-to-assume": CHAOS_INPUTS["role-to-assume"]!, mode: "sweep", ...extra });
      const run = j.main();
      expect((await run.exited).code, run.output()).toBe(0);
      return run.output();
    };

    expect(await sweep({ "dry-run": "true" })).toContain("Would delete placement group gpu-bench-sweep-expired (its run has expired)");
    expect(state("gpu-bench-sweep-expired")).toBe("available");

    const log = await sweep();
    expect(log).toContain("Deleting placement group gpu-bench-sweep-expired (its run has expired)");
    expect(log).not.toMatch(/placement group (gpu-bench-sweep-live|gpu-bench-sweep-other-stack|users-own-group)/);
    expect(
      ["gpu-bench-sweep-expired", "gpu-bench-sweep-live", "gpu-bench-sweep-other-stack", "users-own-group"].map((n) => [n, state(n)]),
    ).toEqual([
      ["gpu-bench-sweep-expired", "deleted"],
      ["gpu-bench-sweep-live", "available"],
      ["gpu-bench-sweep-other-stack", "available"],
      ["users-own-group", "available"],
    ]);
  });
});

function credentialsOf(s: StandIn) {
  const env = s.staticCredentialsEnv();
  return { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
}
