import { GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import { DescribeInstanceInformationCommand, GetCommandInvocationCommand, SSMClient, SendCommandCommand } from "@aws-sdk/client-ssm";
import { EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { RemoteScriptError } from "../../src/cloud/remote-script.js";
import { AgentTimeoutError, ssmRemote, waitForAgent } from "../../src/cloud/ssm.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { awsError, instantClock } from "../support/fakes.js";

const ssmMock = mockClient(SSMClient);
const s3Mock = mockClient(S3Client);
const ssm = new SSMClient({ region: "us-west-2" });
const s3 = new S3Client({ region: "us-west-2" });

/** The part of the SDK's streaming body the code uses. */
function body(text: string) {
  return { transformToString: async () => text } as never;
}

function target() {
  return {
    ssm,
    s3,
    ec2: new EC2Client({ region: "us-west-2" }),
    clock: instantClock(),
    log: new MemoryLog(),
    instanceId: "i-1",
    outputBucket: "bucket",
    outputPrefix: "gpu-bench/runs/1-1/ssm",
  };
}

beforeEach(() => {
  ssmMock.reset();
  s3Mock.reset();
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: "cmd-1" } });
});

describe("running a script over SSM", () => {
  it("tolerates InvocationDoesNotExist right after sending and reads the whole output from S3", async () => {
    const long = "x".repeat(30_000);
    ssmMock
      .on(GetCommandInvocationCommand)
      .rejectsOnce(awsError("InvocationDoesNotExist"))
      .resolvesOnce({ Status: "InProgress" })
      .resolves({ Status: "Success", ResponseCode: 0, StandardOutputContent: long.slice(0, 24_000) });
    s3Mock
      .on(GetObjectCommand, { Key: "gpu-bench/runs/1-1/ssm/cmd-1/i-1/awsrunShellScript/0.awsrunShellScript/stdout" })
      .resolves({ Body: body(long) });
    s3Mock
      .on(GetObjectCommand, { Key: "gpu-bench/runs/1-1/ssm/cmd-1/i-1/awsrunShellScript/0.awsrunShellScript/stderr" })
      .rejects(new NoSuchKey({ message: "no", $metadata: {} }));
    const out = await ssmRemote(target())({ name: "probe", body: "echo hi", args: ["a b"], timeoutSeconds: 30 });
    expect(out.stdout).toHaveLength(30_000);
    expect(out.stderr).toBe("");
    const sent = ssmMock.commandCalls(SendCommandCommand)[0]!.args[0].input;
    expect(sent).toMatchObject({
      DocumentName: "AWS-RunShellScript",
      OutputS3BucketName: "bucket",
      OutputS3KeyPrefix: "gpu-bench/runs/1-1/ssm",
    });
    expect(sent.Parameters?.executionTimeout).toEqual(["30"]);
    expect(sent.Parameters?.commands?.[0]).toContain("exec bash \"$work/script.sh\" 'a b'");
  });

  it("retries SendCommand while Run Command does not yet know a just-Online instance", async () => {
    ssmMock
      .on(SendCommandCommand)
      .rejectsOnce(awsError("InvalidInstanceId"))
      .resolves({ Command: { CommandId: "cmd-1" } });
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: "Success", ResponseCode: 0 });
    s3Mock.on(GetObjectCommand).resolves({ Body: body("ok") });
    await ssmRemote(target())({ name: "probe", body: "true", timeoutSeconds: 30 });
    expect(ssmMock.commandCalls(SendCommandCommand)).toHaveLength(2);
  });

  it("fails naming the step, the exit code, and the tail of stderr", async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: "Failed", ResponseCode: 7, StandardErrorContent: "short" });
    s3Mock
      .on(GetObjectCommand)
      .callsFake((input: { Key: string }) => ({ Body: body(input.Key.endsWith("stderr") ? "line 1\nthe real reason\n" : "") }));
    const error = await ssmRemote(target())({ name: "bootstrap", body: "exit 7", timeoutSeconds: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteScriptError);
    expect((error as Error).message).toMatch(/Step 'bootstrap' on the instance ended Failed with exit code 7/);
    expect((error as Error).message).toMatch(/the real reason/);
  });

  it("says when a step ran past its limit", async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: "TimedOut", ResponseCode: -1 });
    s3Mock.on(GetObjectCommand).resolves({ Body: body("") });
    await expect(ssmRemote(target())({ name: "train", body: "sleep 99", timeoutSeconds: 5 })).rejects.toThrow(/ran past its 5 s limit/);
  });
});

describe("waiting for the SSM agent", () => {
  it("waits until Online", async () => {
    ssmMock
      .on(DescribeInstanceInformationCommand)
      .resolvesOnce({ InstanceInformationList: [] })
      .resolves({ InstanceInformationList: [{ InstanceId: "i-1", PingStatus: "Online" }] });
    await waitForAgent("i-1", {
      ssm,
      ec2: new EC2Client({ region: "us-west-2" }),
      clock: instantClock(),
      log: new MemoryLog(),
      timeoutSeconds: 60,
    });
  });

  it("gives up with the likely causes when the agent never comes", async () => {
    const ec2Mock = mockClient(EC2Client);
    ec2Mock.onAnyCommand().resolves({ Reservations: [{ Instances: [{ InstanceId: "i-1", State: { Name: "running" } }] }] });
    ssmMock.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
    const error = await waitForAgent("i-1", {
      ssm,
      ec2: new EC2Client({ region: "us-west-2" }),
      clock: instantClock(),
      log: new MemoryLog(),
      timeoutSeconds: 60,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentTimeoutError);
    expect((error as Error).message).toMatch(/AmazonSSMManagedInstanceCore/);
    ec2Mock.restore();
  });
});
