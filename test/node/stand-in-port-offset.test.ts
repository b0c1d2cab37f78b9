import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// The stand-in's port offsets (stand-in/instance-bin/lib/standin.py port_offset): every instance
// shares this machine's loopback, so each shifts its containers' ports by an offset reserved
// machine-wide. Here against a registry of the test's own, narrowed to two offsets, so the
// reservations, the refusal when all are held and the reuse of a closed stand-in's are exact.
const LIB = fileURLToPath(new URL("../../stand-in/instance-bin/lib", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "port-offset-"));
const registry = join(dir, "registry");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** port_offset() of a fresh instance rooted at `root`, with the given offsets to choose from. */
function portOffset(root: string, offsets = "range(5000, 5020, 10)") {
  const script = `import standin
standin.PORT_OFFSET_REGISTRY = ${JSON.stringify(registry)}
${offsets ? `standin.PORT_OFFSETS = ${offsets}` : ""}
print(standin.port_offset())
print(standin.port_offset())`;
  const run = spawnSync("python3", ["-c", script], {
    env: { PATH: process.env.PATH, GPU_BENCH_ROOT: root, PYTHONPATH: LIB },
    encoding: "utf8",
  });
  return { code: run.status, offsets: run.stdout.trim().split("\n").filter(Boolean).map(Number), stderr: run.stderr };
}

describe("the stand-in's port offsets", () => {
  it("keep the images' ports of every possible offset below Linux's ephemeral range (32768-60999)", () => {
    const root = join(dir, "any");
    const { code, offsets } = portOffset(root, "");
    expect(code).toBe(0);
    const [offset] = offsets as [number];
    expect(offsets).toEqual([offset, offset]); // chosen once, then read back from the instance's state
    expect(6379 + offset).toBeGreaterThan(1024);
    expect(8000 + offset).toBeLessThan(20_000); // and below the pods' own loopback ports (20000-32000)
    expect(readFileSync(join(registry, String(offset)), "utf8")).toBe(join(root, "var/lib/stand-in/port-offset"));
    rmSync(join(registry, String(offset)));
  });

  it("are never shared by two live instances, refuse a third when all are held, and reuse a closed stand-in's", () => {
    const [a, b, c] = ["a", "b", "c"].map((n) => join(dir, n)) as [string, string, string];
    const first = portOffset(a);
    const second = portOffset(b);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect([first.offsets[0], second.offsets[0]].sort()).toEqual([5000, 5010]);

    const refused = portOffset(c);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`stand-in: no free port offset: every one in ${registry} is held or its ports are taken`);

    rmSync(a, { recursive: true, force: true }); // its stand-in closed: the folder is gone
    const third = portOffset(c);
    expect(third.code).toBe(0);
    expect(third.offsets[0]).toBe(first.offsets[0]);
    expect(existsSync(join(c, "var/lib/stand-in/port-offset"))).toBe(true);
  });
});
