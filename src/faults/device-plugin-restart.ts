import devicePluginRestartSh from "../../remote/faults/device-plugin-restart.sh";
import type { FaultOf } from "../config/faults.js";
import { between, faultScript, num, runFaultScript, str, type FaultKindModule } from "./kind.js";

/**
 * device-plugin-restart: deletes NVIDIA's device-plugin pod (its DaemonSet brings a new one).
 * Measured as the time until nvidia.com/gpu is allocatable on the node again (polled from the
 * deletion on); the fault lasts until then, recovery of the workload is looked for from there.
 */
export const devicePluginRestart: FaultKindModule<FaultOf<"device-plugin-restart">> = {
  async inject(remote, fault, target) {
    const out = await runFaultScript(remote, faultScript(fault, "inject", devicePluginRestartSh, target, {}));
    const pod = str(out.pod);
    const at = num(out.injectedAt);
    const gpus = num(out.gpus);
    if (!pod || at === undefined || gpus === undefined) throw new Error("device-plugin-restart printed no pod, GPU count or time");
    const back = num(out.backAt);
    const dropped = num(out.droppedAt);
    return {
      injectedAt: at,
      target: `pod kube-system/${pod}`,
      state: {
        POD: pod,
        POD_UID: str(out.uid) ?? "",
        GPUS: String(gpus),
        BACK_AT: back === undefined ? "" : String(back),
        DROPPED_AT: dropped === undefined ? "" : String(dropped),
      },
    };
  },
  async verify(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "verify", devicePluginRestartSh, target, injection.state));
    if (out.verified !== true) return { verified: false, detail: `device-plugin pod ${injection.state.POD} is still there` };
    return {
      verified: true,
      detail: injection.state.DROPPED_AT === "" ? "nvidia.com/gpu never read below its count (the gap was under 0.25 s)" : undefined,
    };
  },
  async recover(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "recover", devicePluginRestartSh, target, injection.state));
    const newPod = str(out.newPod);
    const gpus = num(out.gpus) ?? 0;
    const back = injection.state.BACK_AT === "" ? undefined : Number(injection.state.BACK_AT);
    if (!newPod)
      return { ok: false, detail: `no Ready device-plugin pod replaced ${injection.state.POD} within ${target.timeoutSeconds}s` };
    if (gpus < Number(injection.state.GPUS))
      return { ok: false, detail: `nvidia.com/gpu allocatable ${gpus} of ${injection.state.GPUS} after ${target.timeoutSeconds}s` };
    // The fault lasts until the GPUs are allocatable again: recovery is looked for from then on.
    return { ok: true, removedAt: back, detail: `replaced by ${newPod}` };
  },
  async observe(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "recover", devicePluginRestartSh, target, injection.state));
    const newPod = str(out.newPod);
    const back = injection.state.BACK_AT === "" ? undefined : Number(injection.state.BACK_AT);
    return {
      oldPod: injection.state.POD,
      newPod,
      gpuAllocatableSeconds: back === undefined ? undefined : Math.round((back - injection.injectedAt) * 1000) / 1000,
      containerStartSeconds: between(injection.injectedAt, str(out.startedAt)),
      totalRecoverySeconds: between(injection.injectedAt, str(out.readyAt)),
    };
  },
};
