#!/usr/bin/env bash
# Starts GPU telemetry for one workload: DCGM (`dcgmi dmon`) where its host engine answers,
# `nvidia-smi` otherwise. The sampler (sampler.sh, beside this script) runs detached in its own
# session, so it outlives this SSM command; stop.sh ends it and prints the samples.
#
# Environment: TELEMETRY_NAME (folder name, [a-z0-9.-]), INTERVAL_MS (>= 100), MAX_SECONDS (a
#   backstop: the sampler stops by itself after this long).
# Stdout: GPU_BENCH_TELEMETRY_START {"started":true|false,"source":"dcgm|nvidia-smi","intervalMs":N[,"reason":"…"]}
# Exit status 0 whether or not a sampler could start (a run without telemetry still runs).
set -euo pipefail

: "${TELEMETRY_NAME:?TELEMETRY_NAME is required}" "${INTERVAL_MS:?INTERVAL_MS is required}" "${MAX_SECONDS:?MAX_SECONDS is required}"
[[ $TELEMETRY_NAME =~ ^[a-z0-9][a-z0-9.-]*$ ]] || { echo "start.sh: bad TELEMETRY_NAME '$TELEMETRY_NAME'" >&2; exit 2; }
if ! [[ $INTERVAL_MS =~ ^[0-9]+$ ]] || ((INTERVAL_MS < 100)); then
  echo "start.sh: INTERVAL_MS '$INTERVAL_MS' must be a whole number >= 100" >&2
  exit 2
fi
[[ $MAX_SECONDS =~ ^[0-9]+$ ]] || { echo "start.sh: MAX_SECONDS '$MAX_SECONDS' is not a number" >&2; exit 2; }

dir="${GPU_BENCH_ROOT:-}/var/lib/gpu-bench/telemetry/$TELEMETRY_NAME"
not_started() {
  printf 'GPU_BENCH_TELEMETRY_START {"started":false,"intervalMs":%d,"reason":"%s"}\n' "$INTERVAL_MS" "$1"
  exit 0
}

# A sampler an earlier attempt of this workload left running is stopped first.
if [[ -f $dir/pid ]]; then
  old=$(<"$dir/pid")
  if [[ $old =~ ^[0-9]+$ ]]; then kill -TERM -- "-$old" 2>/dev/null || true; fi
fi
rm -rf "$dir"
mkdir -p "$dir"
cp "$(dirname "${BASH_SOURCE[0]}")/sampler.sh" "$dir/sampler.sh"

if command -v dcgmi >/dev/null 2>&1 && dcgmi discovery -l >/dev/null 2>&1; then
  source=dcgm
elif command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  source=nvidia-smi
else
  not_started "neither dcgmi nor nvidia-smi answers on this node"
fi

setsid bash "$dir/sampler.sh" "$dir" "$source" "$INTERVAL_MS" "$MAX_SECONDS" </dev/null >>"$dir/sampler.log" 2>&1 &

# Started means a first GPU sample is in: the timed window must not begin before the sampler sees it.
for ((i = 0; i < 150; i++)); do
  if grep -q '^gpu,' "$dir/samples.csv" 2>/dev/null; then
    printf 'GPU_BENCH_TELEMETRY_START {"started":true,"source":"%s","intervalMs":%d}\n' "$source" "$INTERVAL_MS"
    exit 0
  fi
  sleep 0.1
done
echo "start.sh: no GPU sample after 15 s; the sampler's log:" >&2
tail -n 5 "$dir/sampler.log" >&2 || true
not_started "$source gave no sample within 15 s"
