#!/usr/bin/env bash
# The stand-in's gpu-burn.py (remote/faults/gpu-burn.py), run by the vLLM and PyTorch handlers in
# place of the real script: this machine has no GPU to multiply on. Like the real one it needs a
# GPU from the nvidia runtime, prints the same lines (first product done, then one a second), and
# runs for --seconds or until SIGTERM. While it runs it is a compute process on the GPUs it sees
# ($GPU_BENCH_ROOT/var/lib/stand-in/gpu-procs/<pid>, listed by nvidia-smi): the vLLM and PyTorch
# handlers time-slice with every other pod's process on their GPU (n processes: 1/n of the speed).
# Knobs: STUB_GPU_BURN_START_SECONDS=1 (CUDA context and first product, at STUB_LATENCY_SCALE=1)
set -euo pipefail
# shellcheck source=../../instance-bin/lib/stub.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../instance-bin/lib/stub.sh"

size=4096 seconds=""
while (($#)); do
  case $1 in
    --size) size=$2 && shift ;;
    --seconds) seconds=$2 && shift ;;
    *) echo "gpu-burn.py: error: unrecognized arguments: $1" >&2 && exit 2 ;;
  esac
  shift
done
[[ -n $seconds ]] || { echo "gpu-burn.py: error: the following arguments are required: --seconds" >&2 && exit 2; }
if ! gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1) || [[ -z $gpu ]]; then
  echo "gpu-burn: no CUDA device is visible (nvidia runtime, NVIDIA_VISIBLE_DEVICES?)" >&2
  exit 3
fi
procs="$STUB_STATE/gpu-procs"
mkdir -p "$procs"
stopped=0
trap 'stopped=1' TERM INT
stub_sleep "${STUB_GPU_BURN_START_SECONDS:-1}"
{
  printf '%s\n%s\n' "${NVIDIA_VISIBLE_DEVICES:-all}" "${STANDIN_POD:-}"
  stub_start_line $$
} >"$procs/$$"
started=$(stub_now)
printf 'GPU_BENCH_JSON {"burn": "started", "gpu": "%s", "size": %s, "t": %s}\n' "$gpu" "$size" "$started"
end=$(awk -v s="$started" -v t="$seconds" 'BEGIN { printf "%.3f", s + t }')
products=0
while ((!stopped)) && [[ -d $GPU_BENCH_ROOT ]] && awk -v now="$(stub_now)" -v e="$end" 'BEGIN { exit !(now < e) }'; do
  sleep 1 & wait $! || true
  products=$((products + 10))
  printf 'GPU_BENCH_JSON {"burn": "running", "products": %s, "t": %s}\n' "$products" "$(stub_now)"
done
rm -f "$procs/$$"
printf 'GPU_BENCH_JSON {"burn": "stopped", "products": %s}\n' "$products"
