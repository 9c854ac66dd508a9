#!/usr/bin/env bash
# Installs what the build and the tests need and is missing; quick when everything is there.
#
#   scripts/deps.sh [system|venv|all] [VENV_DIR] [REQUIREMENTS_FILE]     (default: all)
#
# 1. Debian packages: the C libraries the system-library targets link (Connector/C, zstd, xxHash, zlib,
#    libsystemd), pkg-config to find them, and mariadb-server for the throwaway test server.
#    `apt-get update` runs only when something is missing; the server's package is installed
#    without starting a service (policy-rc.d), since the tests start their own.
# 2. A project-local Python venv with the pinned readers the cross-reader tests use. It is
#    rebuilt only when the requirements file changes (a hash kept in the venv as a stamp).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
WHAT="${1:-all}"
VENV="${2:-$REPO_ROOT/.venv}"
REQUIREMENTS="${3:-$REPO_ROOT/requirements-test.txt}"
case "$WHAT" in system | venv | all) ;; *) echo "usage: $0 [system|venv|all] [VENV_DIR] [REQUIREMENTS_FILE]" >&2; exit 2 ;; esac
PYTHON="${PYTHON:-python3}"

APT_PACKAGES=(libmariadb-dev libzstd-dev libsystemd-dev libxxhash-dev zlib1g-dev mariadb-server pkg-config)
# The delivery recipes' tools (recipes/deliver-*), which the delivery tests run for real.
APT_PACKAGES+=(rclone rsync git)

log() { printf 'deps: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

is_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

install_apt_packages() {
    local missing=() package
    for package in "$@"; do
        is_installed "$package" || missing+=("$package")
    done
    [ ${#missing[@]} -gt 0 ] || return 0

    local sudo=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "missing packages ${missing[*]}; run as root: apt-get install ${missing[*]}"
        sudo=(sudo)
    fi
    log "installing ${missing[*]}"

    # Keep package scripts from starting services (mariadb-server's postinst would start the
    # system's own server): invoke-rc.d asks policy-rc.d, and 101 means "not allowed".
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
        "${sudo[@]}" chmod 755 "$policy"
        created_policy=1
        trap "${sudo[*]} rm -f $policy" EXIT
    fi

    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"

    if [ "$created_policy" = 1 ]; then
        "${sudo[@]}" rm -f "$policy"
        trap - EXIT
    fi
}

packages=()
[ "$WHAT" = venv ] || packages+=("${APT_PACKAGES[@]}")
# Debian's own python3 makes venvs only with python3-venv (ensurepip); other Pythons ship it.
if [ "$WHAT" != system ] && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    packages+=(python3-venv)
fi
[ ${#packages[@]} -eq 0 ] || install_apt_packages "${packages[@]}"
[ "$WHAT" != system ] || exit 0

# --- the venv ---------------------------------------------------------------------------------

[ -f "$REQUIREMENTS" ] || die "$REQUIREMENTS not found"
stamp="$VENV/.requirements.sha256"
want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
    && "$VENV/bin/python" -c 'pass' >/dev/null 2>&1; then
    exit 0
fi

log "creating $VENV from $(basename "$REQUIREMENTS")"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS"
echo "$want" >"$stamp"
log "venv ready: $("$VENV/bin/python" -c 'import pyarrow, duckdb, polars; print("pyarrow", pyarrow.__version__, "duckdb", duckdb.__version__, "polars", polars.__version__)')"
