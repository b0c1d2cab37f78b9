/**
 * What does the GPU telemetry sampler cost the workload it watches? Runs the stand-in's CPU
 * ResNet50 workload (remote/workloads/resnet50.py with Debian's torch at /usr/bin/python3, two
 * threads, as stand-in/images/pytorch.sh runs it) without and with the sampler
 * (remote/telemetry/start.sh → sampler.sh → the stand-in nvidia-smi at 1 Hz, the workload
 * registered as the GPU's process so every sample takes the busy path, compute apps included).
 *
 * `--runs N` pairs, after one unmeasured warm-up run; each pair is one run without and one with the
 * sampler, in alternating order (off-on, on-off, …) so a drift in the shared machine's load falls on
 * both sides. A run's throughput is the median images/s of its timed trials; a pair's overhead is
 * (off − on) / off. Prints the medians and quartiles of both sides, the median paired overhead with
 * its distribution-free confidence interval (sign test: order statistics of the paired overheads),
 * the sampler's own CPU time (the steadier figure on a shared machine), the load average before and
 * after, and whether the issue's bound (overhead under 1% of throughput) is met, not met, or not
 * resolved because the interval straddles 1%.
 *
 * On a shared machine the run-to-run noise can be larger than one sampler's cost. `--samplers K`
 * runs K samplers at once on the "on" side (each a whole sampler: its own nvidia-smi streams and
 * readers) to lift the cost above the noise; the figures per sampler are then the measured ones ÷ K,
 * which assumes each sampler adds the same cost (they share nothing but the CPU).
 *
 *   npm run bench:telemetry [-- --runs 10 --interval-ms 1000 --steps 20 --samplers 1]
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { quantile, summarize } from "../src/evidence/stats.js";
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

const config = {
  runs: option("runs", 10),
  intervalMs: option("interval-ms", 1000),
  steps: option("steps", 20),
  samplers: option("samplers", 1),
};
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

function telemetry(script: "start.sh" | "stop.sh", name: string): string {
  const dir = join(sandbox, "cmd");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const f of ["start.sh", "stop.sh", "sampler.sh"]) cpSync(join(REPO, "remote/telemetry", f), join(dir, f));
  const r = spawnSync("bash", [join(dir, script)], {
    env: { ...env, TELEMETRY_NAME: name, INTERVAL_MS: String(config.intervalMs), MAX_SECONDS: "3600" },
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

/**
 * Distribution-free confidence interval of the median of `values` (sign test): the k-th smallest
 * and k-th largest value, k the largest whole number with P(Binomial(n, ½) < k) ≤ (1 − level) / 2.
 * Returns the bounds and the interval's exact coverage (a fraction), or null when n is too small
 * for the level (fewer than 6 values at 95%).
 */
function medianInterval(values: readonly number[], level = 0.95): { low: number; high: number; coverage: number } | null {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  let choose = 1; // C(n, j)
  let below = 0; // P(B ≤ j − 1) as j grows
  let k = 0;
  for (let j = 0; j < n / 2; j++) {
    const next = below + choose / 2 ** n; // P(B ≤ j)
    if (next > (1 - level) / 2) break;
    below = next;
    k = j + 1;
    choose = (choose * (n - j)) / (j + 1);
  }
  if (k === 0) return null;
  return { low: sorted[k - 1]!, high: sorted[n - k]!, coverage: 1 - 2 * below };
}

// An interrupted bench leaves no sampler behind: removing the sandbox stops it within a second.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    rmSync(sandbox, { recursive: true, force: true });
    process.exit(130);
  });
}

const median = (trials: number[]): number => quantile(trials, 0.5);
const offTrials: number[] = [];
const onTrials: number[] = [];
const pairOverheads: number[] = [];
let cpuSeconds = 0;
let wallSeconds = 0;
let samples = 0;
const loadBefore = loadavg();

/** One run with the sampler(s): the run's trials; the samplers' CPU time and samples counted in. */
async function withSampler(): Promise<number[]> {
  const names = Array.from({ length: config.samplers }, (_, i) => `bench-${i + 1}`);
  const sids = names.map((name) => {
    const started = telemetry("start.sh", name);
    if (!started.includes('"started":true')) throw new Error(`sampler ${name} did not start: ${started}`);
    return Number(readFileSync(join(root, `var/lib/gpu-bench/telemetry/${name}/pid`), "utf8").trim());
  });
  const t0 = performance.now();
  const trials = await workload();
  for (const sid of sids) cpuSeconds += samplerCpuSeconds(sid);
  wallSeconds += (performance.now() - t0) / 1000;
  for (const name of names) {
    samples += telemetry("stop.sh", name)
      .split("\n")
      .filter((l) => l.startsWith("GPU_BENCH_TELEMETRY gpu,")).length;
  }
  return trials;
}

try {
  await workload(); // warm-up: page cache, torch's first import
  for (let run = 0; run < config.runs; run++) {
    let off: number[];
    let on: number[];
    if (run % 2 === 0) {
      off = await workload();
      on = await withSampler();
    } else {
      on = await withSampler();
      off = await workload();
    }
    offTrials.push(...off);
    onTrials.push(...on);
    pairOverheads.push(((median(off) - median(on)) / median(off)) * 100);
    process.stderr.write(
      `pair ${run + 1}/${config.runs}: overhead ${pairOverheads.at(-1)!.toFixed(2)}%, load ${loadavg()[0]!.toFixed(2)}\n`,
    );
  }
} finally {
  rmSync(sandbox, { recursive: true, force: true });
}
const loadAfter = loadavg();

const f2 = (v: number): string => v.toFixed(2);
const side = (name: string, trials: number[]): string => {
  const s = summarize(trials);
  return `${name}: median ${f2(s.median)} images/s, quartiles ${f2(s.q1)}–${f2(s.q3)}, range ${f2(s.min)}–${f2(s.max)}, ${s.n} trials`;
};
const k = config.samplers;
const overhead = summarize(pairOverheads);
const interval = medianInterval(pairOverheads);
const BOUND = 1;
// Per sampler: the measured figures ÷ K (K = 1: as measured).
const perSampler = overhead.median / k;
const verdict =
  interval === null
    ? `not resolved: ${pairOverheads.length} pairs are too few for a 95% interval (6 at least)`
    : interval.high / k < BOUND
      ? `meets the < ${BOUND}% bound`
      : interval.low / k >= BOUND
        ? `does not meet the < ${BOUND}% bound`
        : `not resolved: the interval straddles ${BOUND}% (more pairs, a quieter machine, or --samplers K)`;
const cpuPercent = (100 * cpuSeconds) / wallSeconds / k;

console.log(
  `resnet50.py train on CPU (2 threads, image 32, batch 4, ${config.steps} timed steps × 3 trials); ${config.runs} pairs off/on in alternating order after one warm-up run`,
);
console.log(`load average (1, 5, 15 min): before ${loadBefore.map(f2).join(" ")}, after ${loadAfter.map(f2).join(" ")} (2 cores)`);
console.log(side("sampler off", offTrials));
console.log(
  `${side(k === 1 ? "sampler on " : `${k} samplers on`, onTrials)} (${samples} GPU samples in all, every ${config.intervalMs} ms)`,
);
console.log(
  `paired overhead${k === 1 ? "" : ` of ${k} samplers`}: median ${f2(overhead.median)}%, quartiles ${f2(overhead.q1)}–${f2(overhead.q3)}%, range ${f2(overhead.min)}–${f2(overhead.max)}% over ${overhead.n} pairs` +
    (interval ? `; ${(interval.coverage * 100).toFixed(1)}% interval of the median ${f2(interval.low)}–${f2(interval.high)}%` : ""),
);
if (k > 1 && interval)
  console.log(`per sampler (÷ ${k}): median ${f2(perSampler)}%, interval ${f2(interval.low / k)}–${f2(interval.high / k)}%`);
console.log(
  `sampler CPU (per sampler): ${f2(cpuPercent)}% of one core, ${f2(cpuPercent / 2)}% of the workload's two (${f2(cpuSeconds / k)} s in ${wallSeconds.toFixed(1)} s)`,
);
console.log(`sampler-overhead: ${f2(perSampler)}% of throughput — ${verdict}`);
