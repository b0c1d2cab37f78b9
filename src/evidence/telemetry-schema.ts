import { z } from "zod";

/**
 * What the GPU did while a workload ran (issue 12): the summary every workload carries as
 * `telemetry` (field names fixed by the issue), and the chart data and provenance beside it
 * (`telemetryDetail`). Kept apart from results.ts so the telemetry modules import no result types
 * back. Units are in the names: watts, joules, MHz, MiB, °C, percent; times are Unix seconds.
 */

export const TelemetrySource = z.enum(["dcgm", "nvidia-smi"]);
export type TelemetrySource = z.infer<typeof TelemetrySource>;

export const Telemetry = z.object({
  /** Which sampler produced the samples: DCGM's `dcgmi dmon` or `nvidia-smi --query-gpu … -lms`. */
  source: TelemetrySource,
  /** GPU samples inside the workload's timed windows (one per GPU per tick). */
  samples: z.number().int().nonnegative(),
  intervalSeconds: z.number().positive(),
  /** Mean: energy over the windows ÷ their length; max: the highest at any in-window sample time. Both of the GPUs the workload used, summed. */
  powerWatts: z.object({ mean: z.number(), max: z.number() }),
  /** Power integrated over the timed windows (piecewise-linear between samples), summed over GPUs. */
  energyJoules: z.number().nonnegative(),
  smClockMHz: z.object({ median: z.number(), max: z.number() }),
  gpuUtilPercent: z.object({ mean: z.number() }),
  memoryUsedMiB: z.object({ max: z.number() }),
  temperatureC: z.object({ max: z.number() }),
  /** Clock-event (throttle) reason → share of in-window samples it was active in, 0..1. */
  throttleReasons: z.record(z.string(), z.number()),
  /** Distinct processes on the GPU during the windows that were not the workload's own pods. */
  foreignProcesses: z.number().int().nonnegative(),
  valid: z.boolean(),
  /** Why the figures cannot be trusted; empty when valid. */
  validity: z.array(z.string()),
});
export type Telemetry = z.infer<typeof Telemetry>;

export const TelemetryWindow = z.object({
  /** "trial 1", "trial 2 · 4 req/s", … */
  label: z.string(),
  trial: z.number().int().positive(),
  start: z.number(),
  end: z.number(),
  energyJoules: z.number().nonnegative(),
});
export type TelemetryWindow = z.infer<typeof TelemetryWindow>;

export const TelemetryDetail = z.object({
  /** Downsampled power (summed over the used GPUs) and SM clock over time, for the chart. */
  timeline: z.array(z.object({ t: z.number(), powerWatts: z.number(), smClockMHz: z.number(), inWindow: z.boolean() })),
  windows: z.array(TelemetryWindow),
  /** The GPUs (index) the workload's processes used; all GPUs when none was seen. */
  gpus: z.array(z.number().int().nonnegative()),
  maxSmClockMHz: z.number().optional(),
  /** The enforced power limit when it was below the default limit: a configured cap. */
  powerCapWatts: z.number().optional(),
  /** Facts that explain a figure without making it invalid (a configured power cap, the board's own limit). */
  explanations: z.array(z.string()).default([]),
  /** Where the raw samples are (S3 URI), when they were uploaded: node 0's for a workload across nodes. */
  samplesUri: z.string().optional(),
  /**
   * A workload across nodes (distributed ResNet50, nccl-allreduce, vLLM over Ray): every node was
   * sampled and its GPUs summed, `gpus` numbered as mergeNodeSamples does. `sampled` leaves out a
   * node whose sampler failed; energy per unit of work then counts the sampled nodes' share of it.
   */
  nodes: z
    .object({
      count: z.number().int().min(2),
      sampled: z.array(
        z.object({
          node: z.number().int().nonnegative(),
          gpus: z.array(z.number().int().nonnegative()),
          samplesUri: z.string().optional(),
        }),
      ),
    })
    .optional(),
  /** Lines of the sampler's output that did not parse and were left out (a driver warning, a cut-off row); absent when none. */
  unparsedLines: z.number().int().positive().optional(),
});
export type TelemetryDetail = z.infer<typeof TelemetryDetail>;
