#!/usr/bin/env bash
# Fault pod-kill: deletes the workload's pod; its controller (Deployment) brings a new one.
#   inject   deletes it (GRACE_SECONDS) and prints {"pod","uid","injectedAt"}
#   verify   the pod with that UID is gone or terminating: {"verified":bool}
#   recover  nothing to undo: waits (bounded) for a Ready replacement and prints Krkn's times from
#            the API server's timestamps: {"newPod","createdAt","scheduledAt","startedAt","readyAt"}
# Environment: NAMESPACE, SELECTOR, GRACE_SECONDS, TIMEOUT_SECONDS; verify and recover: POD, POD_UID.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${NAMESPACE:?}" "${SELECTOR:?}"

case "${1:?usage: pod-kill.sh inject|verify|recover}" in
  inject)
    pod="$(target_pod)"
    [[ -n "$pod" ]] || { echo "pod-kill: no running pod matches $SELECTOR in $NAMESPACE" >&2; exit 3; }
    uid="$(k get pod "$pod" -o jsonpath='{.metadata.uid}')"
    at="$(now)"
    k delete pod "$pod" --grace-period="${GRACE_SECONDS:-0}" --wait=false >&2
    json "{\"pod\":\"$pod\",\"uid\":\"$uid\",\"injectedAt\":$at}" ;;
  verify)
    : "${POD:?}" "${POD_UID:?}"
    current="$(k get pod "$POD" -o jsonpath='{.metadata.uid}/{.metadata.deletionTimestamp}' 2>/dev/null || true)"
    if [[ -z "$current" || "$current" != "$POD_UID/" ]]; then json '{"verified":true}'; else json '{"verified":false}'; fi ;;
  recover)
    : "${POD:?}"
    if ! pod="$(EXCLUDE="$POD" wait_ready)"; then json '{"newPod":null}'; exit 0; fi
    times="$(k get pod "$pod" -o jsonpath='{.metadata.creationTimestamp} {.status.conditions[?(@.type=="PodScheduled")].lastTransitionTime} {.status.containerStatuses[0].state.running.startedAt} {.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
    read -r created scheduled started ready <<<"$times"
    json "{\"newPod\":\"$pod\",\"createdAt\":\"$created\",\"scheduledAt\":\"$scheduled\",\"startedAt\":\"$started\",\"readyAt\":\"$ready\"}" ;;
  *) echo "pod-kill: unknown action" >&2; exit 2 ;;
esac
