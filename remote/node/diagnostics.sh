#!/usr/bin/env bash
# Evidence of why a node is not ready, for the report: cloud-init output, the k3s service and
# journal, nodes and pods, descriptions and logs of pods that do not run, Xid lines from the
# kernel, nvidia-smi -q, and on an EFA node its devices, fi_info and the OFI NCCL plugin's folder. Best effort: every section is bounded in time and size, and the script
# never fails. The last section, "summary", is the decisive tail the report shows.
set -euo pipefail

ROOT="${GPU_BENCH_ROOT:-}"
K3S="$ROOT/usr/local/bin/k3s"
SECTION_BYTES=${SECTION_BYTES:-12000}

section() { printf '\n===== %s =====\n' "$1"; }

# Runs a command with a time limit, output bounded; a failure is reported, never raised.
show() {
  local out rc=0
  out=$(timeout 20 "$@" 2>&1) || rc=$?
  printf '%s\n' "${out:0:$SECTION_BYTES}"
  if ((rc != 0)); then printf '(%s exited with status %s)\n' "$1" "$rc"; fi
}

KUBECTL=("$K3S" kubectl --request-timeout=10s)
kc() { timeout 20 "${KUBECTL[@]}" "$@"; }

# namespace/name of pods that are not Running and ready, nor Completed, or that restarted.
troubled_pods() {
  kc get pods -A --no-headers 2>/dev/null |
    awk '{ split($3, r, "/"); if (($4 != "Running" && $4 != "Completed") || r[1] != r[2] || $5 ~ /^[1-9]/) print $1 "/" $2 }' || true
}

section "cloud-init"
if [[ -r $ROOT/var/log/cloud-init-output.log ]]; then
  show tail -n 40 "$ROOT/var/log/cloud-init-output.log"
else
  echo "(no /var/log/cloud-init-output.log)"
fi
show cloud-init status --long

section "k3s service"
show systemctl status k3s --no-pager --lines=0
show journalctl -u k3s --no-pager -n 100
# A node of a cluster other than the server runs the k3s agent instead.
if [[ -f $ROOT/etc/systemd/system/k3s-agent.service ]]; then
  section "k3s-agent service"
  show systemctl status k3s-agent --no-pager --lines=0
  show journalctl -u k3s-agent --no-pager -n 100
fi

section "nodes"
show "${KUBECTL[@]}" get nodes -o wide
show "${KUBECTL[@]}" describe nodes

section "pods"
show "${KUBECTL[@]}" get pods -A -o wide

troubled=$(troubled_pods)
for pod in $troubled; do
  section "pod $pod"
  show "${KUBECTL[@]}" -n "${pod%%/*}" describe pod "${pod#*/}"
  show "${KUBECTL[@]}" -n "${pod%%/*}" logs "${pod#*/}" --all-containers --tail=40
  show "${KUBECTL[@]}" -n "${pod%%/*}" logs "${pod#*/}" --all-containers --tail=20 --previous
done

section "images"
show "$K3S" crictl images

section "kernel Xid lines"
xid=$( (timeout 20 dmesg 2>/dev/null || true) | grep -i 'xid' | tail -n 30 || true)
printf '%s\n' "${xid:-(none)}"

section "nvidia-smi -q"
show nvidia-smi -q

# EFA, when the node has RDMA devices: what libfabric sees and where the OFI NCCL plugin is.
if [[ -d $ROOT/sys/class/infiniband ]]; then
  section "efa"
  show ls -l "$ROOT/sys/class/infiniband"
  show "$ROOT/opt/amazon/efa/bin/fi_info" -p efa -t FI_EP_RDM
  show ls -l "$ROOT/opt/amazon/ofi-nccl/lib" "$ROOT/opt/aws-ofi-nccl/lib"
fi

section "summary"
if [[ -n $troubled ]]; then
  for pod in $troubled; do
    line=$(kc -n "${pod%%/*}" get pod "${pod#*/}" --no-headers 2>&1 | head -n 1 | tr -s ' ' || true)
    printf '%s  [%s]\n' "$line" "$pod"
    (kc -n "${pod%%/*}" logs "${pod#*/}" --all-containers --tail=8 2>&1 || true) | sed 's/^/  | /'
    # A crash-looping container's current log may be empty: the run before it says why it died.
    if [[ $(awk '{ print $4 }' <<<"$line") =~ ^[1-9] ]]; then
      (kc -n "${pod%%/*}" logs "${pod#*/}" --all-containers --tail=8 --previous 2>&1 || true) | sed 's/^/  | (previous) /'
    fi
  done
else
  echo "every pod runs (or none exists)"
fi
if [[ -n $xid ]]; then printf 'Xid: %s\n' "$xid"; fi
echo "k3s journal, last lines:"
(timeout 20 journalctl -u k3s --no-pager -n 10 2>&1 || true) | sed 's/^/  | /'
exit 0
