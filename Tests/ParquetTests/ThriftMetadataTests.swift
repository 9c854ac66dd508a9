import Foundation
import Testing

@testable import Parquet

private typealias P = ParquetFormat

private func roundTrip<T: ThriftStruct & Equatable>(
    _ value: T,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let bytes = value.encoded()
    var reader = ThriftCompactReader(bytes)
    let decoded = try T(from: &reader)
    #expect(decoded == value, sourceLocation: sourceLocation)
    #expect(reader.position == bytes.count, "decoder consumed all bytes", sourceLocation: sourceLocation)
}

// MARK: - Samples

private let fullStatistics = P.Statistics(
    max: [9],
    min: [1],
    nullCount: 3,
    distinctCount: 7,
    maxValue: [0xFF, 0x7F],
    minValue: [],
    isMaxValueExact: true,
    isMinValueExact: false,
    nanCount: 0
)

private let allLogicalTypes: [P.LogicalType] = [
    .string, .map, .list, .enumeration, .decimal(scale: 2, precision: 12), .date,
    .time(isAdjustedToUTC: false, unit: .millis), .time(isAdjustedToUTC: true, unit: .nanos),
    .timestamp(isAdjustedToUTC: true, unit: .micros), .timestamp(isAdjustedToUTC: false, unit: .millis),
    .integer(bitWidth: 8, isSigned: false), .integer(bitWidth: 64, isSigned: true),
    .unknown, .json, .bson, .uuid, .float16,
]

private let fullColumnMetaData = P.ColumnMetaData(
    type: .byteArray,
    encodings: [.plain, .rle, .rleDictionary],
    pathInSchema: ["a", "b"],
    codec: .zstd,
    numValues: 1_000_000,
    totalUncompressedSize: 5_000_000_000,
    totalCompressedSize: 123_456,
    keyValueMetadata: [P.KeyValue(key: "k", value: "v"), P.KeyValue(key: "only-key")],
    dataPageOffset: 4100,
    indexPageOffset: 50,
    dictionaryPageOffset: 4,
    statistics: fullStatistics,
    encodingStats: [
        P.PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1),
        P.PageEncodingStats(pageType: .dataPage, encoding: .rleDictionary, count: 17),
    ],
    bloomFilterOffset: 9_000_000,
    bloomFilterLength: 1024,
    sizeStatistics: P.SizeStatistics(
        unencodedByteArrayDataBytes: 77,
        repetitionLevelHistogram: [5],
        definitionLevelHistogram: [1, 4]
    )
)

private let fullFileMetaData = P.FileMetaData(
    version: 2,
    schema: [
        P.SchemaElement(name: "schema", numChildren: 2),
        P.SchemaElement(
            type: .int64,
            repetitionType: .required,
            name: "id",
            convertedType: .uint64,
            fieldId: 1,
            logicalType: .integer(bitWidth: 64, isSigned: false)
        ),
        P.SchemaElement(
            type: .fixedLenByteArray,
            typeLength: 11,
            repetitionType: .optional,
            name: "price",
            convertedType: .decimal,
            scale: 2,
            precision: 25,
            logicalType: .decimal(scale: 2, precision: 25)
        ),
    ],
    numRows: 3_000_000_000,
    rowGroups: [
        P.RowGroup(
            columns: [
                P.ColumnChunk(
                    filePath: "other.parquet",
                    fileOffset: 0,
                    metaData: fullColumnMetaData,
                    offsetIndexOffset: 10,
                    offsetIndexLength: 20,
                    columnIndexOffset: 30,
                    columnIndexLength: 40
                ),
                P.ColumnChunk(metaData: fullColumnMetaData),
            ],
            totalByteSize: 99,
            numRows: 3_000_000_000,
            sortingColumns: [P.SortingColumn(columnIdx: 0, descending: true, nullsFirst: false)],
            fileOffset: 4,
            totalCompressedSize: 88,
            ordinal: 0
        ),
        P.RowGroup(columns: [], totalByteSize: 0, numRows: 0),
    ],
    keyValueMetadata: [P.KeyValue(key: "ARROW:schema", value: "…")],
    createdBy: "parquet-publisher version 0.1.0",
    columnOrders: [.typeOrder, .ieee754TotalOrder, .int96TimestampOrder]
)

@Suite struct ParquetMetadataRoundTrips {
    @Test("Statistics round-trips full and empty")
    func statistics() throws {
        try roundTrip(fullStatistics)
        try roundTrip(P.Statistics())
        #expect(P.Statistics().encoded() == [0x00])
    }

    @Test("every LogicalType member round-trips")
    func logicalTypes() throws {
        for logicalType in allLogicalTypes {
            try roundTrip(logicalType)
        }
        for unit in P.TimeUnit.allCases {
            try roundTrip(unit)
        }
    }

    @Test("SchemaElement round-trips for the root, a leaf, and one with every field")
    func schemaElements() throws {
        try roundTrip(P.SchemaElement(name: "schema", numChildren: 3))
        for logicalType in allLogicalTypes {
            try roundTrip(
                P.SchemaElement(
                    type: .int32,
                    typeLength: 4,
                    repetitionType: .optional,
                    name: "c",
                    numChildren: nil,
                    convertedType: .int8,
                    scale: 1,
                    precision: 2,
                    fieldId: -5,
                    logicalType: logicalType
                )
            )
        }
    }

    @Test("page headers of every kind round-trip")
    func pageHeaders() throws {
        try roundTrip(
            P.PageHeader(
                type: .dataPage,
                uncompressedPageSize: 1 << 20,
                compressedPageSize: 12345,
                crc: -123,
                dataPageHeader: P.DataPageHeader(
                    numValues: 20000,
                    encoding: .rleDictionary,
                    definitionLevelEncoding: .rle,
                    repetitionLevelEncoding: .bitPacked,
                    statistics: fullStatistics
                )
            )
        )
        try roundTrip(
            P.PageHeader(
                type: .dictionaryPage,
                uncompressedPageSize: 10,
                compressedPageSize: 10,
                dictionaryPageHeader: P.DictionaryPageHeader(numValues: 3, encoding: .plain, isSorted: true)
            )
        )
        try roundTrip(
            P.PageHeader(
                type: .dataPageV2,
                uncompressedPageSize: 0,
                compressedPageSize: 0,
                dataPageHeaderV2: P.DataPageHeaderV2(
                    numValues: 5,
                    numNulls: 2,
                    numRows: 5,
                    encoding: .deltaBinaryPacked,
                    definitionLevelsByteLength: 2,
                    repetitionLevelsByteLength: 0,
                    isCompressed: false,
                    statistics: P.Statistics(nullCount: 2)
                )
            )
        )
        try roundTrip(
            P.PageHeader(
                type: .indexPage,
                uncompressedPageSize: 1,
                compressedPageSize: 1,
                indexPageHeader: P.IndexPageHeader()
            )
        )
        try roundTrip(P.DictionaryPageHeader(numValues: 0))
    }

    @Test("column chunk metadata round-trips with every optional field set")
    func columnChunks() throws {
        try roundTrip(fullColumnMetaData)
        try roundTrip(
            P.ColumnMetaData(
                type: .boolean,
                encodings: [],
                pathInSchema: ["x"],
                codec: .uncompressed,
                numValues: 0,
                totalUncompressedSize: 0,
                totalCompressedSize: 0,
                dataPageOffset: 4
            )
        )
        try roundTrip(P.ColumnChunk(metaData: fullColumnMetaData))
        try roundTrip(P.SortingColumn(columnIdx: 3, descending: false, nullsFirst: true))
        try roundTrip(P.PageEncodingStats(pageType: .dataPageV2, encoding: .byteStreamSplit, count: 2))
        try roundTrip(P.SizeStatistics())
        try roundTrip(P.KeyValue(key: "", value: ""))
    }

    @Test("page index structures round-trip, including more than 14 pages")
    func pageIndex() throws {
        let pages = 40
        try roundTrip(
            P.OffsetIndex(
                pageLocations: (0..<pages).map {
                    P.PageLocation(
                        offset: Int64($0) * 1_048_576 + 4,
                        compressedPageSize: 1_000_000,
                        firstRowIndex: Int64($0) * 20_000
                    )
                },
                unencodedByteArrayDataBytes: Array(repeating: 12, count: pages)
            )
        )
        try roundTrip(
            P.ColumnIndex(
                nullPages: (0..<pages).map { $0 % 3 == 0 },
                minValues: (0..<pages).map { $0 % 3 == 0 ? [] : [UInt8($0)] },
                maxValues: (0..<pages).map { $0 % 3 == 0 ? [] : [UInt8($0), 0xFF] },
                boundaryOrder: .ascending,
                nullCounts: (0..<pages).map { Int64($0) },
                repetitionLevelHistograms: [1],
                definitionLevelHistograms: [2, 3],
                nanCounts: [0]
            )
        )
    }

    @Test("FileMetaData round-trips with nested row groups, schema and column orders")
    func fileMetaData() throws {
        try roundTrip(fullFileMetaData)
        try roundTrip(
            P.FileMetaData(schema: [P.SchemaElement(name: "schema", numChildren: 0)], numRows: 0, rowGroups: [])
        )
        try roundTrip(P.ColumnOrder.unknown)
    }
}

@Suite struct ParquetMetadataWireFormat {
    @Test("a data page header encodes to the bytes worked out by hand from the spec")
    func pageHeaderBytes() throws {
        let header = P.PageHeader(
            type: .dataPage,
            uncompressedPageSize: 100,
            compressedPageSize: 50,
            dataPageHeader: P.DataPageHeader(
                numValues: 10,
                encoding: .plain,
                definitionLevelEncoding: .rle,
                repetitionLevelEncoding: .rle
            )
        )
        let expected: [UInt8] = [
            0x15, 0x00,  // 1: type = DATA_PAGE (0)
            0x15, 0xC8, 0x01,  // 2: uncompressed_page_size = 100 (zigzag 200)
            0x15, 0x64,  // 3: compressed_page_size = 50 (zigzag 100)
            0x2C,  // 5: data_page_header, delta 2, struct
            0x15, 0x14,  //   1: num_values = 10
            0x15, 0x00,  //   2: encoding = PLAIN
            0x15, 0x06,  //   3: definition_level_encoding = RLE (3)
            0x15, 0x06,  //   4: repetition_level_encoding = RLE
            0x00,  //   stop
            0x00,  // stop
        ]
        #expect(header.encoded() == expected)
    }

    @Test("a TIMESTAMP(UTC, MICROS) logical type encodes as nested unions of empty structs")
    func logicalTypeBytes() {
        #expect(
            P.LogicalType.timestamp(isAdjustedToUTC: true, unit: .micros).encoded() == [
                0x8C,  // 8: TimestampType
                0x11,  //   1: isAdjustedToUTC = true
                0x1C,  //   2: unit (TimeUnit union)
                0x2C, 0x00,  //     2: MICROS, an empty struct
                0x00,  //   stop of TimeUnit
                0x00,  // stop of TimestampType
                0x00,  // stop of LogicalType
            ]
        )
        #expect(
            P.LogicalType.integer(bitWidth: 16, isSigned: true).encoded() == [
                0xAC,  // 10: IntType
                0x13, 0x10,  //   1: bitWidth = 16, an i8 (one raw byte)
                0x11,  //   2: isSigned = true
                0x00,  // stop of IntType
                0x00,  // stop of LogicalType
            ]
        )
    }

    @Test("field ids match parquet.thrift: column_orders 7, encoding_stats 13, statistics 5")
    func fieldIds() throws {
        func fieldIds(_ bytes: [UInt8]) throws -> [Int16] {
            var reader = ThriftCompactReader(bytes)
            var ids: [Int16] = []
            try reader.readStructBegin()
            while let field = try reader.readFieldBegin() {
                ids.append(field.id)
                try reader.skip(field)
            }
            return ids
        }
        #expect(try fieldIds(fullFileMetaData.encoded()) == [1, 2, 3, 4, 5, 6, 7])
        #expect(try fieldIds(fullColumnMetaData.encoded()) == Array(1...16))
        #expect(try fieldIds(fullStatistics.encoded()) == Array(1...9))
        #expect(
            try fieldIds(P.DataPageHeader(numValues: 1, encoding: .plain, statistics: P.Statistics()).encoded()) == [
                1, 2, 3, 4, 5,
            ]
        )
        #expect(try fieldIds(fullFileMetaData.rowGroups[0].encoded()) == Array(1...7))
        #expect(try fieldIds(fullFileMetaData.rowGroups[0].columns[0].encoded()) == Array(1...7))
        #expect(try fieldIds(fullFileMetaData.schema[2].encoded()) == [1, 2, 3, 4, 6, 7, 8, 10])
        #expect(
            try fieldIds(
                P.DataPageHeaderV2(
                    numValues: 1,
                    numNulls: 0,
                    numRows: 1,
                    encoding: .plain,
                    definitionLevelsByteLength: 0,
                    repetitionLevelsByteLength: 0,
                    isCompressed: true,
                    statistics: P.Statistics()
                ).encoded()
            ) == Array(1...8)
        )
        #expect(
            try fieldIds(
                P.ColumnIndex(
                    nullPages: [],
                    minValues: [],
                    maxValues: [],
                    boundaryOrder: .unordered,
                    nullCounts: [],
                    repetitionLevelHistograms: [],
                    definitionLevelHistograms: [],
                    nanCounts: []
                ).encoded()
            ) == Array(1...8)
        )
        // ColumnOrder.typeOrder is union member 1.
        #expect(P.ColumnOrder.typeOrder.encoded() == [0x1C, 0x00, 0x00])
        #expect(P.ColumnOrder.ieee754TotalOrder.encoded() == [0x2C, 0x00, 0x00])
    }
}

@Suite struct ParquetMetadataDecoding {
    @Test("a missing required field is an error naming the struct and the field")
    func missingRequiredField() throws {
        var w = ThriftCompactWriter()
        w.writeStructBegin()
        w.writeI32Field(1, 0)
        w.writeI32Field(2, 100)
        w.writeStructEnd()
        do {
            _ = try P.PageHeader(encoded: w.bytes)
            Issue.record("decoded a PageHeader without compressed_page_size")
        } catch {
            #expect(error.code == .missingRequiredField)
            #expect(error.message.contains("PageHeader"))
            #expect(error.message.contains("compressed_page_size"))
        }
        do {
            _ = try P.SchemaElement(encoded: [0x15, 0x02, 0x00])
            Issue.record("decoded a SchemaElement without a name")
        } catch {
            #expect(error.code == .missingRequiredField)
            #expect(error.message == "SchemaElement lacks required field name")
        }
    }

    @Test("an unknown enum value is an error naming the field, not a crash")
    func unknownEnumValue() {
        var bytes = P.PageHeader(type: .dataPage, uncompressedPageSize: 1, compressedPageSize: 1).encoded()
        bytes[1] = 0x12  // type = 9
        do {
            _ = try P.PageHeader(encoded: bytes)
            Issue.record("decoded page type 9")
        } catch {
            #expect(error.code == .unknownEnumValue)
            #expect(error.message.contains("PageHeader.type"))
            #expect(error.message.contains("9"))
        }
    }

    @Test("a field with an unexpected wire type is skipped like an unknown field")
    func mismatchedFieldType() throws {
        var w = ThriftCompactWriter()
        w.writeStructBegin()
        w.writeStringField(1, "k")
        w.writeI32Field(2, 5)  // value should be a string
        w.writeStructEnd()
        #expect(try P.KeyValue(encoded: w.bytes) == P.KeyValue(key: "k", value: nil))
    }

    @Test("logical type members this reader does not model decode as no logical type")
    func unknownLogicalType() throws {
        var w = ThriftCompactWriter()
        w.writeStructBegin()
        w.writeStringField(4, "geom")
        w.writeFieldBegin(.struct, id: 10)
        w.writeStructBegin()
        w.writeFieldBegin(.struct, id: 17)  // GEOMETRY { 1: crs }
        w.writeStructBegin()
        w.writeStringField(1, "OGC:CRS84")
        w.writeStructEnd()
        w.writeStructEnd()
        w.writeI32Field(11, 3)  // vector_length, not modelled
        w.writeStructEnd()
        let element = try P.SchemaElement(encoded: w.bytes)
        #expect(element.name == "geom")
        #expect(element.logicalType == nil)
    }

    @Test("an unknown column order member keeps its place in the list")
    func unknownColumnOrder() throws {
        var w = ThriftCompactWriter()
        w.writeListBegin(elementType: .struct, count: 2)
        w.writeStructBegin()
        w.writeEmptyStructField(9)
        w.writeStructEnd()
        P.ColumnOrder.typeOrder.write(to: &w)
        var reader = ThriftCompactReader(w.bytes)
        let orders = try reader.readList(of: .struct, in: "FileMetaData", field: "column_orders") {
            (r) throws(ThriftError) in try P.ColumnOrder(from: &r)
        }
        #expect(orders == [.unknown, .typeOrder])
    }

    @Test("ColumnChunk.file_offset, required with default 0, decodes as 0 when absent")
    func fileOffsetDefault() throws {
        #expect(try P.ColumnChunk(encoded: [0x00]).fileOffset == 0)
    }
}

@Suite struct ParquetMetadataFixtureFiles {
    struct Report: Decodable {
        struct Column: Decodable {
            var path: String
            var physical_type: String
            var compression: String
            var logical_type: String
            var converted_type: String
            var max_definition_level: Int
            var num_values: Int64
            var encodings: [String]
            var data_page_offset: Int64
            var dictionary_page_offset: Int64?
            var total_compressed_size: Int64
            var total_uncompressed_size: Int64
            var null_count: Int64?
            var has_column_index: Bool
            var has_offset_index: Bool
        }
        var created_by: String
        var num_rows: Int64
        var num_row_groups: Int
        var row_group_num_rows: [Int64]
        var schema_names: [String]
        var metadata_keys: [String]
        var serialized_size: Int
        var columns: [Column]
    }

    static let physicalTypeNames = [
        "BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY",
    ]
    static let codecNames = ["UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"]
    static let encodingNames: [ParquetFormat.Encoding: String] = [
        .plain: "PLAIN", .plainDictionary: "PLAIN_DICTIONARY", .rle: "RLE", .bitPacked: "BIT_PACKED",
        .deltaBinaryPacked: "DELTA_BINARY_PACKED", .deltaLengthByteArray: "DELTA_LENGTH_BYTE_ARRAY",
        .deltaByteArray: "DELTA_BYTE_ARRAY", .rleDictionary: "RLE_DICTIONARY", .byteStreamSplit: "BYTE_STREAM_SPLIT",
    ]
    static let convertedTypeNames = [
        "UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE", "TIME_MILLIS", "TIME_MICROS",
        "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8", "UINT_16", "UINT_32", "UINT_64", "INT_8", "INT_16",
        "INT_32", "INT_64", "JSON", "BSON", "INTERVAL",
    ]

    /// pyarrow's name for a logical type (`ParquetLogicalType.type`).
    static func logicalTypeName(_ logicalType: ParquetFormat.LogicalType) -> String {
        switch logicalType {
        case .string: "STRING"
        case .map: "MAP"
        case .list: "LIST"
        case .enumeration: "ENUM"
        case .decimal: "DECIMAL"
        case .date: "DATE"
        case .time: "TIME"
        case .timestamp: "TIMESTAMP"
        case .integer: "INT"
        case .unknown: "UNKNOWN"
        case .json: "JSON"
        case .bson: "BSON"
        case .uuid: "UUID"
        case .float16: "FLOAT16"
        }
    }

    /// pyarrow's name for the logical type a legacy converted type implies.
    static func impliedLogicalTypeName(_ convertedType: ParquetFormat.ConvertedType?) -> String {
        switch convertedType {
        case nil, .mapKeyValue, .interval: "NONE"
        case .utf8: "STRING"
        case .map: "MAP"
        case .list: "LIST"
        case .enumeration: "ENUM"
        case .decimal: "DECIMAL"
        case .date: "DATE"
        case .timeMillis, .timeMicros: "TIME"
        case .timestampMillis, .timestampMicros: "TIMESTAMP"
        case .uint8, .uint16, .uint32, .uint64, .int8, .int16, .int32, .int64: "INT"
        case .json: "JSON"
        case .bson: "BSON"
        }
    }

    static func fixture(_ name: String, _ ext: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures"))
        return [UInt8](try Data(contentsOf: url))
    }

    /// The footer: `<FileMetaData> <4-byte little-endian length> PAR1` at the end of the file.
    static func footer(of file: [UInt8]) throws -> (offset: Int, bytes: ArraySlice<UInt8>) {
        #expect(Array(file.suffix(4)) == Array("PAR1".utf8))
        let lengthBytes = file[(file.count - 8)..<(file.count - 4)]
        let length = lengthBytes.reversed().reduce(0) { $0 << 8 | Int($1) }
        let start = file.count - 8 - length
        return (start, file[start..<(file.count - 8)])
    }

    // Fixtures made by Tests/ParquetTests/Fixtures/make_fixtures.py with pyarrow 26.0.1 and DuckDB 2.0.1
    // (`/tmp/probe-venv/bin/python Tests/ParquetTests/Fixtures/make_fixtures.py`): a 300-row table of
    // int64, string with nulls, int16, decimal(12,2), double, uint32, timestamp[us, UTC], date and bool,
    // written by pyarrow (ZSTD, 2 row groups, page index, small pages) and by DuckDB (SNAPPY). Beside each
    // file, the JSON is what pyarrow's ParquetFile.metadata reports about it.
    @Test(
        "footers written by pyarrow and DuckDB decode to what pyarrow reports",
        arguments: ["pyarrow-zstd", "duckdb-snappy"]
    )
    func footerMatchesPyarrow(fixture name: String) throws {
        let file = try Self.fixture(name, "parquet")
        let report = try JSONDecoder().decode(Report.self, from: Data(try Self.fixture(name, "json")))
        let (footerOffset, footerBytes) = try Self.footer(of: file)
        #expect(footerBytes.count == report.serialized_size)

        var reader = ThriftCompactReader(footerBytes, baseOffset: footerOffset)
        let metadata = try P.FileMetaData(from: &reader)
        #expect(reader.position == footerBytes.count, "the footer is consumed exactly")

        #expect(metadata.createdBy == report.created_by)
        #expect(metadata.numRows == report.num_rows)
        #expect(metadata.rowGroups.count == report.num_row_groups)
        #expect(metadata.rowGroups.map(\.numRows) == report.row_group_num_rows)
        #expect(metadata.schema.first?.numChildren == Int32(report.schema_names.count))
        #expect(metadata.schema.dropFirst().map(\.name) == report.schema_names)
        #expect((metadata.keyValueMetadata ?? []).map(\.key).sorted() == report.metadata_keys)
        #expect(metadata.columnOrders?.count == report.columns.count)

        let leaves = Array(metadata.schema.dropFirst())
        let chunks = metadata.rowGroups[0].columns
        #expect(chunks.count == report.columns.count)
        for (i, (chunk, expected)) in zip(chunks, report.columns).enumerated() {
            let meta = try #require(chunk.metaData)
            let leaf = leaves[i]
            #expect(meta.pathInSchema == [expected.path])
            #expect(Self.physicalTypeNames[Int(meta.type.rawValue)] == expected.physical_type)
            #expect(leaf.type == meta.type)
            #expect(Self.codecNames[Int(meta.codec.rawValue)] == expected.compression)
            // DuckDB writes only the legacy ConvertedType for some columns (ints, strings, dates);
            // pyarrow then reports the LogicalType that converted type implies.
            let logicalName =
                leaf.logicalType.map(Self.logicalTypeName) ?? Self.impliedLogicalTypeName(leaf.convertedType)
            #expect(logicalName == expected.logical_type, "\(expected.path)")
            #expect(
                leaf.convertedType.map { Self.convertedTypeNames[Int($0.rawValue)] } ?? "NONE"
                    == expected.converted_type
            )
            #expect((leaf.repetitionType == .optional ? 1 : 0) == expected.max_definition_level)
            #expect(meta.numValues == expected.num_values)
            #expect(meta.encodings.map { Self.encodingNames[$0]! }.sorted() == expected.encodings.sorted())
            #expect(meta.dataPageOffset == expected.data_page_offset)
            #expect(meta.dictionaryPageOffset == expected.dictionary_page_offset)
            #expect(meta.totalCompressedSize == expected.total_compressed_size)
            #expect(meta.totalUncompressedSize == expected.total_uncompressed_size)
            #expect(meta.statistics?.nullCount == expected.null_count)
            #expect((chunk.columnIndexOffset != nil) == expected.has_column_index)
            #expect((chunk.offsetIndexOffset != nil) == expected.has_offset_index)
        }

        // Spot checks of the logical type parameters the table was built with.
        #expect(leaves[3].logicalType == .decimal(scale: 2, precision: 12))
        #expect(leaves[3].scale == 2 && leaves[3].precision == 12)
        #expect(leaves[5].convertedType == .uint32)
        #expect(leaves[5].logicalType == .integer(bitWidth: 32, isSigned: false) || leaves[5].logicalType == nil)
        #expect(leaves[6].logicalType == .timestamp(isAdjustedToUTC: true, unit: .micros))
    }

    @Test(
        "every page header decodes and re-encodes to the same bytes, and the data pages add up to num_values",
        arguments: ["pyarrow-zstd", "duckdb-snappy"]
    )
    func pageHeaders(fixture name: String) throws {
        let file = try Self.fixture(name, "parquet")
        let metadata = try P.FileMetaData(encoded: try Self.footer(of: file).bytes)
        for rowGroup in metadata.rowGroups {
            for chunk in rowGroup.columns {
                let meta = try #require(chunk.metaData)
                let start = Int(meta.dictionaryPageOffset ?? meta.dataPageOffset)
                let end = start + Int(meta.totalCompressedSize)
                var offset = start
                var values: Int64 = 0
                var dataPageOffsets: [Int64] = []
                while offset < end {
                    var reader = ThriftCompactReader(file[offset..<end], baseOffset: offset)
                    let header = try P.PageHeader(from: &reader)
                    #expect(
                        header.encoded() == Array(file[offset..<(offset + reader.position)]),
                        "re-encodes identically"
                    )
                    switch header.type {
                    case .dictionaryPage:
                        #expect(Int64(offset) == meta.dictionaryPageOffset)
                        #expect(header.dictionaryPageHeader != nil)
                    case .dataPage:
                        values += Int64(try #require(header.dataPageHeader).numValues)
                        dataPageOffsets.append(Int64(offset))
                    case .dataPageV2:
                        values += Int64(try #require(header.dataPageHeaderV2).numValues)
                        dataPageOffsets.append(Int64(offset))
                    case .indexPage:
                        Issue.record("unexpected index page")
                    }
                    offset += reader.position + Int(header.compressedPageSize)
                }
                #expect(offset == end, "pages fill the chunk exactly")
                #expect(values == meta.numValues)
                #expect(dataPageOffsets.first == meta.dataPageOffset)

                if let indexOffset = chunk.offsetIndexOffset, let indexLength = chunk.offsetIndexLength {
                    let range = Int(indexOffset)..<(Int(indexOffset) + Int(indexLength))
                    var reader = ThriftCompactReader(file[range], baseOffset: range.lowerBound)
                    let offsetIndex = try P.OffsetIndex(from: &reader)
                    #expect(reader.position == range.count)
                    #expect(offsetIndex.pageLocations.map(\.offset) == dataPageOffsets)
                    #expect(offsetIndex.pageLocations.first?.firstRowIndex == 0)
                }
                if let indexOffset = chunk.columnIndexOffset, let indexLength = chunk.columnIndexLength {
                    let range = Int(indexOffset)..<(Int(indexOffset) + Int(indexLength))
                    var reader = ThriftCompactReader(file[range], baseOffset: range.lowerBound)
                    let columnIndex = try P.ColumnIndex(from: &reader)
                    #expect(reader.position == range.count)
                    #expect(columnIndex.nullPages.count == dataPageOffsets.count)
                    #expect(columnIndex.minValues.count == dataPageOffsets.count)
                    #expect(columnIndex.nullCounts.map { $0.reduce(0, +) } == meta.statistics?.nullCount)
                }
            }
        }
    }

    @Test("pyarrow's footer and page index re-encode to the same bytes pyarrow wrote")
    func reencodesIdentically() throws {
        let file = try Self.fixture("pyarrow-zstd", "parquet")
        let footer = try Self.footer(of: file).bytes
        let metadata = try P.FileMetaData(encoded: footer)
        #expect(metadata.encoded() == Array(footer))
        for chunk in metadata.rowGroups.flatMap(\.columns) {
            let columnIndexStart = Int(try #require(chunk.columnIndexOffset))
            let columnIndexBytes = file[
                columnIndexStart..<(columnIndexStart + Int(try #require(chunk.columnIndexLength)))
            ]
            #expect(try P.ColumnIndex(encoded: columnIndexBytes).encoded() == Array(columnIndexBytes))
            let offsetIndexStart = Int(try #require(chunk.offsetIndexOffset))
            let offsetIndexBytes = file[
                offsetIndexStart..<(offsetIndexStart + Int(try #require(chunk.offsetIndexLength)))
            ]
            #expect(try P.OffsetIndex(encoded: offsetIndexBytes).encoded() == Array(offsetIndexBytes))
        }
    }
}
