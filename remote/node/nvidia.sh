#!/usr/bin/env bash
# The host side of the GPU: the driver (must come with the AMI) and the container toolkit
# (installed from NVIDIA's apt repository when the AMI lacks it). Sourced by bootstrap.sh.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Field order matters: the runner parses these columns by position (new fields go last, so rows
# recorded with the earlier fields still parse).
GPU_QUERY="index,name,uuid,memory.total,ecc.mode.current,power.limit,clocks.sm,clocks.mem,clocks.max.sm,compute_cap,driver_version,clocks.max.mem"
DRIVER_HINT='Launch a GPU instance type with a GPU AMI that ships the NVIDIA driver, such as the AWS "Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04)" (input: ami).'

# nvidia-smi's documented return values (nvidia-smi(1), "RETURN VALUE").
nvsmi_meaning() { # exit-status
  case $1 in
    2) echo "a supplied argument or flag is invalid" ;;
    3) echo "the requested operation is not available on the target device" ;;
    4) echo "the current user does not have permission to access this device or perform this operation" ;;
    6) echo "a query to find an object was unsuccessful" ;;
    8) echo "a device's external power cables are not properly attached" ;;
    9) echo "the NVIDIA driver is not loaded" ;;
    10) echo "the NVIDIA kernel detected an interrupt issue with a GPU" ;;
    12) echo "the NVML shared library could not be found or loaded" ;;
    13) echo "the local version of NVML does not implement this function" ;;
    14) echo "the infoROM is corrupted" ;;
    15) echo "the GPU has fallen off the bus or has otherwise become inaccessible" ;;
    127) echo "nvidia-smi is not installed" ;;
    *) echo "an unknown error (exit status $1)" ;;
  esac
}

# Sets GPU_ROWS (one CSV line per GPU), GPU_COUNT, GPU_QUERY (without fields an old driver lacks),
# GPU_WARNINGS (nvidia-smi's other lines: infoROM, ECC, retired pages), DRIVER_NOTE, DRIVER_VERSION,
# CUDA_VERSION. stderr is read apart from the rows: a warning line is not a GPU.
check_driver() {
  step_begin driver-check
  local out rc err_file field meaning unknown=""
  err_file=$(mktemp)
  DRIVER_NOTE=""
  for _ in 1 2 3 4 5; do
    rc=0
    out=$(nvidia-smi --query-gpu="$GPU_QUERY" --format=csv,noheader,nounits 2>"$err_file") || rc=$?
    # An older driver does not know a newer field (compute_cap came with 510): query without it.
    field=$(sed -n 's/^Field "\([^"]*\)" is not a valid field to query.*/\1/p' <<<"$out"$'\n'"$(cat "$err_file")" | head -n 1)
    if ((rc == 2)) && [[ -n $field && ,$GPU_QUERY, == *",$field,"* ]]; then
      unknown+="${unknown:+, }$field"
      GPU_QUERY=$(sed "s/\(^\|,\)$field\(,\|$\)/\1/; s/,,/,/; s/^,//; s/,$//" <<<"$GPU_QUERY")
      continue
    fi
    break
  done
  if [[ -n $unknown ]]; then
    DRIVER_NOTE="the NVIDIA driver is too old to report $unknown (left out)"
    progress "nvidia-smi: $DRIVER_NOTE"
  fi
  GPU_ROWS=$(grep -E '^[0-9]+, ' <<<"$out" || true)
  GPU_WARNINGS=$( (grep -vE '^[0-9]+, ' <<<"$out" || true; cat "$err_file") | sed '/^[[:space:]]*$/d')
  rm -f "$err_file"
  GPU_COUNT=$(grep -c . <<<"$GPU_ROWS" || true)
  meaning=$(nvsmi_meaning "$rc")
  if ((rc == 127)); then
    fail "NVIDIA driver not found: nvidia-smi is not installed on this instance." "$DRIVER_HINT"
  elif ((rc == 9 || rc == 12)); then
    fail "NVIDIA driver not found: nvidia-smi says $meaning (exit $rc: ${GPU_WARNINGS##*$'\n'})." "$DRIVER_HINT"
  elif ((rc == 14 && GPU_COUNT > 0)); then
    # A corrupted infoROM is a warning about that GPU, not a missing driver: the GPU still works.
    GPU_WARNINGS+="${GPU_WARNINGS:+$'\n'}nvidia-smi exit 14: $meaning"
  elif ((rc != 0)); then
    local hint="See nvidia-smi's words above; the diagnostics hold dmesg (Xid errors) and the full nvidia-smi -q."
    ((rc == 15 || rc == 10)) && hint="The GPU is unhealthy: stop and start the instance (a new host), or try another instance type or zone."
    fail "nvidia-smi failed: $meaning (exit $rc)${GPU_WARNINGS:+: ${GPU_WARNINGS##*$'\n'}}." "$hint"
  fi
  if ((GPU_COUNT == 0)); then fail "nvidia-smi works but lists no GPU." "$DRIVER_HINT"; fi
  DRIVER_VERSION=""
  if [[ ,$GPU_QUERY, == *,driver_version,* ]]; then
    local i=0 name
    IFS=, read -ra names <<<"$GPU_QUERY"
    for name in "${names[@]}"; do
      [[ $name == driver_version ]] && break
      i=$((i + 1))
    done
    DRIVER_VERSION=$(awk -F', ' -v col=$((i + 1)) 'NR == 1 { print $col }' <<<"$GPU_ROWS")
  fi
  CUDA_VERSION=$(nvidia-smi 2>/dev/null | grep -o 'CUDA Version: *[0-9.]*' | awk '{ print $3 }' | head -n 1) || CUDA_VERSION=""
  if [[ -n $GPU_WARNINGS ]]; then progress "nvidia-smi warnings: ${GPU_WARNINGS//$'\n'/; }"; fi
  step_end "$GPU_COUNT GPU(s), driver $DRIVER_VERSION, CUDA $CUDA_VERSION${GPU_WARNINGS:+, $(grep -c . <<<"$GPU_WARNINGS") warning(s)}"
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
