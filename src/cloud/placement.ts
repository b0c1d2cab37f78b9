import {
  CreatePlacementGroupCommand,
  DeletePlacementGroupCommand,
  DescribePlacementGroupsCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import type { Clock } from "../runtime/clock.js";
import { Backoff, awsCallRetry, awsErrorCode, withRetry } from "./retry.js";

/**
 * Whether an instance type can be launched into a cluster placement group. EC2 documents cluster
 * groups for current-generation types except burstable ones (t2, t3, t3a, t4g), Mac instances and
 * the flex types (e.g. m7i-flex); every GPU family this tool launches (g4dn, g5, g6, g6e, gr6, p3,
 * p4d, p5, …) is supported. Source: EC2 User Guide, "Placement groups: cluster placement groups".
 */
export function supportsClusterPlacement(instanceType: string): boolean {
  const family = instanceType.split(".")[0] ?? "";
  return !/^t\d/.test(family) && !/^mac/.test(family) && !family.endsWith("-flex");
}

/**
 * Creates a cluster placement group named `name` with `tags` on creation (the tags the post step and
 * the sweep find it by). Idempotent: a group of that name that already exists (a retried call
 * whose reply was lost) is taken as created. Throws EC2's error otherwise.
 */
export async function createPlacementGroup(ec2: EC2Client, name: string, tags: Record<string, string>, clock: Clock): Promise<void> {
  const input = {
    GroupName: name,
    Strategy: "cluster" as const,
    TagSpecifications: [{ ResourceType: "placement-group" as const, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
  };
  try {
    await withRetry(() => ec2.send(new CreatePlacementGroupCommand(input)), awsCallRetry(clock));
  } catch (error) {
    if (awsErrorCode(error) !== "InvalidPlacementGroup.Duplicate") throw error;
  }
}

/** How long a delete waits for the group's instances to leave shutting-down (EC2 refuses while any is not terminated). */
export const PLACEMENT_GROUP_DELETE_SECONDS = 300;

/**
 * Deletes a placement group once its instances are terminated: InvalidPlacementGroup.InUse (an
 * instance still shutting down) is retried for up to `waitSeconds`; a group that is already gone
 * (InvalidPlacementGroup.Unknown) counts as deleted. Throws EC2's error otherwise, or when the
 * group is still in use after the wait.
 */
export async function deletePlacementGroup(
  ec2: EC2Client,
  name: string,
  clock: Clock,
  waitSeconds = PLACEMENT_GROUP_DELETE_SECONDS,
): Promise<void> {
  const until = clock.now() + waitSeconds * 1000;
  const backoff = new Backoff(500, 5000, 2);
  for (;;) {
    try {
      await withRetry(() => ec2.send(new DeletePlacementGroupCommand({ GroupName: name })), awsCallRetry(clock));
      return;
    } catch (error) {
      const code = awsErrorCode(error);
      if (code === "InvalidPlacementGroup.Unknown") return;
      if (code !== "InvalidPlacementGroup.InUse" || clock.now() >= until) throw error;
      await clock.sleep(backoff.next());
    }
  }
}

/** Names of the placement groups that carry every given tag. */
export async function findPlacementGroupsByTags(ec2: EC2Client, tags: Record<string, string>): Promise<string[]> {
  return (await describeByTags(ec2, tags)).map((g) => g.name);
}

/** Placement groups that carry every given tag, each with its `expiresAtTag` value (empty when it has none). */
async function describeByTags(
  ec2: EC2Client,
  tags: Record<string, string>,
  expiresAtTag = "",
): Promise<Array<{ name: string; expiresAt: string }>> {
  const out = await ec2.send(
    new DescribePlacementGroupsCommand({ Filters: Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] })) }),
  );
  return (out.PlacementGroups ?? []).flatMap((g) =>
    g.GroupName ? [{ name: g.GroupName, expiresAt: g.Tags?.find((t) => t.Key === expiresAtTag)?.Value ?? "" }] : [],
  );
}

/**
 * Placement groups carrying every given tag whose `expiresAtTag` (ISO 8601) has passed at `now`,
 * or is missing or unreadable (nothing vouches for them): what the sweep deletes.
 */
export async function findExpiredPlacementGroups(
  ec2: EC2Client,
  tags: Record<string, string>,
  expiresAtTag: string,
  now: Date,
): Promise<string[]> {
  return (await describeByTags(ec2, tags, expiresAtTag))
    .filter((g) => {
      const at = Date.parse(g.expiresAt);
      return Number.isNaN(at) || at <= now.getTime();
    })
    .map((g) => g.name);
}
