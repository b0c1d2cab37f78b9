import { describe, expect, it } from "vitest";
import {
  DEFAULT_SUITE,
  SuiteError,
  canonicalJson,
  loadSuite,
  suiteHash,
  timedSteps,
  type ResNet50Workload,
} from "../../src/config/suite.js";

function problems(text: string, ...rest: Parameters<typeof loadSuite> extends [unknown, ...infer R] ? R : never): string[] {
  try {
    loadSuite(text, ...rest);
  } catch (error) {
    expect(error).toBeInstanceOf(SuiteError);
    return (error as SuiteError).problems;
  }
  throw new Error("expected the suite to be rejected");
}

const FULL = `
version: 1
name: nightly
description: both workloads
workloads:
  - id: rn50-train
    kind: resnet50
    batchSize: 256
    precision: bf16
    trials: 5
    faults:
      - id: cap-power
        kind: gpu-power-cap
        at: 60
        duration: 30
        params: { fraction: 0.6 }
        slo: { maxRecoverySeconds: 60 }
  - id: rn50-infer
    kind: resnet50
    mode: inference
    epochs: 2
  - id: qwen
    kind: llm-serving
    requestRates: [2, 8]
    slo: { ttftMs: 250, tpotMs: 40 }
`;

describe("suite file", () => {
  it("without a file, runs the classic suite: ResNet50 training at batch 128", () => {
    // Only without a file: a blank file is refused (see "reports YAML syntax errors").
    const suite = loadSuite(undefined, {});
    expect(suite).toEqual(DEFAULT_SUITE);
    expect(suite.workloads).toHaveLength(1);
    expect(suite.workloads[0]).toMatchObject({ kind: "resnet50", mode: "train", batchSize: 128, steps: 100, trials: 3 });
  });

  it("reads a full suite, filling defaults, keeping fault entries for the faults module", () => {
    const suite = loadSuite(FULL, {});
    expect(suite.name).toBe("nightly");
    const [train, infer, llm] = suite.workloads;
    expect(train).toMatchObject({
      batchSize: 256,
      precision: "bf16",
      trials: 5,
      channelsLast: true,
      faults: [
        {
          id: "cap-power",
          kind: "gpu-power-cap",
          at: 60,
          duration: 30,
          baselineSeconds: 60,
          timeoutSeconds: 300,
          weight: 1,
          params: { fraction: 0.6 },
          slo: { maxRecoverySeconds: 60, maxErrorRate: 1, band: 10 },
          load: { requestRate: 4, outputLen: 32, requestTimeoutSeconds: 30 },
        },
      ],
    });
    expect(timedSteps(infer as ResNet50Workload)).toBe(200); // 2 epochs x 12,800 images / 128
    expect(llm).toMatchObject({ model: "Qwen/Qwen2.5-0.5B-Instruct", requestRates: [2, 8], maxThroughput: true, trials: 1, faults: [] });
  });

  it("lists every problem at once, each with its path and line", () => {
    const list = problems(
      `version: 2
name: my suite
colour: blue
workloads:
  - id: Train
    kind: resnet50
    batch_size: 12
    batchSize: 5000
    precision: fp8
    trials: 0
    steps: 1.5
  - id: llm
    kind: llm-serving
    requestRates: [1, "fast", -2]
    slo: { ttft: 5 }
  - kind: gpt
`,
      {},
    );
    expect(list).toEqual([
      "version (line 1): must be 1 (this tool reads suite version 1), got 2",
      expect.stringMatching(/^name \(line 2\): must be 1-64 letters, digits and \. _ -, got 'my suite'$/),
      expect.stringMatching(
        /^colour \(line 3\): unknown key \(allowed here: version, name, description, nodes, efa, workloads, telemetry\)$/,
      ),
      expect.stringMatching(/^workloads\[0\]\.id \(line 5\): must be 1-32 lowercase letters/),
      expect.stringMatching(/^workloads\[0\]\.batch_size \(line 7\): unknown key; did you mean 'batchSize'\?/),
      "workloads[0].batchSize (line 8): must be at most 4096, got 5000",
      'workloads[0].precision (line 9): must be one of "auto", "fp32", "tf32", "fp16", "bf16", got \'fp8\'',
      "workloads[0].trials (line 10): must be at least 1, got 0",
      "workloads[0].steps (line 11): must be a whole number, got 1.5",
      "workloads[1].requestRates[1] (line 14): must be a number, got 'fast'",
      "workloads[1].requestRates[2] (line 14): must be more than 0, got -2",
      expect.stringMatching(/^workloads\[1\]\.slo\.ttft \(line 15\): unknown key \(allowed here: ttftMs, tpotMs, e2elMs\)$/),
      "workloads[2].kind (line 16): is 'gpt': the kind of workload, one of resnet50, llm-serving, platform-job, nccl-allreduce",
    ]);
  });

  it("says where a suite-level key written inside a workload (nodes, efa, telemetry) belongs", () => {
    const list = problems(
      "version: 1\nname: m\nworkloads:\n  - { id: ar, kind: nccl-allreduce, nodes: 2, efa: true }\n  - { id: rn, kind: resnet50, telemetry: { intervalSeconds: 2 } }\n",
    );
    expect(list).toEqual([
      "workloads[0].nodes (line 4): unknown key in a workload: nodes is a key of the whole suite, at the top of the file beside workloads",
      "workloads[0].efa (line 4): unknown key in a workload: efa is a key of the whole suite, at the top of the file beside workloads",
      "workloads[1].telemetry (line 5): unknown key in a workload: telemetry is a key of the whole suite, at the top of the file beside workloads",
    ]);
  });

  it("reads a platform-job with its defaults, and refuses fault scenarios and bad job types on it", () => {
    const suite = loadSuite("version: 1\nname: p\nworkloads:\n  - id: radix\n    kind: platform-job\n    params: { batchSize: 8 }\n");
    expect(suite.workloads[0]).toEqual({
      id: "radix",
      kind: "platform-job",
      type: "resnet50",
      trials: 3,
      params: { batchSize: 8 },
      timeoutMinutes: 30,
      faults: [],
    });
    const list = problems(
      `version: 1
name: p
workloads:
  - id: radix
    kind: platform-job
    type: "Res Net"
    faults:
      - { id: k, kind: pod-kill, at: 60, slo: { maxRecoverySeconds: 30 } }
`,
      {},
    );
    expect(list).toEqual([
      expect.stringMatching(/^workloads\[0\]\.type \(line 6\): must be a job type such as resnet50/),
      expect.stringMatching(/^workloads\[0\]\.faults \(line 8\): platform jobs take no fault scenarios/),
    ]);
  });

  it("puts them in one error message that names the file", () => {
    expect(() => loadSuite("version: 1\nname: x\nworkloads: []\n", {}, { source: "bench/suite.yaml" })).toThrow(
      "Suite file 'bench/suite.yaml' is not valid: workloads (line 3): must list at least 1 item, got 0",
    );
    const error = (() => {
      try {
        loadSuite("version: 1\nworkloads: 3\nextra: 1\n", {});
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/^The suite file has 3 problems:\n {2}- name \(line 1\): is required/);
  });

  it("nodes: 1 to 8 instances, absent for one (the one-node suite keeps its hash), anything else named with its line", () => {
    const text = (nodes: string) => `version: 1\nname: x\nnodes: ${nodes}\nworkloads:\n  - {id: a, kind: resnet50}\n`;
    expect(loadSuite(text("3")).nodes).toBe(3);
    expect(loadSuite("version: 1\nname: x\nworkloads:\n  - {id: a, kind: resnet50}\n").nodes).toBeUndefined();
    expect(suiteHash(loadSuite("version: 1\nname: x\nworkloads:\n  - {id: a, kind: resnet50}\n"))).not.toBe(
      suiteHash(loadSuite(text("2"))),
    );
    expect(problems(text("9"))).toEqual(["nodes (line 3): must be at most 8, got 9"]);
    expect(problems(text("0"))).toEqual(["nodes (line 3): must be at least 1, got 0"]);
    expect(problems(text("1.5"))).toEqual(["nodes (line 3): must be a whole number, got 1.5"]);
    expect(problems(text("two"))).toEqual(["nodes (line 3): must be a number, got 'two'"]);
  });

  it("checks values against each other: impossible combinations are named", () => {
    expect(problems("version: 1\nname: x\nworkloads:\n  - {id: a, kind: resnet50, steps: 5, epochs: 2}\n", {})).toEqual([
      "workloads[0].epochs (line 4): give either steps or epochs, not both",
    ]);
    expect(
      problems(
        "version: 1\nname: x\nworkloads:\n  - {id: a, kind: llm-serving, requestRates: [4, 4], maxThroughput: false, inputLen: 4000, outputLen: 200}\n  - {id: a, kind: resnet50}\n",
        {},
      ),
    ).toEqual([
      "workloads[0].requestRates (line 4): lists the same request rate twice",
      "workloads[0].inputLen (line 4): inputLen + outputLen (4200) exceeds maxModelLen (4096)",
      "workloads[1].id (line 5): 'a' is already the id of workloads[0]",
    ]);
    // One 32 px image leaves one value per channel for the last BatchNorm layers: PyTorch refuses to train on it.
    expect(problems("version: 1\nname: x\nworkloads:\n  - {id: a, kind: resnet50, batchSize: 1, imageSize: 32}\n", {})).toEqual([
      "workloads[0].batchSize (line 4): batchSize 1 cannot train at imageSize 32: ResNet50's last BatchNorm layers would see one value per channel (PyTorch refuses it); use batchSize 2 or more, or imageSize 33 or more",
    ]);
    for (const ok of ["batchSize: 2, imageSize: 32", "batchSize: 1, imageSize: 33", "batchSize: 1, imageSize: 32, mode: inference"])
      expect(() => loadSuite(`version: 1\nname: x\nworkloads:\n  - {id: a, kind: resnet50, ${ok}}\n`, {}), ok).not.toThrow();
  });

  it("reports YAML syntax errors with their line", () => {
    expect(problems("version: 1\nworkloads: [1, 2\n", {})[0]).toMatch(/^not valid YAML: .* at line 3, column 1$/);
    expect(problems("version: 1\nversion: 1\n", {})[0]).toMatch(/^not valid YAML: Map keys must be unique at line 2/);
    expect(problems("# nothing but a comment\n", {})).toEqual(["it is empty: give at least version, name and workloads"]);
    // An alias bomb: refused as a problem of the file (naming it), not an uncaught library error.
    const bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i <= 8; i++)
      bomb.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    expect(problems(`version: 1\nname: x\n${bomb.join("\n")}\n`, {}, { source: "bomb.yaml" })).toEqual([
      "not valid YAML: Excessive alias count indicates a resource exhaustion attack",
    ]);
    // A suite file that exists but is blank (truncated, a placeholder) is refused, not swapped for the default suite.
    for (const blank of ["", "  \n\n", "\r\n"])
      expect(problems(blank, {})).toEqual(["it is empty: give at least version, name and workloads"]);
  });

  it("applies the epochs and batch-size inputs to the ResNet50 workloads", () => {
    const suite = loadSuite(FULL, { epochs: 3, batchSize: 64 });
    const [train, infer, llm] = suite.workloads as [ResNet50Workload, ResNet50Workload, unknown];
    expect(train).toMatchObject({ batchSize: 64, epochs: 3 });
    expect(train.steps).toBeUndefined();
    expect(timedSteps(train)).toBe(600); // 3 x 12,800 / 64
    // epochs concern training workloads; batch size every ResNet50 workload.
    expect(infer).toMatchObject({ batchSize: 64, epochs: 2 });
    expect(llm).toEqual(loadSuite(FULL, {}).workloads[2]);
    expect(loadSuite(undefined, { batchSize: 32 }).workloads[0]).toMatchObject({ batchSize: 32, steps: 100 });
  });

  it("rejects overrides that would override nothing, naming the input, rather than ignore them", () => {
    const llmOnly = "version: 1\nname: x\nworkloads:\n  - {id: q, kind: llm-serving}\n";
    expect(problems(llmOnly, { epochs: 3, batchSize: 64 })).toEqual([
      "the 'epochs' input (3) sets the epochs of ResNet50 training workloads, and this suite has none: leave it empty",
      "the 'batch-size' input (64) sets the batch size of ResNet50 workloads, and this suite has none: leave it empty",
    ]);
    // Inference only: batch-size applies, epochs does not.
    const inference = "version: 1\nname: x\nworkloads:\n  - {id: r, kind: resnet50, mode: inference}\n";
    expect(problems(inference, { epochs: 3 })).toEqual([
      "the 'epochs' input (3) sets the epochs of ResNet50 training workloads, and this suite has none: leave it empty",
    ]);
    expect(loadSuite(inference, { batchSize: 64 }).workloads[0]).toMatchObject({ batchSize: 64 });
  });

  it("rejects overrides that make a workload impossible, naming the input", () => {
    expect(() => loadSuite(undefined, { epochs: 1000, batchSize: 1 })).toThrow(
      /workloads\[0\]\.epochs: 1000 epochs of 12800 images at batch 1 is more than 1000000 steps \(after applying the 'epochs' and 'batch-size' inputs\)/,
    );
  });

  it("hashes the effective suite canonically: same content, same hash; an override changes it", () => {
    const a = loadSuite(FULL, {});
    const reordered = loadSuite(FULL.replace("batchSize: 256\n    precision: bf16", "precision: bf16\n    batchSize: 256"), {});
    expect(suiteHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(suiteHash(reordered)).toBe(suiteHash(a));
    expect(suiteHash(loadSuite(FULL, { batchSize: 64 }))).not.toBe(suiteHash(a));
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
  });

  it("reads fault scenarios with their defaults, and reports every fault problem at once with its line", () => {
    const text = `
version: 1
name: faults
workloads:
  - id: qwen
    kind: llm-serving
    faults:
      - id: kill
        kind: pod-kill
        at: 60
        slo: { maxRecoverySeconds: 90, maxErrorRate: 0.5 }
      - id: slow
        kind: network-delay
        at: 400
        duration: 30
        params: { delayMs: 20000 }
        slo: { maxRecoverySeconds: 30 }
      - id: boom
        kind: explode
        at: 60
      - id: slow
        kind: network-loss
        at: 420
        duration: 10
        params: { lossPercent: 5, lostPercent: 5 }
        slo: { maxRecoverySeconds: 30 }
      - id: killed-twice
        kind: pod-kill
        at: 10
        duration: 5
        slo: { maxRecoverySeconds: 30 }
  - id: rn50
    kind: resnet50
    faults:
      - id: delay
        kind: network-delay
        at: 60
        duration: 10
        params: { delayMs: 10 }
        slo: { maxRecoverySeconds: 30 }
      - id: reboot
        kind: node-reboot
        at: 400
        slo: { maxRecoverySeconds: 600 }
`;
    expect(problems(text, {})).toEqual([
      "workloads[0].faults[1].params.delayMs (line 16): must be at most 10000, got 20000",
      "workloads[0].faults[2].kind (line 19): is 'explode': the kind of fault, one of pod-kill, container-kill, network-delay, network-loss, cpu-stress, memory-stress, gpu-contention, gpu-power-cap, k3s-restart, device-plugin-restart, node-reboot",
      "workloads[0].faults[3].params.lostPercent (line 25): unknown key (allowed here: lossPercent)",
      "workloads[0].faults[4].duration (line 30): this kind is instantaneous: remove duration",
      "workloads[1].faults[0].kind (line 36): 'network-delay' is not supported on a resnet50 workload (supported there: gpu-power-cap, k3s-restart, device-plugin-restart, cpu-stress, memory-stress, gpu-contention)",
      "workloads[1].faults[1].kind (line 42): 'node-reboot' is not supported on a resnet50 workload (supported there: gpu-power-cap, k3s-restart, device-plugin-restart, cpu-stress, memory-stress, gpu-contention)",
      "workloads[1].faults[1].at (line 43): overlaps faults[0] ('delay', whose window lasts until 370s: at + duration + timeoutSeconds): this fault's baseline starts at 340s (at - baselineSeconds); move it to at least 430",
    ]);
    const fixed = text
      .replace("delayMs: 20000", "delayMs: 200")
      .replace(/ {6}- id: boom\n.*\n.*\n/, "")
      .replace(", lostPercent: 5", "")
      .replace("        duration: 5\n", "");
    expect(problems(fixed, {})).toEqual([
      "workloads[0].faults[0].at (line 10): overlaps faults[3] ('killed-twice', whose window lasts until 310s: at + duration + timeoutSeconds): this fault's baseline starts at 0s (at - baselineSeconds); move it to at least 370",
      "workloads[0].faults[1].at (line 14): overlaps faults[0] ('kill', whose window lasts until 360s: at + duration + timeoutSeconds): this fault's baseline starts at 340s (at - baselineSeconds); move it to at least 420",
      "workloads[0].faults[2].id (line 18): 'slow' is already the id of faults[1]",
      "workloads[0].faults[2].at (line 20): overlaps faults[1] ('slow', whose window lasts until 730s: at + duration + timeoutSeconds): this fault's baseline starts at 360s (at - baselineSeconds); move it to at least 790",
      "workloads[0].faults[3].at (line 26): must be at least baselineSeconds (60): the load needs that long before the fault for its baseline",
      "workloads[1].faults[0].kind (line 32): 'network-delay' is not supported on a resnet50 workload (supported there: gpu-power-cap, k3s-restart, device-plugin-restart, cpu-stress, memory-stress, gpu-contention)",
      "workloads[1].faults[1].kind (line 38): 'node-reboot' is not supported on a resnet50 workload (supported there: gpu-power-cap, k3s-restart, device-plugin-restart, cpu-stress, memory-stress, gpu-contention)",
      "workloads[1].faults[1].at (line 39): overlaps faults[0] ('delay', whose window lasts until 370s: at + duration + timeoutSeconds): this fault's baseline starts at 340s (at - baselineSeconds); move it to at least 430",
    ]);
    const suite = loadSuite(text.split("  - id: rn50")[0]!.replace(/ {6}- id: slow\n[\s\S]*$/, "\n"), {});
    expect(suite.workloads[0]!.faults).toEqual([
      {
        id: "kill",
        kind: "pod-kill",
        at: 60,
        baselineSeconds: 60,
        timeoutSeconds: 300,
        weight: 1,
        params: { gracePeriodSeconds: 0 },
        slo: { maxRecoverySeconds: 90, maxErrorRate: 0.5, band: 10 },
        load: { requestRate: 4, outputLen: 32, requestTimeoutSeconds: 30 },
      },
    ]);
  });
});

describe("the example suites", () => {
  it("all load, and multi-node.yaml runs the distributed workloads and one model across its two nodes", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const files = readdirSync("examples/suites").filter((f) => f.endsWith(".yaml"));
    const suites = Object.fromEntries(files.map((f) => [f, loadSuite(readFileSync(`examples/suites/${f}`, "utf8"), {}, { source: f })]));
    const multi = suites["multi-node.yaml"]!;
    expect(multi.nodes).toBe(2);
    expect(multi.workloads.map((w) => [w.kind, w.kind === "resnet50" && w.distributed])).toEqual([
      ["nccl-allreduce", false],
      ["resnet50", true],
      ["llm-serving", false],
    ]);
    expect(multi.workloads[2]).toMatchObject({ tensorParallelSize: 1, pipelineParallelSize: 2 });
  });
});
