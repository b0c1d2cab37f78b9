import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bootstrapNode, type BootstrapOptions } from "../../src/node/bootstrap.js";
import { DEVICE_PLUGIN_VERSION, K3S_VERSION } from "../../src/node/versions.js";
import { nodeSandbox, type NodeSandbox } from "./node-sandbox.js";

const WORKLOAD_IMAGES = ["pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", "vllm/vllm-openai:v0.8.5"];
let sandbox: NodeSandbox | undefined;
afterEach(() => sandbox?.dispose());

function options(s: NodeSandbox, extra: Partial<BootstrapOptions> = {}): BootstrapOptions {
  return { images: WORKLOAD_IMAGES, clock: s.clock, log: s.log, ...extra };
}

describe("bootstrapNode on the stand-in instance", () => {
  it("makes a GPU schedulable, pulls the images and says exactly what the node is", async () => {
    sandbox = nodeSandbox();
    const node = await bootstrapNode(sandbox.remote, options(sandbox));

    expect(node.gpuCount).toBe(1);
    expect(node.inventory).toMatchObject({
      k3sVersion: K3S_VERSION,
      driverVersion: "570.172.08",
      cudaVersion: "12.8",
      gpus: [
        {
          index: 0,
          name: "NVIDIA A10G",
          memoryMiB: 23028,
          eccMode: "Enabled",
          powerLimitW: 300,
          maxSmClockMHz: 1710,
          maxMemClockMHz: 6251,
          computeCapability: "8.6",
        },
      ],
    });
    expect(node.inventory.gpus[0]?.uuid).toMatch(/^GPU-[0-9a-f-]{36}$/);
    expect(node.inventory.kernel).toBeTruthy();
    const refs = node.inventory.images.map((i) => i.ref);
    expect(refs).toEqual([
      `nvcr.io/nvidia/k8s-device-plugin:${DEVICE_PLUGIN_VERSION}`,
      "nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04",
      ...WORKLOAD_IMAGES,
    ]);
    for (const image of node.inventory.images) expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const names = node.phases.map((p) => p.name);
    for (const phase of [
      "node-bootstrap",
      "driver-check",
      "container-toolkit",
      "k3s-install",
      "k3s-ready",
      "device-plugin",
      "gpu-allocatable",
      "gpu-smoke-test",
      "images-present",
      "inventory",
    ]) {
      expect(names).toContain(phase);
    }
    expect(names.filter((n) => n === "image-pull")).toHaveLength(4);
    expect(node.phases.every((p) => p.status === "ok")).toBe(true);
    // Pulls start once containerd runs, before the node is Ready: they overlap the GPU steps.
    const pullsStart = node.phases.find((p) => p.name === "images-present")!.startedAt;
    const k3sReady = node.phases.find((p) => p.name === "k3s-ready")!.endedAt;
    expect(pullsStart < k3sReady).toBe(true);

    expect(statSync(join(sandbox.root, "etc/rancher/k3s/k3s.yaml")).mode & 0o777).toBe(0o600);
    expect(sandbox.lines("var/log/stand-in/downloads.log")).toHaveLength(1);
  });

  it("skips the download when the pinned k3s is already installed, and is idempotent", async () => {
    sandbox = nodeSandbox();
    await bootstrapNode(sandbox.remote, options(sandbox));
    const again = await bootstrapNode(sandbox.remote, options(sandbox));

    expect(sandbox.lines("var/log/stand-in/downloads.log")).toHaveLength(1);
    expect(again.phases.find((p) => p.name === "k3s-install")?.detail).toBe(`${K3S_VERSION}, already installed`);
    expect(again.gpuCount).toBe(1);
  });

  it("installs the container toolkit from NVIDIA's apt repository when the AMI lacks it, before k3s starts", async () => {
    sandbox = nodeSandbox({ STUB_NVIDIA_TOOLKIT: "missing" });
    const node = await bootstrapNode(sandbox.remote, options(sandbox, { images: [] }));

    expect(node.phases.find((p) => p.name === "container-toolkit")?.detail).toBe("installed from NVIDIA's apt repository");
    expect(sandbox.lines("etc/apt/sources.list.d/nvidia-container-toolkit.list")[0]).toContain(
      "https://nvidia.github.io/libnvidia-container/stable/deb/$(ARCH) /",
    );
    expect(sandbox.lines("var/lib/rancher/k3s/agent/etc/containerd/config.toml").join("\n")).toContain('runtimes."nvidia"');
  });

  it("counts every GPU of a multi-GPU instance", async () => {
    sandbox = nodeSandbox({ STUB_GPU_COUNT: "4", STUB_GPU_MODEL: "Tesla T4" });
    const node = await bootstrapNode(sandbox.remote, options(sandbox, { images: [] }));

    expect(node.gpuCount).toBe(4);
    expect(node.inventory.gpus.map((g) => g.name)).toEqual(Array(4).fill("Tesla T4"));
    expect(new Set(node.inventory.gpus.map((g) => g.uuid)).size).toBe(4);
    expect(node.phases.find((p) => p.name === "gpu-allocatable")?.detail).toBe("nvidia.com/gpu: 4");
  });
});
