import { z } from "zod";

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
  instanceId: z.string().optional(),
  /** The client token of a RunInstances call whose answer main has not seen: it may have started an instance. */
  launching: z.string().optional(),
  terminated: z.boolean().default(false),
});
export type SavedRun = z.infer<typeof SavedRun>;

/** The action's state (GITHUB_STATE) or the CLI's state file. */
export interface StateStore {
  save(run: SavedRun): void;
  load(): SavedRun | undefined;
}

export const STATE_KEY = "gpu-bench-run";

export function encodeState(run: SavedRun): string {
  return JSON.stringify(run);
}

export function decodeState(raw: string): SavedRun | undefined {
  if (!raw) return undefined;
  const parsed = SavedRun.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : undefined;
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
  update(change: Partial<SavedRun>): void {
    this.current = { ...this.current, ...change };
    this.store.save(this.current);
  }
}
