import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { MAX_COMMAND_BYTES, renderCommand } from "../../src/cloud/remote-script.js";
import { bootstrapScript } from "../../src/node/bootstrap.js";
import {
  DEVICE_PLUGIN_VERSION,
  EFA_DEVICE_PLUGIN_VERSION,
  EFA_INSTALLER,
  K3S_VERSION,
  K3S_VERSION_PATTERN,
} from "../../src/node/versions.js";

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

describe("the EFA device plugin manifest", () => {
  const [daemonSet] = docs("efa-device-plugin.yaml");

  it("pins the AWS EFA device plugin at EFA_DEVICE_PLUGIN_VERSION, from the public mirror of EKS's image", () => {
    expect(EFA_DEVICE_PLUGIN_VERSION).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(daemonSet).toMatchObject({
      metadata: { name: "aws-efa-k8s-device-plugin-daemonset", namespace: "kube-system" },
      spec: {
        template: { spec: { containers: [{ image: `public.ecr.aws/eks/aws-efa-k8s-device-plugin:${EFA_DEVICE_PLUGIN_VERSION}` }] } },
      },
    });
    expect(read("efa.sh")).toContain("EFA_PLUGIN_IMAGE=public.ecr.aws/eks/aws-efa-k8s-device-plugin\n");
  });

  it("runs as the chart does (host network, kubelet's device-plugin folder and /dev/infiniband), on the nodes the bootstrap labels", () => {
    expect(daemonSet).toMatchObject({
      spec: {
        template: {
          spec: {
            hostNetwork: true,
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: "vpc.amazonaws.com/efa.present", operator: "In", values: ["true"] }] }],
                },
              },
            },
            volumes: [{ hostPath: { path: "/var/lib/kubelet/device-plugins" } }, { hostPath: { path: "/dev/infiniband/" } }],
          },
        },
      },
    });
    expect(read("efa.sh")).toContain("EFA_LABEL=vpc.amazonaws.com/efa.present=true");
    expect(read("k3s.sh")).toContain('--node-label vpc.amazonaws.com/efa.present=true"');
  });

  it("pins the EFA installer with its sha256, which the node checks before running it", () => {
    expect(EFA_INSTALLER.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(EFA_INSTALLER.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(read("efa.sh")).toContain("sha256sum -c");
  });
});

describe("the bootstrap command", () => {
  it("pins a k3s release and fits in one SSM command with room to spare", () => {
    expect(K3S_VERSION).toMatch(K3S_VERSION_PATTERN);
    const images = Array.from({ length: 20 }, (_, i) => `registry.example.com/team/workload-${i}:2026.01.${i}`);
    const bytes = Buffer.byteLength(renderCommand(bootstrapScript({ images })));
    expect(bytes).toBeLessThan(MAX_COMMAND_BYTES / 2);
    // With EFA, efa.sh and the EFA device plugin's manifest come along: a quarter still spare.
    const efa = bootstrapScript({ images, efa: true });
    expect(efa.files!.map((f) => f.path)).toEqual(expect.arrayContaining(["efa.sh", "efa-device-plugin.yaml"]));
    expect(bootstrapScript({ images }).files!.map((f) => f.path)).not.toContain("efa.sh");
    expect(Buffer.byteLength(renderCommand(efa))).toBeLessThan(MAX_COMMAND_BYTES * 0.75);
    expect(efa.env).toMatchObject({
      EFA: "1",
      EFA_DEVICE_PLUGIN_VERSION,
      EFA_INSTALLER_VERSION: EFA_INSTALLER.version,
      EFA_INSTALLER_SHA256: EFA_INSTALLER.sha256,
    });
    expect(bootstrapScript({ images }).env).not.toHaveProperty("EFA");
  });
});
