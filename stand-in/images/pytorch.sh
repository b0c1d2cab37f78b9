#!/usr/bin/env bash
# Handler for the pytorch/pytorch images (see README.md): runs the container's python command for
# real, on this machine's CPU, with Debian's torch (/usr/bin/python3) and two threads. run-container
# has already rewritten mount paths (the ConfigMap with resnet50.py) to their sandbox folders.
# Knobs: STUB_PYTORCH_OOM_ABOVE=N        batches larger than N "run out of GPU memory" (resnet50.py's
#                                        GPU_BENCH_SIMULATE_OOM_ABOVE), to test that path end to end
#        STUB_PYTORCH_START_SECONDS=0    container start (CUDA context), at STUB_LATENCY_SCALE=1
# A GPU power limit below the default (nvidia-smi -pl, kept by the nvidia-smi stub) slows the run in
# proportion, charged per step (gpu-throttle/sitecustomize.py); other pods' GPU processes and
# stress-ng CPU hogs take their share too.
# `python …/gpu-burn.py` runs the stand-in's emulation of the gpu-contention process (emulated/gpu-burn.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../instance-bin/lib/stub.sh
source "$(dirname "${BASH_SOURCE[0]}")/../instance-bin/lib/stub.sh"

stub_sleep "${STUB_PYTORCH_START_SECONDS:-0}"
# PASSIVE: OpenMP threads sleep instead of spinning when other processes share the cores.
export OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE CUDA_VISIBLE_DEVICES=""
# The pod network of the stand-in is this machine's loopback: torch.distributed's gloo binds there.
export GLOO_SOCKET_IFNAME=lo
if [[ -n ${STUB_PYTORCH_OOM_ABOVE:-} ]]; then export GPU_BENCH_SIMULATE_OOM_ABOVE="$STUB_PYTORCH_OOM_ABOVE"; fi

if (($# == 0)); then
  echo "pytorch stand-in: the container has no command (the image's default shell is not emulated)" >&2
  exit 127
fi
# The GPU's speed (power cap, other GPU processes, CPU hogs) is charged per step inside the
# python process (gpu-throttle/sitecustomize.py): it needs the default power limit.
run_throttled() {
  local here default
  here=$(dirname "${BASH_SOURCE[0]}")
  default=$(nvidia-smi -i 0 --query-gpu=power.default_limit --format=csv,noheader,nounits 2>/dev/null || echo 0)
  STANDIN_GPU_DEFAULT_WATTS="$default" PYTHONPYCACHEPREFIX="${TMPDIR:-/tmp}/stand-in-pycache" \
    PYTHONPATH="$here/gpu-throttle:$here/pid-files:$here/cluster-net${PYTHONPATH:+:$PYTHONPATH}" exec /usr/bin/python3 "$@"
}

case ${1##*/} in
  python | python3 | python3.*)
    shift
    for ((i = 1; i <= $#; i++)); do
      if [[ ${!i##*/} == gpu-burn.py ]]; then exec "$(dirname "${BASH_SOURCE[0]}")/emulated/gpu-burn.sh" "${@:i+1}"; fi
    done
    run_throttled "$@" ;;
  bash | sh | sleep | echo | true | false | cat | ls | env | printf) exec "$@" ;;
  *)
    echo "exec: \"$1\": executable file not found in \$PATH" >&2
    exit 127 ;;
esac
