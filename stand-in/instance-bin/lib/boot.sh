#!/usr/bin/env bash
# What a stand-in instance runs at every boot after the first (the stand-in starts it; its output
# goes to $GPU_BENCH_ROOT/var/log/boot.log): systemd starts every enabled unit, then cloud-init
# runs the executable scripts in /var/lib/cloud/scripts/per-boot in name order. User data runs at
# the first boot only, as cloud-init does for a script.
set -uo pipefail
: "${GPU_BENCH_ROOT:?boot.sh: GPU_BENCH_ROOT is not set (run by the stand-in instance)}"
echo "boot $(cat "$GPU_BENCH_ROOT/proc/sys/kernel/random/boot_id" 2>/dev/null) at $(date -u +%FT%T.%3NZ)"
for enabled in "$GPU_BENCH_ROOT"/var/lib/stand-in/systemd/*.enabled; do
  [[ -e $enabled ]] || continue
  unit="${enabled##*/}"
  unit="${unit%.enabled}"
  systemctl --no-block start "$unit" || echo "boot: $unit failed to start"
done
for script in "$GPU_BENCH_ROOT"/var/lib/cloud/scripts/per-boot/*; do
  [[ -f $script && -x $script ]] || continue
  "$script" || echo "boot: per-boot script ${script##*/} failed ($?)"
done
