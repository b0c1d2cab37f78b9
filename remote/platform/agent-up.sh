#!/usr/bin/env bash
# Starts a platform's cluster agent on the node with the cluster's onboarding token, which it reads
# here from the run's SecureString parameter with the instance role: the SSM command carries only
# the parameter's name, so the token is never in a command, an argument, user data or a log.
#
# Usage: agent-up.sh
# Environment: TOKEN_PARAMETER, TOKEN_REGION (the parameter and its region), PLATFORM_API_URL,
#   PLATFORM_CLUSTER_ID, AGENT_KIND (image or script), NAMESPACE, NAME, TOKEN_SECRET (validated by
#   the caller); with image: agent-deployment.yaml beside this script (the Deployment, which reads
#   the token from the Secret TOKEN_SECRET); with script: agent.sh beside it, run with the token in
#   its environment (PLATFORM_ONBOARDING_TOKEN); it must start the agent and return.
#   TIMEOUT_SECONDS (image: how long the agent's pod may take to run), POLL_SECONDS (default 2),
#   PULL_GRACE_SECONDS (default 120).
# Stdout: last line GPU_BENCH_AGENT {"kind":"image|script","outcome":"running|crashed|timeout|image-pull|unschedulable|config","seconds":N}
# Exit status: 0 when the agent runs; 4 when its pod never ran (the describe and log on stderr);
#   3 when the token could not be read; otherwise kubectl's or the agent script's own status.
set -euo pipefail

: "${TOKEN_PARAMETER:?TOKEN_PARAMETER is required}" "${TOKEN_REGION:?TOKEN_REGION is required}"
: "${PLATFORM_API_URL:?PLATFORM_API_URL is required}" "${PLATFORM_CLUSTER_ID:?PLATFORM_CLUSTER_ID is required}"
: "${AGENT_KIND:?AGENT_KIND is required}" "${NAMESPACE:?NAMESPACE is required}" "${NAME:?NAME is required}"
: "${TOKEN_SECRET:?TOKEN_SECRET is required}" "${TIMEOUT_SECONDS:?TIMEOUT_SECONDS is required}"
poll="${POLL_SECONDS:-2}"
pull_grace="${PULL_GRACE_SECONDS:-120}"
unschedulable_grace="$pull_grace"
for n in "$TIMEOUT_SECONDS" "$pull_grace" "$unschedulable_grace"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "agent-up.sh: '$n' is not a number of seconds" >&2; exit 2; }
done
[[ "$poll" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "agent-up.sh: POLL_SECONDS '$poll' is not a number" >&2; exit 2; }

log() { printf '[platform-agent] %s\n' "$*" >&2; }

if ! token="$(aws ssm get-parameter --region "$TOKEN_REGION" --name "$TOKEN_PARAMETER" --with-decryption \
  --query Parameter.Value --output text)"; then
  log "could not read the onboarding token from SSM parameter $TOKEN_PARAMETER with the instance role (ssm:GetParameter and kms:Decrypt on the stack's node-secrets key)"
  exit 3
fi

case "$AGENT_KIND" in
  image)
    kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || kubectl create namespace "$NAMESPACE" >&2
    # printf is a builtin: the token goes through a pipe, never into any process's arguments.
    token_b64="$(printf '%s' "$token" | base64 | tr -d '\n')"
    unset token
    printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\ntype: Opaque\ndata:\n  token: %s\n' \
      "$TOKEN_SECRET" "$NAMESPACE" "$token_b64" | kubectl apply -f - >/dev/null
    unset token_b64
    log "onboarding token stored in secret $NAMESPACE/$TOKEN_SECRET"
    kubectl apply -f agent-deployment.yaml >&2
    # Bounded wait until the agent's pod runs, failing fast on a pod that can never start; whether
    # the agent connects is the platform's to say (the cluster turns active).
    k() { kubectl -n "$NAMESPACE" "$@"; }
    # shellcheck source=remote/workloads/pod-watch.sh disable=SC1091
    source "$(dirname "${BASH_SOURCE[0]}")/pod-watch.sh"
    selector="gpu-bench/platform-agent=$NAME"
    started=$SECONDS
    outcome=""
    reason=""
    while [[ -z "$outcome" ]]; do
      phases="$(k get pods -l "$selector" -o jsonpath='{.items[*].status.phase}' 2>/dev/null || true)"
      if [[ " $phases " == *" Running "* ]]; then outcome=running; break; fi
      pod_trouble "$selector"
      if [[ -z "$outcome" && " $waiting " == *" CrashLoopBackOff "* ]]; then outcome=crashed; reason="the agent exited while starting"; fi
      if [[ -z "$outcome" ]] && (( SECONDS - started >= TIMEOUT_SECONDS )); then
        outcome=timeout; reason="not running after ${TIMEOUT_SECONDS}s"
      fi
      [[ -n "$outcome" ]] || sleep "$poll"
    done
    elapsed=$(( SECONDS - started ))
    log "agent pod: $outcome${reason:+ ($reason)} after ${elapsed}s"
    if [[ "$outcome" != running ]]; then
      {
        echo "--- kubectl describe pods -l $selector ---"
        k describe pods -l "$selector" 2>&1 | tail -n 60 || true
        echo "--- kubectl logs deployment/$NAME ---"
        k logs "deployment/$NAME" --previous --tail=80 2>/dev/null || k logs "deployment/$NAME" --tail=80 2>&1 || true
      } >&2
      printf 'GPU_BENCH_AGENT {"kind":"image","outcome":"%s","seconds":%d}\n' "$outcome" "$elapsed"
      exit 4
    fi
    printf 'GPU_BENCH_AGENT {"kind":"image","outcome":"running","seconds":%d}\n' "$elapsed"
    exit 0
    ;;
  script)
    log "running the agent script for cluster $PLATFORM_CLUSTER_ID"
    PLATFORM_ONBOARDING_TOKEN="$token" PLATFORM_API_URL="$PLATFORM_API_URL" PLATFORM_CLUSTER_ID="$PLATFORM_CLUSTER_ID" bash ./agent.sh >&2
    unset token
    printf 'GPU_BENCH_AGENT {"kind":"script","outcome":"running","seconds":%d}\n' "$SECONDS"
    ;;
  *)
    log "AGENT_KIND must be image or script, got '$AGENT_KIND'"
    exit 2
    ;;
esac
