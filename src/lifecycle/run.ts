import type { Instance } from "@aws-sdk/client-ec2";
import type { AwsClients } from "../cloud/clients.js";
import {
  CleanupError,
  findLiveByTags,
  launchWithFallback,
  resolveImage,
  terminateAndConfirm,
  type LaunchCandidate,
  type LaunchedInstance,
} from "../cloud/ec2.js";
import { ssmRemote, waitForAgent } from "../cloud/ssm.js";
import { joinKey, s3Uri } from "../cloud/s3.js";
import { markedJsonLines, type RunRemote } from "../cloud/remote-script.js";
import { putText } from "../cloud/s3.js";
import type { RunSettings } from "../config/inputs.js";
import { suiteHash, type Suite } from "../config/suite.js";
import { RESULTS_SCHEMA_VERSION, Results, type Inventory, type Outcome, type WorkloadResult } from "../evidence/results.js";
import { bootstrapNode } from "../node/bootstrap.js";
import { collectDiagnostics } from "../node/diagnostics.js";
import { runWorkload, workloadImages } from "../workloads/run.js";
import probeScript from "../../remote/probe.sh";
import type { Clock } from "../runtime/clock.js";
import { CleanupStack } from "./cleanup.js";
import { Deadline } from "./deadline.js";
import { clientTokenBase, runTags, type RunIdentity } from "./identity.js";
import type { Log } from "../runtime/log.js";
import { PhaseRecorder } from "../runtime/phases.js";
import { errorLine } from "../runtime/error-text.js";
import { RunStateWriter, type StateStore } from "./state.js";

export interface EngineDeps {
  /** The suite, validated, with the inputs' overrides applied. */
  suite: Suite;
  clients: AwsClients;
  clock: Clock;
  log: Log;
  state: StateStore;
  identity: RunIdentity;
  /** Aborted on SIGINT/SIGTERM: the run stops waiting and goes straight to cleanup. */
  signal: AbortSignal;
  sessionName: string;
  tool: { name: string; version: string };
}

const PROBE_TIMEOUT_SECONDS = 120;
/** The run stops this long before the instance's TTL, leaving time for diagnostics and cleanup. */
const DEADLINE_MARGIN_SECONDS = 120;

export interface RunReport {
  results: Results;
  instance?: LaunchedInstance;
  /** Set when the run failed (or was cancelled); the results still describe what happened. */
  error?: Error;
}

/** Candidates in order: every subnet (zone) for the preferred type before the next type. */
export function launchCandidates(settings: RunSettings): LaunchCandidate[] {
  return settings.instanceTypes.flatMap((instanceType) => settings.subnetIds.map((subnetId) => ({ instanceType, subnetId })));
}

/** Caps every step's own timeout at the time left before the run's deadline. */
function withinDeadline(remote: RunRemote, deadline: Deadline): RunRemote {
  return (script) => remote({ ...script, timeoutSeconds: deadline.timeout(script.name, script.timeoutSeconds) });
}

/**
 * One benchmark run: launch, reach the node over SSM, bootstrap it, run the suite's workloads,
 * collect diagnostics if anything failed, always terminate. Returns the results whatever happened;
 * throws only when cleanup itself failed (a leaked instance).
 */
export async function runBenchmark(settings: RunSettings, deps: EngineDeps): Promise<RunReport> {
  const { clients, clock, log, identity, suite } = deps;
  const phases = new PhaseRecorder(clock);
  const cleanup = new CleanupStack(log);
  const startedAt = new Date(clock.now());
  const expiresAt = new Date(startedAt.getTime() + settings.ttlMinutes * 60_000);
  const deadline = new Deadline(clock, expiresAt.getTime() - DEADLINE_MARGIN_SECONDS * 1000);
  const tags = { ...settings.tags, ...runTags(identity) };
  const tokenBase = clientTokenBase(identity);
  const rawPrefix = joinKey(settings.evidencePrefix, "runs", `${identity.runId}-${identity.attempt}`);

  const state = new RunStateWriter(deps.state, {
    region: settings.region,
    roleToAssume: settings.roleToAssume,
    roleDurationSeconds: settings.roleDurationSeconds,
    sessionName: deps.sessionName,
    runTags: runTags(identity),
    clientTokenBase: tokenBase,
    terminated: false,
  });

  let instance: LaunchedInstance | undefined;
  let described: Instance | undefined;
  let imageName: string | undefined;
  let imageId = "";
  let inventory: Inventory | undefined;
  let remote: RunRemote | undefined;
  const workloads: WorkloadResult[] = [];
  let outcome: Outcome = { status: "succeeded" };
  let runError: Error | undefined;
  let current = "plan";

  cleanup.push("terminate instance", async () => {
    await phases.time("terminate", async () => {
      const ids = new Set<string>();
      if (instance) ids.add(instance.id);
      // Anything else this run started (a lost RunInstances reply) is found by its tags.
      for (const i of await findLiveByTags(clients.ec2, runTags(identity)).catch(() => [])) if (i.InstanceId) ids.add(i.InstanceId);
      await terminateAndConfirm(clients.ec2, [...ids], clock, log);
      state.update({ terminated: true });
    });
  });

  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    deps.signal.throwIfAborted();
    current = name;
    return log.group(name, () => phases.time(name, fn));
  };

  try {
    const image = await step("resolve image", () => resolveImage(clients.ec2, clients.ssm, settings.ami));
    imageId = image.id;
    imageName = image.name;
    log.info(`AMI ${image.id}${image.name ? ` (${image.name})` : ""}`);

    phases.mark("launch requested");
    const launched = await step("launch", () =>
      launchWithFallback(
        {
          candidates: launchCandidates(settings),
          image,
          securityGroupId: settings.securityGroupId,
          instanceProfile: settings.instanceProfile,
          rootVolumeGb: settings.rootVolumeGb,
          market: settings.market,
          expiresAt,
          tags,
          clientTokenBase: tokenBase,
        },
        {
          ec2: clients.ec2,
          ec2Launch: clients.ec2Launch,
          clock,
          log,
          runningTimeoutSeconds: deadline.timeout("launch", settings.startupTimeoutSeconds),
          onAttempt: (clientToken) => state.update({ launching: clientToken }),
          onLaunched: (i) => {
            instance = i;
            state.update({ instanceId: i.id, launching: undefined });
          },
        },
      ),
    );
    instance = launched;
    described = launched.instance;

    await step("ssm agent online", () =>
      waitForAgent(launched.id, {
        ssm: clients.ssm,
        ec2: clients.ec2,
        clock,
        log,
        timeoutSeconds: deadline.timeout("ssm agent online", settings.startupTimeoutSeconds),
        signal: deps.signal,
      }),
    );

    remote = withinDeadline(
      ssmRemote({
        ssm: clients.ssm,
        ec2: clients.ec2,
        s3: clients.s3,
        clock,
        log,
        instanceId: launched.id,
        outputBucket: settings.evidenceBucket,
        outputPrefix: joinKey(rawPrefix, "ssm"),
        signal: deps.signal,
      }),
      deadline,
    );
    const onNode = remote;

    const probe = await step("probe", () => onNode({ name: "probe", body: probeScript, timeoutSeconds: PROBE_TIMEOUT_SECONDS }));
    const facts = markedJsonLines(probe.stdout)[0] as { kernel?: string } | undefined;
    if (!facts) {
      throw new Error(
        `The instance ran the probe but its output did not reach s3://${settings.evidenceBucket}/${joinKey(rawPrefix, "ssm")}. ` +
          `Give the instance profile's role s3:PutObject on that bucket and prefix.`,
      );
    }
    const node = await log.group("node bootstrap", () => {
      current = "node bootstrap";
      return bootstrapNode(onNode, { k3sVersion: settings.k3sVersion, images: workloadImages(suite), phases, log });
    });
    inventory = { ...node.inventory, kernel: node.inventory.kernel ?? facts.kernel };
    const gpu = inventory.gpus[0];
    log.info(
      `Node ready: ${node.gpuCount} × ${gpu?.name ?? "GPU"}, driver ${inventory.driverVersion ?? "?"}, k3s ${inventory.k3sVersion ?? "?"}`,
    );

    for (const workload of suite.workloads) {
      const result = await step(`workload ${workload.id}`, () =>
        runWorkload(onNode, workload, {
          gpu: gpu && { name: gpu.name, computeCapability: gpu.computeCapability },
          log,
          clock,
          hfToken: settings.hfToken,
        }),
      );
      workloads.push(result);
    }
    const failedWorkload = workloads.find((w) => w.status === "failed");
    if (failedWorkload) {
      outcome = {
        status: "failed",
        failedPhase: `workload ${failedWorkload.id}`,
        message: `${failedWorkload.id}: ${errorLine(failedWorkload.message ?? "failed")}`,
      };
    }
  } catch (error) {
    runError = error instanceof Error ? error : new Error(String(error));
    outcome = deps.signal.aborted
      ? { status: "cancelled", failedPhase: current, message: "The run was cancelled; the instance was terminated." }
      : { status: "failed", failedPhase: current, message: errorLine(runError) };
    log.error(`${current}: ${runError.message}`);
  }

  let diagnostics: { uri?: string; tail?: string } = {};
  if (outcome.status === "failed" && remote && !deps.signal.aborted) {
    diagnostics = await log.group("diagnostics", () =>
      phases.time("diagnostics", async () => {
        const collected = await collectDiagnostics(remote!);
        const loc = { bucket: settings.evidenceBucket, key: joinKey(rawPrefix, "diagnostics.txt") };
        const uploaded = await putText(clients.s3, loc, collected.text).then(
          () => true,
          (e: unknown) => (log.warning(`Could not upload diagnostics: ${errorLine(e)}`), false),
        );
        return { uri: uploaded ? s3Uri(loc) : undefined, tail: collected.tail };
      }),
    );
  }

  const cleanupErrors = await cleanup.run();
  const leak = cleanupErrors.find((e) => e instanceof CleanupError);

  const results = Results.parse({
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: deps.tool,
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
      startedAt: startedAt.toISOString(),
      endedAt: new Date(clock.now()).toISOString(),
    },
    suite: { name: suite.name, hash: suiteHash(suite) },
    instance: instance
      ? {
          id: instance.id,
          type: instance.type,
          availabilityZone: described?.Placement?.AvailabilityZone ?? instance.availabilityZone,
          region: settings.region,
          market: settings.market,
          amiId: imageId,
          amiName: imageName,
          launchedAt: instance.launchedAt.toISOString(),
          terminatedAt: leak ? undefined : new Date(clock.now()).toISOString(),
        }
      : undefined,
    inventory,
    phases: phases.list(),
    workloads,
    faults: [],
    outcome,
    locations: { rawPrefix: s3Uri({ bucket: settings.evidenceBucket, key: rawPrefix }), diagnostics: diagnostics.uri },
    diagnosticsTail: diagnostics.tail,
  });
  if (leak) throw leak;
  return { results, instance, error: runError };
}
