import { readFileSync } from "node:fs";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlatformApi } from "../../src/platform/api.js";
import { PlatformClient } from "../../src/platform/client.js";
import {
  deleteRequest,
  fillBody,
  fillPath,
  parsePlatformDescription,
  PlatformConfigError,
  PlatformDescription,
  readJsonPath,
} from "../../src/platform/description.js";
import { RADIX } from "../../src/platform/radix.js";
import type { Clock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { startPlatformStandIn, type PlatformStandIn } from "../../stand-in/platform.js";

const EXAMPLE = readFileSync(new URL("../../examples/platform-custom.yaml", import.meta.url), "utf8");
const SOURCE = "'platform-config' (ci/platform.yaml)";

/** The problems parsePlatformDescription lists for `text`. */
function problems(text: string): string[] {
  try {
    parsePlatformDescription(text, SOURCE);
  } catch (error) {
    if (error instanceof PlatformConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("platform-config descriptions", () => {
  it("radix is an instance of the same description, and the example describes the stand-in's workspaces API", () => {
    expect(PlatformDescription.parse(RADIX)).toEqual(RADIX);
    const example = parsePlatformDescription(EXAMPLE, SOURCE);
    expect(example.cluster.status.active).toEqual(["READY"]);
    expect(example.cluster.delete).toEqual({ method: "POST", path: "/api/v2/workspaces/{clusterId}/archive" });
    expect(example.jobs.metrics?.metrics).toBe("$.values");
  });

  it("names each bad field and the fix", () => {
    const bad = EXAMPLE.replace("id: $.workspace.uid", "id: workspace.uid")
      .replace("path: /api/v2/workspaces/{clusterId}/agent-tokens", "path: /api/v2/workspaces/{jobId}/agent-tokens")
      .replace('body: { kind: "{type}", config: "{params}" }', 'body: { kind: "{type}", config: "{param}" }')
      .replace("    method: GET\n    path: /api/v2/workspaces\n", "    method: FETCH\n    path: api/v2/workspaces\n")
      .replace("    succeeded: COMPLETED\n", "    succeded: COMPLETED\n");
    expect(problems(bad)).toEqual([
      `${SOURCE} cluster.create.id: must be a JSON path such as $.id or $.data.items[0].id`,
      `${SOURCE} cluster.onboardingToken.path: names a placeholder this step does not have: the placeholders here are {clusterId}`,
      `${SOURCE} cluster.list.method: Invalid option: expected one of "GET"|"POST"|"PUT"|"PATCH"|"DELETE"`,
      `${SOURCE} cluster.list.path: must be a path starting with / (appended to platform-api-url)`,
      `${SOURCE} jobs.submit.body: names a placeholder this step does not have: the placeholders here are {clusterId}, {type}, {params}`,
      `${SOURCE} jobs.poll.succeeded: is required (see examples/platform-custom.yaml)`,
      `${SOURCE} jobs.poll: has 'succeded', which is not a field here (see examples/platform-custom.yaml)`,
    ]);
  });

  it("asks for a place to read the job's metrics, a required step, and valid YAML", () => {
    const noMetrics = EXAMPLE.slice(0, EXAMPLE.indexOf("  metrics: # read once"));
    expect(problems(noMetrics)).toEqual([
      `${SOURCE} jobs: says nowhere where a job's metrics are: give poll.metrics (a JSON path in the poll reply) or a metrics step`,
    ]);
    const noDelete = EXAMPLE.replace(/ {2}delete:.*\n {4}method: POST\n {4}path: .*archive\n/, "");
    expect(problems(noDelete)).toEqual([`${SOURCE} cluster.delete: is required (see examples/platform-custom.yaml)`]);
    expect(problems("cluster: [unclosed")[0]).toMatch(/^'platform-config' \(ci\/platform\.yaml\) is not valid YAML: /);
    expect(problems(EXAMPLE.replace("active: READY", "active: 5"))).toEqual([
      `${SOURCE} cluster.status.active: must be a value or a list of values, such as READY or [READY, RUNNING]`,
    ]);
    expect(problems("")).toEqual([`${SOURCE} is empty: describe each step of the API (see examples/platform-custom.yaml)`]);
    expect(problems("- a list")).toEqual([`${SOURCE} (the file): Invalid input: expected object, received array`]);
  });

  it("reads JSON paths and fills placeholders", () => {
    const reply = { data: { items: [{ uid: "w-1" }, { uid: 7 }] } };
    expect(readJsonPath(reply, "$.data.items[1].uid")).toBe(7);
    expect(readJsonPath(reply, "$.data.missing.uid")).toBeUndefined();
    expect(readJsonPath(reply, "$")).toBe(reply);
    expect(fillPath("/w/{clusterId}/runs/{jobId}", { clusterId: "a b/c", jobId: "j" })).toBe("/w/a%20b%2Fc/runs/j");
    expect(fillBody({ kind: "{type}", config: "{params}", label: "run of {type}", n: 3 }, { type: "resnet50" }, { steps: 3 })).toEqual({
      kind: "resnet50",
      config: { steps: 3 },
      label: "run of resnet50",
      n: 3,
    });
  });
});

describe("a custom-described API against the platform stand-in's workspaces layout", () => {
  const TOKEN = "plat_description-test-token";
  let platform: PlatformStandIn;
  const dispatcher = new Agent();
  const clock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))) };
  beforeAll(async () => {
    // No Cognito here: the stand-in trusts a fixed bearer token (its JWKS URL is never fetched).
    platform = await startPlatformStandIn({ jwksUrl: "http://127.0.0.1:9/jwks", issuer: "unused", clientId: "unused", tokenUse: "id" });
    platform.layout = "workspaces";
    platform.trust.bearerTokens.set(TOKEN, "ci");
  });
  afterAll(async () => {
    await platform.close();
    await dispatcher.close();
  });
  const api = (description = parsePlatformDescription(EXAMPLE, SOURCE)) =>
    new PlatformApi(
      new PlatformClient({
        baseUrl: platform.url,
        dispatcher,
        auth: { token: async () => TOKEN },
        clock,
        log: new MemoryLog(),
        attempts: 2,
      }),
      description,
      clock,
      new MemoryLog(),
    );
  const agent = async (token: string, method: "GET" | "POST", path: string, body?: unknown) => {
    const reply = await request(`${platform.url}${path}`, {
      method,
      dispatcher,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await reply.body.json()) as { jobs?: { id: string; type: string; params: unknown }[] };
  };

  it("runs every step: create, token, active, job with metrics from the metrics step, list, delete with POST", async () => {
    const a = api();
    const id = await a.createCluster("gpu-bench-gb0123456789ab1f2e");
    expect(platform.clusters.get(id)?.name).toBe("gpu-bench-gb0123456789ab1f2e");
    const token = await a.onboardingToken(id);
    expect(await a.cluster(id)).toEqual({ status: "PROVISIONING", agentVersion: undefined });
    await agent(token, "POST", "/v1/agent/register", { version: "2.0.1" });
    expect(await a.waitActive(id, 5000, undefined, 10)).toBeGreaterThanOrEqual(0);
    expect((await a.cluster(id)).agentVersion).toBe("2.0.1");
    const jobId = await a.submitJob(id, "resnet50", { steps: 3 });
    expect((await agent(token, "GET", "/v1/agent/jobs")).jobs).toEqual([{ id: jobId, type: "resnet50", params: { steps: 3 } }]);
    await agent(token, "POST", `/v1/agent/jobs/${jobId}/result`, {
      status: "succeeded",
      metrics: { throughput: 640, duration_seconds: 12 },
    });
    expect(await a.waitJob(id, jobId, 5000, undefined, 10)).toEqual({
      status: "COMPLETED",
      metrics: { throughput: 640, duration_seconds: 12 },
    });
    expect(await a.listClusters()).toEqual([{ id, name: "gpu-bench-gb0123456789ab1f2e", createdAt: expect.any(String) }]);
    expect(await a.deleteCluster(id)).toBe(true);
    expect(platform.calls.at(-1)).toMatchObject({ method: "POST", path: `/api/v2/workspaces/${id}/archive`, status: 204 });
    expect(await a.deleteCluster(id)).toBe(false);
    expect(deleteRequest(a.description, id, "https://p.example.com")).toBe(`POST https://p.example.com/api/v2/workspaces/${id}/archive`);
  });

  it("a failed job ends the wait with its message", async () => {
    const a = api();
    const id = await a.createCluster("gpu-bench-gb0123456789ab1f2e");
    const token = await a.onboardingToken(id);
    await agent(token, "POST", "/v1/agent/register");
    const jobId = await a.submitJob(id, "resnet50", {});
    await agent(token, "POST", `/v1/agent/jobs/${jobId}/result`, { status: "failed", message: "CUDA out of memory" });
    await expect(a.waitJob(id, jobId, 5000, undefined, 10)).rejects.toThrow(`Platform job ${jobId} ended ERROR: CUDA out of memory.`);
    await a.deleteCluster(id);
  });

  it("a reply without the value at a field's JSON path fails naming the call, the path and the field", async () => {
    const wrong = parsePlatformDescription(EXAMPLE.replace("id: $.workspace.uid", "id: $.workspace.id"), SOURCE);
    await expect(api(wrong).createCluster("gpu-bench-gb0123456789ab1f2e")).rejects.toThrow(
      "Platform API POST /api/v2/workspaces answered without a string at $.workspace.id (the description's cluster.create.id); check that field of platform-config against the reply.",
    );
    const noList = parsePlatformDescription(EXAMPLE.replace("items: $.items", "items: $.workspaces"), SOURCE);
    await expect(api(noList).listClusters()).rejects.toThrow(
      "Platform API GET /api/v2/workspaces answered without a list at $.workspaces (the description's cluster.list.items).",
    );
    for (const c of [...platform.clusters.values()]) platform.clusters.delete(c.id);
  });
});
