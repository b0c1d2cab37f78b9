import { readFileSync } from "node:fs";
import { Results } from "../../src/evidence/results.js";
import { describe, expect, it } from "vitest";
import { startStandIn, type StandIn } from "../../stand-in/index.js";
import { lifecycle, runInstances, useLifecycleStandIn } from "./lifecycle-stand-in.js";
import { ActionJob } from "./action-process.js";
import { CHAOS_BUCKET, CHAOS_INPUTS, instancesLeftAlive } from "./chaos-runner.js";

// What the node does to a run: a dead-man switch armed without cloud-init or firing mid-run, a node that cannot be made ready.
let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s));

describe("the dead-man switch", () => {
  it("is armed over SSM when user data never ran (no cloud-init), checked, and shown in the evidence", async () => {
    standIn.faults.userDataNeverRuns = true;
    const r = await lifecycle(standIn);
    expect(r.mainExit.code, r.mainLog).toBe(0);
    const [instance] = runInstances(standIn, r.job.runId);
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
    const r = await lifecycle(standIn);
    expect(r.mainExit.code, r.mainLog).toBe(1);
    const results = Results.parse(JSON.parse(readFileSync(r.job.outputs()["results-path"]!, "utf8")));
    expect(results.instance?.deadManSwitch).toMatchObject({ fired: true });
    expect(results.outcome.message).toMatch(/dead-man switch powered it off at its expiry/);
    expect(r.job.summary()).toMatch(/Dead-man switch \| \*\*fired\*\*/);
    expect(r.alive).toEqual([]);
  }, 200_000);
});

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
