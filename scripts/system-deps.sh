#!/usr/bin/env bash
# The system packages the tests and the demo need, beside node_modules: run before `npm test` and
# `npm start` (pretest, prestart) and by .ci/run. This is the one list.
#   python3-torch python3-torchvision libopenblas0-pthread: ResNet50 really runs on the CPU
#     (/usr/bin/python3) in the workload tests and the demo.
#   python3-yaml: the stand-in kubectl reads manifests with it.
#   the linter for shell scripts (package shellcheck): a test lints the scripts that run on the instance.
#   python3-venv: holds moto_server, the third-party AWS emulator test/conformance/ runs the product
#     against, in a cache folder when it is not on PATH (pip; test/conformance/moto-server.ts finds it there).
# Installed packages are checked with dpkg (fast). Missing ones are installed when this runs as
# root with apt-get; otherwise it stops at once, naming the packages and the command to run.
# `scripts/system-deps.sh --list` prints the list; `--moto-venv` where moto_server is kept.
set -euo pipefail

PACKAGES=(python3-torch python3-torchvision libopenblas0-pthread python3-yaml shellcheck python3-venv)
MOTO_VERSION=5.2.1
MOTO_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/ephemeral-gpu-bench/moto-$MOTO_VERSION"

case "${1:-}" in
  --list) echo "${PACKAGES[*]}" && exit 0 ;;
  --moto-venv) echo "$MOTO_VENV" && exit 0 ;;
esac

# moto_server on PATH, or installed once into the cache folder (needs python3-venv and the network).
ensure_moto() {
  command -v moto_server >/dev/null 2>&1 && return 0
  [ -x "$MOTO_VENV/bin/moto_server" ] && return 0
  echo "system-deps: installing moto_server $MOTO_VERSION into $MOTO_VENV (pip)" >&2
  if ! { python3 -m venv "$MOTO_VENV" && "$MOTO_VENV/bin/pip" install -q "moto[server]==$MOTO_VERSION"; }; then
    echo "system-deps: could not install moto_server; run: pip install 'moto[server]==$MOTO_VERSION'" >&2
    exit 1
  fi
}

if ! command -v dpkg >/dev/null 2>&1; then
  # Not Debian or Ubuntu: check what the packages provide instead.
  problems=()
  python3 -c 'import torch, torchvision, yaml' >/dev/null 2>&1 ||
    problems+=("python3 cannot import torch, torchvision and yaml (pip install torch torchvision pyyaml)")
  command -v shellcheck >/dev/null 2>&1 || problems+=("shellcheck is not on PATH (https://github.com/koalaman/shellcheck#installing)")
  if [ "${#problems[@]}" -gt 0 ]; then
    {
      echo "system-deps: this machine has no dpkg, and the tests and the demo need:"
      printf '  - %s\n' "${problems[@]}"
      echo "On Debian or Ubuntu the packages are: ${PACKAGES[*]}"
    } >&2
    exit 1
  fi
  ensure_moto
  exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  ensure_moto
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  {
    echo "system-deps: missing Debian packages: ${missing[*]}"
    echo "Install them, then run the command again:"
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  } >&2
  exit 1
fi

echo "system-deps: installing ${missing[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
  echo "system-deps: apt-get could not install ${missing[*]}; run: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
ensure_moto
