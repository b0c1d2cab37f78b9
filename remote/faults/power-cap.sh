#!/usr/bin/env bash
# Fault gpu-power-cap: lowers the power limit of GPU 0 to FRACTION of its default, verified by
# reading the limit back (nvidia-smi can print "not supported" and still exit 0), restored after.
#   inject   {"defaultW","targetW","limitW","injectedAt"}: the limit read back after setting it
#   recover  sets the default again and reads it back: {"limitW","restored":bool}
# Environment: FRACTION (0.1-0.95), GPU (index, default 0).
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
gpu="${GPU:-0}"
[[ "$gpu" =~ ^[0-9]+$ ]] || { echo "power-cap: GPU must be an index" >&2; exit 2; }
read_limits() { nvidia-smi -i "$gpu" --query-gpu=power.default_limit,power.min_limit,power.limit --format=csv,noheader,nounits | tr -d ' '; }
number() { [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ ]] && echo "$1" || echo null; }

case "${1:?usage: power-cap.sh inject|recover}" in
  inject)
    [[ "${FRACTION:?}" =~ ^0\.[0-9]+$ ]] || { echo "power-cap: FRACTION must be a number below 1" >&2; exit 2; }
    IFS=, read -r default min _ <<<"$(read_limits)"
    [[ "$(number "$default")" != null ]] || { echo "power-cap: the GPU reports no default power limit ('$default')" >&2; json '{"defaultW":null}'; exit 0; }
    target="$(awk -v d="$default" -v f="$FRACTION" -v m="$(number "$min")" 'BEGIN { t = d * f; if (m != "null" && t < m) t = m; printf "%.0f", t }')"
    at="$(now)"
    nvidia-smi -i "$gpu" -pl "$target" >&2 || true
    IFS=, read -r _ _ limit <<<"$(read_limits)"
    json "{\"defaultW\":$default,\"targetW\":$target,\"limitW\":$(number "$limit"),\"injectedAt\":$at}" ;;
  recover)
    IFS=, read -r default _ _ <<<"$(read_limits)"
    at="$(now)"
    nvidia-smi -i "$gpu" -pl "$default" >&2 || true
    IFS=, read -r _ _ limit <<<"$(read_limits)"
    ok="$(awk -v a="$limit" -v b="$default" 'BEGIN { print (a - b < 1 && b - a < 1) ? "true" : "false" }')"
    json "{\"limitW\":$(number "$limit"),\"restored\":$ok,\"removedAt\":$at}" ;;
  *) echo "power-cap: unknown action" >&2; exit 2 ;;
esac
