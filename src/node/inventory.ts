import { Gpu, Inventory } from "../evidence/results.js";
import type { z } from "zod";
import type { InventoryLine } from "./script-output.js";

type GpuField = Exclude<keyof Gpu, "index">;
const NUMERIC: Partial<Record<string, GpuField>> = {
  "memory.total": "memoryMiB",
  "power.limit": "powerLimitW",
  "clocks.sm": "smClockMHz",
  "clocks.mem": "memClockMHz",
  "clocks.max.sm": "maxSmClockMHz",
  "clocks.max.mem": "maxMemClockMHz",
};
const TEXT: Partial<Record<string, GpuField>> = {
  name: "name",
  uuid: "uuid",
  "ecc.mode.current": "eccMode",
  compute_cap: "computeCapability",
};

/** nvidia-smi writes "[N/A]" or "N/A" for what a GPU does not report (ECC on consumer parts, say). */
function reported(value: string | undefined): string | undefined {
  const v = value?.trim();
  return !v || /^\[?N\/A\]?$/i.test(v) || /^\[Not Supported\]$/i.test(v) ? undefined : v;
}

/** One GPU from a row of `nvidia-smi --query-gpu=<query> --format=csv,noheader,nounits`. */
export function parseGpuRow(query: readonly string[], row: string): Gpu {
  const cells = row.split(",").map((c) => c.trim());
  const gpu: Record<string, unknown> = {};
  query.forEach((field, i) => {
    const value = reported(cells[i]);
    if (value === undefined) return;
    if (field === "index") gpu.index = Number(value);
    else if (NUMERIC[field]) {
      const n = Number(value);
      if (Number.isFinite(n)) gpu[NUMERIC[field]] = n;
    } else if (TEXT[field]) gpu[TEXT[field]] = value;
  });
  return Gpu.parse(gpu);
}

export function toInventory(line: z.input<typeof InventoryLine>): Inventory {
  const { gpuWarnings = [], driverNote = "" } = line;
  const query = line.gpuQuery.split(",").map((f) => f.trim());
  return Inventory.parse({
    kernel: line.kernel || undefined,
    os: line.os || undefined,
    k3sVersion: line.k3sVersion || undefined,
    driverVersion: line.driverVersion || undefined,
    cudaVersion: line.cudaVersion || undefined,
    // Only rows that start with a GPU index are GPUs; anything else nvidia-smi printed is a warning.
    gpus: line.gpuRows.filter((row) => /^\d+,/.test(row)).map((row) => parseGpuRow(query, row)),
    warnings: [...gpuWarnings, ...line.gpuRows.filter((row) => !/^\d+,/.test(row) && row.trim() !== "")],
    driverNote: driverNote || undefined,
    images: line.images,
    networkInterfaces: (line.network ?? []).map((n) => ({
      name: n.name,
      mac: n.mac || undefined,
      driver: n.driver || undefined,
      state: n.state || undefined,
      mtu: /^\d+$/.test(n.mtu) && Number(n.mtu) > 0 ? Number(n.mtu) : undefined,
    })),
    efaDevices: line.efa ?? [],
    efaSoftware: line.efaSoftware,
  });
}
