import { z } from "zod";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import type { PlatformClient } from "./client.js";

/**
 * The radix preset: the predecessor harness's cluster API. Paths and shapes:
 *   POST   /v1/clusters {name}                    → {id}
 *   POST   /v1/clusters/{id}/onboarding-token     → {token}
 *   GET    /v1/clusters/{id}                      → {id, status, name?, agentVersion?}
 *   POST   /v1/clusters/{id}/jobs {type, params}  → {id}
 *   GET    /v1/clusters/{id}/jobs/{jobId}         → {id, status, metrics?}
 *   DELETE /v1/clusters/{id}
 *   GET    /v1/clusters                           → {clusters: [{id, name, createdAt}]}
 */

const Created = z.object({ id: z.string().min(1) });
const Token = z.object({ token: z.string().min(1) });
const Cluster = z.object({ id: z.string(), status: z.string(), name: z.string().optional(), agentVersion: z.string().optional() });
const Job = z.object({
  id: z.string(),
  status: z.string(),
  /** Throughput in images/s and duration in seconds, as the job reports them. */
  metrics: z.object({ throughput: z.number().optional(), duration_seconds: z.number().optional() }).catchall(z.number()).optional(),
  message: z.string().optional(),
});
const ClusterList = z.object({ clusters: z.array(z.object({ id: z.string(), name: z.string(), createdAt: z.string().optional() })) });

export type RadixJob = z.infer<typeof Job>;
export type RadixClusterSummary = z.infer<typeof ClusterList>["clusters"][number];

const TERMINAL_JOB = new Set(["succeeded", "failed", "cancelled"]);

export class PlatformTimeoutError extends Error {
  override name = "PlatformTimeoutError";
}

const enc = encodeURIComponent;

export class RadixApi {
  constructor(
    private readonly client: PlatformClient,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {}

  /** Step 1: creates the cluster; returns its id (the caller saves it in the run state at once). */
  async createCluster(name: string, signal?: AbortSignal): Promise<string> {
    return (await this.client.post("/v1/clusters", { name }, Created, signal)).id;
  }

  /** Step 2: the onboarding token, masked before it is returned. */
  async onboardingToken(clusterId: string, signal?: AbortSignal): Promise<string> {
    const { token } = await this.client.post(`/v1/clusters/${enc(clusterId)}/onboarding-token`, {}, Token, signal);
    this.log.mask(token);
    return token;
  }

  async cluster(clusterId: string, signal?: AbortSignal): Promise<z.infer<typeof Cluster>> {
    return this.client.get(`/v1/clusters/${enc(clusterId)}`, Cluster, signal);
  }

  /**
   * Step 4: polls GET /v1/clusters/{id} until status is active, at most timeoutMs.
   * Returns the ms it took. Throws PlatformTimeoutError with the last status seen.
   */
  async waitActive(clusterId: string, timeoutMs: number, signal?: AbortSignal, pollMs = 2000): Promise<number> {
    const start = this.clock.now();
    let last: string;
    for (;;) {
      last = (await this.cluster(clusterId, signal)).status;
      if (last === "active") return this.clock.now() - start;
      if (last === "failed" || last === "error")
        throw new Error(`Platform cluster ${clusterId} went to status '${last}' instead of active.`);
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
    return (await this.client.post(`/v1/clusters/${enc(clusterId)}/jobs`, { type, params }, Created, signal)).id;
  }

  /** Polls the job until succeeded, failed or cancelled (bounded); a failed job throws with its message. */
  async waitJob(clusterId: string, jobId: string, timeoutMs: number, signal?: AbortSignal, pollMs = 2000): Promise<RadixJob> {
    const start = this.clock.now();
    for (;;) {
      const job = await this.client.get(`/v1/clusters/${enc(clusterId)}/jobs/${enc(jobId)}`, Job, signal);
      if (job.status === "succeeded") return job;
      if (TERMINAL_JOB.has(job.status))
        throw new Error(`Platform job ${jobId} ended ${job.status}${job.message ? `: ${job.message}` : ""}.`);
      if (this.clock.now() - start + pollMs > timeoutMs) {
        throw new PlatformTimeoutError(
          `Platform job ${jobId} did not finish within ${Math.round(timeoutMs / 1000)} s (status '${job.status}').`,
        );
      }
      await this.clock.sleep(pollMs, signal);
    }
  }

  /** Step 6: deletes the cluster. false: it was already gone (404). */
  deleteCluster(clusterId: string, signal?: AbortSignal): Promise<boolean> {
    return this.client.delete(`/v1/clusters/${enc(clusterId)}`, signal);
  }

  /** For the sweep: every cluster the user can see. */
  async listClusters(signal?: AbortSignal): Promise<RadixClusterSummary[]> {
    return (await this.client.get("/v1/clusters", ClusterList, signal)).clusters;
  }
}
