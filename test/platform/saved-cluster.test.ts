import { describe, expect, it } from "vitest";
import { deleteSavedCluster } from "../../src/lifecycle/post.js";
import { SavedRun } from "../../src/lifecycle/state.js";
import type { PlatformConnection } from "../../src/platform/connect.js";
import type { ClusterSummary, PlatformApi } from "../../src/platform/api.js";
import { RADIX } from "../../src/platform/radix.js";
import { MemoryLog } from "../../src/runtime/log.js";

// The post step's deletion of the cluster main's state names: by its id, or by the run's own name
// when main was killed before the platform's reply named the id.

const API = "https://platform.example.com";
const NAME = "gpu-bench-gb0123456789ab1f2e";

function platform(clusters: ClusterSummary[], o: { deleteFails?: boolean } = {}) {
  const deleted: string[] = [];
  let closed = 0;
  const api = {
    listClusters: async () => clusters.filter((c) => !deleted.includes(c.id)),
    deleteCluster: async (id: string) => {
      if (o.deleteFails) throw new Error(`Platform API DELETE /v1/clusters/${id} answered HTTP 500`);
      if (!clusters.some((c) => c.id === id) || deleted.includes(id)) return false;
      deleted.push(id);
      return true;
    },
  } as Pick<PlatformApi, "listClusters" | "deleteCluster">;
  const connect = async (): Promise<PlatformConnection> => ({ api: api as PlatformApi, close: async () => void closed++ });
  return { connect, deleted, closed: () => closed };
}

describe("deleteSavedCluster", () => {
  it("deletes the cluster by its saved id and closes the connection", async () => {
    const p = platform([{ id: "c-1", name: NAME }]);
    const log = new MemoryLog();
    expect(
      await deleteSavedCluster({ platform: { apiUrl: API, clusterName: NAME, clusterId: "c-1", deleted: false } }, p.connect, log),
    ).toEqual(["c-1"]);
    expect(p.deleted).toEqual(["c-1"]);
    expect(p.closed()).toBe(1);
    expect(log.lines).toEqual(["Deleted platform cluster c-1."]);
  });

  it("without an id (main killed before the reply), deletes the cluster with the run's name and leaves others alone", async () => {
    const p = platform([
      { id: "c-users", name: "gpu-bench" },
      { id: "c-run", name: NAME },
      { id: "c-other-run", name: "gpu-bench-gb111111111111aaaa" },
    ]);
    const log = new MemoryLog();
    expect(await deleteSavedCluster({ platform: { apiUrl: API, clusterName: NAME, deleted: false } }, p.connect, log)).toEqual(["c-run"]);
    expect(p.deleted).toEqual(["c-run"]);
    expect(log.lines).toEqual([
      `Deleted platform cluster c-run ('${NAME}'), whose id main never heard (stopped first, or its create got no answer).`,
    ]);
  });

  it("without an id and no cluster of that name, says main created none", async () => {
    const p = platform([{ id: "c-users", name: "gpu-bench" }]);
    const log = new MemoryLog();
    expect(await deleteSavedCluster({ platform: { apiUrl: API, clusterName: NAME, deleted: false } }, p.connect, log)).toEqual([]);
    expect(p.deleted).toEqual([]);
    expect(log.lines).toEqual([`No platform cluster named '${NAME}': main created none, or deleted it.`]);
  });

  it("does nothing when main confirmed the deletion or there was no platform", async () => {
    const p = platform([{ id: "c-1", name: NAME }]);
    expect(await deleteSavedCluster({ platform: { apiUrl: API, clusterId: "c-1", deleted: true } }, p.connect, new MemoryLog())).toEqual(
      [],
    );
    expect(await deleteSavedCluster({}, p.connect, new MemoryLog())).toEqual([]);
    expect(p.deleted).toEqual([]);
  });

  it("without the platform inputs, fails naming the cluster and how to delete it by hand", async () => {
    await expect(
      deleteSavedCluster({ platform: { apiUrl: API, clusterId: "c-1", deleted: false } }, undefined, new MemoryLog()),
    ).rejects.toThrow(
      `Platform cluster c-1 at ${API} may still exist and the platform inputs are not available here to delete it: delete it by hand: DELETE ${API}/v1/clusters/c-1 with the CI user's token.`,
    );
    await expect(
      deleteSavedCluster({ platform: { apiUrl: API, clusterName: NAME, deleted: false } }, undefined, new MemoryLog()),
    ).rejects.toThrow(`Platform cluster named '${NAME}' at ${API} may still exist`);
  });

  it("a refused delete or login fails naming the cluster, and the connection is closed", async () => {
    const p = platform([{ id: "c-run", name: NAME }], { deleteFails: true });
    await expect(
      deleteSavedCluster({ platform: { apiUrl: API, clusterName: NAME, deleted: false } }, p.connect, new MemoryLog()),
    ).rejects.toThrow(
      `Could not delete platform cluster named '${NAME}': Platform API DELETE /v1/clusters/c-run answered HTTP 500. Find it by hand (GET ${API}/v1/clusters) and delete it (DELETE ${API}/v1/clusters/{clusterId}) with the CI user's token.`,
    );
    expect(p.closed()).toBe(1);
    const refused = async (): Promise<PlatformConnection> => {
      throw new Error("Cognito login failed (NotAuthorizedException)");
    };
    await expect(
      deleteSavedCluster({ platform: { apiUrl: API, clusterId: "c-1", deleted: false } }, refused, new MemoryLog()),
    ).rejects.toThrow(/^Could not delete platform cluster c-1: Cognito login failed \(NotAuthorizedException\)\. Delete it by hand/);
  });

  it("the saved platform of an older state (id only, no name or description) still reads; one naming neither id nor name does not", () => {
    const platformOf = SavedRun.shape.platform;
    expect(platformOf.parse({ apiUrl: API, clusterId: "c-1" })).toEqual({ apiUrl: API, clusterId: "c-1", deleted: false });
    expect(platformOf.safeParse({ apiUrl: API, deleted: false }).error?.issues[0]?.message).toBe(
      "names neither the cluster's id nor its name",
    );
  });

  it("the by-hand advice follows the saved description (a custom API's delete)", async () => {
    const log = new MemoryLog();
    const description = {
      ...RADIX,
      cluster: { ...RADIX.cluster, delete: { method: "POST" as const, path: "/api/v2/workspaces/{clusterId}/archive" } },
    };
    await expect(
      deleteSavedCluster({ platform: { apiUrl: API, clusterId: "w-1", description, deleted: false } }, undefined, log),
    ).rejects.toThrow(`delete it by hand: POST ${API}/api/v2/workspaces/w-1/archive with the CI user's token.`);
  });
});
