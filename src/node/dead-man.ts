import { z } from "zod";
import type { EC2Client } from "@aws-sdk/client-ec2";
import { describeOne } from "../cloud/ec2.js";
import { markedJsonLines, type RunRemote } from "../cloud/remote-script.js";
import deadManScript from "../../remote/user-data.sh";

/** The line remote/user-data.sh prints once it has armed and checked the switch. */
const DeadManLine = z.object({
  kind: z.literal("dead-man-switch"),
  armed: z.boolean(),
  via: z.enum(["shutdown", "systemd-run"]),
  /** Epoch seconds of the scheduled poweroff, as systemd keeps it. */
  firesAt: z.number(),
  expiresAt: z.number(),
  /** A unit arms it again at every boot. */
  persistent: z.boolean(),
  /** It was armed at boot already (user data ran) before this arming over SSM. */
  armedBefore: z.boolean(),
});

/** The dead-man switch as the evidence records it. */
export interface DeadManSwitch {
  armed: boolean;
  via: "shutdown" | "systemd-run";
  firesAt: string;
  /** Re-armed at every boot by a unit, from the absolute expiry. */
  persistent: boolean;
  /** Whether user data had armed it before the run armed it over SSM (false: cloud-init never ran it). */
  armedByUserData: boolean;
}

export class DeadManSwitchError extends Error {
  override name = "DeadManSwitchError";
}

/**
 * Arms the instance's dead-man switch over SSM (idempotent: user data normally armed it at boot;
 * a custom AMI without cloud-init did not) and checks that systemd has a poweroff scheduled no
 * later than the run's expiry. Throws a DeadManSwitchError when it is not armed: nothing would
 * then stop the instance if every other safety net failed.
 */
export async function armDeadManSwitch(remote: RunRemote, expiresAt: Date): Promise<DeadManSwitch> {
  const result = await remote({
    name: "dead-man switch",
    body: deadManScript,
    env: { GPU_BENCH_EXPIRES_AT: String(Math.floor(expiresAt.getTime() / 1000)) },
    timeoutSeconds: 300,
  });
  const line = markedJsonLines(result.stdout)
    .map((l) => DeadManLine.safeParse(l))
    .find((p) => p.success)?.data;
  if (!line?.armed) {
    throw new DeadManSwitchError(
      `The instance's dead-man switch could not be armed (${line ? `no poweroff scheduled via ${line.via}` : "no report"}; exit ${result.exitCode}): ` +
        `nothing on the instance would power it off at its expiry. Use an AMI with systemd (shutdown, systemd-run).`,
    );
  }
  return {
    armed: true,
    via: line.via,
    firesAt: new Date(line.firesAt * 1000).toISOString(),
    persistent: line.persistent,
    armedByUserData: line.armedBefore,
  };
}

const INSTANCE_INITIATED = "Client.InstanceInitiatedShutdown";

/**
 * Whether the instance powered itself off (its dead-man switch fired: InstanceInitiatedShutdown),
 * and when, as EC2 records it; undefined when it did not, or EC2 cannot say.
 */
export async function deadManFired(ec2: EC2Client, instanceId: string): Promise<{ at?: string } | undefined> {
  const instance = await describeOne(ec2, instanceId).catch(() => undefined);
  if (instance?.StateReason?.Code !== INSTANCE_INITIATED) return undefined;
  // "User initiated (2026-11-23 10:30:00 GMT)"
  const when = /\((\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) GMT\)/.exec(instance.StateTransitionReason ?? "");
  return { at: when ? `${when[1]}T${when[2]}.000Z` : undefined };
}
