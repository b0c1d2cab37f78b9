import nodeRebootSh from "../../remote/faults/node-reboot.sh";
import { RemoteScriptError } from "../cloud/remote-script.js";
import type { FaultOf } from "../config/faults.js";
import { systemClock } from "../runtime/clock.js";
import { between, faultScript, num, runFaultScript, str, type FaultKindModule, type Injection } from "./kind.js";

/**
 * node-reboot: reboots the node's OS through SSM (`systemctl reboot` from a transient timer, so the
 * command that asks for it reports first). Nothing runs on the node while it is down, the SSM agent
 * included, so the runner measures the way back from its side: a command sent during the reboot
 * waits in SSM (Pending) and runs when the agent reconnects. Verified by the node's boot id, read
 * before and after. The fault lasts until the API server answers, the node is Ready, the GPUs are
 * allocatable and the workload's pod is Ready again with a container of the new boot; recovery of
 * the workload is looked for from then on.
 */

/** Seconds from the inject command to the reboot: long enough for the command to report first. */
const REBOOT_IN_SECONDS = 2;
/** After that, how long the runner waits before asking whether the node is back (the agent is down by then). */
const SETTLE_MS = 1500;
/** Between two `back` questions answered "not rebooted yet". */
const RETRY_MS = 1000;

/** What recover saw, kept for observe (polling again later would find everything up at once). */
const seen = new WeakMap<Injection, Record<string, unknown>>();

export const nodeReboot: FaultKindModule<FaultOf<"node-reboot">> = {
  async inject(remote, fault, target): Promise<Injection> {
    const clock = target.clock ?? systemClock;
    const out = await runFaultScript(remote, faultScript(fault, "inject", nodeRebootSh, target, { REBOOT_IN: String(REBOOT_IN_SECONDS) }));
    const before = str(out.before);
    const scheduledAt = num(out.scheduledAt);
    if (!before || scheduledAt === undefined) throw new Error("node-reboot printed no boot id or time");
    await clock.sleep(REBOOT_IN_SECONDS * 1000 + SETTLE_MS, target.signal);
    const deadline = clock.now() + target.timeoutSeconds * 1000;
    for (;;) {
      try {
        const back = await runFaultScript(remote, faultScript(fault, "back", nodeRebootSh, target, { BEFORE: before }));
        if (back.rebooted === true) {
          const rebootAt = num(back.rebootAt) ?? scheduledAt;
          return {
            injectedAt: rebootAt,
            target: "the node (OS reboot)",
            state: {
              BEFORE: before,
              AFTER: str(back.bootId) ?? "",
              AGENT_AT: String(num(back.agentAt) ?? ""),
              REBOOT_AT: String(rebootAt),
              GPUS: String(num(out.gpus) ?? 0),
            },
          };
        }
      } catch (error) {
        // A command the reboot cut short ends TimedOut or undelivered: ask again.
        if (!(error instanceof RemoteScriptError)) throw error;
      }
      if (clock.now() > deadline)
        return {
          injectedAt: scheduledAt,
          target: "the node (OS reboot)",
          state: { BEFORE: before, AFTER: "", REBOOT_AT: String(scheduledAt) },
        };
      await clock.sleep(RETRY_MS, target.signal);
    }
  },
  verify(_remote, _fault, target, injection) {
    const { BEFORE, AFTER } = injection.state;
    if (!AFTER)
      return Promise.resolve({ verified: false, detail: `the node did not come back with a new boot id within ${target.timeoutSeconds}s` });
    if (AFTER === BEFORE) return Promise.resolve({ verified: false, detail: "the boot id did not change: the node did not reboot" });
    return Promise.resolve({ verified: true, detail: `boot id ${BEFORE} → ${AFTER}` });
  },
  async recover(remote, fault, target, injection) {
    if (!injection.state.AFTER) return { ok: false, detail: "the node never came back" };
    const out = await runFaultScript(
      remote,
      faultScript(fault, "recover", nodeRebootSh, target, {
        GPUS: injection.state.GPUS ?? "0",
        REBOOT_AT: injection.state.REBOOT_AT ?? "0",
      }),
    );
    seen.set(injection, out);
    const missing = [
      num(out.apiAt) === undefined && "the API server",
      !str(out.nodeReadyAt) && "node Ready",
      num(out.gpuAt) === undefined && `${injection.state.GPUS} allocatable nvidia.com/gpu`,
      !str(out.pod) && "the workload's pod Ready",
    ].filter((m): m is string => Boolean(m));
    if (missing.length > 0)
      return { ok: false, detail: `not back within ${target.timeoutSeconds}s after the reboot: ${missing.join(", ")}` };
    return { ok: true, removedAt: num(out.backAt), detail: `pod ${str(out.pod)} Ready` };
  },
  observe(_remote, _fault, _target, injection) {
    const out = seen.get(injection) ?? {};
    const t0 = injection.injectedAt;
    const since = (at: number | undefined) => (at === undefined ? undefined : Math.round((at - t0) * 1000) / 1000);
    const restarts = num(out.restartCount);
    return Promise.resolve({
      agentOnlineSeconds: since(injection.state.AGENT_AT ? num(Number(injection.state.AGENT_AT)) : undefined),
      controlPlaneSeconds: since(num(out.apiAt)),
      nodeReadySeconds: between(t0, str(out.nodeReadyAt)),
      gpuAllocatableSeconds: since(num(out.gpuAt)),
      totalRecoverySeconds: between(t0, str(out.podReadyAt)),
      newPod: str(out.pod),
      restartCount: restarts === undefined ? undefined : Math.round(restarts),
    });
  },
};
