import Foundation
import Parquet
import TestSupport
import Testing

/// Files written by pyarrow and DuckDB, generated at test time with the venv python, read
/// with our reader and compared value for value with what the writing library reads back.
///
/// Both sides print each value in one canonical text form: integers in decimal (unsigned as
/// unsigned), DECIMAL as the unscaled integer, DATE/TIME/TIMESTAMP as the stored integer,
/// floating point as the hex of its little-endian IEEE bytes, strings as themselves, binary as
/// hex, null as null. Nothing goes through a lossy conversion on either side.
@Suite(.enabled(if: ReaderPython.shouldRun, "needs PP_TEST_PYTHON (or /tmp/probe-venv) with pyarrow and duckdb"))
struct ReaderCrossReaderTests {
    @Test func pyarrowFilesReadBackValueForValue() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let output = try ReaderPython.run(script: Self.script, arguments: ["pyarrow", scratch.url.path], in: scratch)
        let files = try Self.decode(output)
        #expect(files.count == 8)
        var seen = CoverageSeen()
        for file in files {
            try Self.compare(file, seen: &seen)
        }
        // The files exercise what the reader claims to read.
        #expect(seen.pageTypes.isSuperset(of: [.dataPage, .dataPageV2, .dictionaryPage]))
        #expect(seen.codecs == [.zstd, .uncompressed])
        #expect(
            seen.encodings.isSuperset(of: [
                .plain, .plainDictionary, .rleDictionary, .rle, .deltaBinaryPacked, .deltaLengthByteArray,
                .deltaByteArray, .byteStreamSplit,
            ])
        )
        #expect(seen.physicalTypes == Set(PhysicalType.allCases).subtracting([.int96]))

        let snappy = try #require(throws: ParquetError.self) {
            try ParquetFileReader(path: scratch.file("snappy.parquet")).readAll()
        }
        #expect(snappy.code == .unsupported)
        #expect(snappy.message.contains("SNAPPY") && snappy.message.contains("column \"id\""), "\(snappy.message)")

        // INT96 columns: the schema opens, other columns read, the INT96 one is refused by name.
        let legacy = try ParquetFileReader(path: scratch.file("int96.parquet"))
        #expect(legacy.schema.columns.map(\.physicalType) == [.int64, .int96])
        #expect(try legacy.readAll(columns: ["id"]).columns == [Column(values: .int64([1, 2, 3]))])
        let int96 = try #require(throws: ParquetError.self) { try legacy.readAll(columns: ["legacy_ts"]) }
        #expect(int96.code == .unsupported)
        #expect(int96.message.contains("INT96") && int96.message.contains("legacy_ts"), "\(int96.message)")
        #expect(FileInspection(legacy).json.contains("\"physical_type\": \"INT96\""))

        // The logical types pyarrow wrote come through our schema.
        let file = try #require(files.first { $0.name == "pa_v2_zstd_dict" })
        let schema = try ParquetFileReader(path: file.path).schema
        func column(_ name: String) -> ColumnDescriptor? { schema.columns.first { $0.name == name } }
        #expect(column("id")?.repetition == .required)
        #expect(column("i32")?.repetition == .optional)
        #expect(column("u64")?.logicalType == .integer(bitWidth: 64, signed: false))
        #expect(column("i8")?.logicalType == .integer(bitWidth: 8, signed: true))
        #expect(column("dec38")?.logicalType == .decimal(precision: 38, scale: 10))
        #expect(column("dec38")?.physicalType == .fixedLenByteArray)
        #expect(column("dec38")?.typeLength == 16)
        #expect(column("ts_us_utc")?.logicalType == .timestamp(unit: .micros, adjustedToUTC: true))
        #expect(column("ts_ns")?.logicalType == .timestamp(unit: .nanos, adjustedToUTC: false))
        #expect(column("date")?.logicalType == .date)
        #expect(column("time_ms")?.logicalType == .time(unit: .millis, adjustedToUTC: false))
        #expect(column("str")?.logicalType == .string)
        #expect(column("bin")?.logicalType == nil)
    }

    @Test func duckdbFilesReadBackValueForValue() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let output = try ReaderPython.run(script: Self.script, arguments: ["duckdb", scratch.url.path], in: scratch)
        let files = try Self.decode(output)
        #expect(files.count == 4)
        var seen = CoverageSeen()
        for file in files {
            try Self.compare(file, seen: &seen)
        }
        #expect(seen.pageTypes.isSuperset(of: [.dataPage, .dataPageV2, .dictionaryPage]))
        #expect(seen.codecs == [.zstd, .uncompressed])
        #expect(
            seen.encodings.isSuperset(of: [
                .plain, .plainDictionary, .rleDictionary, .deltaBinaryPacked, .deltaLengthByteArray, .byteStreamSplit,
            ])
        )
    }

    // MARK: Comparison

    struct GeneratedFile {
        var name: String
        var path: String
        var columns: [(name: String, values: [String?])]
    }

    struct CoverageSeen {
        var pageTypes: Set<ParquetFormat.PageType> = []
        var encodings: Set<ParquetFormat.Encoding> = []
        var codecs: Set<ParquetFormat.CompressionCodec> = []
        var physicalTypes: Set<PhysicalType> = []
    }

    static func decode(_ output: Data) throws -> [GeneratedFile] {
        let json = try #require(try JSONSerialization.jsonObject(with: output) as? [[String: Any]])
        return try json.map { file in
            let columns = try #require(file["columns"] as? [[String: Any]])
            return GeneratedFile(
                name: try #require(file["name"] as? String),
                path: try #require(file["path"] as? String),
                columns: try columns.map { column in
                    let values = try #require(column["values"] as? [Any])
                    return (try #require(column["name"] as? String), values.map { $0 as? String })
                }
            )
        }
    }

    static func compare(_ file: GeneratedFile, seen: inout CoverageSeen) throws {
        let reader = try ParquetFileReader(path: file.path)
        for group in reader.metadata.rowGroups {
            for chunk in group.columns {
                guard let meta = chunk.metaData else { continue }
                seen.codecs.insert(meta.codec)
                seen.encodings.formUnion(meta.encodings)
                for stat in meta.encodingStats ?? [] {
                    seen.pageTypes.insert(stat.pageType)
                    seen.encodings.insert(stat.encoding)
                }
            }
        }
        // encoding_stats does not tell V1 from V2 pages; the file name does.
        if file.name.contains("_v2") { seen.pageTypes.insert(.dataPageV2) }
        seen.physicalTypes.formUnion(reader.schema.columns.map(\.physicalType))

        #expect(reader.schema.columns.map(\.name) == file.columns.map(\.name), "\(file.name)")

        // inspect describes other writers' files too.
        let inspection =
            try JSONSerialization.jsonObject(with: Data(FileInspection(reader).json.utf8)) as? [String: Any]
        #expect(inspection?["num_rows"] as? Int == reader.rowCount, "\(file.name)")
        #expect((inspection?["row_groups"] as? [Any])?.count == reader.rowGroupCount, "\(file.name)")
        let batch = try reader.readAll()
        #expect(batch.rowCount == file.columns.first?.values.count, "\(file.name)")
        for (expected, (descriptor, column)) in zip(file.columns, zip(batch.schema.columns, batch.columns)) {
            let actual = canonicalValues(column, descriptor)
            guard actual.count == expected.values.count else {
                Issue.record(
                    """
                    \(file.name) column \(descriptor.name): \(actual.count) values, \
                    python has \(expected.values.count)
                    """
                )
                continue
            }
            let temporal: Bool
            switch descriptor.logicalType {
            case .timestamp?, .time?: temporal = true
            default: temporal = false
            }
            let differs = { (row: Int) in
                temporal
                    ? !sameTemporal(actual[row], descriptor, expected.values[row]) : actual[row] != expected.values[row]
            }
            if let row = actual.indices.first(where: differs) {
                Issue.record(
                    """
                    \(file.name) column \(descriptor.name) row \(row): read \(actual[row] ?? "null"), python says \
                    \(expected.values[row] ?? "null")
                    """
                )
            }
        }
    }

    /// Our reader's values in the canonical text form the script prints.
    static func canonicalValues(_ column: Column, _ descriptor: ColumnDescriptor) -> [String?] {
        let unsigned: Bool
        if case .integer(_, false)? = descriptor.logicalType { unsigned = true } else { unsigned = false }
        let isDecimal: Bool
        if case .decimal? = descriptor.logicalType { isDecimal = true } else { isDecimal = false }
        let isText = [LogicalType.string, .json, .enumeration].contains { descriptor.logicalType == $0 }
        let digits = Array("0123456789abcdef".utf8)
        func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count * 2)
            for b in bytes {
                out.append(digits[Int(b >> 4)])
                out.append(digits[Int(b & 15)])
            }
            return String(decoding: out, as: UTF8.self)
        }
        func text(_ row: Int) -> String {
            switch column.values {
            case .boolean(let v): return v[row] ? "true" : "false"
            case .int32(let v): return unsigned ? String(UInt32(bitPattern: v[row])) : String(v[row])
            case .int64(let v): return unsigned ? String(UInt64(bitPattern: v[row])) : String(v[row])
            case .float(let v): return withUnsafeBytes(of: v[row].bitPattern.littleEndian) { hex($0) }
            case .double(let v): return withUnsafeBytes(of: v[row].bitPattern.littleEndian) { hex($0) }
            case .byteArray(let v):
                if isDecimal { return ParquetValueFormatter.integer(bigEndian: Array(v[row])) }
                return isText ? v.string(at: row) : hex(v[row])
            case .fixedLenByteArray(let v):
                return isDecimal ? ParquetValueFormatter.integer(bigEndian: Array(v[row])) : hex(v[row])
            }
        }
        return (0..<column.count).map { column.isNull($0) ? nil : text($0) }
    }

    /// Matches a TIME or TIMESTAMP value of ours to python's "VALUE@UNIT", scaling ours to
    /// python's unit when that is finer (DuckDB reads milliseconds back as microseconds).
    static func sameTemporal(_ ours: String?, _ descriptor: ColumnDescriptor, _ python: String?) -> Bool {
        guard let ours, let python else { return ours == nil && python == nil }
        let parts = python.split(separator: "@")
        guard parts.count == 2, let unit = ["ms": 3, "us": 6, "ns": 9][String(parts[1])] else { return false }
        let own: Int
        switch descriptor.logicalType {
        case .timestamp(.millis, _)?, .time(.millis, _)?: own = 3
        case .timestamp(.micros, _)?, .time(.micros, _)?: own = 6
        case .timestamp(.nanos, _)?, .time(.nanos, _)?: own = 9
        default: return false
        }
        guard unit >= own else { return false }
        let scaled = ours == "0" ? ours : ours + String(repeating: "0", count: unit - own)
        return scaled == String(parts[0])
    }

    // MARK: The script

    /// Writes the files for one library into the directory given and prints, as JSON, each
    /// file's path and its values as that library reads them back.
    static let script = #"""
        import decimal, json, random, struct, sys
        import pyarrow as pa, pyarrow.parquet as pq

        decimal.getcontext().prec = 100
        library, out = sys.argv[1], sys.argv[2]
        rng = random.Random(20240611)
        ROWS = 5000

        def column(kind, gen, nullable=True, extremes=()):
            values = []
            for i in range(ROWS):
                if i < len(extremes):
                    values.append(extremes[i])
                elif nullable and rng.random() < 0.1:
                    values.append(None)
                else:
                    values.append(gen(i))
            return pa.array(values, kind)

        def rand_dec(digits, scale):
            n = rng.randrange(-(10 ** digits) + 1, 10 ** digits)
            return decimal.Decimal(n).scaleb(-scale)

        alphabet = ["a", "b", "z", "é", "日本", "🦊", " ", "\\", '"']
        fields = [
            ("id", pa.int64(), lambda i: i * 7, False, ()),
            ("i8", pa.int8(), lambda i: rng.randrange(-128, 128), True, (-128, 127)),
            ("i16", pa.int16(), lambda i: rng.randrange(-32768, 32768), True, (-32768, 32767)),
            ("i32", pa.int32(), lambda i: rng.randrange(-2**31, 2**31), True, (-2**31, 2**31 - 1)),
            ("i64", pa.int64(), lambda i: rng.randrange(-2**63, 2**63), True, (-2**63, 2**63 - 1)),
            ("u8", pa.uint8(), lambda i: rng.randrange(0, 256), True, (0, 255)),
            ("u16", pa.uint16(), lambda i: rng.randrange(0, 65536), True, (0, 65535)),
            ("u32", pa.uint32(), lambda i: rng.randrange(0, 2**32), True, (0, 2**32 - 1)),
            ("u64", pa.uint64(), lambda i: rng.randrange(0, 2**64), True, (0, 2**64 - 1)),
            ("f32", pa.float32(), lambda i: struct.unpack("<f", struct.pack("<f", rng.uniform(-1e6, 1e6)))[0], True,
             (float("nan"), -0.0, float("inf"), float("-inf"), 3.4028234663852886e38)),
            ("f64", pa.float64(), lambda i: rng.uniform(-1e12, 1e12), True,
             (float("nan"), -0.0, float("inf"), float("-inf"), 1.7976931348623157e308, 5e-324)),
            ("bool", pa.bool_(), lambda i: rng.random() < 0.5, True, ()),
            ("str", pa.string(), lambda i: "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 20))), True,
             ("",)),
            ("name", pa.string(), lambda i: "name-%d" % i, False, ()),
            ("status", pa.string(), lambda i: rng.choice(["pending", "paid", "shipped", "", "cancelled"]), True, ()),
            ("bin", pa.binary(), lambda i: bytes(rng.randrange(256) for _ in range(rng.randrange(0, 30))), True,
             (b"",)),
            ("fixed", pa.binary(16), lambda i: bytes(rng.randrange(256) for _ in range(16)), True, ()),
            ("dec5", pa.decimal128(5, 2), lambda i: rand_dec(5, 2), True,
             (decimal.Decimal("-999.99"), decimal.Decimal("999.99"))),
            ("dec18", pa.decimal128(18, 4), lambda i: rand_dec(18, 4), True, ()),
            ("dec38", pa.decimal128(38, 10), lambda i: rand_dec(38, 10), True,
             (decimal.Decimal(10**38 - 1).scaleb(-10), decimal.Decimal(-(10**38) + 1).scaleb(-10))),
            ("date", pa.date32(), lambda i: rng.randrange(-100000, 100000), True, ()),
            ("ts_ms", pa.timestamp("ms"), lambda i: rng.randrange(-2**50, 2**50), True, ()),
            ("ts_us_utc", pa.timestamp("us", tz="UTC"), lambda i: 1_700_000_000_000_000 + i * 1_000_003, True, ()),
            ("ts_ns", pa.timestamp("ns"), lambda i: rng.randrange(-2**62, 2**62), True, ()),
            ("time_ms", pa.time32("ms"), lambda i: rng.randrange(0, 86_400_000), True, ()),
            ("time_us", pa.time64("us"), lambda i: rng.randrange(0, 86_400_000_000), True, ()),
            ("low_int", pa.int32(), lambda i: rng.randrange(0, 10) * 1000, True, ()),
        ]
        arrays = [column(kind, gen, nullable, extremes) for name, kind, gen, nullable, extremes in fields]
        schema = pa.schema([pa.field(name, kind, nullable=nullable) for name, kind, gen, nullable, extremes in fields])
        table = pa.Table.from_arrays(arrays, schema=schema)

        def canonical(col):
            t = col.type
            # Times carry their unit: a library may read a file's milliseconds back as micros.
            if pa.types.is_timestamp(t) or pa.types.is_time64(t):
                return [None if v is None else "%d@%s" % (v, t.unit) for v in col.cast(pa.int64()).to_pylist()]
            if pa.types.is_time32(t):
                return [None if v is None else "%d@%s" % (v, t.unit) for v in col.cast(pa.int32()).to_pylist()]
            if pa.types.is_date32(t):
                return [None if v is None else str(v) for v in col.cast(pa.int32()).to_pylist()]
            values = col.to_pylist()
            if pa.types.is_decimal(t):
                return [None if v is None else str(int(v.scaleb(t.scale))) for v in values]
            if pa.types.is_float32(t):
                return [None if v is None else struct.pack("<f", v).hex() for v in values]
            if pa.types.is_float64(t):
                return [None if v is None else struct.pack("<d", v).hex() for v in values]
            if pa.types.is_boolean(t):
                return [None if v is None else ("true" if v else "false") for v in values]
            if pa.types.is_integer(t):
                return [None if v is None else str(v) for v in values]
            if pa.types.is_string(t) or pa.types.is_large_string(t) or str(t) == "string_view":
                return values
            return [None if v is None else v.hex() for v in values]

        def report(name, path, read_back):
            return {"name": name, "path": path,
                    "columns": [{"name": f.name, "values": canonical(read_back.column(f.name))}
                                for f in read_back.schema]}

        files = []
        if library == "pyarrow":
            small = dict(row_group_size=2000, data_page_size=4096, write_batch_size=512)
            variants = {
                "pa_v1_zstd_dict": dict(compression="zstd", data_page_version="1.0", dictionary_pagesize_limit=2048),
                "pa_v2_zstd_dict": dict(compression="zstd", data_page_version="2.0", dictionary_pagesize_limit=2048),
                "pa_v1_none_plain": dict(compression="none", data_page_version="1.0", use_dictionary=False),
                "pa_v2_none_plain": dict(compression="none", data_page_version="2.0", use_dictionary=False),
                "pa_v2_uncompressed_pages_dict": dict(compression="zstd", data_page_version="2.0", compression_level=1),
                "pa_format1_legacy_dictionary": dict(
                    compression="none", version="1.0", data_page_version="1.0",
                    coerce_timestamps="us", allow_truncated_timestamps=True),
                "pa_v2_integer_decimals": dict(
                    compression="zstd", data_page_version="2.0", store_decimal_as_integer=True),
                "pa_v2_delta_and_split": dict(
                    compression="zstd", data_page_version="2.0", use_dictionary=False,
                    column_encoding={"id": "DELTA_BINARY_PACKED", "i32": "DELTA_BINARY_PACKED",
                                     "i64": "DELTA_BINARY_PACKED", "ts_us_utc": "DELTA_BINARY_PACKED",
                                     "str": "DELTA_BYTE_ARRAY", "name": "DELTA_BYTE_ARRAY",
                                     "bin": "DELTA_LENGTH_BYTE_ARRAY", "status": "DELTA_LENGTH_BYTE_ARRAY",
                                     "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT",
                                     "fixed": "BYTE_STREAM_SPLIT",
                                     "low_int": "BYTE_STREAM_SPLIT", "dec38": "DELTA_BYTE_ARRAY"}),
            }
            for name, options in variants.items():
                path = "%s/%s.parquet" % (out, name)
                pq.write_table(table, path, **small, **options)
                files.append(report(name, path, pq.read_table(path)))
            # What the reader must refuse clearly: a codec other than ZSTD, and INT96.
            pq.write_table(table.select(["id", "i32"]), out + "/snappy.parquet", compression="snappy")
            legacy = pa.table({"id": pa.array([1, 2, 3], pa.int64()),
                               "legacy_ts": pa.array([1, 2, None], pa.timestamp("us"))})
            pq.write_table(legacy, out + "/int96.parquet", compression="zstd", use_deprecated_int96_timestamps=True)
        else:
            import duckdb
            con = duckdb.connect()
            con.register("src", table)
            variants = {
                "dk_v1_zstd": "COMPRESSION zstd",
                "dk_v2_zstd": "COMPRESSION zstd, PARQUET_VERSION v2",
                "dk_v1_none": "COMPRESSION uncompressed",
                "dk_v2_none": "COMPRESSION uncompressed, PARQUET_VERSION v2",
            }
            for name, options in variants.items():
                path = "%s/%s.parquet" % (out, name)
                con.execute("COPY (SELECT * FROM src) TO '%s' (FORMAT parquet, ROW_GROUP_SIZE 2048, %s)"
                            % (path, options))
                result = con.sql("SELECT * FROM read_parquet('%s')" % path).arrow()
                if hasattr(result, "read_all"):
                    result = result.read_all()
                files.append(report(name, path, result))
        json.dump(files, sys.stdout)
        """#
}
