import Foundation
import TestSupport
import Testing

@testable import Parquet

/// The page index (ColumnIndex and OffsetIndex, PageIndex.md) after the row groups: pyarrow
/// sees it on every chunk; read with our Thrift structs, its page locations point at real page
/// headers, cover the chunk without gaps, and count rows as the pages do; its per-page null
/// counts and bounds match the data. DuckDB and polars read ranges of the file correctly.
@Suite(.requiresPythonReaders)
struct CrossReaderPageIndexDescribesThePages {
    static let rows = 4_000
    static let groups = [0..<2_500, 2_500..<4_000]
    static let pageRows = 250

    struct Table {
        var ids: [Int64] = []
        var sellers: [Int32?] = []
        var statuses: [String] = []
        var notes: [String?] = []
        var prices: [Double?] = []
    }

    static func data() -> Table {
        var random = SplitMix64(seed: 7)
        var data = Table()
        for row in 0..<rows {
            data.ids.append(Int64(row) * 10 + 5)
            data.sellers.append(random.below(8) == 0 ? nil : Int32(random.below(1_000)) - 500)
            data.statuses.append(XROrders.statuses[random.below(XROrders.statuses.count)])
            // Rows 1000..<1500 hold no note at all: two whole pages of nulls.
            data.notes.append(
                (1_000..<1_500).contains(row) || random.below(3) != 0 ? nil : "note \(random.below(100_000))"
            )
            data.prices.append(random.below(10) == 0 ? nil : Double(random.below(1_000_000)) / 100 - 2_000)
        }
        return data
    }

    static func columns(_ data: Table) -> [XRColumn] {
        let id = ColumnDescriptor(
            name: "id",
            physicalType: .int64,
            logicalType: .integer(bitWidth: 64, signed: false),
            repetition: .required
        )
        let seller = ColumnDescriptor(name: "seller", physicalType: .int32)
        let status = ColumnDescriptor(
            name: "status",
            physicalType: .byteArray,
            logicalType: .string,
            repetition: .required
        )
        let note = ColumnDescriptor(name: "note", physicalType: .byteArray, logicalType: .string)
        let price = ColumnDescriptor(name: "price", physicalType: .double)
        return [
            XRColumn(
                descriptor: id,
                column: XRBuild.int64(id, data.ids),
                expected: data.ids.map { .unsigned(UInt64($0)) },
                types: [:]
            ),
            XRColumn(
                descriptor: seller,
                column: XRBuild.int32(seller, data.sellers),
                expected: data.sellers.map { $0.map { .int(Int64($0)) } ?? .null },
                types: [:]
            ),
            XRColumn(
                descriptor: status,
                column: XRBuild.string(status, data.statuses),
                expected: data.statuses.map { .text($0) },
                types: [:]
            ),
            XRColumn(
                descriptor: note,
                column: XRBuild.string(note, data.notes),
                expected: data.notes.map { $0.map { .text($0) } ?? .null },
                types: [:]
            ),
            XRColumn(
                descriptor: price,
                column: XRBuild.double(price, data.prices),
                expected: data.prices.map { $0.map { .float($0) } ?? .null },
                types: [:]
            ),
        ]
    }

    static func write(to url: URL) throws -> [XRColumn] {
        let columns = columns(data())
        var options = ParquetWriterOptions()
        options.dataPageRowLimit = pageRows
        try XRFile.write(columns, to: url, options: options, batches: groups, endGroups: true)
        return columns
    }

    @Test func pyarrowFindsAColumnAndAnOffsetIndexOnEveryChunk() throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-index")
        let url = directory.appending("index.parquet")
        let columns = try Self.write(to: url)
        let readout = try python.readServed(url, with: .pyarrow)
        expectReadBack(readout, columns, rows: Self.rows, checkTypes: false)
        let groups = try #require(readout.parquetMetadata?.rowGroups)
        #expect(groups.count == 2)
        for (g, group) in groups.enumerated() {
            for chunk in group.columns {
                #expect(chunk.hasColumnIndex == true, "row group \(g) \(chunk.path)")
                #expect(chunk.hasOffsetIndex == true, "row group \(g) \(chunk.path)")
            }
        }
    }

    @Test func offsetIndexLocationsAreThePagesOfTheChunk() throws {
        let directory = try TemporaryDirectory(prefix: "xr-index")
        let url = directory.appending("index.parquet")
        _ = try Self.write(to: url)
        let raw = try XRRawFile(url)
        let footerStart = raw.bytes.count - 8 - Int(XRLittleEndian.int32(Array(raw.bytes[(raw.bytes.count - 8)...])))
        let dataEnd = raw.metadata.rowGroups.flatMap(\.columns).map {
            Int($0.metaData!.dataPageOffset) + Int($0.metaData!.totalCompressedSize)
        }.max()!
        for (g, group) in raw.metadata.rowGroups.enumerated() {
            #expect(Int(group.numRows) == Self.groups[g].count)
            for chunk in group.columns {
                let meta = try #require(chunk.metaData)
                let name = "row group \(g) \(meta.pathInSchema.joined(separator: "."))"
                let index = try #require(try raw.offsetIndex(chunk), "\(name): no offset index")
                // Both indexes lie between the last column chunk and the footer.
                for (offset, length) in [
                    (chunk.offsetIndexOffset, chunk.offsetIndexLength),
                    (chunk.columnIndexOffset, chunk.columnIndexLength),
                ] {
                    let start = Int(try #require(offset, "\(name)"))
                    let end = start + Int(try #require(length, "\(name)"))
                    #expect(start >= dataEnd && end <= footerStart, "\(name): index at \(start)..<\(end)")
                }
                let locations = index.pageLocations
                #expect(locations.count == (Self.groups[g].count + Self.pageRows - 1) / Self.pageRows, "\(name)")
                #expect(
                    locations.first?.offset == meta.dataPageOffset,
                    "\(name): first page is not at data_page_offset"
                )
                #expect(locations.first?.firstRowIndex == 0, "\(name)")
                var rows: Int64 = 0
                for (i, location) in locations.enumerated() {
                    let (header, headerLength) = try raw.header(at: Int(location.offset))
                    #expect(header.type == .dataPage, "\(name) page \(i)")
                    #expect(
                        Int(location.compressedPageSize) == headerLength + Int(header.compressedPageSize),
                        "\(name) page \(i): size"
                    )
                    #expect(location.firstRowIndex == rows, "\(name) page \(i): first_row_index")
                    rows += Int64(header.dataPageValues ?? 0)
                    if i + 1 < locations.count {
                        #expect(
                            location.offset + Int64(location.compressedPageSize) == locations[i + 1].offset,
                            "\(name) page \(i): gap"
                        )
                    } else {
                        let chunkStart = meta.dictionaryPageOffset ?? meta.dataPageOffset
                        #expect(
                            location.offset + Int64(location.compressedPageSize) == chunkStart
                                + meta.totalCompressedSize,
                            "\(name): last page end"
                        )
                    }
                }
                #expect(rows == group.numRows, "\(name): pages hold \(rows) rows")
            }
        }
    }

    @Test func columnIndexBoundsAndNullCountsMatchEachPage() throws {
        let directory = try TemporaryDirectory(prefix: "xr-index")
        let url = directory.appending("index.parquet")
        _ = try Self.write(to: url)
        let data = Self.data()
        let raw = try XRRawFile(url)
        for (g, group) in raw.metadata.rowGroups.enumerated() {
            for chunk in group.columns {
                let meta = try #require(chunk.metaData)
                let path = meta.pathInSchema.joined(separator: ".")
                let name = "row group \(g) \(path)"
                let locations = try #require(try raw.offsetIndex(chunk)).pageLocations
                let index = try #require(try raw.columnIndex(chunk), "\(name): no column index")
                #expect(
                    index.nullPages.count == locations.count && index.minValues.count == locations.count
                        && index.maxValues.count == locations.count,
                    "\(name)"
                )
                for (p, location) in locations.enumerated() {
                    let start = Self.groups[g].lowerBound + Int(location.firstRowIndex)
                    let end =
                        p + 1 < locations.count
                        ? Self.groups[g].lowerBound + Int(locations[p + 1].firstRowIndex) : Self.groups[g].upperBound
                    let rows = start..<end
                    let page = "\(name) page \(p) (rows \(rows))"
                    // What the page should say: nulls, and min/max as PLAIN bytes of the type.
                    let (nulls, bounds): (Int, (min: [UInt8], max: [UInt8])?)
                    switch path {
                    case "id": (nulls, bounds) = Self.summary(rows.map { Optional(data.ids[$0]) }, Self.plain)
                    case "seller": (nulls, bounds) = Self.summary(rows.map { data.sellers[$0] }, Self.plain)
                    case "status":
                        (nulls, bounds) = Self.summary(
                            rows.map { Optional(data.statuses[$0]) },
                            { Array($0.utf8) },
                            by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                        )
                    case "note":
                        (nulls, bounds) = Self.summary(
                            rows.map { data.notes[$0] },
                            { Array($0.utf8) },
                            by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                        )
                    case "price": (nulls, bounds) = Self.summary(rows.map { data.prices[$0] }, Self.plain)
                    default:
                        Issue.record("unexpected column \(path)")
                        continue
                    }
                    #expect(index.nullCounts?[p] == Int64(nulls), "\(page): null count")
                    #expect(index.nullPages[p] == (bounds == nil), "\(page): null_pages")
                    if let bounds {
                        #expect(
                            index.minValues[p] == bounds.min,
                            "\(page): min \(XRHex.string(index.minValues[p])) vs \(XRHex.string(bounds.min))"
                        )
                        #expect(
                            index.maxValues[p] == bounds.max,
                            "\(page): max \(XRHex.string(index.maxValues[p])) vs \(XRHex.string(bounds.max))"
                        )
                    }
                }
                if path == "id" {
                    #expect(index.boundaryOrder == .ascending, "\(name)")
                }
                if path == "note" && g == 0 {
                    #expect(index.nullPages.contains(true), "\(name): the all-null pages")
                }
            }
        }
    }

    static func plain<T>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

    static func summary<T: Comparable>(_ values: [T?], _ encode: (T) -> [UInt8]) -> (Int, (min: [UInt8], max: [UInt8])?)
    {
        summary(values, encode, by: <)
    }

    static func summary<T>(
        _ values: [T?],
        _ encode: (T) -> [UInt8],
        by less: (T, T) -> Bool
    ) -> (Int, (min: [UInt8], max: [UInt8])?) {
        let present = values.compactMap { $0 }
        guard let lo = present.min(by: less), let hi = present.max(by: less) else { return (values.count, nil) }
        return (values.count - present.count, (encode(lo), encode(hi)))
    }

    /// DuckDB and polars read ranges of rows that cross pages and the row-group boundary, start
    /// inside a page, or cover the all-null pages of `note`, with every value right (one query
    /// for all the ranges, each reader).
    @Test(arguments: [XRReader.duckdb, .polars])
    func filteredReadersReadRangesOfRows(reader: XRReader) throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-index")
        let url = directory.appending("index.parquet")
        let columns = try Self.write(to: url)
        let data = Self.data()
        let ranges = [(0, 0), (1_000, 1_499), (1_734, 2_777), (3_990, 3_999)]
        let condition = ranges.map { "id BETWEEN \(data.ids[$0.0]) AND \(data.ids[$0.1])" }.joined(separator: " OR ")
        let rows = ranges.flatMap { Array($0.0...$0.1) }
        let wanted = columns.map { column in
            XRColumn(
                descriptor: column.descriptor,
                column: column.column,
                expected: rows.map { column.expected[$0] },
                types: [:]
            )
        }
        // Both return the rows in file order.
        let readout = try python.readFilteredServed(url, where: condition, with: reader)
        expectReadBack(readout, wanted, rows: rows.count, checkTypes: false)
    }

    /// A page whose values are all NaN has no bounds the column index could hold: the writer
    /// leaves that chunk's column index out (as arrow does) but keeps its offset index.
    @Test func aPageOfOnlyNaNLeavesTheColumnIndexOut() throws {
        let python = try XRFile.readers()
        let directory = try TemporaryDirectory(prefix: "xr-index")
        let d = ColumnDescriptor(name: "x", physicalType: .double)
        let values: [Double?] = (0..<300).map { $0 < 100 ? .nan : ($0 % 7 == 0 ? nil : Double($0)) }
        let columns = [
            XRColumn(
                descriptor: d,
                column: XRBuild.double(d, values),
                expected: values.map { $0.map { .float($0) } ?? .null },
                types: [:]
            )
        ]
        var options = ParquetWriterOptions()
        options.dataPageRowLimit = 100
        options.enableDictionary = false
        let url = directory.appending("nan.parquet")
        try XRFile.write(columns, to: url, options: options)
        for (_, readout) in try XRFile.readAll(url, with: python) {
            expectReadBack(readout, columns, rows: 300, checkTypes: false)
        }
        let raw = try XRRawFile(url)
        let chunk = raw.metadata.rowGroups[0].columns[0]
        #expect(try raw.offsetIndex(chunk)?.pageLocations.count == 3)
        #expect(chunk.columnIndexOffset == nil)
        let stats = try #require(chunk.metaData?.statistics)
        #expect(stats.minValue.map(XRLittleEndian.int64).map { Double(bitPattern: UInt64(bitPattern: $0)) } == 100)
        #expect(stats.maxValue.map(XRLittleEndian.int64).map { Double(bitPattern: UInt64(bitPattern: $0)) } == 299)
    }
}
