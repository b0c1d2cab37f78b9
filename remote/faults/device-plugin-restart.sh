#!/usr/bin/env bash
# Fault device-plugin-restart: deletes NVIDIA's device-plugin pod; its DaemonSet brings a new one,
# which registers nvidia.com/gpu with the kubelet again. Until then the kubelet counts the GPUs as
# unhealthy (allocatable 0): running pods keep theirs, a new pod that needs one cannot be scheduled.
#   inject   deletes the plugin's pod and polls (every 0.25 s, bounded) the node's allocatable
#            nvidia.com/gpu until it is back: {"pod","uid","gpus","injectedAt","droppedAt","backAt"}
#            (droppedAt null: the drop was shorter than the poll; backAt null: not back in time)
#   verify   the pod with that UID is gone or terminating: {"verified":bool}
#   recover  nothing to undo: waits (bounded) for the new plugin pod Ready and nvidia.com/gpu
#            allocatable: {"newPod","startedAt","readyAt","gpus"} (API server timestamps)
# Environment: PLUGIN_NAMESPACE (kube-system), PLUGIN_SELECTOR (name=nvidia-device-plugin-ds),
#   TIMEOUT_SECONDS; verify and recover: POD, POD_UID, GPUS.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
NAMESPACE="${PLUGIN_NAMESPACE:-kube-system}"
SELECTOR="${PLUGIN_SELECTOR:-name=nvidia-device-plugin-ds}"
[[ "$SELECTOR" =~ ^[A-Za-z0-9./=-]+$ && "$NAMESPACE" =~ ^[a-z0-9-]+$ ]] || { echo "device-plugin-restart: bad selector or namespace" >&2; exit 2; }

case "${1:?usage: device-plugin-restart.sh inject|verify|recover}" in
  inject)
    pod="$(target_pod)"
    [[ -n "$pod" ]] || { echo "device-plugin-restart: no running device-plugin pod matches $SELECTOR in $NAMESPACE" >&2; exit 3; }
    gpus="$(allocatable_gpus)"
    [[ "${gpus:-0}" -gt 0 ]] || { echo "device-plugin-restart: the node has no allocatable nvidia.com/gpu before the fault" >&2; exit 3; }
    uid="$(k get pod "$pod" -o jsonpath='{.metadata.uid}')"
    at="$(now)"
    k delete pod "$pod" --wait=false >&2
    deadline=$(( SECONDS + ${TIMEOUT_SECONDS:-300} )) dropped=null back=null
    while (( SECONDS < deadline )); do
      have="$(allocatable_gpus)"
      if [[ "${have:-0}" -lt "$gpus" ]]; then
        [[ "$dropped" != null ]] || dropped="$(now)"
      elif [[ "$dropped" != null ]] || [[ "$(k get pods -l "$SELECTOR" -o jsonpath='{.items[*].metadata.uid}' 2>/dev/null)" != *"$uid"* ]]; then
        # Back to the count before, after the old pod is gone (or after the drop was seen).
        back="$(now)"
        break
      fi
      sleep 0.25
    done
    json "{\"pod\":\"$pod\",\"uid\":\"$uid\",\"gpus\":$gpus,\"injectedAt\":$at,\"droppedAt\":$dropped,\"backAt\":$back}" ;;
  verify)
    : "${POD:?}" "${POD_UID:?}"
    current="$(k get pod "$POD" -o jsonpath='{.metadata.uid}/{.metadata.deletionTimestamp}' 2>/dev/null || true)"
    if [[ -z "$current" || "$current" != "$POD_UID/" ]]; then json '{"verified":true}'; else json '{"verified":false}'; fi ;;
  recover)
    : "${POD:?}" "${GPUS:?}"
    if ! pod="$(EXCLUDE="$POD" wait_ready)"; then json '{"newPod":null}'; exit 0; fi
    deadline=$(( SECONDS + ${TIMEOUT_SECONDS:-300} ))
    while (( SECONDS < deadline )) && [[ "$(allocatable_gpus)" -lt "$GPUS" ]]; do sleep 0.25; done
    times="$(k get pod "$pod" -o jsonpath='{.status.containerStatuses[0].state.running.startedAt} {.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
    read -r started ready <<<"$times"
    json "{\"newPod\":\"$pod\",\"startedAt\":\"$started\",\"readyAt\":\"$ready\",\"gpus\":$(allocatable_gpus)}" ;;
  *) echo "device-plugin-restart: unknown action" >&2; exit 2 ;;
esac
