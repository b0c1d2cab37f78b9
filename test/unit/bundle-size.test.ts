import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

const DIST = new URL("../../dist", import.meta.url).pathname;
const MiB = 1024 * 1024;

/** The bundle and every chunk it imports, transitively (relative static imports). */
function loaded(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(file, "utf8").matchAll(/(?:import|export)\s*(?:[\w${},*\s]*?from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
    loaded(join(dirname(file), m[1]!), seen);
  }
  return seen;
}
const bytes = (files: Iterable<string>) => [...files].reduce((n, f) => n + statSync(f).size, 0);
const everything = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? everything(join(dir, name)) : [join(dir, name)]));

describe("the committed bundles", () => {
  it("the post step, which must always work, loads EC2, credentials, state and logging only: at most 4 MiB", () => {
    const files = loaded(join(DIST, "post.js"));
    expect(bytes(files)).toBeLessThanOrEqual(4 * MiB);
    const text = [...files].map((f) => readFileSync(f, "utf8")).join("\n");
    expect(text).toContain("TerminateInstancesCommand");
    for (const absent of ["SendCommandCommand", "PutObjectCommand", "DefaultArtifactClient", "renderEvidence"])
      expect(text).not.toContain(absent);
  });

  it("all of dist/ is at most 12 MiB", () => {
    expect(bytes(everything(DIST))).toBeLessThanOrEqual(12 * MiB);
  });
});
