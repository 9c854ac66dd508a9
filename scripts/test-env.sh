#!/usr/bin/env bash
# Runs a command with the throwaway test MariaDB up and the PP_TEST_* variables exported, then
# stops the server, whatever the command did, and exits with the command's status.
#
#   scripts/test-env.sh COMMAND [ARGS...]
#   e.g. scripts/test-env.sh swift test --filter IntegrationTests
#
# The server lives in $PP_TEST_MARIADB_DIR (default build/test-mariadb); see test-mariadb.sh.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
SERVER_DIR="${PP_TEST_MARIADB_DIR:-$REPO_ROOT/build/test-mariadb}"

[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

stop_server() { "$SCRIPT_DIR/test-mariadb.sh" stop "$SERVER_DIR" || true; }
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$SCRIPT_DIR/test-mariadb.sh" start "$SERVER_DIR"
# shellcheck disable=SC1090,SC1091
. "$("$SCRIPT_DIR/test-mariadb.sh" env "$SERVER_DIR")"

status=0
"$@" || status=$?
exit "$status"
