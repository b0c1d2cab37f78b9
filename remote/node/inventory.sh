#!/usr/bin/env bash
# What the node is: one GPU_BENCH_JSON inventory line, from what the other steps found.
# Sourced by bootstrap.sh; reads GPU_QUERY, GPU_ROWS, GPU_WARNINGS, DRIVER_NOTE, DRIVER_VERSION, CUDA_VERSION, PULL_DIR,
# EFA_SOFTWARE_JSON (efa.sh, with EFA=1).
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

json_array() { # one JSON string per line of $1
  local line out="" sep=""
  while IFS= read -r line; do
    [[ -n $line ]] || continue
    out+="$sep$(json_str "$line")"
    sep=","
  done <<<"$1"
  printf '[%s]' "$out"
}

# The network interfaces (not lo), one JSON object each: name, MAC, kernel driver (ena, efa, …),
# operational state, MTU; read from /sys/class/net.
network_interfaces() {
  local net="$ROOT/sys/class/net" dev name out="" sep="" driver mac state mtu
  [[ -d $net ]] || net=/sys/class/net
  for dev in "$net"/*; do
    [[ -e $dev ]] || continue
    name=${dev##*/}
    [[ $name != lo ]] || continue
    driver=$(basename "$(readlink "$dev/device/driver" 2>/dev/null)" 2>/dev/null || true)
    mac=$(cat "$dev/address" 2>/dev/null || true)
    state=$(cat "$dev/operstate" 2>/dev/null || true)
    mtu=$(cat "$dev/mtu" 2>/dev/null || true)
    out+="$sep{\"name\":$(json_str "$name"),\"mac\":$(json_str "$mac"),\"driver\":$(json_str "$driver"),\"state\":$(json_str "$state"),\"mtu\":$(json_str "$mtu")}"
    sep=","
  done
  printf '[%s]' "$out"
}

# The EFA devices (RDMA devices of the efa driver under /sys/class/infiniband), one name a line.
efa_device_names() {
  local ib="$ROOT/sys/class/infiniband" dev
  [[ -d $ib ]] || ib=/sys/class/infiniband
  for dev in "$ib"/*; do
    [[ -e $dev ]] || continue
    if [[ $(basename "$(readlink "$dev/device/driver" 2>/dev/null)" 2>/dev/null || true) == efa ]]; then printf '%s\n' "${dev##*/}"; fi
  done
}

# The same as a JSON array of names.
efa_devices() { json_array "$(efa_device_names)"; }

print_inventory() { # image-count
  step_begin inventory
  local os_release="$ROOT/etc/os-release" os kernel k3s_version images="" sep="" i ref digest
  [[ -r $os_release ]] || os_release=/etc/os-release
  os=$(sed -n 's/^PRETTY_NAME=//p' "$os_release" 2>/dev/null | tr -d '"' || true)
  kernel=$(uname -r)
  k3s_version=$(installed_k3s_version)
  for ((i = 0; i < $1; i++)); do
    [[ -f $PULL_DIR/$i.ok ]] || continue
    IFS=$'\t' read -r ref digest <"$PULL_DIR/$i.ok"
    images+="$sep{\"ref\":$(json_str "$ref")${digest:+,\"digest\":$(json_str "$digest")}}"
    sep=","
  done
  emit "{\"kind\":\"inventory\",\"kernel\":$(json_str "$kernel"),\"os\":$(json_str "$os"),\"k3sVersion\":$(json_str "$k3s_version"),\"driverVersion\":$(json_str "$DRIVER_VERSION"),\"cudaVersion\":$(json_str "$CUDA_VERSION"),\"gpuQuery\":$(json_str "$GPU_QUERY"),\"gpuRows\":$(json_array "$GPU_ROWS"),\"gpuWarnings\":$(json_array "${GPU_WARNINGS:-}"),\"driverNote\":$(json_str "${DRIVER_NOTE:-}"),\"images\":[$images],\"network\":$(network_interfaces),\"efa\":$(efa_devices)${EFA_SOFTWARE_JSON:+,\"efaSoftware\":$EFA_SOFTWARE_JSON}}"
  step_end "$GPU_COUNT GPU(s), $1 image(s)"
}
