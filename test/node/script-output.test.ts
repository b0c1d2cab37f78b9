import { describe, expect, it } from "vitest";
import { parseGpuRow, toInventory } from "../../src/node/inventory.js";
import { JSON_LINE_MARKER } from "../../src/cloud/remote-script.js";
import { parseScriptOutput } from "../../src/node/script-output.js";
import { decisiveTail } from "../../src/node/diagnostics.js";

const QUERY =
  "index,name,uuid,memory.total,ecc.mode.current,power.limit,clocks.sm,clocks.mem,clocks.max.sm,compute_cap,driver_version".split(",");
const line = (value: unknown) => JSON_LINE_MARKER + JSON.stringify(value);

describe("reading what the node scripts print", () => {
  it("turns an nvidia-smi row into a GPU, leaving out what the GPU does not report", () => {
    expect(parseGpuRow(QUERY, "1, NVIDIA L4, GPU-1234, 23034, [N/A], 72.00, 210, 405, 2040, 8.9, 570.172.08")).toEqual({
      index: 1,
      name: "NVIDIA L4",
      uuid: "GPU-1234",
      memoryMiB: 23034,
      powerLimitW: 72,
      smClockMHz: 210,
      memClockMHz: 405,
      maxSmClockMHz: 2040,
      computeCapability: "8.9",
    });
  });

  it("reads the maximum memory clock apart from the idle one read at inventory time", () => {
    const query = [...QUERY, "clocks.max.mem"];
    expect(parseGpuRow(query, "0, NVIDIA A10G, GPU-1, 23028, Enabled, 300.00, 210, 405, 1710, 8.6, 570.172.08, 6251")).toMatchObject({
      memClockMHz: 405,
      maxSmClockMHz: 1710,
      maxMemClockMHz: 6251,
    });
  });

  it("keeps phases and the first error, and reports lines it cannot read", () => {
    const stdout = [
      "[2026-01-01T00:00:00.000Z] driver-check: started",
      line({
        kind: "phase",
        name: "driver-check",
        startedAt: "2026-01-01T00:00:00.000Z",
        endedAt: "2026-01-01T00:00:00.100Z",
        status: "failed",
        detail: "no driver",
      }),
      line({ kind: "error", step: "driver-check", message: "NVIDIA driver not found", hint: "use a GPU AMI" }),
      line({ kind: "error", step: "later", message: "second" }),
      `${JSON_LINE_MARKER}{not json`,
      line({ kind: "phase", name: "x" }),
    ].join("\n");
    const out = parseScriptOutput(stdout);
    expect(out.phases).toEqual([
      {
        name: "driver-check",
        startedAt: "2026-01-01T00:00:00.000Z",
        endedAt: "2026-01-01T00:00:00.100Z",
        status: "failed",
        detail: "no driver",
      },
    ]);
    expect(out.error).toEqual({ kind: "error", step: "driver-check", message: "NVIDIA driver not found", hint: "use a GPU AMI" });
    expect(out.malformed).toHaveLength(2);
  });

  it("builds the inventory the results schema wants", () => {
    const inventory = toInventory({
      kind: "inventory",
      kernel: "6.8.0-1036-aws",
      os: "Ubuntu 22.04.5 LTS",
      k3sVersion: "v1.34.3+k3s3",
      driverVersion: "570.172.08",
      cudaVersion: "",
      gpuQuery: QUERY.join(","),
      gpuRows: ["0, Tesla T4, GPU-a, 15360, Enabled, 70.00, 300, 405, 1590, 7.5, 570.172.08"],
      images: [{ ref: "vllm/vllm-openai:v0.8.5", digest: "sha256:ab" }],
    });
    expect(inventory).toMatchObject({
      os: "Ubuntu 22.04.5 LTS",
      cudaVersion: undefined,
      gpus: [{ name: "Tesla T4", eccMode: "Enabled", powerLimitW: 70 }],
    });
  });

  it("takes the diagnostics' summary section as the decisive tail", () => {
    expect(decisiveTail("===== pods =====\nlots\n===== summary =====\nplugin CrashLoopBackOff\n")).toBe("plugin CrashLoopBackOff");
    expect(decisiveTail("no sections\n".repeat(100)).split("\n")).toHaveLength(40);
  });
});
