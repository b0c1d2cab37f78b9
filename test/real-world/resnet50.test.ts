import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadSuite, type ResNet50Workload } from "../../src/config/suite.js";
import { isGpuOutOfMemory, parseResNet50Lines, resnet50Result } from "../../src/workloads/resnet50.js";
import { caseJson } from "./cases.js";

const SCRIPT = fileURLToPath(new URL("../../remote/workloads/resnet50.py", import.meta.url));
const PYTHON = "/usr/bin/python3";

interface OomCase {
  cases: Array<{ type: string; text: string; is_memory: boolean | string }>;
  end_to_end: { raise_above_batch: number; requested_batch: number };
}
const oomCases = caseJson<OomCase>("resnet50-oom-error-texts.json");
/** "usually (…)" counts as memory: the search for a smaller batch is the right move. */
const expected = (c: OomCase["cases"][number]) => c.is_memory !== false;

describe("real-world case: resnet50-oom-error-texts.json", () => {
  it("the TypeScript side reads every spelling as the case says", () => {
    for (const c of oomCases.cases) expect(isGpuOutOfMemory(c.text), c.text).toBe(expected(c));
  });

  it("resnet50.py's is_oom() decides the same for each error, as PyTorch raises it", () => {
    const program = [
      "import json, sys",
      `sys.path.insert(0, ${JSON.stringify(SCRIPT.replace(/\/[^/]+$/, ""))})`,
      "import resnet50, torch",
      "oom = getattr(torch.cuda, 'OutOfMemoryError', RuntimeError)",
      "cases = json.load(sys.stdin)",
      "print(json.dumps([resnet50.is_oom((oom if c['type'] == 'OutOfMemoryError' else RuntimeError)(c['text'])) for c in cases]))",
    ].join("\n");
    const out = execFileSync(PYTHON, ["-c", program], {
      input: JSON.stringify(oomCases.cases),
      encoding: "utf8",
      env: { PATH: "/usr/bin:/bin", PYTHONDONTWRITEBYTECODE: "1" },
    });
    expect(JSON.parse(out)).toEqual(oomCases.cases.map(expected));
  });

  it("treated as OOM by --find-max-batch: an 'oom' record with the largest batch that fits, and trials at it", async () => {
    const { raise_above_batch: above, requested_batch: requested } = oomCases.end_to_end;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        PYTHON,
        [
          SCRIPT,
          "--threads",
          "2",
          "--image-size",
          "32",
          "--batch-size",
          String(requested),
          "--warmup-steps",
          "0",
          "--steps",
          "1",
          "--trials",
          "1",
          "--find-max-batch",
        ],
        {
          env: {
            PATH: "/usr/bin:/bin",
            OMP_NUM_THREADS: "2",
            OMP_WAIT_POLICY: "PASSIVE",
            GPU_BENCH_SIMULATE_OOM_ABOVE: String(above),
            GPU_BENCH_SIMULATE_OOM_TEXT: oomCases.cases[0]!.text,
          },
          timeout: 120_000,
        },
        (error, out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(out)),
      ),
    );
    const records = parseResNet50Lines(stdout);
    expect(records.map((r) => r.record)).toEqual(["oom", "trial", "done"]);
    expect(records[0]).toMatchObject({
      batch_size: requested,
      max_batch_size_fit: above,
      message: expect.stringContaining("CUDNN_STATUS_ALLOC_FAILED"),
    });
    expect(records[1]).toMatchObject({ batch_size: above, batch_size_requested: requested });
  }, 180_000);

  it("an allocation failure after the first step is out-of-memory for the result, not a failure", () => {
    const [w] = loadSuite("version: 1\nname: t\nworkloads:\n  - { id: r, kind: resnet50, batchSize: 256, trials: 3 }\n", {}).workloads as [
      ResNet50Workload,
    ];
    const times = { startedAt: "2026-11-30T03:00:00.000Z", endedAt: "2026-11-30T03:05:00.000Z" };
    const line = (text: string, status = "failed") =>
      `GPU_BENCH_JSON ${JSON.stringify({ record: "error", status, mode: "train", batch_size: 256, message: `RuntimeError: ${text}` })}`;
    for (const c of oomCases.cases) {
      const result = resnet50Result(w, { stdout: line(c.text), stderr: "" }, times);
      expect(result.status, c.text).toBe(expected(c) ? "oom" : "failed");
    }
    // The script's own verdict counts too.
    expect(resnet50Result(w, { stdout: line("something new", "oom"), stderr: "" }, times).status).toBe("oom");
  });
});
