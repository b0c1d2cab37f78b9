#!/usr/bin/env bash
# The GPU telemetry sampler of one workload (started detached by start.sh, stopped by stop.sh).
# Writes the samples file src/node/telemetry-samples.ts reads: a header, GPU index → UUID, then
# one "gpu,<unix s>,…" line per GPU per tick and one "proc,<unix s>,…" line per compute process
# per tick, each stamped with this node's clock as it arrives.
#
# Usage: sampler.sh DIR SOURCE(dcgm|nvidia-smi) INTERVAL_MS MAX_SECONDS
# Stops on SIGTERM, after MAX_SECONDS, or when DIR disappears; takes its readers with it.
set -uo pipefail

dir=$1 source=$2 interval_ms=$3 max_seconds=$4
out="$dir/samples.csv"
echo "$$" >"$dir/pid"

# setsid made this process the leader of its own group: stopping takes every reader with it.
stop() {
  trap - TERM INT EXIT
  kill -TERM -- "-$$" 2>/dev/null
  exit 0
}
trap stop TERM INT EXIT

# Driver 535 renamed clocks_throttle_reasons.* to clocks_event_reasons.*; older drivers know only the first.
reasons_field=clocks_event_reasons.active
if ! nvidia-smi --query-gpu="$reasons_field" --format=csv,noheader >/dev/null 2>&1; then
  reasons_field=clocks_throttle_reasons.active
fi

printf '# gpu-bench-telemetry v1 source=%s interval_ms=%s\n' "$source" "$interval_ms" >"$out"
nvidia-smi --query-gpu=index,uuid --format=csv,noheader 2>/dev/null | while IFS=', ' read -r index uuid; do
  printf 'uuid,%s,%s\n' "$index" "$uuid"
done >>"$out"

gpu_lines_nvidia_smi() {
  local fields="index,power.draw,clocks.sm,clocks.mem,utilization.gpu,utilization.memory,memory.used,temperature.gpu,$reasons_field,enforced.power.limit,power.default_limit,clocks.max.sm"
  local line
  nvidia-smi --query-gpu="$fields" --format=csv,noheader,nounits -lms "$interval_ms" 2>>"$dir/sampler.log" |
    while IFS= read -r line; do
      # A row starts with the GPU index; anything else (a warning such as "WARNING: infoROM is
      # corrupted at gpu …", which nvidia-smi prints among its rows) goes to the log, not the samples.
      if [[ $line == [0-9]*,* ]]; then
        printf 'gpu,%s,%s\n' "${EPOCHREALTIME/,/.}" "${line//, /,}"
      else
        printf 'nvidia-smi: %s\n' "$line" >>"$dir/sampler.log"
      fi
    done >>"$out"
}

# DCGM fields: 155 power (W), 100 SM clock, 101 memory clock (MHz), 203 GPU util, 204 memory copy
# util (%), 252 framebuffer used (MiB), 150 GPU temperature (°C), 112 clock-event reasons (bitmask),
# 164 enforced power limit, 163 default power limit (W), 113 maximum SM clock (MHz).
gpu_lines_dcgm() {
  local entity id rest joined
  local -a values
  dcgmi dmon -e 155,100,101,203,204,252,150,112,164,163,113 -d "$interval_ms" 2>>"$dir/sampler.log" |
    while read -r entity id rest; do
      [[ $entity == GPU && $id =~ ^[0-9]+$ ]] || continue
      read -ra values <<<"$rest"
      printf -v joined '%s,' "${values[@]}"
      printf 'gpu,%s,%s,%s\n' "${EPOCHREALTIME/,/.}" "$id" "${joined%,}"
    done >>"$out"
}

# The pod a process runs in: its HOSTNAME, as the container runtime sets it (empty outside a pod),
# into pods[pid]. No subshell per line: the sampler's own cost stays far below 1% of a core.
declare -A pods=()
pod_of() {
  local pid=$1 kv pod=""
  [[ -z ${pods[$pid]+set} ]] || return 0
  if [[ -r /proc/$pid/environ ]]; then
    while IFS= read -r -d '' kv; do
      if [[ $kv == HOSTNAME=* ]]; then pod=${kv#HOSTNAME=}; fi
    done <"/proc/$pid/environ"
  fi
  pods[$pid]=${pod//,/_}
}

proc_lines() {
  local line uuid pid used name
  nvidia-smi --query-compute-apps=gpu_uuid,pid,used_memory,process_name --format=csv,noheader,nounits -lms "$interval_ms" 2>>"$dir/sampler.log" |
    while IFS= read -r line; do
      IFS=, read -r uuid pid used name <<<"${line//, /,}"
      if ! [[ $pid =~ ^[0-9]+$ ]]; then
        printf 'nvidia-smi: %s\n' "$line" >>"$dir/sampler.log"
        continue
      fi
      pod_of "$pid"
      printf 'proc,%s,%s,%s,%s,%s,%s\n' "${EPOCHREALTIME/,/.}" "$uuid" "$pid" "$used" "${pods[$pid]}" "$name"
    done >>"$out"
}

if [[ $source == dcgm ]]; then gpu_lines_dcgm & else gpu_lines_nvidia_smi & fi
proc_lines &

# Each second: is DIR still there, is the backstop reached? The wait is a timed read of a pipe
# nothing writes to (SIGTERM still ends it at once), not a forked sleep per second.
exec {idle}<> <(:)
deadline=$((EPOCHSECONDS + max_seconds))
while [[ -d $dir ]] && ((EPOCHSECONDS < deadline)); do
  read -r -t 1 -u "$idle" _
done
