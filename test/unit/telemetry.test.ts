import { describe, expect, it } from "vitest";
import {
  integrate,
  resnet50EnergyMetrics,
  servingEnergyMetrics,
  summarizeTelemetry,
  type TimedWindow,
} from "../../src/evidence/telemetry.js";
import { Telemetry } from "../../src/evidence/telemetry-schema.js";
import { telemetryLine } from "../../src/workloads/telemetry.js";
import { parseReasons, parseSamples, reasonNames, type Samples } from "../../src/node/telemetry-samples.js";
import { everySecond, samplesText } from "../support/telemetry-samples.js";

const T0 = 1_750_000_000;
const OWN = { ownPodPrefixes: ["rn50-resnet50-train-"] };
const windows = (...spans: [number, number][]): TimedWindow[] =>
  spans.map(([a, b], i) => ({ label: `trial ${i + 1}`, trial: i + 1, start: T0 + a, end: T0 + b }));

function parsed(text: string): Samples {
  const s = parseSamples(text);
  if (!s) throw new Error("no header");
  return s;
}

describe("the samples file", () => {
  it("reads nvidia-smi's hex and DCGM's decimal clock-event bitmasks alike", () => {
    expect(parseReasons("0x0000000000000008")).toBe(8);
    expect(parseReasons("72")).toBe(72);
    expect(parseReasons("[N/A]")).toBeNull();
    expect(reasonNames(0x48)).toEqual(["hw_slowdown", "hw_thermal_slowdown"]);
  });

  it("reads values a GPU does not report as unknown, never as zero", () => {
    const s = parsed(samplesText({ gpu: [{ t: T0, powerW: "[N/A]" }] }));
    expect(s.gpu[0]!.powerW).toBeNaN();
    expect(s.source).toBe("nvidia-smi");
    expect(s.intervalSeconds).toBe(1);
  });

  it("is no samples file without its header (the sampler never started)", () => {
    expect(parseSamples("gpu,1,0,1,1,1,1,1,1,1,0x0,1,1,1\n")).toBeUndefined();
  });

  it("keeps process names that contain commas and counts lines it cannot read", () => {
    const text = `${samplesText({ gpu: [{ t: T0 }], procs: [{ t: T0, pid: 7, pod: "p", name: "a,b" }] })}garbage line\n`;
    const s = parsed(text);
    expect(s.procs[0]!.name).toBe("a,b");
    expect(s.skipped).toBe(1);
  });
});

describe("energy over the timed windows", () => {
  it("a constant 150 W over a 10 s window is exactly 1500 J", () => {
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 20, () => ({ powerW: 150 })) }));
    const summary = summarizeTelemetry(s, windows([5, 15]), OWN)!;
    expect(summary.telemetry.energyJoules).toBe(1500);
    expect(summary.telemetry.powerWatts.mean).toBe(150);
  });

  it("gives a peak of the same power the mean integrates, at a window's edge too: never below the mean", () => {
    // 900 W just before the window, 100 W inside it: the power falls through the window's start.
    const s = parsed(
      samplesText({
        gpu: [
          { t: T0 - 0.9, powerW: 900 },
          { t: T0 + 0.1, powerW: 100 },
          { t: T0 + 1.1, powerW: 100 },
        ],
      }),
    );
    const { telemetry } = summarizeTelemetry(s, windows([0, 0.5]), OWN)!;
    expect(telemetry.powerWatts.mean).toBeCloseTo(108, 6);
    expect(telemetry.powerWatts.max).toBeCloseTo(180, 6);
  });

  it("summarizes hours of samples of many GPUs without running out of stack", () => {
    // 1 Hz for an hour on 64 GPUs: 230,400 rows, past what Math.max(...rows) takes as arguments.
    const gpu = Array.from({ length: 3600 * 64 }, (_, i) => ({
      t: T0 + Math.floor(i / 64),
      gpu: i % 64,
      powerW: 200,
      smMHz: 1710,
      memMHz: 6251,
      gpuUtil: 98,
      memUtil: 40,
      memUsedMiB: 4096,
      tempC: 60,
      reasons: 0,
      enforcedLimitW: 300,
      defaultLimitW: 300,
      maxSmMHz: 1710,
    }));
    const samples: Samples = { source: "nvidia-smi", intervalSeconds: 1, uuids: new Map(), gpu, procs: [], skipped: 0 };
    const { telemetry } = summarizeTelemetry(samples, windows([10, 3590]), OWN)!;
    expect(telemetry.powerWatts).toEqual({ mean: 64 * 200, max: 64 * 200 });
    expect(telemetry.smClockMHz.max).toBe(1710);
  });

  it("integrates between samples and sums the windows of every trial", () => {
    // Power ramps 100 → 200 W over 10 s: the first window's mean is 125 W, the second's 175 W.
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 10, (t) => ({ powerW: 100 + (t - T0) * 10 })) }));
    const summary = summarizeTelemetry(s, windows([0, 5], [5, 10]), OWN)!;
    expect(summary.detail.windows.map((w) => w.energyJoules)).toEqual([625, 875]);
    expect(summary.telemetry.energyJoules).toBe(1500);
  });

  it("a window shorter than the sampling interval still gets its share of energy", () => {
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 4, () => ({ powerW: 80 })) }));
    const summary = summarizeTelemetry(s, windows([1.2, 1.7]), OWN)!;
    expect(summary.telemetry.energyJoules).toBeCloseTo(40, 9);
    expect(summary.telemetry.samples).toBe(1);
  });

  it("holds the first and last sample flat outside the sampled span", () => {
    expect(integrate([{ t: 10, v: 5 }], 0, 20)).toBe(100);
  });

  it("energy per image divides each trial's window energy by its images", () => {
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 20, () => ({ powerW: 200 })) }));
    const summary = summarizeTelemetry(s, windows([0, 10], [10, 15]), OWN)!;
    const [m] = resnet50EnergyMetrics(
      summary.detail,
      new Map([
        [1, 1000],
        [2, 500],
      ]),
    );
    expect(m).toMatchObject({ name: "joules_per_image", direction: "lower", headline: true, trials: [2, 2] });
  });

  it("energy per output token and tokens/s per watt are taken at the chosen load point", () => {
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 20, () => ({ powerW: 100 })) }));
    const summary = summarizeTelemetry(
      s,
      [
        { label: "trial 1 · 1 req/s", trial: 1, start: T0, end: T0 + 10 },
        { label: "trial 1 · max throughput", trial: 1, start: T0 + 10, end: T0 + 12 },
      ],
      OWN,
    )!;
    const metrics = servingEnergyMetrics(summary.detail, new Map([["trial 1 · max throughput", 400]]), "max throughput");
    expect(metrics.map((m) => [m.name, m.direction, m.trials])).toEqual([
      ["joules_per_output_token", "lower", [0.5]],
      ["output_tokens_per_second_per_watt", "higher", [2]],
    ]);
  });
});

describe("validity", () => {
  it("a clean run at full clocks is valid, with the issue's field names", () => {
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 10), procs: [{ t: T0 + 3, pid: 10, pod: "rn50-resnet50-train-abcde" }] }));
    const { telemetry } = summarizeTelemetry(s, windows([1, 9]), OWN)!;
    expect(Telemetry.parse(telemetry)).toEqual(telemetry);
    expect(Object.keys(telemetry)).toEqual([
      "source",
      "samples",
      "intervalSeconds",
      "powerWatts",
      "energyJoules",
      "smClockMHz",
      "gpuUtilPercent",
      "memoryUsedMiB",
      "temperatureC",
      "throttleReasons",
      "foreignProcesses",
      "valid",
      "validity",
    ]);
    expect(telemetry).toMatchObject({ valid: true, validity: [], foreignProcesses: 0, samples: 9 });
  });

  it("a thermal slowdown in more than 5% of the samples makes the result invalid, saying which and how often", () => {
    const s = parsed(
      samplesText({ gpu: everySecond(T0, T0 + 19, (t) => ((t - T0) % 4 === 0 ? { reasons: "0x0000000000000040", smMHz: 900 } : {})) }),
    );
    const { telemetry } = summarizeTelemetry(s, windows([0, 19]), OWN)!;
    expect(telemetry.valid).toBe(false);
    expect(telemetry.throttleReasons).toEqual({ hw_thermal_slowdown: 0.25 });
    expect(telemetry.validity[0]).toMatch(/hw_thermal_slowdown\) active in 25% of the samples/);
  });

  it("a slowdown only outside the timed windows does not count", () => {
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 19, (t) => (t - T0 > 15 ? { reasons: "8", smMHz: 500 } : {})) }));
    expect(summarizeTelemetry(s, windows([0, 14]), OWN)!.telemetry.valid).toBe(true);
  });

  it("an SM clock well below the maximum with no cap is invalid", () => {
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 10, () => ({ smMHz: 1100 })) }));
    const { telemetry } = summarizeTelemetry(s, windows([0, 10]), OWN)!;
    expect(telemetry.validity).toEqual([
      "SM clock median 1100 MHz is 64% of the GPU's maximum 1710 MHz (below 80%) with no power cap explaining it",
    ]);
  });

  it("a configured power cap explains low clocks: valid, with the explanation written down", () => {
    const s = parsed(
      samplesText({ gpu: everySecond(T0, T0 + 10, () => ({ smMHz: 1100, enforcedW: 150, defaultW: 300, reasons: "0x4", powerW: 149 })) }),
    );
    const { telemetry, detail } = summarizeTelemetry(s, windows([0, 10]), OWN)!;
    expect(telemetry.valid).toBe(true);
    expect(detail.powerCapWatts).toBe(150);
    expect(detail.explanations.join("\n")).toMatch(/power capped at 150 W \(default limit 300 W\)/);
  });

  it("a cap the run configured on purpose (a fault scenario) is an explanation too", () => {
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 10, () => ({ smMHz: 1000 })) }));
    const { telemetry } = summarizeTelemetry(s, windows([0, 10]), { ...OWN, powerCapWatts: 120 })!;
    expect(telemetry.valid).toBe(true);
  });

  it("a board at its own power limit (a T4's 70 W) is explained, not invalid", () => {
    const s = parsed(
      samplesText({ gpu: everySecond(T0, T0 + 10, () => ({ smMHz: 1100, maxSmMHz: 1590, reasons: "0x4", enforcedW: 70, defaultW: 70 })) }),
    );
    const { telemetry, detail } = summarizeTelemetry(s, windows([0, 10]), OWN)!;
    expect(telemetry.valid).toBe(true);
    expect(detail.explanations[0]).toMatch(/its own power limit/);
  });

  it("another process on the GPU makes the result invalid; the workload's own pods do not", () => {
    const s = parsed(
      samplesText({
        gpu: everySecond(T0, T0 + 10),
        procs: [
          { t: T0 + 2, pid: 10, pod: "rn50-resnet50-train-abcde" },
          { t: T0 + 2, pid: 4242, pod: "", name: "/usr/bin/python3" },
          { t: T0 + 3, pid: 4242, pod: "", name: "/usr/bin/python3" },
        ],
      }),
    );
    const { telemetry } = summarizeTelemetry(s, windows([1, 9]), OWN)!;
    expect(telemetry.foreignProcesses).toBe(1);
    expect(telemetry.validity).toEqual(["1 other process used the GPU during the timed windows: /usr/bin/python3 (pid 4242)"]);
  });

  it("there is no telemetry to give without a timed window or without samples", () => {
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 3) }));
    expect(summarizeTelemetry(s, [], OWN)).toBeUndefined();
    expect(summarizeTelemetry(parsed(samplesText({ gpu: [] })), windows([0, 1]), OWN)).toBeUndefined();
  });
});

describe("the chart's timeline", () => {
  it("keeps at most 60 points and marks those inside the timed windows", () => {
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 299, (t) => ({ powerW: t - T0 < 100 ? 50 : 250 })) }));
    const { detail } = summarizeTelemetry(s, windows([100, 200]), OWN)!;
    expect(detail.timeline.length).toBe(60);
    expect(detail.timeline.filter((p) => p.inWindow).length).toBeGreaterThanOrEqual(20);
    expect(detail.timeline[0]!.powerWatts).toBe(50);
  });

  it("marks the samples a timed window shorter than the sampling interval is counted by (the one nearest its middle)", () => {
    // Two sub-second trials between whole-second samples, as ResNet50 at stand-in sizes gives:
    // the table says 2 samples in the timed windows, so the chart marks those 2.
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 10, () => ({ powerW: 255 })) }));
    const { telemetry, detail } = summarizeTelemetry(s, windows([2.2, 2.66], [4.3, 4.74]), OWN)!;
    expect(telemetry.samples).toBe(2);
    const marked = detail.timeline.filter((p) => p.inWindow).map((p) => Math.round(p.t - T0));
    expect(marked).toEqual([2, 5]);
  });
});

describe("the log's telemetry line", () => {
  it("prints the figures as the report does, and one sample in the singular", () => {
    const s = parsed(samplesText({ gpu: everySecond(T0, T0 + 10, () => ({ powerW: 255 })) }));
    const one = summarizeTelemetry(s, windows([2.2, 2.45]), OWN)!.telemetry;
    expect(telemetryLine("rn50", one)).toBe("rn50: GPU 255.0 W mean, 63.75 J in the timed windows, SM clock median 1,710 MHz (1 sample)");
    const two = summarizeTelemetry(s, windows([2, 3.2], [4, 5.2]), OWN)!.telemetry;
    expect(telemetryLine("rn50", two)).toMatch(/^rn50: GPU 255\.0 W mean, 612\.0 J in the timed windows, .*\(4 samples\)$/);
  });
});
