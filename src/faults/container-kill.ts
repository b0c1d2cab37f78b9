import containerKillSh from "../../remote/faults/container-kill.sh";
import type { FaultOf } from "../config/faults.js";
import { between, faultScript, num, runFaultScript, str, type FaultKindModule } from "./kind.js";

/** container-kill: kills the container's main process from the host; the kubelet restarts it in place. */
export const containerKill: FaultKindModule<FaultOf<"container-kill">> = {
  async inject(remote, fault, target) {
    const out = await runFaultScript(remote, faultScript(fault, "inject", containerKillSh, target, { SIGNAL: fault.params.signal }));
    const pod = str(out.pod);
    const pid = num(out.pid);
    const at = num(out.injectedAt);
    if (!pod || pid === undefined || at === undefined) throw new Error("container-kill printed no pod, PID or time");
    return {
      injectedAt: at,
      target: `pod ${pod}, PID ${pid}`,
      state: { POD: pod, PID: String(pid), RESTARTS: String(num(out.restarts) ?? 0) },
    };
  },
  async verify(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "verify", containerKillSh, target, injection.state));
    return out.verified === true
      ? { verified: true, detail: `restart count ${num(out.restarts) ?? "?"}` }
      : { verified: false, detail: `PID ${injection.state.PID} still runs and the restart count did not change` };
  },
  async recover(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "recover", containerKillSh, target, injection.state));
    return str(out.pod) ? { ok: true } : { ok: false, detail: `pod ${injection.state.POD} not Ready within ${target.timeoutSeconds}s` };
  },
  async observe(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "recover", containerKillSh, target, injection.state));
    return {
      oldPod: injection.state.POD,
      newPod: str(out.pod),
      restartCount: num(out.restarts),
      totalRecoverySeconds: between(injection.injectedAt, str(out.readyAt)),
    };
  },
};
