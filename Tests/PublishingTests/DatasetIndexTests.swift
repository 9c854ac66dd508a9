import Foundation
import Parquet
import TestSupport
import Testing

@testable import Publishing

/// Collects one file's row groups for the fixtures, numbering rows and tracking the file's
/// partition-column range (the refresh builds its entries from the writer's summaries).
struct IndexFileBuilder {
    let partition: PartitionKey
    private(set) var rows = 0
    private var rowGroups: [IndexRowGroup] = []
    private var low: (text: String, micros: Int64)?
    private var high: (text: String, micros: Int64)?

    init(partition: PartitionKey) {
        self.partition = partition
    }

    /// Records the next row group: `rows` rows whose partition column spans `[min, max]`
    /// (ISO-8601 from `ISO8601Timestamp`, nil when all NULL), stored in `[offset, offset + length)`.
    mutating func appendRowGroup(rows count: Int, min: String?, max: String?, offset: Int64, length: Int64) {
        rowGroups.append(IndexRowGroup(firstRow: rows, rows: count, min: min, max: max, offset: offset, length: length))
        rows += count
        if let min, let micros = ISO8601Timestamp.micros(from: min), low.map({ micros < $0.micros }) ?? true {
            low = (min, micros)
        }
        if let max, let micros = ISO8601Timestamp.micros(from: max), high.map({ micros > $0.micros }) ?? true {
            high = (max, micros)
        }
    }

    /// The file's entry, once its size on disk is known.
    func build(bytes: Int64) -> IndexFile {
        IndexFile(
            path: partition.fileName,
            partition: partition.name,
            rows: rows,
            bytes: bytes,
            min: low?.text,
            max: high?.text,
            rowGroups: rowGroups
        )
    }
}

/// Builds an index the way the snapshot pipeline does: rows sorted by the partition column
/// (NULLs in their own partition), files per partition, a row group per day or month bucket,
/// split by the safety cap. Keeps the rows so tests can check lookups against them.
struct IndexFixture {
    var index: DatasetIndex
    /// Per file path, the partition value of each row in file order.
    var rows: [String: [Int64?]]

    static let dayMicros: Int64 = 86_400_000_000

    init(values: [Int64?], partitions: PartitionGranularity, rowGroups: RowGroupGranularity, cap: Int, utc: Bool = true)
    {
        let sorted = values.sorted { ($0 ?? .min) < ($1 ?? .min) }
        var byPartition: [PartitionKey: [Int64?]] = [:]
        for value in sorted {
            byPartition[PartitionKey(granularity: partitions, microsSinceEpoch: value), default: []].append(value)
        }
        func text(_ micros: Int64?) -> String? {
            micros.map { ISO8601Timestamp.string(microsSinceEpoch: $0, utc: utc) }
        }
        var files: [IndexFile] = []
        var rows: [String: [Int64?]] = [:]
        for key in byPartition.keys.sorted() {
            let partitionRows = byPartition[key]!
            var builder = IndexFileBuilder(partition: key)
            var offset: Int64 = 4
            var start = 0
            while start < partitionRows.count {
                var end = start + 1
                let bucket = partitionRows[start].map { rowGroups.bucket(microsSinceEpoch: $0) }
                while end < partitionRows.count, end - start < cap,
                    partitionRows[end].map({ rowGroups.bucket(microsSinceEpoch: $0) }) == bucket
                {
                    end += 1
                }
                let length = Int64(end - start) * 10
                builder.appendRowGroup(
                    rows: end - start,
                    min: text(partitionRows[start]),
                    max: text(partitionRows[end - 1]),
                    offset: offset,
                    length: length
                )
                offset += length
                start = end
            }
            files.append(builder.build(bytes: offset + 100))
            rows[key.fileName] = partitionRows
        }
        index = DatasetIndex(
            dataset: "orders",
            version: 3,
            publishedAt: date("2026-11-25T01:02:03Z"),
            partitionBy: "created_at",
            partitionGranularity: partitions,
            rowGroupGranularity: rowGroups,
            primaryKey: ["id"],
            schema: [
                IndexColumn(
                    ColumnDescriptor(
                        name: "id",
                        physicalType: .int64,
                        logicalType: .integer(bitWidth: 64, signed: false),
                        repetition: .required
                    ),
                    mysqlType: "bigint unsigned"
                ),
                IndexColumn(
                    ColumnDescriptor(
                        name: "created_at",
                        physicalType: .int64,
                        logicalType: .timestamp(unit: .micros, adjustedToUTC: utc)
                    ),
                    mysqlType: utc ? "timestamp(6)" : "datetime(6)"
                ),
                IndexColumn(ColumnDescriptor.decimal("total", precision: 14, scale: 2), mysqlType: "decimal(14,2)"),
                IndexColumn(
                    ColumnDescriptor(name: "note", physicalType: .byteArray, logicalType: .string),
                    mysqlType: "text"
                ),
                IndexColumn(ColumnDescriptor(name: "raw", physicalType: .byteArray), mysqlType: "blob"),
            ],
            files: files
        )
        self.rows = rows
    }

    /// Random values over about half a year from 2024-01-01, some NULL.
    static func randomValues(count: Int, nulls: Int, using generator: inout SplitMix64) -> [Int64?] {
        let start = Int64(CivilDate(year: 2024, month: 1, day: 1).daysSinceEpoch) * dayMicros
        var values: [Int64?] = (0..<count).map { _ in start + Int64.random(in: 0..<(182 * dayMicros), using: &generator)
        }
        values += [Int64?](repeating: nil, count: nulls)
        return values
    }
}

@Suite struct IndexJSONHasTheDocumentedShape {
    @Test func fieldsAreSnakeCaseSortedAndNullsAreWritten() throws {
        let index = DatasetIndex(
            dataset: "orders",
            version: 124,
            publishedAt: date("2026-11-25T01:02:03Z"),
            partitionBy: nil,
            partitionGranularity: .none,
            rowGroupGranularity: nil,
            primaryKey: ["id"],
            schema: [
                IndexColumn(name: "id", physicalType: "INT64", logicalType: nil, mysqlType: "bigint", nullable: false)
            ],
            files: [
                IndexFile(
                    path: "all.parquet",
                    partition: "all",
                    rows: 2,
                    bytes: 300,
                    min: nil,
                    max: nil,
                    rowGroups: [
                        IndexRowGroup(firstRow: 0, rows: 2, min: nil, max: nil, offset: 4, length: 200)
                    ]
                )
            ]
        )
        let expected = """
            {
              "dataset" : "orders",
              "files" : [
                {
                  "bytes" : 300,
                  "checksum" : null,
                  "max" : null,
                  "min" : null,
                  "partition" : "all",
                  "path" : "all.parquet",
                  "row_groups" : [
                    {
                      "first_row" : 0,
                      "length" : 200,
                      "max" : null,
                      "min" : null,
                      "offset" : 4,
                      "rows" : 2
                    }
                  ],
                  "rows" : 2
                }
              ],
              "format_version" : 1,
              "partition_by" : null,
              "partition_granularity" : "none",
              "primary_key" : [
                "id"
              ],
              "published_at" : "2026-11-25T01:02:03Z",
              "row_group_granularity" : null,
              "rows" : 2,
              "schema" : [
                {
                  "logical_type" : null,
                  "mysql_type" : "bigint",
                  "name" : "id",
                  "nullable" : false,
                  "physical_type" : "INT64"
                }
              ],
              "version" : 124
            }

            """
        #expect(String(decoding: try index.encoded(), as: UTF8.self) == expected)
        #expect(try DatasetIndex.decode(try index.encoded()) == index)
    }

    @Test func parquetTypesAreNamedAsParquetJavaPrintsThem() {
        #expect(IndexColumn.name(of: .fixedLenByteArray) == "FIXED_LEN_BYTE_ARRAY")
        #expect(IndexColumn.name(of: .timestamp(unit: .micros, adjustedToUTC: false)) == "TIMESTAMP(MICROS,false)")
        #expect(IndexColumn.name(of: .integer(bitWidth: 16, signed: false)) == "INTEGER(16,false)")
        #expect(IndexColumn.name(of: .decimal(precision: 30, scale: 4)) == "DECIMAL(30,4)")
        let column = IndexColumn(
            ColumnDescriptor.decimal("price", precision: 12, scale: 2, repetition: .required),
            mysqlType: "decimal(12,2)"
        )
        #expect(
            column
                == IndexColumn(
                    name: "price",
                    physicalType: "INT64",
                    logicalType: "DECIMAL(12,2)",
                    mysqlType: "decimal(12,2)",
                    nullable: false
                )
        )
    }
}

@Suite struct TheIndexFindsTheRowsOfARange {
    @Test(arguments: [
        (PartitionGranularity.month, RowGroupGranularity.day, 1_000_000),
        (.month, .day, 7),
        (.day, .day, 1_000_000),
        (.year, .month, 50),
        (.none, .day, 1_000_000),
        (.none, .month, 13),
    ])
    func randomRangesGetEveryRowInRangeAndLittleElse(
        partitions: PartitionGranularity,
        rowGroups: RowGroupGranularity,
        cap: Int
    ) throws {
        var generator = SplitMix64(seed: 42)
        let fixture = IndexFixture(
            values: IndexFixture.randomValues(count: 3000, nulls: 40, using: &generator),
            partitions: partitions,
            rowGroups: rowGroups,
            cap: cap
        )
        #expect(fixture.index.rows == 3040)
        let span = Int64(CivilDate(year: 2024, month: 1, day: 1).daysSinceEpoch) * IndexFixture.dayMicros
        for _ in 0..<80 {
            let from =
                span - 5 * IndexFixture.dayMicros
                + Int64.random(in: 0..<(200 * IndexFixture.dayMicros), using: &generator)
            let to = from + Int64.random(in: 0..<(45 * IndexFixture.dayMicros), using: &generator)
            let slices = try fixture.index.lookup(
                from: ISO8601Timestamp.string(microsSinceEpoch: from, utc: true),
                to: ISO8601Timestamp.string(microsSinceEpoch: to, utc: true)
            )

            let fileNumbers = Dictionary(uniqueKeysWithValues: fixture.rows.keys.sorted().enumerated().map { ($1, $0) })
            let range = "[\(from), \(to))"
            var returned = Set<Int>()
            var problems: [String] = []
            for slice in slices {
                let rows = try #require(fixture.rows[slice.file])
                guard slice.rowStart < slice.rowEnd, slice.rowEnd <= rows.count else {
                    problems.append("\(slice) is not a row range of the file")
                    continue
                }
                for row in slice.rowStart..<slice.rowEnd {
                    returned.insert(fileNumbers[slice.file]! * 1_000_000 + row)
                    guard let value = rows[row] else {
                        problems.append("row \(row) of \(slice.file) is NULL")
                        continue
                    }
                    // Little else: only the rest of the row groups (day or month buckets) at the range's edges.
                    let bucketStart = Int64(rowGroups.bucket(microsSinceEpoch: value)) * IndexFixture.dayMicros
                    if bucketStart >= to
                        || value < Int64(rowGroups.bucket(microsSinceEpoch: from)) * IndexFixture.dayMicros
                    {
                        problems.append("row \(row) of \(slice.file) (\(value)) lies in a bucket outside the range")
                    }
                }
            }
            for (file, rows) in fixture.rows {
                for (row, value) in rows.enumerated() {
                    if let value, value >= from, value < to, !returned.contains(fileNumbers[file]! * 1_000_000 + row) {
                        problems.append("row \(row) of \(file) is in range but not returned")
                    }
                }
            }
            #expect(problems.isEmpty, "\(range): \(problems.prefix(5))")
        }
    }

    @Test func dateColumnsAndWallClockTimesCompareAsWritten() throws {
        // A DATETIME column: no "Z", compared as wall clock.
        let may = CivilDate(year: 2024, month: 5, day: 1).daysSinceEpoch
        let values: [Int64?] = (0..<10).map { Int64(may + $0) * IndexFixture.dayMicros + 3_600_000_000 }
        let fixture = IndexFixture(values: values, partitions: .month, rowGroups: .day, cap: 100, utc: false)
        #expect(fixture.index.files[0].min == "2024-05-01T01:00:00")
        let slices = try fixture.index.lookup(from: "2024-05-03", to: "2024-05-05")
        #expect(slices == [IndexSlice(file: "2024-05.parquet", rowStart: 2, rowEnd: 4)])
        #expect(try fixture.index.lookup(from: "2024-06-01", to: "2024-07-01") == [])
        #expect(throws: IndexLookupError.self) { try fixture.index.lookup(from: "May", to: "2024-07-01") }
    }

    @Test func datesWork() throws {
        let may = CivilDate(year: 2024, month: 5, day: 1).daysSinceEpoch
        // One row at 18:00 every day from 2024-05-01.
        let values: [Int64?] = (0..<60).map { Int64(may + $0) * IndexFixture.dayMicros + 18 * 3_600_000_000 }
        let fixture = IndexFixture(values: values, partitions: .month, rowGroups: .day, cap: 100)
        let slices = fixture.index.lookup(from: date("2024-05-31T12:00:00Z"), to: date("2024-06-02T00:00:00Z"))
        #expect(
            slices == [
                IndexSlice(file: "2024-05.parquet", rowStart: 30, rowEnd: 31),
                IndexSlice(file: "2024-06.parquet", rowStart: 0, rowEnd: 1),
            ]
        )
    }
}

/// Validates produced index.json files against docs/index.schema.json with Python's jsonschema.
@Suite struct ProducedIndexesMatchTheJSONSchema {
    static let python = ProcessInfo.processInfo.environment["PP_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let schemaPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/index.schema.json").path

    /// Runs the validator on `documents`; returns its exit status and output.
    static func validate(_ documents: [[UInt8]]) throws -> (status: Int32, output: String) {
        let folder = ScratchDirectory()
        var paths: [String] = []
        for (number, document) in documents.enumerated() {
            let path = folder.file("index-\(number).json")
            try FileOperations.writeNewFile(path, document)
            paths.append(path)
        }
        let script = """
            import json, sys
            from jsonschema import Draft202012Validator, FormatChecker
            schema = json.load(open(sys.argv[1]))
            Draft202012Validator.check_schema(schema)
            validator = Draft202012Validator(schema, format_checker=FormatChecker())
            failed = 0
            for path in sys.argv[2:]:
                for error in validator.iter_errors(json.load(open(path))):
                    failed = 1
                    print(path, "/".join(str(p) for p in error.absolute_path), error.message)
            sys.exit(failed)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python!)
        process.arguments = ["-c", script, schemaPath] + paths
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test(.enabled(if: python != nil || inCI, "set PP_TEST_PYTHON to a python with jsonschema"))
    func producedIndexesValidate() throws {
        guard Self.python != nil else {
            Issue.record("PP_TEST_PYTHON is not set: the JSON Schema test cannot run (CI=true requires it)")
            return
        }
        var generator = SplitMix64(seed: 7)
        var documents: [[UInt8]] = []
        for (partitions, rowGroups, utc) in [
            (PartitionGranularity.month, RowGroupGranularity.day, true), (.none, .month, false), (.day, .day, true),
        ] {
            let fixture = IndexFixture(
                values: IndexFixture.randomValues(count: 300, nulls: 5, using: &generator),
                partitions: partitions,
                rowGroups: rowGroups,
                cap: 20,
                utc: utc
            )
            documents.append(try fixture.index.encoded())
        }
        let unpartitioned = DatasetIndex(
            dataset: "sellers",
            version: 1,
            publishedAt: Date(),
            partitionBy: nil,
            partitionGranularity: .none,
            rowGroupGranularity: nil,
            primaryKey: ["id"],
            schema: [],
            files: [
                IndexFile(path: "all.parquet", partition: "all", rows: 0, bytes: 200, min: nil, max: nil, rowGroups: [])
            ]
        )
        documents.append(try unpartitioned.encoded())
        let result = try Self.validate(documents)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test(.enabled(if: python != nil || inCI, "set PP_TEST_PYTHON to a python with jsonschema"))
    func theSchemaRejectsABrokenIndex() throws {
        guard Self.python != nil else {
            Issue.record("PP_TEST_PYTHON is not set: the JSON Schema test cannot run (CI=true requires it)")
            return
        }
        var generator = SplitMix64(seed: 8)
        let fixture = IndexFixture(
            values: IndexFixture.randomValues(count: 20, nulls: 0, using: &generator),
            partitions: .month,
            rowGroups: .day,
            cap: 5
        )
        var broken = try JSONSerialization.jsonObject(with: Data(try fixture.index.encoded())) as! [String: Any]
        var files = broken["files"] as! [[String: Any]]
        files[0]["rows"] = nil
        files[0]["path"] = "../elsewhere.parquet"
        broken["files"] = files
        broken["published_at"] = "yesterday"
        let result = try Self.validate([Array(try JSONSerialization.data(withJSONObject: broken))])
        #expect(result.status == 1)
        #expect(result.output.contains("'rows' is a required property"))
        #expect(result.output.contains("files/0/path"))
        #expect(result.output.contains("published_at"))
    }
}
