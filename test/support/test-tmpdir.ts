import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * vitest's global setup: every test file's temporary folders (jobs' RUNNER_TEMP, stand-ins, CLI
 * outputs: ~1,400 per run) go under one folder of this run, removed when the run ends, rather than
 * piling up in the machine's /tmp. TMPDIR is what Node's os.tmpdir(), Python's tempfile and mktemp
 * read, so the bundles, the stand-in and its sandboxes started by the tests follow it too. Set
 * GPU_BENCH_KEEP_TEST_TMP=1 to keep the folder for a look after a failure; its path is printed.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "gpu-bench-tests-"));
  process.env.TMPDIR = root;
  return () => {
    if (process.env.GPU_BENCH_KEEP_TEST_TMP === "1") {
      console.log(`Kept the tests' temporary folder: ${root}`);
      return;
    }
    // A sandbox's last process may still be writing as the run ends: retry as it goes away.
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
}
