import { readFileSync } from "node:fs";
import { checkCredentialsOutlastRun, credentialsFor, sessionNameFor, type IdTokenSource } from "../auth/credentials.js";
import { checkCredentials, destroyClients } from "../cloud/clients.js";
import { CleanupError } from "../cloud/ec2.js";
import { errorLine } from "../runtime/error-text.js";
import { InputError, type RunSettings, type SweepSettings } from "../config/inputs.js";
import { Inputs, MANAGED_BY, Outputs, type OutputName } from "../config/names.js";
import { loadSuite, type Suite } from "../config/suite.js";
import { publishEvidence, type Publisher } from "../evidence/publish.js";
import type { Clock } from "../runtime/clock.js";
import type { RunIdentity } from "../lifecycle/identity.js";
import type { Log } from "../runtime/log.js";
import { sweepExpired, sweepPlatformClusters } from "../lifecycle/post.js";
import { planRun } from "../lifecycle/plan.js";
import { runBenchmark } from "../lifecycle/run.js";
import type { StateStore } from "../lifecycle/state.js";
import { clientsFor, platformConnector } from "./aws.js";
import type { GitHubContext } from "./github-api.js";
import { forkRefusal } from "../github/event.js";
import { reportOnGitHub } from "../github/report.js";
import { Results } from "../evidence/results.js";
import { parseBaselineFile } from "../evidence/history.js";
import { MIN_RUNS_TO_DECIDE } from "../evidence/regression.js";
import { TOOL } from "./tool.js";
import { describePlatform, insideWorkspace, readInputFile } from "./workspace-files.js";

export { TOOL };
export { executePost, liveInstancesOf, unconfirmedMessage, postFallbackFrom, type PostFallback, type PostRuntime } from "./post-step.js";

/** What an entry point provides: the runtime behind the engine's seams. */
export interface Runtime {
  env: NodeJS.ProcessEnv;
  log: Log;
  clock: Clock;
  state: StateStore;
  identity: RunIdentity;
  idToken?: IdTokenSource;
  signal: AbortSignal;
  /** Local folder for the evidence (the artifact-ready folder). */
  outDir: string;
  /** Where relative paths in inputs (suite, baseline-file) are read from. */
  workspace: string;
  publisher: Publisher;
  /** Every value masked so far: nothing written may contain them. */
  secrets(): string[];
  setOutput(name: OutputName, value: string): void;
  /** The workflow's event and GitHub API; absent outside a workflow (nothing is posted). */
  github?: GitHubContext;
}

/** The suite file (or the default suite) with the inputs' overrides, validated before anything is spent. */
export function suiteFor(settings: RunSettings, workspace: string): Suite {
  let text: string | undefined;
  if (settings.suitePath) {
    const path = insideWorkspace(workspace, settings.suitePath, Inputs.suite);
    text = readInputFile(Inputs.suite, settings.suitePath, path);
  }
  return loadSuite(text, { epochs: settings.epochs, batchSize: settings.batchSize }, { source: settings.suitePath });
}

/**
 * The pinned baseline (baseline-file at `path`, given as `given`), read before anything is spent.
 * Throws an InputError naming the input when the file cannot be read or holds no results.json or
 * history entry (found only after the run, the comparison was skipped and the run passed), or,
 * with `failOnRegression`, when it holds fewer runs than a change needs to be judged (the gate
 * could never fail); without it, that is a warning on `log`.
 */
export function checkBaselineFile(path: string, given: string, failOnRegression: boolean, log: Pick<Log, "warning">): void {
  const text = readInputFile(Inputs.baselineFile, given, path);
  const read = parseBaselineFile(text, given);
  if (read.entries.length === 0) {
    throw new InputError([
      `'${Inputs.baselineFile}' names '${given}', which holds no results.json or history entry (${read.skipped[0] ?? "nothing in it"}); give the results.json of an earlier run, an array of them, or a history index`,
    ]);
  }
  const runs = read.entries.length;
  if (runs < MIN_RUNS_TO_DECIDE) {
    const why = `'${Inputs.baselineFile}' '${given}' holds ${runs} run; a change is judged once ${MIN_RUNS_TO_DECIDE} exist, so no metric of this run will be`;
    if (failOnRegression) {
      throw new InputError([
        `${why}, and '${Inputs.failOnRegression}' could never fail: give a JSON array of at least ${MIN_RUNS_TO_DECIDE} earlier runs' results.json, or a history index`,
      ]);
    }
    log.warning(`${why} judged.`);
  }
}

/** The text of platform-agent-script (a file in the checkout), read before anything is spent. */
function readAgentScript(path: string, workspace: string): string {
  return readInputFile(Inputs.platformAgentScript, path, insideWorkspace(workspace, path, Inputs.platformAgentScript));
}

export interface Executed {
  failed?: string;
}

export async function executeRun(settings: RunSettings, rt: Runtime): Promise<Executed> {
  const refusal = rt.github && forkRefusal(rt.github.event);
  if (refusal) return { failed: refusal };
  const suite = suiteFor(settings, rt.workspace);
  const platformJob = suite.workloads.find((w) => w.kind === "platform-job");
  if (platformJob && !settings.platform) {
    throw new InputError([
      `'${Inputs.suite}' has the platform-job workload '${platformJob.id}', which runs through a platform: set '${Inputs.platformApiUrl}' and its inputs`,
    ]);
  }
  const baselineFile = settings.baselineFile ? insideWorkspace(rt.workspace, settings.baselineFile, Inputs.baselineFile) : undefined;
  if (baselineFile && settings.baselineFile) checkBaselineFile(baselineFile, settings.baselineFile, settings.failOnRegression, rt.log);
  const agentScript = settings.platform?.agent.kind === "script" ? readAgentScript(settings.platform.agent.path, rt.workspace) : undefined;
  const description = settings.platform && describePlatform(settings.platform.preset, rt.workspace);
  const plan = planRun(settings, suite, { ...rt.identity, stack: settings.stack }, new Date(rt.clock.now()), agentScript);
  const clients = clientsFor(settings, plan.sessionName, rt.idToken, rt.log, rt.env, TOOL.version);
  const platform =
    settings.platform &&
    description &&
    platformConnector(
      { ...settings.platform, description },
      {
        credentials: clients.ec2.config.credentials,
        idToken: rt.idToken,
        log: rt.log,
        clock: rt.clock,
        version: TOOL.version,
      },
    );
  try {
    await checkCredentials(clients.ec2);
    if (!settings.roleToAssume) {
      await checkCredentialsOutlastRun(
        () => clients.ec2.config.credentials(),
        { now: rt.clock.now(), ttlMinutes: settings.ttlMinutes },
        rt.log,
      );
    }
    const report = await runBenchmark(plan, {
      clients,
      clock: rt.clock,
      log: rt.log,
      state: rt.state,
      signal: rt.signal,
      tool: TOOL,
      platform,
    });
    if (report.instance) {
      rt.setOutput(Outputs.instanceId, report.instance.id);
      rt.setOutput(Outputs.instanceType, report.instance.type);
      rt.setOutput(Outputs.availabilityZone, report.instance.availabilityZone);
    }
    const evidence = await rt.log.group("evidence", () =>
      publishEvidence({
        results: report.results,
        history: { s3: clients.s3, bucket: settings.evidenceBucket, prefix: settings.evidencePrefix },
        baseline: {
          runs: settings.baselineRuns,
          thresholdPercent: settings.regressionThresholdPercent,
          file: baselineFile,
        },
        outDir: rt.outDir,
        retentionDays: settings.retentionDays,
        publisher: rt.publisher,
        log: rt.log,
        secrets: rt.secrets(),
        failOnRegression: settings.failOnRegression,
        clock: rt.clock,
      }),
    );
    rt.setOutput(Outputs.verdict, evidence.verdict.kind);
    rt.setOutput(Outputs.headline, JSON.stringify(evidence.headline));
    rt.setOutput(Outputs.evidencePath, evidence.evidencePath);
    rt.setOutput(Outputs.resultsPath, evidence.resultsPath);
    if (evidence.s3) rt.setOutput(Outputs.evidenceS3Uri, evidence.s3.evidence);
    if (rt.github && (settings.comment !== "never" || settings.checkRun)) {
      const published = Results.parse(JSON.parse(readFileSync(evidence.resultsPath, "utf8")));
      await reportOnGitHub(published, {
        api: settings.githubToken ? rt.github.api(settings.githubToken) : undefined,
        event: rt.github.event,
        comment: settings.comment,
        checkRun: settings.checkRun,
        sha: rt.github.sha,
        links: { evidence: evidence.s3?.evidence, artifactName: evidence.artifactUploaded ? evidence.artifactName : undefined },
        log: rt.log,
      });
    }
    rt.log.info(`Verdict: ${evidence.verdict.kind}: ${evidence.verdict.reason}`);
    return { failed: report.error?.message ?? evidence.failure };
  } finally {
    destroyClients(clients);
  }
}

/**
 * Sweeps each region of 'sweep-regions' in turn. Every instance that could not be terminated is
 * named, and the step fails after all regions were swept (a CleanupError).
 */
export async function executeSweep(
  settings: SweepSettings,
  rt: Pick<Runtime, "env" | "log" | "clock" | "idToken" | "identity" | "setOutput" | "workspace">,
): Promise<void> {
  const sessionName = settings.roleSessionName ?? sessionNameFor(`sweep-${rt.identity.runId}`, rt.identity.attempt);
  const ids: string[] = [];
  const failures: string[] = [];
  for (const [index, region] of settings.regions.entries()) {
    const clients = clientsFor({ ...settings, region }, sessionName, rt.idToken, rt.log, rt.env, TOOL.version);
    // The same credentials serve every region: unusable ones are one clear error before anything is swept.
    if (index === 0) {
      await checkCredentials(clients.ec2).catch((error: unknown) => {
        destroyClients(clients);
        throw error;
      });
    }
    try {
      const outcome = await rt.log.group(`sweep ${region}`, () =>
        sweepExpired({ ec2: clients.ec2, ssm: clients.ssm, clock: rt.clock, log: rt.log }, settings.dryRun, settings.stack),
      );
      ids.push(...(settings.dryRun ? outcome.expired.map((e) => e.id) : outcome.terminated));
      failures.push(...outcome.failed.map((f) => `${f.id} in ${region} (${f.reason})`));
    } catch (error) {
      rt.log.error(`Could not sweep ${region}: ${errorLine(error)}`);
      failures.push(`region ${region} (${errorLine(error)})`);
    } finally {
      destroyClients(clients);
    }
  }
  if (settings.platform) {
    const platform = settings.platform;
    try {
      const description = describePlatform(platform.preset, rt.workspace);
      const connect = platformConnector(
        { ...platform, description },
        {
          credentials: credentialsFor(settings, sessionName, rt.idToken, rt.log),
          idToken: rt.idToken,
          log: rt.log,
          clock: rt.clock,
          version: TOOL.version,
        },
      );
      const swept = await rt.log.group(`sweep platform ${platform.apiUrl}`, async () => {
        const connection = await connect();
        try {
          return await sweepPlatformClusters(connection.api, {
            clusterName: platform.clusterName,
            now: new Date(rt.clock.now()),
            dryRun: settings.dryRun,
            log: rt.log,
          });
        } finally {
          await connection.close();
        }
      });
      failures.push(...swept.failed.map((f) => `${f.id} (${f.reason})`));
    } catch (error) {
      rt.log.error(`Could not sweep the platform ${platform.apiUrl}: ${errorLine(error)}`);
      failures.push(`platform ${platform.apiUrl} (${errorLine(error)})`);
    }
  }
  rt.setOutput(Outputs.sweptInstances, ids.join(","));
  rt.log.info(`${settings.dryRun ? "Would terminate" : "Terminated"} ${ids.length} expired instance(s) in ${settings.regions.join(", ")}.`);
  if (failures.length > 0) {
    throw new CleanupError(
      `The sweep could not terminate: ${failures.join("; ")}. Terminate them in the EC2 console (tag ${MANAGED_BY.key}=${MANAGED_BY.value}); the next sweep retries.`,
    );
  }
}
