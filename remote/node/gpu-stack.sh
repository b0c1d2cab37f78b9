#!/usr/bin/env bash
# The Kubernetes side of the GPU: RuntimeClass nvidia, NVIDIA's device plugin, nvidia.com/gpu
# allocatable, and a smoke pod that runs nvidia-smi. Sourced by bootstrap.sh.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PLUGIN_NAMESPACE=kube-system
PLUGIN_DAEMONSET=nvidia-device-plugin-daemonset
PLUGIN_SELECTOR=name=nvidia-device-plugin-ds
GPU_LABEL=nvidia.com/gpu.present=true
PLUGIN_HINT="Its pod description and log are in the diagnostics. Usual causes: the image could not be pulled, or NVML is not visible in the pod because k3s started without the nvidia runtime (container toolkit missing at k3s start)."

# The device plugin manifest with its image set to DEVICE_PLUGIN_VERSION, written to $1.
render_device_plugin() {
  sed "s#\(image: nvcr.io/nvidia/k8s-device-plugin:\).*#\1$DEVICE_PLUGIN_VERSION#" "$NODE_SCRIPTS/device-plugin.yaml" >"$1"
}

# Sets PLUGIN_APPLIED_AT. Labelling and applying run side by side: the DaemonSet schedules its
# pod as soon as both are done, in either order.
apply_gpu_stack() { # rendered-device-plugin-manifest
  PLUGIN_APPLIED_AT=$(now_iso)
  kc label "$NODE" "$GPU_LABEL" --overwrite >/dev/null &
  local label_pid=$!
  kc apply -f "$NODE_SCRIPTS/runtimeclass.yaml" -f "$1" | sed 's/^/  /'
  wait "$label_pid" || fail "Could not label $NODE with $GPU_LABEL." "See the k3s journal in the diagnostics."
}

# The plugin's first pod line, and the log line that says why it fails (of its error lines, one
# naming NVML, else the last; klog's "E1130 02:40:11.100100 1 file.go:68]" prefix cut). The pods
# and the log go to stderr, which the diagnostics keep.
plugin_pod_summary() {
  local pods logs errors why
  pods=$(kc -n "$PLUGIN_NAMESPACE" get pods -l "$PLUGIN_SELECTOR" --no-headers 2>&1 || true)
  logs=$(kc -n "$PLUGIN_NAMESPACE" logs -l "$PLUGIN_SELECTOR" --tail=20 2>&1 || true)
  # A crash-looping container's current log may be empty: the run before it says why it died.
  if [[ -z $logs ]]; then logs=$(kc -n "$PLUGIN_NAMESPACE" logs -l "$PLUGIN_SELECTOR" --tail=20 --previous 2>&1 || true); fi
  printf 'device plugin pods:\n%s\nlast log lines:\n%s\n' "${pods:-none}" "${logs:-none}" >&2
  errors=$(grep -E -i '^[EF][0-9]{4} |error|fail' <<<"$logs" || true)
  why=$(grep -i -m 1 'nvml' <<<"$errors" || tail -n 1 <<<"$errors")
  why=$(sed -E 's/^[EWIF][0-9]{4} [0-9:.]+ +[0-9]+ [^]]+\] //; s/\.$//' <<<"$why")
  printf '%s%s' "$(printf '%s' "${pods:-no pod was created}" | head -n 1 | tr -s ' ')" "${why:+; its log says: $why}"
}

wait_device_plugin() {
  step_begin device-plugin "$PLUGIN_APPLIED_AT"
  if ! kc -n "$PLUGIN_NAMESPACE" rollout status "daemonset/$PLUGIN_DAEMONSET" --timeout="${DEVICE_PLUGIN_TIMEOUT}s" >/dev/null 2>&1; then
    fail "The NVIDIA device plugin (DaemonSet $PLUGIN_NAMESPACE/$PLUGIN_DAEMONSET, $DEVICE_PLUGIN_VERSION) did not become ready within ${DEVICE_PLUGIN_TIMEOUT}s: $(plugin_pod_summary)." \
      "$PLUGIN_HINT"
  fi
  step_end "$DEVICE_PLUGIN_VERSION rolled out"
}

# Waiting on a field that does not exist yet needs kubectl >= 1.31 (k3s >= v1.31); older ones
# stop at once.
wait_gpu_allocatable() {
  step_begin gpu-allocatable
  if ! kc wait --for="jsonpath={.status.allocatable.nvidia\.com/gpu}=$GPU_COUNT" "$NODE" --timeout="${GPU_ALLOCATABLE_TIMEOUT}s" >/dev/null 2>&1; then
    local seen pod
    seen=$(kc get "$NODE" -o 'jsonpath={.status.allocatable.nvidia\.com/gpu}' 2>/dev/null || true)
    pod=$(plugin_pod_summary)
    # A plugin that crashed after a moment looked ready to the rollout: blame it, not the node.
    if [[ ! $pod =~ ^[^[:space:]]+[[:space:]]+1/1[[:space:]]+Running[[:space:]]+0[[:space:]] ]]; then
      fail "The NVIDIA device plugin (DaemonSet $PLUGIN_NAMESPACE/$PLUGIN_DAEMONSET, $DEVICE_PLUGIN_VERSION) does not run: $pod." \
        "$PLUGIN_HINT" device-plugin
    fi
    fail "The node offers ${seen:-no} nvidia.com/gpu after ${GPU_ALLOCATABLE_TIMEOUT}s; nvidia-smi sees $GPU_COUNT GPU(s)." \
      "The device plugin runs but did not register every GPU with the kubelet; its log is in the diagnostics."
  fi
  step_end "nvidia.com/gpu: $GPU_COUNT"
}

# A fresh pod each run (generateName): a re-run tests the GPU again rather than finding the old
# pod. Its container's end is awaited, then its phase and log say whether nvidia-smi worked.
run_smoke_test() {
  step_begin gpu-smoke-test
  local pod phase logs state
  pod=$(kc create -f "$NODE_SCRIPTS/smoke-pod.yaml" -o name)
  kc wait --for='jsonpath={.status.containerStatuses[0].state.terminated.reason}' "$pod" --timeout="${SMOKE_TEST_TIMEOUT}s" >/dev/null 2>&1 || true
  phase=$(kc get "$pod" -o 'jsonpath={.status.phase}' 2>/dev/null || true)
  logs=$(kc logs "$pod" 2>&1 || true)
  if [[ $phase != Succeeded || $logs != *NVIDIA-SMI* ]]; then
    state=$(kc get "$pod" --no-headers 2>&1 || true)
    printf 'smoke pod log:\n%s\n' "$logs" | tail -n 20 >&2
    fail "The GPU smoke test pod (${pod#pod/}: nvidia-smi with runtimeClassName nvidia) did not succeed within ${SMOKE_TEST_TIMEOUT}s: ${state:-phase ${phase:-unknown}}." \
      "The pod's description and log are in the diagnostics; a GPU pod needs runtimeClassName: nvidia and a limit on nvidia.com/gpu."
  fi
  step_end "nvidia-smi ran in ${pod#pod/}"
}
