import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every file below `dir`, recursively (absolute paths when `dir` is). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Resolves once `condition()` holds, polling every 20 ms; throws after `timeoutMs` (default 120 s). */
export async function until(condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  for (const start = Date.now(); !condition();) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
