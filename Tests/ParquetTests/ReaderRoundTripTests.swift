import Foundation
import Parquet
import TestSupport
import Testing

/// Writer settings the round trips run under, each exercising other pages and encodings.
enum WriterVariant: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case defaults
    case uncompressed
    case plainOnly
    case deltaWithoutDictionary
    case smallPagesAndDictionaries

    var options: ParquetWriterOptions {
        var options = ParquetWriterOptions()
        switch self {
        case .defaults: break
        case .uncompressed: options.compression = .uncompressed
        case .plainOnly:
            options.enableDictionary = false
            options.enableDeltaEncoding = false
        case .deltaWithoutDictionary: options.enableDictionary = false
        case .smallPagesAndDictionaries:
            options.dataPageRowLimit = 97
            options.dictionaryPageSizeLimit = 512
        }
        return options
    }

    var testDescription: String { rawValue }
}

@Suite struct ReaderRoundTripTests {
    @Test(arguments: WriterVariant.allCases)
    func everyTypeReadsBackExactlyAsWritten(variant: WriterVariant) throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let batch = ReaderFixtureData.everyType(rows: 3000)
        let path = scratch.file("every-type.parquet")
        try ReaderFixtures.write(batch, to: path, options: variant.options, rowGroupRows: 1100)

        let reader = try ParquetFileReader(path: path)
        #expect(reader.schema == batch.schema)
        #expect(reader.rowCount == 3000)
        #expect(reader.rowGroupCount == 3)
        expectSameColumns(try reader.readAll(), batch)
    }

    @Test func eachRowGroupReadsBackItsOwnRows() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let batch = ReaderFixtureData.everyType(rows: 2500, seed: 7)
        let path = scratch.file("groups.parquet")
        try ReaderFixtures.write(batch, to: path, rowGroupRows: 1000)

        let reader = try ParquetFileReader(path: path)
        #expect(reader.rowGroupCount == 3)
        #expect((0..<3).map { reader.rowCount(ofRowGroup: $0) } == [1000, 1000, 500])
        for group in 0..<3 {
            let start = group * 1000
            expectSameColumns(try reader.readRowGroup(group), batch.slice(start..<min(start + 1000, 2500)))
        }
        // A chosen subset, in the order asked for (what a merge reads after pruning).
        let picked = try reader.readRowGroups([2, 0], columns: ["id_ascending_req", "str_opt"])
        let expected = batch.gather(Array(2000..<2500) + Array(0..<1000))
        expectSameColumns(
            picked,
            RecordBatch(
                schema: ParquetSchema(columns: [
                    expected.schema.columns[expected.schema.index(of: "id_ascending_req")!],
                    expected.schema.columns[expected.schema.index(of: "str_opt")!],
                ]),
                columns: [expected.column(named: "id_ascending_req")!, expected.column(named: "str_opt")!]
            )
        )
        #expect(throws: ParquetError.self) { try reader.readRowGroups([0, 3]) }
    }

    @Test func aFileWithoutRowsReadsAsAnEmptyBatchWithItsSchema() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let schema = ReaderFixtureData.everyTypeSchema()
        let path = scratch.file("empty.parquet")
        try ReaderFixtures.write(RecordBatch(emptyWith: schema), to: path)

        let reader = try ParquetFileReader(path: path)
        #expect(reader.rowCount == 0)
        #expect(reader.rowGroupCount == 0)
        #expect(reader.schema == schema)
        let all = try reader.readAll()
        #expect(all.rowCount == 0)
        #expect(all.schema == schema)
        let projected = try reader.readAll(columns: ["str_opt", "bool_req"])
        #expect(projected.schema.columns.map(\.name) == ["str_opt", "bool_req"])
        #expect(projected.rowCount == 0)
    }

    @Test(arguments: [WriterVariant.defaults, .plainOnly])
    func columnsWhollyNullReadBackAsNullsWithPlaceholders(variant: WriterVariant) throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let schema = ParquetSchema(columns: ReaderFixtureData.everyTypeSchema().columns.filter(\.isOptional))
        var builders = schema.columns.map { ColumnBuilder(for: $0) }
        for _ in 0..<700 { for i in builders.indices { builders[i].appendNull() } }
        let batch = RecordBatch(schema: schema, columns: builders.indices.map { builders[$0].finish() })
        let path = scratch.file("nulls.parquet")
        try ReaderFixtures.write(batch, to: path, options: variant.options)

        let read = try ParquetFileReader(path: path).readAll()
        expectSameColumns(read, batch)
        for column in read.columns {
            #expect(column.nullCount == 700)
        }
    }

    @Test func emptyStringsAndAValueOverOneMebibyteSurvive() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let schema = ParquetSchema(columns: [
            ColumnDescriptor(name: "s", physicalType: .byteArray, logicalType: .string, repetition: .optional),
            ColumnDescriptor(name: "b", physicalType: .byteArray, repetition: .required),
        ])
        let big = String(repeating: "0123456789abcdef", count: 100_000)  // 1.6 MB
        var s = ColumnBuilder(for: schema.columns[0])
        var b = ColumnBuilder(for: schema.columns[1])
        for i in 0..<50 {
            switch i % 5 {
            case 0: s.append("")
            case 1: s.appendNull()
            case 2 where i < 10: s.append(big)
            default: s.append("v\(i)")
            }
            b.append(bytes: i % 3 == 0 ? [] : Array(big.utf8.prefix(i * 1000)))
        }
        let batch = RecordBatch(schema: schema, columns: [s.finish(), b.finish()])
        for variant in [WriterVariant.defaults, .uncompressed, .plainOnly] {
            let path = scratch.file("strings-\(variant).parquet")
            try ReaderFixtures.write(batch, to: path, options: variant.options)
            expectSameColumns(try ParquetFileReader(path: path).readAll(), batch)
        }
    }

    @Test func pagesCutEverySevenRowsReadBackAcrossTheirBoundaries() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        var options = ParquetWriterOptions()
        options.dataPageRowLimit = 7
        let batch = ReaderFixtureData.everyType(rows: 1000, seed: 3, nullEvery: 3)
        let path = scratch.file("pages.parquet")
        try ReaderFixtures.write(batch, to: path, options: options)

        let reader = try ParquetFileReader(path: path)
        for name in ["i32_opt", "str_opt", "str_low_cardinality_req", "bool_opt", "fixed_opt", "id_ascending_req"] {
            let offsets = try #require(try reader.readOffsetIndex(rowGroup: 0, column: name))
            #expect(offsets.pageLocations.count == 143, "column \(name)")
            #expect(offsets.pageLocations.map(\.firstRowIndex) == (0..<143).map { Int64($0 * 7) }, "column \(name)")
        }
        expectSameColumns(try reader.readAll(), batch)
    }

    @Test func theColumnIndexCountsEachPagesNulls() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        var options = ParquetWriterOptions()
        options.dataPageRowLimit = 100
        let batch = ReaderFixtureData.everyType(rows: 1000, seed: 5, nullEvery: 4)
        let path = scratch.file("index.parquet")
        try ReaderFixtures.write(batch, to: path, options: options)

        let reader = try ParquetFileReader(path: path)
        let index = try #require(try reader.readColumnIndex(rowGroup: 0, column: "i64_opt"))
        let validity = try #require(batch.column(named: "i64_opt")?.validity)
        let expected = (0..<10).map { page in Int64(validity[(page * 100)..<(page * 100 + 100)].filter { !$0 }.count) }
        #expect(index.nullCounts == expected)
        #expect(index.nullPages == Array(repeating: false, count: 10))
        #expect(try reader.readOffsetIndex(rowGroup: 0, column: "i64_opt")?.pageLocations.count == 10)
    }

    @Test func aFileWithoutPageIndexHasNone() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        var options = ParquetWriterOptions()
        options.writePageIndex = false
        let path = scratch.file("no-index.parquet")
        let batch = ReaderFixtureData.everyType(rows: 100)
        try ReaderFixtures.write(batch, to: path, options: options)
        let reader = try ParquetFileReader(path: path)
        #expect(try reader.readColumnIndex(rowGroup: 0, column: 0) == nil)
        #expect(try reader.readOffsetIndex(rowGroup: 0, column: 0) == nil)
        expectSameColumns(try reader.readAll(), batch)
    }
}

@Suite struct ReaderEncodingTests {
    /// The first half of each column is low-cardinality and fits a small dictionary; the
    /// second half overflows it, so the chunk has a dictionary page, dictionary-encoded data
    /// pages, then pages in the fallback encoding.
    static func fallbackBatch() -> RecordBatch {
        let schema = ParquetSchema(columns: [
            ColumnDescriptor(name: "s", physicalType: .byteArray, logicalType: .string, repetition: .optional),
            ColumnDescriptor(name: "i", physicalType: .int64, repetition: .required),
            ColumnDescriptor(name: "j", physicalType: .int32, repetition: .optional),
            ColumnDescriptor(name: "d", physicalType: .double, repetition: .required),
        ])
        var rng = SplitMix64(seed: 11)
        var builders = schema.columns.map { ColumnBuilder(for: $0) }
        for row in 0..<6000 {
            let low = row < 3000
            if row % 10 == 3 {
                builders[0].appendNull()
            } else {
                builders[0].append(low ? "status-\(row % 10)" : "unique-\(UInt64.random(in: 0 ... .max, using: &rng))")
            }
            // Past the dictionary, ascending values: what DELTA_BINARY_PACKED is chosen for.
            builders[1].append(
                low ? Int64(row % 16) * 1_000_000_007 : Int64(row) * 1_000_003 + Int64.random(in: 0..<100, using: &rng)
            )
            if row % 7 == 0 {
                builders[2].appendNull()
            } else {
                builders[2].append(low ? Int32(row % 16) : Int32(row) * 3)
            }
            builders[3].append(low ? Double(row % 16) / 4 : Double.random(in: -1...1, using: &rng))
        }
        return RecordBatch(schema: schema, columns: builders.indices.map { builders[$0].finish() })
    }

    @Test(arguments: [false, true])
    func dictionaryFallbackMidChunkReadsBack(delta: Bool) throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        var options = ParquetWriterOptions()
        options.dictionaryPageSizeLimit = 200
        options.dataPageRowLimit = 500
        options.enableDeltaEncoding = delta
        let batch = Self.fallbackBatch()
        let path = scratch.file("fallback.parquet")
        try ReaderFixtures.write(batch, to: path, options: options)

        let reader = try ParquetFileReader(path: path)
        for (c, column) in reader.schema.columns.enumerated() {
            let stats = try #require(reader.metadata.rowGroups[0].columns[c].metaData?.encodingStats)
            let kinds = Set(stats.map { "\($0.pageType) \($0.encoding)" })
            #expect(kinds.contains("dictionaryPage plain"), "column \(column.name): \(kinds)")
            #expect(kinds.contains("dataPage rleDictionary"), "column \(column.name): \(kinds)")
            let fallback =
                delta && (column.physicalType == .int32 || column.physicalType == .int64)
                ? "dataPage deltaBinaryPacked" : "dataPage plain"
            #expect(kinds.contains(fallback), "column \(column.name): \(kinds)")
        }
        expectSameColumns(try reader.readAll(), batch)
    }

    @Test(arguments: [false, true])
    func ascendingIntegersReadBackWithAndWithoutDelta(delta: Bool) throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        var options = ParquetWriterOptions()
        options.enableDeltaEncoding = delta
        options.enableDictionary = false
        let schema = ParquetSchema(columns: [
            ColumnDescriptor(name: "id", physicalType: .int64, repetition: .required),
            ColumnDescriptor(name: "n", physicalType: .int32, repetition: .optional),
            ColumnDescriptor(name: "wrap", physicalType: .int32, repetition: .required),
        ])
        var builders = schema.columns.map { ColumnBuilder(for: $0) }
        for row in 0..<50_000 {
            builders[0].append(Int64(row) * 2 + 1_000_000_000_000)
            if row % 5 == 0 { builders[1].appendNull() } else { builders[1].append(Int32(row)) }
            // Deltas that overflow 32 bits exercise the wrapping arithmetic of the spec.
            builders[2].append(row % 2 == 0 ? Int32.min + Int32(row % 100) : Int32.max - Int32(row % 100))
        }
        let batch = RecordBatch(schema: schema, columns: builders.indices.map { builders[$0].finish() })
        let path = scratch.file("delta.parquet")
        try ReaderFixtures.write(batch, to: path, options: options)

        let reader = try ParquetFileReader(path: path)
        let encodings = reader.metadata.rowGroups[0].columns[0].metaData?.encodings ?? []
        #expect(encodings.contains(.deltaBinaryPacked) == delta)
        expectSameColumns(try reader.readAll(), batch)
    }
}

@Suite struct ReaderProjectionTests {
    @Test func onlyTheRequestedColumnsAreReadInTheRequestedOrder() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let batch = ReaderFixtureData.everyType(rows: 4000)
        let path = scratch.file("projection.parquet")
        try ReaderFixtures.write(batch, to: path, rowGroupRows: 1500)

        let reader = try ParquetFileReader(path: path)
        let names = ["str_opt", "id_ascending_req", "dec38_opt"]
        let before = reader.bytesRead
        let read = try reader.readAll(columns: names)
        let indices = names.map { reader.schema.index(of: $0)! }
        let expectedBytes = reader.metadata.rowGroups.reduce(0) { sum, group in
            sum + indices.reduce(0) { $0 + Int(group.columns[$1].metaData!.totalCompressedSize) }
        }
        #expect(reader.bytesRead - before == expectedBytes)
        #expect(expectedBytes < reader.fileSize / 5)
        #expect(read.schema.columns.map(\.name) == names)
        let expected = RecordBatch(
            schema: ParquetSchema(columns: indices.map { batch.schema.columns[$0] }),
            columns: indices.map { batch.columns[$0] }
        )
        expectSameColumns(read, expected)

        let group = try reader.readRowGroup(1, columns: ["u64_req"])
        #expect(group.schema.columns.map(\.name) == ["u64_req"])
        #expect(group.columns[0] == batch.column(named: "u64_req")!.slice(1500..<3000))
    }

    @Test func decodingOnOneThreadGivesTheSameRows() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let batch = ReaderFixtureData.everyType(rows: 1500)
        let path = scratch.file("threads.parquet")
        try ReaderFixtures.write(batch, to: path)
        var options = ParquetReaderOptions()
        options.decodingThreads = 1
        expectSameColumns(try ParquetFileReader(path: path, options: options).readAll(), batch)
    }
}

@Suite struct ReaderErrorTests {
    @Test func aFileThatIsNotParquetIsRejectedNamingTheFile() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("notes.txt")
        try "these are some notes, certainly not a parquet file".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: ParquetError.self) { try ParquetFileReader(path: path) }
        #expect(error.code == .corruptFile)
        #expect(error.message.contains(path))
        #expect(error.message.contains("not a Parquet file"))
    }

    @Test func aFileTooShortToBeParquetIsRejected() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("short.parquet")
        try Data("PAR1PAR1".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ParquetError.self) { try ParquetFileReader(path: path) }
        #expect(error.code == .corruptFile)
        #expect(error.message.contains(path))
    }

    @Test func aTruncatedFileIsRejected() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("cut.parquet")
        try ReaderFixtures.write(ReaderFixtureData.everyType(rows: 200), to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ParquetError.self) { try ParquetFileReader(path: path) }
        #expect(error.code == .corruptFile)
        #expect(error.message.contains(path))
    }

    @Test func aFooterLengthPastTheStartIsRejected() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("long-footer.parquet")
        var bytes = Array("PAR1".utf8) + [UInt8](repeating: 0, count: 20)
        bytes += [0xFF, 0xFF, 0, 0] + Array("PAR1".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ParquetError.self) { try ParquetFileReader(path: path) }
        #expect(error.code == .corruptFile)
        #expect(error.message.contains("footer"))
    }

    @Test func aFooterThatDoesNotDecodeIsRejectedWithItsCause() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("garbage-footer.parquet")
        let garbage: [UInt8] = [0x15, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x19]
        let bytes = Array("PAR1".utf8) + garbage + [UInt8(garbage.count), 0, 0, 0] + Array("PAR1".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ParquetError.self) { try ParquetFileReader(path: path) }
        #expect(error.code == .corruptFile)
        #expect(error.cause is ThriftError)
    }

    @Test func aMissingFileIsAnIOErrorWithItsErrno() throws {
        let error = try #require(throws: ParquetError.self) { try ParquetFileReader(path: "/nonexistent/file.parquet") }
        #expect(error.code == .io)
        #expect(error.errno == ENOENT)
        #expect(error.message.contains("/nonexistent/file.parquet"))
    }

    @Test func unknownColumnsAndRowGroupsAreRejectedByName() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("small.parquet")
        try ReaderFixtures.write(ReaderFixtureData.everyType(rows: 10), to: path)
        let reader = try ParquetFileReader(path: path)
        let unknown = try #require(throws: ParquetError.self) {
            try reader.readAll(columns: ["id_ascending_req", "nope"])
        }
        #expect(unknown.code == .invalidArgument)
        #expect(unknown.message.contains("\"nope\""))
        let twice = try #require(throws: ParquetError.self) { try reader.readAll(columns: ["str_opt", "str_opt"]) }
        #expect(twice.code == .invalidArgument)
        let group = try #require(throws: ParquetError.self) { try reader.readRowGroup(1) }
        #expect(group.code == .invalidArgument)
    }

    @Test func aDamagedPageNamesTheFileColumnAndPage() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("damaged.parquet")
        var options = ParquetWriterOptions()
        options.compression = .uncompressed
        let schema = ParquetSchema(columns: [
            ColumnDescriptor(name: "v", physicalType: .byteArray, repetition: .required)
        ])
        var builder = ColumnBuilder(for: schema.columns[0])
        for i in 0..<100 { builder.append("value number \(i) that is unique") }
        try ReaderFixtures.write(RecordBatch(schema: schema, columns: [builder.finish()]), to: path, options: options)

        let reader = try ParquetFileReader(path: path)
        let meta = try #require(reader.metadata.rowGroups[0].columns[0].metaData)
        // Overwrite the chunk's last bytes: the PLAIN lengths no longer add up.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(meta.dataPageOffset + meta.totalCompressedSize - 40))
        try handle.write(contentsOf: [UInt8](repeating: 0xFF, count: 8))
        try handle.close()

        let error = try #require(throws: ParquetError.self) { try ParquetFileReader(path: path).readAll() }
        #expect(error.code == .corruptPage)
        #expect(error.message.contains(path))
        #expect(error.message.contains("column \"v\""))
        #expect(error.message.contains("page at byte"))
    }
}
