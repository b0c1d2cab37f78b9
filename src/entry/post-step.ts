import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { CredentialsError, sessionNameFor, type IdTokenSource } from "../auth/credentials.js";
import { awsErrorText } from "../cloud/aws-errors.js";
import { checkCredentials } from "../cloud/clients.js";
import { CleanupError, describeOne, findByTags, findLiveByTags, isGone } from "../cloud/ec2.js";
import { findNodeSecrets, parameterTags } from "../cloud/secrets.js";
import { shellQuote } from "../cloud/remote-script.js";
import { awsErrorCode } from "../cloud/retry.js";
import {
  InputError,
  DEFAULT_STACK,
  MAX_TTL_MINUTES,
  parseSettings,
  type AwsAccess,
  type InputReader,
  type PlatformAuth,
  type Settings,
} from "../config/inputs.js";
import { TagKeys } from "../config/names.js";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import { errorLine } from "../runtime/error-text.js";
import { searchTags, type JobContext } from "../lifecycle/identity.js";
import { cleanupAfterRun, deleteRunSecrets, deleteSavedCluster, type PostOutcome } from "../lifecycle/post.js";
import type { ConnectPlatform } from "../platform/connect.js";
import { RADIX } from "../platform/radix.js";
import { RUN_NONCE, runClusterName } from "../platform/cluster-name.js";
import type { PlatformDescription } from "../platform/description.js";
import { describePlatform } from "./workspace-files.js";
import type { LoadedState, SavedRun } from "../lifecycle/state.js";
import { ec2ClientFor, platformConnector, postClientsFor } from "./aws.js";
import { TOOL } from "./tool.js";

// The post step (and `gpu-bench cleanup`): EC2, credentials, the saved state and the log, nothing
// else (no SSM, S3, artifact client or report code), so the step that must always work loads little.

/** What the post step needs from its runtime. */
export interface PostRuntime {
  env: NodeJS.ProcessEnv;
  log: Log;
  clock: Clock;
  idToken?: IdTokenSource;
  /**
   * The platform-auth inputs, read only when main's state names a cluster it did not delete.
   * Throws InputError when they are missing or malformed here.
   */
  platformAuth?: () => PlatformAuth;
}

/**
 * Where a post step searches when main's state is missing or unusable, rebuilt from its own
 * environment (repository, run id, attempt, job, runner, and the region and role inputs); or why
 * main cannot have launched anything (the same inputs main refused).
 */
export type PostFallback =
  | { search: { access: AwsAccess; tags: Record<string, string>; sessionName: string; platform?: LostPlatform } }
  | { nothingLaunched: string };

/**
 * The platform main went through (platform-api-url), as the inputs say, for a post step without
 * main's state: the run's cluster is named cluster-name plus the run's nonce (runClusterName),
 * which the run's instances carry in their gpu-bench:nonce tag.
 */
export interface LostPlatform {
  apiUrl: string;
  /** cluster-name, the base runClusterName adds the run's suffix to. */
  clusterNameBase: string;
  /** How this API lists and deletes clusters (radix's, or platform-config's file); throws an InputError when that file is unreadable. */
  description: () => PlatformDescription;
}

/**
 * Terminates whatever the run left, by its saved state and by its tags. Without usable state it
 * searches by the tags `fallback` rebuilds; it never reports "nothing to clean up" without having
 * searched. `runName` is how the log names that run ("main" in the action, "a previous run" for
 * the CLI). Throws a CleanupError when it cannot confirm termination (no credentials, no
 * permission, EC2 unreachable), naming every instance still in doubt and how to terminate it by hand.
 */
export async function executePost(
  loaded: LoadedState,
  rt: PostRuntime,
  fallback: () => PostFallback,
  runName = "main",
): Promise<PostOutcome> {
  let saved: SavedRun;
  let lostPlatform: LostPlatform | undefined;
  if (loaded.kind === "saved") {
    saved = loaded.run;
  } else {
    const rebuilt = fallback();
    const why = loaded.kind === "missing" ? `${runName} saved no state` : `${runName}'s saved state is unusable: ${loaded.reason}`;
    if ("nothingLaunched" in rebuilt) {
      rt.log.info(`Nothing to clean up: ${why}, and ${rebuilt.nothingLaunched}.`);
      return { terminated: [], message: `Nothing to clean up: ${rebuilt.nothingLaunched}.` };
    }
    const { access, tags, sessionName } = rebuilt.search;
    lostPlatform = rebuilt.search.platform;
    saved = {
      region: access.region,
      roleToAssume: access.roleToAssume,
      roleDurationSeconds: 900,
      sessionName,
      runTags: tags,
      clientTokenBase: "",
      terminated: false,
    };
    rt.log.warning(`${why}. Searching ${access.region} for this job's instances by their tags: ${formatTags(tags)}.`);
  }
  let clients: { ec2: EC2Client; ssm: SSMClient } | undefined;
  let outcome: PostOutcome | undefined;
  let laterError: unknown;
  try {
    // Main's credentials may have expired: assume the role again with a fresh OIDC token.
    clients = postClientsFor(...savedRunAccess(saved, rt));
    const { ec2, ssm } = clients;
    await checkCredentials(ec2);
    // The instance first (it bills); then the run's node secrets, which must not outlive it either.
    let instanceError: unknown;
    try {
      outcome = await cleanupAfterRun(saved, { ec2, clock: rt.clock, log: rt.log, runName });
      rt.log.info(outcome.message);
    } catch (error) {
      instanceError = error;
    }
    // Without state, the run's nonce names its platform cluster: read it from the run's instances
    // and secret parameters before those parameters are deleted.
    let lostCluster: { platform: SavedRun["platform"] } | { error: unknown } | undefined;
    if (lostPlatform) {
      try {
        lostCluster = { platform: await clusterOfLostRun(lostPlatform, saved.runTags, { ec2, ssm }, rt.log) };
      } catch (error) {
        lostCluster = { error };
      }
    }
    try {
      await deleteRunSecrets(saved, { ssm, log: rt.log });
    } catch (error) {
      // Thrown after the instances are settled; said now when an instance failure will be what is thrown.
      if (instanceError === undefined) laterError = error;
      else rt.log.error(errorLine(error));
    }
    try {
      if (lostCluster && "error" in lostCluster) throw lostCluster.error;
      if (lostCluster) saved = { ...saved, platform: lostCluster.platform };
      await deleteSavedCluster(saved, platformConnectorFor(saved, rt, ec2), rt.log);
    } catch (error) {
      if (instanceError === undefined && laterError === undefined) laterError = error;
      else rt.log.error(errorLine(error));
    }
    if (instanceError !== undefined || !outcome) throw instanceError;
  } catch (error) {
    const why = isCredentialFailure(error)
      ? `could not get usable AWS credentials: ${awsErrorText(error)}`
      : error instanceof CleanupError
        ? error.message
        : awsErrorText(error);
    throw new CleanupError(unconfirmedMessage(saved, why), { cause: error });
  } finally {
    clients?.ec2.destroy();
    clients?.ssm.destroy();
  }
  // The instances are gone; only a secret parameter or the platform cluster is left: its own message, not "instances unconfirmed".
  if (laterError !== undefined) throw laterError;
  return outcome!;
}

/**
 * The platform cluster of a run whose state is lost, named from the run's nonce: on its live
 * instances and its secret parameters (the onboarding token is put right after the cluster is
 * created, before any launch), found by `tags`; else on its terminated instances (main may have
 * terminated them before it died). Undefined, with a warning, when nothing carries a nonce, or
 * several runs' things do (another may still use its cluster): mode sweep deletes such a cluster
 * once it is older than any run (MAX_TTL_MINUTES). Throws a CleanupError naming the cluster when
 * platform-config cannot be read here.
 */
async function clusterOfLostRun(
  platform: LostPlatform,
  tags: Record<string, string>,
  clients: { ec2: EC2Client; ssm: SSMClient },
  log: Log,
): Promise<SavedRun["platform"]> {
  const live = new Set<string>();
  const gone = new Set<string>();
  const runNonce = (nonce: string | undefined) => (nonce && RUN_NONCE.test(nonce) ? nonce : undefined);
  for (const i of await findByTags(clients.ec2, tags)) {
    const nonce = runNonce(i.Tags?.find((t) => t.Key === TagKeys.nonce)?.Value);
    if (nonce) (isGone(i.State?.Name) ? gone : live).add(nonce);
  }
  for (const name of await findNodeSecrets(clients.ssm, tags[TagKeys.stack] ?? DEFAULT_STACK, tags)) {
    const nonce = runNonce((await parameterTags(clients.ssm, name))[TagKeys.nonce]);
    if (nonce) live.add(nonce);
  }
  const nonces = live.size > 0 ? live : gone;
  const [nonce] = nonces;
  if (!nonce || nonces.size > 1) {
    const why =
      nonces.size === 0
        ? `nothing of this run carries its nonce (tag ${TagKeys.nonce})`
        : `${nonces.size} runs' instances or parameters carry nonces (${[...nonces].join(", ")}), and another run may still use its cluster`;
    log.warning(
      `A platform cluster main may have created at ${platform.apiUrl} cannot be named: ${why}. Mode sweep deletes clusters named from cluster-name '${platform.clusterNameBase}' once they are older than ${MAX_TTL_MINUTES} minutes; to delete it now, find it by hand among the clusters named '${platform.clusterNameBase}-gb…'.`,
    );
    return undefined;
  }
  const clusterName = runClusterName(platform.clusterNameBase, nonce);
  log.info(`This run's platform cluster, if main created one, is named '${clusterName}' (cluster-name and the run's nonce ${nonce}).`);
  let description: PlatformDescription;
  try {
    description = platform.description();
  } catch (error) {
    throw new CleanupError(
      `Platform cluster '${clusterName}' at ${platform.apiUrl} may still exist, and how to delete it cannot be read here (${errorLine(error)}): find it by that name among the platform's clusters and delete it with the CI user's token.`,
      { cause: error },
    );
  }
  return { apiUrl: platform.apiUrl, clusterName, description, deleted: false };
}

/** Connects with the platform inputs to the API main's state names; undefined when the inputs are not here. */
function platformConnectorFor(saved: SavedRun, rt: PostRuntime, ec2: EC2Client): ConnectPlatform | undefined {
  if (!saved.platform || saved.platform.deleted) return undefined;
  let auth: PlatformAuth | undefined;
  try {
    auth = rt.platformAuth?.();
  } catch (error) {
    rt.log.warning(`The platform-auth inputs cannot be read here: ${errorLine(error)}`);
    return undefined;
  }
  if (!auth) return undefined;
  return platformConnector(
    { apiUrl: saved.platform.apiUrl, auth, description: saved.platform.description ?? RADIX },
    { credentials: ec2.config.credentials, idToken: rt.idToken, log: rt.log, clock: rt.clock, version: TOOL.version },
  );
}

/**
 * The action's post step without usable state: the inputs main read (region, role) and the tags its
 * own environment rebuilds. Inputs main would have refused mean main launched nothing.
 */
export function postFallbackFrom(read: InputReader, job: JobContext, workspace: string): PostFallback {
  let settings: Settings;
  try {
    settings = parseSettings(read);
  } catch (error) {
    if (error instanceof InputError) return { nothingLaunched: "main refuses these same inputs before any AWS call" };
    throw error;
  }
  if (settings.mode !== "run") return { nothingLaunched: `mode ${settings.mode} launches nothing` };
  const platform = settings.platform;
  return {
    search: {
      access: settings,
      // The stack tag too: the instances and node secrets this stack's role made carry it.
      tags: searchTags({ ...job, stack: settings.stack }),
      sessionName: settings.roleSessionName ?? sessionNameFor(job.runId, job.attempt),
      platform: platform && {
        apiUrl: platform.apiUrl,
        clusterNameBase: platform.clusterName,
        description: () => describePlatform(platform.preset, workspace),
      },
    },
  };
}

/**
 * The AWS access a later step uses for a saved run: main's region and role, assumed again with a
 * fresh OIDC token for 15 minutes (main's credentials may have expired), as clientsFor's arguments.
 */
function savedRunAccess(saved: SavedRun, rt: PostRuntime): Parameters<typeof postClientsFor> {
  return [
    { region: saved.region, roleToAssume: saved.roleToAssume, roleDurationSeconds: 900, roleSessionName: saved.sessionName },
    saved.sessionName,
    rt.idToken,
    rt.log,
    rt.env,
    TOOL.version,
  ];
}

/**
 * Instances a saved run names that EC2 still shows alive (by id and by its tags): a state record
 * that names one must not be overwritten, or nothing would lead a cleanup to it.
 */
export async function liveInstancesOf(saved: SavedRun, rt: PostRuntime): Promise<string[]> {
  const ec2 = ec2ClientFor(...savedRunAccess(saved, rt));
  try {
    const ids = new Set((await findLiveByTags(ec2, saved.runTags)).map((i) => i.InstanceId!));
    for (const id of saved.terminated ? [] : (saved.instanceIds ?? [])) {
      // Long gone instances drop out of DescribeInstances: NotFound here (hours after the run) means gone.
      const described = await describeOne(ec2, id).catch((error: unknown) => {
        if (awsErrorCode(error) === "InvalidInstanceID.NotFound") return undefined;
        throw error;
      });
      const state = described?.State?.Name;
      if (described && !isGone(state)) ids.add(id);
    }
    return [...ids];
  } finally {
    ec2.destroy();
  }
}

function formatTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

/**
 * What is in doubt after a failed cleanup, and the commands that settle it by hand: the instance
 * named, and the search (by every tag that identifies this job instance, nonce included, so it
 * never finds another matrix leg's instance) that finds the rest.
 */
export function unconfirmedMessage(saved: SavedRun, why: string): string {
  const region = `--region ${saved.region}`;
  const tagFilter = Object.entries(saved.runTags)
    .map(([k, v]) => shellQuote(`Name=tag:${k},Values=${v}`))
    .join(" ");
  const find =
    `aws ec2 describe-instances ${region} --filters ${tagFilter} Name=instance-state-name,Values=pending,running,stopping,stopped ` +
    `--query 'Reservations[].Instances[].InstanceId' --output text`;
  const lines = [`Could not confirm that the instances of that run are terminated: ${why}`];
  const savedIds = saved.instanceIds ?? [];
  const named = savedIds.join(" ");
  if (savedIds.length > 0 && !saved.terminated) {
    lines.push(
      `Not confirmed terminated: ${savedIds.join(", ")}. Terminate ${savedIds.length === 1 ? "it" : "them"} by hand: aws ec2 terminate-instances ${region} --instance-ids ${named}`,
      `(${savedIds.join(", ")} may still be running and billing.)`,
    );
  } else if (savedIds.length > 0) {
    lines.push(`${savedIds.join(", ")} ${savedIds.length === 1 ? "was" : "were"} confirmed terminated by the run itself.`);
  } else if (saved.launching) {
    lines.push(`A launch (client token ${saved.launching}) went unanswered: its instance may be running and billing.`);
  }
  lines.push(
    `Other instances of the run (a launch whose reply was lost) are found by its tags: ${find}`,
    `and terminated with aws ec2 terminate-instances ${region} --instance-ids <ids>. ` +
      `The instance also powers itself off at its ${TagKeys.expiresAt}, and mode: sweep terminates it after that.`,
  );
  return lines.join("\n");
}

const CREDENTIAL_FAILURES = new Set([
  "CredentialsError",
  "CredentialsProviderError",
  "ExpiredToken",
  "ExpiredTokenException",
  "RequestExpired",
  "AuthFailure",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidIdentityToken",
  "AccessDenied",
  "UnauthorizedOperation",
]);

/** A failure to get or use credentials, also when wrapped (checkCredentials keeps the SDK's error as its cause). */
function isCredentialFailure(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof CredentialsError || CREDENTIAL_FAILURES.has(awsErrorCode(e) ?? "") || CREDENTIAL_FAILURES.has((e as Error).name))
      return true;
  }
  return false;
}
