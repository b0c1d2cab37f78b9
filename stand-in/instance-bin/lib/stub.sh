#!/usr/bin/env bash
# Helpers for the stand-in's shell stubs; sourced. Every stub keeps its state under
# $GPU_BENCH_ROOT/var/lib/stand-in and scales its latencies by STUB_LATENCY_SCALE (default 1).
STUB_ROOT="${GPU_BENCH_ROOT:?stand-in stub: GPU_BENCH_ROOT is not set (run through the stand-in instance)}"
# shellcheck disable=SC2034 # used by the stubs that source this file
STUB_STATE="$STUB_ROOT/var/lib/stand-in"
STUB_EVENTS="$STUB_ROOT/var/log/stand-in/events.jsonl"
# shellcheck disable=SC2034
STUB_BIN=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

stub_now() { printf '%s' "${EPOCHREALTIME/,/.}"; }

# Sleeps SECONDS (at scale 1) times STUB_LATENCY_SCALE.
stub_sleep() { sleep "$(awk -v s="$1" -v k="${STUB_LATENCY_SCALE:-1}" 'BEGIN { printf "%.3f", s * k }')"; }

# Sleeps until SECONDS (at scale 1) times STUB_LATENCY_SCALE after START (epoch seconds), e.g. a
# container's STANDIN_STARTED_AT: the caller's own start-up counts as part of the delay.
stub_sleep_since() { # start seconds
  sleep "$(awk -v t0="$1" -v s="$2" -v k="${STUB_LATENCY_SCALE:-1}" -v now="$(stub_now)" 'BEGIN { d = t0 + s * k - now; printf "%.3f", (d > 0 ? d : 0) }')"
}

# The `start <ticks>` line of a pid file for process PID (images/pid-files/standin_pid_files.py):
# its start time, /proc/PID/stat field 22, which a later process given the same pid does not share.
stub_start_line() { # pid
  local stat
  IFS= read -r stat <"/proc/$1/stat" || return 1
  read -ra stat <<<"${stat##*)}"
  printf 'start %s\n' "${stat[19]}"
}

# Appends a simulated activity to the events log the bootstrap benchmark reads.
stub_event() { # activity start end
  mkdir -p "${STUB_EVENTS%/*}"
  printf '{"activity":"%s","start":%s,"end":%s}\n' "$1" "$2" "$3" >>"$STUB_EVENTS"
}
