#!/usr/bin/env bash
# Handler for the pytorch/pytorch images (see README.md): runs the container's python command for
# real, on this machine's CPU, with Debian's torch (/usr/bin/python3) and two threads. run-container
# has already rewritten mount paths (the ConfigMap with resnet50.py) to their sandbox folders.
# Knobs: STUB_PYTORCH_OOM_ABOVE=N        batches larger than N "run out of GPU memory" (resnet50.py's
#                                        GPU_BENCH_SIMULATE_OOM_ABOVE), to test that path end to end
#        STUB_PYTORCH_START_SECONDS=0    container start (CUDA context), at STUB_LATENCY_SCALE=1
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
case ${1##*/} in
  python | python3 | python3.*) shift && exec /usr/bin/python3 "$@" ;;
  bash | sh | sleep | echo | true | false | cat | ls | env | printf) exec "$@" ;;
  *)
    echo "exec: \"$1\": executable file not found in \$PATH" >&2
    exit 127 ;;
esac
