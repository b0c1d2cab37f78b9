import netemSh from "../../remote/faults/netem.sh";
import type { FaultOf } from "../config/faults.js";
import { faultScript, num, runFaultScript, str, type FaultKindModule } from "./kind.js";

type NetworkFault = FaultOf<"network-delay"> | FaultOf<"network-loss">;

/** The netem arguments of a fault, built from validated numbers only. */
export function netemArgs(fault: NetworkFault): string {
  if (fault.kind === "network-delay") {
    return `delay ${fault.params.delayMs}ms${fault.params.jitterMs > 0 ? ` ${fault.params.jitterMs}ms` : ""}`;
  }
  return `loss ${Number(fault.params.lossPercent.toFixed(3))}%`;
}

/**
 * network-delay and network-loss: tc netem on the pod's interface, entered through its network
 * namespace; verified by reading the qdisc back, removed by recover.
 */
export const network: FaultKindModule<NetworkFault> = {
  async inject(remote, fault, target) {
    const args = netemArgs(fault);
    const out = await runFaultScript(remote, faultScript(fault, "inject", netemSh, target, { NETEM: args }));
    const pod = str(out.pod);
    const pid = num(out.pid);
    const at = num(out.injectedAt);
    if (!pod || pid === undefined || at === undefined) throw new Error("netem printed no pod, PID or time");
    return { injectedAt: at, target: `pod ${pod} eth0 (netem ${args})`, state: { POD: pod, PID: String(pid) } };
  },
  async verify(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "verify", netemSh, target, injection.state));
    return { verified: out.verified === true, detail: str(out.qdisc) };
  },
  async recover(remote, fault, target, injection) {
    const out = await runFaultScript(remote, faultScript(fault, "recover", netemSh, target, injection.state));
    return out.removed === true
      ? { ok: true, removedAt: num(out.removedAt) }
      : { ok: false, removedAt: num(out.removedAt), detail: "the netem qdisc is still there after deleting it" };
  },
  async observe() {
    return undefined;
  },
};
