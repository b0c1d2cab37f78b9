import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { RemoteScriptError, renderCommand, type RemoteResult, type RunRemote } from "../../src/cloud/remote-script.js";
import { processesWithEnv } from "../../stand-in/sandbox.js";

export const INSTANCE_BIN = new URL("../../stand-in/instance-bin", import.meta.url).pathname;

/**
 * SIGKILLs every process that runs as the sandboxed instance whose `/` is `root` (GPU_BENCH_ROOT in
 * its environment: the containers its stand-in kubelet started, a sampler left running), as the
 * stand-in's own instances are killed. Not the process groups in its var/lib/stand-in/procs: those
 * files outlive containers that exited, and this machine reuses pids, so a recorded group can by
 * then be another test's.
 */
export function killSandboxProcesses(root: string): void {
  // Again while any are found: a process may fork between the scan and its kill.
  for (let pass = 0; pass < 5; pass++) {
    const pids = processesWithEnv(`GPU_BENCH_ROOT=${root}`);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* exited meanwhile */
      }
    }
  }
}

export interface LocalRemoteOptions {
  /** A sandbox folder standing in for the instance: root/, tmp/, home/ are made inside it. */
  sandbox: string;
  /** Extra environment for every command (stub knobs such as STUB_* variables). */
  env?: Record<string, string>;
}

/**
 * Runs remote scripts on this machine, exactly as the stand-in instance would run them for SSM
 * (same rendering, same environment contract), but without the SSM round trip. For script tests
 * and the bootstrap benchmark.
 */
export function localRemote(options: LocalRemoteOptions): RunRemote & { calls: RemoteResult[] } {
  const calls: RemoteResult[] = [];
  const run = async (script: Parameters<RunRemote>[0]): Promise<RemoteResult> => {
    for (const dir of ["root", "tmp", "home", "bin"]) mkdirSync(join(options.sandbox, dir), { recursive: true });
    const started = Date.now();
    const command = renderCommand(script);
    const result = await new Promise<RemoteResult>((resolve) => {
      const child = spawn("bash", ["-c", command], {
        cwd: options.sandbox,
        detached: true,
        env: {
          PATH: `${INSTANCE_BIN}:${join(options.sandbox, "bin")}:/usr/local/bin:/usr/bin:/bin`,
          HOME: join(options.sandbox, "home"),
          TMPDIR: join(options.sandbox, "tmp"),
          GPU_BENCH_ROOT: join(options.sandbox, "root"),
          STANDIN_SANDBOX: options.sandbox,
          ...options.env,
        },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          /* already gone */
        }
      }, script.timeoutSeconds * 1000);
      child.on("close", (code) => {
        clearTimeout(timer);
        const exitCode = timedOut ? -1 : (code ?? -1);
        resolve({
          commandId: `local-${calls.length + 1}`,
          status: timedOut ? "TimedOut" : exitCode === 0 ? "Success" : "Failed",
          exitCode,
          stdout,
          stderr,
          durationMs: Date.now() - started,
        });
      });
    });
    calls.push(result);
    if (result.status !== "Success") throw new RemoteScriptError(script.name, result);
    return result;
  };
  return Object.assign(run, { calls });
}
