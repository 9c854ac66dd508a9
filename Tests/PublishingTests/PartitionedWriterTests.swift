import Parquet
import Testing

@testable import Publishing

/// How the snapshot writer cuts row groups when rows arrive in batches: what the files hold
/// must not depend on when a row group happened to be written.
@Suite struct PartitionedWriterCutsRowGroupsByDay {
    static let schema = ParquetSchema(columns: [
        ColumnDescriptor(name: "id", physicalType: .int64, repetition: .required),
        ColumnDescriptor(name: "day", physicalType: .int32, logicalType: .date, repetition: .required),
    ])

    /// Month files with one row group per day, keyed by id.
    func writer(in directory: ScratchDirectory, maxRowGroupRows: Int = 1_000_000) -> PartitionedWriter {
        var options = ParquetWriterOptions()
        options.maxRowGroupRows = maxRowGroupRows
        return PartitionedWriter(
            directory: directory.path,
            schema: Self.schema,
            layout: .init(partitionColumn: 1, partitionUnit: .month, rowGroupUnit: .day, primaryKey: [0]),
            options: options
        )
    }

    func batch(_ rows: [(id: Int64, day: Int32)]) -> RecordBatch {
        RecordBatch(
            schema: Self.schema,
            columns: [
                Column(values: .int64(rows.map(\.id))),
                Column(values: .int32(rows.map(\.day))),
            ]
        )
    }

    /// (id, day) of every row, and the days of each row group, as the file holds them.
    func contents(_ path: String) throws -> (rows: [[Int64]], groupDays: [[Int32]]) {
        let reader = try ParquetFileReader(path: path)
        var rows: [[Int64]] = []
        var groupDays: [[Int32]] = []
        for g in 0..<reader.rowGroupCount {
            let group = try reader.readRowGroup(g)
            guard case .int64(let ids) = group.columns[0].values, case .int32(let days) = group.columns[1].values else {
                Issue.record("unexpected column types")
                return ([], [])
            }
            rows += zip(ids, days).map { [Int64($0.1), $0.0] }
            groupDays.append(days)
        }
        return (rows, groupDays)
    }

    // Days since 1970: 19753 is 2024-01-31, 19754 is 2024-02-01, 19755 2024-02-02.
    static let jan31: Int32 = 19753
    static let feb1: Int32 = 19754
    static let feb2: Int32 = 19755

    @Test func aDayWrittenWhenLaterMonthsArriveStillEndsUpAsOneSortedRowGroup() throws {
        let directory = ScratchDirectory()
        let writer = writer(in: directory)
        try writer.append(batch([(10, Self.jan31), (12, Self.jan31)]))
        try writer.append(batch([(13, Self.feb1), (14, Self.feb2)]))  // January's last day is written here
        try writer.append(batch([(11, Self.jan31), (15, Self.feb2)]))  // a late row for it
        let files = try writer.finish()
        #expect(files.map(\.fileName) == ["2024-01.parquet", "2024-02.parquet"])
        #expect(writer.lateRows == 1)

        let january = try contents(directory.file("2024-01.parquet"))
        #expect(january.rows == [[19753, 10], [19753, 11], [19753, 12]])
        #expect(january.groupDays == [[Self.jan31, Self.jan31, Self.jan31]], "one row group for the day")
        let february = try contents(directory.file("2024-02.parquet"))
        #expect(february.rows == [[19754, 13], [19755, 14], [19755, 15]])
        #expect(february.groupDays == [[Self.feb1], [Self.feb2, Self.feb2]])
    }

    @Test func aDayIsWrittenOnlyOnceALaterDayHasArrived() throws {
        let directory = ScratchDirectory()
        let writer = writer(in: directory)
        // The next day arriving in another month does not end January 31 yet (rows of a day
        // often straddle a batch); two days later does.
        try writer.append(batch([(10, Self.jan31)]))
        try writer.append(batch([(12, Self.feb1)]))
        try writer.append(batch([(11, Self.jan31)]))
        _ = try writer.finish()
        #expect(writer.lateRows == 0)
        #expect(try contents(directory.file("2024-01.parquet")).rows == [[19753, 10], [19753, 11]])
    }

    @Test func lateRowsAreMergedIntoTheWrittenFileRowGroupByRowGroup() throws {
        let directory = ScratchDirectory()
        // Two rows per row group at most, so a day is split by the cap and the merge must
        // keep the cut and the order across the pieces.
        let writer = writer(in: directory, maxRowGroupRows: 2)
        let jan1: Int32 = 19723
        try writer.append(batch([(1, jan1), (3, jan1), (5, jan1 + 2)]))
        try writer.append(batch([(6, jan1 + 3), (7, jan1 + 3), (8, jan1 + 3)]))
        try writer.append(batch([(2, jan1), (4, jan1 + 1)]))  // late: a written day, and a day never seen
        _ = try writer.finish()
        #expect(writer.lateRows == 2)
        let january = try contents(directory.file("2024-01.parquet"))
        #expect(
            january.rows == [
                [19723, 1], [19723, 2], [19723, 3], [19724, 4], [19725, 5], [19726, 6], [19726, 7], [19726, 8],
            ]
        )
        #expect(
            january.groupDays == [[jan1, jan1], [jan1], [jan1 + 1], [jan1 + 2], [jan1 + 3, jan1 + 3], [jan1 + 3]]
        )
    }
}
