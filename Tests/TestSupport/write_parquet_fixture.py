#!/usr/bin/env python3
"""Write Parquet files with pyarrow that cover every type the project writes.

    write_parquet_fixture.py every-type|zero-rows|all-null FILE

Other writers' files for our reader's tests, and known inputs for checking read_parquet.py:
DECIMAL on INT32, INT64 and FIXED_LEN_BYTE_ARRAY; DATE; TIMESTAMP millis and micros with and
without a time zone; TIME millis and micros; signed and unsigned 8..64-bit integers with their
extremes; FLOAT and DOUBLE with NaN, infinities and -0.0; STRING, JSON, BINARY and fixed binary;
an all-null column; each with a null in the last row. ZSTD, with statistics and a page index.
"""

import datetime
import decimal
import sys

import pyarrow as pa
import pyarrow.parquet as pq

D = decimal.Decimal


def every_type():
    utc = datetime.timezone.utc
    columns = {
        "i8": (pa.int8(), [-128, 0, 127, None]),
        "i16": (pa.int16(), [-32768, 1, 32767, None]),
        "i32": (pa.int32(), [-2147483648, 2, 2147483647, None]),
        "i64": (pa.int64(), [-9223372036854775808, 3, 9223372036854775807, None]),
        "u8": (pa.uint8(), [0, 1, 255, None]),
        "u16": (pa.uint16(), [0, 1, 65535, None]),
        "u32": (pa.uint32(), [0, 1, 4294967295, None]),
        "u64": (pa.uint64(), [0, 1, 18446744073709551615, None]),
        "f32": (pa.float32(), [0.1, float("nan"), float("-inf"), None]),
        "f64": (pa.float64(), [-0.0, float("inf"), 1e-300, None]),
        "dec_i32": (pa.decimal128(9, 2), [D("-9999999.99"), D("0.00"), D("1.50"), None]),
        "dec_i64": (pa.decimal128(18, 4), [D("-99999999999999.9999"), D("0.0001"), D("12.3400"), None]),
        "dec_flba": (pa.decimal128(38, 10),
                     [D("-9999999999999999999999999999.9999999999"), D("0E-10"), D("1.0000000001"), None]),
        "dec_small_scale": (pa.decimal128(12, 8), [D("0.00000001"), D("-0.00000001"), D("1000.00000000"), None]),
        "date": (pa.date32(), [datetime.date(1000, 1, 1), datetime.date(1970, 1, 1), datetime.date(9999, 12, 31), None]),
        "ts_ms": (pa.timestamp("ms"), [datetime.datetime(1000, 1, 1), datetime.datetime(2024, 5, 1, 12, 30, 15, 123000),
                                       datetime.datetime(9999, 12, 31, 23, 59, 59, 999000), None]),
        "ts_us": (pa.timestamp("us"), [datetime.datetime(1969, 12, 31, 23, 59, 59, 999999),
                                       datetime.datetime(2024, 5, 1, 12, 30, 15, 123456),
                                       datetime.datetime(2038, 1, 19, 3, 14, 8), None]),
        "ts_ms_utc": (pa.timestamp("ms", tz="UTC"), [datetime.datetime(1970, 1, 1, tzinfo=utc),
                                                     datetime.datetime(2024, 5, 1, 0, 0, 0, 1000, tzinfo=utc),
                                                     datetime.datetime(2100, 1, 1, tzinfo=utc), None]),
        "ts_us_utc": (pa.timestamp("us", tz="UTC"), [datetime.datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=utc),
                                                     datetime.datetime(2024, 5, 1, 23, 59, 59, 999999, tzinfo=utc),
                                                     datetime.datetime(1900, 1, 1, tzinfo=utc), None]),
        "time_ms": (pa.time32("ms"), [datetime.time(0, 0), datetime.time(12, 34, 56, 789000),
                                      datetime.time(23, 59, 59, 999000), None]),
        "time_us": (pa.time64("us"), [datetime.time(0, 0, 0, 1), datetime.time(12, 0),
                                      datetime.time(23, 59, 59, 999999), None]),
        "bool": (pa.bool_(), [True, False, True, None]),
        "string": (pa.string(), ["", "h\u00e9llo \u2603", "x" * 300, None]),
        "json": (pa.string(), ['{"a": 1}', "[]", "null", None]),
        "binary": (pa.binary(), [b"", b"\x00\xff", b"\x01\x02\x03", None]),
        "fixed": (pa.binary(4), [b"\x00\x00\x00\x00", b"\xde\xad\xbe\xef", b"\xff\xff\xff\xff", None]),
        "all_null": (pa.int32(), [None, None, None, None]),
    }
    arrays = {name: pa.array(values, type=kind) for name, (kind, values) in columns.items()}
    table = pa.table(arrays)
    # pyarrow marks a string column JSON only through its extension type where it has one.
    json_type = getattr(pa, "json_", None)
    if json_type is not None:
        index = table.schema.get_field_index("json")
        table = table.set_column(index, pa.field("json", json_type()),
                                 pa.ExtensionArray.from_storage(json_type(), arrays["json"]))
    required = pa.field("required_i64", pa.int64(), nullable=False)
    table = table.append_column(required, pa.array([1, 2, 3, 4], type=pa.int64()))
    return table


def zero_rows():
    table = every_type()
    return table.slice(0, 0)


def all_null():
    return pa.table({
        "i64": pa.array([None] * 5, type=pa.int64()),
        "s": pa.array([None] * 5, type=pa.string()),
        "ts": pa.array([None] * 5, type=pa.timestamp("us", tz="UTC")),
        "d": pa.array([None] * 5, type=pa.decimal128(10, 2)),
    })


KINDS = {"every-type": every_type, "zero-rows": zero_rows, "all-null": all_null}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in KINDS:
        print("usage: write_parquet_fixture.py %s FILE" % "|".join(KINDS), file=sys.stderr)
        return 2
    table = KINDS[sys.argv[1]]()
    pq.write_table(table, sys.argv[2], compression="zstd", write_page_index=True,
                   store_decimal_as_integer=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
