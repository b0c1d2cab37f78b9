#!/usr/bin/env bash
# Sourced by the fault scripts beside it. Uses NAMESPACE and SELECTOR (a label selector of the
# workload's pod), both validated by the caller.
# shellcheck disable=SC2034

k() { kubectl -n "$NAMESPACE" "$@"; }
now() { date +%s.%N | cut -c1-14; }
json() { printf 'GPU_BENCH_JSON %s\n' "$1"; }

# The workload's running pod (newest first), or nothing.
target_pod() {
  k get pods -l "$SELECTOR" -o jsonpath='{.items[?(@.status.phase=="Running")].metadata.name}' 2>/dev/null | tr ' ' '\n' | tail -n 1
}

# The host PID of a pod's first container: what kill and nsenter act on.
container_pid() {
  local pod="$1" id
  id="$(k get pod "$pod" -o jsonpath='{.status.containerStatuses[0].containerID}' 2>/dev/null || true)"
  id="${id#*://}"
  [[ -n "$id" ]] || return 1
  crictl inspect --output go-template --template '{{.info.pid}}' "$id" 2>/dev/null
}

restart_count() { k get pod "$1" -o jsonpath='{.status.containerStatuses[0].restartCount}' 2>/dev/null || echo ""; }

# Waits (bounded by TIMEOUT_SECONDS) until a pod behind SELECTOR other than EXCLUDE is Ready;
# prints its name. Polls every quarter second: the times it reads are the API server's anyway.
wait_ready() {
  local deadline=$(( SECONDS + ${TIMEOUT_SECONDS:-300} )) pod ready
  while (( SECONDS < deadline )); do
    for pod in $(k get pods -l "$SELECTOR" -o jsonpath='{.items[*].metadata.name}' 2>/dev/null); do
      [[ "$pod" != "${EXCLUDE:-}" ]] || continue
      ready="$(k get pod "$pod" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)"
      if [[ "$ready" == True ]]; then echo "$pod"; return 0; fi
    done
    sleep 0.25
  done
  return 1
}

# The API server answers (k3s's control plane is up).
api_up() { kubectl get --raw=/readyz >/dev/null 2>&1; }

# The node's Ready condition as "STATUS LAST_TRANSITION_TIME" (one node: k3s's single node).
node_ready() { kubectl get nodes -o jsonpath='{.items[0].status.conditions[?(@.type=="Ready")].status} {.items[0].status.conditions[?(@.type=="Ready")].lastTransitionTime}' 2>/dev/null || true; }

# Waits (bounded by the deadline, SECONDS) until the node is Ready; prints its transition time.
wait_node_ready() {
  local deadline="$1" status at
  while (( SECONDS < deadline )); do
    read -r status at <<<"$(node_ready)"
    if [[ "$status" == True ]]; then echo "$at"; return 0; fi
    sleep 0.25
  done
  return 1
}

# The node's allocatable nvidia.com/gpu (0 when none, or when the API server does not answer).
allocatable_gpus() {
  local n
  n="$(kubectl get nodes -o jsonpath='{.items[0].status.allocatable.nvidia\.com/gpu}' 2>/dev/null || true)"
  [[ "$n" =~ ^[0-9]+$ ]] || n=0
  echo "$n"
}
