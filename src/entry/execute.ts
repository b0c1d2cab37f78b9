import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sessionNameFor, type IdTokenSource } from "../auth/credentials.js";
import { destroyClients } from "../cloud/clients.js";
import type { RunSettings, SweepSettings } from "../config/inputs.js";
import { Outputs, type OutputName } from "../config/names.js";
import type { Clock } from "../lifecycle/clock.js";
import type { RunIdentity } from "../lifecycle/identity.js";
import type { Log } from "../lifecycle/log.js";
import { cleanupAfterRun, sweepExpired } from "../lifecycle/post.js";
import { runBenchmark } from "../lifecycle/run.js";
import type { SavedRun, StateStore } from "../lifecycle/state.js";
import { clientsFor } from "./aws.js";
import pkg from "../../package.json" with { type: "json" };

export const TOOL = { name: "ephemeral-gpu-bench", version: pkg.version };

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
  setOutput(name: OutputName, value: string): void;
}

export interface Executed {
  failed?: string;
}

export async function executeRun(settings: RunSettings, rt: Runtime): Promise<Executed> {
  const sessionName = settings.roleSessionName ?? sessionNameFor(rt.identity.runId, rt.identity.attempt);
  const clients = clientsFor(settings, sessionName, rt.idToken, rt.log, rt.env, TOOL.version);
  try {
    const report = await runBenchmark(settings, {
      clients,
      clock: rt.clock,
      log: rt.log,
      state: rt.state,
      identity: rt.identity,
      signal: rt.signal,
      sessionName,
      tool: TOOL,
    });
    if (report.instance) {
      rt.setOutput(Outputs.instanceId, report.instance.id);
      rt.setOutput(Outputs.instanceType, report.instance.type);
      rt.setOutput(Outputs.availabilityZone, report.results.instance?.availabilityZone ?? report.instance.availabilityZone);
    }
    mkdirSync(rt.outDir, { recursive: true });
    const resultsPath = join(rt.outDir, "results.json");
    writeFileSync(resultsPath, `${JSON.stringify(report.results, null, 2)}\n`);
    rt.setOutput(Outputs.resultsPath, resultsPath);
    rt.setOutput(Outputs.evidencePath, resultsPath);
    rt.log.info(`evidence: ${resultsPath}`);
    return { failed: report.error ? report.error.message : undefined };
  } finally {
    destroyClients(clients);
  }
}

export async function executePost(saved: SavedRun | undefined, rt: Pick<Runtime, "env" | "log" | "clock" | "idToken">): Promise<void> {
  if (!saved) {
    rt.log.info("Nothing to clean up: main saved no launch (it stopped before launching anything).");
    return;
  }
  // Main's credentials may have expired: assume the role again with a fresh OIDC token.
  const clients = clientsFor(
    { region: saved.region, roleToAssume: saved.roleToAssume, roleDurationSeconds: 900, roleSessionName: saved.sessionName },
    saved.sessionName,
    rt.idToken,
    rt.log,
    rt.env,
    TOOL.version,
  );
  try {
    const outcome = await cleanupAfterRun(saved, { ec2: clients.ec2, clock: rt.clock, log: rt.log });
    rt.log.info(outcome.message);
  } finally {
    destroyClients(clients);
  }
}

export async function executeSweep(settings: SweepSettings, rt: Runtime): Promise<void> {
  const sessionName = settings.roleSessionName ?? sessionNameFor(`sweep-${rt.identity.runId}`, rt.identity.attempt);
  const clients = clientsFor(settings, sessionName, rt.idToken, rt.log, rt.env, TOOL.version);
  try {
    const outcome = await sweepExpired({ ec2: clients.ec2, clock: rt.clock, log: rt.log }, settings.dryRun);
    const ids = settings.dryRun ? outcome.expired.map((e) => e.id) : outcome.terminated;
    rt.setOutput(Outputs.sweptInstances, ids.join(","));
    rt.log.info(`${settings.dryRun ? "Would terminate" : "Terminated"} ${ids.length} expired instance(s).`);
  } finally {
    destroyClients(clients);
  }
}
