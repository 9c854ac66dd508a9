#!/usr/bin/env bash
# make bench-snapshot: a full refresh of a 5M-row orders table against, in the same run,
# (a) a floor that only fetches every row through Connector/C's binary protocol, and
# (b) polars + connectorx, the stack this replaces. Wall time, rows/s, peak RSS, ratios;
# then our peak RSS as the table grows (BENCH_SIZES, default 1M 5M 20M).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${BENCH_ROWS:-5000000}"
SIZES="${BENCH_SIZES:-1000000 5000000 20000000}"
REPEATS="${BENCH_REPEATS:-3}"
DIR=build/bench-snapshot
SERVER="$DIR/mariadb"
BIN=.build/release/parquet-publisher
PYTHON=.venv/bin/python
MEASURE="$PYTHON scripts/bench/measure.py"
mkdir -p "$DIR"
cc -O2 -o "$DIR/fetch_floor" bench/fetch_floor.c $(pkg-config --cflags --libs libmariadb)

PP_MARIADB_BUFFER_POOL=2G scripts/test-mariadb.sh start "$SERVER" >/dev/null
trap 'scripts/test-mariadb.sh stop "$SERVER" >/dev/null 2>&1 || true' EXIT
# shellcheck disable=SC1090
. "$(scripts/test-mariadb.sh env "$SERVER")"
scripts/bench/orders-config.sh "$DIR" socket
ours() { rm -rf "$DIR/public" "$DIR/state"; $MEASURE "$BIN" refresh --full --config "$DIR/config.toml" 2>/dev/null; }
floor() { MYSQL_PWD="$PP_TEST_MYSQL_READER_PASSWORD" $MEASURE "$DIR/fetch_floor" "$PP_TEST_MYSQL_SOCKET" "$PP_TEST_MYSQL_READER_USER" "$PP_TEST_MYSQL_DATABASE" "SELECT * FROM orders" 2>/dev/null; }
polars() {
    MYSQL_PWD="$PP_TEST_MYSQL_READER_PASSWORD" $MEASURE "$PYTHON" scripts/bench/polars_connectorx.py \
        "$PP_TEST_MYSQL_HOST" "$PP_TEST_MYSQL_PORT" "$PP_TEST_MYSQL_READER_USER" "$PP_TEST_MYSQL_DATABASE" "$DIR/polars.parquet" 2>/dev/null
}
median_of() { for _ in $(seq "$REPEATS"); do "$1"; done | sort -n | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'; }

echo "bench-snapshot: generating $ROWS orders" >&2
scripts/bench/orders-table.sh "$ROWS"
floor_result=$(median_of floor)
ours_result=$(median_of ours)
polars_result=$(polars)

growth=""
for size in $SIZES; do
    if [ "$size" = "$ROWS" ]; then
        growth="$growth $size:${ours_result/ /,}"
        continue
    fi
    echo "bench-snapshot: generating $size orders for the memory curve" >&2
    scripts/bench/orders-table.sh "$size"
    result=$(ours)
    growth="$growth $size:${result/ /,}"
done

ROWS="$ROWS" FLOOR="$floor_result" OURS="$ours_result" POLARS="$polars_result" GROWTH="$growth" "$PYTHON" - <<'PY'
import json, os
rows = int(os.environ["ROWS"])
def parse(text):
    seconds, rss = text.split()
    return {"seconds": float(seconds), "peak_rss_mb": round(int(rss) / 1024, 1)}
results = {"floor (Connector/C fetch only)": parse(os.environ["FLOOR"]), "parquet-publisher refresh --full": parse(os.environ["OURS"]),
           "polars + connectorx": parse(os.environ["POLARS"])}
ours = results["parquet-publisher refresh --full"]
print(f"{'':<34}{'seconds':>9}{'rows/s':>12}{'peak RSS MB':>13}{'time vs ours':>14}")
for name, r in results.items():
    print(f"{name:<34}{r['seconds']:>9.2f}{rows / r['seconds']:>12,.0f}{r['peak_rss_mb']:>13.1f}{r['seconds'] / ours['seconds']:>13.2f}x")
floor = results["floor (Connector/C fetch only)"]
print(f"ours / floor: {ours['seconds'] / floor['seconds']:.2f}x (target <= 1.3x); ours / polars+connectorx: {ours['seconds'] / results['polars + connectorx']['seconds']:.2f}x")
growth = {int(k): parse(v.replace(",", " ")) for k, v in (item.split(":") for item in os.environ["GROWTH"].split())}
print("peak RSS of a full refresh as the table grows:")
for size in sorted(growth):
    print(f"  {size:>11,} rows  {growth[size]['peak_rss_mb']:>8.1f} MB  {growth[size]['seconds']:>7.2f} s")
print(json.dumps({"rows": rows, "results": results, "growth": {str(k): v for k, v in growth.items()}}, sort_keys=True))
PY
