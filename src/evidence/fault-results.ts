import { z } from "zod";

/**
 * What one fault scenario measured: `results.faults[]`. The field names are read by other tools;
 * keep them. Times are seconds from the injection (resolution 1 s); rates are fractions 0-1.
 */

export const FaultStatus = z.enum(["ok", "slo-missed", "not-injected", "not-recovered", "error"]);
export type FaultStatus = z.infer<typeof FaultStatus>;

/** The key metrics of one window (baseline, during the fault, after recovery). */
export const WindowMetrics = z.object({
  /** Window length, seconds. */
  seconds: z.number().nonnegative(),
  /** Successful requests/s (LLM serving) or images/s (training). */
  throughput: z.number().nonnegative().optional(),
  throughputUnit: z.enum(["req/s", "images/s"]).optional(),
  /** Median time to first token of the successful requests, ms (LLM serving); it decides recovery. */
  p50TtftMs: z.number().nonnegative().optional(),
  /** p99 time to first token of the successful requests, ms (LLM serving). */
  p99TtftMs: z.number().nonnegative().optional(),
  /** Requests sent and failed in the window (LLM serving). */
  requests: z.number().int().nonnegative().optional(),
  failed: z.number().int().nonnegative().optional(),
  errorRate: z.number().min(0).max(1).optional(),
});
export type WindowMetrics = z.infer<typeof WindowMetrics>;

/**
 * What the platform recorded about a recovery: Krkn's pod recovery times from the API server's
 * timestamps, and for the node-level kinds the times the node's own parts came back. Seconds
 * from the injection.
 */
export const PodRecovery = z.object({
  /** k3s-restart, node-reboot: the API server answers again (first answer of a 0.1 s poll). */
  controlPlaneSeconds: z.number().optional(),
  /** k3s-restart, node-reboot: the node's Ready condition is True again (its lastTransitionTime; 0 when it never left Ready). */
  nodeReadySeconds: z.number().optional(),
  /** device-plugin-restart, node-reboot: nvidia.com/gpu is allocatable on the node again (0.25 s poll). */
  gpuAllocatableSeconds: z.number().optional(),
  /** node-reboot: the SSM agent runs commands again. */
  agentOnlineSeconds: z.number().optional(),
  /** Deletion → the replacement pod is scheduled (Krkn's pod_rescheduling_time). */
  podReschedulingSeconds: z.number().optional(),
  /** Scheduled → Ready (Krkn's pod_readiness_time). */
  podReadinessSeconds: z.number().optional(),
  /** Deletion → the replacement's container started (the runtime's own start time). */
  containerStartSeconds: z.number().optional(),
  /** Deletion → Ready (Krkn's total_recovery_time). */
  totalRecoverySeconds: z.number().optional(),
  oldPod: z.string().optional(),
  newPod: z.string().optional(),
  restartCount: z.number().int().optional(),
});
export type PodRecovery = z.infer<typeof PodRecovery>;

/** One second of the measurement window: requests that ended in it (LLM) or images done (training). */
export const TimelinePoint = z.object({
  /** Seconds from the injection (negative: before it). */
  t: z.number().int(),
  ok: z.number().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type TimelinePoint = z.infer<typeof TimelinePoint>;

export const FaultResult = z.object({
  id: z.string(),
  kind: z.string(),
  workload: z.string(),
  /** What the fault hit: the pod, container, interface or GPU, in words. */
  target: z.string().optional(),
  injected: z.boolean(),
  /** The fault was read back on the node (the netem qdisc, the new power limit, the pod gone). */
  verified: z.boolean(),
  recovered: z.boolean(),
  /** When the fault was injected (node clock) and the window measured around it. */
  injectedAt: z.iso.datetime().optional(),
  window: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }).optional(),
  /** Seconds the fault itself lasted (injection → recover action); absent for instantaneous kinds. */
  faultSeconds: z.number().optional(),
  timeToDetectSeconds: z.number().optional(),
  timeToFirstSuccessSeconds: z.number().optional(),
  recoverySeconds: z.number().optional(),
  errorRate: z.number().min(0).max(1).optional(),
  /** Training: steps not done in the fault window compared with the baseline rate. */
  stepsLost: z.number().optional(),
  baseline: WindowMetrics.optional(),
  during: WindowMetrics.optional(),
  after: WindowMetrics.optional(),
  pods: PodRecovery.optional(),
  slo: z.object({ maxRecoverySeconds: z.number(), maxErrorRate: z.number(), band: z.number() }),
  sloMet: z.boolean(),
  /** Weight in the workload's resilience score, and the share (0-1) of this fault's SLOs met. */
  weight: z.number().positive().default(1),
  sloShare: z.number().min(0).max(1).default(0),
  status: FaultStatus,
  message: z.string().optional(),
  /** Per-second series around the fault, for the chart. */
  timeline: z.array(TimelinePoint).default([]),
});
export type FaultResult = z.infer<typeof FaultResult>;

/** A fault that did not pass: SLO missed, not injected (never a pass), not recovered, or an error. */
export function faultMissedSlo(fault: FaultResult): boolean {
  return fault.status !== "ok";
}

/**
 * The resilience score of a set of faults, percent: the share of SLOs met, each fault weighted by
 * its `weight` (LitmusChaos's resilience score). Undefined for no faults.
 */
export function resilienceScore(faults: readonly FaultResult[]): number | undefined {
  const total = faults.reduce((sum, f) => sum + f.weight, 0);
  if (faults.length === 0 || total === 0) return undefined;
  return (100 * faults.reduce((sum, f) => sum + f.weight * f.sloShare, 0)) / total;
}
