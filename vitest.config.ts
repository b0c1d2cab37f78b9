import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { defineConfig, type Plugin } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Imports of remote/ assets give their text, as esbuild's "text" loader does in the bundles. */
function textAssets(): Plugin {
  return {
    name: "text-assets",
    enforce: "pre",
    load(id) {
      if (/\.(sh|py|ya?ml)$/.test(id)) return `export default ${JSON.stringify(readFileSync(id, "utf8"))};`;
      return null;
    },
  };
}

/**
 * The files that wait longest start first. In a clean checkout (CI) vitest has no durations cached
 * and orders by file size, which started the ~3 min chaos file, a few lines long, after six minutes
 * and made it the run's tail. Within a rank vitest's own order (cached durations, else size) holds.
 */
class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const path = relative(this.ctx.config.root, f.moduleId);
      if (/^test\/(e2e\/chaos|faults\/stand-in-)/.test(path)) return 0;
      if (/^test\/(e2e|workloads\/stand-in-|workloads\/telemetry-node)/.test(path)) return 1;
      return 2;
    };
    return sorted
      .map((f, i) => ({ f, i, r: rank(f) }))
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .map(({ f }) => f);
  }
}

export default defineConfig({
  plugins: [textAssets()],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Three files at a time on two cores. The e2e and fault files mostly wait on the stand-in's
    // latency model: on an earlier machine five used about half the CPU (400 s wall). On a slower
    // one (cli-closed-output alone 26.5 s, was 18 s) five saturated both cores and 11 tests overran
    // their limits (1,067 s wall); three ended fresh-clone runs in 1,150-1,250 s with the CPU 87%
    // busy (vmstat: 49% user, 31% system). Two took 1,436 s and still failed one timing-sensitive
    // test: the contention is the machine's, not the workers'.
    maxWorkers: 3,
    // Each full run on this machine met one different whole-run test failing under the load alone
    // (its tries in isolation pass): one more try keeps such a flake from sinking CI, and
    // retried-tests.ts names each test that needed it, with the error of its failed try.
    retry: 1,
    setupFiles: ["test/support/retried-tests.ts"],
    sequence: { sequencer: SlowFirst },
    globalSetup: ["test/support/test-tmpdir.ts"],
  },
});
