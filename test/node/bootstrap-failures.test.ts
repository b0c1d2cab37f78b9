import { afterEach, describe, expect, it } from "vitest";
import { bootstrapNode, NodeBootstrapError, type BootstrapOptions } from "../../src/node/bootstrap.js";
import { EFA_INSTALLER } from "../../src/node/versions.js";
import { writeEfaDevices, writeEfaSoftware } from "../../stand-in/efa.js";
import { INSTANCE_BIN } from "../support/local-remote.js";
import { nodeSandbox, type NodeSandbox } from "./node-sandbox.js";

const WORKLOAD_IMAGES = ["pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", "vllm/vllm-openai:v0.8.5"];
let sandbox: NodeSandbox | undefined;
afterEach(() => sandbox?.dispose());

function options(s: NodeSandbox, extra: Partial<BootstrapOptions> = {}): BootstrapOptions {
  return { images: WORKLOAD_IMAGES, clock: s.clock, log: s.log, ...extra };
}

async function failure(s: NodeSandbox, extra: Partial<BootstrapOptions> = {}): Promise<NodeBootstrapError> {
  const error = await bootstrapNode(s.remote, options(s, extra)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NodeBootstrapError);
  return error as NodeBootstrapError;
}

describe("bootstrapNode failures say what did not work and what to do", () => {
  it("a missing driver names the GPU AMI to use", async () => {
    sandbox = nodeSandbox({ STUB_NVIDIA_DRIVER: "missing" });
    const error = await failure(sandbox);

    expect(error.step).toBe("driver-check");
    expect(error.message).toContain("NVIDIA driver not found: nvidia-smi is not installed");
    expect(error.hint).toContain("Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04)");
    expect(error.phases.find((p) => p.name === "driver-check")?.status).toBe("failed");
    expect(sandbox.lines("var/lib/stand-in/systemd/k3s.service.active")).toHaveLength(0);
  });

  it("a driver nvidia-smi cannot talk to is reported with nvidia-smi's words", async () => {
    sandbox = nodeSandbox({ STUB_NVIDIA_DRIVER: "broken" });
    const error = await failure(sandbox);

    expect(error.step).toBe("driver-check");
    expect(error.message).toContain("couldn't communicate with the NVIDIA driver");
  });

  it("a device plugin that never gets ready fails within its bounded wait, naming the DaemonSet and its pod", async () => {
    sandbox = nodeSandbox({ STUB_DEVICE_PLUGIN: "never-ready" });
    const error = await failure(sandbox, { images: [], timeouts: { devicePluginSeconds: 2, gpuAllocatableSeconds: 2 } });

    expect(error.step).toBe("device-plugin");
    // A plugin that crashes at once may look ready to the rollout for a moment; either way the
    // failure is the plugin's, with its pod's state.
    expect(error.message).toMatch(
      /DaemonSet kube-system\/nvidia-device-plugin-daemonset, v\d+\.\d+\.\d+\) (did not become ready within 2s|does not run)/,
    );
    expect(error.message).toMatch(/nvidia-device-plugin-daemonset-\w+ [01]\/1 (CrashLoopBackOff|Error|Running)/);
    expect(error.hint).toContain("nvidia runtime");
  });

  it("a device plugin that runs but registers no GPU fails at gpu-allocatable", async () => {
    sandbox = nodeSandbox({ STUB_DEVICE_PLUGIN: "no-register" });
    const error = await failure(sandbox, { images: [], timeouts: { gpuAllocatableSeconds: 1 } });

    expect(error.step).toBe("gpu-allocatable");
    expect(error.message).toContain("The node offers no nvidia.com/gpu after 1s; nvidia-smi sees 1 GPU(s).");
  });

  it("an image that cannot be pulled is named, with the registry's answer", async () => {
    const missing = "vllm/vllm-openai:v0.0.0-does-not-exist";
    sandbox = nodeSandbox({ STUB_IMAGE_PULL_FAIL: missing });
    const error = await failure(sandbox, { images: [WORKLOAD_IMAGES[0]!, missing] });

    expect(error.step).toBe("image-pull");
    expect(error.message).toContain(`Could not pull image '${missing}'`);
    expect(error.message).toContain("not found");
    expect(error.hint).toContain("registry is reachable");
    const pulls = error.phases.filter((p) => p.name === "image-pull");
    expect(pulls.find((p) => p.detail?.startsWith(missing))?.status).toBe("failed");
  });

  it("a k3s binary whose checksum does not match is refused by the installer", async () => {
    sandbox = nodeSandbox({ STUB_K3S_CHECKSUM: "bad" });
    const error = await failure(sandbox);

    expect(error.step).toBe("k3s-install");
    expect(error.message).toContain("Download sha256 does not match");
    expect(error.hint).toContain("k3s-version");
  });

  it("a node that never gets Ready fails within the k3s wait", async () => {
    sandbox = nodeSandbox({ STUB_K3S: "never-ready" });
    const error = await failure(sandbox, { images: [], timeouts: { k3sReadySeconds: 2 } });

    expect(error.step).toBe("k3s-ready");
    expect(error.message).toContain("did not become Ready within 2s");
    expect(error.hint).toContain("journalctl -u k3s");
  });

  it("a version that is not a release tag is refused before anything runs", async () => {
    sandbox = nodeSandbox();
    const error = await failure(sandbox, { k3sVersion: "latest" });

    expect(error.step).toBe("validate");
    expect(sandbox.remote.calls).toHaveLength(0);
  });
});

describe("bootstrapNode with efa: a node whose EFA does not work fails at efa-software, naming the node and the fix", () => {
  /** A sandbox as a stand-in instance with `devices` EFA devices and the stand-in AMI's EFA software. */
  function efaSandbox(devices: number, knobs: Record<string, string> = {}, software = true): NodeSandbox {
    const s = nodeSandbox(knobs);
    if (devices > 0) writeEfaDevices(s.root, devices);
    if (software) writeEfaSoftware(s.root, INSTANCE_BIN);
    return s;
  }

  it("an AMI without EFA software gets the pinned EFA installer; when it cannot be downloaded, says from where and what the node needs", async () => {
    // The stand-in's curl resolves no host but the ones the bootstrap always needs: efa-installer.amazonaws.com is unreachable.
    sandbox = efaSandbox(1, {}, false);
    const error = await failure(sandbox, { images: [], efa: true });
    expect(error.step).toBe("efa-software");
    expect(error.message).toContain(
      `Could not download the EFA installer from https://efa-installer.amazonaws.com/aws-efa-installer-${EFA_INSTALLER.version}.tar.gz.`,
    );
    expect(error.hint).toContain("a NAT gateway: an instance with several network interfaces gets no public IPv4");
    expect(error.hint).toContain("Deep Learning AMIs");
  });

  it("libfabric without its efa provider (fi_info -p efa finds none): says so with fi_info's words, before k3s starts", async () => {
    sandbox = efaSandbox(1, { STUB_FI_INFO: "no-provider" });
    const error = await failure(sandbox, { images: [], efa: true });
    expect(error.step).toBe("efa-software");
    expect(error.message).toMatch(
      /^Node bootstrap failed at efa-software: libfabric on \S+ does not offer its efa provider \(fi_info -p efa -t FI_EP_RDM: fi_getinfo: -61 \(No data available\)\) although the node has 1 EFA device\(s\)\./,
    );
    expect(error.hint).toContain(
      "reinstall it with the EFA installer (efa_installer.sh -y) and reboot, or launch a current Deep Learning AMI",
    );
    expect(sandbox.lines("var/lib/stand-in/systemd/k3s.service.active")).toHaveLength(0);
  });

  it("no EFA device although the suite sets efa", async () => {
    sandbox = efaSandbox(0);
    const error = await failure(sandbox, { images: [], efa: true });
    expect(error.step).toBe("efa-software");
    expect(error.message).toMatch(
      /has no EFA device \(no RDMA device of the efa driver under \/sys\/class\/infiniband\) although the suite sets 'efa: true'/,
    );
    expect(error.hint).toContain("efa kernel module");
  });

  it("an EFA device plugin that registers nothing fails at efa-allocatable, naming its DaemonSet", async () => {
    sandbox = efaSandbox(2, { STUB_EFA_DEVICE_PLUGIN: "no-register" });
    const error = await failure(sandbox, { images: [], efa: true, timeouts: { gpuAllocatableSeconds: 1 } });
    expect(error.step).toBe("efa-allocatable");
    expect(error.message).toMatch(
      /^Node bootstrap failed at efa-allocatable: The node offers no vpc\.amazonaws\.com\/efa after 1s; it has 2 EFA device\(s\)/,
    );
    expect(error.message).toContain("aws-efa-k8s-device-plugin-daemonset-");
  });

  it("a working node: EFA software from the AMI, its locked-memory limit lifted for k3s's containers, one vpc.amazonaws.com/efa per device", async () => {
    sandbox = efaSandbox(2);
    const ready = await bootstrapNode(sandbox.remote, options(sandbox, { images: [], efa: true }));
    const phases = ready.phases.map((p) => [p.name, p.status, p.detail]);
    expect(phases).toContainEqual([
      "efa-software",
      "ok",
      "2 EFA device(s), provider efa, software on the AMI, OFI NCCL plugin in /opt/amazon/ofi-nccl/lib",
    ]);
    expect(phases).toContainEqual(["efa-allocatable", "ok", "vpc.amazonaws.com/efa: 2"]);
    expect(ready.inventory.efaSoftware).toEqual({
      libfabricHome: "/opt/amazon/efa",
      ofiNcclHome: "/opt/amazon/ofi-nccl",
      ofiNcclLibDir: "/opt/amazon/ofi-nccl/lib",
      source: "on the AMI",
    });
    expect(sandbox.lines("etc/systemd/system/k3s.service.d/efa-memlock.conf")).toEqual(["[Service]", "LimitMEMLOCK=infinity"]);
  });
});
