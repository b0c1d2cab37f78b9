#!/usr/bin/env bash
# Starts vLLM's OpenAI-compatible server (Deployment + Service) and waits, bounded, until its pod
# is Ready (the readiness probe answers /health), failing fast on a crash loop, an image that cannot
# be pulled or a pod that can never be scheduled.
#
# Usage: llm-server-up.sh [manifest.yaml]
# Environment: NAMESPACE, NAME, TOKEN_SECRET (validated by the caller), TIMEOUT_SECONDS,
#   HF_TOKEN (optional; becomes a Secret, never an argument or a log line), POLL_SECONDS (default 3),
#   PULL_GRACE_SECONDS (default 120), UNSCHEDULABLE_GRACE_SECONDS (default 180).
# Stdout: last line GPU_BENCH_SERVER {"name":…,"outcome":"ready|crashed|timeout|image-pull|unschedulable|config","seconds":N}
# Exit status: 0 when the server reached an outcome, non-zero when kubectl itself failed.
set -euo pipefail

manifest="${1:-manifest.yaml}"
: "${NAMESPACE:?NAMESPACE is required}" "${NAME:?NAME is required}" "${TOKEN_SECRET:?TOKEN_SECRET is required}"
: "${TIMEOUT_SECONDS:?TIMEOUT_SECONDS is required}"
poll="${POLL_SECONDS:-3}"
pull_grace="${PULL_GRACE_SECONDS:-120}"
unschedulable_grace="${UNSCHEDULABLE_GRACE_SECONDS:-180}"
for n in "$TIMEOUT_SECONDS" "$pull_grace" "$unschedulable_grace"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "llm-server-up.sh: '$n' is not a number of seconds" >&2; exit 2; }
done
[[ "$poll" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "llm-server-up.sh: POLL_SECONDS '$poll' is not a number" >&2; exit 2; }

log() { printf '[%s] %s\n' "$NAME" "$*" >&2; }
k() { kubectl -n "$NAMESPACE" "$@"; }
selector="gpu-bench/server=$NAME"

kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || kubectl create namespace "$NAMESPACE" >&2

# The token goes from the environment into the Secret through a pipe: printf is a shell builtin,
# so the value never appears in any process's arguments.
if [[ -n "${HF_TOKEN:-}" ]]; then
  token_b64="$(printf '%s' "$HF_TOKEN" | base64 | tr -d '\n')"
  printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\ntype: Opaque\ndata:\n  token: %s\n' \
    "$TOKEN_SECRET" "$NAMESPACE" "$token_b64" | kubectl apply -f - >/dev/null
  unset token_b64
  log "Hugging Face token stored in secret $TOKEN_SECRET"
else
  k delete secret "$TOKEN_SECRET" --ignore-not-found >/dev/null 2>&1 || true
fi
unset HF_TOKEN

kubectl apply -f "$manifest" >&2

# shellcheck source=remote/workloads/pod-watch.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/pod-watch.sh"
started=$SECONDS
outcome=""
reason=""
while [[ -z "$outcome" ]]; do
  ready="$(k get deployment "$NAME" -o jsonpath='{.status.readyReplicas}' 2>/dev/null || true)"
  if [[ "$ready" =~ ^[1-9] ]]; then outcome=ready; break; fi
  pod_trouble "$selector"
  if [[ " $waiting " == *" CrashLoopBackOff "* ]]; then outcome=crashed; reason="the server exited while starting"; fi
  if [[ -z "$outcome" ]] && (( SECONDS - started >= TIMEOUT_SECONDS )); then
    outcome=timeout; reason="not Ready after ${TIMEOUT_SECONDS}s"
  fi
  [[ -n "$outcome" ]] || sleep "$poll"
done
elapsed=$(( SECONDS - started ))
log "outcome: $outcome${reason:+ ($reason)} after ${elapsed}s"

if [[ "$outcome" != ready ]]; then
  # Diagnostics first, the server's own log last: the end of stderr is what callers quote.
  {
    echo "--- diagnostics for server $NAME ---"
    k describe pods -l "$selector" 2>&1 | tail -n 60 || true
    k get events --sort-by=.lastTimestamp 2>&1 | tail -n 20 || true
    echo "--- log of server $NAME ---"
    k logs "deployment/$NAME" --previous --tail=80 2>/dev/null || k logs "deployment/$NAME" --tail=80 2>&1 || true
  } >&2
fi

printf 'GPU_BENCH_SERVER {"name":"%s","outcome":"%s","seconds":%d}\n' "$NAME" "$outcome" "$elapsed"
