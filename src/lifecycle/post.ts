import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { deleteNodeSecrets, findExpiredNodeSecrets, findNodeSecrets } from "../cloud/secrets.js";
import { DEFAULT_STACK } from "../config/inputs.js";
import { TagKeys } from "../config/names.js";
import {
  CleanupError,
  findByClientToken,
  findExpired,
  findLiveByTags,
  isGone,
  terminateAndConfirm,
  terminateEach,
  type ExpiredInstance,
} from "../cloud/ec2.js";
import { MAX_TTL_MINUTES } from "../config/inputs.js";
import { deletePlacementGroup, findExpiredPlacementGroups, findPlacementGroupsByTags } from "../cloud/placement.js";
import { MANAGED_BY } from "../config/names.js";
import { Backoff } from "../cloud/retry.js";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import { errorLine } from "../runtime/error-text.js";
import type { SavedRun } from "./state.js";
import type { ConnectPlatform, PlatformConnection } from "../platform/connect.js";
import { deleteClustersNamed, type PlatformApi } from "../platform/api.js";
import { deleteRequest } from "../platform/description.js";
import { RADIX } from "../platform/radix.js";
import { isRunClusterName } from "../platform/cluster-name.js";

export interface PostOutcome {
  terminated: string[];
  message: string;
}

/** How long the post step keeps looking for an instance whose launch main did not see answered. */
export const LOST_LAUNCH_SEARCH_SECONDS = 90;

/**
 * The post step: terminates whatever this run left, found by the saved instance id and by the
 * run's tags. When main died with a RunInstances call unanswered, the instance may exist but not
 * yet be visible (DescribeInstances is eventually consistent): keep looking for it, by its client
 * token and tags, for a while. Idempotent.
 */
export async function cleanupAfterRun(
  saved: SavedRun,
  deps: { ec2: EC2Client; clock: Clock; log: Log; lostLaunchSearchSeconds?: number; runName?: string },
): Promise<PostOutcome> {
  // "main" in the action's post step; "a previous run" for the CLI's cleanup.
  const who = deps.runName ?? "main";
  const Who = who[0]!.toUpperCase() + who.slice(1);
  const ids = new Set<string>();
  // The lost launch's instance, in whatever state: once seen, the search is over.
  let lostLaunchSeen = false;
  const search = async () => {
    for (const i of await findLiveByTags(deps.ec2, saved.runTags)) if (i.InstanceId) ids.add(i.InstanceId);
    if (saved.launching) {
      for (const i of await findByClientToken(deps.ec2, saved.launching)) {
        lostLaunchSeen = true;
        if (i.InstanceId && !isGone(i.State?.Name)) ids.add(i.InstanceId);
      }
    }
  };
  await search();
  const savedIds = saved.instanceIds ?? [];
  if (saved.launching && savedIds.length === 0 && ids.size === 0 && !lostLaunchSeen) {
    deps.log.info(
      `${Who} stopped while a launch (client token ${saved.launching}) was unanswered; looking for the instance it may have started.`,
    );
    const until = deps.clock.now() + (deps.lostLaunchSearchSeconds ?? LOST_LAUNCH_SEARCH_SECONDS) * 1000;
    const backoff = new Backoff(250, 5000);
    while (ids.size === 0 && !lostLaunchSeen && deps.clock.now() < until) {
      await deps.clock.sleep(backoff.next());
      await search();
    }
  }
  if (!saved.terminated) for (const id of savedIds) ids.add(id);
  if (ids.size === 0) {
    await deleteRunPlacementGroups(saved, deps);
    return {
      terminated: [],
      message: saved.terminated
        ? `Nothing to clean up: ${who} terminated ${savedIds.length > 0 ? savedIds.join(", ") : "its instance"} and no other instance of that run is alive.`
        : "Nothing to clean up: no instance of this run is alive.",
    };
  }
  await terminateAndConfirm(deps.ec2, [...ids], deps.clock, deps.log);
  await deleteRunPlacementGroups(saved, deps);
  return { terminated: [...ids], message: `Terminated what ${who} left behind: ${[...ids].join(", ")}.` };
}

/**
 * Deletes the run's cluster placement group (a multi-node run's): the one its saved state names and
 * any carrying the run's tags (state lost). Once the instances are terminated; never throws: a
 * group costs nothing, so a failure is a warning and mode: sweep deletes it after the run's expiry.
 */
export async function deleteRunPlacementGroups(saved: SavedRun, deps: { ec2: EC2Client; clock: Clock; log: Log }): Promise<string[]> {
  const names = new Set(saved.placementGroup ? [saved.placementGroup] : []);
  try {
    for (const name of await findPlacementGroupsByTags(deps.ec2, saved.runTags)) names.add(name);
  } catch (error) {
    if (names.size > 0) deps.log.warning(`Could not search for the run's placement groups by tag (${errorLine(error)}).`);
  }
  const deleted: string[] = [];
  for (const name of names) {
    try {
      await deletePlacementGroup(deps.ec2, name, deps.clock);
      deleted.push(name);
    } catch (error) {
      deps.log.warning(`Could not delete placement group ${name} (${errorLine(error)}); mode: sweep deletes it after the run's expiry.`);
    }
  }
  if (deleted.length > 0) deps.log.info(`Deleted the run's placement group(s): ${deleted.join(", ")}.`);
  return deleted;
}

/**
 * Deletes the run's node secrets (SecureString parameters): those its saved state names and any
 * under the stack's path that carry the run's tags (a state lost, or main killed right after the
 * put); none when main's state says it put none. Returns the names deleted; throws a CleanupError
 * naming each one it could not delete and how to delete it by hand.
 */
export async function deleteRunSecrets(saved: SavedRun, deps: { ssm: SSMClient; log: Log }): Promise<string[]> {
  // An empty list is main's word that it put none (it names each one before putting it): nothing to search.
  if (saved.secretParameters?.length === 0) return [];
  const stack = saved.runTags[TagKeys.stack] ?? DEFAULT_STACK;
  const names = new Set(saved.secretParameters ?? []);
  try {
    for (const name of await findNodeSecrets(deps.ssm, stack, saved.runTags)) names.add(name);
  } catch (error) {
    // Without usable state nothing says a secret was ever put; the sweep deletes any after the run's expiry.
    deps.log.warning(
      `Could not search /gpu-bench/${stack}/runs for the run's secret parameters (${errorLine(error)}); mode: sweep deletes any after the run's expiry.`,
    );
  }
  const failed = await deleteNodeSecrets(deps.ssm, [...names]);
  if (failed.length > 0) {
    throw new CleanupError(
      `Could not delete every secret parameter of that run: ${failed.map((f) => `${f.name} (${f.reason})`).join("; ")}. Delete them with ` +
        `aws ssm delete-parameter --region ${saved.region} --name <name>; mode: sweep deletes them after the run's expiry.`,
    );
  }
  const deleted = [...names];
  if (deleted.length > 0) deps.log.info(`Deleted the run's secret parameter(s): ${deleted.join(", ")}.`);
  return deleted;
}

export interface SweepOutcome {
  expired: ExpiredInstance[];
  terminated: string[];
  /** Each instance whose termination EC2 did not confirm (and each secret parameter not deleted), with why. */
  failed: Array<{ id: string; reason: string }>;
  /** Node secret parameters of expired runs: deleted, or with dryRun, found. */
  secrets: string[];
  /** Placement groups of expired runs (multi-node): deleted, or with dryRun, found. */
  placementGroups: string[];
}

/**
 * Terminates every instance this tool tagged for `stack` (tag gpu-bench:stack; the stack's role may
 * terminate no other) in the client's region that is past its expires-at or past the longest
 * allowed life (see findExpired), each on its own so one failure stops none of the others; with
 * dryRun, lists them. Failures are returned, each with its reason.
 */
export async function sweepExpired(
  deps: { ec2: EC2Client; ssm?: SSMClient; clock: Clock; log: Log },
  dryRun: boolean,
  stack: string,
): Promise<SweepOutcome> {
  const expired = await findExpired(deps.ec2, new Date(deps.clock.now()), stack, MAX_TTL_MINUTES);
  for (const e of expired) {
    deps.log.info(
      `${dryRun ? "Would terminate" : "Terminating"} ${e.id} (${e.type ?? "?"}, ${e.state ?? "?"}, ${e.reason}: expires-at ${e.expiresAt || "none"}, launched ${e.launchedAt ?? "?"}, ${e.repository ?? "?"} run ${e.runId ?? "?"})`,
    );
  }
  if (expired.length === 0) deps.log.info("No expired instance found.");
  const outcome =
    dryRun || expired.length === 0
      ? { terminated: [], failed: [] }
      : await terminateEach(
          deps.ec2,
          expired.map((e) => e.id),
          deps.clock,
          deps.log,
        );
  const failed = [...outcome.failed];
  let secrets: string[] = [];
  if (deps.ssm) {
    // Node secrets of runs past their expiry (their own tag): whatever left them, they go too.
    try {
      secrets = await findExpiredNodeSecrets(deps.ssm, stack, new Date(deps.clock.now()));
      for (const name of secrets) deps.log.info(`${dryRun ? "Would delete" : "Deleting"} secret parameter ${name} (its run has expired)`);
      if (!dryRun) {
        const notDeleted = await deleteNodeSecrets(deps.ssm, secrets);
        failed.push(...notDeleted.map((f) => ({ id: f.name, reason: f.reason })));
        secrets = secrets.filter((n) => !notDeleted.some((f) => f.name === n));
      }
    } catch (error) {
      failed.push({ id: `secret parameters under /gpu-bench/${stack}/runs`, reason: errorLine(error) });
    }
  }
  const placementGroups = await sweepPlacementGroups(deps, dryRun, stack);
  return { expired, terminated: outcome.terminated.map((t) => t.id), failed, secrets, placementGroups };
}

/**
 * Placement groups of this stack's runs past their expiry: listed, and unless dryRun deleted (once
 * their instances are terminated; a short wait, as the sweep runs again). A group costs nothing, so
 * a failure, or a role without ec2:DescribePlacementGroups (an older stack), is a warning.
 */
async function sweepPlacementGroups(deps: { ec2: EC2Client; clock: Clock; log: Log }, dryRun: boolean, stack: string): Promise<string[]> {
  let names: string[];
  try {
    names = await findExpiredPlacementGroups(
      deps.ec2,
      { [MANAGED_BY.key]: MANAGED_BY.value, [TagKeys.stack]: stack },
      TagKeys.expiresAt,
      new Date(deps.clock.now()),
    );
  } catch (error) {
    deps.log.warning(`Could not look for expired placement groups (${errorLine(error)}).`);
    return [];
  }
  const done: string[] = [];
  for (const name of names) {
    deps.log.info(`${dryRun ? "Would delete" : "Deleting"} placement group ${name} (its run has expired)`);
    if (dryRun) {
      done.push(name);
      continue;
    }
    await deletePlacementGroup(deps.ec2, name, deps.clock, 60).then(
      () => done.push(name),
      (error: unknown) => deps.log.warning(`Could not delete placement group ${name} (${errorLine(error)}); the next sweep retries.`),
    );
  }
  return done;
}

/**
 * The post step's half of the platform: deletes the cluster main's state names when main did not
 * confirm its deletion (killed, or its delete failed): by its saved id, or, when main died before
 * the platform's reply named the id, every cluster with the run's own name (unique to the run, see
 * runClusterName). `connect` logs in with the platform inputs (absent: they cannot be read here).
 * Returns the cluster ids deleted (empty when there was nothing to delete); throws a CleanupError
 * naming the cluster and how to delete it by hand.
 */
export async function deleteSavedCluster(
  saved: Pick<SavedRun, "platform">,
  connect: ConnectPlatform | undefined,
  log: Log,
): Promise<string[]> {
  const platform = saved.platform;
  if (!platform || platform.deleted) return [];
  const which = platform.clusterId ?? `named '${platform.clusterName}'`;
  const description = platform.description ?? RADIX;
  const { delete: del, list } = description.cluster;
  const byHand = platform.clusterId
    ? `delete it by hand: ${deleteRequest(description, platform.clusterId, platform.apiUrl)} with the CI user's token`
    : `find it by hand (${list.method} ${platform.apiUrl}${list.path}) and delete it (${del.method} ${platform.apiUrl}${del.path}) with the CI user's token`;
  if (!connect) {
    throw new CleanupError(
      `Platform cluster ${which} at ${platform.apiUrl} may still exist and the platform inputs are not available here to delete it: ${byHand}.`,
    );
  }
  let connection: PlatformConnection | undefined;
  try {
    connection = await connect();
    const api = connection.api;
    if (platform.clusterId) {
      const existed = await api.deleteCluster(platform.clusterId);
      log.info(existed ? `Deleted platform cluster ${platform.clusterId}.` : `Platform cluster ${platform.clusterId} was already gone.`);
      return [platform.clusterId];
    }
    const named = await deleteClustersNamed(api, platform.clusterName!);
    if (named.length === 0) log.info(`No platform cluster named '${platform.clusterName}': main created none, or deleted it.`);
    for (const c of named) {
      log.info(`Deleted platform cluster ${c.id} ('${c.name}'), whose id main never heard (stopped first, or its create got no answer).`);
    }
    return named.map((c) => c.id);
  } catch (error) {
    throw new CleanupError(
      `Could not delete platform cluster ${which}: ${errorLine(error)}. ${byHand[0]!.toUpperCase()}${byHand.slice(1)}.`,
      {
        cause: error,
      },
    );
  } finally {
    await connection?.close();
  }
}

export interface ClusterSweep {
  /** Clusters this tool named from cluster-name, created longer ago than the longest run: deleted, or with dryRun, found. */
  clusters: string[];
  failed: Array<{ id: string; reason: string }>;
}

/**
 * The sweep's half of the platform: every cluster a run of this tool named from `clusterName`
 * (isRunClusterName: `<clusterName>-gb<nonce><check>`) that the platform says was created more
 * than MAX_TTL_MINUTES ago (no run lives that long, so none is in use by a run) is deleted, each
 * on its own; with dryRun, listed. Clusters named otherwise (a user's own `gpu-bench`, say) and
 * clusters without a createdAt are left alone.
 */
export async function sweepPlatformClusters(
  api: Pick<PlatformApi, "listClusters" | "deleteCluster">,
  o: { clusterName: string; now: Date; dryRun: boolean; log: Log },
): Promise<ClusterSweep> {
  const oldest = o.now.getTime() - MAX_TTL_MINUTES * 60_000;
  const old = (await api.listClusters()).filter(
    (c) => isRunClusterName(o.clusterName, c.name) && c.createdAt !== undefined && Date.parse(c.createdAt) < oldest,
  );
  const clusters: string[] = [];
  const failed: ClusterSweep["failed"] = [];
  for (const c of old) {
    o.log.info(`${o.dryRun ? "Would delete" : "Deleting"} platform cluster ${c.id} ('${c.name}', created ${c.createdAt})`);
    if (o.dryRun) {
      clusters.push(c.id);
      continue;
    }
    try {
      await api.deleteCluster(c.id);
      clusters.push(c.id);
    } catch (error) {
      failed.push({ id: `platform cluster ${c.id}`, reason: errorLine(error) });
    }
  }
  if (old.length === 0) o.log.info(`No platform cluster of this tool named from '${o.clusterName}' older than ${MAX_TTL_MINUTES / 60} h.`);
  return { clusters, failed };
}
