import Foundation
import Parquet
import Publishing

/// Reading the base for a rollup, and writing the rollup's own files.
///
/// The base is read one row group at a time, only the columns the rollup needs, in partition
/// order; row groups whose time statistics fall outside the buckets asked for are skipped
/// without reading. The rollup's files are partitioned by bucket (year, month or one file),
/// sorted by bucket then group values, one row group per month of buckets (per day for day
/// buckets in month files), exactly as a dataset's files are laid out by `partition_by`.
enum RollupFiles {
    /// One row group of the base to aggregate.
    struct Work {
        var reader: ParquetFileReader
        var rowGroup: Int
        /// Buckets its rows can fall in (from statistics); nil: unknown.
        var range: ClosedRange<Int32>?
    }

    /// The row groups of `paths` worth reading for `only` (all when nil), in file order. With
    /// `ranges` (each file's buckets, from index.json), files that cannot hold a bucket asked for
    /// are not even opened.
    static func plan(
        _ plan: RollupPlan,
        paths: [String],
        ranges: [ClosedRange<Int32>?]? = nil,
        only: BucketSet?
    ) throws -> [Work] {
        var work: [Work] = []
        for (p, path) in paths.enumerated() {
            if let only, let ranges {
                guard let range = ranges[p], only.intersects(range) else { continue }
            }
            let reader: ParquetFileReader
            do {
                reader = try ParquetFileReader(path: path)
            } catch {
                throw RollupError(
                    .ioFailed,
                    rollup: plan.rollup.name,
                    "cannot open the base file \(path)",
                    cause: error
                )
            }
            for name in plan.readColumnNames where reader.schema.index(of: name) == nil {
                throw RollupError(
                    .missingColumn,
                    rollup: plan.rollup.name,
                    "the base file \(path) has no column \"\(name)\""
                )
            }
            let time = reader.schema.index(of: plan.timeColumn)!
            for group in 0..<reader.rowGroupCount where reader.rowCount(ofRowGroup: group) > 0 {
                var range: ClosedRange<Int32>?
                if let stats = reader.metadata.rowGroups[group].columns[time].metaData?.statistics,
                    let lo = stats.minValue, let hi = stats.maxValue
                {
                    range = plan.bucketing.bucketRange(min: lo, max: hi)
                }
                if let only, let range, !only.intersects(range) { continue }
                work.append(Work(reader: reader, rowGroup: group, range: range))
            }
        }
        return work
    }

    /// Aggregates `work` into `aggregator`, releasing count_distinct sets as soon as no later
    /// row group can reach their bucket.
    static func aggregate(_ work: [Work], into aggregator: RollupAggregator, only: BucketSet?) throws {
        // The smallest bucket any row group from i on can hold.
        var lowestAhead = [Int32](repeating: Int32.max, count: work.count + 1)
        for i in stride(from: work.count - 1, through: 0, by: -1) {
            lowestAhead[i] = min(lowestAhead[i + 1], work[i].range?.lowerBound ?? Int32.min)
        }
        let prefetch = Prefetch(work: work, plan: aggregator.plan, depth: 4)
        for i in work.indices {
            let batch: RollupInput
            do {
                batch = try prefetch.take(i)
            } catch {
                prefetch.cancel()
                throw RollupError(
                    .ioFailed,
                    rollup: aggregator.plan.rollup.name,
                    "cannot read row group \(work[i].rowGroup) of \(work[i].reader.path)",
                    cause: error
                )
            }
            do {
                try aggregator.add(batch, only: only)
            } catch {
                prefetch.cancel()
                throw error
            }
            if lowestAhead[i + 1] != lowestAhead[i] { aggregator.release(bucketsBefore: lowestAhead[i + 1]) }
        }
    }

    /// Reads row groups ahead of the aggregation on a queue of its own, `depth` at most, in
    /// order: decoding (two threads inside the reader) and aggregating (this thread) overlap.
    /// A full build was CPU-bound on one core without it (0.8 CPUs used).
    final class Prefetch: @unchecked Sendable {
        private final class Slot: @unchecked Sendable {
            var result: Result<RollupInput, any Error>?
            let done = DispatchSemaphore(value: 0)
        }

        private let work: [Work]
        private let plan: RollupPlan
        private let depth: Int
        private let queue = DispatchQueue(label: "parquet-publisher.rollup.read")
        private var slots: [Int: Slot] = [:]
        private var submitted = 0
        private let lock = NSLock()
        private var cancelled = false

        init(work: [Work], plan: RollupPlan, depth: Int) {
            self.work = work
            self.plan = plan
            self.depth = depth
            for _ in 0..<min(depth, work.count) { submitNext() }
        }

        private func submitNext() {
            guard submitted < work.count else { return }
            let index = submitted
            submitted += 1
            let slot = Slot()
            slots[index] = slot
            let item = work[index]
            let plan = self.plan
            queue.async { [self] in
                if lock.withLock({ cancelled }) {
                    slot.result = .failure(CancellationError())
                } else {
                    slot.result = Result { try RollupInput.read(item.reader, rowGroup: item.rowGroup, plan: plan) }
                }
                slot.done.signal()
            }
        }

        /// Row group `index`'s batch (indices are taken in order), and the next read queued.
        func take(_ index: Int) throws -> RollupInput {
            let slot = slots.removeValue(forKey: index)!
            slot.done.wait()
            submitNext()
            return try slot.result!.get()
        }

        /// Stops reading ahead (after a failure); waits for the read in progress.
        func cancel() {
            lock.withLock { cancelled = true }
            queue.sync {}
        }
    }

    /// The buckets of every row of `paths` (any `where` aside): what a changed base file can
    /// have changed. Reads the time column only.
    static func buckets(_ plan: RollupPlan, paths: [String]) throws -> Set<Int32> {
        var found = Set<Int32>()
        var scratch: [Int32] = []
        for path in paths {
            do {
                let reader = try ParquetFileReader(path: path)
                for group in 0..<reader.rowGroupCount where reader.rowCount(ofRowGroup: group) > 0 {
                    let column = try reader.readRowGroup(group, columns: [plan.timeColumn]).columns[0]
                    plan.bucketing.buckets(of: column, into: &scratch)
                    var last = Bucketing.null
                    for i in 0..<column.count where scratch[i] != last {
                        last = scratch[i]
                        if last != Bucketing.null { found.insert(last) }
                    }
                }
            } catch {
                throw RollupError(
                    .ioFailed,
                    rollup: plan.rollup.name,
                    "cannot read the base file \(path)",
                    cause: error
                )
            }
        }
        return found
    }

    // MARK: Writing

    /// The file (partition) a bucket belongs to: "2024", "2024-05" or "all".
    static func partition(of bucket: Int32, _ granularity: PartitionGranularity) -> String {
        PartitionKey(granularity: granularity, daysSinceEpoch: bucket).name
    }

    /// The row group a bucket belongs to: its month, or the day itself.
    static func rowGroup(of bucket: Int32, _ granularity: RowGroupGranularity) -> Int {
        granularity.bucket(daysSinceEpoch: Int(bucket))
    }

    /// Splits sorted output rows by partition: (name, rows) in partition order.
    static func partitions(of batch: RecordBatch, _ granularity: PartitionGranularity) -> [(String, Range<Int>)] {
        guard case .int32(let buckets) = batch.columns[RollupPlan.bucketColumn].values else { return [] }
        var parts: [(String, Range<Int>)] = []
        var start = 0
        while start < buckets.count {
            let name = partition(of: buckets[start], granularity)
            var end = start + 1
            while end < buckets.count
                && (buckets[end] == buckets[end - 1] || partition(of: buckets[end], granularity) == name)
            {
                end += 1
            }
            parts.append((name, start..<end))
            start = end
        }
        return parts
    }

    /// Writes sorted rows of one partition as `<name>.parquet` in `staging`, one row group per
    /// month (or day) of buckets, and returns its index entry.
    static func write(
        _ rows: RecordBatch,
        partition name: String,
        plan: RollupPlan,
        staging: StagingVersion,
        options: ParquetWriterOptions
    ) throws -> IndexFile {
        let fileName = name + ".parquet"
        guard case .int32(let buckets) = rows.columns[RollupPlan.bucketColumn].values else {
            preconditionFailure("the bucket column is INT32")
        }
        let summary: ParquetFileSummary
        var bounds: [(Int32, Int32)] = []
        do {
            let writer = try ParquetFileWriter(
                path: staging.path(for: fileName),
                schema: plan.outputSchema,
                options: options
            )
            var start = 0
            while start < buckets.count {
                let group = rowGroup(of: buckets[start], plan.rowGroupGranularity)
                var end = start + 1
                while end < buckets.count && rowGroup(of: buckets[end], plan.rowGroupGranularity) == group { end += 1 }
                try writer.write(start == 0 && end == buckets.count ? rows : rows.slice(start..<end))
                try writer.endRowGroup()
                bounds.append((buckets[start], buckets[end - 1]))
                start = end
            }
            summary = try writer.close(keyValueMetadata: ["parquet-publisher.rollup": plan.rollup.name])
        } catch {
            throw RollupError(.ioFailed, rollup: plan.rollup.name, "cannot write \(fileName)", cause: error)
        }
        let date = { (day: Int32) in ISO8601Timestamp.string(daysSinceEpoch: day) }
        let groups = zip(summary.rowGroups, bounds).map { group, bound in
            IndexRowGroup(
                firstRow: group.firstRow,
                rows: group.rows,
                min: date(bound.0),
                max: date(bound.1),
                offset: Int64(group.offset),
                length: Int64(group.length)
            )
        }
        return IndexFile(
            path: fileName,
            partition: name,
            rows: summary.rows,
            bytes: Int64(summary.bytes),
            min: buckets.first.map(date),
            max: buckets.last.map(date),
            rowGroups: groups
        )
    }
}
