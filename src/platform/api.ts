import { z } from "zod";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import type { PlatformClient } from "./client.js";
import { fillBody, fillPath, readJsonPath, type PlatformCall, type PlatformDescription } from "./description.js";

/** A cluster as the sweep sees it: id, name, and when the platform says it was created (ISO 8601), if it says. */
export interface ClusterSummary {
  id: string;
  name: string;
  createdAt?: string;
}

/** A finished job: its status and metrics (numbers only: throughput in images/s, duration_seconds, …). */
export interface PlatformJob {
  status: string;
  metrics: Record<string, number>;
  message?: string;
}

export class PlatformTimeoutError extends Error {
  override name = "PlatformTimeoutError";
}

const Reply = z.unknown();

/**
 * A platform's API as its description says (the radix preset, or platform-config): every step an
 * HTTP call through the one PlatformClient (retries, token refresh, redaction), every value the
 * run needs read from the reply at its JSON path. A reply without a value the run needs throws an
 * Error naming the call, the JSON path and the description's field.
 */
export class PlatformApi {
  constructor(
    private readonly client: PlatformClient,
    readonly description: PlatformDescription,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {}

  private async call(c: PlatformCall, vars: Record<string, string>, signal?: AbortSignal, params?: Record<string, unknown>) {
    const path = fillPath(c.path, vars);
    const body = c.body === undefined ? undefined : fillBody(c.body, vars, params);
    return { path, reply: await this.client.request(c.method, path, body, Reply, signal) };
  }

  /** The string at `jsonPath` (a number is taken as its decimal text); throws naming `field` when there is none. */
  private text(reply: unknown, jsonPath: string, c: PlatformCall, path: string, field: string): string {
    const value = readJsonPath(reply, jsonPath);
    if (typeof value === "number") return String(value);
    if (typeof value !== "string" || value === "") {
      throw new Error(
        `Platform API ${c.method} ${path} answered without a string at ${jsonPath} (the description's ${field}); check that field of platform-config against the reply.`,
      );
    }
    return value;
  }

  /** Step 1: creates the cluster; returns its id (the caller saves it in the run state at once). */
  async createCluster(name: string, signal?: AbortSignal): Promise<string> {
    const c = this.description.cluster.create;
    const { path, reply } = await this.call(c, { name }, signal);
    return this.text(reply, c.id, c, path, "cluster.create.id");
  }

  /** Step 2: the onboarding token, masked before it is returned. */
  async onboardingToken(clusterId: string, signal?: AbortSignal): Promise<string> {
    const c = this.description.cluster.onboardingToken;
    const { path, reply } = await this.call(c, { clusterId }, signal);
    const token = this.text(reply, c.token, c, path, "cluster.onboardingToken.token");
    this.log.mask(token);
    return token;
  }

  /** The cluster's status and the agent version it reports, if it does. */
  async cluster(clusterId: string, signal?: AbortSignal): Promise<{ status: string; agentVersion?: string }> {
    const c = this.description.cluster.status;
    const { path, reply } = await this.call(c, { clusterId }, signal);
    const version = c.agentVersion ? readJsonPath(reply, c.agentVersion) : undefined;
    return {
      status: this.text(reply, c.status, c, path, "cluster.status.status"),
      agentVersion: typeof version === "string" || typeof version === "number" ? String(version) : undefined,
    };
  }

  /**
   * Step 4: polls the cluster until its status is an active value, at most timeoutMs.
   * Returns the ms it took. Throws PlatformTimeoutError with the last status seen, or an Error on a failed value.
   */
  async waitActive(clusterId: string, timeoutMs: number, signal?: AbortSignal, pollMs = 2000): Promise<number> {
    const { active, failed = [] } = this.description.cluster.status;
    const start = this.clock.now();
    for (;;) {
      const last = (await this.cluster(clusterId, signal)).status;
      if (active.includes(last)) return this.clock.now() - start;
      if (failed.includes(last))
        throw new Error(`Platform cluster ${clusterId} went to status '${last}' instead of ${active.join(" or ")}.`);
      if (this.clock.now() - start + pollMs > timeoutMs) {
        throw new PlatformTimeoutError(
          `Platform cluster ${clusterId} was not active after ${Math.round(timeoutMs / 1000)} s (last status '${last}'): the agent did not connect. Raise 'platform-timeout-seconds' or check the agent's log.`,
        );
      }
      await this.clock.sleep(pollMs, signal);
    }
  }

  /** Step 5: submits a job; returns its id. */
  async submitJob(clusterId: string, type: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<string> {
    const c = this.description.jobs.submit;
    const { path, reply } = await this.call(c, { clusterId, type }, signal, params);
    return this.text(reply, c.id, c, path, "jobs.submit.id");
  }

  /**
   * Polls the job until a succeeded or failed value (bounded), then reads its metrics (from the poll
   * reply, or the metrics step). A failed job throws with its message; PlatformTimeoutError when it
   * did not finish in time.
   */
  async waitJob(clusterId: string, jobId: string, timeoutMs: number, signal?: AbortSignal, pollMs = 2000): Promise<PlatformJob> {
    const { poll, metrics: metricsStep } = this.description.jobs;
    const start = this.clock.now();
    for (;;) {
      const { path, reply } = await this.call(poll, { clusterId, jobId }, signal);
      const status = this.text(reply, poll.status, poll, path, "jobs.poll.status");
      const message = poll.message ? readJsonPath(reply, poll.message) : undefined;
      if (poll.succeeded.includes(status)) {
        const source = metricsStep
          ? readJsonPath((await this.call(metricsStep, { clusterId, jobId }, signal)).reply, metricsStep.metrics)
          : readJsonPath(reply, poll.metrics!);
        return { status, metrics: numbers(source), message: typeof message === "string" ? message : undefined };
      }
      if (poll.failed.includes(status))
        throw new Error(`Platform job ${jobId} ended ${status}${typeof message === "string" && message ? `: ${message}` : ""}.`);
      if (this.clock.now() - start + pollMs > timeoutMs) {
        throw new PlatformTimeoutError(
          `Platform job ${jobId} did not finish within ${Math.round(timeoutMs / 1000)} s (status '${status}').`,
        );
      }
      await this.clock.sleep(pollMs, signal);
    }
  }

  /** Step 6: deletes the cluster. false: it was already gone (404). */
  deleteCluster(clusterId: string, signal?: AbortSignal): Promise<boolean> {
    const c = this.description.cluster.delete;
    return this.client.delete(fillPath(c.path, { clusterId }), signal, c.method);
  }

  /** For the sweep and the post step: every cluster the user can see (items without an id or name are left out). */
  async listClusters(signal?: AbortSignal): Promise<ClusterSummary[]> {
    const c = this.description.cluster.list;
    const { path, reply } = await this.call(c, {}, signal);
    const items = readJsonPath(reply, c.items);
    if (!Array.isArray(items))
      throw new Error(`Platform API ${c.method} ${path} answered without a list at ${c.items} (the description's cluster.list.items).`);
    return items.flatMap((item) => {
      const id = readJsonPath(item, c.id);
      const name = readJsonPath(item, c.name);
      const createdAt = c.createdAt ? readJsonPath(item, c.createdAt) : undefined;
      if ((typeof id !== "string" && typeof id !== "number") || typeof name !== "string") return [];
      return [{ id: String(id), name, createdAt: typeof createdAt === "string" ? createdAt : undefined }];
    });
  }
}

/**
 * Deletes every cluster the platform lists under `name` (a run's own name, see runClusterName),
 * one after another; returns those deleted (empty: none had the name). Throws the first failed
 * list or delete (PlatformApiError).
 */
export async function deleteClustersNamed(
  api: Pick<PlatformApi, "listClusters" | "deleteCluster">,
  name: string,
  signal?: AbortSignal,
): Promise<ClusterSummary[]> {
  const named = (await api.listClusters(signal)).filter((c) => c.name === name);
  for (const c of named) await api.deleteCluster(c.id, signal);
  return named;
}

/** The numeric entries of a metrics object; anything else gives none. */
function numbers(value: unknown): Record<string, number> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, number] => typeof e[1] === "number"));
}
