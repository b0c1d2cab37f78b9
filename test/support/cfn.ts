import { readFileSync } from "node:fs";
import { parse, type Tags } from "yaml";
import type { Statement } from "./iam.js";

/**
 * infra/gpu-bench.yaml read as CloudFormation would deploy it, for the IAM tests: short-form
 * intrinsics parsed, then Ref, Fn::Sub, Fn::GetAtt, Fn::If and Fn::Equals resolved against the
 * parameters (defaults, overridden per test), the pseudo parameters, and physical names made up
 * for this stack the way CloudFormation forms them (stack-Logical-suffix).
 */

const INTRINSICS = ["Ref", "Sub", "GetAtt", "If", "Equals", "Join", "Select", "Split", "Not", "And", "Or"];

export const cfnTags: Tags = INTRINSICS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => ({ [name]: value }) },
  { tag: `!${name}`, collection: "seq" as const, resolve: (value: { toJSON(): unknown }) => ({ [name]: value.toJSON() }) },
]);

export interface Template {
  Parameters: Record<string, { Type: string; Default?: string }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown }>;
}

export function readTemplate(path = "infra/gpu-bench.yaml"): Template {
  return parse(readFileSync(path, "utf8"), { customTags: cfnTags }) as Template;
}

export interface Deployment {
  partition: string;
  region: string;
  accountId: string;
  stackName: string;
  parameters: Record<string, string>;
}

export const DEPLOYMENT: Deployment = {
  partition: "aws",
  region: "us-west-2",
  accountId: "123456789012",
  stackName: "gpu-bench",
  parameters: { GitHubRepository: "acme/gpu-stack", VpcId: "vpc-0a1b2c3d4e5f60718" },
};

/** What Ref and GetAtt return for each resource type, from a made-up physical id. */
function physical(d: Deployment, logical: string, type: string): { ref: string; attrs: Record<string, string> } {
  const name = `${d.stackName}-${logical}-ABC123`;
  const iam = `arn:${d.partition}:iam::${d.accountId}`;
  switch (type) {
    case "AWS::IAM::Role":
      return { ref: name, attrs: { Arn: `${iam}:role/${name}`, RoleId: "AROAEXAMPLE" } };
    case "AWS::IAM::InstanceProfile":
      return { ref: name, attrs: { Arn: `${iam}:instance-profile/${name}` } };
    case "AWS::IAM::OIDCProvider":
      return { ref: `${iam}:oidc-provider/token.actions.githubusercontent.com`, attrs: {} };
    case "AWS::S3::Bucket": {
      const bucket = name.toLowerCase();
      return { ref: bucket, attrs: { Arn: `arn:${d.partition}:s3:::${bucket}` } };
    }
    case "AWS::EC2::SecurityGroup":
      return { ref: "sg-0123456789abcdef0", attrs: { GroupId: "sg-0123456789abcdef0" } };
    case "AWS::KMS::Key": {
      const id = "1234abcd-12ab-34cd-56ef-1234567890ab";
      return { ref: id, attrs: { Arn: `arn:${d.partition}:kms:${d.region}:${d.accountId}:key/${id}`, KeyId: id } };
    }
    case "AWS::KMS::Alias":
      return { ref: `alias/${name}`, attrs: {} };
    default:
      throw new Error(`no physical id for ${type} (${logical}): teach test/support/cfn.ts`);
  }
}

export class Resolver {
  private readonly params: Record<string, string | string[]>;
  constructor(
    private readonly t: Template,
    private readonly d: Deployment = DEPLOYMENT,
  ) {
    this.params = {};
    for (const [name, p] of Object.entries(t.Parameters)) {
      const raw = d.parameters[name] ?? p.Default;
      if (raw === undefined) throw new Error(`parameter ${name} has no value and no default`);
      this.params[name] = p.Type === "CommaDelimitedList" ? raw.split(",").map((s) => s.trim()) : raw;
    }
  }

  ref(name: string): string | string[] {
    const pseudo: Record<string, string> = {
      "AWS::Partition": this.d.partition,
      "AWS::Region": this.d.region,
      "AWS::AccountId": this.d.accountId,
      "AWS::StackName": this.d.stackName,
      "AWS::URLSuffix": "amazonaws.com",
    };
    if (name in pseudo) return pseudo[name]!;
    if (name in this.params) return this.params[name]!;
    const r = this.t.Resources[name];
    if (!r) throw new Error(`Ref to unknown '${name}'`);
    return physical(this.d, name, r.Type).ref;
  }

  getAtt(logical: string, attr: string): string {
    const r = this.t.Resources[logical];
    if (!r) throw new Error(`GetAtt of unknown '${logical}'`);
    const v = physical(this.d, logical, r.Type).attrs[attr];
    if (v === undefined) throw new Error(`GetAtt ${logical}.${attr} is not modelled`);
    return v;
  }

  condition(name: string): boolean {
    const c = this.t.Conditions?.[name];
    if (c === undefined) throw new Error(`unknown condition ${name}`);
    return Boolean(this.resolve(c));
  }

  /** A value with every intrinsic function replaced by what CloudFormation would put there. */
  resolve(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.resolve(x));
    if (!v || typeof v !== "object") return v;
    const entries = Object.entries(v);
    if (entries.length === 1) {
      const [fn, arg] = entries[0]!;
      const name = fn.replace(/^Fn::/, "");
      if (fn === "Ref") return this.ref(arg as string);
      if (name === "GetAtt") {
        const [logical, attr] = Array.isArray(arg) ? (arg as string[]) : (arg as string).split(".");
        return this.getAtt(logical!, attr!);
      }
      if (name === "Sub") return this.sub(arg);
      if (name === "If") {
        const [cond, yes, no] = arg as [string, unknown, unknown];
        return this.resolve(this.condition(cond) ? yes : no);
      }
      if (name === "Equals") {
        const [a, b] = (arg as unknown[]).map((x) => this.resolve(x));
        return JSON.stringify(a) === JSON.stringify(b);
      }
      if (name === "Not") return !(this.resolve((arg as unknown[])[0]) as boolean);
      if (name === "Join") {
        const [sep, items] = arg as [string, unknown];
        return (this.resolve(items) as string[]).join(sep);
      }
      if (INTRINSICS.includes(name)) throw new Error(`Fn::${name} is not modelled by test/support/cfn.ts`);
    }
    return Object.fromEntries(entries.map(([k, x]) => [k, this.resolve(x)]));
  }

  private sub(arg: unknown): string {
    const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [arg as string, {}];
    return text.replace(/\$\{(!?)([^}]+)\}/g, (whole, bang: string, expr: string) => {
      if (bang) return `\${${expr}}`;
      if (expr in vars) return String(this.resolve(vars[expr]));
      if (expr.includes(".") && !expr.startsWith("AWS::")) {
        const [logical, attr] = expr.split(".");
        return this.getAtt(logical!, attr!);
      }
      const r = this.ref(expr);
      if (Array.isArray(r)) throw new Error(`\${${expr}} is a list`);
      return r;
    });
  }

  /** The resolved statements of every inline policy of a role (or a managed policy). */
  policyStatements(logical: string): Statement[] {
    const r = this.t.Resources[logical];
    if (!r) throw new Error(`no resource ${logical}`);
    const props = this.resolve(r.Properties) as {
      Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }>;
      PolicyDocument?: { Statement: Statement[] };
    };
    return [...(props.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement), ...(props.PolicyDocument?.Statement ?? [])];
  }

  trustStatements(logical: string): Statement[] {
    const props = this.resolve(this.t.Resources[logical]!.Properties) as { AssumeRolePolicyDocument: { Statement: Statement[] } };
    return props.AssumeRolePolicyDocument.Statement;
  }

  /** A key policy's statements (AWS::KMS::Key). */
  keyPolicyStatements(logical: string): Statement[] {
    const props = this.resolve(this.t.Resources[logical]!.Properties) as { KeyPolicy: { Statement: Statement[] } };
    return props.KeyPolicy.Statement;
  }

  output(name: string): unknown {
    return this.resolve(this.t.Outputs?.[name]?.Value);
  }
}
