/**
 * Where does resnet50.py spend its time outside the timed window? Runs the real script on this
 * machine's CPU (Debian's torch at /usr/bin/python3, two threads) at tiny sizes, once training and
 * once inference, and splits each run's wall time into: process start and exit, imports, model
 * build, the first (fit-proving) step, warm-up, the timed window, and the rest. The timed window is
 * the only part throughput is computed from; everything else is the script's own overhead, paid
 * once per Job. The last line sums it up.
 *
 *   npm run bench:workloads [-- --image-size 32 --batch-size 4 --warmup-steps 2 --steps 5 --trials 2]
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseResNet50Lines, type ResNet50Trial } from "../src/workloads/resnet50.js";

const SCRIPT = fileURLToPath(new URL("../remote/workloads/resnet50.py", import.meta.url));
const PYTHON = process.env.GPU_BENCH_PYTHON ?? "/usr/bin/python3";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
}

const config = {
  imageSize: option("image-size", 32),
  batchSize: option("batch-size", 4),
  warmupSteps: option("warmup-steps", 2),
  steps: option("steps", 5),
  trials: option("trials", 2),
};

interface Breakdown {
  mode: string;
  wallS: number;
  processS: number;
  importS: number;
  buildS: number;
  firstStepS: number;
  warmupS: number;
  timedS: number;
  otherS: number;
  imagesPerSec: number;
}

async function measure(mode: "train" | "inference"): Promise<Breakdown> {
  const args = [
    SCRIPT,
    "--mode",
    mode,
    "--image-size",
    String(config.imageSize),
    "--batch-size",
    String(config.batchSize),
    "--warmup-steps",
    String(config.warmupSteps),
    "--steps",
    String(config.steps),
    "--trials",
    String(config.trials),
    "--threads",
    "2",
  ];
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(PYTHON, args, { env: { ...process.env, OMP_NUM_THREADS: "2" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  const wallS = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`resnet50.py ${mode} exited ${code}:\n${stderr}`);
  const records = parseResNet50Lines(stdout);
  const trials = records.filter((r): r is ResNet50Trial => r.record === "trial");
  const done = records.find((r) => r.record === "done");
  if (!done || done.record !== "done" || trials.length !== config.trials)
    throw new Error(`resnet50.py ${mode} printed no complete result:\n${stdout}`);
  const sum = (f: (t: ResNet50Trial) => number) => trials.reduce((s, t) => s + f(t), 0);
  const importS = done.import_s;
  const buildS = done.build_s ?? 0;
  const firstStepS = Number(done.first_step_s ?? 0);
  const warmupS = sum((t) => Number(t.warmup_s));
  const timedS = sum((t) => t.elapsed_s);
  const otherS = done.script_s - importS - buildS - firstStepS - warmupS - timedS;
  return {
    mode,
    wallS,
    processS: wallS - done.script_s,
    importS,
    buildS,
    firstStepS,
    warmupS,
    timedS,
    otherS: Math.max(0, otherS),
    imagesPerSec: (config.batchSize * config.steps * config.trials) / timedS,
  };
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

const results: Breakdown[] = [];
for (const mode of ["train", "inference"] as const) results.push(await measure(mode));

const rows: [string, (b: Breakdown) => number][] = [
  ["process start and exit", (b) => b.processS],
  ["imports (torch, torchvision)", (b) => b.importS],
  ["model build, synthetic batch", (b) => b.buildS],
  ["first step (proves the batch fits)", (b) => b.firstStepS],
  ["warm-up steps", (b) => b.warmupS],
  ["other (JSON, bookkeeping)", (b) => b.otherS],
  ["timed window", (b) => b.timedS],
  ["wall", (b) => b.wallS],
];
console.log(
  `resnet50.py on CPU (${PYTHON}, 2 threads): image ${config.imageSize}, batch ${config.batchSize}, ` +
    `${config.warmupSteps} warm-up + ${config.steps} timed steps x ${config.trials} trials`,
);
console.log("");
console.log(`${pad("phase", 36)}${results.map((r) => pad(r.mode, 20, true)).join("")}`);
for (const [label, f] of rows) {
  console.log(
    `${pad(label, 36)}${results.map((r) => pad(`${f(r).toFixed(3)} s ${pad(`${((100 * f(r)) / r.wallS).toFixed(1)}%`, 6, true)}`, 20, true)).join("")}`,
  );
}
console.log(`${pad("throughput (timed window)", 36)}${results.map((r) => pad(`${r.imagesPerSec.toFixed(2)} img/s`, 20, true)).join("")}`);
console.log("");
const overhead = results.map(
  (r) =>
    `${r.mode} ${(r.wallS - r.timedS).toFixed(2)} s of ${r.wallS.toFixed(2)} s (${((100 * (r.wallS - r.timedS)) / r.wallS).toFixed(1)}%)`,
);
console.log(`workloads-overhead: outside the timed window: ${overhead.join(", ")}`);
