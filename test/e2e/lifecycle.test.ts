import { existsSync, readFileSync } from "node:fs";
import { Results } from "../../src/evidence/results.js";
import { describe, expect, it } from "vitest";
import type { StandIn } from "../../stand-in/index.js";
import { lifecycle, runInstances, useLifecycleStandIn } from "./lifecycle-stand-in.js";
import { ActionJob, leakedSecrets } from "./action-process.js";
import { CHAOS_INPUTS, instancesLeftAlive } from "./chaos-runner.js";

// The other lifecycle files (lifecycle-legs, lifecycle-node) run beside this one, each on its own stand-in.
let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s));

// A whole run took up to 48 s of the default 60 s limit in a full, loaded test run.
describe("a run on the stand-in, the bundles run as the runner runs them", { timeout: 180_000 }, () => {
  it("launches, bootstraps the node over SSM, runs the suite, terminates, publishes, and sets its outputs", async () => {
    const sessionsBefore = standIn.assumedSessions().length;
    const r = await lifecycle(standIn);
    expect(r.mainExit.code, r.mainLog).toBe(0);
    expect(r.alive).toEqual([]);
    const outputs = r.job.outputs();
    expect(outputs["instance-id"]).toMatch(/^i-/);
    expect(outputs["instance-type"]).toBe("g5.2xlarge");
    expect(outputs["availability-zone"]).toMatch(/^us-west-2[a-d]$/);
    expect(r.mainLog).toMatch(/Terminated i-\w+ \(shutting-down\)/);
    expect(r.postLog).toMatch(/Nothing to clean up: main terminated/);
    const [instance] = runInstances(standIn, r.job.runId);
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
    const decided = Results.parse(JSON.parse(readFileSync(outputs["results-path"]!, "utf8")));
    // Why, when it is not: the assessment's reason and each workload's validity (a CI run once read 'pass').
    const why = JSON.stringify({
      assessment: decided.assessment,
      workloads: decided.workloads.map((w) => ({ id: w.id, status: w.status, valid: w.telemetry?.valid, validity: w.telemetry?.validity })),
    });
    expect(outputs.verdict, why).toBe("first-run");
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
    const second = await lifecycle(standIn);
    expect(second.job.outputs().verdict).toMatch(/^(pass|regression)$/);
    expect(second.alive).toEqual([]);
  }, 120_000);

  it("falls back to the next zone when the first has no capacity", async () => {
    standIn.faults.failCapacity({ instanceType: "g5.2xlarge", code: "InsufficientInstanceCapacity", times: 1 });
    const r = await lifecycle(standIn);
    expect(r.mainExit.code, r.mainLog).toBe(0);
    expect(r.mainLog).toMatch(/g5\.2xlarge in subnet-0123456789abcdef0: InsufficientInstanceCapacity; trying the next candidate/);
    expect(runInstances(standIn, r.job.runId).map((i) => i.subnetId)).toEqual(["subnet-0fedcba9876543210"]);
    expect(r.alive).toEqual([]);
  });

  it("fails fast, naming the quota, when the account's vCPU quota is exhausted", async () => {
    standIn.faults.failCapacity({ code: "VcpuLimitExceeded" });
    const r = await lifecycle(standIn);
    expect(r.mainExit.code, r.mainLog).toBe(1);
    expect(r.mainLog).toMatch(/Running On-Demand G and VT instances \(L-DB2E81BA\)/);
    expect(runInstances(standIn, r.job.runId)).toEqual([]);
  });

  it("rides out throttling", async () => {
    standIn.faults.throttle(1, { action: "RunInstances" });
    standIn.faults.throttle(1, { action: "DescribeInstanceInformation" });
    standIn.faults.throttle(1, { action: "SendCommand" });
    const r = await lifecycle(standIn);
    expect(r.mainExit.code, r.mainLog).toBe(0);
    expect(r.alive).toEqual([]);
  });

  it("gives up on an SSM agent that never comes online, says why, and terminates", async () => {
    standIn.faults.agentNeverOnline = true;
    const r = await lifecycle(standIn, { "startup-timeout-seconds": "10" });
    expect(r.mainExit.code, r.mainLog).toBe(1);
    expect(r.mainLog).toMatch(/did not come Online within 10 s.*AmazonSSMManagedInstanceCore/s);
    expect(r.alive).toEqual([]);
  });

  it("fails a step that fails on the instance, with its exit code and output, and terminates", async () => {
    standIn.faults.failCommands(1);
    const r = await lifecycle(standIn);
    expect(r.mainExit.code, r.mainLog).toBe(1);
    expect(r.mainLog).toMatch(/Step 'probe' on the instance ended Failed with exit code 70.*injected command failure/s);
    expect(r.alive).toEqual([]);
  });

  it("stops a step that runs past its limit and terminates", async () => {
    standIn.faults.hangCommands(1);
    const r = await lifecycle(standIn);
    expect(r.mainExit.code, r.mainLog).toBe(1);
    expect(r.mainLog).toMatch(/Step 'probe' on the instance ended TimedOut.*ran past its 120 s limit/s);
    expect(r.alive).toEqual([]);
  });

  it.each([300, 900, 1500, 2100])("a SIGINT %i ms in leaves no instance running", async (ms) => {
    standIn.faults.bootDelayMs = 600;
    const r = await lifecycle(standIn, {}, (_job, main) => {
      setTimeout(() => main.child.kill("SIGINT"), ms);
    });
    expect(r.alive).toEqual([]);
    if (runInstances(standIn, r.job.runId).length > 0) expect(r.mainLog + r.postLog).toMatch(/Terminated i-/);
  });

  it("after SIGKILL of main, the post step alone finds the instance by its state and terminates it", async () => {
    standIn.faults.agentDelayMs = 5000;
    const r = await lifecycle(standIn, {}, (job, main) => {
      const poll = setInterval(() => {
        if (runInstances(standIn, job.runId).some((i) => i.state === "running")) {
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
    expect(runInstances(standIn, job.runId)).toHaveLength(1);
    expect(post.output()).toMatch(/Terminated what main left behind/);
    expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
  });

  it("refuses bad input before any AWS call, with every problem named", async () => {
    const calls = standIn.calls.length;
    const r = await lifecycle(standIn, { "ttl-minutes": "4", "instance-types": "m5.large", tags: "x=$(id)" });
    expect(r.mainExit.code, r.mainLog).toBe(1);
    expect(r.mainLog).toMatch(/'ttl-minutes' must be from 5 to 2880/);
    expect(r.mainLog).toMatch(/'instance-types' has 'm5.large'/);
    expect(r.mainLog).toMatch(/'tags' has a value for 'x'/);
    expect(standIn.calls.slice(calls).filter((c) => c.service !== "oidc" && c.service !== "sts")).toEqual([]);
    expect(r.postLog).toMatch(/Nothing to clean up/);
  });
});
