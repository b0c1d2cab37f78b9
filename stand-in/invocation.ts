import type { ChildProcess } from "node:child_process";
import type { Scheduler } from "./clock.js";
import type { Faults } from "./faults.js";
import type { Instance } from "./instance.js";
import type { S3Store } from "./s3.js";

export type InvocationStatus = "Pending" | "InProgress" | "Success" | "Failed" | "TimedOut" | "Cancelled";

export interface InvocationRequest {
  documentName: string;
  script: string;
  executionTimeoutSeconds: number;
  timeoutSeconds?: number;
  comment?: string;
  outputBucket?: string;
  outputPrefix?: string;
}

export interface InvocationDeps {
  scheduler: Scheduler;
  faults: Faults;
  store: S3Store;
  region: string;
}

/** Where the SSM agent puts a plugin's output in S3. */
export function agentOutputKey(prefix: string | undefined, commandId: string, instanceId: string, stream: "stdout" | "stderr"): string {
  return [prefix?.replace(/\/+$/, ""), commandId, instanceId, "awsrunShellScript", "0.awsrunShellScript", stream].filter(Boolean).join("/");
}

/**
 * One command on one instance, as the SSM agent runs it: delivered after the invocation lag,
 * `bash -c <script>` in the sandbox, killed (group and all) at its execution timeout. To an agent
 * that registered but lost its connection (a reboot), the command stays Pending until the agent
 * is back, or ends DeliveryTimedOut after the command's TimeoutSeconds (default 3600).
 */
export class Invocation {
  readonly requestedAt = new Date();
  /** GetCommandInvocation does not know the invocation before this (an AWS fact: about a second). */
  readonly visibleAt: number;
  status: InvocationStatus = "Pending";
  statusDetails = "Pending";
  responseCode = -1;
  startedAt?: Date;
  endedAt?: Date;
  stdout = "";
  stderr = "";
  private child?: ChildProcess;
  private readonly cancelDelivery: () => void;
  private cancelTimeout?: () => void;
  private stopWaiting?: () => void;

  constructor(
    readonly commandId: string,
    readonly instance: Instance,
    readonly request: InvocationRequest,
    private readonly deps: InvocationDeps,
  ) {
    this.visibleAt = Date.now() + deps.faults.invocationLagMs;
    this.cancelDelivery = deps.scheduler.after(deps.faults.invocationLagMs, () => this.deliver());
  }

  get isDone(): boolean {
    return this.status !== "Pending" && this.status !== "InProgress";
  }

  private deliver(): void {
    if (!this.instance.agentOnline) {
      if (!this.instance.agentRegistered) {
        this.finish("Failed", "Undeliverable", -1, false);
        return;
      }
      const forget = this.instance.whenAgentOnline(() => {
        giveUp();
        this.deliver();
      });
      const giveUp = this.deps.scheduler.after((this.request.timeoutSeconds ?? 3600) * this.deps.faults.executionSecondMs, () => {
        forget();
        this.finish("TimedOut", "DeliveryTimedOut", -1, false);
      });
      this.stopWaiting = () => {
        forget();
        giveUp();
      };
      return;
    }
    const undelivered = this.deps.faults.takeDeliveryFault(this.instance.id, this.request.script);
    if (undelivered) {
      this.finish(undelivered === "DeliveryTimedOut" ? "TimedOut" : "Failed", undelivered, -1, false);
      return;
    }
    const hang = this.deps.faults.takeHang(this.instance.id, this.request.script);
    const fail = !hang && this.deps.faults.takeFailure(this.instance.id, this.request.script);
    const script = hang ? "exec sleep 2147483" : fail ? "echo 'stand-in: injected command failure' >&2; exit 70" : this.request.script;
    const child = this.instance.sandbox.spawn(["-c", script], ["ignore", "pipe", "pipe"]);
    this.child = child;
    this.status = "InProgress";
    this.statusDetails = "InProgress";
    this.startedAt = new Date();
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    const collect = () => {
      this.stdout = Buffer.concat(stdout).toString("utf8");
      this.stderr = Buffer.concat(stderr).toString("utf8");
    };
    this.cancelTimeout = this.deps.scheduler.after(this.request.executionTimeoutSeconds * this.deps.faults.executionSecondMs, () => {
      this.instance.sandbox.killGroup(child);
      // A dead instance's agent reports nothing: the service times the invocation out without output.
      const reported = this.instance.agentOnline;
      if (reported) collect();
      this.finish("TimedOut", "ExecutionTimedOut", -1, reported);
    });
    child.once("close", (code) => {
      // Killed with its instance: the agent is gone and the invocation waits for its timeout.
      if (this.isDone || !this.instance.agentOnline) return;
      collect();
      this.finish(code === 0 ? "Success" : "Failed", code === 0 ? "Success" : "Failed", code ?? -1, true);
    });
  }

  cancel(): void {
    if (this.isDone) return;
    this.cancelDelivery();
    this.stopWaiting?.();
    if (this.child) this.instance.sandbox.killGroup(this.child);
    this.finish("Cancelled", "Cancelled", -1, false);
  }

  private finish(status: InvocationStatus, details: string, code: number, upload: boolean): void {
    if (this.isDone) return;
    this.cancelTimeout?.();
    this.status = status;
    this.statusDetails = details;
    this.responseCode = code;
    this.endedAt = new Date();
    const { outputBucket, outputPrefix } = this.request;
    if (!upload || !outputBucket || !this.deps.store.hasBucket(outputBucket)) return;
    // The agent uploads a stream only when it has content.
    for (const stream of ["stdout", "stderr"] as const) {
      const text = this[stream];
      if (text)
        this.deps.store.put(
          outputBucket,
          agentOutputKey(outputPrefix, this.commandId, this.instance.id, stream),
          text,
          "text/plain; charset=utf-8",
        );
    }
  }

  outputUrl(stream: "stdout" | "stderr"): string {
    const { outputBucket, outputPrefix } = this.request;
    if (!outputBucket) return "";
    return `https://s3.${this.deps.region}.amazonaws.com/${outputBucket}/${agentOutputKey(outputPrefix, this.commandId, this.instance.id, stream)}`;
  }
}
