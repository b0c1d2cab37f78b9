#!/usr/bin/env bash
# Handler for the AWS EFA Kubernetes device plugin (public.ecr.aws/eks/aws-efa-k8s-device-plugin:*).
# Finds the node's EFA devices (RDMA devices of the efa driver under the instance's
# /sys/class/infiniband, as the real plugin finds them through ibverbs), registers
# vpc.amazonaws.com/efa with the kubelet by writing their names into aws-efa-device-plugin.sock
# in the folder mounted at /var/lib/kubelet/device-plugins, then serves until stopped (SIGTERM,
# or the sandbox disappears). The stand-in kubelet counts the names in that file as allocatable
# vpc.amazonaws.com/efa and hands them to the pods that request it. A node without EFA devices
# registers none, and the plugin keeps running, as the real one does.
# Knobs: STUB_EFA_DEVICE_PLUGIN=ok | no-register (runs but never registers its devices)
#        STUB_EFA_DEVICE_PLUGIN_INIT_SECONDS=3 (start -> registered, at STUB_LATENCY_SCALE=1)
# Its log lines are the stand-in's own words, not the real plugin's.
set -euo pipefail
# shellcheck source=../instance-bin/lib/stub.sh
source "$(dirname "${BASH_SOURCE[0]}")/../instance-bin/lib/stub.sh"

started=$(stub_now)
say() { printf '%s %s\n' "$(date -u +%Y/%m/%d\ %H:%M:%S)" "$*"; }
say "stand-in AWS EFA device plugin ${STANDIN_IMAGE##*:}"

socket_dir=$(/usr/bin/python3 -c 'import json, os; print(json.loads(os.environ["STANDIN_MOUNTS"]).get("/var/lib/kubelet/device-plugins", ""))')
if [[ -z $socket_dir ]]; then
  say "error: /var/lib/kubelet/device-plugins is not mounted"
  exit 1
fi
devices=""
for dev in "$GPU_BENCH_ROOT"/sys/class/infiniband/*; do
  [[ -e $dev ]] || continue
  if [[ $(basename "$(readlink "$dev/device/driver" 2>/dev/null)" 2>/dev/null || true) == efa ]]; then devices+="${dev##*/}"$'\n'; fi
done
say "found $(grep -c . <<<"$devices" || true) EFA device(s): $(tr '\n' ' ' <<<"$devices")"
stub_sleep_since "${STANDIN_STARTED_AT:-$started}" "${STUB_EFA_DEVICE_PLUGIN_INIT_SECONDS:-3}"
if [[ -n $devices && ${STUB_EFA_DEVICE_PLUGIN:-ok} != no-register ]]; then
  printf '%s' "$devices" >"$socket_dir/aws-efa-device-plugin.sock"
  say "registered vpc.amazonaws.com/efa with the kubelet"
elif [[ -n $devices ]]; then
  say "error: could not register vpc.amazonaws.com/efa with the kubelet"
fi

trap 'rm -f "$socket_dir/aws-efa-device-plugin.sock"; exit 0' TERM INT
while [[ -d $GPU_BENCH_ROOT ]]; do sleep 0.5 & wait $!; done
