import { z } from "zod";
import { PlatformDescription } from "../platform/description.js";

/**
 * What the post step needs from main, saved as early as it exists: the launch intent before
 * RunInstances (so a main killed in between still leads the post step to the instance by its
 * tags), the instance id the moment RunInstances answers, and whether main confirmed termination.
 */
export const SavedRun = z.object({
  region: z.string(),
  roleToAssume: z.string().optional(),
  roleDurationSeconds: z.number(),
  sessionName: z.string(),
  runTags: z.record(z.string(), z.string()),
  clientTokenBase: z.string(),
  /** Every instance of the run (suite `nodes`), each saved the moment RunInstances names it; node 0 first. */
  instanceIds: z.array(z.string()).optional(),
  /** The run's cluster placement group (multi-node runs), saved before it is created; cleared once deleted. */
  placementGroup: z.string().optional(),
  /** The client token of a RunInstances call whose answer main has not seen: it may have started an instance. */
  launching: z.string().optional(),
  terminated: z.boolean().default(false),
  /** The run's node secrets (SecureString parameters), saved before they are put: every cleanup deletes them. */
  secretParameters: z.array(z.string()).optional(),
  /**
   * The platform cluster (platform-api-url): its API and the run's own cluster name, saved before it
   * is created, and its id, saved the moment the platform names it, so the post step deletes it when
   * main cannot (by the id, or by the name when main died before the reply); deleted once main
   * confirmed the deletion.
   */
  platform: z
    .object({
      apiUrl: z.string(),
      clusterName: z.string().optional(),
      clusterId: z.string().optional(),
      /** How this API deletes and lists clusters (platform-config's description, or radix's); absent in older states: radix. */
      description: PlatformDescription.optional(),
      deleted: z.boolean().default(false),
    })
    .refine((p) => p.clusterId !== undefined || p.clusterName !== undefined, "names neither the cluster's id nor its name")
    .optional(),
});
export type SavedRun = z.infer<typeof SavedRun>;

/**
 * What a post step found of main's state. Missing and unusable are not "nothing to do": the post
 * step then rebuilds its search from the environment.
 */
export type LoadedState = { kind: "saved"; run: SavedRun } | { kind: "missing" } | { kind: "unusable"; reason: string };

/** The action's state (GITHUB_STATE) or one of the CLI's per-run state records. */
export interface StateStore {
  save(run: SavedRun): void;
  load(): LoadedState;
}

export function encodeState(run: SavedRun): string {
  return JSON.stringify(run);
}

/** Never throws: corrupt JSON and a record of the wrong shape are "unusable", with the reason. */
export function decodeState(raw: string): LoadedState {
  if (!raw.trim()) return { kind: "missing" };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { kind: "unusable", reason: `not JSON (${(error as Error).message})` };
  }
  const parsed = SavedRun.safeParse(withLegacyInstanceId(json));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: "unusable", reason: `not a saved run (${issue ? `${issue.path.join(".") || "record"}: ${issue.message}` : "schema"})` };
  }
  return { kind: "saved", run: parsed.data };
}

/** A record saved before multi-node runs named its one instance `instanceId`: read it as `instanceIds`. */
function withLegacyInstanceId(json: unknown): unknown {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return json;
  const { instanceId, ...rest } = json as Record<string, unknown>;
  if (typeof instanceId !== "string" || "instanceIds" in rest) return json;
  return { ...rest, instanceIds: [instanceId] };
}

/** Keeps the latest value and writes every change through at once. */
export class RunStateWriter {
  private current: SavedRun;
  constructor(
    private readonly store: StateStore,
    initial: SavedRun,
  ) {
    this.current = initial;
    store.save(initial);
  }
  /** The record as last saved. */
  get(): SavedRun {
    return this.current;
  }
  update(change: Partial<SavedRun>): void {
    this.current = { ...this.current, ...change };
    this.store.save(this.current);
  }
}
