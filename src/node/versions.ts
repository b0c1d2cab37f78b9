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

/**
 * The AWS EFA Kubernetes device plugin v0.5.13: the appVersion of the aws-efa-k8s-device-plugin
 * chart v0.5.20 in aws/eks-charts (stable/aws-efa-k8s-device-plugin). The chart's default
 * repository is EKS's own ECR (602401143452.dkr.ecr.us-west-2.amazonaws.com), which needs ECR
 * credentials of that account; the same image is on the public mirror public.ecr.aws/eks, which a
 * k3s node pulls without any. Must match the image tag in remote/node/efa-device-plugin.yaml (a
 * test checks it).
 */
export const EFA_DEVICE_PLUGIN_VERSION = "v0.5.13";

/**
 * The AWS EFA installer (https://efa-installer.amazonaws.com/aws-efa-installer-<version>.tar.gz)
 * for a node whose AMI has no EFA software (no /opt/amazon/efa; the Deep Learning AMIs have it).
 * 1.41.0 carries libfabric 2.1, rdma-core 57 and the AWS OFI NCCL plugin 1.14 (libnccl-ofi,
 * bundled since 1.40.0; EFA release notes), installed under /opt/amazon/efa and
 * /opt/amazon/ofi-nccl. The sha256 is the one AWS ParallelCluster's cookbook pins for 1.41.0
 * (aws/aws-parallelcluster-cookbook#2953); the download is checked against it.
 */
export const EFA_INSTALLER = {
  version: "1.41.0",
  sha256: "3506354cdfbe31ff552fe75f5d0d9bb7efd29cf79bd99457347d29c751c38f9f",
} as const;
