import { CreateTagsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { existsSync, readFileSync } from "node:fs";
import { Results } from "../../src/evidence/results.js";
import { describe, expect, it } from "vitest";
import { startStandIn, type StandIn } from "../../stand-in/index.js";
import { useLifecycleStandIn } from "./lifecycle-stand-in.js";
import { ActionJob, leakedSecrets } from "./action-process.js";
import { CHAOS_BUCKET, CHAOS_INPUTS, instancesLeftAlive } from "./chaos-runner.js";
import { instancesOverTerminated } from "../../stand-in/settle.js";

let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s));

async function lifecycle(inputs: Record<string, string> = {}, during?: (job: ActionJob, main: ReturnType<ActionJob["main"]>) => void) {
  const job = new ActionJob({ ...standIn.env }, { ...CHAOS_INPUTS, ...inputs });
  const main = job.main();
  during?.(job, main);
  const mainExit = await main.exited;
  const post = job.post();
  const postExit = await post.exited;
  return { job, mainExit, postExit, mainLog: main.output(), postLog: post.output(), alive: await instancesLeftAlive(standIn, job.runId) };
}

function runInstances(runId: string) {
  return standIn.instances().filter((i) => i.tags["gpu-bench:run-id"] === runId);
}

describe("a run on the stand-in, the bundles run as the runner runs them", () => {
  it("launches, bootstraps the node over SSM, runs the suite, terminates, publishes, and sets its outputs", async () => {
    const sessionsBefore = standIn.assumedSessions().length;
    const r = await lifecycle();
    expect(r.mainExit.code).toBe(0);
    expect(r.alive).toEqual([]);
    const outputs = r.job.outputs();
    expect(outputs["instance-id"]).toMatch(/^i-/);
    expect(outputs["instance-type"]).toBe("g5.2xlarge");
    expect(outputs["availability-zone"]).toMatch(/^us-west-2[a-d]$/);
    expect(r.mainLog).toMatch(/Terminated i-\w+ \(shutting-down\)/);
    expect(r.postLog).toMatch(/Nothing to clean up: main terminated/);
    const [instance] = runInstances(r.job.runId);
    expect(instance).toMatchObject({
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
      shutdownBehavior: "terminate",
    });
    expect(instance!.tags).toMatchObject({
      "managed-by": "ephemeral-gpu-bench",
      "gpu-bench:repository": "acme/gpu-stack",
      "gpu-bench:run-attempt": "1",
      "gpu-bench:stack": "gpu-bench",
    });
    expect(leakedSecrets(r.job.everythingWritten(), standIn.plantedSecrets())).toEqual([]);
    // The post step assumed the role again, with a fresh OIDC token.
    const sessions = standIn.assumedSessions().slice(sessionsBefore);
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sessions.map((s) => s.accessKeyId)).size).toBe(sessions.length);
    expect(sessions[0]!.sessionName).toBe(`gpu-bench-${r.job.runId}-1`);
    // Evidence: outputs, job summary, the artifact-ready folder, the S3 archive.
    expect(outputs.verdict).toBe("first-run");
    expect(existsSync(outputs["evidence-path"]!)).toBe(true);
    expect(JSON.parse(outputs.headline!)).toEqual(expect.arrayContaining([expect.objectContaining({ workload: "qwen-serving" })]));
    expect(r.job.summary()).toMatch(/GPU benchmark evidence: lifecycle on g5.2xlarge/);
    expect(outputs["evidence-s3-uri"]).toMatch(/^s3:\/\/gpu-bench-evidence\/gpu-bench\/lifecycle\/g5.2xlarge\//);
    const results = JSON.parse(readFileSync(outputs["results-path"]!, "utf8")) as Results;
    expect(Results.parse(results).inventory?.gpus[0]?.name).toBe("NVIDIA A10G");
    // The cost rests on the Price List API's price for the market used, and says so.
    expect(results.instance).toMatchObject({ market: "on-demand", pricePerHourUsd: 1.212, price: { source: "aws-price-list-api" } });
    expect(r.job.summary()).toMatch(/\$1\.212\/h \(AWS Price List API \(GetProducts, endpoint us-east-1\): g5\.2xlarge, us-west-2/);
    expect(results.phases.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        "launch",
        "ssm agent online",
        "node-bootstrap",
        "k3s-ready",
        "gpu-allocatable",
        "images-present",
        "workload qwen-serving",
        "terminate",
      ]),
    );

    // A second run compares against the first.
    const second = await lifecycle();
    expect(second.job.outputs().verdict).toMatch(/^(pass|regression)$/);
    expect(second.alive).toEqual([]);
  }, 120_000);

  it("falls back to the next zone when the first has no capacity", async () => {
    standIn.faults.failCapacity({ instanceType: "g5.2xlarge", code: "InsufficientInstanceCapacity", times: 1 });
    const r = await lifecycle();
    expect(r.mainExit.code).toBe(0);
    expect(r.mainLog).toMatch(/g5\.2xlarge in subnet-0123456789abcdef0: InsufficientInstanceCapacity; trying the next candidate/);
    expect(runInstances(r.job.runId).map((i) => i.subnetId)).toEqual(["subnet-0fedcba9876543210"]);
    expect(r.alive).toEqual([]);
  });

  it("fails fast, naming the quota, when the account's vCPU quota is exhausted", async () => {
    standIn.faults.failCapacity({ code: "VcpuLimitExceeded" });
    const r = await lifecycle();
    expect(r.mainExit.code).toBe(1);
    expect(r.mainLog).toMatch(/Running On-Demand G and VT instances \(L-DB2E81BA\)/);
    expect(runInstances(r.job.runId)).toEqual([]);
  });

  it("rides out throttling", async () => {
    standIn.faults.throttle(1, { action: "RunInstances" });
    standIn.faults.throttle(1, { action: "DescribeInstanceInformation" });
    standIn.faults.throttle(1, { action: "SendCommand" });
    const r = await lifecycle();
    expect(r.mainExit.code).toBe(0);
    expect(r.alive).toEqual([]);
  });

  it("gives up on an SSM agent that never comes online, says why, and terminates", async () => {
    standIn.faults.agentNeverOnline = true;
    const r = await lifecycle({ "startup-timeout-seconds": "10" });
    expect(r.mainExit.code).toBe(1);
    expect(r.mainLog).toMatch(/did not come Online within 10 s.*AmazonSSMManagedInstanceCore/s);
    expect(r.alive).toEqual([]);
  });

  it("fails a step that fails on the instance, with its exit code and output, and terminates", async () => {
    standIn.faults.failCommands(1);
    const r = await lifecycle();
    expect(r.mainExit.code).toBe(1);
    expect(r.mainLog).toMatch(/Step 'probe' on the instance ended Failed with exit code 70.*injected command failure/s);
    expect(r.alive).toEqual([]);
  });

  it("stops a step that runs past its limit and terminates", async () => {
    standIn.faults.hangCommands(1);
    const r = await lifecycle();
    expect(r.mainExit.code).toBe(1);
    expect(r.mainLog).toMatch(/Step 'probe' on the instance ended TimedOut.*ran past its 120 s limit/s);
    expect(r.alive).toEqual([]);
  });

  it.each([300, 900, 1500, 2100])("a SIGINT %i ms in leaves no instance running", async (ms) => {
    standIn.faults.bootDelayMs = 600;
    const r = await lifecycle({}, (_job, main) => {
      setTimeout(() => main.child.kill("SIGINT"), ms);
    });
    expect(r.alive).toEqual([]);
    if (runInstances(r.job.runId).length > 0) expect(r.mainLog + r.postLog).toMatch(/Terminated i-/);
  });

  it("after SIGKILL of main, the post step alone finds the instance by its state and terminates it", async () => {
    standIn.faults.agentDelayMs = 5000;
    const r = await lifecycle({}, (job, main) => {
      const poll = setInterval(() => {
        if (runInstances(job.runId).some((i) => i.state === "running")) {
          clearInterval(poll);
          main.child.kill("SIGKILL");
        }
      }, 20);
    });
    expect(r.mainExit.signal).toBe("SIGKILL");
    expect(r.postLog).toMatch(/Terminated what main left behind: i-/);
    expect(r.alive).toEqual([]);
  });

  it("after SIGKILL between RunInstances and saving the id, the post step finds the instance by its launch", async () => {
    const job = new ActionJob({ ...standIn.env }, CHAOS_INPUTS);
    const main = job.main();
    standIn.beforeReply(async (call) => {
      if (call.action === "RunInstances" && call.status === 200) {
        main.child.kill("SIGKILL");
        await main.exited;
      }
    });
    await main.exited;
    standIn.beforeReply(undefined);
    const post = job.post();
    await post.exited;
    expect(runInstances(job.runId)).toHaveLength(1);
    expect(post.output()).toMatch(/Terminated what main left behind/);
    expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
  });

  it("refuses bad input before any AWS call, with every problem named", async () => {
    const calls = standIn.calls.length;
    const r = await lifecycle({ "ttl-minutes": "4", "instance-types": "m5.large", tags: "x=$(id)" });
    expect(r.mainExit.code).toBe(1);
    expect(r.mainLog).toMatch(/'ttl-minutes' must be from 5 to 2880/);
    expect(r.mainLog).toMatch(/'instance-types' has 'm5.large'/);
    expect(r.mainLog).toMatch(/'tags' has a value for 'x'/);
    expect(standIn.calls.slice(calls).filter((c) => c.service !== "oidc" && c.service !== "sts")).toEqual([]);
    expect(r.postLog).toMatch(/Nothing to clean up/);
  });
});

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
    expect(runInstances(job.runId)).toEqual([]);
  });
});

describe("the dead-man switch", () => {
  it("is armed over SSM when user data never ran (no cloud-init), checked, and shown in the evidence", async () => {
    standIn.faults.userDataNeverRuns = true;
    const r = await lifecycle();
    expect(r.mainExit.code).toBe(0);
    const [instance] = runInstances(r.job.runId);
    expect(instance!.userDataExitCode).toBeUndefined();
    const results = Results.parse(JSON.parse(readFileSync(r.job.outputs()["results-path"]!, "utf8")));
    expect(results.instance?.deadManSwitch).toMatchObject({
      armed: true,
      via: "shutdown",
      persistent: true,
      armedByUserData: false,
      fired: false,
    });
    expect(r.mainLog).toMatch(/Dead-man switch armed: poweroff at .+ \(shutdown, re-armed at every boot\); user data had not armed it/);
    expect(r.job.summary()).toMatch(/Dead-man switch \| armed for/);
    expect(r.alive).toEqual([]);
  }, 200_000);

  it("when it fires mid-run, the run fails saying so and the evidence records it", async () => {
    // 30 ttl-minutes pass in 3 s: the instance powers itself off while the node is being bootstrapped.
    standIn.faults.ttlMinuteMs = 100;
    const r = await lifecycle();
    expect(r.mainExit.code).toBe(1);
    const results = Results.parse(JSON.parse(readFileSync(r.job.outputs()["results-path"]!, "utf8")));
    expect(results.instance?.deadManSwitch).toMatchObject({ fired: true });
    expect(results.outcome.message).toMatch(/dead-man switch powered it off at its expiry/);
    expect(r.job.summary()).toMatch(/Dead-man switch \| \*\*fired\*\*/);
    expect(r.alive).toEqual([]);
  }, 200_000);
});

describe("a post step whose saved state is unusable", () => {
  it.each(["missing", "schema-invalid", "corrupt"] as const)(
    "state %s: it searches by the job's tags and terminates the instance",
    async (how) => {
      standIn.faults.agentDelayMs = 60_000;
      const job = new ActionJob({ ...standIn.env }, CHAOS_INPUTS);
      const main = job.main();
      await until(() => runInstances(job.runId).some((i) => i.state === "running"));
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

async function until(condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  for (const start = Date.now(); !condition();) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a node that cannot be made ready", () => {
  it("fails with the reason, archives diagnostics next to the evidence, puts their tail in the report, and terminates", async () => {
    const broken = await startStandIn({
      buckets: [CHAOS_BUCKET],
      faults: { ttlMinuteMs: 60_000 },
      extraCommandEnv: { STUB_LATENCY_SCALE: "0.01", STUB_NVIDIA_DRIVER: "missing" },
    });
    try {
      const job = new ActionJob({ ...broken.env }, CHAOS_INPUTS);
      const main = job.main();
      expect((await main.exited).code).toBe(1);
      await job.post().exited;
      expect(main.output()).toMatch(/NVIDIA driver/);
      const outputs = job.outputs();
      expect(outputs.verdict).toBe("failed");
      const results = Results.parse(JSON.parse(readFileSync(outputs["results-path"]!, "utf8")));
      expect(results.outcome).toMatchObject({ status: "failed", failedPhase: "node bootstrap" });
      expect(results.locations.diagnostics).toMatch(/^s3:\/\/gpu-bench-evidence\/.+\/diagnostics\.txt$/);
      const key = results.locations.diagnostics!.replace("s3://gpu-bench-evidence/", "");
      expect(broken.getText(CHAOS_BUCKET, key)).toMatch(/nvidia-smi/);
      expect(results.diagnosticsTail).toBeTruthy();
      expect(job.summary()).toContain("Diagnostics");
      expect(await instancesLeftAlive(broken, job.runId)).toEqual([]);
    } finally {
      await broken.stop();
    }
  });
});

describe("sweep mode", () => {
  it("terminates only this stack's managed instances whose expires-at has passed; dry-run only lists them", async () => {
    // An instance from a run whose runner vanished: main killed, no post step.
    const job = new ActionJob({ ...standIn.env }, CHAOS_INPUTS);
    standIn.faults.agentDelayMs = 60_000;
    const main = job.main();
    const poll = setInterval(() => {
      if (runInstances(job.runId).some((i) => i.state === "running")) main.child.kill("SIGKILL");
    }, 20);
    await main.exited;
    clearInterval(poll);
    const orphan = runInstances(job.runId)[0]!;
    expect(orphan.state).toBe("running");

    const sweep = async (extra: Record<string, string>) => {
      const j = new ActionJob({ ...standIn.env }, { "role-to-assume": CHAOS_INPUTS["role-to-assume"]!, mode: "sweep", ...extra });
      const run = j.main();
      expect((await run.exited).code).toBe(0);
      return { swept: j.outputs()["swept-instances"]!.split(",").filter(Boolean), log: run.output() };
    };
    // Not expired yet: left alone.
    expect((await sweep({})).swept).not.toContain(orphan.id);
    expect(runInstances(job.runId)[0]!.state).toBe("running");

    // Its time has passed (as the real clock would make it): rewrite its expiry through EC2 itself.
    const ec2 = new EC2Client({ region: "us-west-2", endpoint: standIn.env.AWS_ENDPOINT_URL_EC2, credentials: credentialsOf(standIn) });
    await ec2.send(
      new CreateTagsCommand({ Resources: [orphan.id], Tags: [{ Key: "gpu-bench:expires-at", Value: "2020-01-01T00:00:00.000Z" }] }),
    );
    ec2.destroy();

    // Another stack's sweep does not touch it: its role could not terminate it anyway.
    expect((await sweep({ stack: "another-stack" })).swept).not.toContain(orphan.id);
    expect(runInstances(job.runId)[0]!.state).toBe("running");

    const dry = await sweep({ "dry-run": "true" });
    expect(dry.swept).toContain(orphan.id);
    expect(dry.log).toMatch(new RegExp(`Would terminate ${orphan.id}`));
    expect(runInstances(job.runId)[0]!.state).toBe("running");

    const real = await sweep({});
    expect(real.swept).toContain(orphan.id);
    expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
  });
});

function credentialsOf(s: StandIn) {
  const env = s.staticCredentialsEnv();
  return { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
}
