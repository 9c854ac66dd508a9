#!/usr/bin/env bash
# make demo: a throwaway MariaDB with a generated marketplace, published by parquet-publisher,
# then the published tree and a DuckDB query over the files.
#
#   scripts/demo/run.sh setup     start the server and load the shop (skipped when loaded)
#   scripts/demo/run.sh publish   check-config, then refresh every dataset
#   scripts/demo/run.sh show      the published tree, manifest.json, an index.json excerpt
#   scripts/demo/run.sh query     revenue per month and top sellers, with DuckDB on the files, and
#                                 the same per month from the orders_daily rollup
#   scripts/demo/run.sh daemon    the daemon in the foreground while a writer simulates order
#                                 traffic, so each cycle publishes a new version; Ctrl-C ends it
#                                 (without a terminal it runs DEMO_SECONDS, default 60)
#   scripts/demo/run.sh stop      stop the server
#   scripts/demo/run.sh all       setup, publish, show, query, daemon, then stop unless KEEP=1
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=build/demo
SERVER=build/demo-mariadb
BIN=.build/release/parquet-publisher
PYTHON=.venv/bin/python
export PP_MARIADB_DATABASE=shop PP_MARIADB_READER_USER=dashboard_reader PP_MARIADB_BUFFER_POOL=1G

say() { printf '\n== %s\n' "$*" >&2; }
seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f s", b - a }'; }

setup() {
    mkdir -p "$DIR"
    if scripts/test-mariadb.sh status "$SERVER" >/dev/null 2>&1 && [ -f "$DIR/loaded" ]; then
        say "the demo server is up and loaded"
        return
    fi
    rm -f "$DIR/loaded"
    # A new database: what was published from an earlier one must not be merged into.
    rm -rf "$DIR/public" "$DIR/state"
    say "starting a throwaway MariaDB in $SERVER"
    scripts/test-mariadb.sh start "$SERVER" >&2
    # shellcheck disable=SC1090
    . "$(scripts/test-mariadb.sh env "$SERVER")"
    say "generating the shop: 48k sellers, 2M offers, 1.2M orders"
    local start
    start=$(seconds)
    MYSQL_PWD="$PP_TEST_MYSQL_ADMIN_PASSWORD" mariadb -u "$PP_TEST_MYSQL_ADMIN_USER" -S "$PP_TEST_MYSQL_SOCKET" shop < scripts/demo/shop.sql
    echo "generated in $(elapsed "$start")" >&2
    touch "$DIR/loaded"
    write_config
}

write_config() {
    # shellcheck disable=SC1090
    . "$(scripts/test-mariadb.sh env "$SERVER")"
    printf '%s' "$PP_TEST_MYSQL_READER_PASSWORD" > "$DIR/mysql-password"
    chmod 600 "$DIR/mysql-password"
    cat > "$DIR/config.toml" <<TOML
# The demo's configuration: every key is documented in docs/configuration.md.
[source]
socket = "$PP_TEST_MYSQL_SOCKET"
user = "$PP_TEST_MYSQL_READER_USER"        # SELECT only
password_file = "mysql-password"          # relative to this file
database = "shop"

[publish]
directory = "public"
state_directory = "state"
keep_versions_for = "10m"

[[dataset]]
name = "orders"
table = "orders"
primary_key = ["id"]
updated_at = "updated_at"
partition_by = "created_at"
partition_granularity = "month"
row_group_granularity = "day"
every = "10s"
lookback = "48h"

[[dataset]]
name = "offers"
table = "offers"
primary_key = ["id"]
updated_at = "updated_at"
every = "5m"

[[dataset]]
name = "sellers"
table = "sellers"
primary_key = ["id"]
updated_at = "updated_at"
every = "15m"

# Daily aggregates computed from the published orders files (docs/rollups.md), published with them.
[[rollup]]
name = "orders_daily"
from = "orders"
group_by = ["status", "channel"]

[rollup.where]
status = ["paid", "shipped", "delivered"]

[rollup.measures]
orders = "count(*)"
items = "sum(quantity)"
gmv = "sum(total)"
buyers = "count_distinct(buyer_id)"
largest = "max(total)"
TOML
    echo "wrote $DIR/config.toml" >&2
}

publish() {
    [ -f "$DIR/config.toml" ] || write_config
    say "parquet-publisher check-config"
    "$BIN" check-config --config "$DIR/config.toml"
    say "parquet-publisher refresh (a full snapshot the first time, incremental after)"
    "$BIN" refresh --config "$DIR/config.toml"
}

show() {
    say "the published tree"
    (cd "$DIR/public" && find . -maxdepth 3 \( -name '*.parquet' -o -name '*.json' -o -name current \) -printf '%p %s bytes\n' | sort | head -40)
    say "manifest.json"
    cat "$DIR/public/manifest.json"
    say "orders: the first file of index.json (of $(ls "$DIR/public/orders/current/"*.parquet | wc -l) files)"
    "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); f=d["files"][-1]; f["row_groups"]=f["row_groups"][:2]+["..."]; print(json.dumps({k: d[k] for k in ("dataset","version","published_at","partition_by","rows")}, indent=1)); print(json.dumps(f, indent=1))' "$DIR/public/orders/current/index.json"
}

query() {
    say "DuckDB over the published files: revenue per month and the top sellers"
    "$PYTHON" - "$DIR/public" <<'PY'
import duckdb, json, os, sys, time
root = sys.argv[1]
manifest = json.load(open(os.path.join(root, "manifest.json")))
def files(dataset):
    index_path = os.path.join(root, manifest["datasets"][dataset]["index"])
    index = json.load(open(index_path))
    return [os.path.join(os.path.dirname(index_path), f["path"]) for f in index["files"]]
con = duckdb.connect()
con.execute(f"CREATE VIEW orders AS SELECT * FROM read_parquet({files('orders')})")
con.execute(f"CREATE VIEW sellers AS SELECT * FROM read_parquet({files('sellers')})")
start = time.perf_counter()
print(con.sql("""
  SELECT strftime(created_at, '%Y-%m') AS month, count(*) AS orders, sum(total) AS revenue
  FROM orders WHERE status NOT IN ('cancelled', 'refunded')
  GROUP BY month ORDER BY month DESC LIMIT 6"""))
print(con.sql("""
  SELECT s.name, s.country, count(*) AS orders, sum(o.total) AS revenue
  FROM orders o JOIN sellers s ON s.id = o.seller_id
  GROUP BY ALL ORDER BY revenue DESC LIMIT 5"""))
print(f"both queries in {time.perf_counter() - start:.2f} s")
PY
    rollup_query
}

# The rollup: GMV per month from a few hundred KB instead of the orders files.
rollup_query() {
    say "the orders_daily rollup: GMV and buyers per month, read from the rollup's own files"
    "$PYTHON" - "$DIR/public" <<'PY'
import duckdb, json, os, sys, time
root = sys.argv[1]
manifest = json.load(open(os.path.join(root, "manifest.json")))
entry = manifest["datasets"]["orders_daily"]
index_path = os.path.join(root, entry["index"])
index = json.load(open(index_path))
files = [os.path.join(os.path.dirname(index_path), f["path"]) for f in index["files"]]
print(f"orders_daily v{entry['version']}, computed from orders v{entry['source_version']} "
      f"(the manifest names orders v{manifest['datasets']['orders']['version']}): "
      f"{index['rows']} rows in {sum(f['bytes'] for f in index['files'])} bytes")
start = time.perf_counter()
print(duckdb.sql(f"""
  SELECT strftime(day, '%Y-%m') AS month, sum(orders) AS orders, sum(gmv) AS gmv, max(largest) AS largest
  FROM read_parquet({files}) GROUP BY month ORDER BY month DESC LIMIT 6"""))
print(f"in {time.perf_counter() - start:.2f} s")
PY
}

# New orders and status changes every second, with updated_at from the server's clock.
traffic() {
    # shellcheck disable=SC1090
    . "$(scripts/test-mariadb.sh env "$SERVER")"
    while true; do
        MYSQL_PWD="$PP_TEST_MYSQL_ADMIN_PASSWORD" mariadb -u "$PP_TEST_MYSQL_ADMIN_USER" -S "$PP_TEST_MYSQL_SOCKET" shop -e "
            INSERT INTO orders (id, offer_id, seller_id, buyer_id, status, quantity, unit_price, total, currency, country, channel, created_at, updated_at)
            SELECT m.id + seq, f.id, f.seller_id, 1 + FLOOR(RAND() * 900000), 'new', 1, f.price, f.price, 'EUR', 'DE', 'web', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
            FROM (SELECT MAX(id) AS id FROM orders) AS m JOIN seq_1_to_20 JOIN offers AS f ON f.id = 1 + (m.id + seq) * 7919 % 2000000;
            UPDATE orders SET status = 'paid', updated_at = UTC_TIMESTAMP(6) WHERE status = 'new' ORDER BY id DESC LIMIT 10;" 2>/dev/null || return 0
        sleep 1
    done
}

daemon() {
    [ -f "$DIR/config.toml" ] || write_config
    say "the daemon in the foreground, with simulated order traffic (Ctrl-C to end)"
    traffic &
    local writer=$!
    if [ -t 0 ]; then
        "$BIN" run --config "$DIR/config.toml" || true
    else
        "$BIN" run --config "$DIR/config.toml" &
        local pid=$!
        sleep "${DEMO_SECONDS:-60}"
        kill -TERM "$pid"
        wait "$pid" || true
    fi
    kill "$writer" 2>/dev/null || true
    wait "$writer" 2>/dev/null || true
    "$BIN" status --config "$DIR/config.toml"
}

stop() {
    scripts/test-mariadb.sh stop "$SERVER" >&2
    rm -f "$DIR/loaded"
}

case "${1:-all}" in
    setup) setup ;;
    publish) publish ;;
    show) show ;;
    query) query ;;
    daemon) daemon ;;
    stop) stop ;;
    all)
        start=$(seconds)
        setup
        publish
        show
        query
        daemon
        say "demo done in $(elapsed "$start")"
        if [ "${KEEP:-0}" = 1 ]; then
            echo "the server keeps running (KEEP=1); stop it with scripts/demo/run.sh stop" >&2
        else
            stop
        fi
        ;;
    *) echo "usage: $0 setup|publish|show|query|daemon|stop|all" >&2; exit 2 ;;
esac
