import { getIDToken } from "@actions/core";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromWebToken } from "@aws-sdk/credential-providers";
import { describe, expect, it } from "vitest";
import { clients, failure, useStandInForOidc } from "./helpers.js";

const ROLE = "arn:aws:iam::123456789012:role/gpu-bench-ci";
const oidc = useStandInForOidc({ roleArns: [ROLE], buckets: ["evidence"] });

describe("stand-in STS and GitHub OIDC", () => {
  it("assumes a role with the web identity token @actions/core fetched, and the credentials work", async () => {
    const token = await getIDToken("sts.amazonaws.com");
    const [, payload] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: "sts.amazonaws.com", iss: "https://token.actions.githubusercontent.com" });

    const provider = fromWebToken({ roleArn: ROLE, webIdentityToken: token, roleSessionName: "gpu-bench-4242-1", durationSeconds: 3600 });
    const credentials = await provider();
    expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(oidc.standIn.assumedSessions()).toEqual([
      expect.objectContaining({
        roleArn: ROLE,
        sessionName: "gpu-bench-4242-1",
        durationSeconds: 3600,
        accessKeyId: credentials.accessKeyId,
      }),
    ]);

    const { ec2, ssm, s3, sts } = clients(oidc.standIn, credentials);
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe("arn:aws:sts::123456789012:assumed-role/gpu-bench-ci/gpu-bench-4242-1");
    await ec2.send(new DescribeInstancesCommand({}));
    await s3.send(new ListObjectsV2Command({ Bucket: "evidence" }));
    await ssm.send(
      new GetParameterCommand({ Name: "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id" }),
    );
    expect(oidc.standIn.calls.filter((c) => c.accessKeyId === credentials.accessKeyId).map((c) => `${c.service}:${c.action}`)).toEqual([
      "sts:GetCallerIdentity",
      "ec2:DescribeInstances",
      "s3:ListObjectsV2",
      "ssm:GetParameter",
    ]);

    const secrets = oidc.standIn.plantedSecrets();
    for (const secret of [
      token,
      credentials.secretAccessKey,
      credentials.sessionToken!,
      oidc.standIn.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN!,
    ]) {
      expect(secrets).toContain(secret);
    }
    expect(secrets.some((s) => payload!.length > 0 && JSON.stringify(claims).includes(s))).toBe(true);
  });

  it("rejects a wrong OIDC request token with 401", async () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = "not-the-runner-token";
    await expect(getIDToken("sts.amazonaws.com")).rejects.toThrow(/401/);
  });

  it("accepts only tokens it issued, unexpired, for sts.amazonaws.com, to a trusting role", async () => {
    const sts = new STSClient({ maxAttempts: 1 });
    const assume = (token: string, roleArn = ROLE) =>
      failure(sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: "s1", WebIdentityToken: token })));
    // The wire code is InvalidIdentityToken; the SDK names the exception after its shape.
    expect((await assume("eyJhbGciOi.forged.token")).name).toBe("InvalidIdentityTokenException");
    expect((await assume(await getIDToken("https://github.com/octo-org"))).message).toBe("Incorrect token audience");
    expect((await assume(await getIDToken("sts.amazonaws.com"), "arn:aws:iam::123456789012:role/other")).name).toBe("AccessDenied");
    expect((await assume(await getIDToken("sts.amazonaws.com"), "not-an-arn")).name).toBe("ValidationError");
    oidc.standIn.faults.oidcTokenLifetimeMs = 0;
    expect((await assume(await getIDToken("sts.amazonaws.com"))).name).toBe("ExpiredTokenException");
    sts.destroy();
  });

  it("rejects access keys STS never issued, with each service's own error", async () => {
    const { ec2, ssm, s3, sts } = clients(oidc.standIn, { accessKeyId: "AKIAFORGEDFORGED0000", secretAccessKey: "x" });
    const ec2Error = await failure(ec2.send(new DescribeInstancesCommand({})));
    expect([ec2Error.name, ec2Error.$metadata.httpStatusCode]).toEqual(["AuthFailure", 401]);
    const ssmError = await failure(ssm.send(new GetParameterCommand({ Name: "/x" })));
    expect([ssmError.name, ssmError.$metadata.httpStatusCode]).toEqual(["UnrecognizedClientException", 400]);
    const s3Error = await failure(s3.send(new ListObjectsV2Command({ Bucket: "evidence" })));
    expect([s3Error.name, s3Error.$metadata.httpStatusCode]).toEqual(["InvalidAccessKeyId", 403]);
    const stsError = await failure(sts.send(new GetCallerIdentityCommand({})));
    expect([stsError.name, stsError.$metadata.httpStatusCode]).toEqual(["InvalidClientTokenId", 403]);
    expect(oidc.standIn.calls.filter((c) => c.accessKeyId === "AKIAFORGEDFORGED0000")).toHaveLength(4);
  });

  it("rejects expired credentials the way each service does", async () => {
    oidc.standIn.faults.credentialLifetimeMs = 100;
    const credentials = await fromWebToken({ roleArn: ROLE, webIdentityToken: await getIDToken("sts.amazonaws.com") })();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const { ec2, ssm, s3 } = clients(oidc.standIn, credentials);
    expect((await failure(ec2.send(new DescribeInstancesCommand({})))).name).toBe("RequestExpired");
    expect((await failure(ssm.send(new GetParameterCommand({ Name: "/x" })))).name).toBe("ExpiredTokenException");
    expect((await failure(s3.send(new ListObjectsV2Command({ Bucket: "evidence" })))).name).toBe("ExpiredToken");
  });

  it("accepts the allow-listed static keys of the default credential chain", async () => {
    Object.assign(process.env, oidc.standIn.staticCredentialsEnv());
    const sts = new STSClient({ maxAttempts: 1 });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe("123456789012");
    expect(oidc.standIn.plantedSecrets()).toContain(oidc.standIn.staticCredentialsEnv().AWS_SECRET_ACCESS_KEY);
    sts.destroy();
  });
});
