#!/usr/bin/env bash
# Handler for the pytorch/pytorch images (see README.md): runs the container's python command for
# real, on this machine's CPU, with Debian's torch (/usr/bin/python3) and two threads. run-container
# has already rewritten mount paths (the ConfigMap with resnet50.py) to their sandbox folders.
# Knobs: STUB_PYTORCH_OOM_ABOVE=N        batches larger than N "run out of GPU memory" (resnet50.py's
#                                        GPU_BENCH_SIMULATE_OOM_ABOVE), to test that path end to end
#        STUB_PYTORCH_START_SECONDS=0    container start (CUDA context), at STUB_LATENCY_SCALE=1
# A GPU power limit below the default (nvidia-smi -pl, kept by the nvidia-smi stub) slows the run in
# proportion: the python process is stopped for (1 - limit/default) of every 100 ms.
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
# Runs the command, pausing it (SIGSTOP/SIGCONT) for the share of time the GPU's power cap takes away.
run_throttled() {
  local limit_file="${GPU_BENCH_ROOT:-}/var/lib/stand-in/gpu/0.power-limit" default child share code
  default=$(nvidia-smi -i 0 --query-gpu=power.default_limit --format=csv,noheader,nounits 2>/dev/null || echo 0)
  "$@" &
  child=$!
  trap 'kill -CONT "$child" 2>/dev/null; kill -TERM "$child" 2>/dev/null' TERM INT
  while kill -0 "$child" 2>/dev/null; do
    share=0
    if [[ -f $limit_file ]]; then
      share=$(awk -v l="$(cat "$limit_file")" -v d="$default" 'BEGIN { s = (d > 0 && l > 0 && l < d) ? 1 - l / d : 0; printf "%.3f", s }')
    fi
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
  python | python3 | python3.*) shift && run_throttled /usr/bin/python3 "$@" ;;
  bash | sh | sleep | echo | true | false | cat | ls | env | printf) exec "$@" ;;
  *)
    echo "exec: \"$1\": executable file not found in \$PATH" >&2
    exit 127 ;;
esac
