import { DescribeInstancesCommand, EC2Client, TerminateInstancesCommand, type Instance } from "@aws-sdk/client-ec2";
import { DeleteParameterCommand, DescribeParametersCommand, ListTagsForResourceCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryLog } from "../../src/runtime/log.js";
import { cleanupAfterRun } from "../../src/lifecycle/post.js";
import { decodeState, type SavedRun } from "../../src/lifecycle/state.js";
import { CleanupError } from "../../src/cloud/ec2.js";
import { executePost, postFallbackFrom, type PostFallback, type PostRuntime } from "../../src/entry/post-step.js";
import { RADIX } from "../../src/platform/radix.js";
import { runClusterName } from "../../src/platform/cluster-name.js";
import type { PlatformDescription } from "../../src/platform/description.js";
import { InputError } from "../../src/config/inputs.js";
import { awsError, instantClock } from "../support/fakes.js";

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const ec2 = new EC2Client({ region: "us-west-2" });
const saved: SavedRun = {
  region: "us-west-2",
  roleDurationSeconds: 3600,
  sessionName: "gpu-bench-1-1",
  runTags: { "managed-by": "ephemeral-gpu-bench", "gpu-bench:run-id": "1" },
  clientTokenBase: "gpu-bench-abc",
  terminated: false,
};

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  // No node secret left by default (the run had no hf-token).
  ssmMock.on(DescribeParametersCommand).resolves({ Parameters: [] });
  // Default-chain credentials from the environment: the step resolves them before any EC2 call.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
});
afterEach(() => vi.unstubAllEnvs());

describe("the post step", () => {
  it("keeps looking for an instance whose launch main never saw answered, until it appears", async () => {
    let describes = 0;
    ec2Mock.on(DescribeInstancesCommand).callsFake((input: { Filters?: Array<{ Name: string }>; InstanceIds?: string[] }) => {
      if (input.InstanceIds) return { Reservations: [{ Instances: [{ InstanceId: "i-late", State: { Name: "shutting-down" } }] }] };
      // Eventually consistent: the new instance shows up on the fourth look.
      const visible = ++describes > 6 && input.Filters?.some((f) => f.Name === "client-token");
      return { Reservations: visible ? [{ Instances: [{ InstanceId: "i-late", State: { Name: "pending" } }] }] : [] };
    });
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    const out = await cleanupAfterRun({ ...saved, launching: "gpu-bench-abc-0" }, { ec2, clock: instantClock(), log: new MemoryLog() });
    expect(out.terminated).toEqual(["i-late"]);
  });

  it("terminates the saved instance and anything else carrying the run's tags", async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .callsFake((input: { InstanceIds?: string[] }) =>
        input.InstanceIds
          ? { Reservations: [{ Instances: input.InstanceIds.map((id) => ({ InstanceId: id, State: { Name: "shutting-down" } })) }] }
          : { Reservations: [{ Instances: [{ InstanceId: "i-tagged", State: { Name: "running" } }] }] },
      );
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    const out = await cleanupAfterRun({ ...saved, instanceIds: ["i-saved"] }, { ec2, clock: instantClock(), log: new MemoryLog() });
    expect(out.terminated.sort()).toEqual(["i-saved", "i-tagged"]);
  });

  it("terminates every node a multi-node run saved, each with its own call", async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .callsFake((input: { InstanceIds?: string[] }) =>
        input.InstanceIds
          ? { Reservations: [{ Instances: input.InstanceIds.map((id) => ({ InstanceId: id, State: { Name: "shutting-down" } })) }] }
          : { Reservations: [] },
      );
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    const out = await cleanupAfterRun(
      { ...saved, instanceIds: ["i-node0", "i-node1", "i-node2"] },
      { ec2, clock: instantClock(), log: new MemoryLog() },
    );
    expect(out.terminated.sort()).toEqual(["i-node0", "i-node1", "i-node2"]);
    expect(ec2Mock.commandCalls(TerminateInstancesCommand).map((c) => c.args[0].input.InstanceIds)).toHaveLength(3);
  });

  it("reads a state record saved before multi-node runs (one instanceId) as the list of one", () => {
    const old = JSON.stringify({ ...saved, instanceId: "i-0old" });
    expect(decodeState(old)).toEqual({ kind: "saved", run: { ...saved, instanceIds: ["i-0old"] } });
  });

  it("says there is nothing to do when main confirmed termination", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const out = await cleanupAfterRun(
      { ...saved, instanceIds: ["i-1"], terminated: true },
      { ec2, clock: instantClock(), log: new MemoryLog() },
    );
    expect(out).toMatchObject({ terminated: [], message: expect.stringMatching(/main terminated i-1/) });
    expect(ec2Mock.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });
});

describe("the post step without usable state", () => {
  const job = { runId: "77", attempt: 2, job: "bench", repository: "acme/gpu-stack", runner: "runner-3" };
  const inputs: Record<string, string> = { "aws-region": "eu-west-1", "subnet-ids": "subnet-0123456789abcdef0" };
  const read = (name: string) => inputs[name] ?? "";
  const fallback = () =>
    postFallbackFrom(
      (n) =>
        n === "security-group-id"
          ? "sg-0123456789abcdef0"
          : n === "instance-profile"
            ? "p"
            : n === "evidence-bucket"
              ? "bucket-x"
              : read(n),
      job,
      process.cwd(),
    );

  it.each([
    ["missing", decodeState("")],
    ["schema-invalid", decodeState(JSON.stringify({ region: 42 }))],
    ["corrupt JSON", decodeState('{"region": "us-west-2", "instanceI')],
  ] as const)("state %s: rebuilds the search from its environment and terminates what it finds", async (_kind, loaded) => {
    expect(loaded.kind).not.toBe("saved");
    ec2Mock
      .on(DescribeInstancesCommand)
      .callsFake((input: { Filters?: Array<{ Name: string; Values: string[] }>; InstanceIds?: string[] }) =>
        input.InstanceIds
          ? { Reservations: [{ Instances: [{ InstanceId: "i-found", State: { Name: "shutting-down" } }] }] }
          : { Reservations: [{ Instances: [{ InstanceId: "i-found", State: { Name: "running" } }] }] },
      );
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    const log = new MemoryLog();
    const out = await executePost(loaded, { env: {}, log, clock: instantClock() }, fallback);
    expect(out.terminated).toEqual(["i-found"]);
    const search = ec2Mock.commandCalls(DescribeInstancesCommand).find((c) => c.args[0].input.Filters)!.args[0].input.Filters;
    expect(search).toEqual(
      expect.arrayContaining([
        { Name: "tag:gpu-bench:repository", Values: ["acme/gpu-stack"] },
        { Name: "tag:gpu-bench:run-id", Values: ["77"] },
        { Name: "tag:gpu-bench:run-attempt", Values: ["2"] },
        { Name: "tag:gpu-bench:job", Values: ["bench"] },
        // Matrix legs share the rest: the runner keeps the search to this leg's instance.
        { Name: "tag:gpu-bench:runner", Values: ["runner-3"] },
      ]),
    );
    expect(log.lines.join("\n")).toMatch(/Searching eu-west-1 for this job's instances by their tags/);
  });

  it("never says 'nothing to clean up' without having searched, unless main refused the same inputs", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const out = await executePost({ kind: "missing" }, { env: {}, log: new MemoryLog(), clock: instantClock() }, fallback);
    expect(out.message).toMatch(/Nothing to clean up: no instance of this run is alive/);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand).length).toBeGreaterThan(0);

    ec2Mock.reset();
    const refused = await executePost({ kind: "missing" }, { env: {}, log: new MemoryLog(), clock: instantClock() }, () =>
      postFallbackFrom((n) => (n === "ttl-minutes" ? "4" : ""), job, process.cwd()),
    );
    expect(refused.message).toMatch(/main refuses these same inputs/);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

describe("the post step without usable state, for a run through a platform", () => {
  const tags = { "managed-by": "ephemeral-gpu-bench", "gpu-bench:run-id": "77", "gpu-bench:runner": "runner-3" };
  const fallback = (): PostFallback => ({
    search: {
      access: { region: "eu-west-1", roleDurationSeconds: 900 },
      tags,
      sessionName: "gpu-bench-77-1",
      platform: { apiUrl: "https://radix.example", clusterNameBase: "gpu-bench", description: () => RADIX },
    },
  });
  const instance = (id: string, nonce?: string): Instance => ({
    InstanceId: id,
    State: { Name: "terminated" },
    Tags: nonce ? [{ Key: "gpu-bench:nonce", Value: nonce }] : [],
  });

  it.each([
    ["nothing carries a nonce", [instance("i-1")], /nothing of this run carries its nonce/],
    [
      "instances of two runs carry nonces",
      [instance("i-1", "0123456789ab"), instance("i-2", "ba9876543210")],
      /2 runs' instances or parameters carry nonces \(0123456789ab, ba9876543210\), and another run may still use its cluster/,
    ],
  ])("%s: the cluster cannot be named, and the warning says the sweep deletes it and how to find it", async (_case, found, why) => {
    // Terminated ones, which a search of live instances does not see.
    ec2Mock
      .on(DescribeInstancesCommand)
      .callsFake((input: { Filters?: Array<{ Name: string }> }) =>
        input.Filters?.some((f) => f.Name === "instance-state-name") ? { Reservations: [] } : { Reservations: [{ Instances: found }] },
      );
    const log = new MemoryLog();
    const platformAuth = vi.fn();
    const out = await executePost({ kind: "missing" }, { env: {}, log, clock: instantClock(), platformAuth }, fallback);
    expect(out.terminated).toEqual([]);
    const warning = log.lines.find((l) => l.includes("cannot be named"));
    expect(warning).toMatch(why);
    expect(warning).toContain("Mode sweep deletes clusters named from cluster-name 'gpu-bench' once they are older than 2880 minutes");
    expect(warning).toContain("https://radix.example");
    // Nothing to delete by: the platform is never logged in to.
    expect(platformAuth).not.toHaveBeenCalled();
    // The nonce search looks at every state (main may have terminated its instances), by the run's tags.
    const searches = ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input.Filters ?? []);
    expect(searches.some((f) => !f.some((x) => x.Name === "instance-state-name") && f.some((x) => x.Name === "tag:gpu-bench:run-id"))).toBe(
      true,
    );
  });
});

describe("the post step without usable state names the run's platform cluster from its nonce", () => {
  const nonce = "0123456789ab";
  const fallback = (description: () => PlatformDescription = () => RADIX): PostFallback => ({
    search: {
      access: { region: "eu-west-1", roleDurationSeconds: 900 },
      tags: { "managed-by": "ephemeral-gpu-bench", "gpu-bench:run-id": "77" },
      sessionName: "gpu-bench-77-1",
      platform: { apiUrl: "https://radix.example", clusterNameBase: "gpu-bench", description },
    },
  });
  const tagged = (id: string, state: "running" | "terminated", n: string): Instance => ({
    InstanceId: id,
    State: { Name: state },
    Tags: [{ Key: "gpu-bench:nonce", Value: n }],
  });
  const instances = (found: Instance[]) =>
    ec2Mock.on(DescribeInstancesCommand).callsFake((input: { Filters?: Array<{ Name: string }>; InstanceIds?: string[] }) => {
      if (input.InstanceIds)
        return { Reservations: [{ Instances: input.InstanceIds.map((id) => ({ InstanceId: id, State: { Name: "shutting-down" } })) }] };
      const liveOnly = input.Filters?.some((f) => f.Name === "instance-state-name");
      return { Reservations: [{ Instances: found.filter((i) => !liveOnly || i.State?.Name === "running") }] };
    });
  // Without the platform inputs here, the step fails naming the cluster it would have deleted.
  const rt = (): PostRuntime => ({ env: {}, log: new MemoryLog(), clock: instantClock() });

  it("main died before its launch: the nonce on the run's onboarding-token parameter, read before the parameter is deleted", async () => {
    instances([]);
    const parameter = "/gpu-bench/gpu-bench/runs/gpu-bench-abc/platform-onboarding-token";
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: parameter }] });
    ssmMock.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: "gpu-bench:nonce", Value: nonce }] });
    ssmMock.on(DeleteParameterCommand).resolves({});
    await expect(executePost({ kind: "missing" }, rt(), () => fallback())).rejects.toThrow(
      `Platform cluster named '${runClusterName("gpu-bench", nonce)}' at https://radix.example may still exist`,
    );
    const order = ssmMock.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf("ListTagsForResourceCommand")).toBeGreaterThanOrEqual(0);
    expect(order.indexOf("ListTagsForResourceCommand")).toBeLessThan(order.indexOf("DeleteParameterCommand"));
  });

  it("a live instance's nonce wins over an earlier leg's terminated one on the same runner", async () => {
    instances([tagged("i-old", "terminated", "ba9876543210"), tagged("i-now", "running", nonce)]);
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    await expect(executePost({ kind: "missing" }, rt(), () => fallback())).rejects.toThrow(`'${runClusterName("gpu-bench", nonce)}'`);
    expect(ec2Mock.commandCalls(TerminateInstancesCommand)[0]!.args[0].input.InstanceIds).toEqual(["i-now"]);
  });

  it("a platform-config that cannot be read here: the instances are still terminated, and the error names the cluster", async () => {
    instances([tagged("i-now", "running", nonce)]);
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    const unreadable = () => {
      throw new InputError(["'platform-config' names 'radix.yaml', which cannot be read (ENOENT)"]);
    };
    const error = await executePost({ kind: "missing" }, rt(), () => fallback(unreadable)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanupError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Platform cluster '${runClusterName("gpu-bench", nonce)}' at https://radix\\.example may still exist, and how to delete it cannot be read here \\(.*ENOENT.*\\): find it by that name`,
      ),
    );
    expect(ec2Mock.commandCalls(TerminateInstancesCommand)[0]!.args[0].input.InstanceIds).toEqual(["i-now"]);
  });
});

describe("a post step that cannot get credentials", () => {
  it("names the instance that may be billing and how to terminate it by hand", async () => {
    const run: SavedRun = { ...saved, roleToAssume: "arn:aws:iam::123456789012:role/gpu-bench", instanceIds: ["i-0abc"] };
    // No OIDC token can be requested (id-token permission missing): no credentials at all.
    const post = executePost({ kind: "saved", run }, { env: {}, log: new MemoryLog(), clock: instantClock() }, () => {
      throw new Error("unused");
    });
    await expect(post).rejects.toThrow(CleanupError);
    await expect(post).rejects.toThrow(/could not get usable AWS credentials/);
    await expect(post).rejects.toThrow(
      /Not confirmed terminated: i-0abc\. Terminate it by hand: aws ec2 terminate-instances --region us-west-2 --instance-ids i-0abc/,
    );
    await expect(post).rejects.toThrow(/i-0abc may still be running and billing/);
    await expect(post).rejects.toThrow(
      /aws ec2 describe-instances --region us-west-2 --filters 'Name=tag:managed-by,Values=ephemeral-gpu-bench'/,
    );
  });

  it("says the same when expired credentials are refused by EC2", async () => {
    ec2Mock.on(DescribeInstancesCommand).rejects(awsError("RequestExpired", "Request has expired."));
    const post = executePost(
      { kind: "saved", run: { ...saved, instanceIds: ["i-0def"] } },
      { env: {}, log: new MemoryLog(), clock: instantClock() },
      () => {
        throw new Error("unused");
      },
    );
    await expect(post).rejects.toThrow(/could not get usable AWS credentials: RequestExpired\n.*i-0def/s);
  });
});

describe("the post step and the run's node secrets", () => {
  it("deletes the parameter the state names and any carrying the run's tags, after terminating", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: "/gpu-bench/gpu-bench/runs/b/hf-token" }] });
    ssmMock.on(DeleteParameterCommand).resolves({});
    const run: SavedRun = {
      ...saved,
      terminated: true,
      instanceIds: ["i-0abc"],
      secretParameters: ["/gpu-bench/gpu-bench/runs/a/hf-token"],
    };
    const log = new MemoryLog();
    await executePost({ kind: "saved", run }, { env: {}, log, clock: instantClock() }, () => {
      throw new Error("unused");
    });
    expect(ssmMock.commandCalls(DeleteParameterCommand).map((c) => c.args[0].input.Name)).toEqual([
      "/gpu-bench/gpu-bench/runs/a/hf-token",
      "/gpu-bench/gpu-bench/runs/b/hf-token",
    ]);
    const search = ssmMock.commandCalls(DescribeParametersCommand)[0]!.args[0].input.ParameterFilters!;
    expect(search).toContainEqual({ Key: "Path", Option: "Recursive", Values: ["/gpu-bench/gpu-bench/runs"] });
    expect(search).toContainEqual({ Key: "tag:gpu-bench:run-id", Values: ["1"] });
  });

  it("a parameter it cannot delete fails the step with its name and how to delete it, the instance being gone", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ssmMock.on(DeleteParameterCommand).rejects(awsError("AccessDeniedException", "not allowed"));
    const run: SavedRun = {
      ...saved,
      terminated: true,
      instanceIds: ["i-0abc"],
      secretParameters: ["/gpu-bench/gpu-bench/runs/a/hf-token"],
    };
    const post = executePost({ kind: "saved", run }, { env: {}, log: new MemoryLog(), clock: instantClock() }, () => {
      throw new Error("unused");
    });
    await expect(post).rejects.toThrow(
      /Could not delete every secret parameter of that run: \/gpu-bench\/gpu-bench\/runs\/a\/hf-token \(AccessDeniedException\)\. Delete them with aws ssm delete-parameter --region us-west-2/,
    );
  });
});
