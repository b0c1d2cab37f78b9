#!/bin/bash
# The dead-man switch: at the run's expires-at the instance powers itself off, whatever happened to
# the runner; it was launched with InstanceInitiatedShutdownBehavior=terminate, so that terminates it.
#
# Runs as user data at first boot and again over SSM, so a custom AMI without cloud-init (or a
# cloud-init that failed earlier) still gets it; running it twice is harmless. It keeps the absolute
# expiry in /etc/gpu-bench/expires-at and installs a unit that arms it again at every boot (a reboot
# clears a pending `shutdown`, and user data runs only at first boot). Then it checks that a poweroff
# is scheduled no later than the expiry, and prints one line:
#   GPU_BENCH_JSON {"kind":"dead-man-switch","armed":true,...}
# GPU_BENCH_EXPIRES_AT (epoch seconds) comes from the line the launcher puts under the shebang (user
# data) or from the environment (SSM); with --boot, from the file an earlier arming wrote.
set -euo pipefail
ROOT="${GPU_BENCH_ROOT:-}"
conf="$ROOT/etc/gpu-bench/expires-at"
hook="$ROOT/usr/local/sbin/gpu-bench-dead-man"
unit_name=gpu-bench-dead-man.service
unit="$ROOT/etc/systemd/system/$unit_name"
timer_name=gpu-bench-dead-man-timer
# Where systemd-logind keeps a scheduled shutdown (shutdown -P +N writes it, shutdown -c removes it).
scheduled="$ROOT/run/systemd/shutdown/scheduled"

mode="${1:-arm}"
if [ "$mode" = --boot ]; then
  GPU_BENCH_EXPIRES_AT="$(cat "$conf")"
fi
case "${GPU_BENCH_EXPIRES_AT:-}" in
  '' | *[!0-9]*)
    echo "dead-man switch: GPU_BENCH_EXPIRES_AT is not an epoch time" >&2
    exit 64
    ;;
esac
expires="$GPU_BENCH_EXPIRES_AT"

# Armed at boot already (by user data, or by an earlier SSM arming)?
before=false
if [ -f "$unit" ]; then before=true; fi

if [ "$mode" != --boot ]; then
  mkdir -p "${conf%/*}" "${hook%/*}" "${unit%/*}"
  printf '%s\n' "$expires" >"$conf"
  cp "$0" "$hook"
  chmod 0755 "$hook"
  cat >"$unit" <<UNIT
[Unit]
Description=gpu-bench dead-man switch: power off at the run's expires-at (every boot)
After=systemd-logind.service

[Service]
Type=oneshot
ExecStart=$hook --boot

[Install]
WantedBy=multi-user.target
UNIT
  systemctl daemon-reload
  systemctl enable "$unit_name" >/dev/null
fi

now="$(date +%s)"
minutes=$(((expires - now + 59) / 60))
if [ "$minutes" -lt 1 ]; then
  minutes=1
fi
via=shutdown
if ! shutdown -P "+${minutes}" "gpu-bench: ttl-minutes reached, powering off" 2>/dev/null; then
  via=systemd-run
  systemctl stop "$timer_name.timer" 2>/dev/null || true
  systemd-run --on-active="${minutes}m" --unit="$timer_name" poweroff
fi

# Verify, from what systemd itself keeps, not from the commands' exit codes.
armed=false
fires=0
if [ "$via" = shutdown ] && [ -f "$scheduled" ]; then
  usec="$(sed -n 's/^USEC=//p' "$scheduled")"
  kind="$(sed -n 's/^MODE=//p' "$scheduled")"
  fires=$((${usec:-0} / 1000000))
  # No later than the expiry (rounded up to the minute; a tick of slack), or a minute from now once it has passed.
  latest=$((expires > now ? expires : now))
  if [ "$kind" = poweroff ] && [ "$fires" -gt 0 ] && [ "$fires" -le $((latest + 120)) ]; then armed=true; fi
elif [ "$via" = systemd-run ] && systemctl is-active --quiet "$timer_name.timer"; then
  armed=true
  fires=$((now + minutes * 60))
fi
persistent=false
if systemctl is-enabled --quiet "$unit_name"; then persistent=true; fi

printf 'GPU_BENCH_JSON {"kind":"dead-man-switch","armed":%s,"via":"%s","firesAt":%s,"expiresAt":%s,"persistent":%s,"armedBefore":%s}\n' \
  "$armed" "$via" "$fires" "$expires" "$persistent" "$before"
if [ "$armed" != true ]; then
  echo "dead-man switch: no poweroff is scheduled by ${expires} (via ${via})" >&2
  exit 1
fi
