import { describe, expect, it } from "vitest";
import { parseSettings, type RunSettings } from "../../src/config/inputs.js";
import { MANAGED_BY, TagKeys, type InputName } from "../../src/config/names.js";
import { DEFAULT_SUITE, suiteHash } from "../../src/config/suite.js";
import type { RunIdentity } from "../../src/lifecycle/identity.js";
import { DEADLINE_MARGIN_SECONDS, assembleResults, planRun, type RunFacts } from "../../src/lifecycle/plan.js";

const inputs: Partial<Record<InputName, string>> = {
  "subnet-ids": "subnet-0aaaaaaaaaaaaaaaa\nsubnet-0bbbbbbbbbbbbbbbb",
  "instance-types": "g6.xlarge,g5.xlarge",
  "security-group-id": "sg-0123456789abcdef0",
  "instance-profile": "gpu-bench-instance",
  "evidence-bucket": "my-evidence-bucket",
  "evidence-prefix": "bench/gpu",
  "ttl-minutes": "30",
  tags: "team=ml\nproject=gpu-bench",
};
const settings = parseSettings((name) => inputs[name] ?? "") as RunSettings;
const identity: RunIdentity = {
  runId: "4242",
  attempt: 2,
  runNumber: 7,
  job: "bench",
  repository: "acme/models",
  nonce: "0a1b2c3d4e5f",
  sha: "abc123",
};
const now = new Date("2025-06-01T12:00:00.000Z");
const tool = { name: "ephemeral-gpu-bench", version: "0.1.0" };

describe("planRun decides the whole run before anything is spent", () => {
  it("expires the instance ttl-minutes after the start and stops the run a margin before that", () => {
    const plan = planRun(settings, DEFAULT_SUITE, identity, now);
    expect(plan.startedAt).toEqual(now);
    expect(plan.expiresAt.toISOString()).toBe("2025-06-01T12:30:00.000Z");
    expect(plan.deadlineAt).toBe(plan.expiresAt.getTime() - DEADLINE_MARGIN_SECONDS * 1000);
  });

  it("tries every subnet for the preferred type before the next type", () => {
    const plan = planRun(settings, DEFAULT_SUITE, identity, now);
    expect(plan.launch.candidates).toEqual([
      { instanceType: "g6.xlarge", subnetId: "subnet-0aaaaaaaaaaaaaaaa" },
      { instanceType: "g6.xlarge", subnetId: "subnet-0bbbbbbbbbbbbbbbb" },
      { instanceType: "g5.xlarge", subnetId: "subnet-0aaaaaaaaaaaaaaaa" },
      { instanceType: "g5.xlarge", subnetId: "subnet-0bbbbbbbbbbbbbbbb" },
    ]);
  });

  it("spot-then-on-demand tries spot over every candidate, then on-demand over every candidate", () => {
    expect(planRun(settings, DEFAULT_SUITE, identity, now).launch.markets).toEqual(["on-demand"]);
    expect(planRun({ ...settings, market: "spot" }, DEFAULT_SUITE, identity, now).launch.markets).toEqual(["spot"]);
    const both = planRun({ ...settings, market: "spot-then-on-demand", maxCostUsd: 3 }, DEFAULT_SUITE, identity, now);
    expect(both.launch.markets).toEqual(["spot", "on-demand"]);
    expect(both).toMatchObject({ maxCostUsd: 3, ttlMinutes: settings.ttlMinutes });
  });

  it("tags the instance with the user's tags and the run's own, which the post step searches by", () => {
    const plan = planRun(settings, DEFAULT_SUITE, identity, now);
    expect(plan.runTags).toEqual({
      [MANAGED_BY.key]: MANAGED_BY.value,
      [TagKeys.repository]: "acme/models",
      [TagKeys.runId]: "4242",
      [TagKeys.attempt]: "2",
      [TagKeys.job]: "bench",
      // Matrix legs share everything above: the nonce is this job instance's own.
      [TagKeys.nonce]: "0a1b2c3d4e5f",
    });
    expect(plan.tags).toEqual({ team: "ml", project: "gpu-bench", ...plan.runTags });
    expect(plan.saved).toEqual({
      region: settings.region,
      roleToAssume: settings.roleToAssume,
      roleDurationSeconds: settings.roleDurationSeconds,
      sessionName: "gpu-bench-4242-2",
      runTags: plan.runTags,
      clientTokenBase: plan.clientTokenBase,
      terminated: false,
      // None put yet: the post step searches for node secrets only when a state names some (or is lost).
      secretParameters: [],
    });
  });

  it("gives a retried job the same client-token base and a new attempt a different one", () => {
    const again = planRun(settings, DEFAULT_SUITE, identity, new Date(now.getTime() + 60_000));
    const nextAttempt = planRun(settings, DEFAULT_SUITE, { ...identity, attempt: 3 }, now);
    const first = planRun(settings, DEFAULT_SUITE, identity, now);
    expect(first.clientTokenBase).toMatch(/^gpu-bench-[0-9a-f]{24}$/);
    expect(again.clientTokenBase).toBe(first.clientTokenBase);
    expect(nextAttempt.clientTokenBase).not.toBe(first.clientTokenBase);
    // Matrix legs share run id, attempt and job: their nonces keep their tokens apart.
    const otherLeg = planRun(settings, DEFAULT_SUITE, { ...identity, nonce: "ffeeddccbbaa" }, now);
    expect(otherLeg.clientTokenBase).not.toBe(first.clientTokenBase);
    expect(otherLeg.runTags["gpu-bench:nonce"]).toBe("ffeeddccbbaa");
  });

  it("keeps the run's raw files under <evidence-prefix>/runs/<run id>-<attempt>-<nonce>", () => {
    const plan = planRun(settings, DEFAULT_SUITE, identity, now);
    expect(plan.evidence).toEqual({
      bucket: "my-evidence-bucket",
      rawPrefix: "bench/gpu/runs/4242-2-0a1b2c3d4e5f",
      ssmPrefix: "bench/gpu/runs/4242-2-0a1b2c3d4e5f/ssm",
      diagnosticsKey: "bench/gpu/runs/4242-2-0a1b2c3d4e5f/diagnostics.txt",
    });
  });

  it("uses role-session-name when given, and names the suite by its hash", () => {
    const plan = planRun({ ...settings, roleSessionName: "nightly" }, DEFAULT_SUITE, identity, now);
    expect(plan.sessionName).toBe("nightly");
    expect(plan.saved.sessionName).toBe("nightly");
    expect(plan.suite).toMatchObject({ name: DEFAULT_SUITE.name, hash: suiteHash(DEFAULT_SUITE) });
    expect(plan.node.images.length).toBeGreaterThan(0);
  });
});

function facts(extra: Partial<RunFacts> = {}): RunFacts {
  return {
    instances: [],
    terminated: false,
    phases: [],
    workloads: [],
    faults: [],
    outcome: { status: "succeeded" },
    endedAt: new Date(now.getTime() + 600_000),
    ...extra,
  };
}

describe("assembleResults describes the run from its plan and its facts", () => {
  const plan = planRun(settings, DEFAULT_SUITE, identity, now);
  const instance = {
    id: "i-0123456789abcdef0",
    type: "g6.xlarge",
    market: "on-demand" as const,
    subnetId: "subnet-0bbbbbbbbbbbbbbbb",
    availabilityZone: "us-west-2b",
    clientToken: `${plan.clientTokenBase}-1`,
    launchedAt: new Date(now.getTime() + 5_000),
  };

  it("a run that never launched has no instance, and says where its raw files are", () => {
    const results = assembleResults(plan, facts({ outcome: { status: "failed", failedPhase: "resolve image", message: "no AMI" } }), tool);
    expect(results.instance).toBeUndefined();
    expect(results.run).toMatchObject({
      id: "4242",
      attempt: 2,
      number: 7,
      job: "bench",
      repository: "acme/models",
      startedAt: "2025-06-01T12:00:00.000Z",
      endedAt: "2025-06-01T12:10:00.000Z",
    });
    expect(results.outcome).toEqual({ status: "failed", failedPhase: "resolve image", message: "no AMI" });
    expect(results.locations.rawPrefix).toBe("s3://my-evidence-bucket/bench/gpu/runs/4242-2-0a1b2c3d4e5f");
    expect(results.tool).toEqual(tool);
  });

  it("the instance's zone is the one it launched in; terminatedAt only once termination was confirmed", () => {
    const image = { id: "ami-0123456789abcdef0", name: "Deep Learning Base", rootDeviceName: "/dev/sda1" };
    const running = assembleResults(plan, facts({ image, instances: [instance] }), tool);
    expect(running.instance).toEqual({
      id: instance.id,
      type: "g6.xlarge",
      availabilityZone: "us-west-2b",
      region: settings.region,
      market: "on-demand",
      amiId: image.id,
      amiName: image.name,
      launchedAt: "2025-06-01T12:00:05.000Z",
    });
    const terminated = assembleResults(plan, facts({ image, instances: [instance], terminated: true }), tool);
    expect(terminated.instance?.terminatedAt).toBe("2025-06-01T12:10:00.000Z");
  });

  it("the instance carries the market it actually ran in, its price per hour and where and when that price was read", () => {
    const price = {
      market: "spot" as const,
      perHourUsd: 0.3921,
      source: "ec2-spot-price-history" as const,
      detail: "EC2 DescribeSpotPriceHistory: g6.xlarge, Linux/UNIX, us-west-2b, latest",
      fetchedAt: "2025-06-01T12:00:06.000Z",
      effectiveAt: "2025-06-01T11:00:00.000Z",
    };
    const onDemandPrice = {
      ...price,
      market: "on-demand" as const,
      perHourUsd: 0.8048,
      source: "dated-table" as const,
      fetchedAt: undefined,
    };
    const results = assembleResults(plan, facts({ instances: [{ ...instance, market: "spot" }], price, onDemandPrice }), tool);
    expect(results.instance).toMatchObject({ market: "spot", pricePerHourUsd: 0.3921, price, onDemandPrice });
  });

  it("lists phases in time order and carries the diagnostics' place and tail", () => {
    const phase = (name: string, at: string) => ({ name, startedAt: at, endedAt: at, status: "ok" as const });
    const results = assembleResults(
      plan,
      facts({
        instances: [instance],
        phases: [phase("probe", "2025-06-01T12:02:00.000Z"), phase("launch", "2025-06-01T12:00:01.000Z")],
        outcome: { status: "failed", failedPhase: "node bootstrap", message: "device plugin" },
        diagnostics: { uri: "s3://my-evidence-bucket/bench/gpu/runs/4242-2-0a1b2c3d4e5f/diagnostics.txt", tail: "Xid 79" },
      }),
      tool,
    );
    expect(results.phases.map((p) => p.name)).toEqual(["launch", "probe"]);
    expect(results.locations.diagnostics).toBe("s3://my-evidence-bucket/bench/gpu/runs/4242-2-0a1b2c3d4e5f/diagnostics.txt");
    expect(results.diagnosticsTail).toBe("Xid 79");
  });
});

describe("planRun with suite efa", () => {
  it("launches with EFA into the run's own cluster placement group, even on one node; neither without efa", () => {
    const efa = planRun(settings, { ...DEFAULT_SUITE, efa: true }, identity, now).launch;
    expect(efa.efa).toBe(true);
    expect(efa.nodes).toBe(1);
    expect(efa.placementGroup).toBe(planRun(settings, { ...DEFAULT_SUITE, nodes: 2 }, identity, now).launch.placementGroup);
    expect(efa.placementGroup).toBeTruthy();
    const plain = planRun(settings, DEFAULT_SUITE, identity, now).launch;
    expect(plain.efa).toBe(false);
    expect(plain.placementGroup).toBeUndefined();
  });

  it("hashes a suite with efa apart from the same suite without (its history is its own)", () => {
    expect(suiteHash({ ...DEFAULT_SUITE, efa: true })).not.toBe(suiteHash(DEFAULT_SUITE));
  });
});
