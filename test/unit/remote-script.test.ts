import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  JSON_LINE_MARKER,
  MAX_COMMAND_BYTES,
  RemoteScriptError,
  markedJsonLines,
  markedLines,
  renderCommand,
  shellQuote,
} from "../../src/cloud/remote-script.js";
import { localRemote } from "../support/local-remote.js";

const HOSTILE = [
  "name with spaces",
  "it's",
  `"double"`,
  "$(touch pwned)",
  "`touch pwned`",
  "a; touch pwned",
  "$HOME",
  "new\nline",
  "*",
  "\\",
  "--flag",
  "",
];

describe("remote scripts", () => {
  it("pass every argument and environment value through verbatim, executing nothing", async () => {
    const sandbox = mkdtempSync(join(tmpdir(), "quote-"));
    const remote = localRemote({ sandbox });
    const env = Object.fromEntries(HOSTILE.map((v, i) => [`V${i}`, v]));
    const body = [
      "#!/usr/bin/env bash",
      "set -euo pipefail",
      `for a in "$@"; do printf '%s\\0' "$a"; done > "$GPU_BENCH_ROOT/args"`,
      `for i in $(seq 0 ${HOSTILE.length - 1}); do v="V$i"; printf '%s\\0' "\${!v}"; done > "$GPU_BENCH_ROOT/env"`,
    ].join("\n");
    await remote({ name: "quote", body, args: HOSTILE, env, timeoutSeconds: 10 });
    const split = (f: string) =>
      readFileSync(join(sandbox, "root", f), "utf8")
        .split("\0")
        .slice(0, -1);
    expect(split("args")).toEqual(HOSTILE);
    expect(split("env")).toEqual(HOSTILE);
    expect(() => readFileSync(join(sandbox, "pwned"))).toThrow();
  });

  it("materialize files next to the script", async () => {
    const sandbox = mkdtempSync(join(tmpdir(), "files-"));
    const remote = localRemote({ sandbox });
    const out = await remote({
      name: "files",
      body: "cat conf/a.txt",
      files: [{ path: "conf/a.txt", content: "it's $(not) run\n" }],
      timeoutSeconds: 10,
    });
    expect(out.stdout).toBe("it's $(not) run\n");
  });

  it("refuse unsafe environment names and file paths", () => {
    expect(() => renderCommand({ name: "x", body: "", env: { "A;B": "1" }, timeoutSeconds: 1 })).toThrow(/not valid/);
    expect(() => renderCommand({ name: "x", body: "", files: [{ path: "../etc/passwd", content: "" }], timeoutSeconds: 1 })).toThrow(
      /plain relative path/,
    );
  });

  it("refuse a command over what one SSM command may carry", () => {
    const random = Array.from({ length: MAX_COMMAND_BYTES }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join("");
    expect(() => renderCommand({ name: "big", body: random, timeoutSeconds: 1 })).toThrow(/over the 48 KiB/);
  });

  it("fail with the step, exit code and the tail of stderr", async () => {
    const remote = localRemote({ sandbox: mkdtempSync(join(tmpdir(), "fail-")) });
    const error = await remote({ name: "breaks", body: "echo working; echo 'k3s did not start' >&2; exit 3", timeoutSeconds: 10 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RemoteScriptError);
    expect((error as Error).message).toMatch(/Step 'breaks' on the instance ended Failed with exit code 3/);
    expect((error as Error).message).toMatch(/k3s did not start/);
  });

  it("quote like POSIX sh", () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(() => shellQuote("a\0b")).toThrow(/NUL/);
  });
});

describe("the marked-line protocol has one reader", () => {
  const stdout = [
    "starting",
    'GPU_BENCH_JSON {"kind":"phase","name":"a"}\r',
    "GPU_BENCH_JOB {}",
    "GPU_BENCH_JSON not json",
    'GPU_BENCH_JSON ["an array"]',
    "  GPU_BENCH_JSON {} (not at the start: not marked)",
  ].join("\n");

  it("gives the payload of each line that starts with the mark, in order, carriage returns dropped", () => {
    expect(markedLines(stdout)).toEqual(['{"kind":"phase","name":"a"}', "not json", '["an array"]']);
    expect(markedLines(stdout, "GPU_BENCH_JOB ")).toEqual(["{}"]);
  });

  it("can keep unmarked lines for output that comes either way", () => {
    expect(markedLines("plain\nGPU_BENCH_JSON {}", JSON_LINE_MARKER, { keepUnmarked: true })).toEqual(["plain", "{}"]);
  });

  it("markedJsonLines keeps the JSON objects and skips garbled lines", () => {
    expect(markedJsonLines(stdout)).toEqual([{ kind: "phase", name: "a" }]);
  });
});
