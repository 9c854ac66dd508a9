import Parquet

/// The file of one partition, written.
public struct PartitionFile: Sendable {
    /// File name relative to the version directory: "2024-05.parquet", "all.parquet", "null.parquet".
    public var fileName: String
    public var partitionName: String
    public var summary: ParquetFileSummary
}

/// Routes rows to one Parquet file per partition, sorted by (partition column, primary key),
/// one row group per day or month of the partition column.
///
/// Rows usually arrive almost in order (keyset chunks by primary key, and ids grow with
/// time), so each partition is written as a stream: a row group ends when a row of a later
/// day arrives in it, or of a day two later in any partition. Rows that arrive for a day
/// already written are kept aside and merged by rewriting that partition at the end; memory
/// is one pending row group per open partition (held as the batches its rows came in, at
/// most a day or two behind the newest) plus those late rows.
///
/// Not thread-safe; a snapshot hands it from the calling thread to its encoding thread and
/// back, one at a time.
final class PartitionedWriter: @unchecked Sendable {
    struct Layout {
        var partitionColumn: Int?
        var partitionUnit: TemporalBuckets.Unit?
        var rowGroupUnit: TemporalBuckets.Unit?
        var primaryKey: [Int]
    }

    private final class Partition {
        let bucket: Int
        let fileName: String
        let partitionName: String
        var writer: ParquetFileWriter?
        var finished: ParquetFileSummary?
        var lastRow: RecordBatch?
        /// The day (or month) of the open row group.
        var pendingRowGroupBucket: Int?
        /// The last day (or month) written as a row group: rows for it or before it are late.
        var writtenThrough: Int?
        /// Rows of the open row group (one day or month) as runs of the batches they came in,
        /// copied out only when the row group is written (sorted: rows of the same day may
        /// arrive in any order), once a later day arrives.
        var pending: [(batch: RecordBatch, rows: Range<Int>)] = []
        var late: [RecordBatch] = []
        var lastUse = 0

        init(bucket: Int, name: String) {
            self.bucket = bucket
            self.partitionName = name
            self.fileName = name + ".parquet"
        }
    }

    let directory: String
    let schema: ParquetSchema
    let layout: Layout
    let options: ParquetWriterOptions
    let maxOpenFiles: Int
    let keyValueMetadata: [String: String]
    private let order: RowOrder
    private var partitions: [Int: Partition] = [:]
    private var openCount = 0
    private var clock = 0
    /// The latest row-group bucket any row has arrived for.
    private var newestRowGroupBucket = Int.min
    private(set) var lateRows = 0

    init(
        directory: String,
        schema: ParquetSchema,
        layout: Layout,
        options: ParquetWriterOptions,
        keyValueMetadata: [String: String] = [:],
        maxOpenFiles: Int = 32
    ) {
        self.directory = directory
        self.schema = schema
        self.layout = layout
        self.options = options
        self.keyValueMetadata = keyValueMetadata
        self.maxOpenFiles = maxOpenFiles
        order = RowOrder(schema: schema, keyColumns: (layout.partitionColumn.map { [$0] } ?? []) + layout.primaryKey)
    }

    /// The partition name of a bucket ("2024-05-17", "2024-05", "2024", "all", "null"), as
    /// `PartitionKey` names partitions in the published layout.
    static func partitionName(bucket: Int, unit: TemporalBuckets.Unit?) -> String {
        guard let unit else { return PartitionKey.all.name }
        if bucket == TemporalBuckets.null { return PartitionKey.null.name }
        let granularity: PartitionGranularity
        switch unit {
        case .day: granularity = .day
        case .month: granularity = .month
        case .year: granularity = .year
        }
        let day = TemporalBuckets.firstDay(ofBucket: bucket, unit)
        return PartitionKey(granularity: granularity, date: CivilDate(daysSinceEpoch: day)).name
    }

    func append(_ batch: RecordBatch) throws {
        guard batch.rowCount > 0 else { return }
        // Day numbers of the partition column, worked out once per batch and carried along
        // (gathered with the rows when they are regrouped or sorted).
        let days = try layout.partitionColumn.map {
            try TemporalBuckets.days(of: batch.columns[$0], descriptor: schema.columns[$0])
        }
        // Group rows by partition, keeping arrival order within each group. Most batches
        // fall in one partition; that case costs one pass and no dictionary.
        let buckets = Self.buckets(of: days, unit: layout.partitionUnit, rows: batch.rowCount)
        let single = buckets.allSatisfy { $0 == buckets[0] }
        var groups: [Int: [Int]] = [:]
        if single {
            groups[buckets[0]] = []
        } else {
            for (row, bucket) in buckets.enumerated() { groups[bucket, default: []].append(row) }
        }
        for bucket in groups.keys.sorted() {
            let rows = groups[bucket]!
            var part = single ? batch : batch.gather(rows)
            var partDays = single ? days : days.map { d in rows.map { d[$0] } }
            if let permutation = order.sortingPermutation(part) {
                part = part.gather(permutation)
                partDays = partDays.map { d in permutation.map { d[$0] } }
            }
            try route(part, days: partDays, bucket: bucket)
        }
    }

    /// The bucket of every row (0 for all when not partitioned). Rows of one day come
    /// together, so a day's bucket is worked out once per run of that day.
    private static func buckets(of days: [Int]?, unit: TemporalBuckets.Unit?, rows: Int) -> [Int] {
        guard let days, let unit else { return [Int](repeating: 0, count: rows) }
        var lastDay = TemporalBuckets.null
        var lastBucket = TemporalBuckets.bucket(lastDay, unit)
        return days.map { day in
            if day != lastDay {
                lastDay = day
                lastBucket = TemporalBuckets.bucket(day, unit)
            }
            return lastBucket
        }
    }

    private func partition(for bucket: Int) -> Partition {
        if let p = partitions[bucket] { return p }
        let p = Partition(bucket: bucket, name: Self.partitionName(bucket: bucket, unit: layout.partitionUnit))
        partitions[bucket] = p
        return p
    }

    /// Adds rows of one partition, sorted, with the day of each (nil when not partitioned).
    private func route(_ rows: RecordBatch, days: [Int]?, bucket: Int) throws {
        let p = partition(for: bucket)
        clock += 1
        p.lastUse = clock
        if p.finished != nil {
            p.late.append(rows)
            lateRows += rows.rowCount
            return
        }
        if p.writer == nil {
            if openCount >= maxOpenFiles { try closeLeastRecentlyUsed() }
            p.writer = try ParquetFileWriter(path: directory + "/" + p.fileName, schema: schema, options: options)
            openCount += 1
        }
        guard let unit = layout.rowGroupUnit, let days else {
            // No day to cut at: rows stream in key order; anything before the last row is late.
            if let last = p.lastRow, order.compare(last, 0, rows, 0) > 0 {
                p.late.append(rows)
                lateRows += rows.rowCount
                return
            }
            try p.writer!.write(rows)
            p.lastRow = rows.gather([rows.rowCount - 1])
            return
        }
        // Rows are sorted by the partition column: cut them into runs of one row group each.
        var start = 0
        while start < rows.rowCount {
            let runBucket = TemporalBuckets.bucket(days[start], unit)
            var end = start + 1
            while end < rows.rowCount
                && (days[end] == days[end - 1] || TemporalBuckets.bucket(days[end], unit) == runBucket)
            {
                end += 1
            }
            let isLate: Bool
            if let written = p.writtenThrough, runBucket <= written {
                isLate = true  // a day already written
            } else if let pending = p.pendingRowGroupBucket, runBucket < pending {
                isLate = true  // a day before the open row group's
            } else {
                isLate = false
            }
            if isLate {
                // Merged when the partition is finished.
                p.late.append(start == 0 && end == rows.rowCount ? rows : rows.slice(start..<end))
                lateRows += end - start
            } else {
                if let pending = p.pendingRowGroupBucket, runBucket > pending { try flush(p) }
                p.pendingRowGroupBucket = runBucket
                p.pending.append((rows, start..<end))
                if runBucket != TemporalBuckets.null && runBucket > newestRowGroupBucket {
                    newestRowGroupBucket = runBucket
                    try flushOtherPartitions(olderThan: runBucket - 1)
                }
            }
            start = end
        }
    }

    /// Writes the open row group of every partition whose day (or month) is more than one
    /// row group behind the newest that arrived. Within a partition a later day already ends
    /// the open row group; this does the same across partitions, so the last day of each month
    /// is encoded while later months are still being fetched rather than all at once when
    /// the snapshot ends. A row that still arrives for such a day is a late row, as within a
    /// partition.
    private func flushOtherPartitions(olderThan bucket: Int) throws {
        for p in partitions.values where p.writer != nil && !p.pending.isEmpty {
            if let pending = p.pendingRowGroupBucket, pending != TemporalBuckets.null, pending < bucket { try flush(p) }
        }
    }

    /// Sorts the open row group's rows and writes them as one row group.
    private func flush(_ p: Partition) throws {
        guard !p.pending.isEmpty, let writer = p.writer else { return }
        let rows = RecordBatch.concatenate(p.pending)
        p.pending = []
        p.writtenThrough = p.pendingRowGroupBucket
        p.pendingRowGroupBucket = nil
        try writer.write(order.sortingPermutation(rows).map { rows.gather($0) } ?? rows)
        try writer.endRowGroup()
    }

    /// Writes sorted rows, ending a row group wherever the row-group bucket changes.
    private func writeInRowGroups(_ rows: RecordBatch, to writer: ParquetFileWriter, pendingBucket: inout Int?) throws {
        guard let unit = layout.rowGroupUnit, let column = layout.partitionColumn else {
            try writer.write(rows)
            return
        }
        let days = try TemporalBuckets.days(of: rows.columns[column], descriptor: schema.columns[column])
        var start = 0
        while start < rows.rowCount {
            let bucket = TemporalBuckets.bucket(days[start], unit)
            var end = start + 1
            while end < rows.rowCount && TemporalBuckets.bucket(days[end], unit) == bucket { end += 1 }
            if let pending = pendingBucket, pending != bucket { try writer.endRowGroup() }
            pendingBucket = bucket
            try writer.write(start == 0 && end == rows.rowCount ? rows : rows.slice(start..<end))
            start = end
        }
    }

    private func closeLeastRecentlyUsed() throws {
        guard let p = partitions.values.filter({ $0.writer != nil }).min(by: { $0.lastUse < $1.lastUse }) else {
            return
        }
        try close(p)
    }

    private func close(_ p: Partition) throws {
        guard let writer = p.writer else { return }
        try flush(p)
        p.finished = try writer.close(keyValueMetadata: keyValueMetadata)
        p.writer = nil
        openCount -= 1
    }

    /// Closes every file, rewrites partitions that received late rows, and lists the files.
    func finish() throws -> [PartitionFile] {
        for p in partitions.values { try close(p) }
        for p in partitions.values where !p.late.isEmpty {
            try rewriteWithLateRows(p)
        }
        return partitions.values.sorted { $0.bucket < $1.bucket }.map {
            PartitionFile(fileName: $0.fileName, partitionName: $0.partitionName, summary: $0.finished!)
        }
    }

    /// Removes every file written so far (a failed refresh leaves nothing behind).
    func abandon() {
        for p in partitions.values {
            _ = try? p.writer?.close()
            p.writer = nil
            try? Syscall.unlink(directory + "/" + p.fileName)
        }
    }

    /// Rewrites a partition with the rows that arrived for days it had already written. The
    /// file's row groups and the late rows (sorted) are merged as two sorted streams, one row
    /// group at a time: memory holds the late rows and about a row group, not the partition
    /// (a month of a large table can be millions of rows).
    private func rewriteWithLateRows(_ p: Partition) throws {
        let path = directory + "/" + p.fileName
        let arrived = RecordBatch.concatenate(p.late, schema: schema)
        let late = order.sortingPermutation(arrived).map { arrived.gather($0) } ?? arrived
        let temporary = path + ".rewrite"
        let writer = try ParquetFileWriter(path: temporary, schema: schema, options: options)
        var pending: Int?
        var next = 0  // the first late row not written yet
        if let finished = p.finished, finished.rows > 0 {
            let reader = try ParquetFileReader(path: path)
            for g in 0..<reader.rowGroupCount {
                let group = RecordBatch(schema: schema, columns: try reader.readRowGroup(g).columns)
                guard group.rowCount > 0 else { continue }
                // The late rows that sort up to this group's last row go in with it.
                var end = next
                while end < late.rowCount && order.compare(late, end, group, group.rowCount - 1) <= 0 { end += 1 }
                let merged =
                    end == next ? group : RecordBatch.concatenate([(group, 0..<group.rowCount), (late, next..<end)])
                try writeInRowGroups(
                    order.sortingPermutation(merged).map { merged.gather($0) } ?? merged,
                    to: writer,
                    pendingBucket: &pending
                )
                next = end
            }
        }
        if next < late.rowCount {
            try writeInRowGroups(late.slice(next..<late.rowCount), to: writer, pendingBucket: &pending)
        }
        p.finished = try writer.close(keyValueMetadata: keyValueMetadata)
        p.finished!.path = path
        do {
            try Syscall.rename(temporary, path)
        } catch {
            throw PublishingError(.publishFailed, "cannot replace \(path) with its merged rewrite", cause: error)
        }
        p.late = []
    }
}

extension RecordBatch {
    static func concatenate(_ batches: [RecordBatch], schema: ParquetSchema) -> RecordBatch {
        guard !batches.isEmpty else { return RecordBatch(emptyWith: schema) }
        if batches.count == 1 { return batches[0] }
        return RecordBatch(
            schema: schema,
            columns: schema.columns.indices.map { c in Column.concatenate(batches.map { $0.columns[c] }) }
        )
    }

    /// Rows `rows` of each batch one after another, copied once (at least one piece).
    static func concatenate(_ pieces: [(batch: RecordBatch, rows: Range<Int>)]) -> RecordBatch {
        let schema = pieces[0].batch.schema
        return RecordBatch(
            schema: schema,
            columns: schema.columns.indices.map { c in
                Column.concatenate(pieces.map { (column: $0.batch.columns[c], rows: $0.rows) })
            }
        )
    }
}
