import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadSuite, type LlmServingWorkload, type ResNet50Workload } from "../../src/config/suite.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { effectiveDtype } from "../../src/workloads/llm.js";
import { resnet50Result } from "../../src/workloads/resnet50.js";
import { runWorkload } from "../../src/workloads/run.js";
import { instantClock } from "../support/fakes.js";
import { vllmNode } from "../support/vllm-node.js";
import { caseJson } from "./cases.js";

interface PrecisionCase {
  gpu: { name: string; computeCapability: string };
  checks: Array<{ what: string; expected: string }>;
}
const t4 = caseJson<PrecisionCase>("t4-precision-choice.json");
const check = (what: string) => {
  const found = t4.checks.find((c) => c.what === what);
  if (!found) throw new Error(`t4-precision-choice.json has no check '${what}'`);
  return found.expected;
};
const [major, minor] = t4.gpu.computeCapability.split(".").map(Number) as [number, number];

const SCRIPT = fileURLToPath(new URL("../../remote/workloads/resnet50.py", import.meta.url));
const PYTHON = "/usr/bin/python3";
const times = { startedAt: "2026-11-30T10:00:00.000Z", endedAt: "2026-11-30T10:05:00.000Z" };

/**
 * resnet50.py (Debian's CPU torch) on the case's GPU: its Environment is replaced by one that
 * reports a CUDA device with the case's name and compute capability, which is all the precision
 * choice reads. Prints the choice for `auto` as a JSON line on stderr, then runs main(argv).
 */
function resnetOnCaseGpu(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = [
    "import json, sys",
    `sys.path.insert(0, ${JSON.stringify(SCRIPT.replace(/\/[^/]+$/, ""))})`,
    "import resnet50, torch",
    "class CaseGpu(resnet50.Environment):",
    "    def __init__(self, args):",
    "        self.torch, self.device_type, self.device = torch, 'cuda', torch.device('cpu')",
    `        self.gpu_name, self.capability, self.memory_mib = ${JSON.stringify(t4.gpu.name)}, (${major}, ${minor}), 15360`,
    "        self.peak_label, self.peaks = resnet50.peak_for(self.gpu_name)",
    // One GPU, not distributed: what Environment.__init__ sets when --distributed is absent.
    "        self.local_rank, self.world_size, self.nodes, self.backend = 0, 1, 1, None",
    "resnet50.Environment = CaseGpu",
    "precision, dtype, scaler, notes = resnet50.resolve_precision(CaseGpu(None), 'auto')",
    "print('AUTO ' + json.dumps({'precision': precision, 'dtype': str(dtype), 'grad_scaler': scaler}), file=sys.stderr)",
    `sys.exit(resnet50.main(${JSON.stringify(argv)}))`,
  ].join("\n");
  return new Promise((resolve) =>
    execFile(
      PYTHON,
      ["-c", program],
      { env: { PATH: "/usr/bin:/bin", PYTHONDONTWRITEBYTECODE: "1", OMP_NUM_THREADS: "1" }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

const suite = loadSuite(
  `version: 1
name: t
workloads:
  - { id: rn50, kind: resnet50, precision: bf16, batchSize: 2, trials: 1 }
  - { id: qwen, kind: llm-serving, requestRates: [4], maxThroughput: false, trials: 1 }
`,
  {},
);
const [rn50, qwen] = suite.workloads as [ResNet50Workload, LlmServingWorkload];
const benchFile = caseJson("vllm-gen1-metadata-rate10.json");

/** Runs the LLM workload on a fake node with the GPU the inventory reported; returns the result and the server's manifest. */
async function serveOn(gpu: { name?: string; computeCapability?: string }) {
  const node = vllmNode(() => benchFile);
  const log = new MemoryLog();
  const result = await runWorkload(node, qwen, { log, clock: instantClock(), gpu });
  const manifest = node.scripts.find((s) => s.name.endsWith("server-up"))!.files![0]!.content;
  return { result, manifest, log };
}
const dtypeArg = (manifest: string) => /--dtype\W+(\w+)/.exec(manifest)?.[1];

describe("real-world case: t4-precision-choice.json", () => {
  it(`resnet50 on a ${t4.gpu.name}: auto is ${check("resnet50 precision auto")}; explicit bf16 is ${check("resnet50 precision bf16 (explicit)")}`, async () => {
    const run = await resnetOnCaseGpu(["--precision", "bf16", "--batch-size", "2", "--image-size", "32", "--trials", "1"]);
    const auto = JSON.parse(/^AUTO (.*)$/m.exec(run.stderr)![1]!) as { precision: string; dtype: string; grad_scaler: boolean };
    expect(check("resnet50 precision auto")).toBe("fp16 autocast with GradScaler");
    expect(auto).toEqual({ precision: "fp16", dtype: "torch.float16", grad_scaler: true });

    // bf16: an 'unsupported' record at once (exit 4), no trial run under emulation.
    expect(run.code, run.stderr).toBe(4);
    const result = resnet50Result(rn50, { stdout: run.stdout, stderr: run.stderr }, times);
    expect(result.status).toBe("skipped");
    expect(result.trials).toEqual([]);
    expect(result.metrics).toEqual([]);
    expect(result.message).toBe(
      `bf16 needs compute capability 8.0 or newer; ${t4.gpu.name} is ${t4.gpu.computeCapability}: use fp16 or auto`,
    );
  });

  it(`vLLM dtype auto on a ${t4.gpu.name}: ${check("vLLM dtype auto")}`, async () => {
    const { result, manifest } = await serveOn(t4.gpu);
    expect(result.parameters.dtype).toBe(check("vLLM dtype auto"));
    expect(dtypeArg(manifest)).toBe("half");
    expect(result.message).toBeUndefined();
  });

  it(`vLLM dtype auto, compute capability unknown: ${check("vLLM dtype auto, computeCapability unknown (inventory lacks it)")}`, async () => {
    // An old driver (before 510) has no compute_cap field: the T4 is known by its name, and half still chosen.
    const byName = await serveOn({ name: t4.gpu.name });
    expect(byName.result.parameters.dtype).toBe("half");
    expect(dtypeArg(byName.manifest)).toBe("half");
    expect(byName.result.message).toBeUndefined();
    for (const name of ["NVIDIA T4G", "Tesla V100-SXM2-16GB"]) expect(effectiveDtype(qwen, undefined, name), name).toBe("half");

    // A GPU known by neither: auto is left to vLLM, and the result and the log say so.
    const unknown = await serveOn({ name: "NVIDIA Future GPU" });
    expect(unknown.result.status).toBe("ok");
    expect(unknown.result.parameters.dtype).toBe("auto");
    expect(dtypeArg(unknown.manifest)).toBe("auto");
    expect(unknown.result.message).toMatch(/dtype auto was left to vLLM: the node did not report NVIDIA Future GPU's compute capability/);
    expect(unknown.log.lines).toContainEqual(expect.stringMatching(/^warning: qwen: dtype auto was left to vLLM/));
  });
});
