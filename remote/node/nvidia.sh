#!/usr/bin/env bash
# The host side of the GPU: the driver (must come with the AMI) and the container toolkit
# (installed from NVIDIA's apt repository when the AMI lacks it). Sourced by bootstrap.sh.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Field order matters: the runner parses these columns by position.
GPU_QUERY="index,name,uuid,memory.total,ecc.mode.current,power.limit,clocks.sm,clocks.mem,clocks.max.sm,compute_cap,driver_version"
DRIVER_HINT='Launch a GPU instance type with a GPU AMI that ships the NVIDIA driver, such as the AWS "Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04)" (input: ami).'

# Sets GPU_ROWS (one CSV line per GPU), GPU_COUNT, DRIVER_VERSION, CUDA_VERSION.
check_driver() {
  step_begin driver-check
  local out rc=0
  out=$(nvidia-smi --query-gpu="$GPU_QUERY" --format=csv,noheader,nounits 2>&1) || rc=$?
  if ((rc == 127)); then
    fail "NVIDIA driver not found: nvidia-smi is not installed on this instance." "$DRIVER_HINT"
  elif ((rc != 0)); then
    fail "NVIDIA driver not found: nvidia-smi cannot talk to the driver (${out##*$'\n'})." "$DRIVER_HINT"
  fi
  GPU_ROWS=$out
  GPU_COUNT=$(grep -c . <<<"$GPU_ROWS" || true)
  if ((GPU_COUNT == 0)); then fail "nvidia-smi works but lists no GPU." "$DRIVER_HINT"; fi
  DRIVER_VERSION=$(awk -F', ' 'NR == 1 { print $NF }' <<<"$GPU_ROWS")
  CUDA_VERSION=$(nvidia-smi 2>/dev/null | grep -o 'CUDA Version: *[0-9.]*' | awk '{ print $3 }' | head -n 1) || CUDA_VERSION=""
  step_end "$GPU_COUNT GPU(s), driver $DRIVER_VERSION, CUDA $CUDA_VERSION"
}

# k3s only configures its 'nvidia' containerd runtime if the toolkit is there when k3s starts,
# so this runs before k3s does.
ensure_container_toolkit() {
  step_begin container-toolkit
  if nvidia-container-runtime --version >/dev/null 2>&1; then
    step_end present
    return
  fi
  progress "nvidia-container-toolkit not found: installing it from NVIDIA's apt repository"
  local keyring=/usr/share/keyrings/nvidia-container-toolkit-keyring.asc
  local list=/etc/apt/sources.list.d/nvidia-container-toolkit.list
  mkdir -p "$ROOT${keyring%/*}" "$ROOT${list%/*}"
  curl -fsSL --retry 3 https://nvidia.github.io/libnvidia-container/gpgkey -o "$ROOT$keyring" ||
    fail "Could not download NVIDIA's apt signing key from https://nvidia.github.io." \
      "The instance needs outbound HTTPS (a public IP or a NAT gateway), or use an AMI that ships the NVIDIA container toolkit, such as the Deep Learning Base OSS Nvidia Driver GPU AMI."
  # $(ARCH) is apt's own variable, expanded by apt.
  # shellcheck disable=SC2016
  printf 'deb [signed-by=%s] https://nvidia.github.io/libnvidia-container/stable/deb/$(ARCH) /\n' "$keyring" >"$ROOT$list"
  # A fresh Ubuntu boot often holds the dpkg lock (unattended-upgrades): wait for it rather than fail.
  local -a apt=(apt-get -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 -qq)
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" update ||
    ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y nvidia-container-toolkit; then
    fail "Could not install nvidia-container-toolkit with apt-get." \
      "Check that https://nvidia.github.io/libnvidia-container is reachable, or use an AMI that ships the toolkit (the Deep Learning Base OSS Nvidia Driver GPU AMI does)."
  fi
  nvidia-container-runtime --version >/dev/null 2>&1 ||
    fail "nvidia-container-toolkit was installed but nvidia-container-runtime does not run." "See the apt output above."
  step_end "installed from NVIDIA's apt repository"
}
