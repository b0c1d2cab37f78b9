/**
 * A small, strict IAM policy evaluator for the tests of infra/gpu-bench.yaml: identity-policy
 * statements (Allow and Deny, Action and Resource with * and ? wildcards, Condition blocks) against
 * one request (action, resource ARN, request context). It implements what the template uses and
 * refuses the rest (an unknown operator throws) rather than guess:
 *
 * - String{Equals,NotEquals,EqualsIgnoreCase,Like,NotLike}, Arn{Equals,Like,NotEquals,NotLike},
 *   Numeric{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals}, Bool, Null;
 * - the ForAllValues: / ForAnyValue: set prefixes and the IfExists suffix;
 * - the AWS rules for a missing key (false, except Null, IfExists and ForAllValues), for several
 *   values of one key in the policy (any of them), for keys (all of them) and for operators (all).
 *
 * Source of the semantics: the IAM User Guide, "IAM JSON policy elements: Condition operators",
 * "Single-valued vs. multivalued context keys" and "Policy evaluation logic" (identity policies only:
 * an explicit Deny wins, then any Allow, otherwise the implicit deny).
 */

export type ContextValue = string | number | boolean | readonly string[];
export type Context = Record<string, ContextValue>;

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface Request {
  action: string;
  resource: string;
  context?: Context;
}

export type Decision = { allowed: boolean; by?: string; explicitDeny?: boolean };

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's wildcard match: * any run of characters (slashes included), ? one character. */
export function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, ignoreCase ? "is" : "s").test(value);
}

/** ArnLike: the six colon-separated parts matched one by one (the resource part keeps its colons). */
function arnLike(pattern: string, arn: string): boolean {
  const split = (s: string) => {
    const parts = s.split(":");
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(":")];
  };
  const p = split(pattern);
  const a = split(arn);
  return Boolean(p && a && p.every((part, i) => wildcard(part, a[i]!)));
}

function lookup(context: Context, key: string): ContextValue | undefined {
  const wanted = key.toLowerCase();
  const found = Object.keys(context).find((k) => k.toLowerCase() === wanted);
  return found === undefined ? undefined : context[found];
}

type Matcher = (policyValue: string, contextValue: string) => boolean;

const num = (s: string) => {
  const n = Number(s);
  if (!Number.isFinite(n)) throw new Error(`not a number: '${s}'`);
  return n;
};

const MATCHERS: Record<string, { match: Matcher; negated?: boolean }> = {
  StringEquals: { match: (p, c) => p === c },
  StringNotEquals: { match: (p, c) => p === c, negated: true },
  StringEqualsIgnoreCase: { match: (p, c) => p.toLowerCase() === c.toLowerCase() },
  StringLike: { match: (p, c) => wildcard(p, c) },
  StringNotLike: { match: (p, c) => wildcard(p, c), negated: true },
  ArnEquals: { match: (p, c) => arnLike(p, c) },
  ArnLike: { match: (p, c) => arnLike(p, c) },
  ArnNotEquals: { match: (p, c) => arnLike(p, c), negated: true },
  ArnNotLike: { match: (p, c) => arnLike(p, c), negated: true },
  NumericEquals: { match: (p, c) => num(c) === num(p) },
  NumericNotEquals: { match: (p, c) => num(c) === num(p), negated: true },
  NumericLessThan: { match: (p, c) => num(c) < num(p) },
  NumericLessThanEquals: { match: (p, c) => num(c) <= num(p) },
  NumericGreaterThan: { match: (p, c) => num(c) > num(p) },
  NumericGreaterThanEquals: { match: (p, c) => num(c) >= num(p) },
  Bool: { match: (p, c) => p.toLowerCase() === c.toLowerCase() },
};

/** One `operator: { key: values }` entry against the context. */
function conditionHolds(operator: string, key: string, rawPolicyValues: unknown, context: Context): boolean {
  const policyValues = list(rawPolicyValues as string | string[]).map((v) => String(v));
  const value = lookup(context, key);
  if (operator === "Null") {
    if (policyValues.length !== 1) throw new Error(`Null takes one value, got ${policyValues.length}`);
    const absent = value === undefined || (Array.isArray(value) && value.length === 0);
    return String(absent) === policyValues[0]!.toLowerCase();
  }
  const m = /^(ForAllValues:|ForAnyValue:)?([A-Za-z]+?)(IfExists)?$/.exec(operator);
  const matcher = m && MATCHERS[m[2]!];
  if (!m || !matcher) throw new Error(`condition operator '${operator}' is not implemented by this evaluator`);
  const set = m[1];
  const ifExists = Boolean(m[3]);
  const matchesAny = (c: string) => policyValues.some((p) => matcher.match(p, c));
  if (set) {
    const values = value === undefined ? [] : list(value as string | string[]).map(String);
    if (set === "ForAllValues:") {
      // True for an absent or empty key; otherwise every value must (not) match.
      return values.every((c) => (matcher.negated ? !matchesAny(c) : matchesAny(c)));
    }
    return values.some((c) => (matcher.negated ? !matchesAny(c) : matchesAny(c)));
  }
  if (value === undefined) return ifExists;
  if (Array.isArray(value)) throw new Error(`'${key}' is multivalued: use ForAllValues: or ForAnyValue: with ${operator}`);
  const c = String(value);
  return matcher.negated ? !matchesAny(c) : matchesAny(c);
}

/** Every operator and every key of a statement's Condition must hold. */
export function conditionsHold(condition: Statement["Condition"], context: Context): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, values, context)),
  );
}

function statementApplies(s: Statement, req: Request): boolean {
  const actionMatches = list(s.Action).some((a) => wildcard(a, req.action, true));
  const resources = list(s.Resource);
  const resourceMatches = resources.length === 0 || resources.some((r) => wildcard(r, req.resource));
  return actionMatches && resourceMatches && conditionsHold(s.Condition, req.context ?? {});
}

/** The decision for one request: explicit Deny, else any Allow, else the implicit deny. */
export function evaluate(statements: readonly Statement[], req: Request): Decision {
  const deny = statements.find((s) => s.Effect === "Deny" && statementApplies(s, req));
  if (deny) return { allowed: false, explicitDeny: true, by: deny.Sid };
  const allow = statements.find((s) => s.Effect === "Allow" && statementApplies(s, req));
  return allow ? { allowed: true, by: allow.Sid } : { allowed: false };
}

/** Every request must be allowed (RunInstances is authorized per resource it creates or uses). */
export function evaluateAll(statements: readonly Statement[], requests: readonly Request[]): { allowed: boolean; denied: Request[] } {
  const denied = requests.filter((r) => !evaluate(statements, r).allowed);
  return { allowed: denied.length === 0, denied };
}

/** Where the request is made and what EC2 knows about the resources it names. */
export interface Ec2World {
  partition: string;
  region: string;
  accountId: string;
  vpcOfSubnet: (subnetId: string) => string;
  vpcOfSecurityGroup: (groupId: string) => string;
  imageOwner: (imageId: string) => string;
  /** The tags EC2 keeps on a placement group (by name), for RunInstances into it. */
  placementGroupTags?: (name: string) => Record<string, string>;
  /** Instance profile name or ARN → [profile ARN, the ARN of its role]. */
  profile: (nameOrArn: string) => { arn: string; roleArn: string };
}

interface RunInstancesShape {
  ImageId?: string;
  InstanceType?: string;
  SubnetId?: string;
  SecurityGroupIds?: string[];
  /** Instead of SubnetId/SecurityGroupIds (an EFA launch): the interfaces' subnet and groups are authorized as those. */
  NetworkInterfaces?: Array<{ SubnetId?: string; Groups?: string[] }>;
  IamInstanceProfile?: { Name?: string; Arn?: string };
  MetadataOptions?: { HttpTokens?: string; HttpPutResponseHopLimit?: number; HttpEndpoint?: string };
  BlockDeviceMappings?: Array<{ Ebs?: { Encrypted?: boolean; VolumeSize?: number; VolumeType?: string } }>;
  InstanceMarketOptions?: { MarketType?: string };
  Placement?: { GroupName?: string };
  TagSpecifications?: Array<{ ResourceType?: string; Tags?: Array<{ Key?: string; Value?: string }> }>;
}

function requestTags(input: RunInstancesShape, resourceType: string): Context {
  const tags = (input.TagSpecifications ?? []).filter((s) => s.ResourceType === resourceType).flatMap((s) => s.Tags ?? []);
  const context: Context = Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key}`, t.Value ?? ""]));
  if (tags.length > 0) context["aws:TagKeys"] = tags.map((t) => t.Key ?? "");
  return context;
}

/**
 * The authorization requests one RunInstances call makes, after the EC2 documentation ("Actions,
 * resources, and condition keys for Amazon EC2": RunInstances; "Grant permission to tag resources
 * during creation"): one per resource it creates or uses, each with that resource's condition keys,
 * plus ec2:CreateTags for each tagged resource type and iam:PassRole for the profile's role. What
 * AWS assumes for an omitted field is modelled too: no MetadataOptions means IMDSv1 allowed
 * (HttpTokens optional) and hop limit 1; an omitted Encrypted means unencrypted.
 */
export function runInstancesRequests(input: RunInstancesShape, w: Ec2World): Request[] {
  const ec2 = `arn:${w.partition}:ec2:${w.region}:${w.accountId}`;
  const base: Context = { "aws:RequestedRegion": w.region, "ec2:Region": w.region };
  const vpcArn = (vpc: string) => `${ec2}:vpc/${vpc}`;
  const subnet = input.SubnetId ?? input.NetworkInterfaces?.[0]?.SubnetId ?? "";
  const groups = input.SecurityGroupIds ?? (input.NetworkInterfaces ?? []).flatMap((n) => n.Groups ?? []);
  const vpc = vpcArn(w.vpcOfSubnet(subnet));
  const profile = input.IamInstanceProfile?.Arn ?? input.IamInstanceProfile?.Name;
  const market = input.InstanceMarketOptions?.MarketType ?? "on-demand";
  const requests: Request[] = [
    {
      action: "ec2:RunInstances",
      resource: `${ec2}:instance/*`,
      context: {
        ...base,
        ...requestTags(input, "instance"),
        "ec2:InstanceType": input.InstanceType ?? "",
        ...(profile ? { "ec2:InstanceProfile": w.profile(profile).arn } : {}),
        "ec2:MetadataHttpTokens": input.MetadataOptions?.HttpTokens ?? "optional",
        "ec2:MetadataHttpPutResponseHopLimit": input.MetadataOptions?.HttpPutResponseHopLimit ?? 1,
        "ec2:MetadataHttpEndpoint": input.MetadataOptions?.HttpEndpoint ?? "enabled",
        "ec2:InstanceMarketType": market,
      },
    },
    {
      action: "ec2:RunInstances",
      resource: `arn:${w.partition}:ec2:${w.region}::image/${input.ImageId}`,
      context: { ...base, "ec2:Owner": w.imageOwner(input.ImageId ?? "") },
    },
    { action: "ec2:RunInstances", resource: `${ec2}:subnet/${subnet}`, context: { ...base, "ec2:Vpc": vpc } },
    {
      action: "ec2:RunInstances",
      resource: `${ec2}:network-interface/*`,
      context: { ...base, "ec2:Vpc": vpc, "ec2:Subnet": `${ec2}:subnet/${subnet}` },
    },
    ...groups.map((sg) => ({
      action: "ec2:RunInstances",
      resource: `${ec2}:security-group/${sg}`,
      context: { ...base, "ec2:Vpc": vpcArn(w.vpcOfSecurityGroup(sg)) },
    })),
    ...(input.BlockDeviceMappings ?? []).map((m) => ({
      action: "ec2:RunInstances",
      resource: `${ec2}:volume/*`,
      context: {
        ...base,
        ...requestTags(input, "volume"),
        "ec2:Encrypted": String(m.Ebs?.Encrypted ?? false),
        ...(m.Ebs?.VolumeSize !== undefined ? { "ec2:VolumeSize": m.Ebs.VolumeSize } : {}),
        "ec2:VolumeType": m.Ebs?.VolumeType ?? "gp2",
      },
    })),
  ];
  if (market === "spot") requests.push({ action: "ec2:RunInstances", resource: `${ec2}:spot-instances-request/*`, context: base });
  const group = input.Placement?.GroupName;
  if (group) {
    const tags = Object.entries(w.placementGroupTags?.(group) ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]);
    requests.push({
      action: "ec2:RunInstances",
      resource: `${ec2}:placement-group/${group}`,
      context: { ...base, ...Object.fromEntries(tags) },
    });
  }
  for (const type of ["instance", "volume"]) {
    const tags = requestTags(input, type);
    if (Object.keys(tags).length > 0) {
      requests.push({
        action: "ec2:CreateTags",
        resource: `${ec2}:${type}/*`,
        context: { ...base, ...tags, "ec2:CreateAction": "RunInstances" },
      });
    }
  }
  if (profile) {
    requests.push({
      action: "iam:PassRole",
      resource: w.profile(profile).roleArn,
      context: { "iam:PassedToService": "ec2.amazonaws.com" },
    });
  }
  return requests;
}
