/**
 * k3s v1.34.3+k3s3: the release k3s's own stable channel pointed at in February 2026
 * (k3s-io/k3s#13554), a late patch of a minor line with months of fixes behind it, and recent
 * enough to configure the nvidia containerd runtime by itself when the container toolkit is
 * there at start. The k3s-version input overrides it.
 */
export const K3S_VERSION = "v1.34.3+k3s3";

/**
 * NVIDIA k8s-device-plugin v0.18.2: the last patch of the 0.18 line, the line NVIDIA's own GPU
 * operator ships (NVIDIA/gpu-operator#1958). v0.19.0 changed several defaults (NodeFeature API,
 * GDS/GDRCopy/MOFED flags) and is left for a deliberate upgrade. Must match the image tag in
 * remote/node/device-plugin.yaml (a test checks it).
 */
export const DEVICE_PLUGIN_VERSION = "v0.18.2";

export const K3S_VERSION_PATTERN = /^v\d+\.\d+\.\d+\+k3s\d+$/;
export const DEVICE_PLUGIN_VERSION_PATTERN = /^v\d+\.\d+\.\d+$/;
