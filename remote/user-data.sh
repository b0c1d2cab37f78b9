#!/bin/bash
# The dead-man switch. The instance was launched with InstanceInitiatedShutdownBehavior=terminate,
# so powering off terminates it: at the run's expires-at, whatever happened to the runner.
# GPU_BENCH_EXPIRES_AT (epoch seconds) is set on the line above this one by the launcher.
now="$(date +%s)"
minutes=$(( (GPU_BENCH_EXPIRES_AT - now + 59) / 60 ))
if [ "$minutes" -lt 1 ]; then
  minutes=1
fi
shutdown -P "+${minutes}" "gpu-bench: ttl-minutes reached, powering off" \
  || systemd-run --on-active="${minutes}m" poweroff
