import Foundation
import TestSupport
import Testing

@testable import Parquet

/// The "known traps" of issue 2, checked on the bytes of files our writer produced, decoded with
/// the Parquet module's Thrift structs (no reader in between to smooth things over): legacy
/// ConvertedType beside LogicalType, dictionary and data page offsets, encoding_stats, page
/// sizes that match their bodies, column_orders, the deprecated min/max only where signed,
/// V1 pages with the encodings hyparquet reads, valid zero-row files.
@Suite struct WriterContractWhatReadersRelyOn {
    /// The file with every type (CrossReaderEveryTypeReadsBackExactly's table), written with
    /// `options`, as raw bytes and footer.
    static func everyTypeFile(
        _ options: ParquetWriterOptions = .init(),
        in directory: TemporaryDirectory
    ) throws -> (XRRawFile, [XRColumn]) {
        let columns = CrossReaderEveryTypeReadsBackExactly.table()
        let url = directory.appending("types.parquet")
        try XRFile.write(columns, to: url, options: options, keyValueMetadata: ["dataset": "orders", "version": "7"])
        return (try XRRawFile(url), columns)
    }

    /// What LogicalTypes.md's compatibility tables ask to be written beside each logical type.
    static func legacyAnnotation(_ logical: LogicalType?) -> ParquetFormat.ConvertedType? {
        switch logical {
        case nil: nil
        case .string?: .utf8
        case .json?: .json
        case .enumeration?: .enumeration
        case .bson?: .bson
        case .uuid?: nil
        case .decimal?: .decimal
        case .date?: .date
        case .integer(8, true)?: .int8
        case .integer(16, true)?: .int16
        case .integer(32, true)?: .int32
        case .integer(64, true)?: .int64
        case .integer(8, false)?: .uint8
        case .integer(16, false)?: .uint16
        case .integer(32, false)?: .uint32
        case .integer(64, false)?: .uint64
        case .integer?: nil
        // LogicalTypes.md: writers "must annotate local timestamps with legacy annotations too".
        case .timestamp(.millis, _)?: .timestampMillis
        case .timestamp(.micros, _)?: .timestampMicros
        case .timestamp(.nanos, _)?: nil
        case .time(.millis, _)?: .timeMillis
        case .time(.micros, _)?: .timeMicros
        case .time(.nanos, _)?: nil
        }
    }

    @Test func everyLogicalTypeAlsoCarriesItsConvertedType() throws {
        let directory = try TemporaryDirectory(prefix: "xr-contract")
        let (raw, columns) = try Self.everyTypeFile(in: directory)
        let schema = raw.metadata.schema
        #expect(schema.count == columns.count + 1)
        #expect(schema.first?.numChildren == Int32(columns.count))
        #expect(schema.first?.type == nil)
        for (element, column) in zip(schema.dropFirst(), columns) {
            let d = column.descriptor
            let name = d.name
            #expect(element.name == name)
            #expect(element.type?.rawValue == d.physicalType.rawValue, "\(name)")
            #expect(element.repetitionType == (d.isOptional ? .optional : .required), "\(name)")
            #expect(element.typeLength.map(Int.init) == d.typeLength, "\(name): type_length")
            #expect(
                element.convertedType == Self.legacyAnnotation(d.logicalType),
                "\(name): converted_type \(String(describing: element.convertedType))"
            )
            #expect(
                element.logicalType == d.logicalType.map(Self.format),
                "\(name): logical_type \(String(describing: element.logicalType))"
            )
            if case .decimal(let precision, let scale)? = d.logicalType {
                // hyparquet and other readers of the converted type take these from the element.
                #expect(
                    element.precision == Int32(precision) && element.scale == Int32(scale),
                    "\(name): precision/scale"
                )
            } else {
                #expect(element.precision == nil && element.scale == nil, "\(name): precision/scale on a non-decimal")
            }
        }
    }

    /// The thrift LogicalType our descriptor should become, spelled out independently.
    static func format(_ logical: LogicalType) -> ParquetFormat.LogicalType {
        func unit(_ u: TimeUnit) -> ParquetFormat.TimeUnit {
            switch u {
            case .millis: .millis
            case .micros: .micros
            case .nanos: .nanos
            }
        }
        switch logical {
        case .string: return .string
        case .json: return .json
        case .enumeration: return .enumeration
        case .bson: return .bson
        case .uuid: return .uuid
        case .integer(let bits, let signed): return .integer(bitWidth: Int8(bits), isSigned: signed)
        case .decimal(let precision, let scale): return .decimal(scale: Int32(scale), precision: Int32(precision))
        case .date: return .date
        case .time(let u, let utc): return .time(isAdjustedToUTC: utc, unit: unit(u))
        case .timestamp(let u, let utc): return .timestamp(isAdjustedToUTC: utc, unit: unit(u))
        }
    }

    @Test func theFooterNamesItsWriterAndKeepsTheCallersMetadata() throws {
        let directory = try TemporaryDirectory(prefix: "xr-contract")
        let (raw, _) = try Self.everyTypeFile(in: directory)
        #expect(
            raw.metadata.createdBy?.hasPrefix("parquet-publisher version \(ParquetLibrary.version)") == true,
            "\(raw.metadata.createdBy ?? "nil")"
        )
        let pairs = (raw.metadata.keyValueMetadata ?? []).map { ($0.key, $0.value) }
        #expect(pairs.map(\.0) == ["dataset", "version"])
        #expect(pairs.map(\.1) == ["orders", "7"])
        #expect(Array(raw.bytes.prefix(4)) == Array("PAR1".utf8))
        #expect(Array(raw.bytes.suffix(4)) == Array("PAR1".utf8))
        #expect(raw.metadata.numRows == Int64(CrossReaderEveryTypeReadsBackExactly.rows))
    }

    /// column_orders must be there whenever min_value/max_value are (parquet.thrift), one per
    /// leaf, TypeDefinedOrder: the order the statistics were computed in.
    @Test func columnOrdersAccompanyTheStatistics() throws {
        let directory = try TemporaryDirectory(prefix: "xr-contract")
        let (raw, columns) = try Self.everyTypeFile(in: directory)
        let orders = try #require(raw.metadata.columnOrders)
        #expect(orders.count == columns.count)
        #expect(orders.allSatisfy { $0 == .typeOrder })
        let withBounds = raw.metadata.rowGroups.flatMap(\.columns).filter { $0.metaData?.statistics?.minValue != nil }
        #expect(withBounds.count == columns.count, "every column of the table has values, so bounds")
    }

    /// The deprecated Statistics.min/max were compared signed: they are written only where the
    /// logical type's order is signed (signed integers, dates, timestamps, decimals on
    /// integers, floats, booleans) and then equal min_value/max_value; never for strings,
    /// binary, unsigned integers or decimals in bytes.
    @Test func deprecatedMinMaxOnlyWhereTheOrderIsSigned() throws {
        let directory = try TemporaryDirectory(prefix: "xr-contract")
        let (raw, columns) = try Self.everyTypeFile(in: directory)
        for (chunk, column) in zip(raw.metadata.rowGroups[0].columns, columns) {
            let d = column.descriptor
            let stats = try #require(chunk.metaData?.statistics, "\(d.name)")
            let signed: Bool
            switch (d.physicalType, d.logicalType) {
            case (.byteArray, _), (.fixedLenByteArray, _): signed = false
            case (_, .integer(_, false)?): signed = false
            default: signed = true
            }
            if signed {
                #expect(
                    stats.min == stats.minValue && stats.max == stats.maxValue,
                    "\(d.name): deprecated min/max differ from min_value/max_value"
                )
            } else {
                #expect(
                    stats.min == nil && stats.max == nil,
                    "\(d.name): deprecated min/max written for a non-signed order"
                )
            }
        }
    }

    /// dictionary_page_offset is set exactly when the chunk starts with a dictionary page, and
    /// data_page_offset points past it, at the first data page.
    @Test(arguments: [true, false])
    func dictionaryAndDataPageOffsets(dictionary: Bool) throws {
        let directory = try TemporaryDirectory(prefix: "xr-contract")
        var options = ParquetWriterOptions()
        options.enableDictionary = dictionary
        let columns = XROrders.table(rows: 2_000)
        let url = directory.appending("offsets.parquet")
        try XRFile.write(columns, to: url, options: options)
        let raw = try XRRawFile(url)
        var dictionaries = 0
        for chunk in raw.metadata.rowGroups[0].columns {
            let meta = try #require(chunk.metaData)
            let name = meta.pathInSchema.joined(separator: ".")
            let first = Int(meta.dictionaryPageOffset ?? meta.dataPageOffset)
            let (firstHeader, _) = try raw.header(at: first)
            let (dataHeader, _) = try raw.header(at: Int(meta.dataPageOffset))
            #expect(dataHeader.type == .dataPage, "\(name): data_page_offset is on a \(dataHeader.type)")
            if let offset = meta.dictionaryPageOffset {
                dictionaries += 1
                #expect(firstHeader.type == .dictionaryPage, "\(name)")
                #expect(meta.dataPageOffset > offset, "\(name): data_page_offset not past the dictionary")
                #expect(meta.encodings.contains(.rleDictionary), "\(name)")
            } else {
                #expect(firstHeader.type == .dataPage, "\(name): a dictionary page without dictionary_page_offset")
            }
            #expect(
                try raw.pages(of: meta).filter { $0.header.type == .dictionaryPage }.count
                    == (meta.dictionaryPageOffset == nil ? 0 : 1),
                "\(name)"
            )
        }
        // The orders table has low-cardinality columns (status, seller_id), so some dictionaries.
        #expect((dictionaries > 0) == dictionary)
    }

    /// encoding_stats on every chunk, counting exactly the pages there are; chunk sizes and
    /// value counts that add up; and only V1 data pages with encodings hyparquet reads
    /// (no DELTA_BYTE_ARRAY, no DELTA_LENGTH_BYTE_ARRAY, no BYTE_STREAM_SPLIT).
    @Test(arguments: [Compression.zstd(level: 3), .uncompressed])
    func pagesAreWhatTheFooterSays(compression: Compression) throws {
        let directory = try TemporaryDirectory(prefix: "xr-contract")
        var options = ParquetWriterOptions()
        options.compression = compression
        options.dataPageRowLimit = 5
        let (raw, columns) = try Self.everyTypeFile(options, in: directory)
        let group = raw.metadata.rowGroups[0]
        #expect(Int(group.numRows) == CrossReaderEveryTypeReadsBackExactly.rows)
        var groupBytes: Int64 = 0
        for chunk in group.columns {
            let meta = try #require(chunk.metaData)
            let name = meta.pathInSchema.joined(separator: ".")
            #expect(meta.codec == (compression == .uncompressed ? .uncompressed : .zstd), "\(name)")
            #expect(meta.numValues == group.numRows, "\(name): num_values")
            let pages = try raw.pages(of: meta)
            var counted: [ParquetFormat.PageEncodingStats] = []
            var uncompressed: Int64 = 0
            var compressed: Int64 = 0
            var values = 0
            for page in pages {
                let body = try raw.decompressed(page, codec: meta.codec)
                #expect(body.count == Int(page.header.uncompressedPageSize), "\(name): page at \(page.offset)")
                uncompressed += Int64(page.headerLength) + Int64(page.header.uncompressedPageSize)
                compressed += Int64(page.totalLength)
                switch page.header.type {
                case .dictionaryPage:
                    let header = try #require(page.header.dictionaryPageHeader)
                    #expect(header.encoding == .plain || header.encoding == .plainDictionary, "\(name)")
                    counted.append(.init(pageType: .dictionaryPage, encoding: header.encoding, count: 1))
                case .dataPage:
                    let header = try #require(page.header.dataPageHeader)
                    #expect(
                        [.plain, .rleDictionary, .deltaBinaryPacked].contains(header.encoding),
                        "\(name): \(header.encoding)"
                    )
                    #expect(header.definitionLevelEncoding == .rle, "\(name)")
                    values += Int(header.numValues)
                    if let i = counted.firstIndex(where: { $0.pageType == .dataPage && $0.encoding == header.encoding })
                    {
                        counted[i].count += 1
                    } else {
                        counted.append(.init(pageType: .dataPage, encoding: header.encoding, count: 1))
                    }
                default:
                    Issue.record(
                        "\(name): a \(page.header.type) page; hyparquet reads only V1 data pages and dictionaries"
                    )
                }
            }
            #expect(values == Int(meta.numValues), "\(name): pages hold \(values) values")
            #expect(meta.totalCompressedSize == compressed, "\(name): total_compressed_size")
            #expect(meta.totalUncompressedSize == uncompressed, "\(name): total_uncompressed_size")
            let stats = try #require(meta.encodingStats, "\(name): no encoding_stats")
            #expect(Set(stats) == Set(counted), "\(name): encoding_stats \(stats) but pages \(counted)")
            // Every encoding used is listed, and the levels' RLE for OPTIONAL columns.
            let used = Set(counted.map(\.encoding))
            #expect(used.isSubset(of: Set(meta.encodings)), "\(name): encodings \(meta.encodings)")
            let optional = columns.first { $0.name == name }?.descriptor.isOptional ?? false
            if optional { #expect(meta.encodings.contains(.rle), "\(name): RLE levels not listed") }
            groupBytes += compressed
        }
        if let total = group.totalCompressedSize { #expect(total == groupBytes) }
        #expect(
            group.fileOffset
                == group.columns.first.flatMap { $0.metaData.map { $0.dictionaryPageOffset ?? $0.dataPageOffset } }
        )
    }

    /// What `close` reports per row group, which index.json publishes for the browser to prune
    /// row groups: the footer's byte ranges and row counts, and each column's min/max as PLAIN
    /// bytes — the footer's own bounds, except that long strings are not truncated.
    @Test func theSummaryAgreesWithTheFooter() throws {
        let directory = try TemporaryDirectory(prefix: "xr-contract")
        var columns = CrossReaderStatisticsFollowTheLogicalTypesOrder.cases().map(\.column)
        let long = ColumnDescriptor(name: "long", physicalType: .byteArray, logicalType: .string)
        let longValues: [String?] = (0..<16).map { $0 == 3 ? nil : String(repeating: "\($0 % 10)", count: 70 + $0) }
        columns.append(XRColumn(descriptor: long, column: XRBuild.string(long, longValues), expected: [], types: [:]))
        let url = directory.appending("summary.parquet")
        let summary = try XRFile.write(columns, to: url, batches: [0..<8, 8..<16], endGroups: true)
        let raw = try XRRawFile(url)
        #expect(summary.rows == 16 && summary.bytes == raw.bytes.count)
        #expect(summary.rowGroups.count == raw.metadata.rowGroups.count)
        var firstRow = 0
        for (published, group) in zip(summary.rowGroups, raw.metadata.rowGroups) {
            let g = published.index
            #expect(published.firstRow == firstRow && published.rows == Int(group.numRows), "row group \(g)")
            firstRow += published.rows
            #expect(
                Int64(published.offset) == group.fileOffset && Int64(published.length) == group.totalCompressedSize,
                "row group \(g)"
            )
            #expect(published.columnMinMax.count == columns.count)
            for (c, chunk) in group.columns.enumerated() {
                let stats = try #require(chunk.metaData?.statistics)
                let name = "row group \(g) \(columns[c].name)"
                let bounds = published.columnMinMax[c]
                if columns[c].name == "long" {
                    let present = longValues[(g * 8)..<(g * 8 + 8)].compactMap { $0.map { Array($0.utf8) } }
                    #expect(
                        bounds?.min == present.min(by: { $0.lexicographicallyPrecedes($1) }),
                        "\(name): untruncated min"
                    )
                    #expect(
                        bounds?.max == present.max(by: { $0.lexicographicallyPrecedes($1) }),
                        "\(name): untruncated max"
                    )
                    #expect(stats.isMaxValueExact == false, "\(name): the footer's max is truncated")
                } else {
                    #expect(bounds?.min == stats.minValue && bounds?.max == stats.maxValue, "\(name)")
                }
            }
        }
    }

    /// Zero rows: a footer with the schema, no row groups and column_orders, that our own
    /// Thrift decoder and the magic bytes accept.
    @Test func aZeroRowFileIsAValidFile() throws {
        let directory = try TemporaryDirectory(prefix: "xr-contract")
        let columns = CrossReaderEveryTypeReadsBackExactly.table().map { c in
            XRColumn(
                descriptor: c.descriptor,
                column: Column(values: .empty(for: c.descriptor)),
                expected: [],
                types: [:]
            )
        }
        let url = directory.appending("empty.parquet")
        try XRFile.write(columns, to: url)
        let raw = try XRRawFile(url)
        #expect(raw.metadata.numRows == 0)
        #expect(raw.metadata.rowGroups.isEmpty)
        #expect(raw.metadata.schema.count == columns.count + 1)
        #expect(raw.metadata.columnOrders?.count == columns.count)
        #expect(Array(raw.bytes.prefix(4)) == Array("PAR1".utf8) && Array(raw.bytes.suffix(4)) == Array("PAR1".utf8))
    }
}
