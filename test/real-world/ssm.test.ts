import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCommandInvocationCommand, SSMClient, SendCommandCommand, type GetCommandInvocationCommandOutput } from "@aws-sdk/client-ssm";
import { EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { RemoteScriptError } from "../../src/cloud/remote-script.js";
import { ssmRemote } from "../../src/cloud/ssm.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { instantClock } from "../support/fakes.js";
import { caseJson } from "./cases.js";

const ssmMock = mockClient(SSMClient);
const s3Mock = mockClient(S3Client);
beforeEach(() => {
  ssmMock.reset();
  s3Mock.reset();
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: "cmd-1" } });
  s3Mock.on(GetObjectCommand).rejects(Object.assign(new Error("none"), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } }));
});

async function failureOf(invocation: Omit<GetCommandInvocationCommandOutput, "$metadata">): Promise<RemoteScriptError> {
  ssmMock.on(GetCommandInvocationCommand).resolves(invocation);
  const remote = ssmRemote({
    ssm: new SSMClient({ region: "us-east-1" }),
    s3: new S3Client({ region: "us-east-1" }),
    ec2: new EC2Client({ region: "us-east-1" }),
    clock: instantClock(),
    log: new MemoryLog(),
    instanceId: "i-0123456789abcdef0",
    outputBucket: "bucket",
    outputPrefix: "ssm",
  });
  const error = await remote({ name: "bootstrap", body: "true", timeoutSeconds: 900 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RemoteScriptError);
  return error as RemoteScriptError;
}

const cases = caseJson<{ scenarios: Array<{ name: string; invocation: Omit<GetCommandInvocationCommandOutput, "$metadata"> }> }>(
  "ssm-undeliverable-and-delivery-timeout.json",
).scenarios;

describe("real-world case: ssm-undeliverable-and-delivery-timeout.json", () => {
  for (const { name, invocation } of cases.slice(0, 2)) {
    it(`${name}: says the command never reached the instance's agent (check the agent / PingStatus)`, async () => {
      const { message, result } = await failureOf(invocation);
      expect(message).toMatch(/^Step 'bootstrap' never reached the SSM agent on i-0123456789abcdef0/);
      expect(message).toMatch(/PingStatus/);
      expect(message).not.toMatch(/exit code -1|ran past its limit/);
      expect(result.statusDetails).toBe(invocation.StatusDetails);
    });
  }

  it("execution-timed-out (control): says it ran past its limit", async () => {
    const { message } = await failureOf(cases[2]!.invocation);
    expect(message).toMatch(/ran past its 900 s limit/);
    expect(message).toMatch(/step 42\/100/);
  });

  it("the other StatusDetails of a command that never ran get their own message and hint", async () => {
    const expected: Record<string, RegExp> = {
      Terminated: /was terminated by SSM before it finished .*Re-run/s,
      InvalidPlatform: /AWS-RunShellScript does not run on its platform .*'ami' input/s,
      AccessDenied: /was refused by SSM .*ssm:SendCommand/s,
    };
    for (const [details, pattern] of Object.entries(expected)) {
      const { message } = await failureOf({ Status: "Failed", StatusDetails: details, ResponseCode: -1 });
      expect(message, details).toMatch(pattern);
      expect(message, details).not.toMatch(/exit code -1|ran past/);
    }
  });
});
