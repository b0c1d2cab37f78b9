import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseGpuRow, toInventory } from "../../src/node/inventory.js";
import { parseScriptOutput } from "../../src/node/script-output.js";
import { caseText, stubExit, stubOutput } from "./cases.js";

const NODE = new URL("../../remote/node/", import.meta.url).pathname;
const STAND_IN_BIN = new URL("../../stand-in/instance-bin/", import.meta.url).pathname;
const QUERY = "index,name,uuid,memory.total,ecc.mode.current,power.limit,clocks.sm,clocks.mem,clocks.max.sm,compute_cap,driver_version";
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A stub nvidia-smi that answers the query with `output` on `stream` and exits `exit`. */
function stubBin(output: string, exit: number, stream: "stdout" | "stderr-warnings" = "stdout"): string {
  const dir = mkdtempSync(join(tmpdir(), "nvsmi-"));
  dirs.push(dir);
  const rows = output.split("\n").filter((l) => /^\d+, /.test(l));
  const others = output.split("\n").filter((l) => l.trim() !== "" && !/^\d+, /.test(l));
  const text = (lines: string[]) => lines.map((l) => `printf '%s\\n' '${l.replace(/'/g, "'\\''")}'`).join("\n");
  writeFileSync(
    join(dir, "nvidia-smi"),
    `#!/usr/bin/env bash\n[[ "$*" == *--query-gpu* ]] || { echo "CUDA Version: 12.2"; exit 0; }\n${text(rows)}\n${stream === "stdout" ? text(others) : `{\n${text(others)}\n} >&2`}\nexit ${exit}\n`,
  );
  chmodSync(join(dir, "nvidia-smi"), 0o755);
  return dir;
}

/** Runs the node's driver check and inventory with nvidia-smi from `bin`; returns the parsed marked lines. */
function driverCheck(bin: string, env: Record<string, string> = {}) {
  const root = mkdtempSync(join(tmpdir(), "nvsmi-root-"));
  dirs.push(root);
  const script = `source "${NODE}lib.sh"; source "${NODE}nvidia.sh"; source "${NODE}k3s.sh"; source "${NODE}inventory.sh"; check_driver; print_inventory 0`;
  return new Promise<ReturnType<typeof parseScriptOutput>>((resolve) =>
    execFile(
      "bash",
      ["-c", script],
      { env: { PATH: `${bin}:/usr/bin:/bin`, PULL_DIR: "/nonexistent", GPU_BENCH_ROOT: root, ...env } },
      (_error, stdout) => resolve(parseScriptOutput(stdout)),
    ),
  );
}

describe("real-world case: nvidia-smi-inforom-corrupted.txt", () => {
  const text = caseText("nvidia-smi-inforom-corrupted.txt");
  for (const exit of [stubExit(text), 0]) {
    for (const stream of ["stdout", "stderr-warnings"] as const) {
      it(`exit ${exit}, warning on ${stream === "stdout" ? "stdout" : "stderr"}: not "driver not found"; one GPU counted from rows; the warning kept`, async () => {
        const out = await driverCheck(stubBin(stubOutput(text), exit, stream));
        expect(out.error).toBeUndefined();
        const inventory = toInventory(out.inventory!);
        expect(inventory.gpus).toHaveLength(1);
        expect(inventory.gpus[0]).toMatchObject({ name: "Tesla T4", computeCapability: "7.5", memoryMiB: 15360 });
        expect(inventory.driverVersion).toBe("535.183.01");
        expect(inventory.warnings).toContain("WARNING: infoROM is corrupted at gpu 0000:00:1E.0");
        if (exit === 14) expect(inventory.warnings.join("\n")).toMatch(/exit 14: the infoROM is corrupted/);
      });
    }
  }

  it("the stand-in's nvidia-smi reproduces it (STUB_NVSMI_WARNING, STUB_NVSMI_EXIT)", async () => {
    const out = await driverCheck(STAND_IN_BIN, {
      STUB_GPU_MODEL: "Tesla T4",
      STUB_NVSMI_WARNING: "WARNING: infoROM is corrupted at gpu 0000:00:1E.0",
      STUB_NVSMI_EXIT: "14",
      STUB_LATENCY_SCALE: "0",
    });
    const inventory = toInventory(out.inventory!);
    expect(inventory.gpus.map((g) => g.name)).toEqual(["Tesla T4"]);
    expect(inventory.warnings).toContain("WARNING: infoROM is corrupted at gpu 0000:00:1E.0");
  });

  it("nvidia-smi's documented exit codes are named, and only a missing driver or NVML is 'driver not found'", async () => {
    const row = stubOutput(text).split("\n")[0]!;
    const expected: Record<number, RegExp> = {
      9: /^NVIDIA driver not found: nvidia-smi says the NVIDIA driver is not loaded \(exit 9/,
      12: /^NVIDIA driver not found: .*NVML shared library could not be found/,
      15: /^nvidia-smi failed: the GPU has fallen off the bus .*\(exit 15\)/,
      4: /^nvidia-smi failed: the current user does not have permission/,
      6: /^nvidia-smi failed: a query to find an object was unsuccessful/,
      255: /^nvidia-smi failed: an unknown error \(exit status 255\)/,
    };
    for (const [exit, pattern] of Object.entries(expected)) {
      const out = await driverCheck(
        stubBin(Number(exit) === 15 ? "Unable to determine the device handle for GPU0000:00:1E.0: Unknown Error" : row, Number(exit)),
      );
      expect(out.error?.message, `exit ${exit}`).toMatch(pattern);
    }
  });

  it("a field an older driver does not know is queried without, and the report says the driver is old", async () => {
    const out = await driverCheck(STAND_IN_BIN, { STUB_NVSMI_UNKNOWN_FIELDS: "compute_cap", STUB_LATENCY_SCALE: "0" });
    expect(out.error).toBeUndefined();
    const inventory = toInventory(out.inventory!);
    expect(inventory.gpus).toHaveLength(1);
    expect(inventory.gpus[0]!.computeCapability).toBeUndefined();
    expect(inventory.gpus[0]!.name).toBe("NVIDIA A10G");
    expect(inventory.driverVersion).toBe("570.172.08");
    expect(inventory.driverNote).toMatch(/too old to report compute_cap/);
  });
});

describe("real-world case: nvidia-smi-t4-and-na-rows.txt", () => {
  it("[N/A] and [Not Supported] fields are left out, not 0", () => {
    const rows = stubOutput(caseText("nvidia-smi-t4-and-na-rows.txt")).split("\n").filter(Boolean);
    const query = QUERY.split(",");
    const [t4, a10g] = rows.map((r) => parseGpuRow(query, r));
    expect(t4).toMatchObject({ index: 0, name: "Tesla T4", powerLimitW: 70, maxSmClockMHz: 1590, computeCapability: "7.5" });
    expect(a10g).toMatchObject({ index: 1, name: "NVIDIA A10G", eccMode: "Disabled", smClockMHz: 210, memClockMHz: 405 });
    expect(a10g!.powerLimitW).toBeUndefined();
    expect(a10g!.maxSmClockMHz).toBeUndefined();
  });
});
