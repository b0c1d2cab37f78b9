import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { MAX_COMMAND_BYTES, renderCommand } from "../../src/cloud/remote-script.js";
import { bootstrapScript } from "../../src/node/bootstrap.js";
import { DEVICE_PLUGIN_VERSION, K3S_VERSION, K3S_VERSION_PATTERN } from "../../src/node/versions.js";

const read = (name: string) => readFileSync(new URL(`../../remote/node/${name}`, import.meta.url), "utf8");
const docs = (name: string): unknown[] => parseAllDocuments(read(name)).map((d) => d.toJS());

describe("the GPU manifests", () => {
  const [daemonSet] = docs("device-plugin.yaml");

  it("pin the device plugin at DEVICE_PLUGIN_VERSION", () => {
    expect(daemonSet).toMatchObject({
      spec: { template: { spec: { containers: [{ image: `nvcr.io/nvidia/k8s-device-plugin:${DEVICE_PLUGIN_VERSION}` }] } } },
    });
  });

  it("run the device plugin with the nvidia runtime, on nodes with the label the bootstrap sets", () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "nvidia.com/gpu.present", operator: "In", values: ["true"] }] }],
        },
      },
    };
    expect(daemonSet).toMatchObject({
      spec: {
        template: { spec: { runtimeClassName: "nvidia", affinity, volumes: [{ hostPath: { path: "/var/lib/kubelet/device-plugins" } }] } },
      },
    });
    expect(read("gpu-stack.sh")).toContain("GPU_LABEL=nvidia.com/gpu.present=true");
    expect(read("k3s.sh")).toContain("--node-label nvidia.com/gpu.present=true");
  });

  it("define RuntimeClass nvidia on the nvidia containerd handler", () => {
    expect(docs("runtimeclass.yaml")[0]).toMatchObject({ kind: "RuntimeClass", metadata: { name: "nvidia" }, handler: "nvidia" });
  });

  it("smoke-test the GPU with nvidia-smi in a pod that asks for one", () => {
    expect(docs("smoke-pod.yaml")[0]).toMatchObject({
      spec: {
        runtimeClassName: "nvidia",
        restartPolicy: "Never",
        containers: [{ command: ["nvidia-smi"], resources: { limits: { "nvidia.com/gpu": 1 } } }],
      },
    });
  });
});

describe("the bootstrap command", () => {
  it("pins a k3s release and fits in one SSM command with room to spare", () => {
    expect(K3S_VERSION).toMatch(K3S_VERSION_PATTERN);
    const images = Array.from({ length: 20 }, (_, i) => `registry.example.com/team/workload-${i}:2026.01.${i}`);
    const bytes = Buffer.byteLength(renderCommand(bootstrapScript({ images })));
    expect(bytes).toBeLessThan(MAX_COMMAND_BYTES / 2);
  });
});
