import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { collectDiagnostics } from "../../src/node/diagnostics.js";
import { parseScriptOutput } from "../../src/node/script-output.js";
import { localRemote } from "../support/local-remote.js";
import { caseText, stubSections } from "./cases.js";

const NODE = new URL("../../remote/node/", import.meta.url).pathname;
const sections = stubSections(caseText("k3s-device-plugin-crashloop.txt"));
const podLine = sections.get("get-pods")!.output;
const logLines = sections.get("logs")!.output.split("\n");

const sandboxes: string[] = [];
afterAll(() => sandboxes.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * A sandbox whose root/usr/local/bin/k3s answers `k3s kubectl` as the case file says: rollout
 * status, the plugin's pod (with its namespace for -A), its log (the previous container's is empty).
 */
function caseNode(): string {
  const sandbox = mkdtempSync(join(tmpdir(), "k3s-case-"));
  sandboxes.push(sandbox);
  const answers = join(sandbox, "answers");
  mkdirSync(answers);
  for (const [name, s] of sections) {
    writeFileSync(join(answers, name), `${s.output}\n`);
    writeFileSync(join(answers, `${name}.exit`), String(s.exit));
  }
  const bin = join(sandbox, "root/usr/local/bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, "k3s"),
    `#!/usr/bin/env bash
[[ \${1:-} == kubectl ]] || exit 0
shift
a=" $* " dir=${JSON.stringify(answers)}
answer() { cat "$dir/$1"; exit "$(cat "$dir/$1.exit")"; }
case $a in
  *" rollout status "*) answer rollout-status >&2 ;;
  *" get pods "*" -A "* | *" get pods -A "*) sed 's/^/kube-system   /' "$dir/get-pods" ;;
  *" get pods "* | *" get pod "*) answer get-pods ;;
  *" logs "*" --previous "*) exit 0 ;;
  *" logs "*) answer logs ;;
  *) exit 0 ;;
esac
`,
  );
  chmodSync(join(bin, "k3s"), 0o755);
  return sandbox;
}

describe("real-world case: k3s-device-plugin-crashloop.txt (the device plugin cannot load NVML)", () => {
  it("the device-plugin step fails naming CrashLoopBackOff and NVML, and keeps the plugin's log", async () => {
    const sandbox = caseNode();
    const script = `source "${NODE}lib.sh"; source "${NODE}gpu-stack.sh"; PLUGIN_APPLIED_AT=$(now_iso); wait_device_plugin`;
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) =>
      execFile(
        "bash",
        ["-c", script],
        {
          env: {
            PATH: "/usr/bin:/bin",
            GPU_BENCH_ROOT: join(sandbox, "root"),
            DEVICE_PLUGIN_TIMEOUT: "1",
            DEVICE_PLUGIN_VERSION: "v0.17.1",
          },
        },
        (_error, out, err) => resolve({ stdout: out, stderr: err }),
      ),
    );
    const { error } = parseScriptOutput(stdout);
    expect(error?.step, stdout + stderr).toBe("device-plugin");
    expect(error!.message).toBe(
      "The NVIDIA device plugin (DaemonSet kube-system/nvidia-device-plugin-daemonset, v0.17.1) did not become ready within 1s: " +
        `${podLine.replace(/ +/g, " ")}; its log says: Failed to initialize NVML: could not load NVML library.`,
    );
    expect(error!.message).toContain("CrashLoopBackOff");
    expect(error!.hint).toMatch(/NVML is not visible in the pod because k3s started without the nvidia runtime/);
    // The log, every line of it, is kept in the step's stderr.
    for (const line of logLines) expect(stderr).toContain(line);
  });

  it("the diagnostics' summary, which the report shows, holds the crash-looping pod and its NVML log lines", async () => {
    const sandbox = caseNode();
    const { tail } = await collectDiagnostics(localRemote({ sandbox }));
    expect(tail).toContain(`${podLine.replace(/ +/g, " ")}  [kube-system/nvidia-device-plugin-daemonset-x7k2p]`);
    for (const line of logLines) expect(tail).toContain(`  | ${line}`);
  });
});
