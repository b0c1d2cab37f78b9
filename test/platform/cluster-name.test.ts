import { describe, expect, it } from "vitest";
import { isRunClusterName, runClusterName } from "../../src/platform/cluster-name.js";
import { sweepPlatformClusters } from "../../src/lifecycle/post.js";
import type { ClusterSummary } from "../../src/platform/api.js";
import { MemoryLog } from "../../src/runtime/log.js";

describe("the names of the tool's clusters", () => {
  it("are cluster-name, -gb, the run's nonce and 4 check digits, within 63 characters for a 44-character base", () => {
    const name = runClusterName("gpu-bench", "0123456789ab");
    expect(name).toMatch(/^gpu-bench-gb0123456789ab[0-9a-f]{4}$/);
    expect(runClusterName("gpu-bench", "0123456789ab")).toBe(name);
    expect(runClusterName("gpu-bench", "0123456789ac")).not.toBe(name);
    expect(runClusterName("a".repeat(44), "0123456789ab")).toHaveLength(63);
    expect(() => runClusterName("gpu-bench", "xyz")).toThrow(/A run nonce is 12 lowercase hex digits, got 'xyz'/);
  });

  it("are told apart from names a person gave: the bare base, other suffixes, a wrong check, another base", () => {
    const name = runClusterName("gpu-bench", "0123456789ab");
    expect(isRunClusterName("gpu-bench", name)).toBe(true);
    expect(isRunClusterName("gpu-bench", "gpu-bench")).toBe(false);
    expect(isRunClusterName("gpu-bench", "gpu-bench-prod")).toBe(false);
    expect(isRunClusterName("gpu-bench", "gpu-bench-gb0123456789ab")).toBe(false);
    const wrongCheck = name.slice(0, -4) + (name.endsWith("0000") ? "0001" : "0000");
    expect(isRunClusterName("gpu-bench", wrongCheck)).toBe(false);
    expect(isRunClusterName("gpu-bench", `${name}x`)).toBe(false);
    expect(isRunClusterName("gpu", name)).toBe(false);
    expect(isRunClusterName("other", runClusterName("other", "0123456789ab"))).toBe(true);
  });
});

describe("sweepPlatformClusters", () => {
  const now = new Date("2026-12-06T00:00:00Z");
  const old = "2026-12-01T00:00:00.000Z";
  const young = "2026-12-05T23:00:00.000Z";
  const ours = runClusterName("gpu-bench", "aaaaaaaaaaaa");
  const oursYoung = runClusterName("gpu-bench", "bbbbbbbbbbbb");
  const oursOtherBase = runClusterName("nightly", "cccccccccccc");
  const clusters: ClusterSummary[] = [
    { id: "c-ours-old", name: ours, createdAt: old },
    { id: "c-ours-young", name: oursYoung, createdAt: young },
    { id: "c-user-same-name", name: "gpu-bench", createdAt: old },
    { id: "c-user-lookalike", name: "gpu-bench-gb0123456789abffff", createdAt: old },
    { id: "c-other-base", name: oursOtherBase, createdAt: old },
    { id: "c-no-date", name: runClusterName("gpu-bench", "dddddddddddd") },
  ];
  const api = (deleteFails = new Set<string>()) => {
    const deleted: string[] = [];
    return {
      deleted,
      listClusters: async () => clusters,
      deleteCluster: async (id: string) => {
        if (deleteFails.has(id)) throw new Error(`Platform API DELETE /v1/clusters/${id} answered HTTP 500`);
        deleted.push(id);
        return true;
      },
    };
  };

  it("deletes only the tool's clusters from cluster-name older than the longest run; a user's same-named cluster survives", async () => {
    const a = api();
    const log = new MemoryLog();
    const swept = await sweepPlatformClusters(a, { clusterName: "gpu-bench", now, dryRun: false, log });
    expect(a.deleted).toEqual(["c-ours-old"]);
    expect(swept).toEqual({ clusters: ["c-ours-old"], failed: [] });
    expect(log.lines).toEqual([`Deleting platform cluster c-ours-old ('${ours}', created ${old})`]);
  });

  it("with dryRun lists them and deletes nothing; with none, says so", async () => {
    const a = api();
    const swept = await sweepPlatformClusters(a, { clusterName: "gpu-bench", now, dryRun: true, log: new MemoryLog() });
    expect(swept.clusters).toEqual(["c-ours-old"]);
    expect(a.deleted).toEqual([]);
    const log = new MemoryLog();
    await sweepPlatformClusters(a, { clusterName: "none-here", now, dryRun: false, log });
    expect(log.lines).toEqual(["No platform cluster of this tool named from 'none-here' older than 48 h."]);
  });

  it("a delete that fails is reported in failed, not thrown", async () => {
    const a = api(new Set(["c-ours-old"]));
    const swept = await sweepPlatformClusters(a, { clusterName: "gpu-bench", now, dryRun: false, log: new MemoryLog() });
    expect(swept.failed).toEqual([{ id: "platform cluster c-ours-old", reason: expect.stringContaining("answered HTTP 500") }]);
    expect(swept.clusters).toEqual([]);
  });
});
