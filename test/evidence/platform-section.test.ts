import { describe, expect, it } from "vitest";
import { platformSection } from "../../src/evidence/platform-section.js";
import { PlatformRun, type Results } from "../../src/evidence/results.js";

const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 1, 0, s)).toISOString();

const platform = (over: Partial<PlatformRun> = {}): PlatformRun =>
  PlatformRun.parse({
    api: "https://api.radix.example",
    preset: "radix",
    auth: "cognito (admin flow, id token, pool us-west-2_AbCdEf123)",
    clusterName: "gpu-bench",
    clusterId: "c-1234abcd",
    agent: "ghcr.io/radix-ai/radix-agent:1.4.2",
    agentVersion: "1.4.2",
    secondsToActive: 12.5,
    steps: [
      { name: "login", startedAt: at(0), endedAt: at(1), status: "ok" },
      { name: "delete cluster", startedAt: at(40), endedAt: at(41), status: "ok" },
    ],
    jobs: [{ workload: "radix-resnet50", trial: 1, id: "j-1", status: "succeeded", metrics: { throughput: 512.25, duration_seconds: 30 } }],
    deleted: true,
    ...over,
  });

const withPlatform = (p?: PlatformRun) => ({ platform: p }) as unknown as Results;

describe("the evidence's Platform section", () => {
  it("is absent without a platform", () => {
    expect(platformSection(withPlatform(undefined))).toBeUndefined();
  });

  it("shows the cluster, the agent and its version, time to active, each step, each job's metrics and the deletion", () => {
    const text = platformSection(withPlatform(platform()))!;
    expect(text).toContain("## Platform");
    expect(text).toContain("| Cluster | `c-1234abcd` (gpu-bench) |");
    expect(text).toContain("| Agent | `ghcr.io/radix-ai/radix-agent:1.4.2`, version 1.4.2 |");
    expect(text).toContain("| Agent start to cluster active | 12.5 s |");
    expect(text).toContain("| Cluster deleted | yes |");
    expect(text).toMatch(/\| login \| 2026-12-06 01:00:00Z \| 1\.0 s \| ok \| — \|/);
    expect(text).toMatch(/\| radix-resnet50 \| 1 \| `j-1` \| succeeded \| 512\.3 \| 30\.00 \|/);
  });

  it("says a cluster was not deleted, with why, and one that never became active", () => {
    const text = platformSection(
      withPlatform(
        platform({ deleted: false, deleteError: "DELETE /v1/clusters/c-1234abcd answered HTTP 500", secondsToActive: undefined }),
      ),
    )!;
    expect(text).toContain(
      "| Cluster deleted | **no**: DELETE /v1/clusters/c-1234abcd answered HTTP 500 (the post step retries from the saved state) |",
    );
    expect(text).toContain("| Agent start to cluster active | never active |");
  });

  it("a refused create: not created; a create of unknown outcome whose lookup by name failed: perhaps created, deletion unknown", () => {
    const none = platformSection(withPlatform(platform({ clusterId: undefined, deleted: false, secondsToActive: undefined, jobs: [] })))!;
    expect(none).toContain("| Cluster | gpu-bench: not created |");
    expect(none).toContain("| Cluster deleted | no cluster was created |");
    const unknown = platformSection(
      withPlatform(
        platform({
          clusterId: undefined,
          deleted: false,
          deleteError: "Platform API GET /v1/clusters answered HTTP 500 5 times",
          secondsToActive: undefined,
          jobs: [],
        }),
      ),
    )!;
    expect(unknown).toContain("| Cluster | gpu-bench: perhaps created (its create's outcome is unknown) |");
    expect(unknown).toContain(
      "| Cluster deleted | **unknown**: the lookup by name failed: Platform API GET /v1/clusters answered HTTP 500 5 times (the post step retries by the name) |",
    );
  });
});
