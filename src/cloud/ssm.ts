import {
  CancelCommandCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  type GetCommandInvocationCommandOutput,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import { describeOne } from "./ec2.js";
import { RemoteScriptError, renderCommand, type RemoteResult, type RemoteScript, type RunRemote } from "./remote-script.js";
import { Backoff, awsErrorCode, isThrottlingOrInternal, withRetry } from "./retry.js";
import { getText, joinKey } from "./s3.js";

export class AgentTimeoutError extends Error {
  override name = "AgentTimeoutError";
}

export interface AgentWait {
  ssm: SSMClient;
  ec2: EC2Client;
  clock: Clock;
  log: Log;
  timeoutSeconds: number;
  signal?: AbortSignal;
}

/** Waits for the instance's SSM agent to report Online; fails early if the instance itself goes away. */
export async function waitForAgent(instanceId: string, w: AgentWait): Promise<void> {
  const deadline = w.clock.now() + w.timeoutSeconds * 1000;
  const backoff = new Backoff();
  let polls = 0;
  for (;;) {
    w.signal?.throwIfAborted();
    const out = await withRetry(
      () => w.ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: "InstanceIds", Values: [instanceId] }] })),
      { clock: w.clock, attempts: 5, baseMs: 500, maxMs: 5000, retryable: isThrottlingOrInternal },
    );
    const ping = out.InstanceInformationList?.[0]?.PingStatus;
    if (ping === "Online") return;
    if (++polls % 5 === 0) {
      const state = (await describeOne(w.ec2, instanceId).catch(() => undefined))?.State?.Name;
      if (state && state !== "running" && state !== "pending") {
        throw new AgentTimeoutError(
          `Instance ${instanceId} is ${state} while waiting for its SSM agent (spot interruption, TTL, or terminated by someone else).`,
        );
      }
    }
    if (w.clock.now() >= deadline) {
      throw new AgentTimeoutError(
        `The SSM agent on ${instanceId} did not come Online within ${w.timeoutSeconds} s (last status: ${ping ?? "not registered"}). ` +
          `Check that the instance profile's role has AmazonSSMManagedInstanceCore, that the subnet reaches the SSM endpoints ` +
          `(a public IP or NAT, or VPC endpoints for ssm, ssmmessages and ec2messages), and that the AMI runs the SSM agent.`,
      );
    }
    await w.clock.sleep(Math.min(backoff.next(), Math.max(0, deadline - w.clock.now())), w.signal);
  }
}

export interface CommandTarget {
  ssm: SSMClient;
  /** To notice an instance that died under a running command (which stays InProgress until its timeout). */
  ec2: EC2Client;
  s3: S3Client;
  clock: Clock;
  log: Log;
  instanceId: string;
  /** Where the agent writes each command's full output. */
  outputBucket: string;
  outputPrefix: string;
  signal?: AbortSignal;
}

const TERMINAL = new Set([
  "Success",
  "Failed",
  "TimedOut",
  "Cancelled",
  "DeliveryTimedOut",
  "ExecutionTimedOut",
  "Undeliverable",
  "Terminated",
  "InvalidPlatform",
  "AccessDenied",
]);

const AGENT_HINT =
  "Check the agent's PingStatus (Fleet Manager, or aws ssm describe-instance-information: ConnectionLost means it lost its link to SSM), " +
  "that the subnet still reaches the ssm, ssmmessages and ec2messages endpoints (a public IP or NAT, or VPC endpoints), " +
  "and that the instance profile's role keeps AmazonSSMManagedInstanceCore.";

/**
 * What each StatusDetails of a command that did not succeed means, in SSM's terms (source: the
 * Systems Manager guide, "Understanding command statuses"). Only ExecutionTimedOut is a script
 * that ran past its limit; Undeliverable, DeliveryTimedOut, Terminated, InvalidPlatform and
 * AccessDenied are commands that never ran to completion on the agent, so there is no exit code.
 */
export function invocationFailure(
  status: string,
  details: string | undefined,
  timeoutSeconds: number,
  instanceId: string,
): { what?: string; hint?: string } {
  const d = details && details !== status ? details : status === "TimedOut" ? "ExecutionTimedOut" : status;
  switch (d) {
    case "Undeliverable":
      return { what: `never reached the SSM agent on ${instanceId} (SSM: Undeliverable: the agent is not connected)`, hint: AGENT_HINT };
    case "DeliveryTimedOut":
      return {
        what: `never reached the SSM agent on ${instanceId} before SSM's delivery timeout (SSM: DeliveryTimedOut)`,
        hint: AGENT_HINT,
      };
    case "Terminated":
      return {
        what: `was terminated by SSM before it finished on ${instanceId} (SSM: Terminated)`,
        hint: "SSM stops a command's invocations when its parent command is stopped or exceeds its error limit; nothing here ran to completion. Re-run; if it repeats, check the agent's PingStatus and the instance's health.",
      };
    case "InvalidPlatform":
      return {
        what: `was refused by the SSM agent on ${instanceId}: AWS-RunShellScript does not run on its platform (SSM: InvalidPlatform)`,
        hint: "The AMI must be Linux with the SSM agent registered as a Linux node: check the 'ami' input.",
      };
    case "AccessDenied":
      return {
        what: `was refused by SSM for ${instanceId} (SSM: AccessDenied)`,
        hint: "The role that runs the benchmark may not send AWS-RunShellScript to this instance: it needs ssm:SendCommand on the document and on the instance (see infra/ for the policy).",
      };
    case "ExecutionTimedOut":
      return { hint: `It ran past its ${timeoutSeconds} s limit` };
    case "Cancelled":
      return { hint: "It was cancelled" };
    default:
      return {};
  }
}

/** Sends a script with AWS-RunShellScript, waits for it, and returns its full output from S3. */
export function ssmRemote(target: CommandTarget): RunRemote {
  return (script) => runOverSsm(script, target);
}

async function runOverSsm(script: RemoteScript, t: CommandTarget): Promise<RemoteResult> {
  const started = t.clock.now();
  const commands = renderCommand(script);
  const retry = { clock: t.clock, attempts: 6, baseMs: 500, maxMs: 8000 };
  const sent = await withRetry(
    () =>
      t.ssm.send(
        new SendCommandCommand({
          InstanceIds: [t.instanceId],
          DocumentName: "AWS-RunShellScript",
          Comment: `gpu-bench ${script.name}`.slice(0, 100),
          TimeoutSeconds: 600,
          Parameters: { commands: [commands], executionTimeout: [String(script.timeoutSeconds)] },
          OutputS3BucketName: t.outputBucket,
          OutputS3KeyPrefix: t.outputPrefix,
        }),
      ),
    // Right after Online the agent can briefly be unknown to Run Command.
    { ...retry, retryable: (e) => isThrottlingOrInternal(e) || awsErrorCode(e) === "InvalidInstanceId" },
  );
  const commandId = sent.Command?.CommandId;
  if (!commandId) throw new Error(`SendCommand for '${script.name}' returned no command id`);
  t.log.debug(`${script.name}: command ${commandId}`);

  const invocation = await pollInvocation(commandId, script, t);
  const exitCode = invocation.ResponseCode ?? -1;
  const status = invocation.Status ?? "Unknown";
  const [stdout, stderr] = await Promise.all([
    fullOutput(t, commandId, "stdout", invocation.StandardOutputContent ?? ""),
    fullOutput(t, commandId, "stderr", invocation.StandardErrorContent ?? ""),
  ]);
  const statusDetails = invocation.StatusDetails;
  const result: RemoteResult = {
    commandId,
    status,
    ...(statusDetails ? { statusDetails } : {}),
    exitCode,
    stdout,
    stderr,
    durationMs: t.clock.now() - started,
  };
  if (status !== "Success") {
    const { what, hint } = invocationFailure(status, statusDetails, script.timeoutSeconds, t.instanceId);
    throw new RemoteScriptError(script.name, result, hint, what);
  }
  return result;
}

async function pollInvocation(commandId: string, script: RemoteScript, t: CommandTarget): Promise<GetCommandInvocationCommandOutput> {
  const backoff = new Backoff(250, script.pollCapMs ?? 5000);
  // The agent's own limit plus slack for delivery and upload; past this the command is lost.
  const deadline = t.clock.now() + (script.timeoutSeconds + 120) * 1000;
  let lastNotice = t.clock.now();
  let polls = 0;
  for (;;) {
    if (t.signal?.aborted) {
      await t.ssm.send(new CancelCommandCommand({ CommandId: commandId, InstanceIds: [t.instanceId] })).catch(() => undefined);
      t.signal.throwIfAborted();
    }
    try {
      const out = await t.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: t.instanceId }));
      if (out.Status && TERMINAL.has(out.Status)) return out;
    } catch (error) {
      const code = awsErrorCode(error);
      // For a moment after SendCommand the invocation does not exist yet.
      if (code !== "InvocationDoesNotExist" && !isThrottlingOrInternal(error)) throw error;
    }
    if (++polls % 10 === 0) {
      const state = (await describeOne(t.ec2, t.instanceId).catch(() => undefined))?.State;
      if (state?.Name && state.Name !== "running") {
        throw new Error(
          `Instance ${t.instanceId} is ${state.Name} while step '${script.name}' runs (spot interruption, its TTL, or terminated by someone else).`,
        );
      }
    }
    if (t.clock.now() > deadline) {
      throw new Error(`Step '${script.name}' (command ${commandId}) reported no final status within ${script.timeoutSeconds + 120} s.`);
    }
    if (t.clock.now() - lastNotice >= 30_000) {
      lastNotice = t.clock.now();
      t.log.info(
        `${script.name}: still running (${Math.round((t.clock.now() - (deadline - (script.timeoutSeconds + 120) * 1000)) / 1000)} s)`,
      );
    }
    await t.clock.sleep(backoff.next(), t.signal).catch(() => undefined);
  }
}

/** GetCommandInvocation truncates output (24,000/8,000 characters); the agent's S3 copy is whole. */
async function fullOutput(t: CommandTarget, commandId: string, stream: "stdout" | "stderr", inline: string): Promise<string> {
  const key = joinKey(t.outputPrefix, commandId, t.instanceId, "awsrunShellScript", "0.awsrunShellScript", stream);
  try {
    const text = await withRetry(() => getText(t.s3, { bucket: t.outputBucket, key }), {
      clock: t.clock,
      attempts: 4,
      baseMs: 250,
      maxMs: 2000,
      retryable: isThrottlingOrInternal,
    });
    if (text !== undefined) return text;
  } catch (error) {
    t.log.warning(
      `Could not read the full ${stream} of ${commandId} from S3 (${awsErrorCode(error) ?? (error as Error).message}); using the possibly truncated copy from SSM.`,
    );
  }
  return inline;
}
