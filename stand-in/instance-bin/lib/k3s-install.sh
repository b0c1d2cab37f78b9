#!/bin/sh
# Stand-in for https://get.k3s.io, served by the stand-in curl. Same inputs and steps as the real
# installer for what the bootstrap uses: INSTALL_K3S_VERSION (required here: no channel server),
# INSTALL_K3S_BIN_DIR, INSTALL_K3S_SYSTEMD_DIR, INSTALL_K3S_SKIP_DOWNLOAD, INSTALL_K3S_SKIP_ENABLE,
# INSTALL_K3S_SKIP_START, INSTALL_K3S_EXEC, K3S_URL, K3S_TOKEN; downloads the release's sha256
# list and the binary and refuses a binary whose sha256 does not match; writes a systemd unit
# (k3s.service for a server; k3s-agent.service when INSTALL_K3S_EXEC starts with agent, or is
# empty and K3S_URL is set) and its environment file (the K3S_* variables, mode 0600); enables
# and starts it. It refuses to write outside $GPU_BENCH_ROOT.
set -e
set -o noglob

info() { echo '[INFO] ' "$@"; }
fatal() {
  echo '[ERROR] ' "$@" >&2
  exit 1
}

ROOT=${GPU_BENCH_ROOT:?stand-in installer: GPU_BENCH_ROOT is not set}
VERSION=${INSTALL_K3S_VERSION:-}
[ -n "$VERSION" ] || fatal "The stand-in has no release channel server: set INSTALL_K3S_VERSION"
BIN_DIR=${INSTALL_K3S_BIN_DIR:-/usr/local/bin}
SYSTEMD_DIR=${INSTALL_K3S_SYSTEMD_DIR:-/etc/systemd/system}
for dir in "$BIN_DIR" "$SYSTEMD_DIR"; do
  case $dir in
    "$ROOT"/*) ;;
    *) fatal "stand-in: refusing to write outside GPU_BENCH_ROOT ($dir)" ;;
  esac
done
URL=https://github.com/k3s-io/k3s/releases/download/$VERSION

info "Using $VERSION as release"
if [ "${INSTALL_K3S_SKIP_DOWNLOAD:-}" = true ]; then
  info "Skipping k3s download and verify"
  [ -x "$BIN_DIR/k3s" ] || fatal "Executable k3s binary not found at $BIN_DIR/k3s"
else
  TMP_DIR=$(mktemp -d -t k3s-install.XXXXXXXXXX)
  trap 'rm -rf "$TMP_DIR"' EXIT
  info "Downloading hash $URL/sha256sum-amd64.txt"
  curl -o "$TMP_DIR/k3s.hash" -sfL "$URL/sha256sum-amd64.txt" || fatal 'Download failed'
  HASH_EXPECTED=$(grep " k3s$" "$TMP_DIR/k3s.hash" | cut -d' ' -f1)
  if [ -x "$BIN_DIR/k3s" ] && [ "$(sha256sum "$BIN_DIR/k3s" | cut -d' ' -f1)" = "$HASH_EXPECTED" ]; then
    info "Skipping binary downloaded, installed k3s matches hash"
  else
    info "Downloading binary $URL/k3s"
    curl -o "$TMP_DIR/k3s.bin" -sfL "$URL/k3s" || fatal 'Download failed'
    info "Verifying binary download"
    HASH_BIN=$(sha256sum "$TMP_DIR/k3s.bin" | cut -d' ' -f1)
    [ "$HASH_EXPECTED" = "$HASH_BIN" ] || fatal "Download sha256 does not match $HASH_EXPECTED, got $HASH_BIN"
    info "Installing k3s to $BIN_DIR/k3s"
    mkdir -p "$BIN_DIR"
    chmod 755 "$TMP_DIR/k3s.bin"
    mv -f "$TMP_DIR/k3s.bin" "$BIN_DIR/k3s"
  fi
fi

for cmd in kubectl crictl ctr; do
  if command -v "$cmd" >/dev/null 2>&1; then
    info "Skipping $BIN_DIR/$cmd symlink to k3s, command exists in PATH at $(command -v "$cmd")"
  else
    info "Creating $BIN_DIR/$cmd symlink to k3s"
    ln -sf k3s "$BIN_DIR/$cmd"
  fi
done

# As the real installer: the command is INSTALL_K3S_EXEC's first word, else agent when K3S_URL is
# set (which then needs K3S_TOKEN), else server.
EXEC=${INSTALL_K3S_EXEC:-}
case $EXEC in
  "" | -*)
    if [ -n "${K3S_URL:-}" ]; then
      [ -n "${K3S_TOKEN:-}" ] || fatal "Defaulted k3s exec command to 'agent' because K3S_URL is defined, but K3S_TOKEN or K3S_TOKEN_FILE is not defined."
      EXEC="agent $EXEC"
    else
      EXEC="server $EXEC"
    fi
    ;;
esac
case $EXEC in
  agent*) SYSTEM_NAME=k3s-agent TYPE=exec ;;
  *) SYSTEM_NAME=k3s TYPE=notify ;;
esac

info "env: Creating environment file $SYSTEMD_DIR/$SYSTEM_NAME.service.env"
mkdir -p "$SYSTEMD_DIR"
(
  umask 077
  env | grep -E '^(K3S|CONTAINERD)_' >"$SYSTEMD_DIR/$SYSTEM_NAME.service.env" || true
)
info "systemd: Creating service file $SYSTEMD_DIR/$SYSTEM_NAME.service"
{
  printf '[Unit]\nDescription=Lightweight Kubernetes\nWants=network-online.target\nAfter=network-online.target\n\n'
  printf '[Service]\nType=%s\nEnvironmentFile=-%s/%s.service.env\nKillMode=process\nDelegate=yes\nRestart=always\n' "$TYPE" "$SYSTEMD_DIR" "$SYSTEM_NAME"
  printf 'ExecStart=%s/k3s \\\n' "$BIN_DIR"
  # shellcheck disable=SC2086 # INSTALL_K3S_EXEC is split into words, as the real installer does
  for arg in $EXEC "$@"; do
    printf "\t'%s' \\\\\n" "$arg"
  done
  printf '\n[Install]\nWantedBy=multi-user.target\n'
} >"$SYSTEMD_DIR/$SYSTEM_NAME.service"
systemctl daemon-reload
if [ "${INSTALL_K3S_SKIP_ENABLE:-}" != true ]; then
  info "systemd: Enabling $SYSTEM_NAME unit"
  systemctl enable "$SYSTEM_NAME.service" >/dev/null
  if [ "${INSTALL_K3S_SKIP_START:-}" != true ]; then
    info "systemd: Starting $SYSTEM_NAME"
    systemctl restart "$SYSTEM_NAME"
  fi
fi
