"""Writes the same table with polars, DuckDB and pyarrow at ZSTD(3) and prints their figures.

The table is the one `parquet-publisher bench encode --out FILE` wrote, read into memory
first, so every writer encodes identical data; only the encode+write is timed.
Usage: encode_peers.py FILE OUTDIR REPEATS (prints medians of REPEATS runs as one JSON line)
"""
import json
import os
import statistics
import sys
import time

import duckdb
import polars as pl
import pyarrow.parquet as pq


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    source, outdir, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    table = pq.read_table(source)
    frame = pl.from_arrow(table)
    con = duckdb.connect()
    con.register("orders_arrow", table)
    con.execute("CREATE TABLE orders AS SELECT * FROM orders_arrow")
    results = {}

    def polars_write():
        frame.write_parquet(os.path.join(outdir, "polars.parquet"), compression="zstd", compression_level=3)

    def duckdb_write():
        con.execute(
            f"COPY orders TO '{os.path.join(outdir, 'duckdb.parquet')}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 3)"
        )

    def pyarrow_write():
        pq.write_table(table, os.path.join(outdir, "pyarrow.parquet"), compression="zstd", compression_level=3)

    for name, fn in [("polars", polars_write), ("duckdb", duckdb_write), ("pyarrow", pyarrow_write)]:
        seconds = timed(fn, repeats)
        results[name] = {"encode_seconds": round(seconds, 3), "bytes": os.path.getsize(os.path.join(outdir, f"{name}.parquet"))}
    print(json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
