#!/usr/bin/env bash
# Fault container-kill: kills the main process of the workload's container from the host (its PID
# from the container runtime); the kubelet restarts the container in the same pod.
#   inject   sends SIGNAL to it: {"pod","pid","restarts","injectedAt"}
#   verify   the restart count went up, or the container is no longer running that PID (bounded wait)
#   recover  nothing to undo: waits (bounded) until the pod is Ready again: {"readyAt","restarts"}
# Environment: NAMESPACE, SELECTOR, SIGNAL (KILL|TERM), TIMEOUT_SECONDS; verify and recover: POD, PID, RESTARTS.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${NAMESPACE:?}" "${SELECTOR:?}"

case "${1:?usage: container-kill.sh inject|verify|recover}" in
  inject)
    [[ "${SIGNAL:-KILL}" =~ ^(KILL|TERM)$ ]] || { echo "container-kill: SIGNAL must be KILL or TERM" >&2; exit 2; }
    pod="$(target_pod)"
    [[ -n "$pod" ]] || { echo "container-kill: no running pod matches $SELECTOR in $NAMESPACE" >&2; exit 3; }
    pid="$(container_pid "$pod")" || { echo "container-kill: no PID for the container of $pod" >&2; exit 3; }
    [[ "$pid" =~ ^[0-9]+$ ]] || { echo "container-kill: the runtime gave no PID for $pod ('$pid')" >&2; exit 3; }
    restarts="$(restart_count "$pod")"
    at="$(now)"
    kill -s "${SIGNAL:-KILL}" "$pid"
    json "{\"pod\":\"$pod\",\"pid\":$pid,\"restarts\":${restarts:-0},\"injectedAt\":$at}" ;;
  verify)
    : "${POD:?}" "${PID:?}" "${RESTARTS:?}"
    for _ in $(seq 1 120); do
      count="$(restart_count "$POD")"
      if [[ -n "$count" && "$count" -gt "$RESTARTS" ]] || ! kill -0 "$PID" 2>/dev/null; then
        json "{\"verified\":true,\"restarts\":${count:-0}}"
        exit 0
      fi
      sleep 0.25
    done
    json '{"verified":false}' ;;
  recover)
    : "${POD:?}"
    if pod="$(wait_ready)"; then
      ready="$(k get pod "$pod" -o jsonpath='{.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
      json "{\"pod\":\"$pod\",\"readyAt\":\"$ready\",\"restarts\":$(restart_count "$pod")}"
    else
      json '{"pod":null}'
    fi ;;
  *) echo "container-kill: unknown action" >&2; exit 2 ;;
esac
