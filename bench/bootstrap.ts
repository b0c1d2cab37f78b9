// npm run bench:bootstrap — the node bootstrap's own overhead on top of the steps it waits for.
//
// Runs remote/node/bootstrap.sh for real through localRemote against the stand-in stubs, with
// realistic latencies (k3s download and start, image pulls, device plugin start-up) scaled down
// by SCALE so the run takes well under 30 s; every figure printed is scaled back up. The stubs log
// each simulated step (events.jsonl); from those, the ideal finish is the longest chain of steps
// that depend on each other, as if the harness reacted instantly and overlapped everything it
// can. The overhead is the rest: (wall time - ideal) / wall time. The last line is
// `harness-overhead: <percent>%`.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Run through the npm script: it imports scripts/text-assets.mjs, so remote/ assets load as text.
import { bootstrapNode } from "../src/node/bootstrap.js";
import { localRemote } from "../test/support/local-remote.js";
import { MemoryLog } from "../src/runtime/log.js";
import { systemClock } from "../src/runtime/clock.js";

const SCALE = 0.5;
const IMAGES = ["nvcr.io/nvidia/pytorch:25.01-py3", "vllm/vllm-openai:v0.8.5"];

interface Activity {
  activity: string;
  start: number;
  end: number;
  ref?: string;
  pod?: string;
}

const sandbox = mkdtempSync(join(tmpdir(), "bench-bootstrap-"));
const root = join(sandbox, "root");
const remote = localRemote({ sandbox, env: { STUB_LATENCY_SCALE: String(SCALE) } });
try {
  const node = await bootstrapNode(remote, { images: IMAGES, clock: systemClock, log: new MemoryLog() });
  const wall = remote.calls[0]!.durationMs / 1000;
  const events = readFileSync(join(root, "var/log/stand-in/events.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Activity);
  const path = criticalPath(
    events,
    node.inventory.images.map((i) => i.ref),
  );

  const all = [...node.phases].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const origin = Date.parse(all.find((p) => p.name === "node-bootstrap")!.startedAt);
  const up = (ms: number) => (ms / 1000 / SCALE).toFixed(1).padStart(6);
  console.log(
    `Node bootstrap on the stand-in (latencies x${SCALE}, shown scaled back up), ${node.gpuCount} GPU, ${IMAGES.length} workload images\n`,
  );
  console.log(`${"phase".padEnd(18)} ${"start s".padStart(7)} ${"end s".padStart(6)} ${"took s".padStart(6)}  detail`);
  for (const p of all) {
    const start = Date.parse(p.startedAt) - origin;
    const end = Date.parse(p.endedAt) - origin;
    console.log(`${p.name.padEnd(18)} ${up(start).padStart(7)} ${up(end)} ${up(end - start)}  ${p.detail ?? ""}`);
  }
  console.log(`\nCritical path of the steps the bootstrap waits for (ideal finish ${(path.ideal / SCALE).toFixed(1)} s):`);
  for (const step of path.steps) console.log(`  ${step.name.padEnd(52)} ${(step.seconds / SCALE).toFixed(1).padStart(6)} s`);
  console.log(`Bootstrap wall time ${(wall / SCALE).toFixed(1)} s; harness overhead ${((wall - path.ideal) / SCALE).toFixed(1)} s`);
  console.log(`harness-overhead: ${((100 * (wall - path.ideal)) / wall).toFixed(1)}%`);
} finally {
  const procs = join(root, "var/lib/stand-in/procs");
  for (const pid of readdirOr(procs)) {
    try {
      process.kill(-Number(pid), "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  rmSync(sandbox, { recursive: true, force: true });
}

function readdirOr(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The earliest the node could be ready if the harness waited for nothing but the steps
 * themselves: k3s (download, then start) → containerd → every pull; node Ready and the plugin
 * image → plugin pod start → plugin registers its GPUs; that and the CUDA image → smoke pod.
 */
function criticalPath(events: Activity[], refs: string[]): { ideal: number; steps: { name: string; seconds: number }[] } {
  const took = (e: Activity | undefined) => (e ? e.end - e.start : 0);
  const one = (activity: string, match: (e: Activity) => boolean = () => true) => events.find((e) => e.activity === activity && match(e));
  const step = (name: string, e: Activity | undefined) => ({ name, seconds: took(e) });

  const install = [step("container toolkit install", one("toolkit-install")), step("k3s download", one("k3s-download"))].filter(
    (s) => s.seconds > 0,
  );
  const k3s = install.reduce((t, s) => t + s.seconds, 0);
  const containerd = k3s + took(one("k3s-containerd"));
  const apiserver = k3s + took(one("k3s-apiserver"));
  const ready = k3s + took(one("k3s-node-ready"));
  const pulled = new Map(refs.map((ref) => [ref, containerd + took(one("pull", (e) => e.ref === ref))]));
  const pluginRef = refs.find((r) => r.includes("k8s-device-plugin"))!;
  const cudaRef = refs.find((r) => r.includes("/cuda:"))!;

  const pluginPodStart = one("pod-start", (e) => e.pod?.startsWith("nvidia-device-plugin") ?? false);
  const pluginGate = Math.max(ready, apiserver, pulled.get(pluginRef)!);
  const allocatable = pluginGate + took(pluginPodStart) + took(one("device-plugin-init"));
  const smokePodStart = one("pod-start", (e) => e.pod?.startsWith("gpu-bench-smoke") ?? false);
  const smokeRun = one("container-run", (e) => e.pod?.startsWith("gpu-bench-smoke") ?? false);
  const smokeGate = Math.max(allocatable, pulled.get(cudaRef)!);
  const smokeDone = smokeGate + took(smokePodStart) + took(smokeRun);

  const [slowRef, slowPull] = [...pulled].reduce((a, b) => (b[1] > a[1] ? b : a));
  const head = [...install, step("k3s start → containerd up", one("k3s-containerd"))];
  if (slowPull >= smokeDone) {
    return {
      ideal: slowPull,
      steps: [
        ...head,
        step(
          `pull ${slowRef}`,
          one("pull", (e) => e.ref === slowRef),
        ),
      ],
    };
  }
  const gate =
    pluginGate === ready
      ? [...install, step("k3s start → node Ready", one("k3s-node-ready"))]
      : [
          ...head,
          step(
            `pull ${pluginRef}`,
            one("pull", (e) => e.ref === pluginRef),
          ),
        ];
  const gpu = [...gate, step("device plugin pod start", pluginPodStart), step("device plugin registers GPUs", one("device-plugin-init"))];
  const chain =
    smokeGate === allocatable
      ? gpu
      : [
          ...head,
          step(
            `pull ${cudaRef}`,
            one("pull", (e) => e.ref === cudaRef),
          ),
        ];
  return { ideal: smokeDone, steps: [...chain, step("smoke pod start", smokePodStart), step("smoke pod runs nvidia-smi", smokeRun)] };
}
