import { describe, expect, it } from "vitest";
import { DEFAULT_AMI_PARAMETER, InputError, parseSettings, type RunSettings } from "../../src/config/inputs.js";
import type { InputName } from "../../src/config/names.js";

const valid: Partial<Record<InputName, string>> = {
  "subnet-ids": "subnet-0123456789abcdef0\nsubnet-0fedcba9876543210",
  "security-group-id": "sg-0123456789abcdef0",
  "instance-profile": "gpu-bench-instance",
  "evidence-bucket": "my-evidence-bucket",
};

const reader = (inputs: Partial<Record<InputName, string>>) => (name: InputName) => inputs[name] ?? "";

function problemsOf(inputs: Partial<Record<InputName, string>>): string[] {
  try {
    parseSettings(reader(inputs));
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  throw new Error("expected an InputError");
}

describe("action inputs", () => {
  it("fills sensible defaults around the required inputs", () => {
    const s = parseSettings(reader(valid)) as RunSettings;
    expect(s.mode).toBe("run");
    expect(s.region).toBe("us-west-2");
    expect(s.instanceTypes).toEqual(["g5.2xlarge", "g5.4xlarge", "g5.xlarge"]);
    expect(s.subnetIds).toHaveLength(2);
    expect(s.ami).toEqual({ kind: "ssm-parameter", name: DEFAULT_AMI_PARAMETER });
    expect(s.ttlMinutes).toBe(60);
    expect(s.market).toBe("on-demand");
    expect(s.failOnRegression).toBe(false);
  });

  it("refuses a baseline-runs that could never judge a change (fewer than 2), saying why", () => {
    for (const n of ["0", "1"])
      expect(problemsOf({ ...valid, "baseline-runs": n })).toEqual([
        `'baseline-runs' must be at least 2, got ${n}: fewer earlier runs cannot estimate the run-to-run noise, so no change would ever be judged`,
      ]);
    expect(problemsOf({ ...valid, "baseline-runs": "101" })).toEqual(["'baseline-runs' must be from 2 to 100, got 101"]);
    expect((parseSettings(reader({ ...valid, "baseline-runs": "2" })) as RunSettings).baselineRuns).toBe(2);
    expect((parseSettings(reader(valid)) as RunSettings).baselineRuns).toBe(10);
  });

  it("reads lists separated by commas or newlines, in order", () => {
    const s = parseSettings(reader({ ...valid, "instance-types": " g6.xlarge ,\n g4dn.xlarge\n" })) as RunSettings;
    expect(s.instanceTypes).toEqual(["g6.xlarge", "g4dn.xlarge"]);
  });

  it("reports every problem at once, each naming the input and what it accepts", () => {
    const problems = problemsOf({
      "instance-types": ",",
      "subnet-ids": "subnet-xyz",
      "security-group-id": "sg-12",
      "ttl-minutes": "4",
      "evidence-bucket": "Bad_Bucket",
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^'instance-types' lists no instance type/),
        expect.stringMatching(/^'subnet-ids' has 'subnet-xyz', which is not a subnet id/),
        expect.stringMatching(/^'security-group-id' 'sg-12' is not a security group id/),
        expect.stringMatching(/^'ttl-minutes' must be from 5 to 2880, got 4/),
        expect.stringMatching(/^'evidence-bucket' 'Bad_Bucket' is not a valid S3 bucket name/),
        expect.stringMatching(/^'instance-profile' is required/),
      ]),
    );
  });

  it.each([
    ["ttl-minutes", "2881"],
    ["ttl-minutes", "1e3"],
    ["ttl-minutes", "60; rm -rf /"],
    ["root-volume-gb", "10"],
    ["instance-types", "m5.large"],
    ["instance-types", "g5g.xlarge"],
    ["instance-types", "g5.xlarge;reboot"],
    ["subnet-ids", "subnet-0123456789abcdef0 $(id)"],
    ["security-group-id", "sg-0123456789abcdef0`id`"],
    ["instance-profile", "name with spaces"],
    ["ami", "ami-123"],
    ["ami", "ssm:/x;y"],
    ["tags", "team=$(whoami)"],
    ["tags", "aws:cost=1"],
    ["tags", "managed-by=me"],
    ["tags", "novalue"],
    ["evidence-prefix", "/leading"],
    ["evidence-prefix", "a b"],
    ["aws-region", "mars-1"],
    ["role-to-assume", "arn:aws:iam::123:role/x"],
    ["market-type", "reserved"],
    ["max-cost-usd", "0"],
    ["max-cost-usd", "$5"],
    ["max-cost-usd", "-1"],
    ["max-cost-usd", "five"],
    ["k3s-version", "latest"],
    ["fail-on-regression", "yes"],
    ["suite", "suite.yaml|cat"],
    ["mode", "destroy"],
  ] as const)("rejects %s=%j before any AWS call", (name, value) => {
    const problems = problemsOf({ ...valid, [name]: value });
    expect(problems.some((p) => p.startsWith(`'${name}'`))).toBe(true);
  });

  it("reads market-type spot-then-on-demand and a max-cost-usd budget in dollars", () => {
    const s = parseSettings(reader({ ...valid, "market-type": "spot-then-on-demand", "max-cost-usd": "2.50" })) as RunSettings;
    expect(s.market).toBe("spot-then-on-demand");
    expect(s.maxCostUsd).toBe(2.5);
    expect((parseSettings(reader(valid)) as RunSettings).maxCostUsd).toBeUndefined();
    expect(problemsOf({ ...valid, "market-type": "cheap" })).toEqual([
      "'market-type' must be on-demand, spot or spot-then-on-demand, got 'cheap'",
    ]);
  });

  it("accepts tags with the characters AWS allows", () => {
    const s = parseSettings(reader({ ...valid, tags: "team=ml infra\ncost-center=42/a:b@c" })) as RunSettings;
    expect(s.tags).toEqual({ team: "ml infra", "cost-center": "42/a:b@c" });
  });

  it("accepts an AMI id or an SSM parameter", () => {
    expect((parseSettings(reader({ ...valid, ami: "ami-0123456789abcdef0" })) as RunSettings).ami).toEqual({
      kind: "id",
      id: "ami-0123456789abcdef0",
    });
    expect((parseSettings(reader({ ...valid, ami: "resolve:ssm:/my/ami" })) as RunSettings).ami).toEqual({
      kind: "ssm-parameter",
      name: "/my/ami",
    });
  });

  it("needs nothing but a region and credentials to sweep", () => {
    expect(parseSettings(reader({ mode: "sweep", "dry-run": "true" }))).toMatchObject({ mode: "sweep", dryRun: true });
  });

  it("refuses dry-run: true in mode run, which would launch and bill instances all the same", () => {
    expect(problemsOf({ ...valid, "dry-run": "true" })).toEqual([
      "'dry-run' lists what mode sweep would terminate; mode run has no dry run and would launch instances all the same: remove dry-run, or set mode: sweep",
    ]);
    expect(parseSettings(reader({ ...valid, "dry-run": "false" }))).toMatchObject({ mode: "run" });
  });

  it("refuses comment: never in mode comment, whose one job is to post the comment", () => {
    const base = { mode: "comment", results: "evidence/results.json", "github-token": "ghs_x" } as const;
    expect(problemsOf({ ...base, comment: "never" })).toEqual([
      "'comment' is never, but mode comment posts the comment and nothing else: leave comment empty, or do not run mode comment",
    ]);
    expect(parseSettings(reader(base))).toMatchObject({ mode: "comment", comment: "always" });
  });

  it("refuses a platform agent or platform-config without platform-api-url, which would run without the platform", () => {
    for (const [input, value] of [
      ["platform-agent-image", "ghcr.io/example/agent:1.2.3"],
      ["platform-agent-script", "ci/start-agent.sh"],
      ["platform-config", "ci/platform.yaml"],
    ] as const) {
      expect(problemsOf({ ...valid, [input]: value })).toEqual([
        `'${input}' is given but 'platform-api-url' is empty, so the run would not go through a platform: set platform-api-url (and platform-auth), or remove ${input}`,
      ]);
    }
  });

  it("reads suite and baseline-file only from inside the workspace", () => {
    for (const bad of ["../../etc/passwd", "/etc/passwd", "suites/../../secret.yaml", ".."]) {
      const problems = problemsOf({ ...valid, suite: bad, "baseline-file": bad });
      expect(problems).toEqual([
        expect.stringMatching(/^'suite' must be a relative path inside the repository .*no '\.\.'/),
        expect.stringMatching(/^'baseline-file' must be a relative path inside the repository/),
      ]);
    }
    const ok = parseSettings(reader({ ...valid, suite: "./suites/weekly.yaml", "baseline-file": "bench/..baseline.json" })) as RunSettings;
    expect(ok.suitePath).toBe("./suites/weekly.yaml");
  });

  it("rejects an evidence-prefix with '..', '.' or empty segments", () => {
    for (const bad of ["a/../b", "..", "a//b", "/a", "a/", "./a"]) {
      expect(problemsOf({ ...valid, "evidence-prefix": bad })).toEqual([
        expect.stringMatching(/^'evidence-prefix' must be a key prefix .*without empty, '\.' or '\.\.' segments/),
      ]);
    }
    expect((parseSettings(reader({ ...valid, "evidence-prefix": "team.a/gpu-bench" })) as RunSettings).evidencePrefix).toBe(
      "team.a/gpu-bench",
    );
  });

  it("names both partitions when the role ARN does not match the region's", () => {
    expect(problemsOf({ ...valid, "aws-region": "cn-north-1", "role-to-assume": "arn:aws:iam::123456789012:role/gpu-bench" })).toEqual([
      "'role-to-assume' is in partition 'aws' but 'aws-region' cn-north-1 is in partition 'aws-cn': give an ARN starting arn:aws-cn: (a role of that partition's account) or a region of partition 'aws'",
    ]);
    expect(
      problemsOf({
        ...valid,
        "role-to-assume": "arn:aws-us-gov:iam::123456789012:role/gpu-bench",
        "instance-profile": "arn:aws-cn:iam::123456789012:instance-profile/gpu-bench",
      }),
    ).toEqual([
      expect.stringMatching(/^'role-to-assume' is in partition 'aws-us-gov' but 'aws-region' us-west-2 is in partition 'aws'/),
      expect.stringMatching(/^'instance-profile' is in partition 'aws-cn' but 'aws-region' us-west-2 is in partition 'aws'/),
    ]);
    expect(
      parseSettings(reader({ ...valid, "aws-region": "us-gov-west-1", "role-to-assume": "arn:aws-us-gov:iam::123456789012:role/x" })),
    ).toMatchObject({ region: "us-gov-west-1" });
  });
});

describe("platform inputs", () => {
  const cognito: Partial<Record<InputName, string>> = {
    ...valid,
    "platform-api-url": "https://api.example.com/",
    "platform-agent-image": "ghcr.io/example/agent:1.2.3",
    "cognito-user-pool-id": "us-west-2_AbCdEf123",
    "cognito-client-id": "1example23456789",
    "cognito-username": "ci@example.com",
    "cognito-password": "correct horse",
  };

  it("has no platform when platform-api-url is empty", () => {
    expect((parseSettings(reader(valid)) as RunSettings).platform).toBeUndefined();
  });

  it("defaults to the radix preset, Cognito's admin flow with the ID token, and cluster gpu-bench", () => {
    const platform = (parseSettings(reader(cognito)) as RunSettings).platform!;
    expect(platform).toMatchObject({
      apiUrl: "https://api.example.com",
      preset: { kind: "radix" },
      clusterName: "gpu-bench",
      timeoutSeconds: 600,
      agent: { kind: "image", image: "ghcr.io/example/agent:1.2.3" },
      auth: { kind: "cognito", poolRegion: "us-west-2", flow: "admin", tokenUse: "id", clientSecret: undefined },
    });
  });

  it("platform-preset custom takes platform-config, a path in the repository; each misuse is named with its fix", () => {
    const platform = (
      parseSettings(reader({ ...cognito, "platform-preset": "custom", "platform-config": "ci/platform.yaml" })) as RunSettings
    ).platform!;
    expect(platform.preset).toEqual({ kind: "custom", configPath: "ci/platform.yaml" });
    expect(problemsOf({ ...cognito, "platform-preset": "custom" })).toEqual([
      expect.stringMatching(
        /^'platform-config' is required with platform-preset custom: a YAML file .* \(see examples\/platform-custom\.yaml\)/,
      ),
    ]);
    expect(problemsOf({ ...cognito, "platform-preset": "custom", "platform-config": "../x y.yaml" })).toEqual([
      "'platform-config' must be a path inside the repository, got '../x y.yaml'",
    ]);
    expect(problemsOf({ ...cognito, "platform-config": "ci/platform.yaml" })).toEqual([
      "'platform-config' is read only with platform-preset custom",
    ]);
    const sweep = parseSettings(
      reader({ ...cognito, mode: "sweep", "platform-preset": "custom", "platform-config": "ci/platform.yaml" }),
    ) as { platform?: { preset: unknown } };
    expect(sweep.platform?.preset).toEqual({ kind: "custom", configPath: "ci/platform.yaml" });
  });

  it("needs the pool id, client id, username and password for cognito auth, each named with its fix", () => {
    const problems = problemsOf({ ...valid, "platform-api-url": "https://api.example.com", "platform-agent-script": "ci/agent.sh" });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^'cognito-user-pool-id' is required with platform-auth cognito/),
        expect.stringMatching(/^'cognito-client-id' is required/),
        expect.stringMatching(/^'cognito-username' is required/),
        expect.stringMatching(/^'cognito-password' is required .*GPU_BENCH_COGNITO_PASSWORD/),
      ]),
    );
  });

  it("refuses bad values, naming the input and what it accepts", () => {
    const problems = problemsOf({
      ...cognito,
      "platform-api-url": "http://api.example.com",
      "cognito-user-pool-id": "pool",
      "cognito-auth-flow": "srp",
      "platform-token-use": "refresh",
      "cluster-name": "Bad_Name",
      "platform-timeout-seconds": "5",
      "platform-preset": "other",
    });
    expect(problems).toEqual([
      expect.stringMatching(/^'platform-api-url' must use https:\/\//),
      expect.stringMatching(/^'platform-preset' must be radix or custom \(with platform-config\), got 'other'/),
      expect.stringMatching(
        /^'cluster-name' must be 1 to 44 lowercase letters, digits and -, .* \(each run adds its own 19-character suffix\)/,
      ),
      expect.stringMatching(/^'cognito-user-pool-id' must be a user pool id/),
      expect.stringMatching(/^'cognito-auth-flow' must be admin or user, got 'srp'/),
      expect.stringMatching(/^'platform-token-use' must be id or access, got 'refresh'/),
      expect.stringMatching(/^'platform-timeout-seconds' must be from 30 to 7200/),
    ]);
  });

  it("never repeats a password written into platform-api-url in its error", () => {
    for (const url of [
      "http://ci:hunter2-secret@api.example.com",
      "https://ci:hunter2-secret@api.example.com/v1",
      "ftp://ci:hunter2-secret@x",
    ]) {
      for (const mode of ["run", "sweep"]) {
        const problems = problemsOf({ ...cognito, mode, "platform-api-url": url });
        expect(problems.join("\n")).not.toContain("hunter2-secret");
        expect(problems).toContainEqual(
          "'platform-api-url' must be a plain base URL: no credentials, query or fragment (give credentials through platform-auth)",
        );
      }
    }
    expect(problemsOf({ ...cognito, "platform-api-url": "https://ci:hunter2-secret@" })).toContain(
      "'platform-api-url' must be an https:// URL such as https://api.example.com, got 'https://…@'",
    );
  });

  it("needs exactly one way to start the agent", () => {
    const { "platform-agent-image": _image, ...noAgent } = cognito;
    expect(problemsOf(noAgent)).toEqual([expect.stringMatching(/^'platform-agent-image' or 'platform-agent-script' is required/)]);
    expect(problemsOf({ ...cognito, "platform-agent-script": "ci/agent.sh" })).toEqual([
      expect.stringMatching(/^'platform-agent-script' and 'platform-agent-image' are both given/),
    ]);
  });

  it("takes bearer, github-oidc and none, each with what it needs", () => {
    const base = { ...valid, "platform-api-url": "http://127.0.0.1:8080", "platform-agent-script": "ci/agent.sh" };
    expect(problemsOf({ ...base, "platform-auth": "bearer" })).toEqual([
      expect.stringMatching(/^'platform-token' is required .*GPU_BENCH_PLATFORM_TOKEN/),
    ]);
    expect(problemsOf({ ...base, "platform-auth": "github-oidc" })).toEqual([expect.stringMatching(/^'platform-audience' is required/)]);
    const oidc = parseSettings(
      reader({ ...base, "platform-auth": "github-oidc", "platform-audience": "platform.example.com" }),
    ) as RunSettings;
    expect(oidc.platform!.auth).toEqual({ kind: "github-oidc", audience: "platform.example.com" });
    expect((parseSettings(reader({ ...base, "platform-auth": "none" })) as RunSettings).platform!.auth).toEqual({ kind: "none" });
    expect(problemsOf({ ...base, "platform-auth": "basic" })).toEqual([
      expect.stringMatching(/^'platform-auth' must be cognito, bearer, github-oidc or none/),
    ]);
  });
});
