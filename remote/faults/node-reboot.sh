#!/usr/bin/env bash
# Fault node-reboot: reboots the node's OS through SSM. Everything on it stops (the workload, the
# load generator, k3s); systemd starts k3s again at boot, k3s the pods. No command can run across
# the reboot, so the runner sends one action at a time and the agent's return is itself measured:
#   inject   records the boot id and schedules `systemctl reboot` REBOOT_IN seconds later in a
#            transient systemd timer (so this command ends and reports first); the timer writes the
#            node clock to reboot-at just before rebooting: {"before","scheduledAt","gpus"}
#   back     {"rebooted":false} while the boot id is still BEFORE; after the reboot
#            {"rebooted":true,"bootId","rebootAt","agentAt"}: agentAt is this command's own start,
#            the first one the agent ran after it reconnected (the runner sends it during the reboot)
#   recover  polls from its start (every 0.1 s, bounded by TIMEOUT_SECONDS) until the API server
#            answers (apiAt, node clock), the node is Ready (nodeReadyAt, its lastTransitionTime),
#            GPUS nvidia.com/gpu are allocatable again (gpuAt, node clock) and a pod behind
#            SELECTOR is Ready with its container started after REBOOT_AT (pod, podReadyAt,
#            restartCount); backAt: when all were seen. A part never seen is null.
# Environment: NAMESPACE, SELECTOR, TIMEOUT_SECONDS; inject: REBOOT_IN (2); back: BEFORE;
#   recover: GPUS, REBOOT_AT.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${NAMESPACE:?}" "${SELECTOR:?}"
state="${GPU_BENCH_ROOT:-}/var/lib/gpu-bench/node-reboot"
boot_id() { cat "${GPU_BENCH_ROOT:-}/proc/sys/kernel/random/boot_id"; }
# RFC 3339 (the API server's) to epoch seconds.
epoch() { date -u -d "$1" +%s.%N | cut -c1-14; }

case "${1:?usage: node-reboot.sh inject|back|recover}" in
  inject)
    in="${REBOOT_IN:-2}"
    [[ "$in" =~ ^[0-9]+$ ]] || { echo "node-reboot: REBOOT_IN must be whole seconds" >&2; exit 2; }
    systemctl is-active --quiet k3s || { echo "node-reboot: the k3s service is not active" >&2; exit 3; }
    before="$(boot_id)"
    gpus="$(allocatable_gpus)"
    mkdir -p "$state"
    rm -f "$state/reboot-at"
    at="$(now)"
    # A transient unit runs with systemd's environment, not this command's: every path is spelled out.
    systemd-run --on-active="$in" --unit="gpu-bench-node-reboot-${at%.*}" \
      /bin/sh -c "date +%s.%N > '$state/reboot-at'; exec systemctl reboot" >&2
    json "{\"before\":\"$before\",\"scheduledAt\":$(awk -v t="$at" -v d="$in" 'BEGIN { printf "%.3f", t + d }'),\"gpus\":$gpus}" ;;
  back)
    at="$(now)"
    : "${BEFORE:?}"
    id="$(boot_id)"
    if [[ "$id" == "$BEFORE" ]]; then json '{"rebooted":false}'; exit 0; fi
    reboot_at=null
    [[ -s "$state/reboot-at" ]] && reboot_at="$(cut -c1-14 "$state/reboot-at")"
    json "{\"rebooted\":true,\"bootId\":\"$id\",\"rebootAt\":$reboot_at,\"agentAt\":$at}" ;;
  recover)
    : "${GPUS:?}" "${REBOOT_AT:?}"
    deadline=$(( SECONDS + ${TIMEOUT_SECONDS:-300} ))
    api=null node=null gpu=null pod=null ready=null restarts=null
    while (( SECONDS < deadline )); do
      if [[ "$api" == null ]] && api_up; then api="$(now)"; fi
      if [[ "$api" != null ]]; then
        if [[ "$node" == null ]]; then
          read -r status at <<<"$(node_ready)"
          [[ "$status" != True ]] || node="\"$at\""
        fi
        if [[ "$gpu" == null && "$(allocatable_gpus)" -ge "$GPUS" ]]; then gpu="$(now)"; fi
        if [[ "$pod" == null ]]; then
          while read -r name is_ready started transition count; do
            [[ "$is_ready" == True && -n "$started" ]] || continue
            if awk -v s="$(epoch "$started")" -v r="$REBOOT_AT" 'BEGIN { exit !(s >= r) }'; then
              pod="\"$name\"" ready="\"$transition\"" restarts="$count"
              break
            fi
          done < <(k get pods -l "$SELECTOR" -o jsonpath='{range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status} {.status.containerStatuses[0].state.running.startedAt} {.status.conditions[?(@.type=="Ready")].lastTransitionTime} {.status.containerStatuses[0].restartCount}{"\n"}{end}' 2>/dev/null || true)
        fi
      fi
      [[ "$api" == null || "$node" == null || "$gpu" == null || "$pod" == null ]] || break
      sleep 0.1
    done
    json "{\"apiAt\":$api,\"nodeReadyAt\":$node,\"gpuAt\":$gpu,\"pod\":$pod,\"podReadyAt\":$ready,\"restartCount\":${restarts},\"backAt\":$(now)}" ;;
  *) echo "node-reboot: unknown action" >&2; exit 2 ;;
esac
