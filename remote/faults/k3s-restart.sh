#!/usr/bin/env bash
# Fault k3s-restart: restarts the k3s service (API server, scheduler, kubelet, containerd's
# supervisor); running containers survive it, the control plane is away until k3s is up again.
#   inject   records the unit's InvocationID, restarts it (--no-block) and polls the API server
#            until it answers again (bounded): {"before","injectedAt","apiAt"} (apiAt null: never)
#   verify   the unit runs under a new InvocationID (a new start, read back from systemd)
#   recover  nothing to undo: waits (bounded) for the node Ready and the workload's pod Ready:
#            {"nodeReadyAt","pod","podReadyAt"} (API server timestamps) and "backAt" (node clock,
#            when both were seen: the end of the fault, from which recovery is looked for)
# Environment: NAMESPACE, SELECTOR, TIMEOUT_SECONDS; verify: BEFORE.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${NAMESPACE:?}" "${SELECTOR:?}"
invocation() { systemctl show -p InvocationID --value k3s 2>/dev/null || true; }

case "${1:?usage: k3s-restart.sh inject|verify|recover}" in
  inject)
    systemctl is-active --quiet k3s || { echo "k3s-restart: the k3s service is not active" >&2; exit 3; }
    before="$(invocation)"
    at="$(now)"
    systemctl --no-block restart k3s >&2
    # The API server is polled from the restart on: the first answer after it is the control plane back.
    deadline=$(( SECONDS + ${TIMEOUT_SECONDS:-300} )) api=null
    sleep 0.1
    while (( SECONDS < deadline )); do
      if api_up && [[ "$(invocation)" != "$before" ]]; then api="$(now)"; break; fi
      sleep 0.1
    done
    json "{\"before\":\"$before\",\"injectedAt\":$at,\"apiAt\":$api}" ;;
  verify)
    : "${BEFORE?}"
    for _ in $(seq 1 120); do
      id="$(invocation)"
      if [[ -n "$id" && "$id" != "$BEFORE" ]]; then json "{\"verified\":true,\"invocation\":\"$id\"}"; exit 0; fi
      sleep 0.25
    done
    json '{"verified":false}' ;;
  recover)
    deadline=$(( SECONDS + ${TIMEOUT_SECONDS:-300} ))
    if ! node_at="$(wait_node_ready "$deadline")"; then json '{"nodeReadyAt":null,"pod":null}'; exit 0; fi
    if ! pod="$(wait_ready)"; then json "{\"nodeReadyAt\":\"$node_at\",\"pod\":null}"; exit 0; fi
    ready="$(k get pod "$pod" -o jsonpath='{.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
    json "{\"nodeReadyAt\":\"$node_at\",\"pod\":\"$pod\",\"podReadyAt\":\"$ready\",\"backAt\":$(now)}" ;;
  *) echo "k3s-restart: unknown action" >&2; exit 2 ;;
esac
