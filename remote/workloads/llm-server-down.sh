#!/usr/bin/env bash
# Stops the vLLM server of one LLM workload and waits (bounded) until its pod is gone, so the GPU is
# free for the next workload; removes the token Secret. Idempotent: nothing to delete is fine.
#
# A server across nodes (vllm-ray-cluster.yaml) is a Job of that name with its ConfigMap and the
# headless Service RAY_SERVICE: those go too.
# Environment: NAMESPACE, NAME, TOKEN_SECRET (validated by the caller), TIMEOUT_SECONDS (default 180),
#   RAY_SERVICE (optional).
set -euo pipefail

: "${NAMESPACE:?NAMESPACE is required}" "${NAME:?NAME is required}" "${TOKEN_SECRET:?TOKEN_SECRET is required}"
timeout="${TIMEOUT_SECONDS:-180}"
[[ "$timeout" =~ ^[0-9]+$ ]] || { echo "llm-server-down.sh: '$timeout' is not a number of seconds" >&2; exit 2; }

k() { kubectl -n "$NAMESPACE" "$@"; }

if ! kubectl get namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "GPU_BENCH_SERVER_DOWN {\"name\":\"$NAME\",\"outcome\":\"absent\"}"
  exit 0
fi
k delete deployment "$NAME" --ignore-not-found --wait=true --timeout="${timeout}s" >&2
k delete job "$NAME" --ignore-not-found --wait=true --timeout="${timeout}s" >&2
k delete service "$NAME" --ignore-not-found >&2
if [[ -n "${RAY_SERVICE:-}" ]]; then
  k delete service "$RAY_SERVICE" --ignore-not-found >&2
  k delete configmap "$NAME" --ignore-not-found >&2
fi
k delete secret "$TOKEN_SECRET" --ignore-not-found >/dev/null

deadline=$(( SECONDS + timeout ))
while [[ -n "$(k get pods -l "gpu-bench/server=$NAME" -o name 2>/dev/null || true)" ]]; do
  if (( SECONDS >= deadline )); then
    echo "[$NAME] server pod still present after ${timeout}s" >&2
    echo "GPU_BENCH_SERVER_DOWN {\"name\":\"$NAME\",\"outcome\":\"timeout\"}"
    exit 1
  fi
  sleep 2
done
echo "GPU_BENCH_SERVER_DOWN {\"name\":\"$NAME\",\"outcome\":\"stopped\"}"
