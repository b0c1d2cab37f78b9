/**
 * Builds the samples file remote/telemetry/sampler.sh writes (src/node/telemetry-samples.ts has the
 * format), for tests that need known power, clocks, reasons and processes at known times.
 */
export interface GpuRow {
  t: number;
  gpu?: number;
  powerW?: number | string;
  smMHz?: number;
  memMHz?: number;
  util?: number;
  memUsedMiB?: number;
  tempC?: number;
  /** Hex like nvidia-smi ("0x0000000000000008") or decimal like DCGM. */
  reasons?: string;
  enforcedW?: number;
  defaultW?: number;
  maxSmMHz?: number;
}

export interface ProcRow {
  t: number;
  uuid?: string;
  pid: number;
  pod: string;
  name?: string;
  usedMiB?: number;
}

export const GPU0_UUID = "GPU-11111111-2222-3333-4444-555555555555";

/** `uuids`: the node's GPUs by index (default one GPU, GPU0_UUID); a proc row's `uuid` defaults to the first. */
export function samplesText(o: {
  source?: "dcgm" | "nvidia-smi";
  intervalMs?: number;
  uuids?: readonly string[];
  gpu: GpuRow[];
  procs?: ProcRow[];
}): string {
  const uuids = o.uuids ?? [GPU0_UUID];
  const lines = [
    `# gpu-bench-telemetry v1 source=${o.source ?? "nvidia-smi"} interval_ms=${o.intervalMs ?? 1000}`,
    ...uuids.map((u, i) => `uuid,${i},${u}`),
  ];
  for (const r of o.gpu) {
    lines.push(
      [
        "gpu",
        r.t,
        r.gpu ?? 0,
        r.powerW ?? 200,
        r.smMHz ?? 1710,
        r.memMHz ?? 6251,
        r.util ?? 98,
        40,
        r.memUsedMiB ?? 4096,
        r.tempC ?? 60,
        r.reasons ?? "0x0000000000000000",
        r.enforcedW ?? 300,
        r.defaultW ?? 300,
        r.maxSmMHz ?? 1710,
      ].join(","),
    );
  }
  for (const p of o.procs ?? [])
    lines.push(["proc", p.t, p.uuid ?? uuids[0], p.pid, p.usedMiB ?? 4000, p.pod, p.name ?? "python3"].join(","));
  return `${lines.join("\n")}\n`;
}

/** One sample a second from `from` to `to` (inclusive), each shaped by `row`. */
export function everySecond(from: number, to: number, row: (t: number) => Omit<GpuRow, "t"> = () => ({})): GpuRow[] {
  const rows: GpuRow[] = [];
  for (let t = from; t <= to; t++) rows.push({ t, ...row(t) });
  return rows;
}
