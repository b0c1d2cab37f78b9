#!/usr/bin/env bash
# Faults that add a noisy neighbour pod on the node: cpu-stress and memory-stress (stress-ng),
# gpu-contention (a second CUDA process on the workload's GPU). The pod is manifest.yaml beside
# this script, rendered by the caller.
#   inject   applies it and waits (bounded) until its log shows the hog at work (MARKER); the hog's
#            start is the injection (the line's "t", else the container's startedAt):
#            {"pod","injectedAt","seenAt"}; a pod that fails or never gets there: {"pod":null,"why"}
#   verify   the pod still runs, and for a GPU hog nvidia-smi lists its process on the GPU:
#            {"verified":bool,"detail"}
#   recover  deletes the pod (and its ConfigMap) and reads back that it is gone: {"removed":bool,"removedAt"}
# Environment: NAMESPACE, POD_NAME, MARKER (an extended regex of the log line), GPU_CHECK (1: read
#   the GPU's compute processes back), TIMEOUT_SECONDS.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${NAMESPACE:?}" "${POD_NAME:?}" "${MARKER:?}"
[[ "$POD_NAME" =~ ^[a-z0-9-]+$ ]] || { echo "hog: bad pod name" >&2; exit 2; }
phase() { k get pod "$POD_NAME" -o jsonpath='{.status.phase}' 2>/dev/null || true; }

case "${1:?usage: hog.sh inject|verify|recover}" in
  inject)
    k delete pod "$POD_NAME" --ignore-not-found --grace-period=0 --wait=true >/dev/null 2>&1 || true
    kubectl apply -f "$(dirname "${BASH_SOURCE[0]}")/manifest.yaml" >&2
    deadline=$(( SECONDS + ${TIMEOUT_SECONDS:-300} ))
    while (( SECONDS < deadline )); do
      line="$(k logs "$POD_NAME" 2>/dev/null | grep -E -- "$MARKER" | head -n 1 || true)"
      if [[ -n "$line" ]]; then
        # The hog's own start, not when this poll saw it (up to a kubectl call later: the baseline
        # would end with requests the hog already slowed): the time the line carries ("t", node
        # clock), else the container's start from the runtime (whole seconds on a real API server:
        # early, never late).
        if [[ "$line" =~ \"t\":\ ?([0-9]+(\.[0-9]+)?) ]]; then
          at="${BASH_REMATCH[1]}"
        else
          started="$(k get pod "$POD_NAME" -o jsonpath='{.status.containerStatuses[0].state.running.startedAt}' 2>/dev/null || true)"
          at="$(date -d "$started" +%s.%N 2>/dev/null | cut -c1-14 || true)"
          [[ -n "$at" ]] || at="$(now)"
        fi
        json "{\"pod\":\"$POD_NAME\",\"injectedAt\":$at,\"seenAt\":$(now)}"
        exit 0
      fi
      p="$(phase)"
      if [[ "$p" == Failed || "$p" == Succeeded ]]; then break; fi
      sleep 0.25
    done
    echo "hog: $POD_NAME never got to work (phase ${p:-unknown}); its log:" >&2
    k logs "$POD_NAME" 2>&1 | tail -n 5 >&2 || true
    k describe pod "$POD_NAME" 2>&1 | tail -n 10 >&2 || true
    json "{\"pod\":null,\"why\":\"the hog pod never started its work (phase ${p:-unknown})\"}" ;;
  verify)
    p="$(phase)"
    [[ "$p" == Running ]] || { json "{\"verified\":false,\"detail\":\"the hog pod is ${p:-gone}\"}"; exit 0; }
    if [[ "${GPU_CHECK:-0}" == 1 ]]; then
      pid="$(container_pid "$POD_NAME" || true)"
      apps="$(nvidia-smi --query-compute-apps=pid --format=csv,noheader 2>/dev/null | tr -d ' ' | tr '\n' ' ')"
      if [[ -z "$pid" || " $apps " != *" $pid "* ]]; then
        json "{\"verified\":false,\"detail\":\"nvidia-smi lists no process of the hog pod (PID ${pid:-?}; compute apps: ${apps:-none})\"}"
        exit 0
      fi
      json "{\"verified\":true,\"detail\":\"PID $pid on the GPU beside: $apps\"}"
      exit 0
    fi
    json "{\"verified\":true,\"detail\":\"$(k logs "$POD_NAME" 2>/dev/null | grep -E -- "$MARKER" | tail -n 1 | tr -dc 'A-Za-z0-9 :,._%-')\"}" ;;
  recover)
    at="$(now)"
    k delete pod "$POD_NAME" --ignore-not-found --grace-period=0 --wait=true --timeout="${TIMEOUT_SECONDS:-300}s" >&2 || true
    k delete configmap "$POD_NAME" --ignore-not-found >/dev/null 2>&1 || true
    if [[ -n "$(k get pod "$POD_NAME" -o name 2>/dev/null || true)" ]]; then removed=false; else removed=true; fi
    json "{\"removed\":$removed,\"removedAt\":$at}" ;;
  *) echo "hog: unknown action" >&2; exit 2 ;;
esac
