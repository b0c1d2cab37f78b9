import type { TelemetrySource } from "../evidence/telemetry-schema.js";

/**
 * The samples file remote/telemetry/sampler.sh writes on the node, one CSV record a line:
 *
 *   # gpu-bench-telemetry v1 source=<dcgm|nvidia-smi> interval_ms=<N>
 *   uuid,<index>,<gpu uuid>
 *   gpu,<unix s>,<index>,<power W>,<SM MHz>,<mem MHz>,<GPU util %>,<mem util %>,<mem used MiB>,<temp °C>,<reasons>,<enforced limit W>,<default limit W>,<max SM MHz>
 *   proc,<unix s>,<gpu uuid>,<pid>,<used MiB>,<pod (HOSTNAME of the process, or empty)>,<process name>
 *
 * `reasons` is the clock-event bitmask: hex from nvidia-smi (`clocks_event_reasons.active`, or
 * `clocks_throttle_reasons.active` before driver 535), decimal from DCGM (field 112). Values a
 * GPU does not report ("[N/A]", "N/A", empty) read as NaN, never as 0.
 */

/** NVML's clock-event reasons (nvmlClocksEventReason*, the same bits as DCGM_CLOCKS_EVENT_REASON_*). */
export const CLOCK_EVENT_REASONS: readonly { bit: number; name: string; slowdown: boolean }[] = [
  { bit: 0x1, name: "gpu_idle", slowdown: false },
  { bit: 0x2, name: "applications_clocks_setting", slowdown: false },
  { bit: 0x4, name: "sw_power_cap", slowdown: false },
  { bit: 0x8, name: "hw_slowdown", slowdown: true },
  { bit: 0x10, name: "sync_boost", slowdown: false },
  { bit: 0x20, name: "sw_thermal_slowdown", slowdown: true },
  { bit: 0x40, name: "hw_thermal_slowdown", slowdown: true },
  { bit: 0x80, name: "hw_power_brake_slowdown", slowdown: true },
  { bit: 0x100, name: "display_clock_setting", slowdown: false },
];

export interface GpuSample {
  /** Unix seconds on the node's clock. */
  t: number;
  gpu: number;
  powerW: number;
  smMHz: number;
  memMHz: number;
  gpuUtil: number;
  memUtil: number;
  memUsedMiB: number;
  tempC: number;
  /** Clock-event reason bitmask; null when the GPU does not report it. */
  reasons: number | null;
  enforcedLimitW: number;
  defaultLimitW: number;
  maxSmMHz: number;
}

export interface ProcSample {
  t: number;
  gpuUuid: string;
  pid: number;
  usedMiB: number;
  /** The pod the process runs in (its HOSTNAME), or "" when it is not in a pod or could not be read. */
  pod: string;
  name: string;
}

export interface Samples {
  source: TelemetrySource;
  intervalSeconds: number;
  /** GPU index → UUID. */
  uuids: Map<number, string>;
  gpu: GpuSample[];
  procs: ProcSample[];
  /** Lines that did not parse (count), for a warning. */
  skipped: number;
}

const HEADER = /^# gpu-bench-telemetry v1 source=(dcgm|nvidia-smi) interval_ms=(\d+)/;

function num(text: string | undefined): number {
  const t = (text ?? "").trim();
  if (t === "" || /n\/?a|not supported|unknown|err/i.test(t)) return Number.NaN;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** The reasons bitmask: "0x0000000000000004" (nvidia-smi) or "4" (DCGM); null when not reported. */
export function parseReasons(text: string | undefined): number | null {
  const t = (text ?? "").trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^\d+$/.test(t)) return Number.parseInt(t, 10);
  return null;
}

/** Names of the reasons active in a bitmask, in NVML's order. */
export function reasonNames(mask: number): string[] {
  return CLOCK_EVENT_REASONS.filter((r) => (mask & r.bit) !== 0).map((r) => r.name);
}

/** Parses a samples file; undefined when it has no header (the sampler never started). */
export function parseSamples(text: string): Samples | undefined {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  let header: RegExpExecArray | null = null;
  const samples: Omit<Samples, "source" | "intervalSeconds"> = { uuids: new Map(), gpu: [], procs: [], skipped: 0 };
  for (const line of lines) {
    if (line === "") continue;
    if (line.startsWith("#")) {
      header ??= HEADER.exec(line);
      continue;
    }
    const f = line.split(",");
    if (f[0] === "uuid" && f.length >= 3) {
      samples.uuids.set(Number(f[1]), f[2]!.trim());
    } else if (f[0] === "gpu" && f.length >= 14) {
      const t = num(f[1]);
      const gpu = num(f[2]);
      if (!Number.isFinite(t) || !Number.isInteger(gpu)) {
        samples.skipped++;
        continue;
      }
      samples.gpu.push({
        t,
        gpu,
        powerW: num(f[3]),
        smMHz: num(f[4]),
        memMHz: num(f[5]),
        gpuUtil: num(f[6]),
        memUtil: num(f[7]),
        memUsedMiB: num(f[8]),
        tempC: num(f[9]),
        reasons: parseReasons(f[10]),
        enforcedLimitW: num(f[11]),
        defaultLimitW: num(f[12]),
        maxSmMHz: num(f[13]),
      });
    } else if (f[0] === "proc" && f.length >= 7) {
      const t = num(f[1]);
      const pid = num(f[3]);
      if (!Number.isFinite(t) || !Number.isInteger(pid)) {
        samples.skipped++;
        continue;
      }
      samples.procs.push({ t, gpuUuid: f[2]!.trim(), pid, usedMiB: num(f[4]), pod: f[5]!.trim(), name: f.slice(6).join(",").trim() });
    } else {
      samples.skipped++;
    }
  }
  if (!header) return undefined;
  samples.gpu.sort((a, b) => a.t - b.t || a.gpu - b.gpu);
  samples.procs.sort((a, b) => a.t - b.t);
  return { source: header[1] as TelemetrySource, intervalSeconds: Number(header[2]) / 1000, ...samples };
}

/**
 * Several nodes' samples as one set, for a workload that spans nodes: node k's GPU i becomes GPU
 * `base_k + i`, base_k being the GPUs of the nodes before it (a node's count: its highest index in
 * `uuid` or `gpu` rows, plus one), so the GPUs stay apart; UUIDs are unique across nodes already.
 * Times stay each node's own clock (EC2 keeps them within milliseconds through the Amazon Time Sync
 * Service). Source and interval are the first node's (every node runs the same sampler). `gpus`:
 * each node's GPUs in the merged numbering, in the order given.
 */
export function mergeNodeSamples(perNode: readonly Samples[]): { samples: Samples; gpus: number[][] } {
  const merged: Samples = {
    source: perNode[0]!.source,
    intervalSeconds: perNode[0]!.intervalSeconds,
    uuids: new Map(),
    gpu: [],
    procs: [],
    skipped: 0,
  };
  const gpus: number[][] = [];
  let base = 0;
  for (const s of perNode) {
    const count = s.gpu.reduce((top, g) => Math.max(top, g.gpu), Math.max(-1, ...s.uuids.keys())) + 1;
    for (const [i, uuid] of s.uuids) merged.uuids.set(base + i, uuid);
    for (const g of s.gpu) merged.gpu.push({ ...g, gpu: base + g.gpu });
    for (const p of s.procs) merged.procs.push(p); // not push(...): hours of samples are too many arguments
    merged.skipped += s.skipped;
    gpus.push(Array.from({ length: count }, (_, i) => base + i));
    base += count;
  }
  merged.gpu.sort((a, b) => a.t - b.t || a.gpu - b.gpu);
  merged.procs.sort((a, b) => a.t - b.t);
  return { samples: merged, gpus };
}
