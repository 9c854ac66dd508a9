import Foundation
import TestSupport
import Testing

@testable import Parquet

/// A table shaped like the publisher's orders: an ascending id and timestamp (delta territory),
/// low-cardinality codes and strings (dictionary territory), sparse free text, decimals.
enum XROrders {
    static let statuses = ["new", "paid", "shipped", "delivered", "cancelled"]

    static func table(rows: Int, seed: UInt64 = 1) -> [XRColumn] {
        var random = SplitMix64(seed: seed)
        let base: Int64 = 1_700_000_000_000_000
        var ids: [Int64] = []
        var sellers: [Int32?] = []
        var status: [String] = []
        var notes: [String?] = []
        var created: [Int64] = []
        var amounts: [Int64?] = []
        var ratios: [Double] = []
        var gifts: [Bool?] = []
        var currencies: [[UInt8]?] = []
        var time = base
        for row in 0..<rows {
            ids.append(Int64(row) + 1_000_000)
            sellers.append(random.below(10) == 0 ? nil : Int32(random.below(40)))
            status.append(statuses[random.below(statuses.count)])
            notes.append(random.below(5) == 0 ? "note \(random.next() % 100_000) for order \(row) ✓" : nil)
            time += Int64(random.below(2_000_000))
            created.append(time)
            amounts.append(random.below(20) == 0 ? nil : Int64(random.below(2_000_000)) - 1_000_000)
            ratios.append(Double(random.next() % 1_000_000) / 1024)
            gifts.append(random.below(7) == 0 ? nil : random.below(3) == 0)
            currencies.append(
                random.below(9) == 0 ? nil : [Array("EUR".utf8), Array("USD".utf8), Array("CHF".utf8)][random.below(3)]
            )
        }
        let id = ColumnDescriptor(
            name: "id",
            physicalType: .int64,
            logicalType: .integer(bitWidth: 64, signed: false),
            repetition: .required
        )
        let seller = ColumnDescriptor(
            name: "seller_id",
            physicalType: .int32,
            logicalType: .integer(bitWidth: 32, signed: true)
        )
        let statusColumn = ColumnDescriptor(
            name: "status",
            physicalType: .byteArray,
            logicalType: .string,
            repetition: .required
        )
        let note = ColumnDescriptor(name: "note", physicalType: .byteArray, logicalType: .string)
        let at = ColumnDescriptor(
            name: "created_at",
            physicalType: .int64,
            logicalType: .timestamp(unit: .micros, adjustedToUTC: true),
            repetition: .required
        )
        let amount = ColumnDescriptor.decimal("amount", precision: 12, scale: 2)
        let ratio = ColumnDescriptor(name: "ratio", physicalType: .double, repetition: .required)
        let gift = ColumnDescriptor(name: "gift", physicalType: .boolean)
        let currency = ColumnDescriptor(name: "currency", physicalType: .fixedLenByteArray, typeLength: 3)
        return [
            XRColumn(
                descriptor: id,
                column: XRBuild.int64(id, ids),
                expected: ids.map { .unsigned(UInt64($0)) },
                types: [.pyarrow: "uint64", .duckdb: "UBIGINT", .polars: "UInt64"]
            ),
            XRColumn(
                descriptor: seller,
                column: XRBuild.int32(seller, sellers),
                expected: sellers.map { $0.map { .int(Int64($0)) } ?? .null },
                types: [.pyarrow: "int32", .duckdb: "INTEGER", .polars: "Int32"]
            ),
            XRColumn(
                descriptor: statusColumn,
                column: XRBuild.string(statusColumn, status),
                expected: status.map { .text($0) },
                types: [.pyarrow: "string", .duckdb: "VARCHAR", .polars: "String"]
            ),
            XRColumn(
                descriptor: note,
                column: XRBuild.string(note, notes),
                expected: notes.map { $0.map { .text($0) } ?? .null },
                types: [.pyarrow: "string", .duckdb: "VARCHAR", .polars: "String"]
            ),
            XRColumn(
                descriptor: at,
                column: XRBuild.int64(at, created),
                expected: created.map { .timestamp($0, .micros) },
                types: [
                    .pyarrow: "timestamp[us, tz=UTC]", .duckdb: "TIMESTAMP WITH TIME ZONE",
                    .polars: "Datetime(time_unit='us', time_zone='UTC')",
                ]
            ),
            XRColumn(
                descriptor: amount,
                column: XRBuild.int64(amount, amounts),
                expected: amounts.map { $0.map { .text(XRDecimal.text(unscaled: String($0), scale: 2)) } ?? .null },
                types: [
                    .pyarrow: "decimal128(12, 2)", .duckdb: "DECIMAL(12,2)", .polars: "Decimal(precision=12, scale=2)",
                ]
            ),
            XRColumn(
                descriptor: ratio,
                column: XRBuild.double(ratio, ratios),
                expected: ratios.map { .float($0) },
                types: [.pyarrow: "double", .duckdb: "DOUBLE", .polars: "Float64"]
            ),
            XRColumn(
                descriptor: gift,
                column: XRBuild.bool(gift, gifts),
                expected: gifts.map { $0.map { .bool($0) } ?? .null },
                types: [.pyarrow: "bool", .duckdb: "BOOLEAN", .polars: "Boolean"]
            ),
            XRColumn(
                descriptor: currency,
                column: XRBuild.bytes(currency, currencies),
                expected: currencies.map { $0.map { .bytes($0) } ?? .null },
                types: [.pyarrow: "fixed_size_binary[3]", .duckdb: "BLOB", .polars: "Binary"]
            ),
        ]
    }
}

/// Row groups, pages, encodings and codecs: however the writer lays a table out, every reader
/// gets the same rows back.
@Suite(.requiresPythonReaders)
struct CrossReaderLayoutsReadBack {
    @Test func rowGroupsEndWhereTheCallerEndsThem() throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-layout")
        let columns = XROrders.table(rows: 6_000)
        // Batches of 1000, 1, 0 (no row group of its own), 2500, 1499, 1000 rows.
        let cuts = [0..<1000, 1000..<1001, 1001..<1001, 1001..<3501, 3501..<5000, 5000..<6000]
        let url = directory.appending("groups.parquet")
        let summary = try XRFile.write(columns, to: url, batches: cuts, endGroups: true)
        let sizes = cuts.map(\.count).filter { $0 > 0 }
        #expect(summary.rowGroups.map(\.rows) == sizes)
        #expect(summary.rowGroups.map(\.firstRow) == [0, 1000, 1001, 3501, 5000])
        let readouts = try XRFile.readAll(url, with: python)
        for (_, readout) in readouts {
            expectReadBack(readout, columns, rows: 6_000)
        }
        let metadata = try #require(readouts[.pyarrow]?.parquetMetadata)
        #expect(metadata.rowGroups.map(\.numRows) == sizes)
        // The summary's byte ranges are what index.json publishes: they must be the chunks'.
        for (group, published) in zip(metadata.rowGroups, summary.rowGroups) {
            let first = group.columns.map { $0.dictionaryPageOffset ?? $0.dataPageOffset }.min()!
            let end = group.columns.map { ($0.dictionaryPageOffset ?? $0.dataPageOffset) + $0.totalCompressedSize }
                .max()!
            #expect(
                published.offset == first && published.offset + published.length == end,
                "row group \(published.index)"
            )
        }
    }

    @Test func theRowCapCutsRowGroupsInsideABatch() throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-layout")
        let columns = XROrders.table(rows: 7_000)
        var options = ParquetWriterOptions()
        options.maxRowGroupRows = 3_000
        let whole = directory.appending("whole.parquet")
        try XRFile.write(columns, to: whole, options: options)
        let pieces = directory.appending("pieces.parquet")
        try XRFile.write(columns, to: pieces, options: options, batches: (0..<10).map { $0 * 700..<($0 + 1) * 700 })
        for url in [whole, pieces] {
            // The pieces' file is the same rows cut the same way: pyarrow alone checks it.
            let readouts = try XRFile.readAll(url, with: python, only: url == whole ? XRReader.allCases : [.pyarrow])
            for (_, readout) in readouts {
                expectReadBack(readout, columns, rows: 7_000)
            }
            #expect(
                readouts[.pyarrow]?.parquetMetadata?.rowGroups.map(\.numRows) == [3_000, 3_000, 1_000],
                "\(url.lastPathComponent)"
            )
        }
    }

    @Test func theByteCapCutsRowGroupsToo() throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-layout")
        let columns = XROrders.table(rows: 5_000)
        var options = ParquetWriterOptions()
        options.maxRowGroupBytes = 64 << 10
        let url = directory.appending("bytes.parquet")
        try XRFile.write(columns, to: url, options: options, batches: (0..<50).map { $0 * 100..<($0 + 1) * 100 })
        let readouts = try XRFile.readAll(url, with: python)
        for (_, readout) in readouts {
            expectReadBack(readout, columns, rows: 5_000)
        }
        let groups = try #require(readouts[.pyarrow]?.parquetMetadata?.rowGroups)
        #expect(groups.count > 1)
        #expect(groups.map(\.numRows).reduce(0, +) == 5_000)
    }

    @Test func manySmallPages() throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-layout")
        let columns = XROrders.table(rows: 5_000)
        var options = ParquetWriterOptions()
        options.dataPageRowLimit = 100
        let url = directory.appending("pages.parquet")
        try XRFile.write(columns, to: url, options: options)
        for (_, readout) in try XRFile.readAll(url, with: python) {
            expectReadBack(readout, columns, rows: 5_000)
        }
        let raw = try XRRawFile(url)
        for chunk in raw.metadata.rowGroups[0].columns {
            let meta = try #require(chunk.metaData)
            let pages = try raw.pages(of: meta).filter { $0.header.type == .dataPage }
            #expect(pages.count == 50, "\(meta.pathInSchema)")
            #expect(pages.allSatisfy { $0.header.dataPageValues == 100 }, "\(meta.pathInSchema)")
        }
    }

    /// The smallest layouts: one row per page (pages of a single null among them) and row
    /// groups of 7 rows, the last one shorter.
    @Test func oneRowPagesAndTinyRowGroups() throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-layout")
        let columns = XROrders.table(rows: 40, seed: 3)
        var options = ParquetWriterOptions()
        options.dataPageRowLimit = 1
        options.maxRowGroupRows = 7
        let url = directory.appending("tiny.parquet")
        try XRFile.write(columns, to: url, options: options)
        let readouts = try XRFile.readAll(url, with: python)
        for (_, readout) in readouts {
            expectReadBack(readout, columns, rows: 40)
        }
        #expect(readouts[.pyarrow]?.parquetMetadata?.rowGroups.map(\.numRows) == [7, 7, 7, 7, 7, 5])
        let raw = try XRRawFile(url)
        for group in raw.metadata.rowGroups {
            for chunk in group.columns {
                let pages = try raw.pages(of: chunk.metaData!).filter { $0.header.type == .dataPage }
                #expect(pages.count == Int(group.numRows), "\(chunk.metaData!.pathInSchema)")
            }
        }
    }

    /// Pages also end at dataPageSize bytes: strings of ~2 KiB in 8 KiB pages.
    @Test func pagesEndAtTheirByteTarget() throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-layout")
        let d = ColumnDescriptor(name: "text", physicalType: .byteArray, logicalType: .string)
        let values: [String?] = (0..<300).map { $0 % 7 == 3 ? nil : String(repeating: "\($0 % 10)", count: 2_000 + $0) }
        let columns = [
            XRColumn(
                descriptor: d,
                column: XRBuild.string(d, values),
                expected: values.map { $0.map { .text($0) } ?? .null },
                types: [.pyarrow: "string", .duckdb: "VARCHAR", .polars: "String"]
            )
        ]
        var options = ParquetWriterOptions()
        options.dataPageSize = 8 << 10
        options.enableDictionary = false
        let url = directory.appending("bytes.parquet")
        try XRFile.write(columns, to: url, options: options)
        for (_, readout) in try XRFile.readAll(url, with: python) {
            expectReadBack(readout, columns, rows: values.count)
        }
        let raw = try XRRawFile(url)
        let pages = try raw.pages(of: raw.metadata.rowGroups[0].columns[0].metaData!)
        #expect(pages.count >= 60)
        // No page holds much more than its target (one value may overshoot it).
        #expect(pages.allSatisfy { $0.header.uncompressedPageSize <= 8 << 10 + 4_400 })
    }

    /// A chunk that starts with few distinct values and then turns unique: the dictionary stops
    /// at its size limit and the rest of the chunk is PLAIN (or DELTA for integers), as
    /// parquet-mr and arrow do, and encoding_stats says how many pages are which.
    ///
    /// The switch comes early (row 3000 of 6000) or after the writer's 16384-value probe of
    /// whether a dictionary pays (row 17000 of 18000).
    @Test(arguments: [(6_000, 3_000), (18_000, 17_000)])
    func dictionaryFallsBackMidChunk(rows: Int, switchAt: Int) throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-layout")
        let words: [String?] = (0..<rows).map { row in
            if row % 11 == 5 { return nil }
            return row < switchAt ? "word-\(row % 20)" : "unique value number \(row * 7919 % 100_003) 🙂"
        }
        let codes: [Int64] = (0..<rows).map { row in
            row < switchAt ? Int64(row % 10) * 1_000_003 : Int64(row) * 48_271 % 2_147_483_647
        }
        let sparse: [Int32?] = (0..<rows).map { row in
            if row % 3 == 0 || (switchAt - 40..<switchAt + 40).contains(row) && row % 2 == 0 { return nil }
            return row < switchAt ? Int32(row % 7) * 1_001 : Int32(truncatingIfNeeded: row * 69_621)
        }
        let text = ColumnDescriptor(name: "word", physicalType: .byteArray, logicalType: .string)
        let code = ColumnDescriptor(name: "code", physicalType: .int64, repetition: .required)
        let optional = ColumnDescriptor(name: "sparse", physicalType: .int32)
        let columns = [
            XRColumn(
                descriptor: text,
                column: XRBuild.string(text, words),
                expected: words.map { $0.map { .text($0) } ?? .null },
                types: [.pyarrow: "string", .duckdb: "VARCHAR", .polars: "String"]
            ),
            XRColumn(
                descriptor: code,
                column: XRBuild.int64(code, codes),
                expected: codes.map { .int($0) },
                types: [.pyarrow: "int64", .duckdb: "BIGINT", .polars: "Int64"]
            ),
            XRColumn(
                descriptor: optional,
                column: XRBuild.int32(optional, sparse),
                expected: sparse.map { $0.map { .int(Int64($0)) } ?? .null },
                types: [.pyarrow: "int32", .duckdb: "INTEGER", .polars: "Int32"]
            ),
        ]
        var options = ParquetWriterOptions()
        options.dictionaryPageSizeLimit = 1_024
        options.dataPageRowLimit = 700
        let url = directory.appending("fallback.parquet")
        try XRFile.write(columns, to: url, options: options)
        let readouts = try XRFile.readAll(url, with: python)
        for (_, readout) in readouts {
            expectReadBack(readout, columns, rows: rows)
        }
        let chunks = try #require(readouts[.pyarrow]?.parquetMetadata?.rowGroups.first?.columns)
        for chunk in chunks {
            #expect(chunk.hasDictionaryPage, "\(chunk.path)")
            #expect(chunk.encodings.contains("RLE_DICTIONARY"), "\(chunk.path): \(chunk.encodings)")
            #expect(
                chunk.encodings.contains("PLAIN") || chunk.encodings.contains("DELTA_BINARY_PACKED"),
                "\(chunk.path): \(chunk.encodings)"
            )
        }
        // encoding_stats from the raw footer against the pages themselves.
        let raw = try XRRawFile(url)
        for chunk in raw.metadata.rowGroups[0].columns {
            let meta = try #require(chunk.metaData)
            let pages = try raw.pages(of: meta)
            #expect(pages.first?.header.type == .dictionaryPage, "\(meta.pathInSchema)")
            let dictionary = try #require(pages.first?.header.dictionaryPageHeader)
            // The dictionary page holds no more than the limit (plus the one entry that tipped it).
            #expect(pages[0].header.uncompressedPageSize <= 1_024 + 64, "\(meta.pathInSchema)")
            #expect(dictionary.numValues >= 10, "\(meta.pathInSchema)")
            var counted: [ParquetFormat.Encoding: Int32] = [:]
            var sawFallback = false
            for page in pages.dropFirst() {
                let encoding = try #require(page.header.dataPageHeader?.encoding)
                counted[encoding, default: 0] += 1
                if encoding != .rleDictionary { sawFallback = true }
                // Once fallen back, the chunk never returns to the dictionary.
                #expect(!(sawFallback && encoding == .rleDictionary), "\(meta.pathInSchema)")
            }
            #expect(counted[.rleDictionary, default: 0] >= Int32(switchAt / 700), "\(meta.pathInSchema): \(counted)")
            #expect(counted.count == 2, "\(meta.pathInSchema): \(counted)")
            let stats = try #require(meta.encodingStats, "\(meta.pathInSchema): no encoding_stats")
            let dataStats = Dictionary(
                stats.filter { $0.pageType == .dataPage }.map { ($0.encoding, $0.count) },
                uniquingKeysWith: +
            )
            #expect(dataStats == counted, "\(meta.pathInSchema)")
            #expect(stats.filter { $0.pageType == .dictionaryPage }.map(\.count) == [1], "\(meta.pathInSchema)")
        }
    }

    /// Dictionaries of 1, 2, 3, 255, 256, 257 and 4097 entries: the index bit width steps at
    /// each power of two (a single entry still takes width 1), and every reader decodes them.
    @Test func dictionarySizesAtBitWidthBoundaries() throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-layout")
        let rows = 9_000
        var columns: [XRColumn] = []
        for entries in [1, 2, 3, 255, 256, 257, 4_097] {
            let strings: [String?] = (0..<rows).map { $0 % 13 == 6 ? nil : "value \($0 * 7 % entries)" }
            let numbers: [Int64] = (0..<rows).map { Int64($0 * 7 % entries) * 1_000_000_007 }
            let s = ColumnDescriptor(name: "s\(entries)", physicalType: .byteArray, logicalType: .string)
            let n = ColumnDescriptor(name: "n\(entries)", physicalType: .int64, repetition: .required)
            columns.append(
                XRColumn(
                    descriptor: s,
                    column: XRBuild.string(s, strings),
                    expected: strings.map { $0.map { .text($0) } ?? .null },
                    types: [.pyarrow: "string", .duckdb: "VARCHAR", .polars: "String"]
                )
            )
            columns.append(
                XRColumn(
                    descriptor: n,
                    column: XRBuild.int64(n, numbers),
                    expected: numbers.map { .int($0) },
                    types: [.pyarrow: "int64", .duckdb: "BIGINT", .polars: "Int64"]
                )
            )
        }
        var options = ParquetWriterOptions()
        options.dataPageRowLimit = 4_000
        let url = directory.appending("dictionaries.parquet")
        try XRFile.write(columns, to: url, options: options)
        for (_, readout) in try XRFile.readAll(url, with: python) {
            expectReadBack(readout, columns, rows: rows)
        }
        let raw = try XRRawFile(url)
        for chunk in raw.metadata.rowGroups[0].columns {
            let meta = try #require(chunk.metaData)
            let name = meta.pathInSchema.joined()
            let entries = Int(name.dropFirst())!
            let pages = try raw.pages(of: meta)
            let dictionary = try #require(pages.first?.header.dictionaryPageHeader, "\(name): no dictionary")
            #expect(Int(dictionary.numValues) == entries, "\(name)")
            for page in pages.dropFirst() {
                #expect(page.header.dataPageHeader?.encoding == .rleDictionary, "\(name)")
            }
        }
    }

    /// DELTA_BINARY_PACKED on ascending integers and timestamps, including a column whose one
    /// delta overflows Int64 (the spec's wrapping arithmetic), read by every reader.
    @Test(arguments: [true, false])
    func deltaEncodingOfAscendingIntegers(enabled: Bool) throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-layout")
        let rows = 4_000
        let ids = (0..<rows).map { Int64($0) * 3 + 17 }
        let small = (0..<rows).map { Int32($0 / 2) - 1_000 }
        let times = (0..<rows).map { 1_700_000_000_000_000 + Int64($0) * 1_000_003 }
        // -2^62 + i below the middle, 2^62 + i above: the jump is 2^63, which wraps.
        let jumpy = (0..<rows).map { $0 < rows / 2 ? -(Int64(1) << 62) + Int64($0) : (Int64(1) << 62) + Int64($0) }
        let unsignedHigh = (0..<rows).map { Int32(bitPattern: UInt32.max - UInt32(rows - $0)) }
        // Alternating between the ends of the type: every delta overflows and wraps to a small
        // number, so DELTA_BINARY_PACKED is chosen, and a reader that does not wrap in the
        // column's width gets wrong values.
        let seesaw32 = (0..<rows).map { $0 % 2 == 0 ? Int32.min + Int32($0) : Int32.max - Int32($0) }
        let seesaw64 = (0..<rows).map { $0 % 2 == 0 ? Int64.min + Int64($0) : Int64.max - Int64($0) }
        func d(_ name: String, _ type: PhysicalType, _ logical: LogicalType?) -> ColumnDescriptor {
            ColumnDescriptor(name: name, physicalType: type, logicalType: logical, repetition: .required)
        }
        let columns = [
            XRColumn(
                descriptor: d("id", .int64, nil),
                column: XRBuild.int64(d("id", .int64, nil), ids),
                expected: ids.map { .int($0) },
                types: [.pyarrow: "int64", .duckdb: "BIGINT", .polars: "Int64"]
            ),
            XRColumn(
                descriptor: d("small", .int32, nil),
                column: XRBuild.int32(d("small", .int32, nil), small),
                expected: small.map { .int(Int64($0)) },
                types: [.pyarrow: "int32", .duckdb: "INTEGER", .polars: "Int32"]
            ),
            XRColumn(
                descriptor: d("at", .int64, .timestamp(unit: .micros, adjustedToUTC: false)),
                column: XRBuild.int64(d("at", .int64, nil), times),
                expected: times.map { .timestamp($0, .micros) },
                types: [
                    .pyarrow: "timestamp[us]", .duckdb: "TIMESTAMP",
                    .polars: "Datetime(time_unit='us', time_zone=None)",
                ]
            ),
            XRColumn(
                descriptor: d("jumpy", .int64, nil),
                column: XRBuild.int64(d("jumpy", .int64, nil), jumpy),
                expected: jumpy.map { .int($0) },
                types: [.pyarrow: "int64", .duckdb: "BIGINT", .polars: "Int64"]
            ),
            XRColumn(
                descriptor: d("u32", .int32, .integer(bitWidth: 32, signed: false)),
                column: XRBuild.int32(d("u32", .int32, nil), unsignedHigh),
                expected: unsignedHigh.map { .unsigned(UInt64(UInt32(bitPattern: $0))) },
                types: [.pyarrow: "uint32", .duckdb: "UINTEGER", .polars: "UInt32"]
            ),
            XRColumn(
                descriptor: d("seesaw32", .int32, nil),
                column: XRBuild.int32(d("seesaw32", .int32, nil), seesaw32),
                expected: seesaw32.map { .int(Int64($0)) },
                types: [.pyarrow: "int32", .duckdb: "INTEGER", .polars: "Int32"]
            ),
            XRColumn(
                descriptor: d("seesaw64", .int64, nil),
                column: XRBuild.int64(d("seesaw64", .int64, nil), seesaw64),
                expected: seesaw64.map { .int($0) },
                types: [.pyarrow: "int64", .duckdb: "BIGINT", .polars: "Int64"]
            ),
        ]
        var options = ParquetWriterOptions()
        options.enableDeltaEncoding = enabled
        options.dataPageRowLimit = 1_000
        let url = directory.appending("delta.parquet")
        try XRFile.write(columns, to: url, options: options)
        // Without delta the pages are PLAIN or dictionaries, which every other test reads.
        let readouts = try XRFile.readAll(url, with: python, only: enabled ? XRReader.allCases : [.pyarrow])
        for (_, readout) in readouts {
            expectReadBack(readout, columns, rows: rows)
        }
        let chunks = try #require(readouts[.pyarrow]?.parquetMetadata?.rowGroups.first?.columns)
        for chunk in chunks {
            #expect(chunk.encodings.contains("DELTA_BINARY_PACKED") == enabled, "\(chunk.path): \(chunk.encodings)")
        }
    }

    @Test(arguments: [Compression.uncompressed, .zstd(level: 1), .zstd(level: 19)])
    func everyCodecAndLevel(compression: Compression) throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-layout")
        let columns = XROrders.table(rows: 3_000)
        var options = ParquetWriterOptions()
        options.compression = compression
        options.dataPageRowLimit = 1_000
        let url = directory.appending("codec.parquet")
        try XRFile.write(columns, to: url, options: options)
        // A ZSTD level changes nothing a reader sees, and every other file here is ZSTD(3):
        // pyarrow alone reads the other levels.
        let readouts = try XRFile.readAll(
            url,
            with: python,
            only: compression == .uncompressed ? XRReader.allCases : [.pyarrow]
        )
        for (_, readout) in readouts {
            expectReadBack(readout, columns, rows: 3_000)
        }
        let expected = compression == .uncompressed ? "UNCOMPRESSED" : "ZSTD"
        for chunk in try #require(readouts[.pyarrow]?.parquetMetadata?.rowGroups.first?.columns) {
            #expect(chunk.compression == expected, "\(chunk.path)")
        }
        // Every page decompresses to exactly its uncompressed_page_size.
        let raw = try XRRawFile(url)
        for chunk in raw.metadata.rowGroups[0].columns {
            let meta = try #require(chunk.metaData)
            for page in try raw.pages(of: meta) {
                let body = try raw.decompressed(page, codec: meta.codec)
                #expect(
                    body.count == Int(page.header.uncompressedPageSize),
                    "\(meta.pathInSchema) page at \(page.offset)"
                )
                if compression == .uncompressed {
                    #expect(page.header.compressedPageSize == page.header.uncompressedPageSize)
                }
            }
        }
    }
}
