import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// The vLLM image's emulated Ray (stand-in/images/emulated/standin_ray.py), driven through the image's
// handler as a container would run it, without k3s: a head and a worker as two "nodes" (each its
// own HOME and GPU), `ray status`, and `vllm serve` over Ray dying as vLLM's engine does when a
// worker's node leaves the cluster.
const HANDLER = fileURLToPath(new URL("../../stand-in/images/vllm-openai.sh", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "stand-in-ray-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** A port offset held in the stand-in's machine-wide registry until `dir` is removed. */
function reservePortOffset(): number {
  const lib = fileURLToPath(new URL("../../stand-in/instance-bin/lib", import.meta.url));
  const reserved = spawnSync("python3", ["-c", "import standin; print(standin.port_offset())"], {
    env: { PATH: process.env.PATH, GPU_BENCH_ROOT: dir, PYTHONPATH: lib },
    encoding: "utf8",
  });
  if (reserved.status !== 0) throw new Error(`no port offset: ${reserved.stderr}`);
  return Number(reserved.stdout);
}

function env(node: string, gpu: string): NodeJS.ProcessEnv {
  const home = join(dir, node);
  mkdirSync(home, { recursive: true });
  return {
    PATH: "/usr/bin:/bin",
    HOME: home,
    STANDIN_SCRATCH: home,
    TMPDIR: home,
    GPU_BENCH_ROOT: dir,
    STANDIN_PORT_OFFSET: "0",
    STANDIN_CLUSTER_DNS: join(dir, "no-dns"),
    NVIDIA_VISIBLE_DEVICES: gpu,
    STUB_LATENCY_SCALE: "0.01",
  };
}

function run(args: string[], e: NodeJS.ProcessEnv) {
  return spawnSync("bash", [HANDLER, ...args], { env: e, encoding: "utf8", timeout: 30_000 });
}

function start(args: string[], e: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn("bash", [HANDLER, ...args], { env: e });
  children.push(child);
  let text = "";
  child.stdout.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr.on("data", (d: Buffer) => (text += d.toString()));
  return { child, output: () => text, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
}

async function until(what: () => boolean, seconds: number, label: string): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the stand-in's Ray for the vLLM image", () => {
  it("a head and a worker form a cluster ray status counts; vllm serve over Ray dies when the worker's node leaves", async () => {
    const head = env("head", "GPU-aaaa");
    const worker = env("worker", "GPU-bbbb");
    // Ray's and vLLM's ports shifted by a port offset reserved as a stand-in instance's is, so no
    // other test's server or connection holds them (stand-in/README.md).
    const offset = reservePortOffset();
    const port = String(6379 + offset);
    const started = run(["ray", "start", "--head", `--port=${port}`, "--disable-usage-stats"], head);
    expect(started.status, started.stderr).toBe(0);
    expect(started.stdout).toContain("Ray runtime started.");
    expect(run(["ray", "status"], worker).stderr).toContain("ConnectionError: Could not find any running Ray instance.");

    const joined = start(["ray", "start", `--address=127.0.0.1:${port}`, "--block"], worker);
    await until(() => /1 node_[0-9a-f]{56}\n 1 node_/.test(run(["ray", "status"], head).stdout), 20, "two active nodes");
    expect(run(["ray", "status"], head).stdout).toMatch(/Active:\n 1 node_\w+\n 1 node_\w+\nPending:[\s\S]* 0\.0\/2\.0 GPU/);

    const serve = start(
      [
        "vllm",
        "serve",
        "Qwen/Qwen2.5-0.5B-Instruct",
        "--port",
        String(8000 + offset),
        "--pipeline-parallel-size",
        "2",
        "--distributed-executor-backend",
        "ray",
      ],
      head,
    );
    await until(() => serve.output().includes("Starting vLLM API server"), 20, "the server");
    expect(serve.output()).toContain("Using ray distributed executor: world_size=2 (TP 1 x PP 2) on 2 node(s) with 2 GPU(s)");

    // The worker's node goes away: once the GCS counts it dead, the engine's actor on it is gone.
    joined.child.kill("SIGKILL");
    expect(await serve.exited).toBe(1);
    expect(serve.output()).toMatch(/ActorDiedError: .*a worker's node left the Ray cluster \(1 of 2 GPUs alive\)/);
    expect(run(["ray", "status"], head).stdout).toMatch(/Recent failures:\n node_\w+ \(ip 127\.0\.0\.1\): node died/);
  }, 60_000);
});
