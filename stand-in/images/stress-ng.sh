#!/usr/bin/env bash
# Handler for stress-ng images (entrypoint stress-ng, e.g. docker.io/alexeiled/stress-ng:*): the
# stand-in does not burn this shared machine's cores or memory. It prints what stress-ng prints,
# records the pressure it stands for in $GPU_BENCH_ROOT/var/lib/stand-in/stress/<pid> ("cpu N" or
# "vm N BYTES%"), which the vLLM and PyTorch handlers read (N CPU hogs on the node's 8 vCPUs
# stretch every step by 1 + N/8, at most 2x; memory pressure below the node's size slows nothing),
# and runs until --timeout or SIGTERM.
# Emulated options: --cpu N, --vm N, --vm-bytes SIZE, --vm-keep, --timeout Ns, --metrics-brief.
set -euo pipefail
# shellcheck source=../instance-bin/lib/stub.sh
source "$(dirname "${BASH_SOURCE[0]}")/../instance-bin/lib/stub.sh"

cpu=0 vm=0 vm_bytes=256M timeout=0
while (($#)); do
  case $1 in
    --cpu) cpu=$2 && shift ;;
    --vm) vm=$2 && shift ;;
    --vm-bytes) vm_bytes=$2 && shift ;;
    --timeout) timeout=${2%s} && shift ;;
    --vm-keep | --metrics-brief | --metrics) ;;
    *) echo "stress-ng: unrecognized option '$1' (not emulated by the stand-in)" >&2 && exit 1 ;;
  esac
  shift
done
[[ $cpu =~ ^[0-9]+$ && $vm =~ ^[0-9]+$ && $timeout =~ ^[0-9]+$ ]] || { echo "stress-ng: bad numbers" >&2 && exit 1; }
hogs=()
((cpu == 0)) || hogs+=("$cpu cpu")
((vm == 0)) || hogs+=("$vm vm")
((${#hogs[@]})) || { echo "stress-ng: no stressor given" >&2 && exit 1; }

state="$STUB_STATE/stress"
mkdir -p "$state"
{
  ((cpu == 0)) || echo "cpu $cpu"
  ((vm == 0)) || echo "vm $vm $vm_bytes"
  stub_start_line $$
} >"$state/$$"
started=$(stub_now)
finish() {
  rm -f "$state/$$"
  printf 'stress-ng: info:  [1] successful run completed in %.2fs\n' "$(awk -v a="$started" -v b="$(stub_now)" 'BEGIN { print b - a }')"
  exit 0
}
trap finish TERM INT
echo "stress-ng: info:  [1] setting to a ${timeout} second run per stressor"
list=$(IFS=, && echo "${hogs[*]}")
echo "stress-ng: info:  [1] dispatching hogs: ${list//,/, }"
end=$(awk -v s="$started" -v t="$timeout" 'BEGIN { printf "%.3f", s + (t > 0 ? t : 86400) }')
while [[ -d $GPU_BENCH_ROOT ]] && awk -v now="$(stub_now)" -v e="$end" 'BEGIN { exit !(now < e) }'; do sleep 0.5 & wait $!; done
finish
