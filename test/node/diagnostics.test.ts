import { afterEach, describe, expect, it } from "vitest";
import { RemoteScriptError } from "../../src/cloud/remote-script.js";
import { bootstrapNode } from "../../src/node/bootstrap.js";
import { collectDiagnostics } from "../../src/node/diagnostics.js";
import { writeEfaDevices, writeEfaSoftware } from "../../stand-in/efa.js";
import { INSTANCE_BIN } from "../support/local-remote.js";
import { nodeSandbox, type NodeSandbox } from "./node-sandbox.js";

let sandbox: NodeSandbox | undefined;
afterEach(() => sandbox?.dispose());

describe("collectDiagnostics", () => {
  it("after a failed bootstrap, shows the failing pod, its log, Xid errors and the k3s journal", async () => {
    sandbox = nodeSandbox({ STUB_DEVICE_PLUGIN: "never-ready", STUB_DMESG_XID: "79" });
    await expect(
      bootstrapNode(sandbox.remote, {
        images: [],
        timeouts: { devicePluginSeconds: 1, gpuAllocatableSeconds: 1 },
        clock: sandbox.clock,
        log: sandbox.log,
      }),
    ).rejects.toThrow(/device plugin/);

    const { text, tail } = await collectDiagnostics(sandbox.remote);

    for (const section of ["cloud-init", "k3s service", "nodes", "pods", "images", "kernel Xid lines", "nvidia-smi -q", "summary"]) {
      expect(text).toContain(`===== ${section} =====`);
    }
    expect(text).toMatch(/===== pod kube-system\/nvidia-device-plugin-daemonset-\w+ =====/);
    expect(text).toMatch(/ip-10-0-1-23 +Ready +control-plane/);
    expect(text).toContain("Incompatible strategy detected auto");
    expect(text).toContain("Back-off restarting failed container");
    // Between restarts a crash-looping pod is Running for a moment: its restarts give it away.
    expect(tail).toMatch(/nvidia-device-plugin-daemonset-\w+ [01]\/1 (CrashLoopBackOff|Error|Running) [1-9]/);
    expect(tail).toContain("If this is a GPU node, did you configure the NVIDIA Container Toolkit?");
    expect(tail).toContain("Xid (PCI:0000:00:1e): 79");
    expect(tail).toContain("k3s journal, last lines:");
  });

  it("on an EFA node whose libfabric has no efa provider: its EFA devices, fi_info's answer and the plugin's folder", async () => {
    sandbox = nodeSandbox({ STUB_FI_INFO: "no-provider" });
    writeEfaDevices(sandbox.root, 2);
    writeEfaSoftware(sandbox.root, INSTANCE_BIN);
    await expect(bootstrapNode(sandbox.remote, { images: [], efa: true, clock: sandbox.clock, log: sandbox.log })).rejects.toThrow(
      /efa-software/,
    );
    const { text } = await collectDiagnostics(sandbox.remote);
    const efa = text.slice(text.indexOf("===== efa ====="), text.indexOf("===== summary ====="));
    expect(efa).toMatch(/rdmap0s6[\s\S]*rdmap1s6/);
    expect(efa).toContain("fi_getinfo: -61 (No data available)");
    expect(efa).toMatch(/libnccl-net\.so -> libnccl-net-ofi\.so/);
  });

  it("works on an instance where k3s never started", async () => {
    sandbox = nodeSandbox();
    const { text, tail } = await collectDiagnostics(sandbox.remote);

    expect(text).toContain("(no /var/log/cloud-init-output.log)");
    expect(text).toContain("status: done");
    expect(tail).toContain("every pod runs (or none exists)");
  });

  it("never throws, even when the instance cannot be reached", async () => {
    const unreachable = () => Promise.reject(new Error("InvalidInstanceId: i-0abc is not online"));
    expect(await collectDiagnostics(unreachable)).toEqual({
      text: "Diagnostics could not be collected from the instance: InvalidInstanceId: i-0abc is not online",
      tail: "Diagnostics could not be collected from the instance: InvalidInstanceId: i-0abc is not online",
    });

    const failing = () =>
      Promise.reject(
        new RemoteScriptError("node-diagnostics", {
          commandId: "c-1",
          status: "TimedOut",
          exitCode: -1,
          stdout: "===== nodes =====\npartial",
          stderr: "killed",
          durationMs: 300_000,
        }),
      );
    const partial = await collectDiagnostics(failing);
    expect(partial.text).toContain("partial");
    expect(partial.text).toContain("diagnostics script ended TimedOut");
  });
});
