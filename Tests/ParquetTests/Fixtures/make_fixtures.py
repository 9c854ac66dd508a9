"""Regenerates the Parquet fixtures of ThriftMetadataTests and, beside each, a JSON file of
what pyarrow reports about it (the test compares our footer decoder against that report).

    /tmp/probe-venv/bin/python Tests/ParquetTests/Fixtures/make_fixtures.py

Written with pyarrow 26.0.1 and DuckDB 2.0.1; the files are committed, so the tests need neither.
"""
import datetime as dt
import decimal
import json
import os

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))


def table():
    n = 300
    utc = dt.timezone.utc
    return pa.table({
        "id": pa.array(range(1, n + 1), pa.int64()),
        "status": pa.array([["new", "paid", "shipped", None][i % 4] for i in range(n)], pa.string()),
        "quantity": pa.array([i % 7 for i in range(n)], pa.int16()),
        "unit_price": pa.array([decimal.Decimal(i * 37 % 10000) / 100 for i in range(n)], pa.decimal128(12, 2)),
        "ratio": pa.array([i / 3 for i in range(n)], pa.float64()),
        "seller": pa.array([i * 2654435761 % 4294967296 for i in range(n)], pa.uint32()),
        "created_at": pa.array(
            [dt.datetime(2024, 1, 1, tzinfo=utc) + dt.timedelta(minutes=i) for i in range(n)], pa.timestamp("us", "UTC")),
        "day": pa.array([dt.date(2024, 1, 1) + dt.timedelta(days=i // 50) for i in range(n)], pa.date32()),
        "flag": pa.array([i % 3 == 0 for i in range(n)], pa.bool_()),
    })


def report(path):
    f = pq.ParquetFile(path)
    md = f.metadata
    columns = []
    for i in range(md.num_columns):
        c = md.row_group(0).column(i)
        s = c.statistics
        d = md.schema.column(i)
        columns.append({
            "logical_type": d.logical_type.type,
            "converted_type": d.converted_type,
            "max_definition_level": d.max_definition_level,
            "path": c.path_in_schema,
            "physical_type": c.physical_type,
            "compression": c.compression,
            "num_values": c.num_values,
            "encodings": list(c.encodings),
            "data_page_offset": c.data_page_offset,
            "dictionary_page_offset": c.dictionary_page_offset if c.has_dictionary_page else None,
            "total_compressed_size": c.total_compressed_size,
            "total_uncompressed_size": c.total_uncompressed_size,
            "null_count": s.null_count if s is not None and s.has_null_count else None,
            "has_column_index": c.has_column_index,
            "has_offset_index": c.has_offset_index,
        })
    return {
        "created_by": md.created_by,
        "num_rows": md.num_rows,
        "num_row_groups": md.num_row_groups,
        "row_group_num_rows": [md.row_group(i).num_rows for i in range(md.num_row_groups)],
        "schema_names": [md.schema.column(i).name for i in range(md.num_columns)],
        "metadata_keys": sorted(k.decode() for k in (md.metadata or {}).keys()),
        "serialized_size": md.serialized_size,
        "columns": columns,
    }


def main():
    t = table()
    pyarrow_path = os.path.join(HERE, "pyarrow-zstd.parquet")
    pq.write_table(t, pyarrow_path, compression="zstd", row_group_size=200,
                   write_page_index=True, data_page_size=512)

    duckdb_path = os.path.join(HERE, "duckdb-snappy.parquet")
    con = duckdb.connect()
    con.register("t", t)
    con.execute(f"COPY (SELECT * FROM t) TO '{duckdb_path}' (FORMAT parquet, COMPRESSION snappy)")

    for path in (pyarrow_path, duckdb_path):
        with open(path[: -len(".parquet")] + ".json", "w") as out:
            json.dump(report(path), out, indent=1, sort_keys=True)
            out.write("\n")


if __name__ == "__main__":
    main()
