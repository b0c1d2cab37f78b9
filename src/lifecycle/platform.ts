import type { RunRemote } from "../cloud/remote-script.js";
import type { PlatformJobWorkload } from "../config/suite.js";
import type { PlatformRun, WorkloadResult } from "../evidence/results.js";
import { metric } from "../workloads/output.js";
import { errorLine } from "../runtime/error-text.js";
import { agentLabel, planAgentDiagnostics, planAgentUp } from "../platform/agent.js";
import { authLabel, type ConnectPlatform, type PlatformConnection } from "../platform/connect.js";
import { deleteClustersNamed, PlatformTimeoutError } from "../platform/api.js";
import { PlatformApiError } from "../platform/client.js";
import { deleteRequest } from "../platform/description.js";
import type { CleanupStack } from "./cleanup.js";
import { putRunSecret } from "./node-secrets.js";
import type { RunContext } from "./run.js";

/**
 * Runs one platform step, recording its start, end and status in the run's Platform evidence
 * (facts.platform.steps) and in the timeline (as `platform: <step>`); the step's error is rethrown as it was.
 */
async function platformStep<T>(run: RunContext, name: string, fn: () => Promise<T>): Promise<T> {
  const facts = run.facts.platform!;
  const startedAt = new Date(run.clock.now()).toISOString();
  const done = (step: Omit<PlatformRun["steps"][number], "name" | "startedAt" | "endedAt">) => {
    const endedAt = new Date(run.clock.now()).toISOString();
    facts.steps.push({ name, startedAt, endedAt, ...step });
    run.phases.record({ name: `platform: ${name}`, startedAt, endedAt, ...step });
  };
  try {
    const value = await fn();
    done({ status: "ok" });
    return value;
  } catch (error) {
    done({ status: "failed", detail: errorLine(error) });
    throw error;
  }
}

/** The live connection of a run that has one; an Error naming the bug otherwise. */
function connectionOf(run: RunContext): { connection: PlatformConnection; clusterId: string } {
  const clusterId = run.facts.platform?.clusterId;
  if (!run.platform || !clusterId) throw new Error("The run has no platform cluster.");
  return { connection: run.platform, clusterId };
}

/**
 * Before any instance is launched: logs in (a refused credential costs nothing), creates the
 * cluster (its id saved in the run state at once, its deletion on the cleanup stack), and puts the
 * onboarding token in the run's SecureString parameter for the node to read. Throws the login's
 * or the API's error, which names the fix.
 */
export async function createPlatformCluster(run: RunContext, connect: ConnectPlatform, cleanup: CleanupStack): Promise<void> {
  const platform = run.plan.platform!;
  const { settings } = platform;
  const facts: PlatformRun = {
    api: settings.apiUrl,
    preset: settings.preset.kind === "custom" ? `custom preset, described by ${settings.preset.configPath}` : "radix",
    auth: authLabel(settings),
    clusterName: platform.clusterName,
    agent: agentLabel(platform.agent),
    steps: [],
    jobs: [],
    deleted: false,
  };
  run.facts.platform = facts;
  const connection = await platformStep(run, "login", connect);
  run.platform = connection;
  cleanup.push("close the platform connection", () => connection.close());
  // The name first: a run killed before the platform's reply arrives leaves a cluster the post step finds by it.
  // The description goes with it: the post step deletes (or lists) the way this API does.
  const saved = { apiUrl: settings.apiUrl, clusterName: platform.clusterName, description: connection.api.description, deleted: false };
  run.state.update({ platform: saved });
  let clusterId: string;
  try {
    clusterId = await platformStep(run, "create cluster", () => connection.api.createCluster(platform.clusterName, run.signal));
  } catch (error) {
    // No reply, a 5xx, a cancelled run or a reply without the id: the platform may have created it all the same.
    if (mayHaveCreated(error)) cleanup.push("delete platform cluster by name", () => deleteClusterByName(run));
    // Refused: there is no cluster, for main or the post step to look for by its name.
    else run.state.update({ platform: undefined });
    throw error;
  }
  facts.clusterId = clusterId;
  run.state.update({ platform: { ...saved, clusterId } });
  cleanup.push("delete platform cluster", () => deletePlatformCluster(run));
  run.log.info(`Platform cluster ${clusterId} ('${platform.clusterName}') created at ${settings.apiUrl}`);
  const token = await platformStep(run, "onboarding token", () => connection.api.onboardingToken(clusterId, run.signal));
  await putRunSecret(run, { ...platform.tokenParameter, value: token }, "The platform's onboarding token", cleanup);
}

/**
 * On the bootstrapped node: starts the agent (platform-agent-image as a k3s Deployment, or
 * platform-agent-script over SSM), which reads the onboarding token from the run's SecureString
 * parameter, then waits until the cluster is active (platform-timeout-seconds, cut to the run's
 * deadline). When it never is, the error carries the agent pod's describe and log.
 */
export async function onboardAgent(run: RunContext, onNode: RunRemote): Promise<void> {
  const platform = run.plan.platform!;
  const facts = run.facts.platform!;
  const { connection, clusterId } = connectionOf(run);
  const start = {
    agent: platform.agent,
    apiUrl: platform.settings.apiUrl,
    clusterId,
    tokenParameter: { name: platform.tokenParameter.name, region: run.plan.region },
  };
  const startedAt = run.clock.now();
  // platform-timeout-seconds bounds the agent's start and the wait for active together.
  const waitSeconds = run.deadline.timeout("platform agent", platform.settings.timeoutSeconds);
  await platformStep(run, "start agent", () => onNode(planAgentUp(start, waitSeconds)));
  const timeoutSeconds = Math.max(10, waitSeconds - Math.round((run.clock.now() - startedAt) / 1000));
  try {
    await platformStep(run, "cluster active", () => connection.api.waitActive(clusterId, timeoutSeconds * 1000, run.signal));
  } catch (error) {
    if (!(error instanceof PlatformTimeoutError)) throw error;
    const diagnostics = await onNode(planAgentDiagnostics(platform.agent)).then(
      (r) => r.stdout.trim(),
      (e: unknown) => `(could not collect the agent's diagnostics: ${errorLine(e)})`,
    );
    throw new PlatformTimeoutError(`${error.message}\n--- the agent on the node ---\n${diagnostics}`, { cause: error });
  }
  facts.secondsToActive = Math.round((run.clock.now() - startedAt) / 100) / 10;
  const cluster = await connection.api.cluster(clusterId, run.signal);
  facts.agentVersion = cluster.agentVersion;
  run.log.info(
    `Platform cluster ${clusterId} is active ${facts.secondsToActive} s after the agent started${cluster.agentVersion ? ` (agent ${cluster.agentVersion})` : ""}`,
  );
}

/**
 * Deletes the run's cluster (main's cleanup stack). Never uses the run's abort signal: a cancelled
 * run still deletes it. Throws an Error naming the cluster and how to delete it by hand; the post
 * step retries from the saved state.
 */
export async function deletePlatformCluster(run: RunContext): Promise<void> {
  const facts = run.facts.platform!;
  const { connection, clusterId } = connectionOf(run);
  try {
    const existed = await platformStep(run, "delete cluster", () => connection.api.deleteCluster(clusterId));
    facts.deleted = true;
    run.state.update({ platform: { ...run.state.get().platform!, deleted: true } });
    run.log.info(existed ? `Deleted platform cluster ${clusterId}` : `Platform cluster ${clusterId} was already gone`);
  } catch (error) {
    facts.deleteError = errorLine(error);
    throw new Error(
      `Could not delete platform cluster ${clusterId}: ${errorLine(error)}. The post step retries from the saved state; ` +
        `by hand: ${deleteRequest(connection.api.description, clusterId, run.plan.platform!.settings.apiUrl)} with the CI user's token.`,
      { cause: error },
    );
  }
}

/** Whether a failed create may still have created the cluster: anything but the platform refusing it (4xx other than 429). */
function mayHaveCreated(error: unknown): boolean {
  return !(
    error instanceof PlatformApiError &&
    error.status !== undefined &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 429
  );
}

/**
 * After a create whose outcome is unknown (main's cleanup stack): deletes every cluster with the
 * run's own name (unique to the run, see runClusterName), so a CLI run, which has no post step,
 * leaves none either. Throws an Error naming the name; the post step (or `gpu-bench cleanup`)
 * retries by the name saved in the state.
 */
export async function deleteClusterByName(run: RunContext): Promise<void> {
  const facts = run.facts.platform!;
  const { apiUrl } = run.plan.platform!.settings;
  const name = run.plan.platform!.clusterName;
  if (!run.platform) throw new Error("The run has no platform connection.");
  const { api } = run.platform;
  try {
    const found = await platformStep(run, "delete cluster by name", () => deleteClustersNamed(api, name));
    facts.deleted = true;
    if (found[0]) facts.clusterId = found[0].id;
    run.state.update({ platform: { ...run.state.get().platform!, deleted: true } });
    for (const c of found) run.log.info(`Deleted platform cluster ${c.id} ('${name}'), found by its name after its create failed`);
    if (found.length === 0) run.log.info(`No platform cluster named '${name}' at ${apiUrl}: the failed create made none`);
  } catch (error) {
    facts.deleteError = errorLine(error);
    throw new Error(
      `Could not check for or delete a platform cluster named '${name}' after its create failed: ${errorLine(error)}. The post step retries by the name; by hand: find it (${api.description.cluster.list.method} ${apiUrl}${api.description.cluster.list.path}) and delete it with the CI user's token.`,
      { cause: error },
    );
  }
}

/**
 * A platform-job workload: one job per trial, submitted to the run's cluster (POST .../jobs
 * {type, params}) and polled until it ends (timeoutMinutes each, cut to the run's deadline); its
 * metrics (throughput in images/s, duration_seconds) read back from the platform API become the
 * workload's metrics. A failed or timed-out job makes the workload failed (later trials are not
 * submitted); errors of the run itself (cancellation, a refused token) are thrown.
 */
export async function runPlatformJob(run: RunContext, w: PlatformJobWorkload): Promise<WorkloadResult> {
  const facts = run.facts.platform;
  if (!facts) throw new Error(`Workload '${w.id}' is a platform-job but the run has no platform: set 'platform-api-url'.`);
  const { connection, clusterId } = connectionOf(run);
  const startedAt = new Date(run.clock.now()).toISOString();
  const throughput: number[] = [];
  const duration: number[] = [];
  const trials: Record<string, unknown>[] = [];
  let failure: string | undefined;
  for (let trial = 1; trial <= w.trials && !failure; trial++) {
    const jobId = await platformStep(run, `job ${w.id} trial ${trial}`, async () => {
      const id = await connection.api.submitJob(clusterId, w.type, w.params, run.signal);
      const timeoutMs = run.deadline.timeout(`workload ${w.id}`, w.timeoutMinutes * 60) * 1000;
      try {
        const job = await connection.api.waitJob(clusterId, id, timeoutMs, run.signal);
        const metrics = Object.fromEntries(
          Object.entries(job.metrics ?? {}).filter((e): e is [string, number] => typeof e[1] === "number"),
        );
        facts.jobs.push({ workload: w.id, trial, id, status: job.status, metrics });
        trials.push({ trial, jobId: id, status: job.status, ...metrics });
        if (metrics.throughput !== undefined) throughput.push(metrics.throughput);
        if (metrics.duration_seconds !== undefined) duration.push(metrics.duration_seconds);
      } catch (error) {
        if (run.signal.aborted) throw error;
        facts.jobs.push({ workload: w.id, trial, id, status: error instanceof PlatformTimeoutError ? "timeout" : "failed", metrics: {} });
        trials.push({ trial, jobId: id, status: "failed" });
        failure = errorLine(error);
      }
      return id;
    });
    run.log.info(`Platform job ${jobId} (${w.type}, trial ${trial}/${w.trials}) ${failure ? `failed: ${failure}` : "succeeded"}`);
  }
  const metrics = [];
  if (throughput.length > 0)
    metrics.push(
      metric({ name: "images_per_sec", label: "Throughput", unit: "images/s", direction: "higher", headline: true }, throughput),
    );
  if (duration.length > 0) metrics.push(metric({ name: "job_duration_s", label: "Job duration", unit: "s", direction: "lower" }, duration));
  if (!failure && metrics.length === 0) failure = "the platform reported no metrics (throughput, duration_seconds) for the job";
  return {
    id: w.id,
    kind: "platform-job",
    parameters: { type: w.type, clusterId, ...w.params },
    status: failure ? "failed" : "ok",
    message: failure,
    metrics,
    trials,
    startedAt,
    endedAt: new Date(run.clock.now()).toISOString(),
  };
}
