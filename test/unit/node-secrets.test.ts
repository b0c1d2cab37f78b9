import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { nodeSecretName, nodeSecretsKeyId, putNodeSecret } from "../../src/cloud/secrets.js";
import { awsError } from "../support/fakes.js";

const ssmMock = mockClient(SSMClient);
const ssm = new SSMClient({ region: "us-west-2" });
const VALUE = "hf_NeverInAnErrorMessage0123456789";
const secret = {
  name: nodeSecretName("bench", "gpu-bench-0123456789abcdef01234567", "hf-token"),
  value: VALUE,
  keyId: nodeSecretsKeyId("bench"),
  tags: { "managed-by": "ephemeral-gpu-bench" },
};

beforeEach(() => ssmMock.reset());

describe("putNodeSecret against a stack deployed before node secrets", () => {
  it.each([
    ["InvalidKeyId", "Alias arn:aws:kms:us-west-2:123456789012:alias/bench-node-secrets is not found."],
    ["AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/gpu-bench/x is not authorized to perform: ssm:PutParameter"],
  ])("%s names the redeploy and the stack input, never the value", async (code, message) => {
    ssmMock.on(PutParameterCommand).rejects(awsError(code, message));
    const error = await putNodeSecret(ssm, secret).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toBe(
      `Could not store the run's secret parameter /gpu-bench/bench/runs/gpu-bench-0123456789abcdef01234567/hf-token under alias/bench-node-secrets (SSM: ${code}). ` +
        "The stack must be deployed from this version's infra/gpu-bench.yaml, which adds the key alias/bench-node-secrets and ssm:PutParameter " +
        "under /gpu-bench/bench/runs/: redeploy it (aws cloudformation deploy --template-file infra/gpu-bench.yaml ...), and check that the 'stack' input names it.",
    );
    expect(error?.message).not.toContain(VALUE);
  });

  it("puts a SecureString under the stack's key, never overwriting; other errors pass through unchanged", async () => {
    ssmMock.on(PutParameterCommand).resolves({ Version: 1 });
    await putNodeSecret(ssm, secret);
    expect(ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input).toMatchObject({
      Type: "SecureString",
      KeyId: "alias/bench-node-secrets",
      Overwrite: false,
    });
    ssmMock.on(PutParameterCommand).rejects(awsError("ParameterAlreadyExists"));
    await expect(putNodeSecret(ssm, secret)).rejects.toMatchObject({ name: "ParameterAlreadyExists" });
  });
});
