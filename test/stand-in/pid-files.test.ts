import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// The stand-in node's pid files (gpu-procs/<pid>, stress/<pid>) outlive a process killed outright,
// and this machine reuses pids (pid_max 32768, wrapped within one test run): nvidia-smi once listed
// an earlier test's pod as "another process on the GPU" because an unrelated process had its pid.
// A file counts only while its pid is the process that wrote it (its `start` line).
const BIN = fileURLToPath(new URL("../../stand-in/instance-bin", import.meta.url));
const PID_FILES = fileURLToPath(new URL("../../stand-in/images/pid-files", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "pid-files-"));
const procs = join(root, "var/lib/stand-in/gpu-procs");
mkdirSync(procs, { recursive: true });
const env = { PATH: `${BIN}:/usr/bin:/bin`, GPU_BENCH_ROOT: root, STANDIN_SANDBOX: join(root, "i-pidfiles") };
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

/** A process that stays up for the test, standing in for a pod's compute process (or whatever got its pid). */
function liveProcess(): number {
  const child = spawn("sleep", ["300"], { stdio: "ignore" });
  children.push(child);
  return child.pid!;
}

/** The `start` line stub.sh writes for `pid`. */
function startLine(pid: number): string {
  const run = spawnSync("bash", ["-c", `source ${BIN}/lib/stub.sh && stub_start_line ${pid}`], { env, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

function computeApps(): string {
  const run = spawnSync("nvidia-smi", ["--query-compute-apps=pid,name", "--format=csv,noheader"], { env, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

function pythonLive(): string[][] {
  const run = spawnSync("python3", ["-c", `import json, standin_pid_files as p; print(json.dumps(p.live(${JSON.stringify(procs)})))`], {
    env: { ...env, PYTHONPATH: PID_FILES },
    encoding: "utf8",
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string[][];
}

describe("the stand-in's pid files", () => {
  it("count a process only while its pid is the one that wrote the file: a reused pid is not a GPU process", () => {
    const pid = liveProcess();
    const line = startLine(pid);
    expect(line).toMatch(/^start \d+\n$/);

    // Written by this very process: nvidia-smi lists it, Python's reader counts it.
    writeFileSync(join(procs, String(pid)), `all\nrn50-rn50-0\n${line}`);
    expect(computeApps()).toContain(`${pid}, `);
    expect(pythonLive()).toEqual([["all", "rn50-rn50-0", ""]]);

    // Written by an earlier process that had the same pid: neither counts it.
    writeFileSync(join(procs, String(pid)), "all\nrn50-rn50-shared-0\nstart 1\n");
    expect(computeApps()).toBe("");
    expect(pythonLive()).toEqual([]);

    // Its process gone: neither counts it.
    rmSync(join(procs, String(pid)));
    writeFileSync(join(procs, "4194302"), `all\ngone-0\nstart 1\n`);
    expect(computeApps()).toBe("");
    expect(pythonLive()).toEqual([]);
  });

  it("Python's record() writes the start line stub.sh would", () => {
    const pid = liveProcess();
    const run = spawnSync(
      "python3",
      ["-c", `import standin_pid_files as p; p.record(${JSON.stringify(join(root, "stress"))}, ["cpu 4"], ${pid})`],
      { env: { ...env, PYTHONPATH: PID_FILES }, encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(root, "stress", String(pid)), "utf8")).toBe(`cpu 4\n${startLine(pid)}`);
  });
});
