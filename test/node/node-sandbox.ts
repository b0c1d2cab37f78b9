import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killSandboxProcesses, localRemote } from "../support/local-remote.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { systemClock } from "../../src/runtime/clock.js";

/** Latencies of the stand-in scaled down so a whole bootstrap takes a few seconds. */
export const TEST_SCALE = "0.01";

/**
 * A stand-in instance for one test: its own sandbox folder, the stubs' knobs, a log and a phase
 * recorder. dispose() stops the container processes the fake kubelet left running and removes it.
 */
export function nodeSandbox(knobs: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "node-bootstrap-"));
  const env = { STUB_LATENCY_SCALE: TEST_SCALE, ...knobs };
  const remote = localRemote({ sandbox: dir, env });
  const root = join(dir, "root");
  return {
    dir,
    root,
    remote,
    log: new MemoryLog(),
    clock: systemClock,
    /** Lines of a file under the sandbox's root, [] when it does not exist. */
    lines(path: string): string[] {
      const file = join(root, path);
      return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
    },
    dispose(): void {
      killSandboxProcesses(root);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type NodeSandbox = ReturnType<typeof nodeSandbox>;
