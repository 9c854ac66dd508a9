#!/usr/bin/env python3
"""Read a Parquet file with one reader and print what it saw as ONE JSON document.

    read_parquet.py --reader pyarrow|duckdb|polars FILE
    read_parquet.py --reader duckdb|polars --where "SQL condition" FILE   (only the rows it keeps)
    read_parquet.py --reader duckdb|polars --count-where COND [--count-where COND ...] FILE
        prints {"reader", "reader_version", "counts": [rows each condition keeps]}
    read_parquet.py --serve
        reads requests from stdin, one JSON object a line: {"reader", "file", "where"?,
        "count_where"?: [...]}; answers each with a line {"ok": true} and the document on the
        next line, or one line {"ok": false, "error": "..."}; ends at the end of stdin. Tests
        keep one such process per reader instead of starting Python (and importing the reader,
        half a second of CPU) for every file.

The Swift tests (TestSupport/PythonParquetReader.swift) compare these values with what they
wrote, exactly, so every value is encoded losslessly:

    integers          JSON integers (Python ints are exact, uint64 included)
    booleans          true / false
    floats            repr strings: "1.5", "nan", "inf", "-inf", "-0.0"; FLOAT as its exact double
    decimals          plain strings with exactly `scale` fraction digits: "-12.50"
    dates             ISO strings "2024-05-01" ("days:N" past Python's year 1..9999)
    timestamps        integers since the epoch in the column's "unit" ("ms", "us", "ns"), with "tz"
    times             ISO strings "HH:MM:SS.ffffff" (nine digits when there are nanoseconds)
    strings           strings
    binary            lowercase hex strings
    null              null

Output:
    {"reader", "reader_version", "num_rows",
     "columns": [{"name", "physical_type", "logical_type", "unit", "tz", "values": [...]}, ...],
     pyarrow only: "parquet_logical_type"/"parquet_converted_type" per column,
                   "schema": [...], "parquet_metadata": {...}}

`logical_type` is the reader's own name for the type: pyarrow's Arrow type string, DuckDB's
DESCRIBE type, polars' dtype string.
"""

import argparse
import datetime
import decimal
import json
import sys

EPOCH_DATE = datetime.date(1970, 1, 1)
EPOCH = datetime.datetime(1970, 1, 1)
EPOCH_UTC = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
UNIT_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


# --- value encoders ---------------------------------------------------------------------------

def encode_float(value):
    if value is None:
        return None
    return repr(float(value))


def encode_decimal(value, scale):
    if value is None:
        return None
    with decimal.localcontext() as context:
        context.prec = 200
        if scale is None:
            return format(value, "f")
        return format(value.quantize(decimal.Decimal(1).scaleb(-scale)), "f")


def encode_days(days):
    if days is None:
        return None
    try:
        return (EPOCH_DATE + datetime.timedelta(days=days)).isoformat()
    except OverflowError:
        return "days:%d" % days


def encode_date(value):
    if value is None:
        return None
    return value.isoformat()


def encode_time_of_day(count, unit):
    """Formats a count of `unit` since midnight as HH:MM:SS.ffffff (or nine fraction digits)."""
    if count is None:
        return None
    nanos = count * (1_000_000_000 // UNIT_PER_SECOND[unit])
    sign = "-" if nanos < 0 else ""
    nanos = abs(nanos)
    seconds, fraction = divmod(nanos, 1_000_000_000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = "%s%02d:%02d:%02d" % (sign, hours, minutes, seconds)
    if fraction % 1000 == 0:
        return text + ".%06d" % (fraction // 1000)
    return text + ".%09d" % fraction


def encode_time(value):
    """datetime.time to the same format as encode_time_of_day (offset appended if any)."""
    if value is None:
        return None
    micros = ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond
    text = encode_time_of_day(micros, "us")
    if value.tzinfo is not None:
        offset = value.utcoffset()
        text += "Z" if offset == datetime.timedelta(0) else value.isoformat()[15:]
    return text


def encode_datetime(value, unit):
    """datetime to an integer count of `unit` since the epoch, exactly (integer arithmetic)."""
    if value is None:
        return None
    epoch = EPOCH if value.tzinfo is None else EPOCH_UTC
    delta = value - epoch
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if unit == "us":
        return micros
    if unit == "ms":
        return micros // 1000
    if unit == "s":
        return micros // 1_000_000
    return micros * 1000


def encode_bytes(value):
    if value is None:
        return None
    return bytes(value).hex()


def encode_plain(value):
    """Whatever a reader hands over, for types without a dedicated path."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return encode_float(value)
    if isinstance(value, decimal.Decimal):
        return encode_decimal(value, None)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return encode_bytes(value)
    if isinstance(value, datetime.datetime):
        return encode_datetime(value, "us")
    if isinstance(value, datetime.date):
        return encode_date(value)
    if isinstance(value, datetime.time):
        return encode_time(value)
    if isinstance(value, (list, tuple)):
        return [encode_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode_plain(item) for key, item in value.items()}
    return str(value)


def column(name, physical_type, logical_type, values, unit=None, tz=None, **extra):
    result = {
        "name": name,
        "physical_type": physical_type,
        "logical_type": logical_type,
        "unit": unit,
        "tz": tz,
        "values": values,
    }
    result.update(extra)
    return result


# --- pyarrow ----------------------------------------------------------------------------------

def read_pyarrow(path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet_file = pq.ParquetFile(path)
    table = parquet_file.read()
    schema = parquet_file.schema
    metadata = parquet_file.metadata

    columns = []
    for index, field in enumerate(table.schema):
        array = table.column(index).combine_chunks()
        parquet_column = schema.column(index) if index < len(schema) else None
        values, unit, tz = pyarrow_values(pa, array)
        columns.append(column(
            field.name,
            parquet_column.physical_type if parquet_column else None,
            str(field.type),
            values,
            unit=unit,
            tz=tz,
            parquet_logical_type=str(parquet_column.logical_type) if parquet_column else None,
            parquet_converted_type=str(parquet_column.converted_type) if parquet_column else None,
        ))

    return {
        "reader": "pyarrow",
        "reader_version": pa.__version__,
        "num_rows": table.num_rows,
        "columns": columns,
        "schema": [pyarrow_schema_column(schema.column(i)) for i in range(len(schema))],
        "parquet_metadata": pyarrow_metadata(metadata),
    }


def pyarrow_values(pa, array):
    """Returns (values, unit, tz) for one Arrow array."""
    types = pa.types
    kind = array.type
    if isinstance(kind, pa.ExtensionType):
        array = array.storage
        kind = array.type
    if types.is_dictionary(kind):
        array = array.dictionary_decode()
        kind = array.type

    if types.is_timestamp(kind):
        return array.cast(pa.int64()).to_pylist(), kind.unit, kind.tz
    if types.is_date32(kind):
        return [encode_days(d) for d in array.cast(pa.int32()).to_pylist()], None, None
    if types.is_date64(kind):
        return [None if ms is None else encode_days(ms // 86_400_000)
                for ms in array.cast(pa.int64()).to_pylist()], None, None
    if types.is_time32(kind):
        raw = array.cast(pa.int32()).to_pylist()
        return [encode_time_of_day(v, kind.unit) for v in raw], kind.unit, None
    if types.is_time64(kind):
        raw = array.cast(pa.int64()).to_pylist()
        return [encode_time_of_day(v, kind.unit) for v in raw], kind.unit, None
    if types.is_decimal(kind):
        return [encode_decimal(v, kind.scale) for v in array.to_pylist()], None, None
    if types.is_floating(kind):
        return [encode_float(v) for v in array.to_pylist()], None, None
    if types.is_binary(kind) or types.is_large_binary(kind) or types.is_fixed_size_binary(kind) \
            or getattr(types, "is_binary_view", lambda _: False)(kind):
        return [encode_bytes(v) for v in array.to_pylist()], None, None
    return [encode_plain(v) for v in array.to_pylist()], None, None


def pyarrow_schema_column(parquet_column):
    return {
        "name": parquet_column.name,
        "path": parquet_column.path,
        "physical_type": parquet_column.physical_type,
        "logical_type": str(parquet_column.logical_type),
        "converted_type": str(parquet_column.converted_type),
        "max_definition_level": parquet_column.max_definition_level,
        "max_repetition_level": parquet_column.max_repetition_level,
        "length": parquet_column.length,
        "precision": parquet_column.precision,
        "scale": parquet_column.scale,
    }


def pyarrow_metadata(metadata):
    key_value = metadata.metadata or {}
    row_groups = []
    for group_index in range(metadata.num_row_groups):
        group = metadata.row_group(group_index)
        chunks = []
        for column_index in range(group.num_columns):
            chunk = group.column(column_index)
            chunks.append({
                "path": chunk.path_in_schema,
                "physical_type": chunk.physical_type,
                "encodings": list(chunk.encodings),
                "compression": chunk.compression,
                "num_values": chunk.num_values,
                "total_compressed_size": chunk.total_compressed_size,
                "total_uncompressed_size": chunk.total_uncompressed_size,
                "file_offset": chunk.file_offset,
                "data_page_offset": chunk.data_page_offset,
                "has_dictionary_page": chunk.has_dictionary_page,
                "dictionary_page_offset": chunk.dictionary_page_offset,
                "has_column_index": getattr(chunk, "has_column_index", None),
                "has_offset_index": getattr(chunk, "has_offset_index", None),
                "statistics": pyarrow_statistics(chunk),
            })
        row_groups.append({
            "num_rows": group.num_rows,
            "total_byte_size": group.total_byte_size,
            "columns": chunks,
        })
    return {
        "num_rows": metadata.num_rows,
        "num_row_groups": metadata.num_row_groups,
        "num_columns": metadata.num_columns,
        "created_by": metadata.created_by,
        "format_version": metadata.format_version,
        "serialized_size": metadata.serialized_size,
        "key_value_metadata": {
            key.decode("utf-8", "replace"): value.decode("utf-8", "replace")
            for key, value in key_value.items()
        },
        "row_groups": row_groups,
    }


def pyarrow_statistics(chunk):
    if not chunk.is_stats_set:
        return None
    stats = chunk.statistics
    result = {
        "has_min_max": stats.has_min_max,
        "has_null_count": stats.has_null_count,
        "null_count": stats.null_count if stats.has_null_count else None,
        "has_distinct_count": stats.has_distinct_count,
        "distinct_count": stats.distinct_count if stats.has_distinct_count else None,
        "min": None,
        "max": None,
        "min_raw": None,
        "max_raw": None,
    }
    if stats.has_min_max:
        # min/max as pyarrow interprets them through the logical type; min_raw/max_raw are the
        # physical values (bytes as hex), which is what a writer's sort order is checked on.
        for key, getter in (("min", lambda: stats.min), ("max", lambda: stats.max),
                            ("min_raw", lambda: stats.min_raw), ("max_raw", lambda: stats.max_raw)):
            try:
                value = getter()
            except Exception as error:  # e.g. a timestamp past what Python's datetime holds
                value = "<unreadable: %s>" % error
            result[key] = encode_statistic(value)
    return result


def encode_statistic(value):
    """Statistics as ints when they are integers, else strings."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return encode_float(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, (bytes, bytearray)):
        return encode_bytes(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


# --- DuckDB -----------------------------------------------------------------------------------

def read_duckdb(path, where=None):
    import duckdb

    connection = duckdb.connect()
    source = "read_parquet(%s)" % sql_string(path)
    if where:
        # Only the rows a filter keeps: DuckDB prunes row groups by their statistics first.
        source = "(SELECT * FROM %s WHERE %s)" % (source, where)
    described = connection.execute("DESCRIBE SELECT * FROM " + source).fetchall()
    names = [row[0] for row in described]
    types = [row[1] for row in described]

    physical = {}
    try:
        for name, physical_type in connection.execute(
                "SELECT name, type FROM parquet_schema(%s) WHERE type IS NOT NULL" % sql_string(path)
        ).fetchall():
            physical[name] = physical_type
    except duckdb.Error:
        pass

    expressions = []
    decoders = []
    units = []
    for name, kind in zip(names, types):
        quoted = sql_identifier(name)
        expression, decoder, unit, tz = duckdb_column_plan(quoted, kind)
        expressions.append(expression)
        decoders.append(decoder)
        units.append((unit, tz))

    rows = []
    if names:
        rows = connection.execute("SELECT %s FROM %s" % (", ".join(expressions), source)).fetchall()
    num_rows = connection.execute("SELECT count(*) FROM " + source).fetchone()[0]

    columns = []
    for index, (name, kind) in enumerate(zip(names, types)):
        decoder = decoders[index]
        unit, tz = units[index]
        values = [decoder(row[index]) for row in rows]
        columns.append(column(name, physical.get(name), kind, values, unit=unit, tz=tz))
    return {
        "reader": "duckdb",
        "reader_version": duckdb.__version__,
        "num_rows": num_rows,
        "columns": columns,
    }


def duckdb_column_plan(quoted, kind):
    """(SQL expression, Python decoder, unit, tz) for one DuckDB column type."""
    upper = kind.upper()
    # Timestamps as integers in their unit: exact, and past Python's datetime range too.
    if upper in ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        tz = "UTC" if "TIME ZONE" in upper or upper == "TIMESTAMPTZ" else None
        return "epoch_us(%s)" % quoted, identity, "us", tz
    if upper == "TIMESTAMP_MS":
        return "epoch_ms(%s)" % quoted, identity, "ms", None
    if upper == "TIMESTAMP_NS":
        return "epoch_ns(%s)" % quoted, identity, "ns", None
    if upper == "TIMESTAMP_S":
        return "epoch(%s)::BIGINT" % quoted, identity, "s", None
    if upper == "DATE":
        # DuckDB's own ISO text, which also covers dates Python's datetime cannot hold.
        return "CAST(%s AS VARCHAR)" % quoted, identity, None, None
    if upper in ("TIME", "TIME WITH TIME ZONE", "TIMETZ"):
        return quoted, encode_time, "us", None
    if upper.startswith("DECIMAL"):
        scale = int(upper[upper.index(",") + 1:upper.index(")")])
        return quoted, lambda v: encode_decimal(v, scale), None, None
    if upper in ("FLOAT", "DOUBLE", "REAL"):
        return quoted, encode_float, None, None
    if upper == "BLOB":
        return quoted, encode_bytes, None, None
    if upper in ("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                 "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "VARCHAR", "JSON", "UUID"):
        return quoted, encode_plain, None, None
    return "CAST(%s AS VARCHAR)" % quoted, identity, None, None


def identity(value):
    return value


def sql_string(text):
    return "'" + text.replace("'", "''") + "'"


def sql_identifier(name):
    return '"' + name.replace('"', '""') + '"'


# --- polars -----------------------------------------------------------------------------------

def read_polars(path, where=None):
    import polars as pl

    if where:
        # A lazy scan with the condition pushed down: polars prunes row groups by statistics.
        frame = pl.scan_parquet(path).sql("SELECT * FROM self WHERE " + where).collect()
    else:
        frame = pl.read_parquet(path)
    columns = []
    for series in frame.get_columns():
        values, unit, tz = polars_values(pl, series)
        columns.append(column(series.name, None, str(series.dtype), values, unit=unit, tz=tz))
    return {
        "reader": "polars",
        "reader_version": pl.__version__,
        "num_rows": frame.height,
        "columns": columns,
    }


def polars_values(pl, series):
    dtype = series.dtype
    if isinstance(dtype, pl.Datetime):
        return series.cast(pl.Int64).to_list(), dtype.time_unit, dtype.time_zone
    if dtype == pl.Date:
        return [encode_days(d) for d in series.cast(pl.Int32).to_list()], None, None
    if dtype == pl.Time:
        return [encode_time_of_day(v, "ns") for v in series.cast(pl.Int64).to_list()], "ns", None
    if isinstance(dtype, pl.Decimal):
        return [encode_decimal(v, dtype.scale) for v in series.to_list()], None, None
    if dtype in (pl.Float32, pl.Float64):
        return [encode_float(v) for v in series.to_list()], None, None
    if dtype == pl.Binary:
        return [encode_bytes(v) for v in series.to_list()], None, None
    return [encode_plain(v) for v in series.to_list()], None, None


# --- counting filtered rows -------------------------------------------------------------------

def count_where(reader, path, conditions):
    """How many rows each SQL condition keeps, one query each (so each prunes on its own)."""
    if reader == "duckdb":
        import duckdb

        connection = duckdb.connect()
        source = "read_parquet(%s)" % sql_string(path)
        counts = [connection.execute("SELECT count(*) FROM %s WHERE %s" % (source, condition)).fetchone()[0]
                  for condition in conditions]
        return {"reader": "duckdb", "reader_version": duckdb.__version__, "counts": counts}
    import polars as pl

    counts = [pl.scan_parquet(path).sql("SELECT * FROM self WHERE " + condition).select(pl.len()).collect().item()
              for condition in conditions]
    return {"reader": "polars", "reader_version": pl.__version__, "counts": counts}


# --- main -------------------------------------------------------------------------------------

READERS = {"pyarrow": read_pyarrow, "duckdb": read_duckdb, "polars": read_polars}


def serve():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            reader, path = request["reader"], request["file"]
            if request.get("count_where"):
                document = count_where(reader, path, request["count_where"])
            elif request.get("where") is not None:
                document = READERS[reader](path, request["where"])
            else:
                document = READERS[reader](path)
            body = json.dumps(document, allow_nan=False, ensure_ascii=False)
        except Exception as error:  # ImportError included: the answer names it
            sys.stdout.write(json.dumps({"ok": False, "error": "%s: %s" % (type(error).__name__, error)}) + "\n")
        else:
            sys.stdout.write('{"ok": true}\n')
            sys.stdout.write(body + "\n")
        sys.stdout.flush()
    return 0


def main():
    if sys.argv[1:] == ["--serve"]:
        return serve()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", choices=sorted(READERS), required=True)
    parser.add_argument("--where", help="DuckDB and polars: read just the rows this SQL condition keeps")
    parser.add_argument("--count-where", action="append",
                        help="DuckDB and polars: print how many rows this SQL condition keeps (repeatable)")
    parser.add_argument("file")
    arguments = parser.parse_args()
    if (arguments.where is not None or arguments.count_where) and arguments.reader == "pyarrow":
        parser.error("--where and --count-where are for --reader duckdb or polars")
    try:
        if arguments.count_where:
            document = count_where(arguments.reader, arguments.file, arguments.count_where)
        elif arguments.where is not None:
            document = READERS[arguments.reader](arguments.file, arguments.where)
        else:
            document = READERS[arguments.reader](arguments.file)
    except ImportError as error:
        print("read_parquet.py: %s is not installed in %s: %s (run make deps)"
              % (arguments.reader, sys.executable, error), file=sys.stderr)
        return 3
    except Exception as error:
        print("read_parquet.py: %s could not read %s: %s: %s"
              % (arguments.reader, arguments.file, type(error).__name__, error), file=sys.stderr)
        return 1
    json.dump(document, sys.stdout, allow_nan=False, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
