import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { armDeadManSwitch } from "../../src/node/dead-man.js";
import { INSTANCE_BIN } from "../support/local-remote.js";
import { nodeSandbox, type NodeSandbox } from "./node-sandbox.js";

let box: NodeSandbox | undefined;
afterEach(() => box?.dispose());

/** The poweroff systemd-logind has scheduled (its /run/systemd/shutdown/scheduled), in epoch seconds. */
function scheduledPoweroff(b: NodeSandbox): number | undefined {
  const lines = b.lines("run/systemd/shutdown/scheduled");
  const usec = lines.find((l) => l.startsWith("USEC="))?.slice(5);
  return lines.includes("MODE=poweroff") && usec ? Number(usec) / 1e6 : undefined;
}

/**
 * A reboot as the instance lives it: /run (a tmpfs) is empty and nothing is scheduled, user data
 * does not run again, and systemd starts every enabled unit.
 */
function reboot(b: NodeSandbox): void {
  rmSync(join(b.root, "run"), { recursive: true, force: true });
  const unit = readFileSync(join(b.root, "etc/systemd/system/gpu-bench-dead-man.service"), "utf8");
  const execStart = /^ExecStart=(.+)$/m.exec(unit)![1]!.split(" ");
  execFileSync("bash", execStart, {
    env: {
      PATH: `${INSTANCE_BIN}:/usr/local/bin:/usr/bin:/bin`,
      GPU_BENCH_ROOT: b.root,
      STANDIN_SANDBOX: b.dir,
    },
  });
}

describe("the dead-man switch", () => {
  it("is armed over SSM even when user data never ran, and checked from what systemd keeps", async () => {
    box = nodeSandbox();
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * 60_000);
    const armed = await armDeadManSwitch(box.remote, expiresAt);
    expect(armed).toMatchObject({ armed: true, via: "shutdown", persistent: true, armedByUserData: false });
    const at = scheduledPoweroff(box)!;
    expect(at).toBeGreaterThanOrEqual(expiresAt.getTime() / 1000);
    expect(at).toBeLessThanOrEqual(expiresAt.getTime() / 1000 + 60);
    expect(box.lines("etc/gpu-bench/expires-at")).toEqual([String(expiresAt.getTime() / 1000)]);
  });

  it("can be armed twice: the second arming finds the first and keeps one schedule", async () => {
    box = nodeSandbox();
    const expiresAt = new Date(Date.now() + 30 * 60_000);
    await armDeadManSwitch(box.remote, expiresAt);
    const again = await armDeadManSwitch(box.remote, expiresAt);
    expect(again).toMatchObject({ armed: true, armedByUserData: true });
    expect(box.lines("run/systemd/shutdown/scheduled").filter((l) => l.startsWith("USEC="))).toHaveLength(1);
  });

  it("survives a reboot: the per-boot unit arms it again from the absolute expiry", async () => {
    box = nodeSandbox();
    const expiresAt = new Date(Date.now() + 30 * 60_000);
    await armDeadManSwitch(box.remote, expiresAt);
    reboot(box);
    const at = scheduledPoweroff(box)!;
    // Kept in whole seconds, rounded down: never later than the expiry.
    expect(at).toBeGreaterThanOrEqual(Math.floor(expiresAt.getTime() / 1000));
    expect(at).toBeLessThanOrEqual(expiresAt.getTime() / 1000 + 60);
  });

  it("powers off within a minute after a reboot that comes after the expiry", async () => {
    box = nodeSandbox();
    const now = Date.now();
    await armDeadManSwitch(box.remote, new Date(now + 30 * 60_000));
    // The expiry, as kept on disk, has passed by the time the instance boots again.
    execFileSync("bash", ["-c", `echo ${Math.floor(now / 1000) - 300} > "$0/etc/gpu-bench/expires-at"`, box.root]);
    reboot(box);
    expect(scheduledPoweroff(box)!).toBeLessThanOrEqual(now / 1000 + 65);
  });
});
