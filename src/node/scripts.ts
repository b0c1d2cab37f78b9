import type { RemoteFile } from "../cloud/remote-script.js";
import bootstrapSh from "../../remote/node/bootstrap.sh";
import diagnosticsSh from "../../remote/node/diagnostics.sh";
import libSh from "../../remote/node/lib.sh";
import nvidiaSh from "../../remote/node/nvidia.sh";
import k3sSh from "../../remote/node/k3s.sh";
import gpuStackSh from "../../remote/node/gpu-stack.sh";
import inventorySh from "../../remote/node/inventory.sh";
import pullImagesSh from "../../remote/node/pull-images.sh";
import runtimeClassYaml from "../../remote/node/runtimeclass.yaml";
import devicePluginYaml from "../../remote/node/device-plugin.yaml";
import efaSh from "../../remote/node/efa.sh";
import efaDevicePluginYaml from "../../remote/node/efa-device-plugin.yaml";
import smokePodYaml from "../../remote/node/smoke-pod.yaml";
import nodeTokenSh from "../../remote/node/node-token.sh";
import clusterReadySh from "../../remote/node/cluster-ready.sh";

export { bootstrapSh, diagnosticsSh, devicePluginYaml, efaDevicePluginYaml, nodeTokenSh, clusterReadySh };

/** What node-token.sh sources (the runner's public key is added per read). */
export const NODE_TOKEN_FILES: readonly RemoteFile[] = [{ path: "lib.sh", content: libSh }];

/** What cluster-ready.sh sources and applies. */
export const CLUSTER_READY_FILES: readonly RemoteFile[] = [
  { path: "lib.sh", content: libSh },
  { path: "inventory.sh", content: inventorySh },
  { path: "smoke-pod.yaml", content: smokePodYaml },
];

/** What bootstrap.sh sources and applies, materialized next to it on the instance. */
export const BOOTSTRAP_FILES: readonly RemoteFile[] = [
  { path: "lib.sh", content: libSh },
  { path: "nvidia.sh", content: nvidiaSh },
  { path: "k3s.sh", content: k3sSh },
  { path: "gpu-stack.sh", content: gpuStackSh },
  { path: "inventory.sh", content: inventorySh },
  { path: "pull-images.sh", content: pullImagesSh },
  { path: "runtimeclass.yaml", content: runtimeClassYaml },
  { path: "device-plugin.yaml", content: devicePluginYaml },
  { path: "smoke-pod.yaml", content: smokePodYaml },
];

/** What bootstrap.sh also sources and applies with EFA=1 (suite `efa`). */
export const EFA_BOOTSTRAP_FILES: readonly RemoteFile[] = [
  { path: "efa.sh", content: efaSh },
  { path: "efa-device-plugin.yaml", content: efaDevicePluginYaml },
];
