#!/usr/bin/env bash
# make bench-viewer: the 5M-row orders table (scripts/bench/orders-table.sh) published by month
# with daily row groups, served by the reference nginx site on loopback, and the viewer in
# headless Chromium: a 30-day view with two columns and a 12-month view (from the rollup
# orders_daily when this binary publishes rollups, else from orders itself, and then also from a
# rollup-shaped stand-in published from a GROUP BY query). Ms to ready (median
# of BENCH_REPEATS, cold and warm cache) and bytes fetched against the dataset's bytes;
# scripts/bench/viewer.py does the browser half and prints the table.
#
# The published tree is kept in build/bench-viewer/ and reused while its stamp (rows, rollup
# or not) matches: only the browser half runs again. BENCH_FRESH=1 publishes it anew.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${BENCH_ROWS:-5000000}"
REPEATS="${BENCH_REPEATS:-5}"
DIR=build/bench-viewer
SERVER="$DIR/mariadb"
BIN=.build/release/parquet-publisher
PYTHON=.venv/bin/python
mkdir -p "$DIR"

cleanup() {
    scripts/viewer/nginx.sh stop "$DIR/nginx" >/dev/null 2>&1 || true
    scripts/test-mariadb.sh stop "$SERVER" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The rollup of issue 13, when the binary knows [[rollup]] (check-config --offline says so).
ROLLUP='
[[rollup]]
name = "orders_daily"
from = "orders"
time = "created_at"
grain = "day"
group_by = ["status", "channel"]
partition_granularity = "year"

[rollup.measures]
orders = "count(*)"
gmv = "sum(total)"
'
rollup=no
probe="$DIR/probe"
mkdir -p "$probe"
printf '[source]\nhost = "127.0.0.1"\nuser = "u"\npassword_file = "p"\ndatabase = "d"\n[publish]\ndirectory = "public"\nstate_directory = "state"\n[[dataset]]\nname = "orders"\ntable = "orders"\nprimary_key = ["id"]\npartition_by = "created_at"\nevery = "5m"\n%s' "$ROLLUP" >"$probe/config.toml"
if "$BIN" check-config --offline --config "$probe/config.toml" >/dev/null 2>&1; then rollup=yes; fi

# Without rollups, a stand-in of the same shape (day, status, channel, orders, gmv; year files,
# month row groups) published from a GROUP BY query, so the 12-month view of a rollup-shaped
# dataset is measured today. The real rollup computes it from the published files instead.
STAND_IN='
[[dataset]]
name = "orders_daily_query"
query = "SELECT DATE(created_at) AS day, CAST(status AS CHAR(16)) AS status, channel, COUNT(*) AS orders, SUM(total) AS gmv FROM orders GROUP BY DATE(created_at), status, channel"
primary_key = ["day", "status", "channel"]
partition_by = "day"
partition_granularity = "year"
row_group_granularity = "month"
every = "1h"
'

stamp="rows=$ROWS rollup=$rollup definitions=$(printf "%s" "$ROLLUP$STAND_IN" | sha256sum | cut -c1-12)"
if [ "${BENCH_FRESH:-0}" = 1 ] || [ "$(cat "$DIR/published" 2>/dev/null)" != "$stamp" ]; then
    rm -f "$DIR/published"
    PP_MARIADB_BUFFER_POOL=2G scripts/test-mariadb.sh start "$SERVER" >/dev/null
    # shellcheck disable=SC1090
    . "$(scripts/test-mariadb.sh env "$SERVER")"
    echo "bench-viewer: generating $ROWS orders" >&2
    scripts/bench/orders-table.sh "$ROWS"
    scripts/bench/orders-config.sh "$DIR" socket
    if [ "$rollup" = yes ]; then printf '%s' "$ROLLUP" >>"$DIR/config.toml"; else printf '%s' "$STAND_IN" >>"$DIR/config.toml"; fi
    rm -rf "$DIR/public" "$DIR/state"
    echo "bench-viewer: publishing (rollup: $rollup)" >&2
    "$BIN" refresh --full --config "$DIR/config.toml" 2>/dev/null
    scripts/test-mariadb.sh stop "$SERVER" >/dev/null
    echo "$stamp" >"$DIR/published"
fi

url="$(scripts/viewer/nginx.sh start "$DIR/nginx" --data "$DIR/public")"
stand_in=()
[ "$rollup" = yes ] || stand_in=(--rollup-stand-in orders_daily_query:gmv)
"$PYTHON" scripts/bench/viewer.py "$url" "$DIR/public" orders --repeats "$REPEATS" "${stand_in[@]}"
