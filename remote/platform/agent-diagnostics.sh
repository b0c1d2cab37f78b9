#!/usr/bin/env bash
# What the platform agent did, for a cluster that never became active: the agent pod's describe
# and log (image), or the agent script's log file when it names one (script).
#
# Usage: agent-diagnostics.sh
# Environment: AGENT_KIND (image or script), NAMESPACE, NAME; AGENT_LOG (script: the log file the
#   agent script writes, optional).
# Stdout: the diagnostics text. Exit status: 0 (every probe is best effort).
set -uo pipefail
: "${AGENT_KIND:?AGENT_KIND is required}" "${NAMESPACE:?NAMESPACE is required}" "${NAME:?NAME is required}"

if [[ "$AGENT_KIND" == image ]]; then
  echo "--- kubectl describe pods -l gpu-bench/platform-agent=$NAME ---"
  kubectl -n "$NAMESPACE" describe pods -l "gpu-bench/platform-agent=$NAME" 2>&1 | tail -n 60
  echo "--- kubectl logs deployment/$NAME ---"
  kubectl -n "$NAMESPACE" logs "deployment/$NAME" --tail=80 2>&1
else
  if [[ -n "${AGENT_LOG:-}" && -f "$AGENT_LOG" ]]; then
    echo "--- tail of $AGENT_LOG ---"
    tail -n 80 "$AGENT_LOG"
  else
    echo "--- the agent script names no log file (AGENT_LOG); its output was in the agent step's log ---"
  fi
fi
exit 0
