import podKillSh from "../../remote/faults/pod-kill.sh";
import type { FaultOf } from "../config/faults.js";
import { between, faultScript, num, runFaultScript, str, type FaultKindModule } from "./kind.js";

/**
 * pod-kill: deletes the workload's pod; its Deployment brings a new one. Observed with Krkn's
 * names from the API server's timestamps: deletion → scheduled → Ready.
 */
export const podKill: FaultKindModule<FaultOf<"pod-kill">> = {
  async inject(remote, fault, target) {
    const out = await runFaultScript(
      remote,
      faultScript(fault, "inject", podKillSh, target, { GRACE_SECONDS: String(fault.params.gracePeriodSeconds) }),
    );
    const pod = str(out.pod);
    const at = num(out.injectedAt);
    if (!pod || at === undefined) throw new Error("pod-kill printed no pod or time");
    return { injectedAt: at, target: `pod ${pod}`, state: { POD: pod, POD_UID: str(out.uid) ?? "" } };
  },
  async verify(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "verify", podKillSh, target, injection.state));
    return out.verified === true ? { verified: true } : { verified: false, detail: `pod ${injection.state.POD} is still there` };
  },
  async recover(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "recover", podKillSh, target, injection.state));
    const newPod = str(out.newPod);
    return newPod
      ? { ok: true, detail: `replaced by ${newPod}` }
      : { ok: false, detail: `no Ready replacement for ${injection.state.POD} within ${target.timeoutSeconds}s` };
  },
  async observe(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "recover", podKillSh, target, injection.state));
    const newPod = str(out.newPod);
    if (!newPod) return { oldPod: injection.state.POD };
    const scheduled = str(out.scheduledAt);
    const ready = str(out.readyAt);
    return {
      oldPod: injection.state.POD,
      newPod,
      podReschedulingSeconds: between(injection.injectedAt, scheduled),
      podReadinessSeconds: between(scheduled, ready),
      containerStartSeconds: between(injection.injectedAt, str(out.startedAt)),
      totalRecoverySeconds: between(injection.injectedAt, ready),
    };
  },
};
