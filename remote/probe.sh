#!/usr/bin/env bash
# First command on a new instance: proves the SSM channel and that the agent can upload command
# output to the evidence bucket (the TS side checks the S3 copy exists), and says what the host is.
set -euo pipefail
printf 'GPU_BENCH_JSON {"probe":"ok","kernel":"%s","os":"%s","uptime_s":%s}\n' \
  "$(uname -r)" \
  "$( (. /etc/os-release 2>/dev/null && printf '%s' "${PRETTY_NAME:-unknown}") || printf unknown)" \
  "$(cut -d' ' -f1 /proc/uptime | cut -d. -f1)"
