#!/usr/bin/env bash
# Starts vLLM's OpenAI-compatible server (Deployment + Service) and waits, bounded, until its pod
# is Ready (the readiness probe answers /health), failing fast on a crash loop, an image that cannot
# be pulled or a pod that can never be scheduled. With SERVER_KIND=ray the server is a Ray cluster
# across the nodes (an Indexed Job, vllm-ray-cluster.yaml): ready when pod 0 (head and API server)
# is Ready, crashed when the Job failed (any of its pods exited), and the head's GPU_BENCH_RAY line
# (the cluster as Ray counted it) is relayed.
#
# Usage: llm-server-up.sh [manifest.yaml]
# Environment: NAMESPACE, NAME, TOKEN_SECRET (validated by the caller), TIMEOUT_SECONDS,
#   HF_TOKEN_PARAMETER and HF_TOKEN_REGION (optional: the run's SecureString parameter holding the
#   Hugging Face token, read here with the instance role; the token becomes a Secret, never an
#   argument, a log line or part of the SSM command), POLL_SECONDS (default 3),
#   PULL_GRACE_SECONDS (default 120), UNSCHEDULABLE_GRACE_SECONDS (default 180),
#   SERVER_KIND (deployment, the default, or ray).
# Stdout: GPU_BENCH_RAY {"nodes":N,"gpus":G,"joinSeconds":S} (SERVER_KIND=ray, once ready); last line GPU_BENCH_SERVER {"name":…,"outcome":"ready|crashed|timeout|image-pull|unschedulable|config","seconds":N}
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
kind="${SERVER_KIND:-deployment}"
[[ "$kind" == deployment || "$kind" == ray ]] || { echo "llm-server-up.sh: SERVER_KIND '$kind' is not deployment or ray" >&2; exit 2; }

log() { printf '[%s] %s\n' "$NAME" "$*" >&2; }
k() { kubectl -n "$NAMESPACE" "$@"; }
selector="gpu-bench/server=$NAME"
head="$selector,batch.kubernetes.io/job-completion-index=0"

kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || kubectl create namespace "$NAMESPACE" >&2

# The token comes from the run's SecureString parameter (the instance role may decrypt it; the SSM
# command carries only its name), then goes into the Secret through a pipe: printf is a shell
# builtin, so the value never appears in any process's arguments.
HF_TOKEN=""
if [[ -n "${HF_TOKEN_PARAMETER:-}" ]]; then
  if ! HF_TOKEN="$(aws ssm get-parameter --region "${HF_TOKEN_REGION:?HF_TOKEN_REGION is required with HF_TOKEN_PARAMETER}" \
    --name "$HF_TOKEN_PARAMETER" --with-decryption --query Parameter.Value --output text)"; then
    log "could not read the Hugging Face token from SSM parameter $HF_TOKEN_PARAMETER with the instance role (ssm:GetParameter and kms:Decrypt on the stack's node-secrets key)"
    exit 3
  fi
fi
if [[ -n "$HF_TOKEN" ]]; then
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
  if [[ "$kind" == ray ]]; then
    ready="$(k get pods -l "$head" -o jsonpath='{.items[*].status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)"
    if [[ " $ready " == *" True "* ]]; then outcome=ready; break; fi
  else
    ready="$(k get deployment "$NAME" -o jsonpath='{.status.readyReplicas}' 2>/dev/null || true)"
    if [[ "$ready" =~ ^[1-9] ]]; then outcome=ready; break; fi
  fi
  pod_trouble "$selector"
  if [[ " $waiting " == *" CrashLoopBackOff "* ]]; then outcome=crashed; reason="the server exited while starting"; fi
  if [[ -z "$outcome" && "$kind" == ray && "$(k get job "$NAME" -o jsonpath='{.status.failed}' 2>/dev/null || true)" =~ ^[1-9] ]]; then
    outcome=crashed; reason="a pod of the Ray cluster exited while starting"
  fi
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
    if [[ "$kind" == ray ]]; then
      # The workers first, the head last: its log says how many nodes joined and what vLLM said.
      for pod in $(k get pods -l "$selector" -o jsonpath='{range .items[*]}{.metadata.name}{" "}{end}' 2>/dev/null | tr ' ' '\n' | sort -r); do
        echo "--- log of $pod ---"
        k logs "$pod" --tail=60 2>&1 || true
      done
    else
      echo "--- log of server $NAME ---"
      k logs "deployment/$NAME" --previous --tail=80 2>/dev/null || k logs "deployment/$NAME" --tail=80 2>&1 || true
    fi
  } >&2
elif [[ "$kind" == ray ]]; then
  k logs -l "$head" --tail=-1 2>/dev/null | grep '^GPU_BENCH_RAY ' | tail -n 1 || true
fi

printf 'GPU_BENCH_SERVER {"name":"%s","outcome":"%s","seconds":%d}\n' "$NAME" "$outcome" "$elapsed"
