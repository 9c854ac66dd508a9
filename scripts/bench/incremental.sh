#!/usr/bin/env bash
# make bench-incremental: a 5M-row orders table published in full, then 5k recent updates,
# 100 late commits, 1k inserts and 100 deletes; times the incremental refresh and the
# reconcile against the full refresh of the same run, and the bytes rewritten against the total.
#
#   scripts/bench/incremental.sh [ROWS]      (default 5000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${1:-${BENCH_ROWS:-5000000}}"
DIR=build/bench-incremental
SERVER="$DIR/mariadb"
BIN=.build/release/parquet-publisher
mkdir -p "$DIR"
rm -rf "$DIR/public" "$DIR/state"

scripts/test-mariadb.sh start "$SERVER" >/dev/null
trap 'scripts/test-mariadb.sh stop "$SERVER" >/dev/null 2>&1 || true' EXIT
# shellcheck disable=SC1090
. "$(scripts/test-mariadb.sh env "$SERVER")"
sql() { MYSQL_PWD="$PP_TEST_MYSQL_ADMIN_PASSWORD" mariadb -u "$PP_TEST_MYSQL_ADMIN_USER" -S "$PP_TEST_MYSQL_SOCKET" "$PP_TEST_MYSQL_DATABASE" -N -B -e "$1"; }

echo "bench-incremental: generating $ROWS orders" >&2
scripts/bench/orders-table.sh "$ROWS"

scripts/bench/orders-config.sh "$DIR" tcp

full=$("$BIN" refresh --full --json --config "$DIR/config.toml" 2>/dev/null)
# The changes: recent updates, late commits (an updated_at set back within the lookback),
# inserts, deletes. The source's clock is what the watermark follows.
sql "UPDATE orders SET status = 'refunded', updated_at = UTC_TIMESTAMP(6) WHERE id > $ROWS - 200000 AND id % 40 = 0 LIMIT 5000"
sql "UPDATE orders SET note = 'late commit', updated_at = TIMESTAMPADD(HOUR, -1, UTC_TIMESTAMP(6)) WHERE id > $ROWS - 100000 AND id % 997 = 0 LIMIT 100"
sql "INSERT INTO orders SELECT $ROWS + seq, 1, 1, 1, 'paid', 1, 9.99, 9.99, 'EUR', 'DE', 'web', NULL,
  TIMESTAMPADD(SECOND, ($ROWS + seq) * 12, '2023-01-01'), UTC_TIMESTAMP(6) FROM seq_1_to_1000"
sql "DELETE FROM orders WHERE id > $ROWS - 150000 AND id % 1499 = 7 LIMIT 100"

incremental=$("$BIN" refresh --json --config "$DIR/config.toml" 2>/dev/null)
reconcile=$("$BIN" refresh --reconcile --json --config "$DIR/config.toml" 2>/dev/null)

FULL="$full" INCREMENTAL="$incremental" RECONCILE="$reconcile" python3 - <<'PY'
import json, os
full, inc, rec = (json.loads(os.environ[k]) for k in ("FULL", "INCREMENTAL", "RECONCILE"))
print(f"{'refresh':<14}{'seconds':>9}{'rows read':>12}{'files rewritten':>18}{'bytes written':>15}{'of total':>10}")
for name, r in (("full", full), ("incremental", inc), ("reconcile", rec)):
    share = r["bytes_written"] / r["total_bytes"] if r["total_bytes"] else 0
    print(f"{name:<14}{r['seconds']:>9.3f}{r['rows_fetched']:>12}{r['files_rewritten']:>11} of {r['files']:<4}{r['bytes_written']:>15}{share:>10.1%}")
print(f"incremental / full: {inc['seconds'] / full['seconds']:.3f}x (target <= 0.2x and < 1 s)")
print(f"reconcile / full: {rec['seconds'] / full['seconds']:.3f}x")
print(json.dumps({"full_seconds": full["seconds"], "incremental_seconds": inc["seconds"], "reconcile_seconds": rec["seconds"],
                  "incremental_ratio": round(inc["seconds"] / full["seconds"], 4),
                  "bytes_rewritten": inc["bytes_written"], "total_bytes": inc["total_bytes"], "rows": inc["rows"]}, sort_keys=True))
PY
