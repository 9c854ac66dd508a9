import Foundation
import Publishing
import TestSupport
import Testing

/// One way of partitioning: file granularity, row-group granularity and the partition column's type.
struct PartitionCase: Sendable, CustomTestStringConvertible {
    var files: String
    var rowGroups: String
    var columnType: String

    var testDescription: String { "\(files) files, \(rowGroups) row groups, \(columnType)" }
    var isDate: Bool { columnType == "DATE" }
    /// Components of a partition file name: 3 for day, 2 for month, 1 for year, 0 for none.
    var nameComponents: Int { ["none": 0, "year": 1, "month": 2, "day": 3][files]! }

    static let all = [
        PartitionCase(files: "day", rowGroups: "day", columnType: "DATETIME(6)"),
        PartitionCase(files: "month", rowGroups: "day", columnType: "DATETIME(6)"),
        PartitionCase(files: "month", rowGroups: "month", columnType: "DATE"),
        PartitionCase(files: "year", rowGroups: "day", columnType: "TIMESTAMP(6) NULL"),
        PartitionCase(files: "year", rowGroups: "month", columnType: "DATETIME"),
        PartitionCase(files: "none", rowGroups: "day", columnType: "DATETIME(3)"),
    ]
}

/// A row of the source as the server computes it: its key and its partition value as days
/// (DATE) or microseconds since the epoch (DATETIME wall clock, TIMESTAMP in UTC).
struct SourceRow: Hashable {
    var id: Int64
    var value: Int64?
}

@Suite("Partitions and row groups follow the layout contract", .requiresMySQL, .requiresPythonReaders)
struct PartitionsAndRowGroupsFollowTheContract {
    /// ~3000 rows from 2023-11-20 to 2024-02-10 (across a year end), in an order unrelated to
    /// their ids (so rows arrive out of partition order), every 17th partition value NULL.
    func makeDataset(_ type: String, rows: Int = 3000) throws -> ScratchDataset {
        let dataset = try ScratchDataset(
            "partitions",
            columns: "id BIGINT NOT NULL PRIMARY KEY, created_at \(type), payload VARCHAR(20) NOT NULL"
        )
        try dataset.admin(
            """
            SET SESSION time_zone = '+00:00';
            INSERT INTO $T SELECT seq,
              IF(seq % 17 = 0, NULL, TIMESTAMPADD(SECOND, (seq * 2654435761) % (82 * 86400), '2023-11-20 00:00:00')),
              CONCAT('p', seq)
            FROM seq_1_to_\(rows);
            """
        )
        return dataset
    }

    /// Every row's partition value as the server computes it.
    func sourceRows(_ dataset: ScratchDataset, isDate: Bool) throws -> [SourceRow] {
        let expression =
            isDate
            ? "DATEDIFF(created_at, '1970-01-01')" : "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', created_at)"
        return try dataset.admin("SET SESSION time_zone = '+00:00'; SELECT id, \(expression) FROM $T").nullable.map {
            SourceRow(id: Int64($0[0]!)!, value: $0[1].map { Int64($0)! })
        }
    }

    func dayOf(_ value: Int64, isDate: Bool) -> Int64 {
        isDate ? value : TestCalendar.day(ofMicros: value)
    }

    /// The row-group bucket of a day: the day, or the first of its month.
    func bucket(_ day: Int64, _ unit: String) -> Int64 {
        guard unit == "month" else { return day }
        let (y, m, _) = TestCalendar.civil(day)
        return TestCalendar.days(y, m, 1)
    }

    @Test(arguments: PartitionCase.all)
    func filesRowsAndRowGroupsFollowThePartitionColumn(_ layout: PartitionCase) throws {
        let dataset = try makeDataset(layout.columnType)
        try dataset.configure(
            """
            primary_key = "id"
            partition_by = "created_at"
            partition_granularity = "\(layout.files)"
            row_group_granularity = "\(layout.rowGroups)"
            """
        )
        try dataset.refresher(chunkRows: 500, batchRows: 128).refresh()
        let source = try sourceRows(dataset, isDate: layout.isDate)

        // Which file each row belongs in, by the contract's names.
        var expected: [String: Set<Int64>] = [:]
        for row in source {
            let name: String
            if layout.nameComponents == 0 {
                name = "all"
            } else if let value = row.value {
                name = TestCalendar.name(ofDay: dayOf(value, isDate: layout.isDate), components: layout.nameComponents)
            } else {
                name = "null"
            }
            expected[name + ".parquet", default: []].insert(row.id)
        }
        let files = try dataset.currentFiles()
        #expect(files == expected.keys.sorted())
        let index = try dataset.currentIndex()
        #expect(index.files.map(\.path).sorted() == files, "index.json lists the files on disk")
        #expect(index.files.allSatisfy { $0.path == $0.partition + ".parquet" })

        let version = try dataset.currentVersionPath()
        let readouts = try PythonParquetReader.fromEnvironment().readLayouts(
            files.map { URL(fileURLWithPath: version + "/" + $0) },
            columns: ["id", "created_at"]
        )
        for readout in readouts {
            let name = (readout.path as NSString).lastPathComponent
            let ids = readout.integers("id").map { $0! }
            let values = readout.integers("created_at")
            #expect(Set(ids) == expected[name] ?? [], "\(name) holds exactly its partition's rows")
            #expect(ids.count == Set(ids).count, "\(name) has a row twice")

            // Sorted by partition column then key; NULLs (only in all.parquet here) in one run.
            let nonNull = zip(values, ids).filter { $0.0 != nil }.map { [$0.0!, $0.1] }
            #expect(
                zip(nonNull, nonNull.dropFirst()).allSatisfy { $0.0.lexicographicallyPrecedes($0.1) },
                "\(name): rows are not sorted by (created_at, id)"
            )
            let nullRuns = zip([nil] + values, values).filter { ($0.0 == nil) != ($0.1 == nil) }.count
            #expect(nullRuns <= 2, "\(name): NULL partition values are not contiguous")
            if name == "null.parquet" {
                #expect(ids == ids.sorted(), "null.parquet is sorted by the key")
            }

            // One row group per day (or month): every group within one bucket, neighbours in
            // different ones, so the groups are exactly the buckets present.
            var start = 0
            var buckets: [Int64?] = []
            for group in readout.rowGroups {
                let groupBuckets = Set(
                    values[start..<start + group.numRows].map { value in
                        value.map { bucket(dayOf($0, isDate: layout.isDate), layout.rowGroups) }
                    }
                )
                #expect(
                    groupBuckets.count == 1,
                    "\(name): a row group spans \(groupBuckets.count) \(layout.rowGroups)s"
                )
                buckets.append(groupBuckets.first ?? nil)
                start += group.numRows
            }
            #expect(start == ids.count)
            #expect(
                Set(buckets).count == buckets.count,
                "\(name): a \(layout.rowGroups) is split over row groups \(buckets)"
            )
        }
    }

    @Test func aSafetyCapSplitsARowGroupAndNothingElseDoes() throws {
        let dataset = try makeDataset("DATE", rows: 2000)
        try dataset.configure(
            """
            primary_key = "id"
            partition_by = "created_at"
            partition_granularity = "month"
            row_group_granularity = "month"
            max_rows_per_row_group = 100
            """
        )
        try dataset.refresher(chunkRows: 300, batchRows: 64).refresh()
        let source = try sourceRows(dataset, isDate: true)
        let version = try dataset.currentVersionPath()
        let readouts = try PythonParquetReader.fromEnvironment().readLayouts(
            try dataset.currentFiles().map { URL(fileURLWithPath: version + "/" + $0) },
            columns: ["created_at"]
        )
        for readout in readouts {
            let name = (readout.path as NSString).lastPathComponent
            let rows = readout.numRows
            #expect(readout.rowGroups.allSatisfy { $0.numRows <= 100 }, "\(name): \(readout.rowGroups.map(\.numRows))")
            // Split only by the cap: the fewest groups that hold the month.
            #expect(
                readout.rowGroups.count == (rows + 99) / 100,
                "\(name): \(rows) rows in \(readout.rowGroups.map(\.numRows))"
            )
        }
        #expect(readouts.reduce(0) { $0 + $1.numRows } == source.count)
    }

    @Test func withoutAPartitionColumnEverythingIsOneFileInKeyOrder() throws {
        let dataset = try makeDataset("DATETIME", rows: 1500)
        try dataset.configure("primary_key = \"id\"")
        try dataset.refresher(chunkRows: 400).refresh()
        #expect(try dataset.currentFiles() == ["all.parquet"])
        let index = try dataset.currentIndex()
        #expect(index.partitionBy == nil && index.rowGroupGranularity == nil && index.files.map(\.partition) == ["all"])
        let readout = try #require(
            try PythonParquetReader.fromEnvironment().readLayouts(
                [URL(fileURLWithPath: try dataset.currentVersionPath() + "/all.parquet")],
                columns: ["id"]
            ).first
        )
        #expect(readout.integers("id").map { $0! } == Array(1...1500))
        #expect(readout.rowGroups.count == 1)
    }
}
