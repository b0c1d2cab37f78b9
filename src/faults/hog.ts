import gpuBurnPodTemplate from "../../remote/faults/gpu-burn-pod.yaml";
import gpuBurnPy from "../../remote/faults/gpu-burn.py";
import hogSh from "../../remote/faults/hog.sh";
import stressPodTemplate from "../../remote/faults/stress-pod.yaml";
import type { FaultOf } from "../config/faults.js";
import { kubeName, renderManifest } from "../workloads/manifest.js";
import { faultScript, num, runFaultScript, str, type FaultKindModule, type FaultTarget } from "./kind.js";

/**
 * The noisy-neighbour kinds: a pod beside the workload on its node, for `duration`.
 * - cpu-stress: stress-ng `--cpu workers`;
 * - memory-stress: stress-ng `--vm workers --vm-bytes <memoryShare>% --vm-keep` (stress-ng splits
 *   the share of the available memory among its workers);
 * - gpu-contention: remote/faults/gpu-burn.py, fp16 GEMMs of `matrixSize` in a loop on GPU 0,
 *   in the workload's own image through the nvidia runtime without claiming nvidia.com/gpu.
 * The injection is the hog's start (the time on gpu-burn's first line, stress-ng's container start
 * from the runtime), found once its log says it works ("dispatching hogs", the first GEMM done): not
 * the pod's creation (image pull and start-up are not part of the fault), nor the moment a poll saw
 * the line (later: the baseline would end with requests the hog already slowed). Verified
 * by the pod still running and, for the GPU, by nvidia-smi listing its process; recover deletes it.
 */

/** stress-ng as a static binary in a scratch image (entrypoint stress-ng), pinned. https://hub.docker.com/r/alexeiled/stress-ng */
export const STRESS_NG_IMAGE = "docker.io/alexeiled/stress-ng:0.12.05";

type HogFault = FaultOf<"cpu-stress"> | FaultOf<"memory-stress"> | FaultOf<"gpu-contention">;

/** Seconds a hog runs at most on its own (its recover normally stops it after `duration`). */
function selfLimit(f: HogFault): number {
  return Math.ceil(f.duration + 60);
}

/** The pod manifest and the log line that says the hog works. */
export function hogPod(f: HogFault, target: FaultTarget): { name: string; manifest: string; marker: string; gpu: boolean } {
  const name = kubeName("fault", f.id);
  const common = { name, namespace: target.namespace, faultId: f.id, deadlineSeconds: Math.ceil(f.duration + f.timeoutSeconds + 120) };
  if (f.kind === "gpu-contention") {
    if (!target.image) throw new Error("gpu-contention needs the workload's image to run its CUDA process in");
    return {
      name,
      gpu: true,
      marker: '"burn": "started"',
      manifest: renderManifest(gpuBurnPodTemplate, {
        ...common,
        image: target.image,
        script: gpuBurnPy,
        args: ["--size", String(f.params.matrixSize), "--seconds", String(selfLimit(f))],
      }),
    };
  }
  const args =
    f.kind === "cpu-stress"
      ? ["--cpu", String(f.params.workers), "--timeout", `${selfLimit(f)}s`, "--metrics-brief"]
      : [
          "--vm",
          String(f.params.workers),
          "--vm-bytes",
          `${Math.round(f.params.memoryShare * 100)}%`,
          "--vm-keep",
          "--timeout",
          `${selfLimit(f)}s`,
        ];
  return {
    name,
    gpu: false,
    marker: "dispatching hogs",
    manifest: renderManifest(stressPodTemplate, { ...common, image: STRESS_NG_IMAGE, args }),
  };
}

function hogScript(f: HogFault, verb: string, target: FaultTarget) {
  const pod = hogPod(f, target);
  const script = faultScript(f, verb, hogSh, target, { POD_NAME: pod.name, MARKER: pod.marker, GPU_CHECK: pod.gpu ? "1" : "0" });
  return { ...script, files: [...(script.files ?? []), { path: "manifest.yaml", content: pod.manifest }] };
}

function describeHog(f: HogFault): string {
  if (f.kind === "cpu-stress") return `stress-ng --cpu ${f.params.workers}`;
  if (f.kind === "memory-stress") return `stress-ng --vm ${f.params.workers} --vm-bytes ${Math.round(f.params.memoryShare * 100)}%`;
  return `GEMM ${f.params.matrixSize}² fp16 loop on GPU 0`;
}

export const hog: FaultKindModule<HogFault> = {
  async inject(remote, fault, target) {
    const out = await runFaultScript(remote, hogScript(fault, "inject", target));
    const pod = str(out.pod);
    const at = num(out.injectedAt);
    if (!pod || at === undefined) throw new Error(str(out.why) ?? `${fault.kind}: the hog pod printed no time`);
    const seen = num(out.seenAt);
    return {
      injectedAt: at,
      target: `pod ${pod} (${describeHog(fault)})`,
      state: {},
      lagSeconds: seen === undefined ? undefined : Math.max(0, seen - at),
    };
  },
  async verify(remote, fault, target) {
    const out = await runFaultScript(remote, hogScript(fault, "verify", target));
    return { verified: out.verified === true, detail: str(out.detail) };
  },
  async recover(remote, fault, target) {
    const out = await runFaultScript(remote, hogScript(fault, "recover", target));
    return out.removed === true
      ? { ok: true, removedAt: num(out.removedAt) }
      : { ok: false, removedAt: num(out.removedAt), detail: `the ${fault.kind} pod is still there after deleting it` };
  },
  async observe() {
    return undefined;
  },
};
