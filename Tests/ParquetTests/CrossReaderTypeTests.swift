import Foundation
import TestSupport
import Testing

@testable import Parquet

/// The type table of issue 2, written by our writer and read back by pyarrow, DuckDB and polars:
/// every type REQUIRED and OPTIONAL (with nulls between the values), at its extremes, every
/// value compared exactly and each reader's own name for the type checked.
@Suite(.requiresPythonReaders)
struct CrossReaderEveryTypeReadsBackExactly {
    /// Rows of the wide table; OPTIONAL columns hold a null in every third row (1, 4, 7, 10),
    /// so their 8 non-null rows still show every value of a list of up to 8.
    static let rows = 12

    /// A REQUIRED and an OPTIONAL column of one type: `<name>_req` and `<name>_opt`.
    static func pair<T>(
        _ name: String,
        _ descriptor: (String, Repetition) -> ColumnDescriptor,
        _ values: [T],
        types: [XRReader: String],
        build: (ColumnDescriptor, [T?]) -> Column,
        expect: (T) -> XRExpected,
        readerExpected: [XRReader: (T) -> XRExpected] = [:]
    ) -> [XRColumn] {
        precondition(values.count <= 8)
        let required = (0..<rows).map { values[$0 % values.count] }
        var next = 0
        let optional: [T?] = (0..<rows).map { row in
            if row % 3 == 1 { return nil }
            defer { next += 1 }
            return values[next % values.count]
        }
        func column(_ suffix: String, _ repetition: Repetition, _ rowValues: [T?]) -> XRColumn {
            let d = descriptor("\(name)_\(suffix)", repetition)
            return XRColumn(
                descriptor: d,
                column: build(d, rowValues),
                expected: rowValues.map { $0.map(expect) ?? .null },
                types: types,
                readerExpected: readerExpected.mapValues { f in rowValues.map { $0.map(f) ?? .null } }
            )
        }
        return [column("req", .required, required), column("opt", .optional, optional)]
    }

    static func plain(
        _ physical: PhysicalType,
        _ logical: LogicalType?,
        typeLength: Int? = nil
    ) -> (String, Repetition) -> ColumnDescriptor {
        { name, repetition in
            ColumnDescriptor(
                name: name,
                physicalType: physical,
                logicalType: logical,
                repetition: repetition,
                typeLength: typeLength
            )
        }
    }

    static func integers(
        _ name: String,
        bits: Int,
        signed: Bool,
        _ values: [Int64],
        types: [XRReader: String]
    ) -> [XRColumn] {
        let logical = LogicalType.integer(bitWidth: bits, signed: signed)
        let expect: (Int64) -> XRExpected = { v in
            // Unsigned values go to the writer as the bit pattern of the physical type.
            signed
                ? .int(v)
                : .unsigned(
                    bits == 64 ? UInt64(bitPattern: v) : UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: v)))
                )
        }
        if bits == 64 {
            return pair(name, plain(.int64, logical), values, types: types, build: XRBuild.int64, expect: expect)
        }
        return pair(
            name,
            plain(.int32, logical),
            values.map { Int32(truncatingIfNeeded: $0) },
            types: types,
            build: XRBuild.int32,
            expect: { expect(Int64($0)) }
        )
    }

    static func timestamps(
        _ name: String,
        _ unit: TimeUnit,
        utc: Bool,
        _ values: [Int64],
        types: [XRReader: String]
    ) -> [XRColumn] {
        pair(
            name,
            plain(.int64, .timestamp(unit: unit, adjustedToUTC: utc)),
            values,
            types: types,
            build: XRBuild.int64,
            expect: { .timestamp($0, unit) }
        )
    }

    static func decimals(
        _ name: String,
        precision: Int,
        scale: Int,
        _ unscaled: [String],
        types: [XRReader: String],
        readerExpected: [XRReader: (String) -> XRExpected] = [:]
    ) -> [XRColumn] {
        let descriptor: (String, Repetition) -> ColumnDescriptor = { n, r in
            .decimal(n, precision: precision, scale: scale, repetition: r)
        }
        let text: (String) -> XRExpected = { .text(XRDecimal.text(unscaled: $0, scale: scale)) }
        if precision <= 9 {
            return pair(
                name,
                descriptor,
                unscaled.map { Int32($0)! },
                types: types,
                build: XRBuild.int32,
                expect: { text(String($0)) }
            )
        }
        if precision <= 18 {
            return pair(
                name,
                descriptor,
                unscaled.map { Int64($0)! },
                types: types,
                build: XRBuild.int64,
                expect: { text(String($0)) }
            )
        }
        let width = ColumnDescriptor.decimalByteWidth(precision: precision)
        return pair(
            name,
            descriptor,
            unscaled,
            types: types,
            build: { d, v in XRBuild.bytes(d, v.map { $0.map { XRDecimal.bytes(unscaled: $0, width: width) } }) },
            expect: text,
            readerExpected: readerExpected
        )
    }

    static let floatValues: [Float] = [
        .nan, .infinity, -.infinity, -0.0, 0.0, .leastNonzeroMagnitude, -.greatestFiniteMagnitude, 1.1,
    ]
    static let doubleValues: [Double] = [
        .nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, 2.2250738585072009e-308, .greatestFiniteMagnitude,
        0.1,
    ]

    /// Days since 1970-01-01 and their ISO dates: the first and last day of the Gregorian
    /// years 1 and 9999, the day before the epoch, a leap day.
    static let dates: [(Int32, String)] = [
        (-719_162, "0001-01-01"), (2_932_896, "9999-12-31"), (0, "1970-01-01"), (-1, "1969-12-31"),
        (19_782, "2024-02-29"),
    ]

    static let strings: [String] = [
        "", "plain ascii", "héllo wörld", "日本語のテキスト", "emoji 😀🎉 👩‍👩‍👧‍👦", "tab\tnew\nline", "\u{7F}", "zzz",
    ]

    static func table() -> [XRColumn] {
        var columns: [XRColumn] = []
        columns += pair(
            "bool",
            plain(.boolean, nil),
            [true, false, false, true],
            types: [.pyarrow: "bool", .duckdb: "BOOLEAN", .polars: "Boolean"],
            build: XRBuild.bool,
            expect: { .bool($0) }
        )
        columns += integers(
            "i8",
            bits: 8,
            signed: true,
            [-128, 127, 0, -1],
            types: [.pyarrow: "int8", .duckdb: "TINYINT", .polars: "Int8"]
        )
        columns += integers(
            "u8",
            bits: 8,
            signed: false,
            [0, 255, 128, 1],
            types: [.pyarrow: "uint8", .duckdb: "UTINYINT", .polars: "UInt8"]
        )
        columns += integers(
            "i16",
            bits: 16,
            signed: true,
            [-32768, 32767, 0, -1],
            types: [.pyarrow: "int16", .duckdb: "SMALLINT", .polars: "Int16"]
        )
        columns += integers(
            "u16",
            bits: 16,
            signed: false,
            [0, 65535, 32768, 1],
            types: [.pyarrow: "uint16", .duckdb: "USMALLINT", .polars: "UInt16"]
        )
        columns += integers(
            "i32",
            bits: 32,
            signed: true,
            [Int64(Int32.min), Int64(Int32.max), 0, -1],
            types: [.pyarrow: "int32", .duckdb: "INTEGER", .polars: "Int32"]
        )
        // UINT32 max and 2^31 are the bit patterns -1 and Int32.min of the INT32 column.
        columns += integers(
            "u32",
            bits: 32,
            signed: false,
            [0, Int64(UInt32.max), 1 << 31, 1],
            types: [.pyarrow: "uint32", .duckdb: "UINTEGER", .polars: "UInt32"]
        )
        columns += pair(
            "int32_plain",
            plain(.int32, nil),
            [Int32.min, Int32.max, 0],
            types: [.pyarrow: "int32", .duckdb: "INTEGER", .polars: "Int32"],
            build: XRBuild.int32,
            expect: { .int(Int64($0)) }
        )
        columns += integers(
            "i64",
            bits: 64,
            signed: true,
            [Int64.min, Int64.max, 0, -1],
            types: [.pyarrow: "int64", .duckdb: "BIGINT", .polars: "Int64"]
        )
        // UINT64 max and 2^63 are the bit patterns -1 and Int64.min.
        columns += integers(
            "u64",
            bits: 64,
            signed: false,
            [0, -1, Int64.min, 1],
            types: [.pyarrow: "uint64", .duckdb: "UBIGINT", .polars: "UInt64"]
        )
        columns += pair(
            "float",
            plain(.float, nil),
            floatValues,
            types: [.pyarrow: "float", .duckdb: "FLOAT", .polars: "Float32"],
            build: XRBuild.float,
            expect: { .float(Double($0)) }
        )
        columns += pair(
            "double",
            plain(.double, nil),
            doubleValues,
            types: [.pyarrow: "double", .duckdb: "DOUBLE", .polars: "Float64"],
            build: XRBuild.double,
            expect: { .float($0) }
        )
        columns += decimals(
            "dec9",
            precision: 9,
            scale: 2,
            ["999999999", "-999999999", "0", "-1", "12345"],
            types: [.pyarrow: "decimal128(9, 2)", .duckdb: "DECIMAL(9,2)", .polars: "Decimal(precision=9, scale=2)"]
        )
        columns += decimals(
            "dec18",
            precision: 18,
            scale: 4,
            [XRDecimal.nines(18), XRDecimal.nines(18, negative: true), "0", "-1", "10000"],
            types: [.pyarrow: "decimal128(18, 4)", .duckdb: "DECIMAL(18,4)", .polars: "Decimal(precision=18, scale=4)"]
        )
        columns += decimals(
            "dec38",
            precision: 38,
            scale: 10,
            [XRDecimal.nines(38), XRDecimal.nines(38, negative: true), "0", "-1", "1", "-12345678901234567890123"],
            types: [
                .pyarrow: "decimal128(38, 10)", .duckdb: "DECIMAL(38,10)", .polars: "Decimal(precision=38, scale=10)",
            ]
        )
        columns += pair(
            "date",
            plain(.int32, .date),
            dates,
            types: [.pyarrow: "date32[day]", .duckdb: "DATE", .polars: "Date"],
            build: { d, v in XRBuild.int32(d, v.map { $0?.0 }) },
            expect: { .text($0.1) }
        )
        // 0001-01-01T00:00:00, 9999-12-31T23:59:59.999, the epoch, one unit before it, 2023-11-14T22:13:20.123.
        columns += timestamps(
            "ts_ms_utc",
            .millis,
            utc: true,
            [-62_135_596_800_000, 253_402_300_799_999, 0, -1, 1_700_000_000_123],
            types: [
                .pyarrow: "timestamp[ms, tz=UTC]", .duckdb: "TIMESTAMP WITH TIME ZONE",
                .polars: "Datetime(time_unit='ms', time_zone='UTC')",
            ]
        )
        columns += timestamps(
            "ts_ms_local",
            .millis,
            utc: false,
            [-62_135_596_800_000, 253_402_300_799_999, 0, -1, 1_700_000_000_123],
            types: [
                .pyarrow: "timestamp[ms]", .duckdb: "TIMESTAMP", .polars: "Datetime(time_unit='ms', time_zone=None)",
            ]
        )
        columns += timestamps(
            "ts_us_utc",
            .micros,
            utc: true,
            [-62_135_596_800_000_000, 253_402_300_799_999_999, 0, -1, 1_700_000_000_123_456],
            types: [
                .pyarrow: "timestamp[us, tz=UTC]", .duckdb: "TIMESTAMP WITH TIME ZONE",
                .polars: "Datetime(time_unit='us', time_zone='UTC')",
            ]
        )
        columns += timestamps(
            "ts_us_local",
            .micros,
            utc: false,
            [-62_135_596_800_000_000, 253_402_300_799_999_999, 0, -1, 1_700_000_000_123_456],
            types: [
                .pyarrow: "timestamp[us]", .duckdb: "TIMESTAMP", .polars: "Datetime(time_unit='us', time_zone=None)",
            ]
        )
        columns += pair(
            "time_ms",
            plain(.int32, .time(unit: .millis, adjustedToUTC: false)),
            [(0, "00:00:00.000000"), (86_399_999, "23:59:59.999000"), (45_296_789, "12:34:56.789000")],
            types: [.pyarrow: "time32[ms]", .duckdb: "TIME", .polars: "Time"],
            build: { d, v in XRBuild.int32(d, v.map { $0?.0 }) },
            expect: { .text($0.1) }
        )
        columns += pair(
            "time_us",
            plain(.int64, .time(unit: .micros, adjustedToUTC: false)),
            [(0, "00:00:00.000000"), (86_399_999_999, "23:59:59.999999"), (45_296_789_012, "12:34:56.789012")],
            types: [.pyarrow: "time64[us]", .duckdb: "TIME", .polars: "Time"],
            build: { d, v in XRBuild.int64(d, v.map { $0?.0 }) },
            expect: { .text($0.1) }
        )
        columns += pair(
            "string",
            plain(.byteArray, .string),
            strings,
            types: [.pyarrow: "string", .duckdb: "VARCHAR", .polars: "String"],
            build: XRBuild.string,
            expect: { .text($0) }
        )
        columns += pair(
            "json",
            plain(.byteArray, .json),
            [#"{"a":1,"b":[true,null]}"#, "[]", "null", #"{"k":"ü😀"}"#],
            types: [.pyarrow: "extension<arrow.json>", .duckdb: "JSON", .polars: "Binary"],
            build: XRBuild.string,
            expect: { .text($0) },
            // polars maps the JSON annotation to Binary (as it does BSON): its users get bytes.
            readerExpected: [.polars: { .bytes(Array($0.utf8)) }]
        )
        columns += pair(
            "enum",
            plain(.byteArray, .enumeration),
            ["RED", "GREEN", "BLUE", ""],
            types: [.pyarrow: "binary", .duckdb: "VARCHAR", .polars: "String"],
            build: XRBuild.string,
            expect: { .text($0) },
            // Arrow maps the ENUM annotation to binary, not to a string type: pyarrow users get bytes.
            readerExpected: [.pyarrow: { .bytes(Array($0.utf8)) }]
        )
        columns += pair(
            "binary",
            plain(.byteArray, nil),
            [[], [0x00], [0xFF, 0x00, 0x80], Array(0...255), [0xC3, 0x28]],
            types: [.pyarrow: "binary", .duckdb: "BLOB", .polars: "Binary"],
            build: XRBuild.bytes,
            expect: { .bytes($0) }
        )
        columns += pair(
            "fixed4",
            plain(.fixedLenByteArray, nil, typeLength: 4),
            [[0, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0xFF], [0x80, 0x00, 0x7F, 0x01]],
            types: [.pyarrow: "fixed_size_binary[4]", .duckdb: "BLOB", .polars: "Binary"],
            build: XRBuild.bytes,
            expect: { .bytes($0) }
        )
        return columns
    }

    /// Also checks, on this file with every type and escape in it, that the quick decoder the
    /// tests use (`ParquetReadout.decodeQuickly`) gives exactly what JSONDecoder gives.
    @Test func everyTypeRequiredAndOptional() throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-types")
        let columns = Self.table()
        let url = directory.appending("types.parquet")
        try XRFile.write(columns, to: url)
        let readouts = try XRFile.readAll(url, with: python, crossCheckDecoding: true)
        for (_, readout) in readouts {
            expectReadBack(readout, columns, rows: Self.rows)
        }

        // pyarrow's view of the Parquet schema: the physical types and annotations we declared.
        let readout = try #require(readouts[.pyarrow])
        let schema = try #require(readout.schema)
        #expect(schema.map(\.name) == columns.map(\.name))
        for (leaf, column) in zip(schema, columns) {
            #expect(leaf.maxDefinitionLevel == (column.descriptor.isOptional ? 1 : 0), "\(leaf.name)")
            #expect(leaf.maxRepetitionLevel == 0, "\(leaf.name)")
            let physical = ParquetFormat.ThriftType(rawValue: column.descriptor.physicalType.rawValue)!
            #expect(leaf.physicalType == XRNames.physical(physical), "\(leaf.name)")
            if let length = column.descriptor.typeLength {
                #expect(leaf.length == length, "\(leaf.name)")
            }
            if case .decimal(let precision, let scale)? = column.descriptor.logicalType {
                #expect(leaf.logicalType == "Decimal(precision=\(precision), scale=\(scale))", "\(leaf.name)")
                #expect(leaf.convertedType == "DECIMAL", "\(leaf.name)")
                #expect(leaf.precision == precision && leaf.scale == scale, "\(leaf.name)")
            }
        }
    }
}

/// Names pyarrow prints for Parquet enums.
enum XRNames {
    static func physical(_ type: ParquetFormat.ThriftType) -> String {
        switch type {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY"
        }
    }
}
