import { z } from "zod";

/**
 * The fault scenarios of a suite: `faults:` under a workload, each injected into the node while
 * that workload runs under load, verified, recovered and measured (src/faults/ does the work).
 * Times are seconds on the workload's own timeline, which starts when it reaches steady state
 * (the vLLM server answers; training has finished its warm-up): the load runs from then on, the
 * `baselineSeconds` before `at` are the fault's baseline window.
 */

/** Every kind the suite format names, in the order the README documents them. */
export const FAULT_KINDS = [
  "pod-kill",
  "container-kill",
  "network-delay",
  "network-loss",
  "cpu-stress",
  "memory-stress",
  "gpu-contention",
  "gpu-power-cap",
  "k3s-restart",
  "device-plugin-restart",
  "node-reboot",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * The kinds each workload kind can be measured under in this version. Training has no network
 * traffic on one node, and its job is followed by one SSM command that a reboot would cut short
 * (node-reboot is measured on LLM serving only). A suite naming a kind its workload does not
 * support is rejected rather than silently ignored.
 */
export const FAULT_SUPPORT: Readonly<Record<"llm-serving" | "resnet50", readonly FaultKind[]>> = {
  "llm-serving": [
    "pod-kill",
    "container-kill",
    "network-delay",
    "network-loss",
    "gpu-power-cap",
    "k3s-restart",
    "device-plugin-restart",
    "cpu-stress",
    "memory-stress",
    "gpu-contention",
    "node-reboot",
  ],
  resnet50: ["gpu-power-cap", "k3s-restart", "device-plugin-restart", "cpu-stress", "memory-stress", "gpu-contention"],
};

const FAULT_ID = /^[a-z0-9](?:[-a-z0-9]{0,30}[a-z0-9])?$/;

export const FaultSlo = z.strictObject({
  /** Seconds from injection until the workload is back within ±band of its baseline. */
  maxRecoverySeconds: z.number().positive().max(3600),
  /** Largest fraction (0-1) of requests that may fail in the fault window. */
  maxErrorRate: z.number().min(0).max(1).default(1),
  /** Percent: throughput and median TTFT within ±band of the baseline count as recovered. */
  band: z.number().positive().max(100).default(10),
});
export type FaultSlo = z.infer<typeof FaultSlo>;

/** The constant-rate load an LLM-serving fault is measured under. */
export const FaultLoad = z.strictObject({
  /** Requests started per second, evenly spaced (not Poisson: every second bucket is comparable). */
  requestRate: z.number().positive().max(200).default(4),
  /** Tokens generated per request. */
  outputLen: z.int().min(1).max(4096).default(32),
  /** Seconds a single request may take before it counts as failed. */
  requestTimeoutSeconds: z.number().positive().max(600).default(30),
});
export type FaultLoad = z.infer<typeof FaultLoad>;

const common = {
  id: z.string().regex(FAULT_ID, "must be 1-32 lowercase letters, digits and '-', starting and ending with a letter or digit"),
  /** Seconds after the workload's steady state starts. */
  at: z.number().min(5).max(86_400),
  /** Seconds before `at` that form the baseline window (the load runs through it). */
  baselineSeconds: z.number().min(5).max(3600).default(60),
  /** Seconds after injection the scenario may take to recover before it counts as not recovered. */
  timeoutSeconds: z.int().min(10).max(7200).default(300),
  /** Weight of this fault in the workload's resilience score. */
  weight: z.number().positive().max(100).default(1),
  slo: FaultSlo,
  load: FaultLoad.default({ requestRate: 4, outputLen: 32, requestTimeoutSeconds: 30 }),
};
const lasting = { duration: z.number().min(1).max(3600) };
const instant = { duration: z.undefined({ error: "this kind is instantaneous: remove duration" }).optional() };

const PodKill = z.strictObject({
  ...common,
  ...instant,
  kind: z.literal("pod-kill"),
  params: z.strictObject({ gracePeriodSeconds: z.int().min(0).max(300).default(0) }).default({ gracePeriodSeconds: 0 }),
});
const ContainerKill = z.strictObject({
  ...common,
  ...instant,
  kind: z.literal("container-kill"),
  params: z.strictObject({ signal: z.enum(["KILL", "TERM"]).default("KILL") }).default({ signal: "KILL" }),
});
const NetworkDelay = z.strictObject({
  ...common,
  ...lasting,
  kind: z.literal("network-delay"),
  params: z.strictObject({ delayMs: z.int().min(1).max(10_000), jitterMs: z.int().min(0).max(10_000).default(0) }),
});
const NetworkLoss = z.strictObject({
  ...common,
  ...lasting,
  kind: z.literal("network-loss"),
  params: z.strictObject({ lossPercent: z.number().min(0.1).max(100) }),
});
const CpuStress = z.strictObject({
  ...common,
  ...lasting,
  kind: z.literal("cpu-stress"),
  params: z.strictObject({ workers: z.int().min(1).max(256) }),
});
const MemoryStress = z.strictObject({
  ...common,
  ...lasting,
  kind: z.literal("memory-stress"),
  params: z.strictObject({ workers: z.int().min(1).max(64).default(1), memoryShare: z.number().min(0.05).max(0.95) }),
});
const GpuContention = z.strictObject({
  ...common,
  ...lasting,
  kind: z.literal("gpu-contention"),
  params: z.strictObject({ matrixSize: z.int().min(256).max(16_384).default(4096) }).default({ matrixSize: 4096 }),
});
const GpuPowerCap = z.strictObject({
  ...common,
  ...lasting,
  kind: z.literal("gpu-power-cap"),
  /** Fraction of the GPU's default power limit (nvidia-smi clamps to the board's minimum). */
  params: z.strictObject({ fraction: z.number().min(0.1).max(0.95) }),
});
const K3sRestart = z.strictObject({ ...common, ...instant, kind: z.literal("k3s-restart"), params: z.strictObject({}).default({}) });
const DevicePluginRestart = z.strictObject({
  ...common,
  ...instant,
  kind: z.literal("device-plugin-restart"),
  params: z.strictObject({}).default({}),
});
const NodeReboot = z.strictObject({ ...common, ...instant, kind: z.literal("node-reboot"), params: z.strictObject({}).default({}) });

export const Fault = z.discriminatedUnion("kind", [
  PodKill,
  ContainerKill,
  NetworkDelay,
  NetworkLoss,
  CpuStress,
  MemoryStress,
  GpuContention,
  GpuPowerCap,
  K3sRestart,
  DevicePluginRestart,
  NodeReboot,
]);
export type Fault = z.infer<typeof Fault>;
export type FaultOf<K extends FaultKind> = Extract<Fault, { kind: K }>;

/** The schema of each kind, for suggesting keys in error messages. */
export const FAULT_SCHEMAS: Readonly<Record<FaultKind, z.ZodObject>> = {
  "pod-kill": PodKill,
  "container-kill": ContainerKill,
  "network-delay": NetworkDelay,
  "network-loss": NetworkLoss,
  "cpu-stress": CpuStress,
  "memory-stress": MemoryStress,
  "gpu-contention": GpuContention,
  "gpu-power-cap": GpuPowerCap,
  "k3s-restart": K3sRestart,
  "device-plugin-restart": DevicePluginRestart,
  "node-reboot": NodeReboot,
};

/** Seconds on the workload's timeline at which a fault's window ends at the latest. */
export function faultWindowEnd(f: Fault): number {
  return f.at + (f.duration ?? 0) + f.timeoutSeconds;
}

/** Seconds of the workload's timeline the faults need: the last window's end, plus a short tail. */
export function faultTimelineSeconds(faults: readonly Fault[]): number {
  return faults.reduce((end, f) => Math.max(end, faultWindowEnd(f)), 0);
}

/**
 * Checks the faults of one workload as a whole: a kind the workload supports, unique ids, and
 * windows (baseline, fault, recovery timeout) that do not overlap on its timeline.
 */
export function checkWorkloadFaults(workloadKind: "llm-serving" | "resnet50", faults: readonly Fault[], ctx: z.RefinementCtx): void {
  const supported = FAULT_SUPPORT[workloadKind];
  const ids = new Map<string, number>();
  faults.forEach((f, i) => {
    if (!supported.includes(f.kind)) {
      ctx.addIssue({
        code: "custom",
        path: ["faults", i, "kind"],
        message: `'${f.kind}' is not supported on a ${workloadKind} workload (supported there: ${supported.join(", ")})`,
      });
    }
    const first = ids.get(f.id);
    if (first !== undefined)
      ctx.addIssue({ code: "custom", path: ["faults", i, "id"], message: `'${f.id}' is already the id of faults[${first}]` });
    else ids.set(f.id, i);
    if (f.baselineSeconds > f.at) {
      ctx.addIssue({
        code: "custom",
        path: ["faults", i, "at"],
        message: `must be at least baselineSeconds (${f.baselineSeconds}): the load needs that long before the fault for its baseline`,
      });
    }
  });
  const order = faults.map((f, i) => ({ f, i })).sort((a, b) => a.f.at - b.f.at);
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1]!;
    const next = order[k]!;
    const prevEnd = faultWindowEnd(prev.f);
    const nextStart = next.f.at - next.f.baselineSeconds;
    if (nextStart < prevEnd) {
      ctx.addIssue({
        code: "custom",
        path: ["faults", next.i, "at"],
        message:
          `overlaps faults[${prev.i}] ('${prev.f.id}', whose window lasts until ${prevEnd}s: at + duration + timeoutSeconds): ` +
          `this fault's baseline starts at ${nextStart}s (at - baselineSeconds); move it to at least ${prevEnd + next.f.baselineSeconds}`,
      });
    }
  }
}
