/**
 * What does the GPU telemetry sampler cost the workload it watches? Runs the stand-in's CPU
 * ResNet50 workload (remote/workloads/resnet50.py with Debian's torch at /usr/bin/python3, two
 * threads, as stand-in/images/pytorch.sh runs it) alternately without and with the sampler
 * (remote/telemetry/start.sh → sampler.sh → the stand-in nvidia-smi at 1 Hz, the workload
 * registered as the GPU's process so every sample takes the busy path, compute apps included),
 * and compares the median throughput of the timed windows. Also prints the sampler's own CPU time
 * per second of wall time, the steadier figure on a shared machine.
 *
 *   npm run bench:telemetry [-- --runs 5 --interval-ms 1000 --steps 30]
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { quantile } from "../src/evidence/stats.js";
import { parseResNet50Lines, type ResNet50Trial } from "../src/workloads/resnet50.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const SCRIPT = join(REPO, "remote/workloads/resnet50.py");
const PYTHON = process.env.GPU_BENCH_PYTHON ?? "/usr/bin/python3";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

const config = { runs: option("runs", 5), intervalMs: option("interval-ms", 1000), steps: option("steps", 20) };
const sandbox = mkdtempSync(join(tmpdir(), "bench-telemetry-"));
const root = join(sandbox, "root");
mkdirSync(join(root, "var/lib/stand-in/gpu-procs"), { recursive: true });
const env = {
  ...process.env,
  PATH: `${join(REPO, "stand-in/instance-bin")}:/usr/local/bin:/usr/bin:/bin`,
  GPU_BENCH_ROOT: root,
  STANDIN_SANDBOX: sandbox,
  STUB_LATENCY_SCALE: "0.01",
};

/** One resnet50.py run; returns the images/s of each timed trial. */
async function workload(): Promise<number[]> {
  const args = [SCRIPT, "--mode", "train", "--image-size", "32", "--batch-size", "4", "--warmup-steps", "2"];
  args.push("--steps", String(config.steps), "--trials", "3", "--threads", "2", "--device", "cpu");
  const child = spawn(PYTHON, args, { env: { ...env, OMP_NUM_THREADS: "2", OMP_WAIT_POLICY: "PASSIVE", CUDA_VISIBLE_DEVICES: "" } });
  // The stand-in kubelet registers a GPU pod's process like this; the sampler then sees it busy.
  writeFileSync(join(root, "var/lib/stand-in/gpu-procs", String(child.pid)), "all\nrn50-bench-abcde\n");
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((done) => child.on("close", done));
  if (code !== 0) throw new Error(`resnet50.py exited ${code}:\n${err}`);
  return parseResNet50Lines(out)
    .filter((r): r is ResNet50Trial => r.record === "trial")
    .map((t) => t.images_per_sec);
}

function telemetry(script: "start.sh" | "stop.sh"): string {
  const dir = join(sandbox, "cmd");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const f of ["start.sh", "stop.sh", "sampler.sh"]) cpSync(join(REPO, "remote/telemetry", f), join(dir, f));
  const r = spawnSync("bash", [join(dir, script)], {
    env: { ...env, TELEMETRY_NAME: "bench", INTERVAL_MS: String(config.intervalMs), MAX_SECONDS: "3600" },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return r.stdout;
}

/** CPU seconds (user + system, children reaped included) of every process in the sampler's session. */
function samplerCpuSeconds(sid: number): number {
  const tick = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[3]) !== sid) continue; // session id
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      /* gone meanwhile */
    }
  }
  return ticks / tick;
}

// An interrupted bench leaves no sampler behind: removing the sandbox stops it within a second.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    rmSync(sandbox, { recursive: true, force: true });
    process.exit(130);
  });
}

const off: number[] = [];
const on: number[] = [];
let cpuSeconds = 0;
let wallSeconds = 0;
let samples = 0;
try {
  for (let run = 0; run < config.runs; run++) {
    off.push(...(await workload()));
    const started = telemetry("start.sh");
    if (!started.includes('"started":true')) throw new Error(`the sampler did not start: ${started}`);
    const sid = Number(readFileSync(join(root, "var/lib/gpu-bench/telemetry/bench/pid"), "utf8").trim());
    const t0 = performance.now();
    on.push(...(await workload()));
    cpuSeconds += samplerCpuSeconds(sid);
    wallSeconds += (performance.now() - t0) / 1000;
    samples += telemetry("stop.sh")
      .split("\n")
      .filter((l) => l.startsWith("GPU_BENCH_TELEMETRY gpu,")).length;
    process.stderr.write(`run ${run + 1}/${config.runs}\n`);
  }
} finally {
  rmSync(sandbox, { recursive: true, force: true });
}

const medianOff = quantile(off, 0.5);
const medianOn = quantile(on, 0.5);
const overhead = ((medianOff - medianOn) / medianOff) * 100;
console.log(
  `resnet50.py train on CPU (2 threads, image 32, batch 4, ${config.steps} timed steps × 3 trials), ${config.runs} runs each, alternating`,
);
console.log(`sampler off: median ${medianOff.toFixed(2)} images/s over ${off.length} trials`);
console.log(
  `sampler on:  median ${medianOn.toFixed(2)} images/s over ${on.length} trials (${samples} GPU samples, every ${config.intervalMs} ms)`,
);
console.log(
  `sampler CPU: ${((100 * cpuSeconds) / wallSeconds).toFixed(2)}% of one core (${cpuSeconds.toFixed(2)} s in ${wallSeconds.toFixed(1)} s)`,
);
console.log(`sampler-overhead: ${overhead.toFixed(2)}% of throughput`);
