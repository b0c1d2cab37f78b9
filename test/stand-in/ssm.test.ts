import type { EC2Client } from "@aws-sdk/client-ec2";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  CancelCommandCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  type GetCommandInvocationCommandOutput,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clients, eventually, failure, launch } from "./helpers.js";
import { processesWithEnv } from "../../stand-in/sandbox.js";
import { ssmRemote } from "../../src/cloud/ssm.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { agentOutputKey, startStandIn, STDERR_LIMIT, STDOUT_LIMIT, type StandIn } from "../../stand-in/index.js";

let standIn: StandIn;
let ec2: EC2Client;
let ssm: SSMClient;
let s3: S3Client;
const BUCKET = "gpu-bench-evidence";

beforeAll(async () => {
  standIn = await startStandIn({ buckets: [BUCKET], extraCommandEnv: { BENCH_EXTRA: "yes" }, faults: { invocationLagMs: 150 } });
  ({ ec2, ssm, s3 } = clients(standIn));
});
afterAll(async () => {
  for (const client of [ec2, ssm, s3]) client.destroy();
  await standIn.stop();
});
beforeEach(() => standIn.faults.reset());

async function onlineInstance(): Promise<string> {
  const id = await launch(ec2);
  await eventually(async () => {
    const info = await ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: "InstanceIds", Values: [id] }] }));
    return info.InstanceInformationList?.[0]?.PingStatus === "Online" ? true : undefined;
  });
  return id;
}

async function run(
  instanceId: string,
  commands: string[],
  executionTimeout = "60",
): Promise<{ commandId: string; result: GetCommandInvocationCommandOutput }> {
  const sent = await ssm.send(
    new SendCommandCommand({
      InstanceIds: [instanceId],
      DocumentName: "AWS-RunShellScript",
      Parameters: { commands, executionTimeout: [executionTimeout] },
      OutputS3BucketName: BUCKET,
      OutputS3KeyPrefix: "ssm/run-1",
      TimeoutSeconds: 30,
    }),
  );
  const commandId = sent.Command!.CommandId!;
  const result = await eventually(async () => {
    const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })).catch(() => undefined);
    return out && !["Pending", "InProgress", "Delayed"].includes(out.Status!) ? out : undefined;
  }, 8000);
  return { commandId, result };
}

describe("stand-in SSM", () => {
  it("resolves the Deep Learning AMI public parameter, and nothing else", async () => {
    const name = "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id";
    const out = await ssm.send(new GetParameterCommand({ Name: name }));
    expect(out.Parameter?.Value).toMatch(/^ami-[0-9a-f]{17}$/);
    expect((await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value).toBe(out.Parameter?.Value);
    expect((await failure(ssm.send(new GetParameterCommand({ Name: "/no/such/parameter" })))).name).toBe("ParameterNotFound");
  });

  it("refuses commands until the agent is Online", async () => {
    const id = await launch(ec2);
    const early = await failure(
      ssm.send(new SendCommandCommand({ InstanceIds: [id], DocumentName: "AWS-RunShellScript", Parameters: { commands: ["true"] } })),
    );
    expect(early.name).toBe("InvalidInstanceId");
    expect(early.$metadata.httpStatusCode).toBe(400);
    const before = await ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: "InstanceIds", Values: [id] }] }));
    expect(before.InstanceInformationList).toEqual([]);
    await eventually(async () => {
      const info = await ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: "InstanceIds", Values: [id] }] }));
      return info.InstanceInformationList?.[0]?.PingStatus === "Online" ? true : undefined;
    });
  });

  it("never registers an agent that never comes Online", async () => {
    standIn.faults.agentNeverOnline = true;
    const id = await launch(ec2);
    await eventually(() => (standIn.instances().find((i) => i.id === id)?.state === "running" ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const info = await ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: "InstanceIds", Values: [id] }] }));
    expect(info.InstanceInformationList).toEqual([]);
  });

  it("runs a command for real in the sandbox: InvocationDoesNotExist first, then its output and exit code", async () => {
    const id = await onlineInstance();
    const sent = await ssm.send(
      new SendCommandCommand({
        InstanceIds: [id],
        DocumentName: "AWS-RunShellScript",
        Parameters: {
          commands: [
            "set -e",
            'echo "id=$STANDIN_INSTANCE_ID type=$STANDIN_INSTANCE_TYPE extra=$BENCH_EXTRA"',
            'mkdir -p "$GPU_BENCH_ROOT/etc" && echo hi > "$GPU_BENCH_ROOT/etc/x"',
            "echo oops >&2",
            "pwd",
          ],
        },
      }),
    );
    const commandId = sent.Command!.CommandId!;
    expect(sent.Command?.Status).toBe("Pending");
    const early = await failure(ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id })));
    expect(early.name).toBe("InvocationDoesNotExist");
    const result = await eventually(async () => {
      const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id })).catch(() => undefined);
      return out?.Status === "Success" ? out : undefined;
    });
    const sandbox = standIn.instances().find((i) => i.id === id)!.sandbox;
    expect(result.ResponseCode).toBe(0);
    expect(result.StandardOutputContent).toBe(`id=${id} type=g5.xlarge extra=yes\n${sandbox}\n`);
    expect(result.StandardErrorContent).toBe("oops\n");
    expect(result.StandardOutputUrl).toBe("");
    expect(standIn.commands().find((c) => c.id === commandId)).toMatchObject({ status: "Success", exitCode: 0, instanceId: id });

    const { result: failed } = await run(id, ["echo before", "exit 3"]);
    expect(failed).toMatchObject({ Status: "Failed", StatusDetails: "Failed", ResponseCode: 3, StandardOutputContent: "before\n" });

    const listed = await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, Details: true }));
    expect(listed.CommandInvocations?.[0]?.CommandPlugins?.[0]?.ResponseCode).toBe(0);
  });

  it("truncates the API's output at 24,000 and 8,000 characters; S3 has all of it under the agent's keys", async () => {
    const id = await onlineInstance();
    const { commandId, result } = await run(id, ["head -c 30000 /dev/zero | tr '\\0' o", "head -c 9000 /dev/zero | tr '\\0' e >&2"]);
    expect(result.Status).toBe("Success");
    expect(result.StandardOutputContent).toHaveLength(STDOUT_LIMIT);
    expect(result.StandardErrorContent).toHaveLength(STDERR_LIMIT);
    const stdoutKey = `ssm/run-1/${commandId}/${id}/awsrunShellScript/0.awsrunShellScript/stdout`;
    expect(agentOutputKey("ssm/run-1/", commandId, id, "stdout")).toBe(stdoutKey);
    expect(result.StandardOutputUrl).toBe(`https://s3.us-west-2.amazonaws.com/${BUCKET}/${stdoutKey}`);
    expect(standIn.listKeys(BUCKET, `ssm/run-1/${commandId}/`)).toEqual([stdoutKey.replace(/stdout$/, "stderr"), stdoutKey]);
    const full = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: stdoutKey }));
    expect((await full.Body!.transformToString()).length).toBe(30000);
    expect(standIn.getText(BUCKET, stdoutKey.replace(/stdout$/, "stderr"))).toHaveLength(9000);
  });

  it("times out at executionTimeout, killing the command's process group", async () => {
    standIn.faults.executionSecondMs = 100;
    const id = await onlineInstance();
    const marker = `standin-timeout-${Date.now()}`;
    const started = Date.now();
    const { result } = await run(id, [`(sleep 30; echo ${marker}) &`, "sleep 30"], "3");
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result).toMatchObject({ Status: "TimedOut", StatusDetails: "ExecutionTimedOut", ResponseCode: -1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sandbox = standIn.instances().find((i) => i.id === id)!.sandbox;
    expect(processesWithEnv(`STANDIN_SANDBOX=${sandbox}`)).toEqual([]);
  });

  it("hangs the next command when told to, then runs the following one", async () => {
    standIn.faults.executionSecondMs = 50;
    const id = await onlineInstance();
    standIn.faults.hangCommands(1, { instanceId: id });
    expect((await run(id, ["echo fast"], "4")).result.Status).toBe("TimedOut");
    expect((await run(id, ["echo fast"], "4")).result.StandardOutputContent).toBe("fast\n");
  });

  it("ends commands that never reach the agent with SSM's StatusDetails, which the product tells apart", async () => {
    const id = await onlineInstance();
    const remote = ssmRemote({
      ssm,
      ec2,
      s3,
      clock: systemClock,
      log: new MemoryLog(),
      instanceId: id,
      outputBucket: BUCKET,
      outputPrefix: "ssm/run-2",
    });
    const expected = {
      Undeliverable: /never reached the SSM agent/,
      DeliveryTimedOut: /never reached the SSM agent .*delivery timeout/,
      Terminated: /terminated by SSM before it finished/,
      InvalidPlatform: /does not run on its platform/,
      AccessDenied: /was refused by SSM/,
    } as const;
    for (const [details, pattern] of Object.entries(expected)) {
      standIn.faults.failDelivery(1, details as keyof typeof expected, { instanceId: id });
      const { result } = await run(id, ["echo never"]);
      expect(result).toMatchObject({ StatusDetails: details, ResponseCode: -1, StandardOutputContent: "" });
      standIn.faults.failDelivery(1, details as keyof typeof expected, { instanceId: id });
      await expect(remote({ name: "step", body: "echo never", timeoutSeconds: 30 })).rejects.toThrow(pattern);
    }
    expect((await run(id, ["echo after"])).result.StandardOutputContent).toBe("after\n");
  });

  it("cancels a running command", async () => {
    const id = await onlineInstance();
    const sent = await ssm.send(
      new SendCommandCommand({ InstanceIds: [id], DocumentName: "AWS-RunShellScript", Parameters: { commands: ["sleep 30"] } }),
    );
    const commandId = sent.Command!.CommandId!;
    await eventually(() => (standIn.commands().find((c) => c.id === commandId)?.status === "InProgress" ? true : undefined));
    await ssm.send(new CancelCommandCommand({ CommandId: commandId }));
    const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id }));
    expect(out.Status).toBe("Cancelled");
  });

  it("throttles with ThrottlingException", async () => {
    standIn.faults.throttle(1, { service: "ssm" });
    const throttled = await failure(ssm.send(new GetParameterCommand({ Name: "/x" })));
    expect(throttled.name).toBe("ThrottlingException");
    expect(throttled.$metadata.httpStatusCode).toBe(400);
  });
});
