import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const SANDBOX_VAR = "STANDIN_SANDBOX";

/**
 * An instance's filesystem and processes: `<dir>/root` is its `/` (GPU_BENCH_ROOT), plus `tmp/`,
 * `home/` and `bin/` (per-instance stubs). Every process runs bash in its own process group with
 * exactly the instance's environment.
 */
export class Sandbox {
  readonly root: string;
  readonly tmp: string;
  readonly home: string;
  readonly bin: string;
  /** Where the shutdown/poweroff/systemd-run stubs record a scheduled poweroff. */
  readonly powerFile: string;
  readonly env: Record<string, string>;
  private readonly children = new Map<ChildProcess, Promise<void>>();

  constructor(
    readonly dir: string,
    identity: { instanceId: string; instanceType: string; privateIp?: string; networkDir?: string },
    instanceBin: string,
    extraEnv: Record<string, string>,
  ) {
    this.root = join(dir, "root");
    this.tmp = join(dir, "tmp");
    this.home = join(dir, "home");
    this.bin = join(dir, "bin");
    this.powerFile = join(dir, "poweroff-schedule");
    for (const d of [this.root, this.tmp, this.home, this.bin]) mkdirSync(d, { recursive: true });
    this.env = {
      PATH: `${instanceBin}:${this.bin}:/usr/local/bin:/usr/bin:/bin`,
      HOME: this.home,
      TMPDIR: this.tmp,
      GPU_BENCH_ROOT: this.root,
      STANDIN_INSTANCE_ID: identity.instanceId,
      STANDIN_INSTANCE_TYPE: identity.instanceType,
      ...(identity.privateIp ? { STANDIN_PRIVATE_IP: identity.privateIp } : {}),
      ...(identity.networkDir ? { STANDIN_NETWORK: identity.networkDir } : {}),
      [SANDBOX_VAR]: dir,
      ...extraEnv,
    };
  }

  /** `bash <args>` in the sandbox, leader of a new process group. */
  spawn(args: string[], stdio: StdioOptions): ChildProcess {
    const child = spawn("bash", args, { cwd: this.dir, env: this.env, stdio, detached: true });
    this.children.set(child, new Promise((resolve) => child.once("close", () => resolve())));
    child.once("close", () => this.children.delete(child));
    child.once("error", () => this.children.delete(child));
    return child;
  }

  /** SIGKILL the child's whole process group. */
  killGroup(child: ChildProcess): void {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is already gone.
    }
  }

  /**
   * Kills every process of the instance: each group the sandbox started, then anything that left
   * its group (setsid, double fork) but still carries the sandbox in its environment.
   */
  async killAll(): Promise<void> {
    for (const child of this.children.keys()) this.killGroup(child);
    for (const pid of processesWithEnv(`${SANDBOX_VAR}=${this.dir}`)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Exited meanwhile.
      }
    }
    const exits = [...this.children.values()];
    await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }
}

/** Live processes whose environment holds `entry` (Linux /proc; other users' processes are unreadable and skipped). */
export function processesWithEnv(entry: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(entry)) found.push(pid);
    } catch {
      // Gone, a zombie, or not ours.
    }
  }
  return found;
}
