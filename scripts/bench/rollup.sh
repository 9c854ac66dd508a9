#!/usr/bin/env bash
# make bench-rollup: the rollup of docs/rollups.md (orders per day, status and channel: count,
# sums, count_distinct, min, max) on the 5M-row orders table of bench-snapshot:
#   1. its full build from the published files (`bench rollup`), against DuckDB running the same
#      GROUP BY over the same files, in the same run (medians of BENCH_REPEATS, interleaved);
#   2. its maintenance after an incremental refresh that touches a few days;
#   3. its size against the base's.
#   scripts/bench/rollup.sh [ROWS]      (default 5000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${1:-${BENCH_ROWS:-5000000}}"
REPEATS="${BENCH_REPEATS:-5}"
DIR=build/bench-rollup
SERVER="$DIR/mariadb"
BIN=.build/release/parquet-publisher
PYTHON=.venv/bin/python
mkdir -p "$DIR"
rm -rf "$DIR/public" "$DIR/state"

PP_MARIADB_BUFFER_POOL=2G scripts/test-mariadb.sh start "$SERVER" >/dev/null
trap 'scripts/test-mariadb.sh stop "$SERVER" >/dev/null 2>&1 || true' EXIT
# shellcheck disable=SC1090
. "$(scripts/test-mariadb.sh env "$SERVER")"
sql() { MYSQL_PWD="$PP_TEST_MYSQL_ADMIN_PASSWORD" mariadb -u "$PP_TEST_MYSQL_ADMIN_USER" -S "$PP_TEST_MYSQL_SOCKET" "$PP_TEST_MYSQL_DATABASE" -N -B -e "$1"; }

echo "bench-rollup: generating $ROWS orders" >&2
scripts/bench/orders-table.sh "$ROWS"
scripts/bench/orders-config.sh "$DIR" socket
cat >> "$DIR/config.toml" <<'TOML'

[[rollup]]
name = "orders_daily"
from = "orders"
grain = "day"
group_by = ["status", "channel"]

[rollup.where]
status = ["paid", "shipped", "delivered"]

[rollup.measures]
orders = "count(*)"
items = "sum(quantity)"
gmv = "sum(total)"
buyers = "count_distinct(buyer_id)"
smallest = "min(total)"
largest = "max(total)"
first_at = "min(created_at)"
with_note = "count(note)"
TOML

echo "bench-rollup: publishing orders (a full snapshot, with the rollup)" >&2
"$BIN" refresh --full --json --config "$DIR/config.toml" > "$DIR/full.json" 2>/dev/null

ours() { "$BIN" bench rollup --config "$DIR/config.toml" --out "$DIR/scratch" orders_daily 2>/dev/null; }
duckdb() {
    "$PYTHON" - "$DIR/public" <<'PY'
import duckdb, json, os, sys, time
root = sys.argv[1]
manifest = json.load(open(os.path.join(root, "manifest.json")))
index_path = os.path.join(root, manifest["datasets"]["orders"]["index"])
files = [os.path.join(os.path.dirname(index_path), f["path"]) for f in json.load(open(index_path))["files"]]
start = time.perf_counter()
con = duckdb.connect()
rows = con.execute(f"""
  SELECT CAST(created_at AS DATE) AS day, status, channel, count(*) AS orders, sum(quantity) AS items,
         sum(total) AS gmv, count(DISTINCT buyer_id) AS buyers, min(total) AS smallest, max(total) AS largest,
         min(created_at) AS first_at, count(note) AS with_note
  FROM read_parquet({files}) WHERE created_at IS NOT NULL AND status IN ('paid', 'shipped', 'delivered')
  GROUP BY ALL ORDER BY ALL""").fetchall()
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(rows)}))
PY
}
rss=$("$PYTHON" scripts/bench/measure.py "$BIN" bench rollup --config "$DIR/config.toml" --out "$DIR/scratch" orders_daily 2>/dev/null)
results=()
for _ in $(seq "$REPEATS"); do
    results+=("ours $(ours)")
    results+=("duckdb $(duckdb)")
done

# A small delta: a few recent days change (status updates, late commits, inserts).
sql "UPDATE orders SET status = 'refunded', updated_at = UTC_TIMESTAMP(6) WHERE id > $ROWS - 20000 AND id % 40 = 0 LIMIT 500"
sql "UPDATE orders SET status = 'paid', channel = 'api', updated_at = UTC_TIMESTAMP(6) WHERE id > $ROWS - 20000 AND id % 41 = 1 LIMIT 300"
sql "INSERT INTO orders SELECT $ROWS + seq, 1, 1, 1, 'paid', 1, 9.99, 9.99, 'EUR', 'DE', 'web', NULL,
  TIMESTAMPADD(SECOND, ($ROWS + seq) * 12, '2023-01-01'), UTC_TIMESTAMP(6) FROM seq_1_to_1000"
"$BIN" refresh --json --config "$DIR/config.toml" > "$DIR/incremental.json" 2>/dev/null

RSS="$rss" RESULTS="$(printf '%s\n' "${results[@]}")" FULL="$(cat "$DIR/full.json")" INCREMENTAL="$(cat "$DIR/incremental.json")" \
    "$PYTHON" - <<'PY'
import json, os, statistics
ours, duck = [], []
for line in os.environ["RESULTS"].splitlines():
    name, _, doc = line.strip().partition(" ")
    (ours if name == "ours" else duck).append(json.loads(doc))
inc = json.loads(os.environ["INCREMENTAL"])
ours_s = statistics.median(r["seconds"] for r in ours)
duck_s = statistics.median(r["seconds"] for r in duck)
rollup = inc["rollups"][0]
first = ours[0]
size, base = first["bytes"], first["base_bytes"]
print(f"rollup orders_daily over {first['base_rows']:,} rows: {first['rows']:,} rows in {first['files']} files")
print(f"full build (median of {len(ours)}): ours {ours_s:.3f} s, DuckDB GROUP BY over the same files {duck_s:.3f} s: "
      f"ours / DuckDB {ours_s / duck_s:.2f}x (target <= 1.0x)")
print(f"  runs: ours {[round(r['seconds'], 3) for r in ours]}, DuckDB {[round(r['seconds'], 3) for r in duck]}")
print(f"maintenance after an incremental refresh ({inc['rows_fetched']} rows read, {inc['files_rewritten']} base files "
      f"rewritten): {rollup['seconds']:.3f} s (target < 0.2 s), {rollup['files_rewritten']} of {rollup['files']} rollup files rewritten")
print(f"size: {size:,} bytes, {size / base:.4%} of the base's {base:,} (target < 1%)")
rss_mb = round(int(os.environ["RSS"].split()[1]) / 1024, 1)
print(f"peak RSS of a full build (bench rollup): {rss_mb} MB")
print(json.dumps({"full_build_seconds": ours_s, "duckdb_seconds": duck_s, "ratio": round(ours_s / duck_s, 3),
                  "maintenance_seconds": rollup["seconds"], "rollup_bytes": size, "base_bytes": base, "peak_rss_mb": rss_mb,
                  "size_ratio": round(size / base, 5)}, sort_keys=True))
PY
