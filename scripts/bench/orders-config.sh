#!/usr/bin/env bash
# Writes DIR/config.toml publishing the bench `orders` table (scripts/bench/orders-table.sh)
# as the reader account of the server whose env.sh is sourced, with its password in a 0600
# DIR/reader-password (never in argv). ENDPOINT: "socket" (the unix socket) or "tcp".
#   scripts/bench/orders-config.sh DIR ENDPOINT
set -euo pipefail
DIR="${1:?usage: $0 DIR socket|tcp}"
case "${2:?usage: $0 DIR socket|tcp}" in
    socket) endpoint="socket = \"$PP_TEST_MYSQL_SOCKET\"" ;;
    tcp) endpoint="host = \"$PP_TEST_MYSQL_HOST\"
port = $PP_TEST_MYSQL_PORT" ;;
    *) echo "$0: ENDPOINT is socket or tcp, not $2" >&2; exit 2 ;;
esac
(umask 077; printf '%s' "$PP_TEST_MYSQL_READER_PASSWORD" > "$DIR/reader-password")
chmod 600 "$DIR/reader-password"
cat > "$DIR/config.toml" <<TOML
[source]
$endpoint
user = "$PP_TEST_MYSQL_READER_USER"
password_file = "reader-password"
database = "$PP_TEST_MYSQL_DATABASE"

[publish]
directory = "public"
state_directory = "state"
keep_versions_for = "1h"

[[dataset]]
name = "orders"
table = "orders"
primary_key = ["id"]
updated_at = "updated_at"
partition_by = "created_at"
partition_granularity = "month"
row_group_granularity = "day"
every = "5m"
lookback = "48h"
TOML
