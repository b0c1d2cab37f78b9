#!/usr/bin/env bash
# Pulls container images into k3s's containerd (/run/k3s/containerd/containerd.sock), all at
# once, so they are present before the workloads need them. Run in the background by
# bootstrap.sh as soon as containerd is up.
#
# Usage: pull-images.sh RESULT_DIR TIMEOUT_SECONDS IMAGE...
# For image number i it writes RESULT_DIR/i.ok ("ref<TAB>digest") or RESULT_DIR/i.error
# ("ref<TAB>reason"), prints an image-pull phase per image and an images-present phase, and
# exits non-zero when any pull failed.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

result_dir=$1
timeout_s=$2
shift 2
mkdir -p "$result_dir"

pull_one() { # index ref
  local started out digest reason rc
  started=$(now_iso)
  if out=$(timeout "$timeout_s" "$K3S" crictl pull "$2" 2>&1); then
    # The repo digest is what a registry serves for this tag now: the exact image that ran.
    digest=$("$K3S" crictl inspecti -o json "$2" 2>/dev/null | grep -o '@sha256:[0-9a-f]\{64\}' | head -n 1) || digest=""
    digest=${digest#@}
    printf '%s\t%s\n' "$2" "$digest" >"$result_dir/$1.ok"
    emit_phase image-pull "$started" "$(now_iso)" ok "$2${digest:+@$digest}"
  else
    rc=$?
    reason=${out##*$'\n'}
    if ((rc == 124)); then reason="no result after ${timeout_s}s"; fi
    printf '%s\t%s\n' "$2" "$reason" >"$result_dir/$1.error"
    emit_phase image-pull "$started" "$(now_iso)" failed "$2: $reason"
    return 1
  fi
}

started=$(now_iso)
pids=()
index=0
for ref in "$@"; do
  pull_one "$index" "$ref" &
  pids+=("$!")
  index=$((index + 1))
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
if ((status == 0)); then
  emit_phase images-present "$started" "$(now_iso)" ok "$# image(s)"
else
  emit_phase images-present "$started" "$(now_iso)" failed "at least one image could not be pulled"
fi
exit "$status"
