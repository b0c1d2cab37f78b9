#!/usr/bin/env bash
# k3s: install a pinned version (the official installer verifies the binary's sha256), start it,
# and wait for its containerd, its API and the node. Sourced by bootstrap.sh.
# K3S_ROLE=server (default) runs the k3s server; K3S_ROLE=agent joins the server at
# K3S_SERVER_URL with the node token the runner put in the SecureString parameter
# K3S_TOKEN_PARAMETER (region K3S_TOKEN_REGION), read with the instance role.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

K3S_INSTALLER_URL=https://get.k3s.io
# Traefik and metrics-server are not used by any workload; leaving them out spares image pulls
# and CPU while the node comes up.
# The GPU label lets the device plugin's DaemonSet schedule as soon as the node registers;
# gpu-stack.sh sets it again for a k3s installed by other means.
# With EFA=1 (suite `efa`) the EFA label does the same for the EFA device plugin (efa.sh).
K3S_NODE_LABELS="--node-label nvidia.com/gpu.present=true"
if [[ ${EFA:-0} == 1 ]]; then K3S_NODE_LABELS+=" --node-label vpc.amazonaws.com/efa.present=true"; fi
K3S_SERVER_ARGS="server --write-kubeconfig-mode 0600 --disable traefik --disable metrics-server $K3S_NODE_LABELS"
K3S_AGENT_ARGS="agent $K3S_NODE_LABELS"
K3S_ROLE=${K3S_ROLE:-server}
if [[ $K3S_ROLE == agent ]]; then
  K3S_UNIT=k3s-agent K3S_EXEC=$K3S_AGENT_ARGS
else
  K3S_UNIT=k3s K3S_EXEC=$K3S_SERVER_ARGS
fi
K3S_HINT="See the k3s journal in the diagnostics (journalctl -u $K3S_UNIT)."

installed_k3s_version() {
  if [[ -x $K3S ]]; then "$K3S" --version 2>/dev/null | awk 'NR == 1 { print $3 }' || true; fi
}

# The k3s-install phase in two halves, so the download overlaps the driver and toolkit checks:
# k3s_install_begin starts the installer in the background (download, sha256 check, systemd
# unit; no start); k3s_install_finish waits for it and starts k3s, which must come after the
# container toolkit. Sets K3S_STARTED_AT: when the service was asked to start.
k3s_install_begin() {
  K3S_INSTALL_STARTED_AT=$(now_iso)
  local installed
  installed=$(installed_k3s_version)
  INSTALLER_PID=""
  if [[ $installed == "$K3S_VERSION" && -f $SYSTEMD_DIR/$K3S_UNIT.service ]]; then
    K3S_HOW="already installed"
    return
  fi
  K3S_HOW=downloaded
  if [[ $installed == "$K3S_VERSION" ]]; then K3S_HOW="binary already present"; fi
  INSTALLER_LOG=$(mktemp)
  setsid bash "$NODE_SCRIPTS/k3s.sh" install "$K3S_HOW" >"$INSTALLER_LOG" 2>&1 &
  INSTALLER_PID=$!
  progress "k3s-install: $K3S_VERSION installer started in the background"
}

k3s_install_finish() {
  step_begin k3s-install "$K3S_INSTALL_STARTED_AT"
  if [[ -n $INSTALLER_PID ]]; then
    local status=0
    wait "$INSTALLER_PID" || status=$?
    INSTALLER_PID=""
    sed 's/^/  installer: /' "$INSTALLER_LOG"
    if ((status == 10)); then
      fail "Could not download the k3s installer from $K3S_INSTALLER_URL." \
        "The instance needs outbound HTTPS: a public subnet with a public IP, or a NAT gateway."
    elif ((status != 0)); then
      fail "The k3s installer failed for $K3S_VERSION: $(tail -n 1 "$INSTALLER_LOG")" \
        "It downloads k3s from https://github.com/k3s-io/k3s/releases and verifies its sha256: check that the version exists (input: k3s-version) and that github.com is reachable from the instance."
    fi
  fi
  # A newly downloaded binary must replace one that may be running; otherwise start is a no-op
  # when k3s already runs (a re-run).
  local verb=start
  if [[ $K3S_HOW == downloaded ]]; then verb=restart; fi
  if [[ $K3S_ROLE == agent ]]; then
    step_end "$K3S_VERSION, $K3S_HOW"
    k3s_join_config
  fi
  K3S_STARTED_AT=$(now_iso)
  systemctl "$verb" --no-block "$K3S_UNIT" || fail "systemctl could not start the $K3S_UNIT service." "$K3S_HINT"
  if [[ $K3S_ROLE == agent ]]; then step_end "token from $K3S_TOKEN_PARAMETER, $K3S_UNIT started"; else step_end "$K3S_VERSION, $K3S_HOW"; fi
}

# The k3s-join phase of an agent: waits for the runner to put the server's node token in
# K3S_TOKEN_PARAMETER (it reads it from the server once the server starts), then writes K3S_URL
# and K3S_TOKEN into the agent unit's environment file (0600), where systemd gives them to k3s.
# The token is only ever in this shell's memory and that file: never an argument, never printed.
k3s_join_config() {
  step_begin k3s-join
  local deadline token="" error="" env_file="$SYSTEMD_DIR/$K3S_UNIT.service.env"
  deadline=$(deadline_in "$K3S_JOIN_TIMEOUT")
  until token=$(aws ssm get-parameter --region "$K3S_TOKEN_REGION" --name "$K3S_TOKEN_PARAMETER" --with-decryption \
    --query Parameter.Value --output text 2>"$RUN_DIR/token-error"); do
    error=$(tail -n 1 "$RUN_DIR/token-error")
    if is_past "$deadline"; then
      fail "The k3s node token did not reach this node within ${K3S_JOIN_TIMEOUT}s (SSM parameter $K3S_TOKEN_PARAMETER: ${error:-no answer})." \
        "The runner puts it there once the server node's k3s starts; the instance role needs ssm:GetParameter on the run's parameters and kms:Decrypt on the stack's node-secrets key. The server node's bootstrap may have failed first."
    fi
    sleep "$K3S_JOIN_POLL_SECONDS"
  done
  (
    umask 077
    printf 'K3S_URL=%s\nK3S_TOKEN=%s\n' "$K3S_SERVER_URL" "$token" >"$env_file.new"
  )
  mv -f "$env_file.new" "$env_file"
  token=""
}

# Run in the background by k3s_install_begin: the official installer, told not to start k3s.
run_installer() { # how
  local installer
  installer=$(mktemp)
  curl -sfL --retry 3 "$K3S_INSTALLER_URL" -o "$installer" || exit 10
  local -a opts=(
    "INSTALL_K3S_VERSION=$K3S_VERSION"
    "INSTALL_K3S_BIN_DIR=$K3S_BIN_DIR"
    "INSTALL_K3S_SYSTEMD_DIR=$SYSTEMD_DIR"
    "INSTALL_K3S_SKIP_START=true"
    "INSTALL_K3S_EXEC=$K3S_EXEC"
  )
  if [[ $1 == "binary already present" ]]; then opts+=(INSTALL_K3S_SKIP_DOWNLOAD=true); fi
  env "${opts[@]}" sh "$installer"
}

node_registered() {
  NODE=$(kc get nodes -o name 2>/dev/null | head -n 1)
  [[ -n $NODE ]]
}

# The k3s-ready phase, in three parts so the caller can work while the node gets Ready:
# k3s_wait_containerd returns once containerd runs (image pulls may start),
# k3s_wait_node_registered once the node exists (manifests may be applied, sets NODE as
# node/<name>), and k3s_wait_node_ready ends the phase.
k3s_wait_containerd() {
  K3S_DEADLINE=$(deadline_in "$K3S_READY_TIMEOUT")
  step_begin k3s-ready "$K3S_STARTED_AT"
  if ! poll_until "$(seconds_left "$K3S_DEADLINE")" "$K3S" crictl info; then
    if [[ $K3S_ROLE == agent ]]; then
      fail "The k3s agent did not join $K3S_SERVER_URL within ${K3S_READY_TIMEOUT}s (its containerd starts once the server takes it): $(journalctl -u "$K3S_UNIT" -n 1 --no-pager 2>/dev/null || true)" \
        "The security group must let the nodes reach each other (TCP 6443 to the server); $K3S_HINT"
    fi
    fail "k3s's containerd did not come up within ${K3S_READY_TIMEOUT}s." "$K3S_HINT"
  fi
  progress "containerd is up"
  # An agent's node registers and gets Ready on the server's side: the server node checks that.
  if [[ $K3S_ROLE == agent ]]; then step_end "containerd up, joined $K3S_SERVER_URL"; fi
}

k3s_wait_node_registered() {
  if ! poll_until "$(seconds_left "$K3S_DEADLINE")" node_registered; then
    if kc get --raw=/readyz >/dev/null 2>&1; then
      fail "k3s's API server answers but no node registered within ${K3S_READY_TIMEOUT}s." "$K3S_HINT"
    fi
    fail "The k3s API server did not answer within ${K3S_READY_TIMEOUT}s." "$K3S_HINT"
  fi
  progress "API server is up, $NODE registered"
}

k3s_wait_node_ready() {
  if ! kc wait --for=condition=Ready "$NODE" --timeout="$(seconds_left "$K3S_DEADLINE")s" >/dev/null; then
    fail "The k3s node did not become Ready within ${K3S_READY_TIMEOUT}s ($(kc get "$NODE" --no-headers 2>&1 || true))." "$K3S_HINT"
  fi
  step_end "$NODE Ready"
}

if [[ ${BASH_SOURCE[0]} == "$0" && ${1:-} == install ]]; then
  trap - ERR
  run_installer "$2"
fi
