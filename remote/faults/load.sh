#!/usr/bin/env bash
# The load generator of a fault timeline (loadgen-job.yaml), in three actions:
#   load.sh start manifest.yaml  applies it and waits (bounded) for its first successful request:
#                                the workload's steady state; prints GPU_BENCH_JSON {"steadyAt":…}
#   load.sh read                 relays every request line so far (GPU_BENCH_REQ …, or a training job's
#                                progress records) and whether the Job ended
#   load.sh stop                 relays them one last time (PREVIOUS=1 always) and deletes the Job and its ConfigMap
# Environment: NAMESPACE, JOB_NAME (validated by the caller), TIMEOUT_SECONDS (start's wait, default 300),
#   PREVIOUS (1: include the run before the container's last restart).
set -euo pipefail

action="${1:?usage: load.sh start|read|stop [manifest.yaml]}"
: "${NAMESPACE:?NAMESPACE is required}" "${JOB_NAME:?JOB_NAME is required}"
timeout="${TIMEOUT_SECONDS:-300}"
[[ "$timeout" =~ ^[0-9]+$ ]] || { echo "load.sh: '$timeout' is not a number of seconds" >&2; exit 2; }

k() { kubectl -n "$NAMESPACE" "$@"; }
# The load generator's request lines, or a training job's progress records; with PREVIOUS=1 those of
# the run before the last restart of its container (a node reboot) first, if there was one.
lines() {
  {
    if [[ "${PREVIOUS:-}" == 1 ]]; then k logs --previous "job/$JOB_NAME" 2>/dev/null || true; fi
    k logs "job/$JOB_NAME" 2>/dev/null
  } | grep -E '^(GPU_BENCH_(REQ|LOAD)|\{"record":"progress")' || true
}
ended() {
  local conditions
  conditions="$(k get job "$JOB_NAME" -o jsonpath='{.status.conditions[?(@.status=="True")].type}' 2>/dev/null || true)"
  [[ " $conditions " == *" Complete "* || " $conditions " == *" Failed "* ]]
}

case "$action" in
  start)
    manifest="${2:-manifest.yaml}"
    k delete job "$JOB_NAME" --ignore-not-found --wait=true >/dev/null 2>&1 || true
    kubectl apply -f "$manifest" >&2
    deadline=$(( SECONDS + timeout ))
    while true; do
      first="$(lines | awk '$1 == "GPU_BENCH_REQ" && $4 == 1 { print $3; exit }')"
      if [[ -n "$first" ]]; then
        printf 'GPU_BENCH_JSON {"steadyAt":%s}\n' "$first"
        exit 0
      fi
      if ended || (( SECONDS >= deadline )); then
        echo "load.sh: no request succeeded within ${timeout}s; the load generator's log:" >&2
        k logs "job/$JOB_NAME" 2>&1 | tail -n 20 >&2 || true
        k describe pods -l "gpu-bench/loadgen=$JOB_NAME" 2>&1 | tail -n 30 >&2 || true
        printf 'GPU_BENCH_JSON {"steadyAt":null}\n'
        exit 0
      fi
      sleep 0.5
    done ;;
  read)
    lines
    if ended; then echo "GPU_BENCH_JSON {\"ended\":true}"; else echo "GPU_BENCH_JSON {\"ended\":false}"; fi ;;
  stop)
    lines
    k delete job "$JOB_NAME" --ignore-not-found --wait=false >/dev/null 2>&1 || true
    k delete configmap "$JOB_NAME" --ignore-not-found >/dev/null 2>&1 || true
    echo "GPU_BENCH_JSON {\"stopped\":true}" ;;
  *) echo "load.sh: unknown action '$action'" >&2; exit 2 ;;
esac
