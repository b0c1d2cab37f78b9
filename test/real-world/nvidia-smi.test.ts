import { execFile, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseGpuRow, toInventory } from "../../src/node/inventory.js";
import { parseScriptOutput } from "../../src/node/script-output.js";
import { telemetryFromStop } from "../../src/node/telemetry.js";
import { caseText, stubExit, stubOutput } from "./cases.js";

const NODE = new URL("../../remote/node/", import.meta.url).pathname;
const TELEMETRY = new URL("../../remote/telemetry/", import.meta.url).pathname;
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

describe("real-world case: nvidia-smi-inforom-corrupted.txt, appearing mid-run in the telemetry sampler's -lms loop", () => {
  const WARNING = "WARNING: infoROM is corrupted at gpu 0000:00:1E.0";
  const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

  /** A stand-in node root whose gpu-knobs file (re-read by nvidia-smi every sample) starts empty. */
  function nodeRoot(): { root: string; knobs: (text: string) => void; env: Record<string, string> } {
    const root = mkdtempSync(join(tmpdir(), "nvsmi-loop-"));
    dirs.push(root);
    mkdirSync(join(root, "var/lib/stand-in/gpu-procs"), { recursive: true });
    const env = { PATH: `${STAND_IN_BIN}:/usr/bin:/bin`, GPU_BENCH_ROOT: root, STUB_LATENCY_SCALE: "0" };
    return { root, env, knobs: (text) => writeFileSync(join(root, "var/lib/stand-in/gpu-knobs"), text) };
  }

  for (const stream of ["stdout", "stderr"] as const) {
    it(`the stand-in's loop prints the warning after each sample's rows once the knob is set (on ${stream}), and keeps sampling`, async () => {
      const node = nodeRoot();
      const child = spawn("nvidia-smi", ["--query-gpu=index,power.draw", "--format=csv,noheader,nounits", "-lms", "200"], {
        env: node.env,
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      await sleep(700);
      node.knobs(`STUB_NVSMI_WARNING=${WARNING}\nSTUB_NVSMI_WARNING_STREAM=${stream}\n`);
      await sleep(900);
      child.kill("SIGTERM");
      await new Promise((done) => child.on("close", done));
      const lines = out.split("\n").filter(Boolean);
      const first = lines.findIndex((l) => l === WARNING);
      if (stream === "stdout") {
        expect(first).toBeGreaterThan(0); // rows before the knob, none warned
        expect(lines.slice(0, first).every((l) => /^0, \d+\.\d\d$/.test(l))).toBe(true);
        // From then on, each sample is its row followed by the warning.
        const after = lines.slice(first - 1);
        expect(after.length).toBeGreaterThanOrEqual(4);
        after.forEach((l, i) => expect(l).toMatch(i % 2 === 0 ? /^0, \d+\.\d\d$/ : /^WARNING: infoROM/));
      } else {
        expect(lines.every((l) => /^0, \d+\.\d\d$/.test(l))).toBe(true);
        expect(err.split("\n").filter((l) => l === WARNING).length).toBeGreaterThanOrEqual(2);
      }
    });

    it(`the sampler's samples survive the warning appearing mid-run on ${stream}: every row parsed, none skipped, the warning in its log`, async () => {
      const node = nodeRoot();
      const env = { ...node.env, TELEMETRY_NAME: "warned", INTERVAL_MS: "200", MAX_SECONDS: "60" };
      const started = execFileSync("bash", [join(TELEMETRY, "start.sh")], { env, encoding: "utf8" });
      expect(started).toContain('"started":true');
      await sleep(600);
      const warnedFrom = Date.now() / 1000;
      node.knobs(`STUB_NVSMI_WARNING=${WARNING}\nSTUB_NVSMI_WARNING_STREAM=${stream}\n`);
      await sleep(1200);
      let log = "";
      const stopped = await new Promise<string>((done, fail) =>
        execFile("bash", [join(TELEMETRY, "stop.sh")], { env }, (error, stdout, stderr) => {
          log = stderr;
          if (error) fail(error);
          else done(stdout);
        }),
      );
      const { samples } = telemetryFromStop(stopped);
      expect(samples?.source).toBe("nvidia-smi");
      expect(samples!.skipped).toBe(0);
      const late = samples!.gpu.filter((g) => g.t > warnedFrom + 0.3);
      expect(late.length).toBeGreaterThanOrEqual(3); // sampling went on after the warning began
      for (const g of samples!.gpu) {
        expect(g.gpu).toBe(0);
        expect(Number.isFinite(g.powerW) && Number.isFinite(g.smMHz) && g.maxSmMHz === 1710).toBe(true);
      }
      expect(log).toContain(WARNING);
    });
  }
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
