import type { PlatformDescription } from "./description.js";

/**
 * The radix preset: the predecessor harness's cluster API, as the built-in instance of the same
 * description platform-preset custom reads from platform-config. Paths and shapes:
 *   POST   /v1/clusters {name}                    → {id}
 *   POST   /v1/clusters/{id}/onboarding-token     → {token}
 *   GET    /v1/clusters/{id}                      → {id, status, name?, agentVersion?}
 *   POST   /v1/clusters/{id}/jobs {type, params}  → {id}
 *   GET    /v1/clusters/{id}/jobs/{jobId}         → {id, status, metrics?, message?}
 *   DELETE /v1/clusters/{id}
 *   GET    /v1/clusters                           → {clusters: [{id, name, createdAt}]}
 * A job's metrics are throughput (images/s) and duration_seconds, as the job reports them.
 */
export const RADIX: PlatformDescription = {
  cluster: {
    create: { method: "POST", path: "/v1/clusters", body: { name: "{name}" }, id: "$.id" },
    onboardingToken: { method: "POST", path: "/v1/clusters/{clusterId}/onboarding-token", body: {}, token: "$.token" },
    status: {
      method: "GET",
      path: "/v1/clusters/{clusterId}",
      status: "$.status",
      active: ["active"],
      failed: ["failed", "error"],
      agentVersion: "$.agentVersion",
    },
    delete: { method: "DELETE", path: "/v1/clusters/{clusterId}" },
    list: { method: "GET", path: "/v1/clusters", items: "$.clusters", id: "$.id", name: "$.name", createdAt: "$.createdAt" },
  },
  jobs: {
    submit: { method: "POST", path: "/v1/clusters/{clusterId}/jobs", body: { type: "{type}", params: "{params}" }, id: "$.id" },
    poll: {
      method: "GET",
      path: "/v1/clusters/{clusterId}/jobs/{jobId}",
      status: "$.status",
      succeeded: ["succeeded"],
      failed: ["failed", "cancelled"],
      message: "$.message",
      metrics: "$.metrics",
    },
  },
};
