import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cfnTags } from "../support/cfn.js";

interface Statement {
  Action: string[];
}
const template = parse(readFileSync("infra/gpu-bench.yaml", "utf8"), { customTags: cfnTags }) as {
  Resources: Record<string, { Type: string; Properties: { Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }> } }>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Every `new XCommand(` in the engine, as the IAM action it needs. */
function actionsTheCodeCalls(): Set<string> {
  const actions = new Set<string>();
  for (const file of sourceFiles("src")) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/import \{([^}]+)\} from "@aws-sdk\/client-(ec2|ssm|s3|sts)"/g)) {
      for (const name of m[1]!.split(",").map((s) => s.trim())) {
        const command = /^(\w+)Command$/.exec(name);
        if (command && text.includes(`new ${name}(`)) actions.add(`${m[2]}:${command[1] === "ListObjectsV2" ? "ListBucket" : command[1]}`);
      }
    }
  }
  return actions;
}

describe("infra/gpu-bench.yaml", () => {
  it("grants the workflow role every AWS action the code calls", () => {
    const granted = new Set(
      template.Resources.WorkflowRole!.Properties.Policies!.flatMap((p) => p.PolicyDocument.Statement.flatMap((s) => s.Action)),
    );
    const needed = actionsTheCodeCalls();
    expect(needed.size).toBeGreaterThan(8);
    expect([...needed].filter((a) => !granted.has(a))).toEqual([]);
  });

  it("gives the instance SSM core and nothing to read back from the bucket", () => {
    const role = template.Resources.InstanceRole!.Properties as unknown as {
      ManagedPolicyArns: unknown[];
      Policies: Array<{ PolicyDocument: { Statement: Statement[] } }>;
    };
    expect(JSON.stringify(role.ManagedPolicyArns)).toContain("AmazonSSMManagedInstanceCore");
    const actions = role.Policies.flatMap((p) => p.PolicyDocument.Statement.flatMap((s) => s.Action));
    expect(actions).toContain("s3:PutObject");
    expect(actions).not.toContain("s3:GetObject");
  });

  it("opens no inbound port except between the group's own members (the nodes of a multi-node run)", () => {
    const sg = template.Resources.InstanceSecurityGroup!.Properties as unknown as Record<string, unknown>;
    expect(sg.SecurityGroupIngress).toBeUndefined();
    const self = { GetAtt: "InstanceSecurityGroup.GroupId" };
    const rules = (type: string) =>
      Object.values(template.Resources)
        .filter((r) => r.Type === type)
        .map((r) => r.Properties as unknown as Record<string, unknown>);
    const ingress = rules("AWS::EC2::SecurityGroupIngress");
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ GroupId: self, SourceSecurityGroupId: self, IpProtocol: "-1" });
    for (const rule of ingress) for (const open of ["CidrIp", "CidrIpv6", "SourcePrefixListId"]) expect(rule[open]).toBeUndefined();
    const egress = rules("AWS::EC2::SecurityGroupEgress");
    expect(egress).toEqual([expect.objectContaining({ GroupId: self, DestinationSecurityGroupId: self, IpProtocol: "-1" })]);
  });
});
