import k3sRestartSh from "../../remote/faults/k3s-restart.sh";
import type { FaultOf } from "../config/faults.js";
import { between, faultScript, num, runFaultScript, str, type FaultKindModule } from "./kind.js";

/**
 * k3s-restart: `systemctl restart k3s` (the whole control plane and kubelet; running containers
 * survive). Verified by the unit's new InvocationID; measured as the API server's return (polled
 * from the restart on) and the node's and the workload pod's Ready times from the API server; the
 * fault counts as lasting until both are Ready again, recovery is looked for from then on.
 */
export const k3sRestart: FaultKindModule<FaultOf<"k3s-restart">> = {
  async inject(remote, fault, target) {
    const out = await runFaultScript(remote, faultScript(fault, "inject", k3sRestartSh, target, {}));
    const at = num(out.injectedAt);
    if (at === undefined) throw new Error("k3s-restart printed no time");
    const api = num(out.apiAt);
    return {
      injectedAt: at,
      target: "k3s.service",
      state: { BEFORE: str(out.before) ?? "", API_AT: api === undefined ? "" : String(api) },
    };
  },
  async verify(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "verify", k3sRestartSh, target, injection.state));
    if (out.verified !== true) return { verified: false, detail: "k3s runs under the same InvocationID as before: it was not restarted" };
    if (injection.state.API_AT === "") return { verified: true, detail: `the API server did not answer within ${target.timeoutSeconds}s` };
    return { verified: true, detail: `new InvocationID ${str(out.invocation) ?? "?"}` };
  },
  async recover(remote, fault, target) {
    const out = await runFaultScript(remote, faultScript(fault, "recover", k3sRestartSh, target, {}));
    if (!str(out.nodeReadyAt)) return { ok: false, detail: `the node was not Ready again within ${target.timeoutSeconds}s` };
    return str(out.pod)
      ? // The fault lasts until the node and the workload are back: recovery is looked for from then on.
        { ok: true, removedAt: num(out.backAt), detail: `pod ${str(out.pod)} Ready` }
      : { ok: false, detail: `the workload's pod was not Ready within ${target.timeoutSeconds}s` };
  },
  async observe(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "recover", k3sRestartSh, target, {}));
    const api = injection.state.API_AT === "" ? undefined : Number(injection.state.API_AT);
    return {
      controlPlaneSeconds: api === undefined ? undefined : Math.round((api - injection.injectedAt) * 1000) / 1000,
      nodeReadySeconds: between(injection.injectedAt, str(out.nodeReadyAt)),
      newPod: str(out.pod),
    };
  },
};
