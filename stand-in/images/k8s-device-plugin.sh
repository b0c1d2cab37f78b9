#!/usr/bin/env bash
# Handler for NVIDIA's device plugin (nvcr.io/nvidia/k8s-device-plugin:*). Finds the GPUs through
# NVML (the stand-in nvidia-smi: only there when the pod runs with the nvidia runtime), registers
# nvidia.com/gpu with the kubelet by writing the GPU UUIDs into nvidia-gpu.sock in the folder
# mounted at /var/lib/kubelet/device-plugins, then serves until stopped (SIGTERM, or the sandbox
# disappears). The stand-in kubelet counts the UUIDs in that file as allocatable nvidia.com/gpu.
# Knobs: STUB_DEVICE_PLUGIN=ok | never-ready (NVML fails: the pod crash-loops)
#                              | no-register (runs but never registers its GPUs)
#        STUB_DEVICE_PLUGIN_INIT_SECONDS=8 (start -> registered, at STUB_LATENCY_SCALE=1)
set -euo pipefail
# shellcheck source=../instance-bin/lib/stub.sh
source "$(dirname "${BASH_SOURCE[0]}")/../instance-bin/lib/stub.sh"

started=$(stub_now)
klog() { printf '%s%s %s 1 %s] %s\n' "$1" "$(date -u +%m%d)" "$(date -u +%H:%M:%S.%6N)" "$2" "$3"; }
version=${STANDIN_IMAGE##*:}
klog I main.go:235 "Starting NVIDIA Device Plugin $version"
klog I main.go:238 "Starting FS watcher for /var/lib/kubelet/device-plugins"
klog I main.go:245 "Starting OS watcher."
klog I main.go:260 "Starting Plugins."
klog I main.go:317 "Loading configuration."
klog I main.go:352 "Retrieving plugins."

if [[ ${STUB_DEVICE_PLUGIN:-ok} == never-ready ]] || ! devices=$(nvidia-smi --query-gpu=uuid --format=csv,noheader 2>/dev/null); then
  klog E factory.go:112 "Incompatible strategy detected auto"
  klog E factory.go:113 "If this is a GPU node, did you configure the NVIDIA Container Toolkit?"
  klog E factory.go:114 "You can check the prerequisites at: https://github.com/NVIDIA/k8s-device-plugin#prerequisites"
  klog E main.go:177 "error starting plugins: error creating plugin manager: unable to create plugin manager: invalid device discover strategy"
  exit 1
fi

socket_dir=$(/usr/bin/python3 -c 'import json, os; print(json.loads(os.environ["STANDIN_MOUNTS"]).get("/var/lib/kubelet/device-plugins", ""))')
if [[ -z $socket_dir ]]; then
  klog E main.go:177 "error starting plugins: /var/lib/kubelet/device-plugins is not mounted"
  exit 1
fi
# Counted from the container's start (the runtime's startedAt), this handler's own start-up included.
stub_sleep_since "${STANDIN_STARTED_AT:-$started}" "${STUB_DEVICE_PLUGIN_INIT_SECONDS:-8}"
klog I server.go:176 "Starting GRPC server for 'nvidia.com/gpu'"
klog I server.go:141 "Starting to serve 'nvidia.com/gpu' on /var/lib/kubelet/device-plugins/nvidia-gpu.sock"
if [[ ${STUB_DEVICE_PLUGIN:-ok} != no-register ]]; then
  printf '%s\n' "$devices" >"$socket_dir/nvidia-gpu.sock"
  stub_event device-plugin-init "$started" "$(stub_now)"
  klog I server.go:148 "Registered device plugin for 'nvidia.com/gpu' with Kubelet"
else
  klog E server.go:151 "Could not register device plugin: context deadline exceeded"
fi

trap 'rm -f "$socket_dir/nvidia-gpu.sock"; exit 0' TERM INT
while [[ -d $GPU_BENCH_ROOT ]]; do sleep 0.5 & wait $!; done
