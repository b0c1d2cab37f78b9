import { DEFAULT_TELEMETRY_INTERVAL_SECONDS } from "../node/telemetry.js";
import { sessionNameFor } from "../auth/credentials.js";
import type { LaunchCandidate, LaunchedInstance, ResolvedImage } from "../cloud/ec2.js";
import { joinKey, s3Uri } from "../cloud/s3.js";
import { supportsClusterPlacement } from "../cloud/placement.js";
import type { AmiSource, InstanceProfile, Market, PlatformSettings, RunSettings } from "../config/inputs.js";
import type { AgentSpec } from "../platform/agent.js";
import { runClusterName } from "../platform/cluster-name.js";
import { suiteHash, type Suite, type Workload } from "../config/suite.js";
import {
  RESULTS_SCHEMA_VERSION,
  Results,
  type Budget,
  type PlatformRun,
  type Price,
  type FaultResult,
  type Inventory,
  type Outcome,
  type Phase,
  type WorkloadResult,
} from "../evidence/results.js";
import { workloadImages } from "../workloads/run.js";
import { clientTokenBase, runTags, type RunIdentity } from "./identity.js";
import { nodeSecretName, nodeSecretsKeyId } from "../cloud/secrets.js";
import type { DeadManSwitch } from "../node/dead-man.js";
import type { SavedRun } from "./state.js";

/** The run stops this long before the instance's TTL, leaving time for diagnostics and cleanup. */
export const DEADLINE_MARGIN_SECONDS = 120;

/**
 * Everything a run will do, decided before anything is spent: a plain record derived from the
 * settings, the suite, who runs it and when. The conductor only sequences it.
 */
export interface RunPlan {
  identity: RunIdentity;
  region: string;
  /** The STS role session name: role-session-name, or one derived from the run. */
  sessionName: string;
  startedAt: Date;
  /** When the instance powers itself off (ttl-minutes after the start); tagged on the instance. */
  expiresAt: Date;
  /** ttl-minutes: the instance's longest life, so its price × this is the most it can cost. */
  ttlMinutes: number;
  /** max-cost-usd, when set. */
  maxCostUsd?: number;
  /** The run's own end, epoch ms: DEADLINE_MARGIN_SECONDS before expiresAt. */
  deadlineAt: number;
  /** The tags that identify this run's instances: the post step and the sweeper search by them. */
  runTags: Record<string, string>;
  /** The user's tags with the run's tags over them, for the instance and its volumes. */
  tags: Record<string, string>;
  /** RunInstances idempotency token base: each candidate gets `${base}-${index}`. */
  clientTokenBase: string;
  launch: {
    ami: AmiSource;
    /** Every subnet (zone) for the preferred type before the next type. */
    candidates: LaunchCandidate[];
    securityGroupId: string;
    instanceProfile: InstanceProfile;
    rootVolumeGb: number;
    /** The markets to try in order, each over every candidate: [spot, on-demand] for spot-then-on-demand. */
    markets: Market[];
    /** Instances launched as one unit in one zone (suite `nodes`, 1 when absent); node 0 runs the workloads. */
    nodes: number;
    /** Each instance's primary network interface is an EFA interface (suite `efa`). */
    efa: boolean;
    /**
     * The run's own cluster placement group (named after the client token base, tagged like the
     * instances, deleted at cleanup): only with nodes > 1 or `efa`, and a candidate type that supports one.
     */
    placementGroup?: string;
    /** Launch → running, and running → SSM agent online, each; seconds. */
    startupTimeoutSeconds: number;
  };
  evidence: {
    bucket: string;
    /** Key prefix of this run's raw files: `<evidence-prefix>/runs/<run id>-<attempt>`. */
    rawPrefix: string;
    /** Where SSM writes each command's full output. */
    ssmPrefix: string;
    diagnosticsKey: string;
  };
  node: { k3sVersion?: string; images: string[] };
  /** telemetryIntervalSeconds: seconds between GPU telemetry samples (suite `telemetry.intervalSeconds`, default 1). */
  suite: { name: string; hash: string; workloads: Workload[]; telemetryIntervalSeconds: number };
  /**
   * Masked. Put by main in its own SecureString parameter (`name`, under the stack's key `keyId`),
   * read on the node with the instance role; never in an SSM command. Only when an LLM workload needs it.
   */
  hfToken?: { value: string; name: string; keyId: string };
  /**
   * A multi-node run's SecureString parameter for the k3s node token: main reads the token from
   * node 0 once its server starts and puts it here; the agents read it with the instance role.
   */
  clusterToken?: { name: string; keyId: string };
  /**
   * The platform the run goes through (platform-api-url): its settings, the agent as it starts
   * (a script's text read from the checkout), and the run's own SecureString parameter that carries
   * the onboarding token to the node.
   */
  platform?: {
    settings: PlatformSettings;
    /** The cluster's name on the platform: cluster-name with this run's suffix (runClusterName), which the sweep recognises. */
    clusterName: string;
    agent: AgentSpec;
    tokenParameter: { name: string; keyId: string };
  };
  /** What main saves for the post step before anything is launched. */
  saved: SavedRun;
}

/** Candidates in order: every subnet (zone) for the preferred type before the next type. */
export function launchCandidates(settings: Pick<RunSettings, "instanceTypes" | "subnetIds">): LaunchCandidate[] {
  return settings.instanceTypes.flatMap((instanceType) => settings.subnetIds.map((subnetId) => ({ instanceType, subnetId })));
}

/**
 * Derives the run's plan; pure (the same arguments give the same plan). `agentScript` is the text
 * of platform-agent-script, read from the checkout by the caller.
 */
export function planRun(settings: RunSettings, suite: Suite, identity: RunIdentity, now: Date, agentScript?: string): RunPlan {
  const sessionName = settings.roleSessionName ?? sessionNameFor(identity.runId, identity.attempt);
  const expiresAt = new Date(now.getTime() + settings.ttlMinutes * 60_000);
  const identifying = runTags(identity);
  const tokenBase = clientTokenBase(identity);
  const rawPrefix = joinKey(settings.evidencePrefix, "runs", `${identity.runId}-${identity.attempt}-${identity.nonce}`);
  return {
    identity,
    region: settings.region,
    sessionName,
    startedAt: now,
    expiresAt,
    ttlMinutes: settings.ttlMinutes,
    maxCostUsd: settings.maxCostUsd,
    deadlineAt: expiresAt.getTime() - DEADLINE_MARGIN_SECONDS * 1000,
    runTags: identifying,
    tags: { ...settings.tags, ...identifying },
    clientTokenBase: tokenBase,
    launch: {
      ami: settings.ami,
      candidates: launchCandidates(settings),
      securityGroupId: settings.securityGroupId,
      instanceProfile: settings.instanceProfile,
      rootVolumeGb: settings.rootVolumeGb,
      markets: settings.market === "spot-then-on-demand" ? ["spot", "on-demand"] : [settings.market],
      nodes: suite.nodes ?? 1,
      efa: suite.efa ?? false,
      placementGroup:
        ((suite.nodes ?? 1) > 1 || suite.efa === true) && settings.instanceTypes.some(supportsClusterPlacement) ? tokenBase : undefined,
      startupTimeoutSeconds: settings.startupTimeoutSeconds,
    },
    evidence: {
      bucket: settings.evidenceBucket,
      rawPrefix,
      ssmPrefix: joinKey(rawPrefix, "ssm"),
      diagnosticsKey: joinKey(rawPrefix, "diagnostics.txt"),
    },
    // The platform agent's image too: pulled while the node starts, so the agent starts at once.
    node: {
      k3sVersion: settings.k3sVersion,
      images: [
        ...new Set([...workloadImages(suite), ...(settings.platform?.agent.kind === "image" ? [settings.platform.agent.image] : [])]),
      ],
    },
    suite: {
      name: suite.name,
      hash: suiteHash(suite),
      workloads: suite.workloads,
      telemetryIntervalSeconds: suite.telemetry?.intervalSeconds ?? DEFAULT_TELEMETRY_INTERVAL_SECONDS,
    },
    hfToken:
      settings.hfToken && suite.workloads.some((w) => w.kind === "llm-serving")
        ? {
            value: settings.hfToken,
            name: nodeSecretName(settings.stack, tokenBase, "hf-token"),
            keyId: nodeSecretsKeyId(settings.stack),
          }
        : undefined,
    clusterToken:
      (suite.nodes ?? 1) > 1
        ? { name: nodeSecretName(settings.stack, tokenBase, "k3s-node-token"), keyId: nodeSecretsKeyId(settings.stack) }
        : undefined,
    platform: settings.platform && {
      settings: settings.platform,
      clusterName: runClusterName(settings.platform.clusterName, identity.nonce),
      agent:
        settings.platform.agent.kind === "image"
          ? settings.platform.agent
          : { kind: "script", path: settings.platform.agent.path, content: agentScript ?? "" },
      tokenParameter: {
        name: nodeSecretName(settings.stack, tokenBase, "platform-onboarding-token"),
        keyId: nodeSecretsKeyId(settings.stack),
      },
    },
    saved: {
      region: settings.region,
      roleToAssume: settings.roleToAssume,
      roleDurationSeconds: settings.roleDurationSeconds,
      sessionName,
      runTags: identifying,
      clientTokenBase: tokenBase,
      terminated: false,
      // None put yet: putSecrets names each one here before putting it.
      secretParameters: [],
    },
  };
}

/** What the run found out, each fact in one place; filled in as the verbs run. */
export interface RunFacts {
  image?: ResolvedImage;
  /**
   * The run's instances as launched, node 0 first (one type, one zone, one market: plan.launch.nodes
   * of them once the launch succeeded); empty before. Each availabilityZone is the zone it runs in.
   */
  instances: LaunchedInstance[];
  /** The hourly price of the instance's market (spot: of its zone), with its source. */
  price?: Price;
  /** The on-demand price too, when the instance runs on spot. */
  onDemandPrice?: Price;
  /** max-cost-usd and what it did. */
  budget?: Budget;
  /** The platform cluster and its steps, when the run goes through a platform. */
  platform?: PlatformRun;
  /** True when AWS reclaimed the spot instance during the run. */
  interrupted?: boolean;
  /** True once termination of every instance of the run was confirmed. */
  terminated: boolean;
  /** Node 0's inventory (the node the workloads run on). */
  inventory?: Inventory;
  /** A multi-node run's nodes once they formed one cluster, node 0 first: each one's inventory and k3s node. */
  clusterNodes?: Array<{ inventory: Inventory; nodeName?: string; privateIp?: string }>;
  phases: Phase[];
  workloads: WorkloadResult[];
  faults: FaultResult[];
  outcome: Outcome;
  diagnostics?: { uri?: string; tail?: string };
  /** The dead-man switch as armed over SSM, and whether it fired (the instance powered itself off). */
  deadMan?: DeadManSwitch;
  deadManFired?: { at?: string };
  endedAt: Date;
}

/** Assembles the run's results from its plan and its facts; pure. Throws only on a schema bug. */
export function assembleResults(plan: RunPlan, facts: RunFacts, tool: { name: string; version: string }): Results {
  const { identity, evidence } = plan;
  const instance = facts.instances[0];
  return Results.parse({
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool,
    run: {
      id: identity.runId,
      attempt: identity.attempt,
      number: identity.runNumber,
      job: identity.job,
      repository: identity.repository,
      sha: identity.sha,
      ref: identity.ref,
      workflow: identity.workflow,
      event: identity.event,
      actor: identity.actor,
      url: identity.url,
      startedAt: plan.startedAt.toISOString(),
      endedAt: facts.endedAt.toISOString(),
    },
    suite: { name: plan.suite.name, hash: plan.suite.hash },
    instance: instance
      ? {
          id: instance.id,
          type: instance.type,
          availabilityZone: instance.availabilityZone,
          region: plan.region,
          market: instance.market,
          amiId: facts.image?.id ?? "",
          amiName: facts.image?.name,
          launchedAt: instance.launchedAt.toISOString(),
          terminatedAt: facts.terminated ? facts.endedAt.toISOString() : undefined,
          pricePerHourUsd: facts.price?.perHourUsd,
          price: facts.price,
          onDemandPrice: facts.onDemandPrice,
          deadManSwitch:
            facts.deadMan || facts.deadManFired
              ? {
                  ...facts.deadMan,
                  armed: facts.deadMan?.armed ?? false,
                  fired: Boolean(facts.deadManFired),
                  firedAt: facts.deadManFired?.at,
                }
              : undefined,
        }
      : undefined,
    budget: facts.budget,
    platform: facts.platform,
    nodes:
      plan.launch.nodes > 1 && facts.instances.length > 0
        ? facts.instances.map((i, index) => ({
            index,
            instance: i.id,
            availabilityZone: i.availabilityZone,
            nodeName: facts.clusterNodes?.[index]?.nodeName,
            privateIp: facts.clusterNodes?.[index]?.privateIp,
            inventory: facts.clusterNodes?.[index]?.inventory ?? (index === 0 ? facts.inventory : undefined),
          }))
        : undefined,
    inventory: facts.inventory,
    phases: [...facts.phases].sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    workloads: facts.workloads,
    faults: facts.faults,
    outcome: facts.outcome,
    locations: { rawPrefix: s3Uri({ bucket: evidence.bucket, key: evidence.rawPrefix }), diagnostics: facts.diagnostics?.uri },
    diagnosticsTail: facts.diagnostics?.tail,
  });
}
