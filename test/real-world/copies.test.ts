import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CASES_DIR, caseFiles, caseText, sharedCasesDir } from "./cases.js";

const ROOT = join(CASES_DIR, "../../..");

/**
 * Which test turns each real-world case into a check of its right behaviour (the README beside the
 * cases gives it). A new case file without an entry here fails this test.
 */
const CASE_TESTS: Record<string, string> = {
  "action-inputs-crlf-booleans.json": "test/real-world/inputs.test.ts",
  "ec2-ice-500-then-unsupported.json": "test/real-world/ec2.test.ts",
  "ec2-quota-smaller-type-fits.json": "test/real-world/ec2.test.ts",
  "k3s-device-plugin-crashloop.txt": "test/real-world/device-plugin.test.ts",
  "nvidia-smi-inforom-corrupted.txt": "test/real-world/nvidia-smi.test.ts",
  "nvidia-smi-t4-and-na-rows.txt": "test/real-world/nvidia-smi.test.ts",
  "resnet50-oom-error-texts.json": "test/real-world/resnet50.test.ts",
  "ssm-undeliverable-and-delivery-timeout.json": "test/real-world/ssm.test.ts",
  "sts-oidc-verification-key-transient.xml": "test/real-world/sts.test.ts",
  "t4-precision-choice.json": "test/real-world/precision.test.ts",
  "vllm-bench-serve-all-failed.json": "test/real-world/vllm.test.ts",
  "vllm-gen1-metadata-inf.json": "test/real-world/vllm.test.ts",
  "vllm-gen1-metadata-rate10.json": "test/real-world/vllm.test.ts",
  "workflow-call-from-other-repo.yml": "test/real-world/workflow.test.ts",
};

describe("the real-world cases", () => {
  it("every case file is read by the test named for it, and every name is a case file", () => {
    for (const file of caseFiles()) {
      const test = CASE_TESTS[file];
      expect(test, `${file} has no test in CASE_TESTS`).toBeDefined();
      const source = readFileSync(join(ROOT, test!), "utf8");
      expect(source.includes(`"${file}"`), `${test} does not read ${file}`).toBe(true);
    }
    for (const file of Object.keys(CASE_TESTS)) expect(existsSync(join(CASES_DIR, file)), `${file} is not in ${CASES_DIR}`).toBe(true);
  });

  it("every file the README lists is here", () => {
    const listed = [...caseText("README.md").matchAll(/^\| ([\w.*-]+) \|/gm)].map((m) => m[1]!).filter((f) => f !== "file");
    expect(listed.length).toBeGreaterThan(0);
    for (const pattern of listed) {
      const re = new RegExp(`^${pattern.replace(/[.]/g, "\\.").replace(/\*/g, ".*")}$`);
      expect(
        caseFiles().some((f) => re.test(f)),
        pattern,
      ).toBe(true);
    }
  });

  // The originals live beside the clone (../shared/cases/real-world) where the cases were handed
  // over; a clone elsewhere (GitHub's CI) has only the copies, and this comparison says it was not made.
  const shared = sharedCasesDir();
  const title = "the copies in test/fixtures/real-world equal ../shared/cases/real-world byte for byte";
  if (shared === undefined) {
    it.skip(`${title} (not compared: no ../shared/cases/real-world beside this checkout)`, () => {});
  } else {
    it(title, () => {
      expect(caseFiles(shared)).toEqual(caseFiles());
      for (const file of [...caseFiles(), "README.md"]) {
        expect(readFileSync(join(CASES_DIR, file)).equals(readFileSync(join(shared, file))), file).toBe(true);
      }
    });
  }
});
