import { DescribeInstancesCommand, TerminateInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { S3Client } from "@aws-sdk/client-s3";
import { DescribeInstanceInformationCommand, SendCommandCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startStandIn, type InstanceView, type StandIn } from "../../stand-in/index.js";
import { processesWithEnv } from "../../stand-in/sandbox.js";
import { ssmRemote } from "../../src/cloud/ssm.js";
import { userDataFor } from "../../src/cloud/ec2.js";
import { armDeadManSwitch } from "../../src/node/dead-man.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { clients, eventually, launch, toBase64 } from "./helpers.js";

let standIn: StandIn;
let ec2: EC2Client;
let ssm: SSMClient;
let s3: S3Client;

beforeAll(async () => {
  standIn = await startStandIn({ faults: { ttlMinuteMs: 20 }, buckets: ["out"] });
  ({ ec2, ssm, s3 } = clients(standIn));
});
afterAll(async () => {
  ec2.destroy();
  ssm.destroy();
  s3.destroy();
  await standIn.stop();
});
beforeEach(() => standIn.faults.reset());

const view = (id: string): InstanceView => standIn.instances().find((i) => i.id === id)!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function send(id: string, commands: string[], timeoutSeconds?: number): Promise<string> {
  const sent = await ssm.send(
    new SendCommandCommand({
      InstanceIds: [id],
      DocumentName: "AWS-RunShellScript",
      Parameters: { commands },
      TimeoutSeconds: timeoutSeconds,
    }),
  );
  return sent.Command!.CommandId!;
}

async function finished(commandId: string, timeoutMs = 10_000) {
  return eventually(() => {
    const c = standIn.commands().find((c) => c.id === commandId);
    return c && c.status !== "Pending" && c.status !== "InProgress" ? c : undefined;
  }, timeoutMs);
}

async function pingStatus(id: string): Promise<string | undefined> {
  const info = await ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: "InstanceIds", Values: [id] }] }));
  return info.InstanceInformationList?.[0]?.PingStatus;
}

// Everything a boot should (or should not) bring back: user data counts its runs, an enabled unit
// and a per-boot script count theirs, and a transient timer and a pending shutdown stand for what a
// reboot must clear.
const USER_DATA = `#!/bin/bash
set -eu
r="$GPU_BENCH_ROOT"
echo ran >> "$r/user-data-runs"
mkdir -p "$r/etc/systemd/system" "$r/var/lib/cloud/scripts/per-boot"
printf '[Service]\\nType=oneshot\\nExecStart=/bin/sh -c "cat $GPU_BENCH_ROOT/proc/sys/kernel/random/boot_id >> $GPU_BENCH_ROOT/unit-runs"\\n' > "$r/etc/systemd/system/counter.service"
systemctl enable counter.service
systemctl start counter.service
printf '#!/bin/sh\\necho per-boot >> "$GPU_BENCH_ROOT/per-boot-runs"\\n' > "$r/var/lib/cloud/scripts/per-boot/10-count"
chmod +x "$r/var/lib/cloud/scripts/per-boot/10-count"
`;

describe("a stand-in instance rebooting (reboot, systemctl reboot, shutdown -r)", () => {
  it("loses its agent for a while, keeps commands Pending meanwhile, and comes back with a new boot id, its enabled units and per-boot scripts run again, user data not", async () => {
    // Long enough that the command below is still Pending 300 ms after it is sent on a loaded machine.
    standIn.faults.rebootDelayMs = 2000;
    const id = await launch(ec2, { InstanceInitiatedShutdownBehavior: "terminate", UserData: toBase64(USER_DATA) });
    await eventually(() => (view(id).agentOnline && view(id).userDataExitCode === 0 ? true : undefined));
    const root = join(view(id).sandbox, "root");
    const firstBoot = view(id).bootId;
    expect(readFileSync(join(root, "proc/sys/kernel/random/boot_id"), "utf8").trim()).toBe(firstBoot);

    // A transient timer and a pending shutdown (120 min = 2.4 s here; the timer 4 s), and a process that would outlive a command.
    const setup = await send(id, [
      "systemd-run --on-active=200m --unit=old-ttl poweroff",
      "shutdown -P +120",
      "setsid sleep 600 > /dev/null 2>&1 < /dev/null &",
      "systemd-run --on-active=1 --unit=gpu-bench-reboot systemctl reboot",
      "systemctl is-active gpu-bench-reboot.timer",
    ]);
    expect(await finished(setup)).toMatchObject({ status: "Success", stdout: "active\n" });
    expect(longSleeps(id)).toHaveLength(1);

    await eventually(() => (view(id).agentOnline ? undefined : true), 10_000);
    expect(await pingStatus(id)).toBe("ConnectionLost");
    // Sent while the agent is away: accepted, Pending, delivered once it is back.
    const during = await send(id, ['cat "$GPU_BENCH_ROOT/proc/sys/kernel/random/boot_id"', "systemctl is-active old-ttl.timer || true"]);
    await sleep(300);
    expect(standIn.commands().find((c) => c.id === during)?.status).toBe("Pending");
    const after = await finished(during);
    expect(after.status).toBe("Success");
    const [bootId, timer] = after.stdout.trim().split("\n");
    expect(bootId).toBe(view(id).bootId);
    expect(bootId).not.toBe(firstBoot);
    expect(timer).toBe("inactive");
    expect(view(id).boots).toBe(2);
    expect(await pingStatus(id)).toBe("Online");

    const lines = (file: string) => (existsSync(join(root, file)) ? readFileSync(join(root, file), "utf8").trim().split("\n") : []);
    expect(lines("user-data-runs")).toEqual(["ran"]);
    // The agent does not wait for systemd and cloud-init (nor does SSM's on EC2): the second boot's
    // unit and per-boot script may still be running as the first command after it ends.
    await eventually(() => (lines("unit-runs").length === 2 && lines("per-boot-runs").length === 1 ? true : undefined), 10_000);
    expect(lines("unit-runs")).toEqual([firstBoot, bootId]);
    expect(lines("per-boot-runs")).toEqual(["per-boot"]);
    // The pending shutdown (due 2.4 s after it was set) and the old timer (4 s) died with the boot.
    await sleep(4200);
    expect(view(id).state).toBe("running");
    // Every process of the first boot is gone: the long sleep too.
    expect(longSleeps(id)).toEqual([]);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  });

  it("ends a command DeliveryTimedOut when the agent is not back within the command's TimeoutSeconds", async () => {
    standIn.faults.rebootDelayMs = 3000;
    standIn.faults.executionSecondMs = 10;
    const id = await launch(ec2);
    await eventually(() => (view(id).agentOnline ? true : undefined));
    // 50 minutes are 1 s here: the command ends before the reboot.
    expect((await finished(await send(id, ["shutdown -r +50"]))).status).toBe("Success");
    await eventually(() => (view(id).agentOnline ? undefined : true), 3000);
    // 30 s of delivery timeout at 10 ms per second.
    const late = await finished(await send(id, ["echo never"], 30));
    expect(late).toMatchObject({ status: "TimedOut", statusDetails: "DeliveryTimedOut", exitCode: -1, stdout: "" });
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  });
});

describe("the dead-man switch across a real stand-in reboot", () => {
  /** Reboots the instance 1 s from now (a transient timer), so the command itself ends first; resolves once the agent is back on the next boot. */
  async function rebootAndWait(id: string): Promise<void> {
    const boots = view(id).boots;
    expect((await finished(await send(id, ["systemd-run --on-active=1 --unit=reboot-now systemctl reboot"]))).status).toBe("Success");
    await eventually(() => (view(id).boots === boots + 1 && view(id).agentOnline ? true : undefined), 10_000);
  }

  /** The poweroff systemd-logind has scheduled on the instance (epoch seconds), read over SSM. */
  async function scheduledPoweroff(id: string): Promise<number | undefined> {
    const out = await finished(await send(id, ['cat "$GPU_BENCH_ROOT/run/systemd/shutdown/scheduled" 2>/dev/null || true']));
    const usec = /^USEC=(\d+)$/m.exec(out.stdout)?.[1];
    return /^MODE=poweroff$/m.test(out.stdout) && usec ? Number(usec) / 1e6 : undefined;
  }

  it("armed by user data and over SSM, it is armed again at boot from the absolute expiry and still terminates the instance", async () => {
    // A minute lasts 1 s here: the expiry, 10 minutes away, is 10 s of stand-in time.
    standIn.faults.ttlMinuteMs = 1000;
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 10 * 60_000);
    const id = await launch(ec2, { InstanceInitiatedShutdownBehavior: "terminate", UserData: userDataFor(expiresAt) });
    await eventually(() => (view(id).agentOnline && view(id).userDataExitCode === 0 ? true : undefined));
    const remote = ssmRemote({
      ssm,
      ec2,
      s3,
      clock: systemClock,
      log: new MemoryLog(),
      instanceId: id,
      outputBucket: "out",
      outputPrefix: "cmd",
    });
    const armed = await armDeadManSwitch(remote, expiresAt);
    expect(armed).toMatchObject({ armed: true, via: "shutdown", persistent: true, armedByUserData: true });

    await rebootAndWait(id);
    const expiry = expiresAt.getTime() / 1000;
    const at = await eventually(() => scheduledPoweroff(id), 5000, 200);
    expect(at).toBeGreaterThanOrEqual(expiry);
    expect(at).toBeLessThanOrEqual(expiry + 60);
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(out.Reservations![0]!.Instances![0]!.State!.Name).toBe("running");
    // Nobody terminates it: its own switch does, as a poweroff the instance initiated.
    await eventually(() => (view(id).state === "terminated" ? true : undefined), 20_000, 100);
    expect(view(id).stateReason).toBe("Client.InstanceInitiatedShutdown");
    expect(view(id).terminatedBy).toBeUndefined();
  });

  it("without its per-boot unit the reboot leaves nothing scheduled (what the unit is there for)", async () => {
    standIn.faults.ttlMinuteMs = 1000;
    const expiresAt = new Date(Date.now() + 60 * 60_000);
    const id = await launch(ec2, { InstanceInitiatedShutdownBehavior: "terminate", UserData: userDataFor(expiresAt) });
    await eventually(() => (view(id).agentOnline && view(id).userDataExitCode === 0 ? true : undefined));
    expect(await scheduledPoweroff(id)).toBeDefined();
    expect((await finished(await send(id, ["systemctl disable gpu-bench-dead-man.service"]))).status).toBe("Success");
    await rebootAndWait(id);
    await sleep(300);
    expect(await scheduledPoweroff(id)).toBeUndefined();
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  });
});

/** The instance's `sleep 600` processes. */
function longSleeps(id: string): number[] {
  return processesWithEnv(`STANDIN_SANDBOX=${view(id).sandbox}`).filter((pid) => cmdline(pid) === "sleep\u0000600\u0000");
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1");
  } catch {
    return "";
  }
}
