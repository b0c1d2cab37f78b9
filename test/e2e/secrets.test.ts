import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { readFileSync } from "node:fs";
import { filesUnder, until } from "../support/wait.js";
import { describe, expect, it } from "vitest";
import type { StandIn } from "../../stand-in/index.js";
import type { StoredParameter } from "../../stand-in/ssm.js";
import { useLifecycleStandIn } from "./lifecycle-stand-in.js";
import { ActionJob, leakedSecrets } from "./action-process.js";
import { CHAOS_BUCKET, CHAOS_INPUTS, instancesLeftAlive } from "./chaos-runner.js";

// hf-token (and any future secret for the node) never travels in an SSM command's parameters,
// which anyone allowed ssm:ListCommands can read: main puts it in the run's own SecureString under
// the stack's customer-managed key, the node reads it with the instance role, and every cleanup path
// (main, the post step with or without its state, the sweep) deletes it.

const TOKEN = "hf_PlantedNodeSecretValue0123456789abcdefXYZ";
const NAME = /^\/gpu-bench\/gpu-bench\/runs\/gpu-bench-[0-9a-f]{24}\/hf-token$/;

let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s));

/** The run's parameters as the stand-in held them right after PutParameter. */
function recordPuts(): StoredParameter[] {
  const seen: StoredParameter[] = [];
  standIn.beforeReply((call) => {
    if (call.action === "PutParameter" && call.status === 200)
      seen.push(...standIn.parameters().filter((p) => !seen.some((s) => s.name === p.name)));
  });
  return seen;
}

const ofRun = (runId: string) => standIn.parameters().filter((p) => p.tags["gpu-bench:run-id"] === runId);

describe("hf-token reaches the node only through the run's SecureString parameter", () => {
  it("is in no SSM command, log, report, artifact or S3 object; the node read it with its role; the parameter is deleted", async () => {
    const puts = recordPuts();
    const job = new ActionJob({ ...standIn.env }, { ...CHAOS_INPUTS, "hf-token": TOKEN });
    const main = job.main();
    const mainExit = await main.exited;
    const post = job.post();
    expect((await post.exited).code).toBe(0);
    standIn.beforeReply(undefined);
    expect(mainExit.code, main.output()).toBe(0);

    // Put once, encrypted under the stack's customer-managed key, tagged like the run's instances.
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ type: "SecureString", keyId: "alias/gpu-bench-node-secrets", value: TOKEN });
    expect(puts[0]!.name).toMatch(NAME);
    expect(puts[0]!.tags).toMatchObject({
      "gpu-bench:run-id": job.runId,
      "gpu-bench:stack": "gpu-bench",
      "managed-by": "ephemeral-gpu-bench",
    });
    expect(Date.parse(puts[0]!.tags["gpu-bench:expires-at"]!)).toBeGreaterThan(Date.now());

    // The node read it with the instance role (decryption succeeded), and the SSM commands carried only its name.
    const instanceKeys = new Set(
      standIn
        .assumedSessions()
        .filter((s) => s.roleArn.endsWith(":role/gpu-bench-instance"))
        .map((s) => s.accessKeyId),
    );
    const reads = standIn.calls.filter((c) => c.action === "GetParameter" && c.accessKeyId && instanceKeys.has(c.accessKeyId));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((c) => c.status === 200)).toBe(true);
    const commands = standIn.commands().filter((c) => runInstanceIds(job.runId).includes(c.instanceId));
    expect(commands.length).toBeGreaterThan(3);
    for (const c of commands) expect(c.script).not.toContain(TOKEN);
    expect(commands.some((c) => c.script.includes(puts[0]!.name))).toBe(true);

    // Nowhere a person or another principal can read.
    expect(leakedSecrets(main.output(), [TOKEN])).toEqual([]);
    expect(leakedSecrets(post.output(), [TOKEN])).toEqual([]);
    expect(main.output()).not.toMatch(/reaches the instance inside the SSM command's parameters/);
    expect(job.summary()).not.toContain(TOKEN);
    expect(JSON.stringify(job.outputs())).not.toContain(TOKEN);
    for (const file of filesUnder(job.dir).filter((f) => !f.endsWith("/event.json")))
      expect(readFileSync(file, "utf8").includes(TOKEN), file).toBe(false);
    for (const key of standIn.listKeys(CHAOS_BUCKET)) expect(standIn.getText(CHAOS_BUCKET, key)!.includes(TOKEN), key).toBe(false);
    for (const c of standIn.commands()) expect(c.stdout + c.stderr).not.toContain(TOKEN);

    // Deleted by main when the run ended.
    expect(ofRun(job.runId)).toEqual([]);
    expect(standIn.parameters().some((p) => p.name === puts[0]!.name)).toBe(false);
    expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
  }, 240_000);

  it.each(["kept", "missing"] as const)(
    "main killed after the put, state %s: the post step deletes the parameter",
    async (state) => {
      standIn.faults.agentDelayMs = 60_000;
      const job = new ActionJob({ ...standIn.env }, { ...CHAOS_INPUTS, "hf-token": TOKEN });
      const main = job.main();
      await until(() => ofRun(job.runId).length > 0 && runInstanceIds(job.runId).length > 0);
      main.child.kill("SIGKILL");
      await main.exited;
      expect(ofRun(job.runId)).toHaveLength(1);
      if (state === "missing") job.loseState("missing");
      const post = job.post();
      expect((await post.exited).code, post.output()).toBe(0);
      expect(post.output()).toMatch(/Deleted the run's secret parameter\(s\): \/gpu-bench\/gpu-bench\/runs\//);
      expect(ofRun(job.runId)).toEqual([]);
      expect(leakedSecrets(post.output(), [TOKEN])).toEqual([]);
      expect(await instancesLeftAlive(standIn, job.runId)).toEqual([]);
    },
    240_000,
  );

  it("the sweep deletes the parameters of expired runs and leaves live ones", async () => {
    const ssm = new SSMClient({ region: "us-west-2", endpoint: standIn.env.AWS_ENDPOINT_URL_SSM, credentials: credentialsOf(standIn) });
    const put = (name: string, expiresAt: string) =>
      ssm.send(
        new PutParameterCommand({
          Name: name,
          Value: TOKEN,
          Type: "SecureString",
          KeyId: "alias/gpu-bench-node-secrets",
          Tags: [
            { Key: "managed-by", Value: "ephemeral-gpu-bench" },
            { Key: "gpu-bench:expires-at", Value: expiresAt },
          ],
        }),
      );
    await put("/gpu-bench/gpu-bench/runs/gpu-bench-expired/hf-token", "2020-01-01T00:00:00.000Z");
    await put("/gpu-bench/gpu-bench/runs/gpu-bench-live/hf-token", "2099-01-01T00:00:00.000Z");
    await put("/gpu-bench/other-stack/runs/gpu-bench-expired/hf-token", "2020-01-01T00:00:00.000Z");
    // Only the instance role decrypts under the stack's key; the workflow side gets AccessDenied.
    await expect(
      ssm.send(new GetParameterCommand({ Name: "/gpu-bench/gpu-bench/runs/gpu-bench-live/hf-token", WithDecryption: true })),
    ).rejects.toMatchObject({ name: "AccessDeniedException" });
    ssm.destroy();

    const sweep = new ActionJob({ ...standIn.env }, { "role-to-assume": CHAOS_INPUTS["role-to-assume"]!, mode: "sweep" });
    const run = sweep.main();
    expect((await run.exited).code, run.output()).toBe(0);
    const names = standIn.parameters().map((p) => p.name);
    expect(names).not.toContain("/gpu-bench/gpu-bench/runs/gpu-bench-expired/hf-token");
    expect(names).toContain("/gpu-bench/gpu-bench/runs/gpu-bench-live/hf-token");
    // Another stack's parameters are out of this stack's reach (its role may not touch them).
    expect(names).toContain("/gpu-bench/other-stack/runs/gpu-bench-expired/hf-token");
    expect(leakedSecrets(run.output(), [TOKEN])).toEqual([]);
  }, 120_000);
});

function runInstanceIds(runId: string): string[] {
  return standIn
    .instances()
    .filter((i) => i.tags["gpu-bench:run-id"] === runId)
    .map((i) => i.id);
}

function credentialsOf(s: StandIn) {
  const env = s.staticCredentialsEnv();
  return { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
}
