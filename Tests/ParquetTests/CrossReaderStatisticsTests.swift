import Foundation
import TestSupport
import Testing

@testable import Parquet

/// Column-chunk statistics as pyarrow decodes them, row group by row group: null counts, and
/// min/max in the order of each logical type (unsigned integers, signed decimals of every
/// physical type, byte-wise strings and binary, floats without NaN, signed zeros), and long
/// byte arrays truncated so that min stays below and max above every value. DuckDB's filtered
/// reads, which prune row groups by these statistics, must still find every matching row.
@Suite(.requiresPythonReaders)
struct CrossReaderStatisticsFollowTheLogicalTypesOrder {
    /// One column over two row groups of 8 rows each, and the min/max pyarrow must report for
    /// each group (as read_parquet.py encodes `stats.min`/`stats.max`; nil: no min/max).
    struct Case {
        var column: XRColumn
        var bounds: [(min: ReadValue, max: ReadValue)?]
        var nullCounts: [Int]
    }

    static let groupRows = 8

    static func make<T>(
        _ descriptor: ColumnDescriptor,
        _ groups: [[T?]],
        build: (ColumnDescriptor, [T?]) -> Column,
        expect: (T) -> XRExpected,
        bounds: [(ReadValue, ReadValue)?],
        types: [XRReader: String] = [:]
    ) -> Case {
        precondition(groups.allSatisfy { $0.count == groupRows })
        let all = groups.flatMap { $0 }
        return Case(
            column: XRColumn(
                descriptor: descriptor,
                column: build(descriptor, all),
                expected: all.map { $0.map(expect) ?? .null },
                types: types
            ),
            bounds: bounds.map { $0.map { (min: $0.0, max: $0.1) } },
            nullCounts: groups.map { $0.filter { $0 == nil }.count }
        )
    }

    static func d(
        _ name: String,
        _ type: PhysicalType,
        _ logical: LogicalType? = nil,
        length: Int? = nil
    ) -> ColumnDescriptor {
        ColumnDescriptor(
            name: name,
            physicalType: type,
            logicalType: logical,
            repetition: .optional,
            typeLength: length
        )
    }

    static func unsigned32(_ v: UInt32) -> Int32 { Int32(bitPattern: v) }

    static func cases() -> [Case] {
        let u32 = d("u32", .int32, .integer(bitWidth: 32, signed: false))
        let u64 = d("u64", .int64, .integer(bitWidth: 64, signed: false))
        let i32 = d("i32", .int32, .integer(bitWidth: 32, signed: true))
        let i64 = d("i64", .int64)
        let dec9 = ColumnDescriptor.decimal("dec9", precision: 9, scale: 2)
        let dec18 = ColumnDescriptor.decimal("dec18", precision: 18, scale: 3)
        let dec20 = ColumnDescriptor.decimal("dec20", precision: 20, scale: 2)
        let dec38 = ColumnDescriptor.decimal("dec38", precision: 38, scale: 0)
        let text = d("text", .byteArray, .string)
        let binary = d("binary", .byteArray)
        let fixed = d("fixed", .fixedLenByteArray, length: 2)
        let float = d("float", .float)
        let double = d("double", .double)
        let zeros = d("zeros", .double)
        let nans = d("nans", .double)
        let date = d("date", .int32, .date)
        let ts = d("ts", .int64, .timestamp(unit: .micros, adjustedToUTC: true))
        let flag = d("flag", .boolean)
        func decimal(
            _ descriptor: ColumnDescriptor,
            scale: Int,
            _ groups: [[String?]],
            _ bounds: [(String, String)]
        ) -> Case {
            let width = descriptor.typeLength ?? 0
            let build: (ColumnDescriptor, [String?]) -> Column = { d, v in
                switch d.physicalType {
                case .int32: XRBuild.int32(d, v.map { $0.map { Int32($0)! } })
                case .int64: XRBuild.int64(d, v.map { $0.map { Int64($0)! } })
                default: XRBuild.bytes(d, v.map { $0.map { XRDecimal.bytes(unscaled: $0, width: width) } })
                }
            }
            return make(
                descriptor,
                groups,
                build: build,
                expect: { .text(XRDecimal.text(unscaled: $0, scale: scale)) },
                bounds: bounds.map {
                    (
                        .string(XRDecimal.text(unscaled: $0.0, scale: scale)),
                        .string(XRDecimal.text(unscaled: $0.1, scale: scale))
                    )
                }
            )
        }
        let big = XRDecimal.nines(38)
        return [
            // Above Int32.max as unsigned: a signed order would swap min and max.
            make(
                u32,
                [
                    [1, unsigned32(.max), unsigned32(1 << 31), nil, 5, 7, 3, 2],
                    [0, 10, nil, nil, 2_147_483_647, unsigned32(1 << 31), 9, 8],
                ],
                build: XRBuild.int32,
                expect: { .unsigned(UInt64(UInt32(bitPattern: $0))) },
                bounds: [(1, .unsigned(4_294_967_295)), (0, .unsigned(2_147_483_648))]
            ),
            make(
                u64,
                [[1, -1, Int64.min, 5, nil, 6, 7, 8], [0, Int64.max, 3, nil, nil, nil, nil, 2]],
                build: XRBuild.int64,
                expect: { .unsigned(UInt64(bitPattern: $0)) },
                bounds: [(1, .unsigned(.max)), (0, .unsigned(UInt64(Int64.max)))]
            ),
            make(
                i32,
                [[-5, 3, .min, .max, nil, 0, -1, 1], [nil, nil, nil, nil, nil, nil, nil, 42]],
                build: XRBuild.int32,
                expect: { .int(Int64($0)) },
                bounds: [(.int(Int64(Int32.min)), .int(Int64(Int32.max))), (42, 42)]
            ),
            make(
                i64,
                [[.min, .max, 0, 0, 0, 0, 0, nil], [-3, -2, -1, -7, -9, -4, -6, -8]],
                build: XRBuild.int64,
                expect: { .int($0) },
                bounds: [(.int(.min), .int(.max)), (-9, -1)]
            ),
            decimal(
                dec9,
                scale: 2,
                [
                    ["-12345", "999", "0", "-1", nil, "5", "6", "7"],
                    ["999999999", "-999999999", nil, nil, nil, nil, nil, "1"],
                ],
                [("-12345", "999"), ("-999999999", "999999999")]
            ),
            decimal(
                dec18,
                scale: 3,
                [
                    ["-1", "1", "0", nil, nil, nil, nil, nil],
                    ["-999999999999999999", "-5", "-4", "-3", "-2", "-1", "-6", "-7"],
                ],
                [("-1", "1"), ("-999999999999999999", "-1")]
            ),
            // 9-byte FIXED_LEN_BYTE_ARRAY: -1 is 0xFF…FF, which an unsigned byte order puts last.
            decimal(
                dec20,
                scale: 2,
                [
                    ["-1", "1", "0", "-500", "300", nil, "2", "3"],
                    ["-1", "-2", "-3", nil, "-99999999999999999999", "-4", "-5", "-6"],
                ],
                [("-500", "300"), ("-99999999999999999999", "-1")]
            ),
            decimal(
                dec38,
                scale: 0,
                [[big, "-" + big, "0", "-1", "12345", nil, nil, "1"], ["7", "7", "7", "7", "7", "7", "7", "7"]],
                [("-" + big, big), ("7", "7")]
            ),
            // UTF-8 compared byte-wise: "é" (C3 A9) after "b", "Z" before "a", "" first.
            make(
                text,
                [["b", "a", "é", "", "ab", "Z", nil, "zz"], ["日本", "😀", "ÿ", "ü", nil, nil, "~", "\u{7F}"]],
                build: XRBuild.string,
                expect: { .text($0) },
                bounds: [("", "é"), ("~", "😀")]
            ),
            // Binary compared as unsigned bytes: 0x80 after 0x7F, 00FF before 7F.
            make(
                binary,
                [
                    [[0x7F], [0x80], [0x00, 0xFF], nil, [0x7F, 0x00], [0x01], [0x02], [0x03]],
                    [[], [0xFF], nil, nil, nil, nil, nil, [0xFF, 0x00]],
                ],
                build: XRBuild.bytes,
                expect: { .bytes($0) },
                bounds: [("00ff", "80"), ("", "ff00")]
            ),
            make(
                fixed,
                [
                    [
                        [0x80, 0x00], [0x7F, 0xFF], nil, [0x00, 0x01], [0x00, 0x00], [0xFF, 0xFF], [0x10, 0x10],
                        [0x20, 0x20],
                    ],
                    [
                        [0x01, 0x01], [0x01, 0x01], [0x01, 0x01], [0x01, 0x01], [0x01, 0x01], [0x01, 0x01],
                        [0x01, 0x01], nil,
                    ],
                ],
                build: XRBuild.bytes,
                expect: { .bytes($0) },
                bounds: [("0000", "ffff"), ("0101", "0101")]
            ),
            // NaN takes no part in min/max.
            make(
                float,
                [[.nan, 1.5, -2.5, .nan, 0.25, nil, 1, 1], [.nan, .infinity, -.infinity, 0, 0, 0, 0, 0]],
                build: XRBuild.float,
                expect: { .float(Double($0)) },
                bounds: [("-2.5", "1.5"), ("-inf", "inf")]
            ),
            make(
                double,
                [[.nan, 1e300, -1e-300, nil, nil, 3, 4, 5], [.leastNonzeroMagnitude, 1, 2, 3, 4, 5, 6, 7]],
                build: XRBuild.double,
                expect: { .float($0) },
                bounds: [("-1e-300", "1e+300"), ("5e-324", "7.0")]
            ),
            // A zero minimum is written as -0.0 and a zero maximum as +0.0 (parquet.thrift).
            make(
                zeros,
                [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [-0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, nil]],
                build: XRBuild.double,
                expect: { .float($0) },
                bounds: [("-0.0", "0.0"), ("-0.0", "0.0")]
            ),
            // Only NaN (and nulls): no bounds at all.
            make(
                nans,
                [[.nan, .nan, nil, .nan, .nan, .nan, .nan, .nan], [nil, nil, nil, nil, nil, nil, nil, nil]],
                build: XRBuild.double,
                expect: { .float($0) },
                bounds: [nil, nil]
            ),
            make(
                date,
                [[-719_162, 2_932_896, 0, nil, 1, 2, 3, 4], [-1, -1, -1, -1, -1, -1, -1, -2]],
                build: XRBuild.int32,
                expect: { .int(Int64($0)) },
                bounds: [("0001-01-01", "9999-12-31"), ("1969-12-30", "1969-12-31")]
            ),
            make(
                ts,
                [[0, -1, 1_700_000_000_000_000, nil, 5, 6, 7, 8], [1, 1, 1, 1, 1, 1, 1, 1]],
                build: XRBuild.int64,
                expect: { .timestamp($0, .micros) },
                bounds: [
                    ("1969-12-31T23:59:59.999999+00:00", "2023-11-14T22:13:20+00:00"),
                    ("1970-01-01T00:00:00.000001+00:00", "1970-01-01T00:00:00.000001+00:00"),
                ]
            ),
            make(
                flag,
                [[true, true, nil, true, true, true, true, true], [false, true, false, nil, nil, nil, nil, nil]],
                build: XRBuild.bool,
                expect: { .bool($0) },
                bounds: [(true, true), (false, true)]
            ),
        ]
    }

    @Test func minMaxAndNullCountPerRowGroup() throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-stats")
        let cases = Self.cases()
        let url = directory.appending("stats.parquet")
        try XRFile.write(cases.map(\.column), to: url, batches: [0..<8, 8..<16], endGroups: true)
        let metadata = try #require(try python.readServed(url, with: .pyarrow).parquetMetadata)
        #expect(metadata.rowGroups.count == 2)
        for (g, group) in metadata.rowGroups.enumerated() {
            for c in cases {
                let name = c.column.name
                guard let stats = group.column(name)?.statistics else {
                    Issue.record("row group \(g) \(name): no statistics")
                    continue
                }
                #expect(stats.hasNullCount && stats.nullCount == c.nullCounts[g], "row group \(g) \(name): null_count")
                if let bounds = c.bounds[g] {
                    #expect(stats.hasMinMax, "row group \(g) \(name): has_min_max")
                    #expect(stats.min == bounds.min, "row group \(g) \(name): min")
                    #expect(stats.max == bounds.max, "row group \(g) \(name): max")
                } else {
                    #expect(!stats.hasMinMax, "row group \(g) \(name): has_min_max")
                }
            }
        }
    }

    /// DuckDB and polars skip row groups whose statistics exclude a condition: with min/max in
    /// the wrong order they would return too few rows. The counts are those of the data in `cases()`
    /// (e.g. u32 >= 2^31: UInt32.max and 2^31 in group 0, 2^31 in group 1, whose signed
    /// maximum would be 2147483647).
    static let conditions: [(condition: String, rows: Int)] = [
        ("u32 > 4000000000", 1),
        ("u32 >= 2147483648", 3),
        ("u64 > 18000000000000000000", 1),
        ("i64 < -8", 2),
        ("dec20 < -1.00", 2),
        ("dec20 > 0", 4),
        ("dec38 < -1", 1),
        ("text > 'zz'", 7),
        ("text = 'é'", 1),
        ("\"binary\" >= X'80'", 3),
        ("float BETWEEN 1.25 AND 100", 1),
        ("double < 0", 1),
        ("date = DATE '9999-12-31'", 1),
        ("ts < TIMESTAMPTZ '1970-01-01 00:00:00+00'", 1),
    ]

    @Test(arguments: [XRReader.duckdb, .polars])
    func filteredReadsFindEveryMatchingRow(reader: XRReader) throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-stats")
        let url = directory.appending("stats.parquet")
        try XRFile.write(Self.cases().map(\.column), to: url, batches: [0..<8, 8..<16], endGroups: true)
        let counts = try python.countRowsServed(url, where: Self.conditions.map(\.condition), with: reader)
        for (expected, count) in zip(Self.conditions, counts) {
            #expect(count == expected.rows, "\(reader): \(expected.condition)")
        }
    }

    /// Byte arrays longer than statisticsTruncateLength: min becomes a prefix (never above any
    /// value), max a prefix with its last character incremented (never below any value), both
    /// within the limit, valid UTF-8 for strings, and flagged inexact in the footer.
    @Test func longValuesAreTruncated() throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-stats")
        let ascii = [
            "a" + String(repeating: "x", count: 99), String(repeating: "b", count: 100),
            "aa" + String(repeating: "y", count: 90),
        ]
        let accented = [
            String(repeating: "é", count: 50),
            String(repeating: "é", count: 40) + "z" + String(repeating: "q", count: 40),
            String(repeating: "é", count: 33) + "€€€",
        ]
        let lastScalar = [
            String(repeating: "a", count: 70) + "\u{10FFFF}", String(repeating: "a", count: 63) + "\u{10FFFF}" + "tail",
            "a",
        ]
        let ones: [[UInt8]] = [
            Array(repeating: 0xFF, count: 100), Array(repeating: 0xFF, count: 80) + [0x00],
            Array(repeating: 0x01, count: 100),
        ]
        let s1 = Self.d("ascii", .byteArray, .string)
        let s2 = Self.d("accented", .byteArray, .string)
        let s3 = Self.d("last_scalar", .byteArray, .string)
        let b = Self.d("ones", .byteArray)
        let columns = [
            XRColumn(descriptor: s1, column: XRBuild.string(s1, ascii), expected: ascii.map { .text($0) }, types: [:]),
            XRColumn(
                descriptor: s2,
                column: XRBuild.string(s2, accented),
                expected: accented.map { .text($0) },
                types: [:]
            ),
            XRColumn(
                descriptor: s3,
                column: XRBuild.string(s3, lastScalar),
                expected: lastScalar.map { .text($0) },
                types: [:]
            ),
            XRColumn(descriptor: b, column: XRBuild.bytes(b, ones), expected: ones.map { .bytes($0) }, types: [:]),
        ]
        let url = directory.appending("long.parquet")
        try XRFile.write(columns, to: url)
        let all: [String: [[UInt8]]] = [
            "ascii": ascii.map { Array($0.utf8) }, "accented": accented.map { Array($0.utf8) },
            "last_scalar": lastScalar.map { Array($0.utf8) }, "ones": ones,
        ]
        let readout = try python.readServed(url, with: .pyarrow)
        for (_, readout) in try XRFile.readAll(url, with: python) {
            expectReadBack(readout, columns, rows: 3, checkTypes: false)
        }
        let chunks = try #require(readout.parquetMetadata?.rowGroups.first?.columns)
        let raw = try XRRawFile(url)
        for (chunk, rawChunk) in zip(chunks, raw.metadata.rowGroups[0].columns) {
            let values = all[chunk.path]!
            let stats = try #require(chunk.statistics, "\(chunk.path)")
            let min = try #require(stats.minRaw.bytes, "\(chunk.path): min_raw \(stats.minRaw)")
            let max = try #require(stats.maxRaw.bytes, "\(chunk.path): max_raw \(stats.maxRaw)")
            let trueMin = values.min(by: Self.bytesLess)!
            let trueMax = values.max(by: Self.bytesLess)!
            #expect(
                !values.contains { Self.bytesLess($0, min) },
                "\(chunk.path): min \(XRHex.string(min)) above a value"
            )
            #expect(
                !values.contains { Self.bytesLess(max, $0) },
                "\(chunk.path): max \(XRHex.string(max)) below a value"
            )
            #expect(trueMin.starts(with: min), "\(chunk.path): min is a prefix of the smallest value")
            #expect(min.count <= 64, "\(chunk.path): min of \(min.count) bytes")
            let rawStats = try #require(rawChunk.metaData?.statistics)
            #expect(rawStats.isMinValueExact == (min == trueMin), "\(chunk.path): is_min_value_exact")
            #expect(rawStats.isMaxValueExact == (max == trueMax), "\(chunk.path): is_max_value_exact")
            // The column index of the (single) page is truncated by the same rules.
            let index = try #require(try raw.columnIndex(rawChunk), "\(chunk.path): no column index")
            #expect(index.minValues.count == 1)
            for (low, high) in zip(index.minValues, index.maxValues) {
                #expect(
                    !values.contains { Self.bytesLess($0, low) } && !values.contains { Self.bytesLess(high, $0) },
                    "\(chunk.path): page bounds"
                )
                #expect(
                    low.count <= 64 && (chunk.path == "ones" || high.count <= 64),
                    "\(chunk.path): page bounds too long"
                )
            }
            if chunk.path != "ones" {
                #expect(max.count <= 64, "\(chunk.path): max of \(max.count) bytes")
                #expect(String(validating: max, as: UTF8.self) != nil, "\(chunk.path): max is not UTF-8")
                #expect(String(validating: min, as: UTF8.self) != nil, "\(chunk.path): min is not UTF-8")
            }
        }
    }

    static func bytesLess(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }
}
