#!/usr/bin/env bash
# Helpers shared by the node bootstrap scripts; sourced, never run on its own.
#
# Output contract: progress lines are plain text; results the runner parses are single lines
# "GPU_BENCH_JSON <json>" with "kind" one of: phase, error, inventory.
#
# Every absolute path the scripts read or write for state is prefixed with ${GPU_BENCH_ROOT:-}
# (empty on a real instance), so the stand-in can run them inside a sandbox.
set -Eeuo pipefail

export TZ=UTC
ROOT="${GPU_BENCH_ROOT:-}"
K3S_BIN_DIR="$ROOT/usr/local/bin"
K3S="$K3S_BIN_DIR/k3s"
# Also used by the scripts that source this file.
# shellcheck disable=SC2034
SYSTEMD_DIR="$ROOT/etc/systemd/system"
CURRENT_STEP=""
STEP_STARTED_AT=""

# ISO-8601 UTC with milliseconds, without forking (bash 5 builtins).
now_iso() {
  local t=${EPOCHREALTIME/,/.}
  local frac=${t#*.}
  printf '%(%Y-%m-%dT%H:%M:%S)T.%sZ' "${t%.*}" "${frac:0:3}"
}

# Seconds since the epoch, with fractions, for measuring waits.
now_s() { printf '%s' "${EPOCHREALTIME/,/.}"; }

progress() { printf '[%s] %s\n' "$(now_iso)" "$*"; }

json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  if [[ $s == *[[:cntrl:]]* ]]; then s=$(printf '%s' "$s" | tr -d '\000-\037'); fi
  printf '"%s"' "$s"
}

emit() { printf 'GPU_BENCH_JSON %s\n' "$1"; }

emit_phase() { # name startedAt endedAt status [detail]
  local detail=""
  if [[ -n ${5:-} ]]; then detail=",\"detail\":$(json_str "$5")"; fi
  emit "{\"kind\":\"phase\",\"name\":$(json_str "$1"),\"startedAt\":\"$2\",\"endedAt\":\"$3\",\"status\":\"$4\"$detail}"
}

step_begin() { # name [startedAt]
  CURRENT_STEP=$1
  STEP_STARTED_AT=${2:-$(now_iso)}
  if [[ -z ${2:-} ]]; then progress "$1: started"; fi
}

step_end() { # [detail]
  emit_phase "$CURRENT_STEP" "$STEP_STARTED_AT" "$(now_iso)" ok "${1:-}"
  progress "$CURRENT_STEP: done${1:+ ($1)}"
  CURRENT_STEP=""
}

# Ends the script with a clear, machine-readable error: what did not work and what to do.
# With a third argument the failure belongs to that step, and the open one is marked cancelled.
fail() { # message hint [step]
  local step=${3:-${CURRENT_STEP:-bootstrap}}
  trap - ERR
  if [[ -n $CURRENT_STEP ]]; then
    if [[ $step == "$CURRENT_STEP" ]]; then
      emit_phase "$CURRENT_STEP" "$STEP_STARTED_AT" "$(now_iso)" failed "$1"
    else
      emit_phase "$CURRENT_STEP" "$STEP_STARTED_AT" "$(now_iso)" cancelled "stopped: $step failed"
    fi
  fi
  emit "{\"kind\":\"error\",\"step\":$(json_str "$step"),\"message\":$(json_str "$1"),\"hint\":$(json_str "${2:-}")}"
  printf 'ERROR [%s] %s\n' "$step" "$1" >&2
  if [[ -n ${2:-} ]]; then printf 'HINT  %s\n' "$2" >&2; fi
  exit 1
}

on_unexpected_error() { # status line command
  fail "'$3' exited with status $1 (line $2 of $(basename "$0"))" \
    "This is not a known failure mode; the diagnostics (k3s journal, pod descriptions) show the state it left."
}
trap 'on_unexpected_error $? $LINENO "$BASH_COMMAND"' ERR

# Waits until a command succeeds, polling every $POLL_SECONDS; returns 1 at the deadline.
POLL_SECONDS=${POLL_SECONDS:-0.1}
poll_until() { # timeout_seconds command...
  local deadline
  deadline=$(deadline_in "$1")
  shift
  until "$@" >/dev/null 2>&1; do
    if is_past "$deadline"; then return 1; fi
    sleep "$POLL_SECONDS"
  done
}

kc() { "$K3S" kubectl "$@"; }

# A point in time $1 seconds from now, and the whole seconds left until it (at least 1).
deadline_in() { awk -v now="$(now_s)" -v t="$1" 'BEGIN { printf "%.3f", now + t }'; }
is_past() { awk -v now="$(now_s)" -v d="$1" 'BEGIN { exit !(now >= d) }'; }
seconds_left() { awk -v now="$(now_s)" -v d="$1" 'BEGIN { s = int(d - now + 0.999); print (s < 1 ? 1 : s) }'; }
