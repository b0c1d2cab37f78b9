#!/usr/bin/env bash
# Stops one workload's GPU telemetry sampler (see start.sh) and prints its samples, each line of
# the samples file after the mark "GPU_BENCH_TELEMETRY ", then removes its folder.
# Environment: TELEMETRY_NAME. Exit status 0, also when no sampler was running (nothing printed).
set -euo pipefail

: "${TELEMETRY_NAME:?TELEMETRY_NAME is required}"
[[ $TELEMETRY_NAME =~ ^[a-z0-9][a-z0-9.-]*$ ]] || { echo "stop.sh: bad TELEMETRY_NAME '$TELEMETRY_NAME'" >&2; exit 2; }
dir="${GPU_BENCH_ROOT:-}/var/lib/gpu-bench/telemetry/$TELEMETRY_NAME"
[[ -d $dir ]] || exit 0

if [[ -f $dir/pid ]]; then
  pid=$(<"$dir/pid")
  if [[ $pid =~ ^[0-9]+$ ]]; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for ((i = 0; i < 30; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
fi
if [[ -f $dir/samples.csv ]]; then
  sed 's/^/GPU_BENCH_TELEMETRY /' "$dir/samples.csv"
fi
if [[ -s $dir/sampler.log ]]; then
  echo "--- sampler log (last lines) ---" >&2
  tail -n 5 "$dir/sampler.log" >&2
fi
rm -rf "$dir"
