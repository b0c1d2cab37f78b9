import powerCapSh from "../../remote/faults/power-cap.sh";
import type { FaultOf } from "../config/faults.js";
import { faultScript, num, runFaultScript, type FaultKindModule } from "./kind.js";

/**
 * gpu-power-cap: `nvidia-smi -pl` to a fraction of the default limit. Verified by reading the
 * limit back (nvidia-smi may print "not supported" and exit 0), restored by recover.
 */
export const gpuPowerCap: FaultKindModule<FaultOf<"gpu-power-cap">> = {
  async inject(remote, fault, target) {
    const out = await runFaultScript(
      remote,
      faultScript(fault, "inject", powerCapSh, target, { FRACTION: fault.params.fraction.toFixed(3) }),
    );
    const at = num(out.injectedAt);
    const def = num(out.defaultW);
    if (at === undefined || def === undefined) throw new Error("the GPU reports no default power limit: it cannot be capped");
    return {
      injectedAt: at,
      target: `GPU 0: ${num(out.targetW)} W of ${def} W`,
      state: { DEFAULT_W: String(def), TARGET_W: String(num(out.targetW) ?? ""), LIMIT_W: String(num(out.limitW) ?? "") },
    };
  },
  async verify(_remote, _fault, _target, injection) {
    const limit = Number(injection.state.LIMIT_W);
    const wanted = Number(injection.state.TARGET_W);
    const ok = injection.state.LIMIT_W !== "" && Math.abs(limit - wanted) < 1;
    return ok
      ? { verified: true, detail: `limit read back ${limit} W` }
      : { verified: false, detail: `the power limit read back ${injection.state.LIMIT_W || "nothing"} W, not ${wanted} W` };
  },
  async recover(remote, fault, target) {
    const out = await runFaultScript(remote, faultScript(fault, "recover", powerCapSh, target, {}));
    return out.restored === true
      ? { ok: true, removedAt: num(out.removedAt), detail: `limit back to ${num(out.limitW)} W` }
      : { ok: false, removedAt: num(out.removedAt), detail: `the power limit reads ${num(out.limitW) ?? "?"} W after restoring it` };
  },
  async observe() {
    return undefined;
  },
};
