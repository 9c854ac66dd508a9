#!/usr/bin/env python3
"""What the viewer should report for some views, from readers other than the page's own:
DuckDB for the rows and the sum, pyarrow's footers for the bytes a view may fetch.

    viewer_expectations.py CHECKS.json

CHECKS is {"checks": [CHECK, ...]}; each CHECK:

    id            echoed back
    files         every Parquet file of the version (absolute paths)
    partition_by  the partition column
    from, to      the range [from, to) of days (YYYY-MM-DD)
    sum           the summed column, or null
    shown         the columns the view shows (chart and table)
    selected      [{"file": absolute path, "rowStart": n, "rowEnd": n}]: the rows the view read

Prints {"checks": [{"id", "rows", "sum", "shown_chunk_bytes", "tail_bytes"}]}:
- rows, sum: DuckDB's count(*) and sum() of the rows whose partition value falls on a day in
  [from, to) (a DATETIME on its wall-clock date, a TIMESTAMP on its UTC date). The sum is a
  plain decimal string (DECIMAL keeps its scale, integers none), a float's repr for FLOAT and
  DOUBLE, or null when no value was summed, as SQL's SUM.
- shown_chunk_bytes: the compressed size of the shown columns' chunks in the selected row
  groups (dictionary page included), from the footers as pyarrow reads them.
- tail_bytes: for each selected file, the bytes after its last row group (page indexes and
  footer).
"""

import decimal
import json
import os
import sys

import duckdb
import pyarrow.parquet as pq


def sum_text(value):
    if value is None:
        return None
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    return str(value)


def chunk_span(column):
    start = column.dictionary_page_offset if column.has_dictionary_page else column.data_page_offset
    return start, start + column.total_compressed_size


def main():
    with open(sys.argv[1]) as f:
        checks = json.load(f)["checks"]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    footers = {}

    def footer(path):
        if path not in footers:
            footers[path] = pq.ParquetFile(path).metadata
        return footers[path]

    results = []
    for check in checks:
        column = check["partition_by"]
        summed = f'sum("{check["sum"]}")' if check["sum"] else "NULL"
        rows, total = con.execute(
            f'SELECT count(*), {summed} FROM read_parquet(?) '
            f'WHERE CAST("{column}" AS DATE) >= CAST(? AS DATE) AND CAST("{column}" AS DATE) < CAST(? AS DATE)',
            [check["files"], check["from"], check["to"]],
        ).fetchone()

        shown = set(check["shown"])
        chunk_bytes = 0
        tail_bytes = 0
        for selection in check["selected"]:
            metadata = footer(selection["file"])
            first_row = 0
            data_end = 0
            for g in range(metadata.num_row_groups):
                group = metadata.row_group(g)
                inside = selection["rowStart"] <= first_row and first_row + group.num_rows <= selection["rowEnd"]
                for c in range(group.num_columns):
                    col = group.column(c)
                    start, end = chunk_span(col)
                    data_end = max(data_end, end)
                    if inside and col.path_in_schema.split(".")[0] in shown:
                        chunk_bytes += end - start
                first_row += group.num_rows
            tail_bytes += os.path.getsize(selection["file"]) - data_end
        results.append({"id": check["id"], "rows": rows, "sum": sum_text(total),
                        "shown_chunk_bytes": chunk_bytes, "tail_bytes": tail_bytes})
    json.dump({"checks": results}, sys.stdout)


if __name__ == "__main__":
    main()
