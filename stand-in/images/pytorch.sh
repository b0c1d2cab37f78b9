#!/usr/bin/env bash
# Handler for the pytorch/pytorch images (see README.md): runs the container's python command for
# real, on this machine's CPU, with Debian's torch (/usr/bin/python3) and two threads. run-container
# has already rewritten mount paths (the ConfigMap with resnet50.py) to their sandbox folders.
# Knobs: STUB_PYTORCH_OOM_ABOVE=N        batches larger than N "run out of GPU memory" (resnet50.py's
#                                        GPU_BENCH_SIMULATE_OOM_ABOVE), to test that path end to end
#        STUB_PYTORCH_START_SECONDS=0    container start (CUDA context), at STUB_LATENCY_SCALE=1
# A GPU power limit below the default (nvidia-smi -pl, kept by the nvidia-smi stub) slows the run in
# proportion: the python process is stopped for (1 - limit/default) of every 100 ms; other pods'
# GPU processes and stress-ng CPU hogs take their share too (contention below).
# `python …/gpu-burn.py` runs the stand-in's emulation of the gpu-contention process (emulated/gpu-burn.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../instance-bin/lib/stub.sh
source "$(dirname "${BASH_SOURCE[0]}")/../instance-bin/lib/stub.sh"

stub_sleep "${STUB_PYTORCH_START_SECONDS:-0}"
# PASSIVE: OpenMP threads sleep instead of spinning when other processes share the cores.
export OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE CUDA_VISIBLE_DEVICES=""
if [[ -n ${STUB_PYTORCH_OOM_ABOVE:-} ]]; then export GPU_BENCH_SIMULATE_OOM_ABOVE="$STUB_PYTORCH_OOM_ABOVE"; fi

if (($# == 0)); then
  echo "pytorch stand-in: the container has no command (the image's default shell is not emulated)" >&2
  exit 127
fi
# Other pods' compute processes on the GPU (n in all: 1/n of the speed) and stress-ng CPU hogs on
# the node's 8 vCPUs (1 + N/8, at most 2x) slow it too; prints "others cpu_workers".
contention() {
  local f pod others=0 cpu=0 kind n
  for f in "${GPU_BENCH_ROOT:-}"/var/lib/stand-in/gpu-procs/*; do
    [[ -f $f && -d /proc/${f##*/} ]] || continue
    pod=""
    { IFS= read -r _ && IFS= read -r pod; } <"$f" || true
    [[ $pod == "${STANDIN_POD:-}" ]] || others=$((others + 1))
  done
  for f in "${GPU_BENCH_ROOT:-}"/var/lib/stand-in/stress/*; do
    [[ -f $f && -d /proc/${f##*/} ]] || continue
    while read -r kind n _; do if [[ $kind == cpu && $n =~ ^[0-9]+$ ]]; then cpu=$((cpu + n)); fi; done <"$f"
  done
  echo "$others $cpu"
}

# Runs the command, pausing it (SIGSTOP/SIGCONT) for the share of time the GPU's power cap and the
# contention above take away.
run_throttled() {
  local limit_file="${GPU_BENCH_ROOT:-}/var/lib/stand-in/gpu/0.power-limit" default child share code limit others cpu
  default=$(nvidia-smi -i 0 --query-gpu=power.default_limit --format=csv,noheader,nounits 2>/dev/null || echo 0)
  "$@" &
  child=$!
  trap 'kill -CONT "$child" 2>/dev/null; kill -TERM "$child" 2>/dev/null' TERM INT
  while kill -0 "$child" 2>/dev/null; do
    limit=0
    if [[ -f $limit_file ]]; then limit=$(cat "$limit_file"); fi
    read -r others cpu <<<"$(contention)"
    share=$(awk -v l="$limit" -v d="$default" -v o="$others" -v c="$cpu" 'BEGIN {
      rate = (d > 0 && l > 0 && l < d) ? l / d : 1
      rate = rate / (1 + o) / (1 + (c < 8 ? c : 8) / 8)
      printf "%.3f", 1 - rate }')
    if [[ $share == 0.000 || $share == 0 ]]; then
      sleep 0.1
    else
      kill -STOP "$child" 2>/dev/null || true
      sleep "$(awk -v s="$share" 'BEGIN { printf "%.3f", 0.1 * s }')"
      kill -CONT "$child" 2>/dev/null || true
      sleep "$(awk -v s="$share" 'BEGIN { printf "%.3f", 0.1 * (1 - s) }')"
    fi
  done
  code=0
  wait "$child" || code=$?
  exit "$code"
}

case ${1##*/} in
  python | python3 | python3.*)
    shift
    for ((i = 1; i <= $#; i++)); do
      if [[ ${!i##*/} == gpu-burn.py ]]; then exec "$(dirname "${BASH_SOURCE[0]}")/emulated/gpu-burn.sh" "${@:i+1}"; fi
    done
    run_throttled /usr/bin/python3 "$@" ;;
  bash | sh | sleep | echo | true | false | cat | ls | env | printf) exec "$@" ;;
  *)
    echo "exec: \"$1\": executable file not found in \$PATH" >&2
    exit 127 ;;
esac
