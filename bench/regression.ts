/**
 * How good is the regression rule? Synthetic histories with known truth, decided by the product's
 * own comparison (compareWithBaseline → decideMetric):
 *
 *   each run's level = truth × (1 + c·N(0,1))              run-to-run CV c ∈ {1%, 3%, 8%}
 *   each trial       = level × (1 + 0.01·N(0,1))           trial-to-trial CV 1%
 *   a run's value    = median of the suite's default trial count
 *
 * K = 10 baseline runs. Per c: false alarms over 1,000 noise-only histories, and detection of true
 * 10% and 15% drops over 1,000 histories each. Deterministic (seeded). The last line is the figure
 * the issue asks for.
 */
import { ResNet50Workload } from "../src/config/suite.js";
import { compareWithBaseline, type BaselineOptions } from "../src/evidence/comparison.js";
import { entryFromResults, type HistoryEntry } from "../src/evidence/history.js";
import { ruleDescription } from "../src/evidence/regression.js";
import { RESULTS_SCHEMA_VERSION, type Results } from "../src/evidence/results.js";
import { summarize } from "../src/evidence/stats.js";
import { prng } from "../test/support/prng.js";

const SEED = 20_250_106;
const HISTORIES = 1000;
const K = 10;
const TRUTH = 1000;
const TRIAL_CV = 0.01;
const RUN_CVS = [0.01, 0.03, 0.08];
const TRIALS = ResNet50Workload.parse({ id: "resnet50", kind: "resnet50" }).trials;
const OPTIONS: BaselineOptions = { runs: K, thresholdPercent: 5 };

function gaussian(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

const normal = gaussian(prng(SEED));

function syntheticRun(index: number, level: number): Results {
  const trials = Array.from({ length: TRIALS }, () => level * (1 + TRIAL_CV * normal()));
  const at = new Date(Date.UTC(2025, 0, 6) + index * 7 * 86_400_000).toISOString();
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: "ephemeral-gpu-bench", version: "bench" },
    run: { id: `run-${index}`, attempt: 1, startedAt: at },
    suite: { name: "default", hash: "bench" },
    instance: {
      id: `i-${index}`,
      type: "g5.2xlarge",
      availabilityZone: "us-west-2a",
      region: "us-west-2",
      market: "on-demand",
      amiId: "ami-00000000",
      launchedAt: at,
    },
    phases: [],
    workloads: [
      {
        id: "resnet50-train",
        kind: "resnet50",
        parameters: { batchSize: 128 },
        status: "ok",
        metrics: [
          {
            name: "images_per_sec",
            label: "Throughput",
            unit: "img/s",
            direction: "higher",
            headline: true,
            trials,
            summary: summarize(trials),
          },
        ],
        trials: [],
        startedAt: at,
        endedAt: at,
      },
    ],
    faults: [],
    outcome: { status: "succeeded" },
    locations: {},
  };
}

interface Cell {
  flagged: number;
  mdc: number[];
}

function simulate(cv: number, drop: number): Cell {
  const cell: Cell = { flagged: 0, mdc: [] };
  for (let h = 0; h < HISTORIES; h++) {
    const history: HistoryEntry[] = [];
    for (let i = 0; i < K; i++) history.push(entryFromResults(syntheticRun(i, TRUTH * (1 + cv * normal())), `run-${i}`));
    const current = syntheticRun(K, TRUTH * (1 - drop) * (1 + cv * normal()));
    const comparison = compareWithBaseline(current, history, { kind: "history", uri: "synthetic" }, OPTIONS);
    const decision = comparison.metrics[0]!.decision;
    if (decision.decision === "regression") cell.flagged++;
    if (decision.mdcPercent !== undefined) cell.mdc.push(decision.mdcPercent);
  }
  return cell;
}

/** Wilson score interval (95%) for k successes in n. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959964;
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const center = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, center - half) * 100, Math.min(1, center + half) * 100];
}

function rate(k: number): string {
  const [lo, hi] = wilson(k, HISTORIES);
  return `${((k / HISTORIES) * 100).toFixed(1)}% [${lo.toFixed(1)}–${hi.toFixed(1)}]`;
}

const pad = (s: string, n: number) => s.padEnd(n);

console.log(`Rule: ${ruleDescription(OPTIONS)}.`);
console.log(
  `K=${K} baseline runs; ${TRIALS} trials per run at ${TRIAL_CV * 100}% trial-to-trial CV; ${HISTORIES} histories per cell; seed ${SEED}.`,
);
console.log("Rates with their 95% Wilson interval. MDC: the rule's own minimum detectable change (median over the noise-only histories).");
console.log("");
const header = ["run-to-run CV", "false alarms", "detect 10% drop", "detect 15% drop", "median MDC"];
const widths = [14, 20, 20, 20, 11];
console.log(header.map((h, i) => pad(h, widths[i]!)).join(" | "));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
let last = "";
for (const cv of RUN_CVS) {
  const noise = simulate(cv, 0);
  const d10 = simulate(cv, 0.1);
  const d15 = simulate(cv, 0.15);
  const mdc = summarize(noise.mdc).median;
  const row = [`${cv * 100}%`, rate(noise.flagged), rate(d10.flagged), rate(d15.flagged), `${mdc.toFixed(1)}%`];
  console.log(row.map((c, i) => pad(c, widths[i]!)).join(" | "));
  if (cv === 0.03)
    last = `cv=3% false_alarm=${((noise.flagged / HISTORIES) * 100).toFixed(1)}% detection15=${((d15.flagged / HISTORIES) * 100).toFixed(1)}%`;
}
console.log("");
console.log(last);
