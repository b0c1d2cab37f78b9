#!/usr/bin/env bash
# On the server node of a multi-node cluster, beside its own bootstrap (from when its k3s has
# started): waits until every agent's node is registered, Ready and offers as many GPUs as this
# node has (nvidia.com/gpu allocatable, from the device plugin pod the DaemonSet runs on it; one
# instance type for all), then runs the GPU smoke pod on each agent node, as bootstrap.sh does on
# this one. Prints the phases and one GPU_BENCH_JSON line of kind "cluster": each node's name,
# private IP and allocatable GPUs. With EFA=1 (suite `efa`) every agent must also offer as many
# vpc.amazonaws.com/efa as this node has EFA devices (the EFA device plugin's DaemonSet runs on it).
#
# Usage: cluster-ready.sh IP...   (each agent's private IP)
# Environment: CLUSTER_READY_TIMEOUT, SMOKE_TEST_TIMEOUT (seconds), EFA.
# shellcheck source-path=SCRIPTDIR
NODE_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$NODE_SCRIPTS/lib.sh"
source "$NODE_SCRIPTS/inventory.sh"

CLUSTER_READY_TIMEOUT=${CLUSTER_READY_TIMEOUT:-300}
SMOKE_TEST_TIMEOUT=${SMOKE_TEST_TIMEOUT:-180}
GPUS=$(nvidia-smi --query-gpu=uuid --format=csv,noheader 2>/dev/null | grep -c . || true)
EFAS=""
if [[ ${EFA:-0} == 1 ]]; then EFAS=$(efa_device_names | grep -c . || true); fi
declare -A WANT=()
for ip in "$@"; do
  if [[ ! $ip =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    fail "Agent '$ip' is not a private IP." "This is a bug in the runner." validate
  fi
  WANT[$ip]=$GPUS
done

# "name ip ready gpus efa" per node (efa: allocatable vpc.amazonaws.com/efa, "-" when none).
NODE_ROWS=""
read_nodes() {
  NODE_ROWS=$(kc get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.addresses[?(@.type=="InternalIP")].address}{" "}{.status.conditions[?(@.type=="Ready")].status}{" "}{.status.allocatable.nvidia\.com/gpu}{" "}{.status.allocatable.vpc\.amazonaws\.com/efa}{"\n"}{end}' 2>/dev/null) || NODE_ROWS=""
}

# Sets MISSING to what each agent still lacks; true when nothing does.
MISSING=""
agents_ready() {
  read_nodes
  MISSING=""
  local ip name row_ip ready gpus efa found
  for ip in "${!WANT[@]}"; do
    found=""
    while read -r name row_ip ready gpus efa; do
      [[ $row_ip == "$ip" ]] || continue
      found=1
      if [[ $ready != True ]]; then
        MISSING+="${MISSING:+; }$name ($ip) not Ready"
      elif [[ ${gpus:-0} != "${WANT[$ip]}" ]]; then
        MISSING+="${MISSING:+; }$name ($ip) offers ${gpus:-no} nvidia.com/gpu of ${WANT[$ip]}"
      elif [[ -n $EFAS && ${efa:-0} != "$EFAS" ]]; then
        MISSING+="${MISSING:+; }$name ($ip) offers ${efa:-no} vpc.amazonaws.com/efa of $EFAS (the EFA device plugin's pod on it)"
      fi
    done <<<"$NODE_ROWS"
    if [[ -z $found ]]; then MISSING+="${MISSING:+; }$ip has not registered"; fi
  done
  [[ -z $MISSING ]]
}

step_begin cluster-ready
deadline=$(deadline_in "$CLUSTER_READY_TIMEOUT")
until agents_ready; do
  if is_past "$deadline"; then
    fail "Not every node joined the cluster within ${CLUSTER_READY_TIMEOUT}s: $MISSING." \
      "An agent that never registered could not reach the server (TCP 6443 within the security group) or was refused its token; one not Ready or without GPUs (or EFA devices) has its k3s journal and the device plugin pods in the diagnostics."
  fi
  sleep "$POLL_SECONDS"
done
step_end "${#WANT[@]} agent node(s) Ready with their GPUs"

# The smoke pod on every agent node at once, each bound to its node.
step_begin gpu-smoke-test-agents
declare -A PODS=()
while read -r name ip _; do
  [[ -n ${WANT[$ip]:-} ]] || continue
  PODS[$name]=$(sed "s/^spec:$/spec:\n  nodeName: $name/" "$NODE_SCRIPTS/smoke-pod.yaml" | kc create -f - -o name)
done <<<"$NODE_ROWS"
smoke_deadline=$(deadline_in "$SMOKE_TEST_TIMEOUT")
for name in "${!PODS[@]}"; do
  pod=${PODS[$name]}
  kc wait --for='jsonpath={.status.containerStatuses[0].state.terminated.reason}' "$pod" --timeout="$(seconds_left "$smoke_deadline")s" >/dev/null 2>&1 || true
  phase=$(kc get "$pod" -o 'jsonpath={.status.phase}' 2>/dev/null || true)
  logs=$(kc logs "$pod" 2>&1 || true)
  if [[ $phase != Succeeded || $logs != *NVIDIA-SMI* ]]; then
    printf 'smoke pod log on %s:\n%s\n' "$name" "$logs" | tail -n 20 >&2
    fail "The GPU smoke test pod on node $name (${pod#pod/}) did not succeed within ${SMOKE_TEST_TIMEOUT}s: phase ${phase:-unknown}." \
      "The pod's description and log are in the diagnostics; the node's device plugin pod and nvidia runtime are the usual causes."
  fi
done
step_end "nvidia-smi ran on ${#PODS[@]} agent node(s)"

read_nodes
nodes="" sep=""
while read -r name ip ready gpus _; do
  [[ -n $name ]] || continue
  nodes+="$sep{\"name\":$(json_str "$name"),\"privateIp\":$(json_str "$ip"),\"ready\":$([[ $ready == True ]] && echo true || echo false),\"gpus\":${gpus:-0}}"
  sep=","
done <<<"$NODE_ROWS"
emit "{\"kind\":\"cluster\",\"nodes\":[$nodes]}"
