import type { Inventory, Phase } from "../evidence/results.js";
import { RemoteScriptError, lastLines, type RemoteResult, type RemoteScript, type RunRemote } from "../cloud/remote-script.js";
import { errorLine } from "../runtime/error-text.js";
import type { Log } from "../runtime/log.js";
import type { Clock } from "../runtime/clock.js";
import { toInventory } from "./inventory.js";
import { parseScriptOutput, type ScriptOutput } from "./script-output.js";
import { BOOTSTRAP_FILES, EFA_BOOTSTRAP_FILES, bootstrapSh } from "./scripts.js";
import {
  DEVICE_PLUGIN_VERSION,
  DEVICE_PLUGIN_VERSION_PATTERN,
  EFA_DEVICE_PLUGIN_VERSION,
  EFA_INSTALLER,
  K3S_VERSION,
  K3S_VERSION_PATTERN,
} from "./versions.js";

/** Bounded waits on the instance, in seconds. */
export interface BootstrapTimeouts {
  /** k3s service start → node Ready. */
  k3sReadySeconds: number;
  /** Device plugin applied → DaemonSet rolled out. */
  devicePluginSeconds: number;
  /** Rolled out → nvidia.com/gpu allocatable equals the GPU count. */
  gpuAllocatableSeconds: number;
  /** Smoke pod applied → nvidia-smi ran in it. */
  smokeTestSeconds: number;
  /** Each image pull. */
  imagePullSeconds: number;
}

export const DEFAULT_BOOTSTRAP_TIMEOUTS: BootstrapTimeouts = {
  k3sReadySeconds: 180,
  devicePluginSeconds: 180,
  gpuAllocatableSeconds: 60,
  smokeTestSeconds: 180,
  imagePullSeconds: 900,
};

export interface BootstrapOptions {
  /** A k3s release tag (input k3s-version); defaults to the pinned K3S_VERSION. */
  k3sVersion?: string;
  /** An NVIDIA k8s-device-plugin tag; defaults to the pinned DEVICE_PLUGIN_VERSION. */
  devicePluginVersion?: string;
  /** The suite's workload images, pulled while the GPU comes up. */
  images: readonly string[];
  /**
   * Suite `efa`: the node also checks its EFA software (installing it with the pinned EFA
   * installer when the AMI has none), that libfabric's efa provider sees its EFA devices, and
   * (server) runs the AWS EFA device plugin until the node offers one vpc.amazonaws.com/efa per
   * EFA device (remote/node/efa.sh). A node without EFA devices or provider fails the bootstrap
   * at step efa-software.
   */
  efa?: boolean;
  /**
   * Make the instance an agent of the cluster whose k3s server is at `serverUrl`
   * (`https://<private IP>:6443`) instead of a server: it waits for the node token in the
   * SecureString parameter `tokenParameter` (region `region`; the runner puts it there once the
   * server starts) for up to `timeoutSeconds`. The server node checks the agent's node (cluster.ts).
   */
  join?: { serverUrl: string; tokenParameter: string; region: string; timeoutSeconds: number };
  timeouts?: Partial<BootstrapTimeouts>;
  clock: Clock;
  log: Log;
}

export interface NodeReady {
  /** What the node is: kernel, OS, k3s, driver, CUDA, each GPU, the images with their digests. */
  inventory: Inventory;
  gpuCount: number;
  /**
   * The whole command's phase ("node-bootstrap", timed here) and the phases the instance timed
   * itself (k3s-ready, gpu-allocatable, images-present, …), for the caller to record.
   */
  phases: Phase[];
}

/** A bootstrap step that did not work, named, with what to do about it. */
export class NodeBootstrapError extends Error {
  constructor(
    readonly step: string,
    message: string,
    readonly hint: string,
    readonly result?: RemoteResult,
    /** The phases timed up to the failure (the failed one included), for the caller to record. */
    readonly phases: Phase[] = [],
  ) {
    super(`Node bootstrap failed at ${step}: ${message}${hint ? `\n${hint}` : ""}`);
    this.name = "NodeBootstrapError";
  }
}

/** Seconds the EFA installer may take on a node whose AMI has no EFA software. */
const EFA_INSTALL_SECONDS = 600;

/**
 * Time SSM may give the whole script: the waits that follow each other, plus installs and
 * downloads; with EFA, its install and the EFA device plugin's waits too.
 */
function scriptTimeout(t: BootstrapTimeouts, efa: boolean): number {
  const efaChain = efa ? t.devicePluginSeconds + t.gpuAllocatableSeconds : 0;
  const gpuChain = t.devicePluginSeconds + t.gpuAllocatableSeconds + t.smokeTestSeconds + efaChain;
  return t.k3sReadySeconds + Math.max(gpuChain, t.imagePullSeconds) + 900 + (efa ? EFA_INSTALL_SECONDS : 0);
}

export function bootstrapScript(options: Omit<BootstrapOptions, "clock" | "log">): RemoteScript {
  const k3sVersion = options.k3sVersion ?? K3S_VERSION;
  const pluginVersion = options.devicePluginVersion ?? DEVICE_PLUGIN_VERSION;
  if (!K3S_VERSION_PATTERN.test(k3sVersion)) {
    throw new NodeBootstrapError(
      "validate",
      `k3s version '${k3sVersion}' is not a k3s release tag`,
      "Set k3s-version to a tag such as v1.34.3+k3s3 from https://github.com/k3s-io/k3s/releases.",
    );
  }
  if (!DEVICE_PLUGIN_VERSION_PATTERN.test(pluginVersion)) {
    throw new NodeBootstrapError(
      "validate",
      `device plugin version '${pluginVersion}' is not a release tag`,
      "Use a tag such as v0.18.2 from https://github.com/NVIDIA/k8s-device-plugin/releases.",
    );
  }
  const images = [...new Set(options.images)];
  const bad = images.find((image) => image === "" || /\s/.test(image));
  if (bad !== undefined) {
    throw new NodeBootstrapError(
      "validate",
      `image reference '${bad}' is empty or contains white space`,
      "Check the images of the suite's workloads.",
    );
  }
  const t = { ...DEFAULT_BOOTSTRAP_TIMEOUTS, ...options.timeouts };
  const join = options.join;
  return {
    name: join ? "node-bootstrap-agent" : "node-bootstrap",
    body: bootstrapSh,
    files: options.efa ? [...BOOTSTRAP_FILES, ...EFA_BOOTSTRAP_FILES] : BOOTSTRAP_FILES,
    args: images,
    env: {
      K3S_VERSION: k3sVersion,
      DEVICE_PLUGIN_VERSION: pluginVersion,
      K3S_READY_TIMEOUT: String(t.k3sReadySeconds),
      DEVICE_PLUGIN_TIMEOUT: String(t.devicePluginSeconds),
      GPU_ALLOCATABLE_TIMEOUT: String(t.gpuAllocatableSeconds),
      SMOKE_TEST_TIMEOUT: String(t.smokeTestSeconds),
      IMAGE_PULL_TIMEOUT: String(t.imagePullSeconds),
      ...(options.efa
        ? {
            EFA: "1",
            EFA_DEVICE_PLUGIN_VERSION,
            EFA_INSTALLER_VERSION: EFA_INSTALLER.version,
            EFA_INSTALLER_SHA256: EFA_INSTALLER.sha256,
            EFA_DEVICE_PLUGIN_TIMEOUT: String(t.devicePluginSeconds),
            EFA_ALLOCATABLE_TIMEOUT: String(t.gpuAllocatableSeconds),
          }
        : {}),
      ...(join
        ? {
            K3S_ROLE: "agent",
            K3S_SERVER_URL: join.serverUrl,
            K3S_TOKEN_PARAMETER: join.tokenParameter,
            K3S_TOKEN_REGION: join.region,
            K3S_JOIN_TIMEOUT: String(join.timeoutSeconds),
          }
        : {}),
    },
    timeoutSeconds: scriptTimeout(t, options.efa === true) + (join?.timeoutSeconds ?? 0),
    // A node is ready the moment this ends (the other nodes and the workloads wait on it): its
    // end is noticed within 2 s rather than the default 5.
    pollCapMs: 2000,
  };
}

/**
 * Turns a fresh GPU instance into a one-node k3s cluster whose pods can get GPUs: k3s at a pinned
 * version, the nvidia runtime, NVIDIA's device plugin, a smoke pod that ran nvidia-smi, and the
 * workload images present. One SSM command; the instance times its own phases. With `join`, an
 * agent node instead: driver, toolkit, k3s agent joined to the server, images present.
 */
export async function bootstrapNode(remote: RunRemote, options: BootstrapOptions): Promise<NodeReady> {
  const script = bootstrapScript(options);
  const startedAt = stamp(options.clock);
  let result: RemoteResult;
  try {
    result = await remote(script);
  } catch (error) {
    const whole: Phase = { name: "node-bootstrap", startedAt, endedAt: stamp(options.clock), status: "failed", detail: errorLine(error) };
    if (!(error instanceof RemoteScriptError)) throw error;
    const output = report(parseScriptOutput(error.result.stdout), options.log);
    throw failure(output, error.result, [whole, ...output.phases]);
  }
  const whole: Phase = { name: "node-bootstrap", startedAt, endedAt: stamp(options.clock), status: "ok" };
  const output = report(parseScriptOutput(result.stdout), options.log);
  const phases = [whole, ...output.phases];
  if (!output.inventory) {
    throw new NodeBootstrapError(
      "inventory",
      "the bootstrap script ended without printing the node's inventory",
      "This is a bug in remote/node/bootstrap.sh; its output is in the debug log.",
      result,
      phases,
    );
  }
  const inventory = toInventory(output.inventory);
  options.log.info(
    `${options.join ? `Agent node (joined ${options.join.serverUrl})` : "Node"} ready in ${(result.durationMs / 1000).toFixed(1)} s: k3s ${inventory.k3sVersion}, ` +
      `${inventory.gpus.length} × ${inventory.gpus[0]?.name ?? "GPU"}, driver ${inventory.driverVersion}, CUDA ${inventory.cudaVersion}, ` +
      `${inventory.images.length} image(s) present`,
  );
  return { inventory, gpuCount: inventory.gpus.length, phases };
}

function stamp(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

function report(output: ScriptOutput, log: Log): ScriptOutput {
  for (const phase of output.phases) {
    const seconds = (Date.parse(phase.endedAt) - Date.parse(phase.startedAt)) / 1000;
    log.debug(`node ${phase.name}: ${phase.status} in ${seconds.toFixed(1)} s${phase.detail ? ` (${phase.detail})` : ""}`);
  }
  for (const line of output.malformed) log.warning(`Unreadable result line from the node bootstrap: ${line}`);
  return output;
}

function failure(output: ScriptOutput, result: RemoteResult, phases: Phase[]): NodeBootstrapError {
  if (output.error) return new NodeBootstrapError(output.error.step, output.error.message, output.error.hint, result, phases);
  const failed = output.phases.find((p) => p.status === "failed")?.name;
  const tail = lastLines(result.stderr || result.stdout, 10);
  const how = result.status === "TimedOut" ? "ran past its time limit" : `ended ${result.status} with exit code ${result.exitCode}`;
  return new NodeBootstrapError(
    failed ?? "node-bootstrap",
    `the bootstrap script ${how}${tail ? `; its last lines:\n${tail}` : ""}`,
    "The diagnostics (k3s journal, pod descriptions) show where it stopped.",
    result,
    phases,
  );
}
