#!/usr/bin/env bash
# Turns a fresh GPU instance into a one-node k3s cluster whose pods can get GPUs, as fast as the
# steps allow: image pulls start as soon as containerd runs and overlap the device plugin
# rollout. Idempotent: a re-run skips what is already there.
# With K3S_ROLE=agent it makes the instance a node of the cluster whose server is at
# K3S_SERVER_URL instead: the same driver, toolkit and k3s install, then the join (see k3s.sh) and
# the image pulls; the server node applies the device plugin and checks the node (cluster-ready.sh).
#
# Usage: bootstrap.sh [IMAGE...]   (the suite's workload images, pre-pulled)
# Environment: K3S_VERSION, DEVICE_PLUGIN_VERSION (required); K3S_READY_TIMEOUT,
# DEVICE_PLUGIN_TIMEOUT, GPU_ALLOCATABLE_TIMEOUT, SMOKE_TEST_TIMEOUT, IMAGE_PULL_TIMEOUT (seconds);
# for an agent K3S_ROLE=agent, K3S_SERVER_URL, K3S_TOKEN_PARAMETER, K3S_TOKEN_REGION,
# K3S_JOIN_TIMEOUT, K3S_JOIN_POLL_SECONDS; with EFA=1 (suite `efa`) the EFA software, its check
# and the EFA device plugin too (efa.sh): EFA_DEVICE_PLUGIN_VERSION, EFA_INSTALLER_VERSION,
# EFA_INSTALLER_SHA256, EFA_DEVICE_PLUGIN_TIMEOUT, EFA_ALLOCATABLE_TIMEOUT.
# Prints progress lines and GPU_BENCH_JSON lines (phases with the instance's own timestamps, the
# inventory, or the error that stopped it); see lib.sh.
# shellcheck source-path=SCRIPTDIR
NODE_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$NODE_SCRIPTS/lib.sh"
source "$NODE_SCRIPTS/nvidia.sh"
source "$NODE_SCRIPTS/k3s.sh"
source "$NODE_SCRIPTS/gpu-stack.sh"
source "$NODE_SCRIPTS/inventory.sh"
# efa.sh comes with EFA=1 only (it and its manifest are sent with the suite's `efa`).
if [[ ${EFA:-0} == 1 ]]; then source "$NODE_SCRIPTS/efa.sh"; fi

K3S_READY_TIMEOUT=${K3S_READY_TIMEOUT:-180}
DEVICE_PLUGIN_TIMEOUT=${DEVICE_PLUGIN_TIMEOUT:-180}
GPU_ALLOCATABLE_TIMEOUT=${GPU_ALLOCATABLE_TIMEOUT:-60}
SMOKE_TEST_TIMEOUT=${SMOKE_TEST_TIMEOUT:-180}
IMAGE_PULL_TIMEOUT=${IMAGE_PULL_TIMEOUT:-900}
K3S_JOIN_TIMEOUT=${K3S_JOIN_TIMEOUT:-600}
K3S_JOIN_POLL_SECONDS=${K3S_JOIN_POLL_SECONDS:-0.5}

if [[ ! ${K3S_VERSION:-} =~ ^v[0-9]+\.[0-9]+\.[0-9]+\+k3s[0-9]+$ ]]; then
  fail "K3S_VERSION '${K3S_VERSION:-}' is not a k3s release such as v1.34.3+k3s3." "Set the k3s-version input to a tag from https://github.com/k3s-io/k3s/releases." validate
fi
if [[ ! ${DEVICE_PLUGIN_VERSION:-} =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  fail "DEVICE_PLUGIN_VERSION '${DEVICE_PLUGIN_VERSION:-}' is not a release such as v0.18.2." "Use a tag from https://github.com/NVIDIA/k8s-device-plugin/releases." validate
fi
EFA=${EFA:-0}
if [[ $EFA == 1 ]]; then
  if [[ ! ${EFA_DEVICE_PLUGIN_VERSION:-} =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    fail "EFA_DEVICE_PLUGIN_VERSION '${EFA_DEVICE_PLUGIN_VERSION:-}' is not a release such as v0.5.13." "This is a bug in the runner." validate
  fi
  if [[ ! ${EFA_INSTALLER_VERSION:-} =~ ^[0-9]+\.[0-9]+\.[0-9]+$ || ! ${EFA_INSTALLER_SHA256:-} =~ ^[0-9a-f]{64}$ ]]; then
    fail "EFA_INSTALLER_VERSION '${EFA_INSTALLER_VERSION:-}' or its sha256 is malformed." "This is a bug in the runner." validate
  fi
fi
if [[ $K3S_ROLE == agent ]]; then
  if [[ ! ${K3S_SERVER_URL:-} =~ ^https://[0-9.]+:6443$ ]]; then
    fail "K3S_SERVER_URL '${K3S_SERVER_URL:-}' is not https://<server private IP>:6443." "This is a bug in the runner." validate
  fi
  if [[ -z ${K3S_TOKEN_PARAMETER:-} || -z ${K3S_TOKEN_REGION:-} ]]; then
    fail "An agent needs K3S_TOKEN_PARAMETER and K3S_TOKEN_REGION." "This is a bug in the runner." validate
  fi
fi
for image in "$@"; do
  if [[ -z $image || $image =~ [[:space:]] ]]; then
    fail "Image reference '$image' is empty or contains white space." "Check the images of the suite's workloads." validate
  fi
done

RUN_DIR=$(mktemp -d)
PULL_DIR="$RUN_DIR/pulls"
PULL_PID=""
INSTALLER_PID=""
# Background work runs in its own session (setsid): stopping it stops everything it started.
stop_background() {
  local pid
  for pid in "$PULL_PID" "$INSTALLER_PID"; do
    if [[ -n $pid ]]; then kill -- "-$pid" 2>/dev/null || true; fi
  done
}
trap stop_background EXIT

# The device plugin and smoke images are pulled with the workloads' so that none of them waits
# for the node to be Ready; duplicates are pulled once.
SMOKE_IMAGE=$(awk '$1 == "image:" { print $2; exit }' "$NODE_SCRIPTS/smoke-pod.yaml")
PULL_IMAGES=()
PLUGIN_IMAGES=("nvcr.io/nvidia/k8s-device-plugin:$DEVICE_PLUGIN_VERSION")
if [[ $EFA == 1 ]]; then PLUGIN_IMAGES+=("$EFA_PLUGIN_IMAGE:$EFA_DEVICE_PLUGIN_VERSION"); fi
for image in "${PLUGIN_IMAGES[@]}" "$SMOKE_IMAGE" "$@"; do
  case " ${PULL_IMAGES[*]} " in *" $image "*) ;; *) PULL_IMAGES+=("$image") ;; esac
done

failed_pull() {
  local file ref reason
  for file in "$PULL_DIR"/*.error; do
    [[ -e $file ]] || continue
    IFS=$'\t' read -r ref reason <"$file"
    fail "Could not pull image '$ref': $reason" \
      "Check the image name and tag in the suite, that its registry is reachable from the instance (public IP or NAT gateway), and that it is public." \
      image-pull
  done
}

wait_pulls() {
  progress "waiting for the image pulls"
  local pull_status=0
  wait "$PULL_PID" || pull_status=$?
  PULL_PID=""
  failed_pull
  if ((pull_status != 0)); then fail "Pulling images ended with status $pull_status." "See the image-pull lines above." image-pull; fi
}

k3s_install_begin
check_driver
ensure_container_toolkit
# Before k3s starts: its containers inherit the locked-memory limit set there.
if [[ $EFA == 1 ]]; then ensure_efa_software; fi
k3s_install_finish
k3s_wait_containerd
setsid bash "$NODE_SCRIPTS/pull-images.sh" "$PULL_DIR" "$IMAGE_PULL_TIMEOUT" "${PULL_IMAGES[@]}" &
PULL_PID=$!
if [[ $K3S_ROLE == agent ]]; then
  wait_pulls
  print_inventory "${#PULL_IMAGES[@]}"
  progress "agent ready: $GPU_COUNT GPU(s), ${#PULL_IMAGES[@]} image(s) present; the server node checks its node"
  exit 0
fi
k3s_wait_node_registered
render_device_plugin "$RUN_DIR/device-plugin.yaml"
apply_gpu_stack "$RUN_DIR/device-plugin.yaml"
if [[ $EFA == 1 ]]; then
  render_efa_device_plugin "$RUN_DIR/efa-device-plugin.yaml"
  apply_efa_device_plugin "$RUN_DIR/efa-device-plugin.yaml"
fi
k3s_wait_node_ready
failed_pull
wait_device_plugin
failed_pull
wait_gpu_allocatable
failed_pull
if [[ $EFA == 1 ]]; then
  wait_efa_allocatable
  failed_pull
fi
run_smoke_test

wait_pulls
print_inventory "${#PULL_IMAGES[@]}"
progress "node ready: $GPU_COUNT GPU(s) schedulable, ${#PULL_IMAGES[@]} image(s) present"
