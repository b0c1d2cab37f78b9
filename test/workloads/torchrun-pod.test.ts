import { execFile } from "node:child_process";
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
});
