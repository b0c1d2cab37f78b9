#!/usr/bin/env bash
# The node side of EFA (suite `efa`, EFA=1): the EFA software (libfabric with its efa provider and
# the AWS OFI NCCL plugin; installed with AWS's EFA installer when the AMI lacks it), a check that
# libfabric sees the EFA devices (fi_info -p efa), unlimited locked memory for the containers
# (libfabric registers the buffers it sends from), and the AWS EFA device plugin, whose
# vpc.amazonaws.com/efa the workload pods request. Sourced by bootstrap.sh.
# Environment: EFA_DEVICE_PLUGIN_VERSION, EFA_INSTALLER_VERSION, EFA_INSTALLER_SHA256,
# EFA_DEVICE_PLUGIN_TIMEOUT, EFA_ALLOCATABLE_TIMEOUT (seconds).
# Sets EFA_DEVICE_COUNT, EFA_SOFTWARE_JSON (for the inventory: where the pods find libfabric and
# the plugin).
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/inventory.sh"

# Paths as the node (and the pods that mount them) see them; the scripts read them under $ROOT.
EFA_HOME=/opt/amazon/efa
# Where the AWS OFI NCCL plugin lives: the EFA installer (1.40.0 and later, and the current Deep
# Learning AMIs) puts it in /opt/amazon/ofi-nccl, older Deep Learning AMIs in /opt/aws-ofi-nccl;
# the library directory is lib, or lib/x86_64-linux-gnu on Ubuntu builds before aws-ofi-nccl
# dropped its multiarch directory.
OFI_NCCL_HOMES=(/opt/amazon/ofi-nccl /opt/aws-ofi-nccl)
OFI_NCCL_LIB_DIRS=(lib lib/x86_64-linux-gnu lib64)
EFA_LABEL=vpc.amazonaws.com/efa.present=true
EFA_PLUGIN_NAMESPACE=kube-system
EFA_PLUGIN_DAEMONSET=aws-efa-k8s-device-plugin-daemonset
EFA_PLUGIN_SELECTOR=name=aws-efa-k8s-device-plugin
EFA_PLUGIN_IMAGE=public.ecr.aws/eks/aws-efa-k8s-device-plugin
EFA_DEVICE_PLUGIN_TIMEOUT=${EFA_DEVICE_PLUGIN_TIMEOUT:-180}
EFA_ALLOCATABLE_TIMEOUT=${EFA_ALLOCATABLE_TIMEOUT:-60}
EFA_DEVICE_COUNT=0
EFA_SOFTWARE_JSON=""
OFI_NCCL_HOME=""

# AWS's EFA installer at the pinned version, checked against its sha256, run as AWS documents for
# a host ("Get started with EFA and NCCL": efa_installer.sh -y, which installs libfabric, the OFI
# NCCL plugin, rdma-core and the kernel module). Not --minimal: that leaves libfabric out, and the
# pods load the host's libfabric. --skip-kmod when an efa module is already loaded: a new module
# would only replace it after a reboot, which a bootstrap does not do.
install_efa_software() {
  local url="https://efa-installer.amazonaws.com/aws-efa-installer-$EFA_INSTALLER_VERSION.tar.gz" dir log status=0
  local -a opts=(-y)
  dir=$(mktemp -d)
  log="$dir/installer.log"
  progress "efa-software: no $EFA_HOME on this AMI; installing EFA installer $EFA_INSTALLER_VERSION"
  if ! curl -fsSL --retry 3 "$url" -o "$dir/efa.tar.gz"; then
    fail "Could not download the EFA installer from $url." \
      "The instance needs outbound HTTPS to efa-installer.amazonaws.com (a NAT gateway: an instance with several network interfaces gets no public IPv4), or launch an AMI that has the EFA software, such as the Deep Learning AMIs (input: ami)."
  fi
  if ! printf '%s  %s\n' "$EFA_INSTALLER_SHA256" "$dir/efa.tar.gz" | sha256sum -c --quiet >/dev/null 2>&1; then
    fail "The EFA installer $EFA_INSTALLER_VERSION from $url does not have the pinned sha256 $EFA_INSTALLER_SHA256." \
      "The download was altered or truncated on its way; retry the run."
  fi
  tar -xzf "$dir/efa.tar.gz" -C "$dir"
  if [[ -d $ROOT/sys/module/efa ]]; then opts+=(--skip-kmod); fi
  (cd "$dir/aws-efa-installer" && ./efa_installer.sh "${opts[@]}") >"$log" 2>&1 || status=$?
  sed 's/^/  efa-installer: /' "$log" | tail -n 20
  if ((status != 0)); then
    fail "The EFA installer $EFA_INSTALLER_VERSION failed (exit status $status): $(tail -n 1 "$log")" \
      "Its last lines are above. It supports the Deep Learning AMIs' Ubuntu and Amazon Linux releases; with another AMI, launch a Deep Learning AMI instead (input: ami)."
  fi
  if [[ ! -d $ROOT/sys/module/efa ]]; then
    modprobe efa || fail "The EFA installer ran but the efa kernel module does not load." "Launch an AMI with the EFA driver, such as the Deep Learning AMIs (input: ami)."
  fi
  rm -rf "$dir"
}

# The efa-software phase: EFA software present (installed if the AMI has none), its plugin found,
# libfabric's efa provider sees the devices, and k3s's containers may lock unlimited memory.
ensure_efa_software() {
  step_begin efa-software
  local how="on the AMI" home lib found="" out host
  host=$(hostname 2>/dev/null || echo "this node")
  if [[ ! -x $ROOT$EFA_HOME/bin/fi_info ]]; then
    install_efa_software
    how="installed with EFA installer $EFA_INSTALLER_VERSION"
  fi
  for home in "${OFI_NCCL_HOMES[@]}"; do
    for lib in "${OFI_NCCL_LIB_DIRS[@]}"; do
      if [[ -z $found && -e $ROOT$home/$lib/libnccl-net.so ]]; then found="$home/$lib" OFI_NCCL_HOME=$home; fi
    done
  done
  if [[ -z $found ]]; then
    fail "The AWS OFI NCCL plugin (libnccl-net.so) is in none of ${OFI_NCCL_HOMES[*]} on $host: NCCL could not use EFA." \
      "The EFA installer installs it in /opt/amazon/ofi-nccl since version 1.40.0 and the Deep Learning AMIs carry it; launch a current Deep Learning AMI (input: ami)."
  fi
  EFA_DEVICE_COUNT=$(efa_device_names | grep -c . || true)
  if ((EFA_DEVICE_COUNT == 0)); then
    fail "$host has no EFA device (no RDMA device of the efa driver under /sys/class/infiniband) although the suite sets 'efa: true'." \
      "The instance needs an EFA interface (the run attaches one per network card) and the efa kernel module (lsmod | grep efa); the Deep Learning AMIs load it."
  fi
  if ! out=$("$ROOT$EFA_HOME/bin/fi_info" -p efa -t FI_EP_RDM 2>&1) || ! grep -q 'provider: efa' <<<"$out"; then
    fail "libfabric on $host does not offer its efa provider (fi_info -p efa -t FI_EP_RDM: $(tail -n 1 <<<"$out")) although the node has $EFA_DEVICE_COUNT EFA device(s)." \
      "The EFA software does not match the kernel's efa module: reinstall it with the EFA installer (efa_installer.sh -y) and reboot, or launch a current Deep Learning AMI (input: ami)."
  fi
  # libfabric pins the memory it sends from; containers inherit k3s's limits (AWS's EFA docs:
  # "ulimit -l unlimited" for EFA in containers).
  mkdir -p "$SYSTEMD_DIR/$K3S_UNIT.service.d"
  printf '[Service]\nLimitMEMLOCK=infinity\n' >"$SYSTEMD_DIR/$K3S_UNIT.service.d/efa-memlock.conf"
  systemctl daemon-reload
  EFA_SOFTWARE_JSON="{\"libfabricHome\":$(json_str "$EFA_HOME"),\"ofiNcclHome\":$(json_str "$OFI_NCCL_HOME"),\"ofiNcclLibDir\":$(json_str "$found"),\"source\":$(json_str "$how")}"
  step_end "$EFA_DEVICE_COUNT EFA device(s), provider efa, software $how, OFI NCCL plugin in $found"
}

# The EFA device plugin manifest with its image set to EFA_DEVICE_PLUGIN_VERSION, written to $1.
render_efa_device_plugin() {
  sed "s#\(image: $EFA_PLUGIN_IMAGE:\).*#\1$EFA_DEVICE_PLUGIN_VERSION#" "$NODE_SCRIPTS/efa-device-plugin.yaml" >"$1"
}

apply_efa_device_plugin() { # rendered-manifest
  EFA_PLUGIN_APPLIED_AT=$(now_iso)
  kc label "$NODE" "$EFA_LABEL" --overwrite >/dev/null || fail "Could not label $NODE with $EFA_LABEL." "See the k3s journal in the diagnostics."
  kc apply -f "$1" | sed 's/^/  /'
}

# The EFA plugin's first pod line and its last log line, for an error message.
efa_plugin_summary() {
  local pods logs
  pods=$(kc -n "$EFA_PLUGIN_NAMESPACE" get pods -l "$EFA_PLUGIN_SELECTOR" --no-headers 2>&1 || true)
  logs=$(kc -n "$EFA_PLUGIN_NAMESPACE" logs -l "$EFA_PLUGIN_SELECTOR" --tail=20 2>&1 || true)
  printf 'EFA device plugin pods:\n%s\nlast log lines:\n%s\n' "${pods:-none}" "${logs:-none}" >&2
  printf '%s%s' "$(printf '%s' "${pods:-no pod was created}" | head -n 1 | tr -s ' ')" "${logs:+; its last log line: $(tail -n 1 <<<"$logs")}"
}

# The efa-allocatable phase: the plugin rolled out and the node offers one vpc.amazonaws.com/efa
# per EFA device.
wait_efa_allocatable() {
  step_begin efa-allocatable "$EFA_PLUGIN_APPLIED_AT"
  if ! kc -n "$EFA_PLUGIN_NAMESPACE" rollout status "daemonset/$EFA_PLUGIN_DAEMONSET" --timeout="${EFA_DEVICE_PLUGIN_TIMEOUT}s" >/dev/null 2>&1; then
    fail "The AWS EFA device plugin (DaemonSet $EFA_PLUGIN_NAMESPACE/$EFA_PLUGIN_DAEMONSET, $EFA_DEVICE_PLUGIN_VERSION) did not become ready within ${EFA_DEVICE_PLUGIN_TIMEOUT}s: $(efa_plugin_summary)." \
      "Its pod description and log are in the diagnostics. Usual causes: $EFA_PLUGIN_IMAGE could not be pulled (the node needs outbound HTTPS), or /dev/infiniband is empty on the node."
  fi
  if ! kc wait --for="jsonpath={.status.allocatable.vpc\.amazonaws\.com/efa}=$EFA_DEVICE_COUNT" "$NODE" --timeout="${EFA_ALLOCATABLE_TIMEOUT}s" >/dev/null 2>&1; then
    local seen
    seen=$(kc get "$NODE" -o 'jsonpath={.status.allocatable.vpc\.amazonaws\.com/efa}' 2>/dev/null || true)
    fail "The node offers ${seen:-no} vpc.amazonaws.com/efa after ${EFA_ALLOCATABLE_TIMEOUT}s; it has $EFA_DEVICE_COUNT EFA device(s): $(efa_plugin_summary)." \
      "The EFA device plugin runs but did not register every EFA device with the kubelet; its log is in the diagnostics."
  fi
  step_end "vpc.amazonaws.com/efa: $EFA_DEVICE_COUNT"
}
