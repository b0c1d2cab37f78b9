import { z } from "zod";
import { FaultResult } from "./fault-results.js";
import { Telemetry, TelemetryDetail } from "./telemetry-schema.js";

/**
 * The results of one run: what every workload writes into and what the evidence, the comparison
 * with history and the S3 archive read. Versioned: a reader rejects a version it does not know.
 */
export const RESULTS_SCHEMA_VERSION = 1;

export const Direction = z.enum(["higher", "lower"]);
export type Direction = z.infer<typeof Direction>;

export const Summary = z.object({
  n: z.number().int().nonnegative(),
  median: z.number(),
  min: z.number(),
  max: z.number(),
  q1: z.number(),
  q3: z.number(),
  iqr: z.number(),
  mean: z.number(),
});
export type Summary = z.infer<typeof Summary>;

/** One measured quantity of a workload: its value per trial and their summary. */
export const Metric = z.object({
  /** Stable key, e.g. "images_per_sec", "ttft_p99_ms". */
  name: z.string().min(1),
  /** Human label, e.g. "Throughput". */
  label: z.string().min(1),
  unit: z.string(),
  direction: Direction,
  /** Headline metrics lead the report and are compared with the baseline first. */
  headline: z.boolean().default(false),
  /**
   * For one point of an LLM-serving sweep: the offered load it was measured at, in requests/s, or
   * "max" for every request sent at once. The report charts metrics of equal label over it.
   */
  requestRate: z.union([z.number().positive(), z.literal("max")]).optional(),
  /** For one point of an all-reduce sweep (nccl-allreduce): its message size in bytes. */
  messageBytes: z.number().int().positive().optional(),
  trials: z.array(z.number()),
  summary: Summary,
});
export type Metric = z.infer<typeof Metric>;

export const ParameterValue = z.union([z.string(), z.number(), z.boolean()]);

export const WorkloadStatus = z.enum(["ok", "failed", "oom", "skipped"]);

export const WorkloadResult = z.object({
  /** The workload's id in the suite, e.g. "resnet50-train". */
  id: z.string().min(1),
  kind: z.enum(["resnet50", "llm-serving", "platform-job", "nccl-allreduce"]),
  /** Parameters that make two runs comparable (batch, precision, model, …). */
  parameters: z.record(z.string(), ParameterValue),
  status: WorkloadStatus,
  /** One line on why, when status is not ok. */
  message: z.string().optional(),
  metrics: z.array(Metric),
  /** Per-trial records exactly as the workload printed them (after parsing). */
  trials: z.array(z.record(z.string(), z.unknown())),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  /** What the GPU did during the timed windows, and whether the figures can be trusted (issue 12). */
  telemetry: Telemetry.optional(),
  /** The telemetry's chart data, windows and provenance. */
  telemetryDetail: TelemetryDetail.optional(),
});
export type WorkloadResult = z.infer<typeof WorkloadResult>;

export const PhaseStatus = z.enum(["ok", "failed", "skipped", "cancelled"]);
export const Phase = z.object({
  name: z.string(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  status: PhaseStatus,
  detail: z.string().optional(),
});
export type Phase = z.infer<typeof Phase>;

export const Gpu = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  uuid: z.string().optional(),
  memoryMiB: z.number().optional(),
  eccMode: z.string().optional(),
  powerLimitW: z.number().optional(),
  /** clocks.sm and clocks.mem at inventory time, in MHz: idle readings (nothing runs yet), not what a workload gets. */
  smClockMHz: z.number().optional(),
  memClockMHz: z.number().optional(),
  /** clocks.max.sm and clocks.max.mem, in MHz: the most the GPU may reach. */
  maxSmClockMHz: z.number().optional(),
  maxMemClockMHz: z.number().optional(),
  computeCapability: z.string().optional(),
});
export type Gpu = z.infer<typeof Gpu>;

export const Inventory = z.object({
  kernel: z.string().optional(),
  os: z.string().optional(),
  k3sVersion: z.string().optional(),
  driverVersion: z.string().optional(),
  cudaVersion: z.string().optional(),
  gpus: z.array(Gpu).default([]),
  /** nvidia-smi's lines that are not GPU rows (infoROM, ECC, retired-page warnings), kept for the report. */
  warnings: z.array(z.string()).default([]),
  /** Set when the driver is too old for some queried fields, which were left out. */
  driverNote: z.string().optional(),
  /** Container images the workloads actually ran, with the digests the node resolved. */
  images: z.array(z.object({ ref: z.string(), digest: z.string().optional() })).default([]),
  /** The node's network interfaces (lo left out): kernel driver (ena, efa, …), state, MTU in bytes. */
  networkInterfaces: z
    .array(
      z.object({
        name: z.string(),
        mac: z.string().optional(),
        driver: z.string().optional(),
        state: z.string().optional(),
        mtu: z.number().int().positive().optional(),
      }),
    )
    .default([]),
  /** EFA devices (RDMA devices of the efa driver, e.g. rdmap16s27); empty when the node has none. */
  efaDevices: z.array(z.string()).default([]),
  /**
   * Where the node's EFA software is, checked by the bootstrap when the suite sets `efa`: libfabric
   * (with fi_info; /opt/amazon/efa), the AWS OFI NCCL plugin's folder and the folder of its
   * libnccl-net.so, and whether the AMI had it or the EFA installer put it there. The EFA pods
   * mount these folders.
   */
  efaSoftware: z.object({ libfabricHome: z.string(), ofiNcclHome: z.string(), ofiNcclLibDir: z.string(), source: z.string() }).optional(),
});
export type Inventory = z.infer<typeof Inventory>;

export { FaultResult, type FaultResult as FaultResultShape } from "./fault-results.js";

export const Outcome = z.object({
  status: z.enum(["succeeded", "failed", "cancelled"]),
  /** The phase that failed, when status is not succeeded. */
  failedPhase: z.string().optional(),
  /** One line: what went wrong. */
  message: z.string().optional(),
  /**
   * The error's further lines, when it has some: what a refusal weighed and how to fix it (the
   * candidates a budget, quota or capacity refusal tried, and the input to change). At most 40 lines.
   */
  detail: z.string().optional(),
});
export type Outcome = z.infer<typeof Outcome>;

/** The one word a run ends with (see verdict.ts for how it is decided). */
export const VerdictKind = z.enum(["pass", "regression", "fault-slo-missed", "first-run", "failed"]);
export type VerdictKind = z.infer<typeof VerdictKind>;

/** A headline metric of this run against its baseline, as the outputs, the PR comment and compare show it. */
export const HeadlineMetric = z.object({
  workload: z.string(),
  metric: z.string(),
  label: z.string(),
  /** This run's median; null when the workload produced none. */
  value: z.number().nullable(),
  unit: z.string(),
  direction: Direction,
  /** Change of the median against the baseline's, in percent; null without a baseline. */
  changePercent: z.number().nullable(),
  /** The regression rule's decision: pass, regression, improvement, insufficient-history, … */
  decision: z.string(),
});
export type HeadlineMetric = z.infer<typeof HeadlineMetric>;

/**
 * What publishing the evidence decided, written into the archived and artifact results.json so
 * that a later job (the sticky comment of the workflow_run pattern, a comparison across GPU
 * types) reads the same verdict without the history.
 */
export const Assessment = z.object({
  verdict: VerdictKind,
  reason: z.string(),
  /** Where the baseline came from: an S3 URI, a file, or why there was none. */
  baseline: z.string(),
  headline: z.array(HeadlineMetric),
});
export type Assessment = z.infer<typeof Assessment>;

/** Where a price came from: the AWS Price List API, EC2's spot price history, or the built-in dated table. */
export const PriceSource = z.enum(["aws-price-list-api", "ec2-spot-price-history", "dated-table"]);
export type PriceSource = z.infer<typeof PriceSource>;

/** One hourly price and its provenance, as the report shows it. */
export const Price = z.object({
  /** The market the price is for. */
  market: z.enum(["on-demand", "spot"]),
  /** USD per instance-hour (billed per second, 60 s minimum). */
  perHourUsd: z.number().nonnegative(),
  source: PriceSource,
  /** One line naming the call and its filters (endpoint, region, OS, zone) or the table and why it was used. */
  detail: z.string(),
  /** When this run read the price (ISO 8601); absent for the dated table. */
  fetchedAt: z.iso.datetime().optional(),
  /** When the price took effect: the Price List term's effectiveDate, the spot price's Timestamp, or the table's as-of month. */
  effectiveAt: z.string().optional(),
});
export type Price = z.infer<typeof Price>;

/** max-cost-usd and what it did to the run. */
export const Budget = z.object({
  maxCostUsd: z.number().positive(),
  /** The most the launched instance could cost before its TTL: price × ttl-minutes. */
  worstCaseUsd: z.number().nonnegative().optional(),
  /** When the spend reached max-cost-usd (ISO 8601), if the run was still going then. */
  reachedAt: z.iso.datetime().optional(),
  /** True when reaching the budget stopped the run's work and sent it to cleanup. */
  stoppedRun: z.boolean().default(false),
});
export type Budget = z.infer<typeof Budget>;

/** The platform a run went through (platform-api-url): its cluster, each step's timing, the agent, the deletion. Nothing secret. */
export const PlatformRun = z.object({
  /** The API's base URL and preset: radix, or "custom preset, described by <platform-config>". */
  api: z.string(),
  preset: z.string(),
  /** How the run authenticated: cognito (with its flow), bearer, github-oidc or none. */
  auth: z.string(),
  clusterName: z.string(),
  clusterId: z.string().optional(),
  /** The agent as started: the image reference or the script's path; and the version it reported, if any. */
  agent: z.string(),
  agentVersion: z.string().optional(),
  /** Seconds from the agent's start until the cluster was active; absent when it never was. */
  secondsToActive: z.number().nonnegative().optional(),
  /** The platform's steps in order (login, create cluster, onboarding token, agent, active, jobs, delete), with their timing. */
  steps: z.array(
    z.object({
      name: z.string(),
      startedAt: z.iso.datetime(),
      endedAt: z.iso.datetime(),
      status: z.enum(["ok", "failed"]),
      detail: z.string().optional(),
    }),
  ),
  /** The platform jobs of platform-job workloads: one per trial. */
  jobs: z
    .array(
      z.object({
        workload: z.string(),
        trial: z.number().int().positive(),
        id: z.string(),
        status: z.string(),
        metrics: z.record(z.string(), z.number()).default({}),
      }),
    )
    .default([]),
  /** True once the platform confirmed the deletion (or the cluster was already gone). */
  deleted: z.boolean(),
  deleteError: z.string().optional(),
});
export type PlatformRun = z.infer<typeof PlatformRun>;

export const Results = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  tool: z.object({ name: z.string(), version: z.string() }),
  run: z.object({
    id: z.string(),
    attempt: z.number().int().positive(),
    number: z.number().int().nonnegative().optional(),
    job: z.string().optional(),
    repository: z.string().optional(),
    sha: z.string().optional(),
    ref: z.string().optional(),
    workflow: z.string().optional(),
    event: z.string().optional(),
    actor: z.string().optional(),
    url: z.string().optional(),
    startedAt: z.iso.datetime(),
    endedAt: z.iso.datetime().optional(),
  }),
  suite: z.object({
    name: z.string(),
    /** sha256 of the effective suite (after input overrides): equal hashes ran the same thing. */
    hash: z.string(),
  }),
  instance: z
    .object({
      id: z.string(),
      type: z.string(),
      availabilityZone: z.string(),
      region: z.string(),
      /** The market the instance actually ran in (with market-type spot-then-on-demand: the one that launched). */
      market: z.enum(["on-demand", "spot"]),
      amiId: z.string(),
      amiName: z.string().optional(),
      launchedAt: z.iso.datetime(),
      terminatedAt: z.iso.datetime().optional(),
      /** USD per hour for `market` (= price.perHourUsd); the cost is instance-seconds × this. */
      pricePerHourUsd: z.number().optional(),
      /** Where pricePerHourUsd came from and when it was read. */
      price: Price.optional(),
      /** The on-demand price too, when the instance ran on spot: what spot saved. */
      onDemandPrice: Price.optional(),
      /** The instance's own poweroff at its expiry: armed over SSM (and by user data), and whether it fired. */
      deadManSwitch: z
        .object({
          armed: z.boolean(),
          via: z.enum(["shutdown", "systemd-run"]).optional(),
          firesAt: z.iso.datetime().optional(),
          /** A unit arms it again at every boot. */
          persistent: z.boolean().optional(),
          /** User data had armed it before the run armed it over SSM (false: cloud-init never ran it). */
          armedByUserData: z.boolean().optional(),
          /** The instance powered itself off (EC2: Client.InstanceInitiatedShutdown). */
          fired: z.boolean(),
          firedAt: z.iso.datetime().optional(),
        })
        .optional(),
    })
    .optional(),
  /** Present when max-cost-usd was set. */
  budget: Budget.optional(),
  /** Present when the run went through a platform (platform-api-url). */
  platform: PlatformRun.optional(),
  /**
   * A multi-node run (suite `nodes` > 1): one entry per node, node 0 first (the k3s server), all in
   * one zone; `instance` above is node 0. Each node's inventory once the nodes formed one cluster
   * (node 0's alone when the run stopped before), its k3s node name and private IP.
   */
  nodes: z
    .array(
      z.object({
        index: z.number().int().nonnegative(),
        instance: z.string(),
        availabilityZone: z.string(),
        /** The node's name in the k3s cluster (its host name, ip-10-0-x-y). */
        nodeName: z.string().optional(),
        privateIp: z.string().optional(),
        inventory: Inventory.optional(),
      }),
    )
    .optional(),
  inventory: Inventory.optional(),
  phases: z.array(Phase),
  workloads: z.array(WorkloadResult),
  faults: z.array(FaultResult).default([]),
  outcome: Outcome,
  /** Where the raw files of this run live (S3 URIs or local paths). */
  locations: z
    .object({
      rawPrefix: z.string().optional(),
      diagnostics: z.string().optional(),
      evidence: z.string().optional(),
      results: z.string().optional(),
    })
    .default({}),
  /** The decisive tail of the diagnostics when something failed. */
  diagnosticsTail: z.string().optional(),
  /** Set when the evidence was published; absent in the results a run hands to publishing. */
  assessment: Assessment.optional(),
});
export type Results = z.infer<typeof Results>;
