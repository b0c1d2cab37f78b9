import {
  CreatePlacementGroupCommand,
  type CreatePlacementGroupCommandInput,
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from "@aws-sdk/client-ec2";
import { S3Client } from "@aws-sdk/client-s3";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseSettings, type RunSettings } from "../../src/config/inputs.js";
import type { InputName } from "../../src/config/names.js";
import { executeRun } from "../../src/entry/execute.js";
import type { SavedRun } from "../../src/lifecycle/state.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { DEPLOYMENT, Resolver, readTemplate } from "../support/cfn.js";
import { awsError, instantClock } from "../support/fakes.js";
import { evaluate, evaluateAll, runInstancesRequests, type Ec2World, type Request, type Statement } from "../support/iam.js";

/**
 * infra/gpu-bench.yaml enforces what the code promises: its conditions, evaluated (test/support/
 * iam.ts) against the RunInstances request the engine really sends (captured from executeRun, the
 * path main takes), allow it; the same request without the tags, with another type, profile or
 * stack, or with IMDS reachable from pods is denied; and terminate, commands and tags reach only
 * this stack's instances.
 */

const template = readTemplate();
const stack = new Resolver(template);
const workflow = stack.policyStatements("WorkflowRole");
const instanceRole = stack.policyStatements("InstanceRole");
const { partition, region, accountId } = DEPLOYMENT;
const arn = (service: string, resource: string, account = accountId) => `arn:${partition}:${service}:${region}:${account}:${resource}`;

const PROFILE_NAME = stack.ref("InstanceProfile") as string;
const SECURITY_GROUP = stack.getAtt("InstanceSecurityGroup", "GroupId");
const VPC = DEPLOYMENT.parameters.VpcId!;
const world: Ec2World = {
  partition,
  region,
  accountId,
  vpcOfSubnet: () => VPC,
  vpcOfSecurityGroup: () => VPC,
  imageOwner: () => "amazon",
  profile: (nameOrArn) => {
    const name = nameOrArn.split("/").at(-1)!;
    return name === PROFILE_NAME
      ? { arn: stack.getAtt("InstanceProfile", "Arn"), roleArn: stack.getAtt("InstanceRole", "Arn") }
      : { arn: `arn:${partition}:iam::${accountId}:instance-profile/${name}`, roleArn: `arn:${partition}:iam::${accountId}:role/${name}` };
  },
};

const inputs: Partial<Record<InputName, string>> = {
  "instance-types": "g5.2xlarge",
  "subnet-ids": "subnet-0123456789abcdef0",
  "security-group-id": SECURITY_GROUP,
  "instance-profile": PROFILE_NAME,
  "evidence-bucket": stack.ref("EvidenceBucket") as string,
  stack: stack.output("Stack") as string,
  tags: "team=ml",
};

/** The RunInstances input executeRun sends for these inputs (EC2 refuses it, so the run stops there). */
async function capturedRunInstances(overrides: Partial<Record<InputName, string>> = {}): Promise<RunInstancesCommandInput> {
  return (await capturedLaunch(overrides)).runInstances;
}

/** What executeRun sends to launch, for these inputs and suite text: RunInstances, and CreatePlacementGroup for a multi-node suite. */
async function capturedLaunch(
  overrides: Partial<Record<InputName, string>> = {},
  suiteText?: string,
): Promise<{ runInstances: RunInstancesCommandInput; createPlacementGroup?: CreatePlacementGroupCommandInput }> {
  const ec2 = mockClient(EC2Client);
  const ssm = mockClient(SSMClient);
  const s3 = mockClient(S3Client);
  const out = mkdtempSync(join(tmpdir(), "iam-"));
  if (suiteText !== undefined) {
    writeFileSync(join(out, "suite.yaml"), suiteText);
    overrides = { ...overrides, suite: "suite.yaml" };
  }
  try {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: "ami-0123456789abcdef0" } });
    ec2.on(DescribeImagesCommand).resolves({
      Images: [
        {
          ImageId: "ami-0123456789abcdef0",
          RootDeviceName: "/dev/sda1",
          BlockDeviceMappings: [{ DeviceName: "/dev/sda1", Ebs: { VolumeSize: 100 } }],
        },
      ],
    });
    // Every type has EFA here: the suite efa check passes, and the launch is what is evaluated.
    ec2.on(DescribeInstanceTypesCommand).callsFake((input: { InstanceTypes?: string[] }) => ({
      InstanceTypes: (input.InstanceTypes ?? []).map((t) => ({
        InstanceType: t,
        NetworkInfo: { EfaSupported: true, EfaInfo: { MaximumEfaInterfaces: 1 } },
      })),
    }));
    ec2.on(RunInstancesCommand).rejects(awsError("UnauthorizedOperation"));
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    s3.resolves({});
    const settings = parseSettings((name) => ({ ...inputs, ...overrides })[name] ?? "") as RunSettings;
    let saved: SavedRun | undefined;
    // Long-term keys from the default chain: no expiry to check against the run.
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    const done = await executeRun(settings, {
      env: {},
      log: new MemoryLog(),
      clock: instantClock(),
      state: { save: (r) => void (saved = r), load: () => (saved ? { kind: "saved", run: saved } : { kind: "missing" }) },
      identity: { runId: "13572468", attempt: 1, job: "benchmark", repository: "acme/gpu-stack", nonce: "0a1b2c3d4e5f" },
      signal: new AbortController().signal,
      outDir: out,
      workspace: out,
      publisher: { writeSummary: async () => {}, annotate: () => {} },
      secrets: () => [],
      setOutput: () => {},
    });
    expect(done.failed).toMatch(/UnauthorizedOperation/);
    const calls = ec2.commandCalls(RunInstancesCommand);
    expect(calls).toHaveLength(1);
    return { runInstances: calls[0]!.args[0].input, createPlacementGroup: ec2.commandCalls(CreatePlacementGroupCommand)[0]?.args[0].input };
  } finally {
    ec2.restore();
    ssm.restore();
    s3.restore();
    rmSync(out, { recursive: true, force: true });
  }
}

const deniedOf = (requests: Request[]) => evaluateAll(workflow, requests).denied.map((r) => `${r.action} ${r.resource}`);

describe("infra/gpu-bench.yaml: the workflow role's launch", () => {
  let sent: RunInstancesCommandInput;
  beforeAll(async () => {
    sent = await capturedRunInstances();
  });

  it("allows the RunInstances the engine sends, resource by resource", () => {
    const requests = runInstancesRequests(sent, world);
    expect(requests.map((r) => r.resource.split(":").at(-1)!.split("/")[0])).toEqual(
      expect.arrayContaining(["instance", "image", "subnet", "network-interface", "security-group", "volume"]),
    );
    expect(deniedOf(requests)).toEqual([]);
    expect(sent.MetadataOptions).toMatchObject({ HttpTokens: "required", HttpPutResponseHopLimit: 1 });
  });

  it("denies the same request without its tags, on the instance and on the volume", () => {
    expect(deniedOf(runInstancesRequests({ ...sent, TagSpecifications: undefined }, world))).toEqual([
      `ec2:RunInstances ${arn("ec2", "instance/*")}`,
      `ec2:RunInstances ${arn("ec2", "volume/*")}`,
    ]);
    // Each required tag matters on its own.
    for (const key of ["managed-by", "gpu-bench:expires-at", "gpu-bench:stack"]) {
      const without = sent.TagSpecifications!.map((s) => ({ ...s, Tags: s.Tags!.filter((t) => t.Key !== key) }));
      expect(deniedOf(runInstancesRequests({ ...sent, TagSpecifications: without }, world)), key).toContain(
        `ec2:RunInstances ${arn("ec2", "instance/*")}`,
      );
    }
  });

  it("denies another stack's tag, a type off the allow-list, another profile, IMDSv1 or a hop limit pods can use", () => {
    const retag = sent.TagSpecifications!.map((s) => ({
      ...s,
      Tags: s.Tags!.map((t) => (t.Key === "gpu-bench:stack" ? { ...t, Value: "other-stack" } : t)),
    }));
    const variants: Record<string, RunInstancesCommandInput> = {
      "other stack": { ...sent, TagSpecifications: retag },
      "type not allowed": { ...sent, InstanceType: "p5.48xlarge" },
      "other profile": { ...sent, IamInstanceProfile: { Name: "admin-profile" } },
      IMDSv1: { ...sent, MetadataOptions: { ...sent.MetadataOptions, HttpTokens: "optional" } },
      "no metadata options": { ...sent, MetadataOptions: undefined },
      "hop limit 2": { ...sent, MetadataOptions: { ...sent.MetadataOptions, HttpPutResponseHopLimit: 2 } },
      "unencrypted volume": {
        ...sent,
        BlockDeviceMappings: [{ ...sent.BlockDeviceMappings![0]!, Ebs: { ...sent.BlockDeviceMappings![0]!.Ebs, Encrypted: false } }],
      },
      "other security group": { ...sent, SecurityGroupIds: ["sg-0fffffffffffffff0"] },
    };
    for (const [what, input] of Object.entries(variants)) expect(deniedOf(runInstancesRequests(input, world)), what).not.toEqual([]);
    expect(deniedOf(runInstancesRequests(sent, { ...world, imageOwner: () => "999999999999" }))).toEqual([
      `ec2:RunInstances arn:${partition}:ec2:${region}::image/ami-0123456789abcdef0`,
    ]);
    expect(deniedOf(runInstancesRequests(sent, { ...world, vpcOfSubnet: () => "vpc-0ffffffffffffffff" }))).toContain(
      `ec2:RunInstances ${arn("ec2", "subnet/subnet-0123456789abcdef0")}`,
    );
  });

  it("allows a spot launch and every allowed instance type the engine accepts", async () => {
    const spot = await capturedRunInstances({ "market-type": "spot", "instance-types": "g4dn.xlarge" });
    expect(spot.InstanceMarketOptions?.MarketType).toBe("spot");
    expect(deniedOf(runInstancesRequests(spot, world))).toEqual([]);
  });

  it("scopes every ARN to the stack's partition, region and account", () => {
    const scoped = new RegExp(
      `^(arn:${partition}:(ec2|ssm):${region}:(${accountId})?:|arn:${partition}:(iam::${accountId}|s3:::)[^*]|\\*$)`,
    );
    for (const s of workflow) {
      for (const r of [s.Resource ?? []].flat()) {
        expect(r, s.Sid).toMatch(scoped);
        if (r === "*")
          expect(s.Action, s.Sid).toEqual(
            expect.arrayContaining([expect.stringMatching(/:(Describe|GetCommandInvocation|CancelCommand|GetProducts)/)]),
          );
      }
    }
  });
});

describe("infra/gpu-bench.yaml: a multi-node run's placement group", () => {
  const suite = "version: 1\nname: pair\nnodes: 2\nworkloads:\n  - {id: rn50, kind: resnet50}\n";
  const group = (name: string) => arn("ec2", `placement-group/${name}`);
  const tagsOf = (input: CreatePlacementGroupCommandInput) =>
    Object.fromEntries((input.TagSpecifications ?? []).flatMap((s) => s.Tags ?? []).map((t) => [t.Key!, t.Value!]));
  const requestContext = (tags: Record<string, string>) => ({
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    "aws:TagKeys": Object.keys(tags),
  });

  it("creates its group with the stack's tags and an expiry, and launches into it; untagged or another stack's, denied", async () => {
    const sent = await capturedLaunch({}, suite);
    const create = sent.createPlacementGroup!;
    expect(create).toMatchObject({ Strategy: "cluster" });
    expect(sent.runInstances.Placement?.GroupName).toBe(create.GroupName);
    expect([sent.runInstances.MinCount, sent.runInstances.MaxCount]).toEqual([2, 2]);
    const tags = tagsOf(create);
    const creating = (t: Record<string, string>): Request[] => [
      { action: "ec2:CreatePlacementGroup", resource: group(create.GroupName!), context: requestContext(t) },
      {
        action: "ec2:CreateTags",
        resource: group(create.GroupName!),
        context: { ...requestContext(t), "ec2:CreateAction": "CreatePlacementGroup" },
      },
    ];
    expect(deniedOf(creating(tags))).toEqual([]);
    const { "gpu-bench:expires-at": _expiry, ...noExpiry } = tags;
    expect(deniedOf(creating(noExpiry))).toHaveLength(1);
    expect(deniedOf(creating({ ...tags, "gpu-bench:stack": "other-stack" }))).toHaveLength(2);
    expect(deniedOf(creating({}))).toHaveLength(2);

    const launchInto = (groupTags: Record<string, string>) =>
      deniedOf(runInstancesRequests(sent.runInstances, { ...world, placementGroupTags: () => groupTags }));
    expect(launchInto(tags)).toEqual([]);
    expect(launchInto({ ...tags, "gpu-bench:stack": "other-stack" })).toEqual([`ec2:RunInstances ${group(create.GroupName!)}`]);
    expect(launchInto({})).toEqual([`ec2:RunInstances ${group(create.GroupName!)}`]);
  });

  it("deletes only this stack's groups", () => {
    const tagged = (stackName?: string) => ({
      "aws:ResourceTag/managed-by": "ephemeral-gpu-bench",
      ...(stackName ? { "aws:ResourceTag/gpu-bench:stack": stackName } : {}),
    });
    const del = (context: Request["context"]) =>
      evaluate(workflow, { action: "ec2:DeletePlacementGroup", resource: group("g"), context }).allowed;
    expect(del(tagged("gpu-bench"))).toBe(true);
    expect(del(tagged("other-stack"))).toBe(false);
    expect(del(tagged())).toBe(false);
    expect(evaluate(workflow, { action: "ec2:DescribePlacementGroups", resource: "*" }).allowed).toBe(true);
  });
});

describe("infra/gpu-bench.yaml: what the workflow role may do to instances", () => {
  const instance = arn("ec2", "instance/i-0123456789abcdef0");
  const tagged = (stackName: string | undefined): Request["context"] => ({
    "aws:ResourceTag/managed-by": "ephemeral-gpu-bench",
    "ssm:resourceTag/managed-by": "ephemeral-gpu-bench",
    ...(stackName ? { "aws:ResourceTag/gpu-bench:stack": stackName, "ssm:resourceTag/gpu-bench:stack": stackName } : {}),
  });

  it("terminates and commands only this stack's instances", () => {
    for (const action of ["ec2:TerminateInstances", "ssm:SendCommand"]) {
      expect(evaluate(workflow, { action, resource: instance, context: tagged("gpu-bench") }).allowed, action).toBe(true);
      expect(evaluate(workflow, { action, resource: instance, context: tagged("other-stack") }).allowed, action).toBe(false);
      expect(evaluate(workflow, { action, resource: instance, context: tagged(undefined) }).allowed, action).toBe(false);
      expect(evaluate(workflow, { action, resource: instance, context: {} }).allowed, action).toBe(false);
      // Another region or account is out of reach too.
      const elsewhere = instance.replace(region, "eu-west-1");
      expect(evaluate(workflow, { action, resource: elsewhere, context: tagged("gpu-bench") }).allowed, action).toBe(false);
    }
    expect(
      evaluate(workflow, { action: "ssm:SendCommand", resource: `arn:${partition}:ssm:${region}::document/AWS-RunShellScript` }).allowed,
    ).toBe(true);
    expect(
      evaluate(workflow, { action: "ssm:SendCommand", resource: `arn:${partition}:ssm:${region}::document/AWS-RunPowerShellScript` })
        .allowed,
    ).toBe(false);
  });

  it("tags only while launching, with this stack's tag", () => {
    const tags = { "aws:RequestTag/gpu-bench:stack": "gpu-bench", "aws:RequestTag/gpu-bench:expires-at": "2099-01-01T00:00:00Z" };
    expect(
      evaluate(workflow, { action: "ec2:CreateTags", resource: instance, context: { ...tags, "ec2:CreateAction": "RunInstances" } })
        .allowed,
    ).toBe(true);
    // Retagging a live instance (say, pushing its expiry out or claiming another stack's) is denied.
    expect(evaluate(workflow, { action: "ec2:CreateTags", resource: instance, context: tags }).allowed).toBe(false);
    expect(
      evaluate(workflow, {
        action: "ec2:CreateTags",
        resource: instance,
        context: { ...tags, "aws:RequestTag/gpu-bench:stack": "other-stack", "ec2:CreateAction": "RunInstances" },
      }).allowed,
    ).toBe(false);
  });

  it("reads prices (Price List API, spot price history) and nothing else about billing", () => {
    for (const action of ["pricing:GetProducts", "ec2:DescribeSpotPriceHistory"])
      expect(evaluate(workflow, { action, resource: "*", context: {} }).allowed, action).toBe(true);
    for (const action of ["pricing:DescribeServices", "ce:GetCostAndUsage", "ec2:RequestSpotInstances", "ec2:ModifyInstanceAttribute"])
      expect(evaluate(workflow, { action, resource: "*", context: {} }).allowed, action).toBe(false);
  });

  it("passes the instance role only to EC2", () => {
    const role = stack.getAtt("InstanceRole", "Arn");
    expect(
      evaluate(workflow, { action: "iam:PassRole", resource: role, context: { "iam:PassedToService": "ec2.amazonaws.com" } }).allowed,
    ).toBe(true);
    expect(
      evaluate(workflow, { action: "iam:PassRole", resource: role, context: { "iam:PassedToService": "lambda.amazonaws.com" } }).allowed,
    ).toBe(false);
  });
});

describe("infra/gpu-bench.yaml: trust, evidence", () => {
  it("trusts by default only the repository's main branch, not every ref or pull request", () => {
    const trust = stack.trustStatements("WorkflowRole");
    const assume = (sub: string) =>
      evaluate(trust, {
        action: "sts:AssumeRoleWithWebIdentity",
        resource: "*",
        context: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": sub },
      }).allowed;
    expect(assume("repo:acme/gpu-stack:ref:refs/heads/main")).toBe(true);
    expect(assume("repo:acme/gpu-stack:ref:refs/heads/feature")).toBe(false);
    expect(assume("repo:acme/gpu-stack:pull_request")).toBe(false);
    expect(assume("repo:acme/other:ref:refs/heads/main")).toBe(false);
    // A protected environment instead, when the stack is deployed that way.
    const env = new Resolver(template, { ...DEPLOYMENT, parameters: { ...DEPLOYMENT.parameters, GitHubSubjectFilter: "environment:gpu" } });
    const viaEnv = env.trustStatements("WorkflowRole");
    const ctx = (sub: string) => ({
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": sub,
    });
    expect(
      evaluate(viaEnv, { action: "sts:AssumeRoleWithWebIdentity", resource: "*", context: ctx("repo:acme/gpu-stack:environment:gpu") })
        .allowed,
    ).toBe(true);
    expect(
      evaluate(viaEnv, { action: "sts:AssumeRoleWithWebIdentity", resource: "*", context: ctx("repo:acme/gpu-stack:ref:refs/heads/main") })
        .allowed,
    ).toBe(false);
  });

  it("versions the evidence bucket; the instance writes only command output under the run-output prefixes", () => {
    const bucket = template.Resources.EvidenceBucket!.Properties as { VersioningConfiguration?: { Status: string } };
    expect(bucket.VersioningConfiguration?.Status).toBe("Enabled");
    const bucketArn = stack.getAtt("EvidenceBucket", "Arn");
    const put = (key: string) => evaluate(instanceRole, { action: "s3:PutObject", resource: `${bucketArn}/${key}` }).allowed;
    // Where the SSM agent writes (run.ts: <evidence-prefix>/runs/<run>-<attempt>/ssm/<command>/<instance>/…).
    expect(put("gpu-bench/runs/13572468-1/ssm/0b1c2d3e/i-0123456789abcdef0/awsrunShellScript/0.awsrunShellScript/stdout")).toBe(true);
    expect(put("team/gpu-bench/runs/13572468-1/ssm/x/stdout")).toBe(true);
    // Never the archive, the history index or results another run compares against.
    expect(put("gpu-bench/default/g5.2xlarge/20250310T020005Z-13572468/evidence.md")).toBe(false);
    expect(put("gpu-bench/default/index.json")).toBe(false);
    expect(put("gpu-bench/runs/13572468-1/diagnostics.txt")).toBe(false);
    expect(evaluate(instanceRole, { action: "s3:GetObject", resource: `${bucketArn}/gpu-bench/default/index.json` }).allowed).toBe(false);
  });
});

describe("the IAM evaluator itself", () => {
  const s = (Condition: Statement["Condition"]): Statement[] => [{ Effect: "Allow", Action: "x:Do", Resource: "*", Condition }];
  const ok = (policy: Statement[], context: Request["context"]) => evaluate(policy, { action: "x:Do", resource: "r", context }).allowed;

  it("applies AWS's rules for missing keys, value lists, sets, IfExists, Null, Bool, numbers and ARNs", () => {
    expect(ok(s({ StringEquals: { k: ["a", "b"] } }), { k: "b" })).toBe(true);
    expect(ok(s({ StringEquals: { k: "a" } }), {})).toBe(false);
    expect(ok(s({ StringEqualsIfExists: { k: "a" } }), {})).toBe(true);
    expect(ok(s({ StringNotEquals: { k: ["a", "b"] } }), { k: "b" })).toBe(false);
    expect(ok(s({ StringLike: { k: "repo:o/r:*" } }), { K: "repo:o/r:ref:refs/heads/x" })).toBe(true);
    expect(ok(s({ Null: { k: "false" } }), {})).toBe(false);
    expect(ok(s({ Null: { k: "true" } }), {})).toBe(true);
    expect(ok(s({ Bool: { k: "true" } }), { k: "false" })).toBe(false);
    expect(ok(s({ NumericLessThanEquals: { k: 1 } }), { k: 2 })).toBe(false);
    expect(ok(s({ "ForAllValues:StringEquals": { k: ["a", "b"] } }), { k: ["a", "c"] })).toBe(false);
    expect(ok(s({ "ForAllValues:StringEquals": { k: ["a", "b"] } }), {})).toBe(true);
    expect(ok(s({ "ForAnyValue:StringEquals": { k: ["a"] } }), { k: ["c", "a"] })).toBe(true);
    expect(ok(s({ ArnLike: { k: "arn:aws:ec2:*:123456789012:vpc/*" } }), { k: "arn:aws:ec2:us-west-2:123456789012:vpc/vpc-1" })).toBe(true);
    expect(ok(s({ ArnLike: { k: "arn:aws:ec2:*:123456789012:vpc/*" } }), { k: "arn:aws:ec2:us-west-2:999999999999:vpc/vpc-1" })).toBe(
      false,
    );
    expect(() => ok(s({ StringEquals: { k: "a" } }), { k: ["a"] })).toThrow(/multivalued/);
    expect(() => ok(s({ DateGreaterThan: { k: "2020" } }), { k: "2021" })).toThrow(/not implemented/);
    expect(evaluate([...s(undefined), { Effect: "Deny", Action: "x:*", Resource: "*" }], { action: "x:Do", resource: "r" }).allowed).toBe(
      false,
    );
  });
});

describe("infra/gpu-bench.yaml: node secrets (hf-token) off the SSM command", () => {
  const runs = arn("ssm", "parameter/gpu-bench/gpu-bench/runs/gpu-bench-0123456789abcdef01234567/hf-token");
  const otherStack = arn("ssm", "parameter/gpu-bench/other-stack/runs/gpu-bench-0123456789abcdef01234567/hf-token");
  const key = stack.keyPolicyStatements("NodeSecretsKey");
  const keyActionsOf = (principal: string) =>
    key
      .filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ AWS: principal }))
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

  it("the workflow role puts, tags and deletes this stack's run parameters, and cannot read them back", () => {
    for (const action of ["ssm:PutParameter", "ssm:AddTagsToResource", "ssm:DeleteParameter", "ssm:ListTagsForResource"]) {
      expect(evaluate(workflow, { action, resource: runs }).allowed, action).toBe(true);
      expect(evaluate(workflow, { action, resource: otherStack }).allowed, action).toBe(false);
    }
    expect(evaluate(workflow, { action: "ssm:GetParameter", resource: runs }).allowed).toBe(false);
    expect(evaluate(workflow, { action: "ssm:DescribeParameters", resource: "*" }).allowed).toBe(true);
  });

  it("the instance role reads them; only it may decrypt under the stack's customer-managed key, and only through SSM", () => {
    expect(evaluate(instanceRole, { action: "ssm:GetParameter", resource: runs }).allowed).toBe(true);
    expect(evaluate(instanceRole, { action: "ssm:PutParameter", resource: runs }).allowed).toBe(false);
    const instanceArn = stack.getAtt("InstanceRole", "Arn");
    const workflowArn = stack.getAtt("WorkflowRole", "Arn");
    const root = `arn:${partition}:iam::${accountId}:root`;
    expect(keyActionsOf(instanceArn)).toEqual(["kms:Decrypt"]);
    expect(keyActionsOf(workflowArn)).toEqual(["kms:Encrypt", "kms:GenerateDataKey"]);
    // The account administers the key but is not delegated its use: no IAM policy can grant Decrypt.
    expect(keyActionsOf(root).some((a) => /^kms:(\*|Decrypt|Encrypt|GenerateDataKey|ReEncrypt)/.test(a))).toBe(false);
    for (const s of key.filter((s) => JSON.stringify(s.Action).includes("kms:Decrypt") || JSON.stringify(s.Action).includes("kms:Encrypt")))
      expect(s.Condition).toEqual({ StringEquals: { "kms:ViaService": `ssm.${region}.amazonaws.com` } });
    expect(stack.output("NodeSecretsKeyAlias")).toBe(stack.ref("NodeSecretsKeyAlias"));
  });
});

describe("the platform login's Cognito permission (CognitoUserPoolArn)", () => {
  it("lets the workflow role call AdminInitiateAuth on the named user pool only, and on none without the parameter", () => {
    const pool = arn("cognito-idp", "userpool/us-west-2_AbCdEf123");
    const other = arn("cognito-idp", "userpool/us-west-2_Other999");
    const withPool = new Resolver(template, { ...DEPLOYMENT, parameters: { ...DEPLOYMENT.parameters, CognitoUserPoolArn: pool } });
    expect(withPool.condition("GrantCognitoLogin")).toBe(true);
    expect(template.Resources.CognitoLoginPolicy!.Condition).toBe("GrantCognitoLogin");
    expect(withPool.resolve((template.Resources.CognitoLoginPolicy!.Properties as { RoleName: unknown }).RoleName)).toBe(
      withPool.ref("WorkflowRole"),
    );
    const statements = [...withPool.policyStatements("WorkflowRole"), ...withPool.policyStatements("CognitoLoginPolicy")];
    expect(evaluate(statements, { action: "cognito-idp:AdminInitiateAuth", resource: pool }).allowed).toBe(true);
    expect(evaluate(statements, { action: "cognito-idp:AdminInitiateAuth", resource: other }).allowed).toBe(false);
    expect(evaluate(statements, { action: "cognito-idp:AdminSetUserPassword", resource: pool }).allowed).toBe(false);
    // The default (empty): the policy is not created and the role has no Cognito permission.
    expect(stack.condition("GrantCognitoLogin")).toBe(false);
    expect(evaluate(workflow, { action: "cognito-idp:AdminInitiateAuth", resource: pool }).allowed).toBe(false);
  });
});

describe("infra/gpu-bench.yaml: a suite with efa", () => {
  const suite = "version: 1\nname: efa\nnodes: 2\nefa: true\nworkloads:\n  - {id: rn50, kind: resnet50}\n";

  it("allows the EFA launch (subnet and group on the interface) once the type is in AllowedInstanceTypes, and DescribeInstanceTypes", async () => {
    const sent = await capturedLaunch({ "instance-types": "g5.8xlarge" }, suite);
    expect(sent.runInstances.NetworkInterfaces?.[0]).toMatchObject({ InterfaceType: "efa", Groups: [SECURITY_GROUP] });
    expect(sent.runInstances.SubnetId).toBeUndefined();
    const requests = runInstancesRequests(sent.runInstances, { ...world, placementGroupTags: () => tagsOf(sent.createPlacementGroup!) });
    expect(requests.map((r) => r.resource.split(":").at(-1)!.split("/")[0])).toEqual(
      expect.arrayContaining(["instance", "subnet", "network-interface", "security-group", "placement-group"]),
    );
    // The default AllowedInstanceTypes holds no EFA type: only the instance itself is refused, for its type.
    expect(deniedOf(requests)).toEqual([`ec2:RunInstances ${arn("ec2", "instance/*")}`]);
    const withType = new Resolver(template, {
      ...DEPLOYMENT,
      parameters: { ...DEPLOYMENT.parameters, AllowedInstanceTypes: "g5.2xlarge,g5.8xlarge" },
    }).policyStatements("WorkflowRole");
    expect(evaluateAll(withType, requests).denied).toEqual([]);
    expect(evaluate(workflow, { action: "ec2:DescribeInstanceTypes", resource: "*" }).allowed).toBe(true);
  });

  const tagsOf = (input: CreatePlacementGroupCommandInput) =>
    Object.fromEntries((input.TagSpecifications ?? []).flatMap((s) => s.Tags ?? []).map((t) => [t.Key!, t.Value!]));
});
