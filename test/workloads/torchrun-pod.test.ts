import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// torchrun-pod.py's own part, before torchrun: what a pod does when the rendezvous host never
// resolves (pod 0 never ran) or its environment is incomplete. Python only; torch is not imported.
const SCRIPT = fileURLToPath(new URL("../../remote/workloads/torchrun-pod.py", import.meta.url));

function pod(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "/usr/bin/python3",
      [SCRIPT, "/workload/allreduce.py", "--sizes", "4"],
      { env: { PATH: "/usr/bin:/bin", ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const ENV = { JOB_COMPLETION_INDEX: "1", NNODES: "2", NPROC_PER_NODE: "8", RDZV_PORT: "29500" };

describe("torchrun-pod.py", () => {
  it("gives up on a rendezvous host that never resolves with one error record, saying pod 0 may not run", async () => {
    const run = await pod({ ...ENV, RDZV_HOST: "nowhere-0.nowhere.gpu-bench.invalid", RDZV_TIMEOUT_SECONDS: "1" });
    expect(run.code).toBe(1);
    const record = JSON.parse(run.stdout.trim()) as { record: string; message: string };
    expect(record.record).toBe("error");
    expect(record.message).toMatch(
      /^the rendezvous host nowhere-0\.nowhere\.gpu-bench\.invalid did not resolve within 1 s .*: is pod 0 running\?$/,
    );
  });

  it("names what is missing from its environment", async () => {
    const run = await pod({ NNODES: "2" });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({
      record: "error",
      message: expect.stringMatching(/needs JOB_COMPLETION_INDEX, NNODES/),
    });
  });

  it("with EFA_LIBRARY_PATH (EFA pods), starts torchrun with the node's libfabric and plugin folders before the image's library path", async () => {
    // A torch whose torch.distributed.run prints what torchrun would get.
    const fake = mkdtempSync(join(tmpdir(), "fake-torch-"));
    try {
      mkdirSync(join(fake, "torch/distributed"), { recursive: true });
      writeFileSync(join(fake, "torch/__init__.py"), "");
      writeFileSync(join(fake, "torch/distributed/__init__.py"), "");
      writeFileSync(join(fake, "torch/distributed/run.py"), 'import os, sys\nprint(os.environ.get("LD_LIBRARY_PATH"), sys.argv[1:4])\n');
      const base = { ...ENV, RDZV_HOST: "localhost", PYTHONPATH: fake, LD_LIBRARY_PATH: "/usr/local/nvidia/lib64" };
      const run = await pod({ ...base, EFA_LIBRARY_PATH: "/opt/amazon/efa/lib:/opt/amazon/ofi-nccl/lib" });
      expect(run.stderr).toMatch(/EFA libraries from \/opt\/amazon\/efa\/lib:\/opt\/amazon\/ofi-nccl\/lib/);
      // No libfabric there: said before torchrun starts, with the loader's words.
      expect(run.stderr).toMatch(
        /^torchrun-pod: EFA: libfabric\.so\.1 does not load in this image: OSError: libfabric\.so\.1: cannot open shared object file: No such file or directory$/m,
      );
      expect(run.stdout).toMatch(
        /^\/opt\/amazon\/efa\/lib:\/opt\/amazon\/ofi-nccl\/lib:\/usr\/local\/nvidia\/lib64 \['--nnodes=2', '--node_rank=1', '--nproc_per_node=8'\]/,
      );
      expect(run.code).toBe(0);
      // A libfabric.so.1 that loads (any shared object stands in): nothing said.
      mkdirSync(join(fake, "efa-lib"));
      symlinkSync("/lib/x86_64-linux-gnu/libm.so.6", join(fake, "efa-lib/libfabric.so.1"));
      const loads = await pod({ ...base, EFA_LIBRARY_PATH: join(fake, "efa-lib") });
      expect(loads.stderr).toContain("EFA libraries from");
      expect(loads.stderr).not.toContain("torchrun-pod: EFA:");
      // Without EFA the image's own path is left alone.
      expect((await pod(base)).stdout).toMatch(/^\/usr\/local\/nvidia\/lib64 /);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});
