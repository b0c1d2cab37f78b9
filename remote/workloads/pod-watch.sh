#!/usr/bin/env bash
# Sourced by job.sh and llm-server-up.sh, which ship it beside themselves: tells, from the pods
# behind a label selector, when they can never start, so a wait fails fast instead of at its limit.
#
# pod_trouble SELECTOR  sets outcome and reason (config, image-pull, unschedulable) or leaves them
# empty. Uses the caller's k (kubectl in the namespace), pull_grace and unschedulable_grace, and keeps
# pull_since and unschedulable_since between calls; leaves the pods' waiting reasons in waiting.
# Call it directly, not in $(…): what it sets must outlive the call.
# shellcheck disable=SC2154,SC2034  # the graces come from the caller; outcome and reason go back to it

pull_since=""
unschedulable_since=""
waiting=""

pod_trouble() {
  local selector="$1" scheduled
  waiting="$(k get pods -l "$selector" -o jsonpath='{.items[*].status.containerStatuses[*].state.waiting.reason}' 2>/dev/null || true)"
  scheduled="$(k get pods -l "$selector" -o jsonpath='{.items[*].status.conditions[?(@.type=="PodScheduled")].reason}' 2>/dev/null || true)"
  case " $waiting " in
    *" InvalidImageName "* | *" CreateContainerConfigError "* | *" CreateContainerError "*)
      outcome=config; reason="$waiting" ;;
    *" ErrImagePull "* | *" ImagePullBackOff "*)
      pull_since="${pull_since:-$SECONDS}"
      if (( SECONDS - pull_since >= pull_grace )); then outcome=image-pull; reason="$waiting"; fi ;;
    *) pull_since="" ;;
  esac
  if [[ -z "$outcome" && " $scheduled " == *" Unschedulable "* ]]; then
    unschedulable_since="${unschedulable_since:-$SECONDS}"
    if (( SECONDS - unschedulable_since >= unschedulable_grace )); then
      outcome=unschedulable; reason="no node can run the pod (is a GPU free and nvidia.com/gpu allocatable?)"
    fi
  else
    unschedulable_since=""
  fi
}
