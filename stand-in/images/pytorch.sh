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
# the node's 8 vCPUs (1 + N/8, at most 2x) slow it too; sets OTHERS and CPU_HOGS (no subshell: this
# runs beside the training, on the same cores).
contention() {
  local f pod kind n
  OTHERS=0 CPU_HOGS=0
  for f in "${GPU_BENCH_ROOT:-}"/var/lib/stand-in/gpu-procs/*; do
    [[ -f $f && -d /proc/${f##*/} ]] || continue
    pod=""
    { IFS= read -r _ && IFS= read -r pod; } <"$f" || true
    [[ $pod == "${STANDIN_POD:-}" ]] || OTHERS=$((OTHERS + 1))
  done
  for f in "${GPU_BENCH_ROOT:-}"/var/lib/stand-in/stress/*; do
    [[ -f $f && -d /proc/${f##*/} ]] || continue
    while read -r kind n _; do if [[ $kind == cpu && $n =~ ^[0-9]+$ ]]; then CPU_HOGS=$((CPU_HOGS + n)); fi; done <"$f"
  done
}

# Runs the command, pausing it (SIGSTOP/SIGCONT) for the share of time the GPU's power cap and the
# contention above take away, in 100 ms periods. The share is worked out again every 0.5 s, while
# the command is stopped, so that the stand-in's own bookkeeping does not run in its time.
run_throttled() {
  local limit_file="${GPU_BENCH_ROOT:-}/var/lib/stand-in/gpu/0.power-limit" default child code limit stop=0 run=0.1 i=0
  default=$(nvidia-smi -i 0 --query-gpu=power.default_limit --format=csv,noheader,nounits 2>/dev/null || echo 0)
  "$@" &
  child=$!
  trap 'kill -CONT "$child" 2>/dev/null; kill -TERM "$child" 2>/dev/null' TERM INT
  while kill -0 "$child" 2>/dev/null; do
    if ((i % 5 == 0)); then
      [[ $stop == 0 ]] || kill -STOP "$child" 2>/dev/null || true
      limit=0
      if [[ -f $limit_file ]]; then limit=$(<"$limit_file"); fi
      contention
      read -r stop run < <(awk -v l="$limit" -v d="$default" -v o="$OTHERS" -v c="$CPU_HOGS" 'BEGIN {
        rate = (d > 0 && l > 0 && l < d) ? l / d : 1
        rate = rate / (1 + o) / (1 + (c < 8 ? c : 8) / 8)
        if (rate >= 0.9995) print 0, 0.1; else printf "%.3f %.3f\n", 0.1 * (1 - rate), 0.1 * rate }')
      kill -CONT "$child" 2>/dev/null || true
    fi
    i=$((i + 1))
    if [[ $stop == 0 ]]; then
      sleep 0.1
    else
      kill -STOP "$child" 2>/dev/null || true
      sleep "$stop"
      kill -CONT "$child" 2>/dev/null || true
      sleep "$run"
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
