#!/usr/bin/env bash
# Handler for NVIDIA's CUDA images (nvcr.io/nvidia/cuda:*): Ubuntu with the CUDA runtime, into which
# the nvidia runtime injects nvidia-smi and the driver. Runs nvidia-smi (the stand-in's, which
# honours NVIDIA_VISIBLE_DEVICES and STANDIN_NO_GPU), and plain shell tools; anything else is not
# in the image.
# Knobs: STUB_CUDA_START_SECONDS=1 (container and driver initialisation, at STUB_LATENCY_SCALE=1)
set -euo pipefail
# shellcheck source=../instance-bin/lib/stub.sh
source "$(dirname "${BASH_SOURCE[0]}")/../instance-bin/lib/stub.sh"

stub_sleep "${STUB_CUDA_START_SECONDS:-1}"
if (($# == 0)); then exit 0; fi
case ${1##*/} in
  nvidia-smi) shift && exec nvidia-smi "$@" ;;
  bash | sh | sleep | echo | true | false | cat | ls | env | printf) exec "$@" ;;
  *)
    echo "exec: \"$1\": executable file not found in \$PATH" >&2
    exit 127 ;;
esac
