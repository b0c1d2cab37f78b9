import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { fakeS3, type FakeS3 } from "./fake-s3.js";
import { BUCKET, seedHistory } from "./fixtures.js";

/**
 * Per-test scratch for the publishing tests: temporary folders (named `prefix`…) and one fake
 * evidence bucket, all removed or restored after each test.
 */
export function useEvidenceScratch(prefix: string): { tempDir(): string; bucket(options?: { history?: boolean }): FakeS3 } {
  let s3: FakeS3 | undefined;
  const dirs: string[] = [];
  afterEach(() => {
    s3?.restore();
    s3 = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    tempDir() {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    /** The fake bucket `BUCKET`, seeded with the fixtures' earlier runs unless `history` is false. */
    bucket({ history = true } = {}) {
      s3 = fakeS3(BUCKET);
      if (history) seedHistory(s3.objects);
      return s3;
    },
  };
}
