import { describe, expect, it } from "vitest";
import { CLEANUP_MARGIN_MINUTES, CredentialsError, checkCredentialsOutlastRun } from "../../src/auth/credentials.js";
import { MemoryLog } from "../../src/runtime/log.js";

const now = Date.parse("2026-11-23T10:00:00Z");
const keys = { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" };
const at = (minutes: number) => new Date(now + minutes * 60_000);

describe("credentials that must outlast the run", () => {
  it("refuses, before launching, credentials that expire before the run's expiry plus the cleanup margin", async () => {
    const check = checkCredentialsOutlastRun(async () => ({ ...keys, expiration: at(60) }), { now, ttlMinutes: 60 }, new MemoryLog());
    await expect(check).rejects.toThrow(CredentialsError);
    await expect(check).rejects.toThrow(
      /expire at 2026-11-23T11:00:00.000Z \(in 60 min\), before this run's end \('ttl-minutes' 60\) plus 15 min/,
    );
    await expect(check).rejects.toThrow(/Nothing was launched\. Give 'role-to-assume'.*lower 'ttl-minutes' to 45 or less/s);
  });

  it("accepts credentials that last long enough, and long-term keys without an expiry", async () => {
    const log = new MemoryLog();
    await checkCredentialsOutlastRun(async () => ({ ...keys, expiration: at(60 + CLEANUP_MARGIN_MINUTES) }), { now, ttlMinutes: 60 }, log);
    await checkCredentialsOutlastRun(async () => keys, { now, ttlMinutes: 2880 }, log);
    expect(log.lines).toEqual([]);
  });

  it("warns about a session whose expiry nobody told (configure-aws-credentials' environment variables)", async () => {
    const log = new MemoryLog();
    await checkCredentialsOutlastRun(async () => ({ ...keys, sessionToken: "token" }), { now, ttlMinutes: 60 }, log);
    expect(log.lines.join("\n")).toMatch(/session whose expiry is unknown/);
  });

  it("says clearly when there are no credentials at all", async () => {
    const check = checkCredentialsOutlastRun(
      async () => {
        throw new Error("Could not load credentials from any providers");
      },
      { now, ttlMinutes: 60 },
      new MemoryLog(),
    );
    await expect(check).rejects.toThrow(
      /No AWS credentials could be resolved \(Could not load credentials from any providers\)\. Give 'role-to-assume'/,
    );
  });
});
