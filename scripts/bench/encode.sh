#!/usr/bin/env bash
# make bench-encode: our writer against polars, DuckDB and pyarrow on the same 5M-row table,
# ZSTD(3), in one run. Prints a table of medians and ratios, then one JSON line.
#
#   scripts/bench/encode.sh [ROWS] [REPEATS]     (default 5000000 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${1:-${BENCH_ROWS:-5000000}}"
REPEATS="${2:-${BENCH_REPEATS:-3}}"
DIR=build/bench
BIN=.build/release/parquet-publisher
PYTHON=.venv/bin/python
mkdir -p "$DIR"

runs=()
for _ in $(seq "$REPEATS"); do
    runs+=("$("$BIN" bench encode --rows "$ROWS" --out "$DIR/ours.parquet" | tail -n 1)")
done
peers=$("$PYTHON" scripts/bench/encode_peers.py "$DIR/ours.parquet" "$DIR" "$REPEATS")

OURS="$(printf '%s\n' "${runs[@]}")" PEERS="$peers" ROWS="$ROWS" DIR="$DIR" "$PYTHON" - <<'PY'
import json, os, statistics
import pyarrow.parquet as pq
rows = int(os.environ["ROWS"])
ours_runs = [json.loads(line) for line in os.environ["OURS"].splitlines()]
ours = {"encode_seconds": statistics.median(r["encode_seconds"] for r in ours_runs), "bytes": ours_runs[-1]["bytes"]}
results = {"parquet-publisher": ours, **json.loads(os.environ["PEERS"])}
for name in ("polars", "duckdb", "pyarrow"):
    read = pq.ParquetFile(os.path.join(os.environ["DIR"], f"{name}.parquet")).metadata.num_rows
    assert read == rows, f"{name} wrote {read} rows, expected {rows}"
print(f"{'writer':<18}{'seconds':>9}{'rows/s':>12}{'MB':>9}{'time vs ours':>14}{'size vs ours':>14}")
for name, r in results.items():
    print(f"{name:<18}{r['encode_seconds']:>9.3f}{rows / r['encode_seconds']:>12,.0f}{r['bytes'] / 1e6:>9.1f}"
          f"{r['encode_seconds'] / ours['encode_seconds']:>13.2f}x{r['bytes'] / ours['bytes']:>13.2f}x")
print(json.dumps({"rows": rows, "repeats": len(ours_runs), "writers": results}, sort_keys=True))
PY
