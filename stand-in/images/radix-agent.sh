#!/usr/bin/env bash
# Handler for a radix platform agent image (see README.md): the agent of the platform stand-in
# (stand-in/platform.ts). It registers with the cluster's onboarding token, which makes the cluster
# active, then runs each queued job for real on this machine's CPU (resnet50: remote/workloads/
# resnet50.py with Debian's torch) and posts its metrics back, until the sandbox goes away.
# Environment (from the Deployment): PLATFORM_API_URL, PLATFORM_CLUSTER_ID, PLATFORM_ONBOARDING_TOKEN.
set -euo pipefail
export OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE CUDA_VISIBLE_DEVICES=""
here="$(dirname "$(realpath "${BASH_SOURCE[0]}")")"
exec /usr/bin/python3 -u "$here/emulated/radix-agent.py" "$here/../../remote/workloads/resnet50.py"
