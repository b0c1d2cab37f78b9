#!/usr/bin/env bash
# Faults network-delay and network-loss: tc netem on the interface of the workload's pod, entered
# through the pod's network namespace (nsenter -t <container PID> -n), removed by recover.
#   inject   adds the qdisc: {"pod","pid","injectedAt"}
#   verify   reads it back (tc qdisc show): {"verified":bool,"qdisc":…}
#   recover  deletes it and reads back that it is gone: {"removed":bool}; a pod that is gone took it along
# Environment: NAMESPACE, SELECTOR, DEVICE (default eth0), NETEM (the netem arguments, built by the
#   caller from numbers: "delay 200ms 20ms" or "loss 5%"); verify and recover: PID.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${NAMESPACE:?}" "${SELECTOR:?}"
device="${DEVICE:-eth0}"
[[ "$device" =~ ^[a-z0-9]+$ ]] || { echo "netem: bad device" >&2; exit 2; }
in_pod() { nsenter -t "$1" -n "${@:2}"; }

case "${1:?usage: netem.sh inject|verify|recover}" in
  inject)
    [[ "${NETEM:?}" =~ ^(delay\ [0-9]+ms(\ [0-9]+ms)?|loss\ [0-9.]+%)$ ]] || { echo "netem: NETEM '$NETEM' is not a delay or loss" >&2; exit 2; }
    pod="$(target_pod)"
    [[ -n "$pod" ]] || { echo "netem: no running pod matches $SELECTOR in $NAMESPACE" >&2; exit 3; }
    pid="$(container_pid "$pod")" || { echo "netem: no PID for the container of $pod" >&2; exit 3; }
    at="$(now)"
    # shellcheck disable=SC2086  # NETEM is a validated list of words
    in_pod "$pid" tc qdisc replace dev "$device" root netem $NETEM >&2
    json "{\"pod\":\"$pod\",\"pid\":$pid,\"injectedAt\":$at}" ;;
  verify)
    : "${PID:?}"
    shown="$(in_pod "$PID" tc qdisc show dev "$device" 2>&1 || true)"
    if [[ "$shown" == *netem* ]]; then ok=true; else ok=false; fi
    json "{\"verified\":$ok,\"qdisc\":\"$(printf '%s' "$shown" | head -n 1 | tr -dc 'A-Za-z0-9 :._%/-')\"}" ;;
  recover)
    : "${PID:?}"
    if ! kill -0 "$PID" 2>/dev/null; then json "{\"removed\":true,\"podGone\":true,\"removedAt\":$(now)}"; exit 0; fi
    at="$(now)"
    in_pod "$PID" tc qdisc del dev "$device" root >&2 2>&1 || true
    shown="$(in_pod "$PID" tc qdisc show dev "$device" 2>&1 || true)"
    if [[ "$shown" == *netem* ]]; then removed=false; else removed=true; fi
    json "{\"removed\":$removed,\"removedAt\":$at}" ;;
  *) echo "netem: unknown action" >&2; exit 2 ;;
esac
