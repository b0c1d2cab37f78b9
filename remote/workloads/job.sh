#!/usr/bin/env bash
# Runs one benchmark Job to its end: applies its manifests, waits for it with a bounded timeout
# (failing fast on an image that cannot be pulled or a pod that can never be scheduled), relays
# its results as marked lines, prints diagnostics when it did not succeed, and deletes it.
#
# Usage: job.sh [manifest.yaml]
# Environment: NAMESPACE, JOB_NAME (validated by the caller), TIMEOUT_SECONDS,
#   LOG_SELECTOR (a Job of several pods: the label selector of the pod whose log has the results),
#   POLL_SECONDS (default 2), PULL_GRACE_SECONDS (default 120), UNSCHEDULABLE_GRACE_SECONDS (default 180).
# Stdout, for the caller to parse:
#   GPU_BENCH_JSON {...}          each line of the container log that is a {"record": ...} object
#   GPU_BENCH_VLLM_RESULT {...}   a vllm bench result file, as the container printed it
#   GPU_BENCH_VLLM_WINDOW {...}   the benchmark's start and end on the host clock (Unix seconds)
#   GPU_BENCH_JOB {...}           last line: outcome (succeeded|failed|timeout|image-pull|unschedulable|config), seconds
# Exit status: 0 when the Job reached an outcome (whatever it was), non-zero when kubectl itself failed.
set -euo pipefail

manifest="${1:-manifest.yaml}"
: "${NAMESPACE:?NAMESPACE is required}" "${JOB_NAME:?JOB_NAME is required}" "${TIMEOUT_SECONDS:?TIMEOUT_SECONDS is required}"
poll="${POLL_SECONDS:-2}"
pull_grace="${PULL_GRACE_SECONDS:-120}"
unschedulable_grace="${UNSCHEDULABLE_GRACE_SECONDS:-180}"
for n in "$TIMEOUT_SECONDS" "$pull_grace" "$unschedulable_grace"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "job.sh: '$n' is not a number of seconds" >&2; exit 2; }
done
[[ "$poll" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "job.sh: POLL_SECONDS '$poll' is not a number" >&2; exit 2; }

log() { printf '[%s] %s\n' "$JOB_NAME" "$*" >&2; }
k() { kubectl -n "$NAMESPACE" "$@"; }

delete_job() {
  k delete job "$JOB_NAME" --ignore-not-found --cascade=foreground --wait=true --timeout=120s >/dev/null 2>&1 || true
  k delete configmap "$JOB_NAME" --ignore-not-found >/dev/null 2>&1 || true
  # A distributed Job's headless Service (remote/workloads/distributed-job.yaml).
  k delete service "$JOB_NAME" --ignore-not-found >/dev/null 2>&1 || true
}

# A Job of the same name (an earlier attempt on this node) would make apply a no-op.
if kubectl get namespace "$NAMESPACE" >/dev/null 2>&1; then delete_job; fi
kubectl apply -f "$manifest" >&2
trap delete_job EXIT

# shellcheck source=remote/workloads/pod-watch.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/pod-watch.sh"
started=$SECONDS
outcome=""
reason=""
while [[ -z "$outcome" ]]; do
  conditions="$(k get job "$JOB_NAME" -o jsonpath='{.status.conditions[?(@.status=="True")].type}' 2>/dev/null || true)"
  case " $conditions " in
    *" Complete "*) outcome=succeeded; break ;;
    *" Failed "*) outcome=failed; break ;;
  esac
  pod_trouble "job-name=$JOB_NAME"
  if [[ -z "$outcome" ]] && (( SECONDS - started >= TIMEOUT_SECONDS )); then
    outcome=timeout; reason="still running after ${TIMEOUT_SECONDS}s"
  fi
  [[ -n "$outcome" ]] || sleep "$poll"
done
elapsed=$(( SECONDS - started ))
log "outcome: $outcome${reason:+ ($reason)} after ${elapsed}s"

exit_code=0
if [[ "$outcome" != succeeded ]]; then
  exit_code="null"
  # Diagnostics first, the container's own log last: the end of stderr is what callers quote.
  {
    echo "--- diagnostics for job $JOB_NAME ---"
    k describe job "$JOB_NAME" 2>&1 | tail -n 40 || true
    k describe pods -l "job-name=$JOB_NAME" 2>&1 | tail -n 60 || true
    k get events --sort-by=.lastTimestamp 2>&1 | tail -n 20 || true
    echo "--- log of job $JOB_NAME ---"
  } >&2
  code="$(k get pods -l "job-name=$JOB_NAME" -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}' 2>/dev/null || true)"
  if [[ "$code" =~ ^[0-9]+$ ]]; then exit_code="$code"; fi
fi

if [[ -n "${LOG_SELECTOR:-}" ]]; then
  if [[ "$outcome" != succeeded ]]; then
    # The other pods' ends first: a rank that failed elsewhere says why there.
    k logs -l "job-name=$JOB_NAME" --all-containers=true --tail=15 2>/dev/null >&2 || true
  fi
  container_log="$(k logs -l "$LOG_SELECTOR" --all-containers=true --tail=-1 2>/dev/null || true)"
else
  container_log="$(k logs "job/$JOB_NAME" --all-containers=true 2>/dev/null || true)"
fi
while IFS= read -r line; do
  case "$line" in
    '{"record":'*) printf 'GPU_BENCH_JSON %s\n' "$line" ;;
    GPU_BENCH_VLLM_RESULT\ * | GPU_BENCH_VLLM_WINDOW\ *) printf '%s\n' "$line" ;;
    *) printf '%s\n' "$line" >&2 ;;
  esac
done <<< "$container_log"

# Every value below is a fixed word, a number or the caller's validated job name: safe as JSON.
printf 'GPU_BENCH_JOB {"job":"%s","outcome":"%s","seconds":%d,"exitCode":%s}\n' "$JOB_NAME" "$outcome" "$elapsed" "$exit_code"
