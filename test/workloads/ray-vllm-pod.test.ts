import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// ray-vllm-pod.py's own parts: reading Ray's `ray status` (the layout Ray prints, not the stand-in's
// code), a worker whose head never answers, and an incomplete environment. Python only; no Ray.
const SCRIPT = fileURLToPath(new URL("../../remote/workloads/ray-vllm-pod.py", import.meta.url));

function python(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("/usr/bin/python3", args, { env: { PATH: "/usr/bin:/bin", ...env }, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `ray status` of a Ray 2.x cluster started by hand (no autoscaler): two nodes of 8 GPUs. */
const STATUS = `======== Autoscaler status: 2025-06-10 10:00:00.123456 ========
Node status
---------------------------------------------------------------
Active:
 1 node_5f0c4c1e8a0e0b4c9a5f3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b
 1 node_9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e
Pending:
 (no pending nodes)
Recent failures:
 (no failures)

Resources
---------------------------------------------------------------
Usage:
 0.0/192.0 CPU
 0.0/16.0 GPU
 0B/1.50TiB memory
 0B/372.53GiB object_store_memory

Demands:
 (no resource demands)
`;

describe("ray-vllm-pod.py", () => {
  it("counts the active nodes and the GPUs in Ray's status", async () => {
    const code = `import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("pod", sys.argv[1]); pod = importlib.util.module_from_spec(spec); spec.loader.exec_module(pod)
text = sys.stdin.read()
print(json.dumps([pod.active_nodes(text), pod.total_gpus(text), pod.active_nodes(text.replace(" 1 node_9b", " node_9b")), pod.active_nodes("")]))`;
    const run = await new Promise<{ stdout: string }>((resolve) => {
      const child = execFile("/usr/bin/python3", ["-c", code, SCRIPT], (_e, stdout) => resolve({ stdout }));
      child.stdin!.end(STATUS);
    });
    expect(JSON.parse(run.stdout)).toEqual([2, 16, 1, 0]);
  });

  it("a worker whose head never answers gives up, saying pod 0 may not run", async () => {
    const run = await python([SCRIPT, "Qwen/Qwen2.5-0.5B-Instruct"], {
      JOB_COMPLETION_INDEX: "1",
      NNODES: "2",
      GPUS_PER_NODE: "1",
      RAY_HEAD: "nowhere-0.nowhere-ray.gpu-bench.invalid",
      RAY_PORT: "6379",
      RAY_JOIN_TIMEOUT_SECONDS: "1",
      RAY_POLL_SECONDS: "0.2",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /the Ray head nowhere-0\.nowhere-ray\.gpu-bench\.invalid:6379 did not answer within 1 s .*: is pod 0 running\?/,
    );
  });

  it("names what is missing from its environment", async () => {
    const run = await python([SCRIPT], { NNODES: "2" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/needs JOB_COMPLETION_INDEX, NNODES, GPUS_PER_NODE, RAY_HEAD and RAY_PORT/);
  });
});
