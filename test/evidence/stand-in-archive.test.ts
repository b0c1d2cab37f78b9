import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishEvidence } from "../../src/evidence/publish.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { clients } from "../stand-in/helpers.js";
import { startStandIn, type StandIn } from "../../stand-in/index.js";
import { BUCKET, NOW, PREFIX, SERIES, passingRun, recordingPublisher } from "./support/fixtures.js";

/** The archive over the real S3 wire protocol (the local stand-in): what the mocks cannot prove. */
let standIn: StandIn;
let s3: ReturnType<typeof clients>["s3"];
const dir = mkdtempSync(join(tmpdir(), "archive-"));

beforeAll(async () => {
  standIn = await startStandIn({ buckets: [BUCKET] });
  ({ s3 } = clients(standIn));
});
afterAll(async () => {
  s3.destroy();
  await standIn.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the S3 archive against the stand-in", () => {
  it("archives a first run, and the next run compares against it", async () => {
    const publish = (runId: string, start: string, speed = 1) =>
      publishEvidence({
        results: passingRun({ runId, start, speed }),
        history: { s3, bucket: BUCKET, prefix: PREFIX },
        outDir: join(dir, runId),
        retentionDays: 90,
        publisher: recordingPublisher(),
        log: new MemoryLog(),
        clock: { now: () => NOW },
      });
    const first = await publish("100", "2025-03-03T02:00:00.000Z");
    expect(first.verdict.kind).toBe("first-run");
    expect(standIn.listKeys(BUCKET, `${SERIES}/`)).toContain(`${SERIES}/20250303T020000Z-100/evidence.md`);

    const second = await publish("200", "2025-03-10T02:00:00.000Z");
    expect(second.comparison.baselineRuns.map((r) => r.runId)).toEqual(["100"]);
    expect(second.s3?.index).toBe(`s3://${BUCKET}/${SERIES}/index.json`);
    const index = JSON.parse(standIn.getText(BUCKET, `${SERIES}/index.json`)!) as { entries: { runId: string }[] };
    expect(index.entries.map((e) => e.runId)).toEqual(["100", "200"]);
  });
});
