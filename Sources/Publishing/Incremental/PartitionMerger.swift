import Foundation
import Parquet

/// Applies a change set to the previous version: partitions that hold a changed key or
/// receive a new row are read, merged and rewritten; every other partition is hard-linked.
///
/// The old location of a changed key (a row may have moved to another partition) is found
/// without an index of our own: the footer statistics of the first key column rule out most
/// partitions (ids grow with time, so each partition covers a narrow id range), and only the
/// key columns of the remaining candidates are read to confirm. docs/architecture.md gives
/// the cost at 160M rows.
struct PartitionMerger {
    let plan: DatasetPlan
    let previousVersion: Int
    let previousIndex: DatasetIndex
    let directory: DatasetDirectory
    let options: ParquetWriterOptions
    let keyValueMetadata: [String: String]
    /// Partitions whose previous file is corrupt: never read; their rows are the upserts routed
    /// to them (`PartitionRepair` put the source's rows of the partition among the upserts).
    var replaced: Set<String> = []

    struct Outcome {
        var rewritten: [PartitionFile]
        var carried: [IndexFile]
        var rowsRemoved: Int
        var rowsUpserted: Int
        var candidatesRead: Int
    }

    func apply(_ changes: ChangeSet, into staging: StagingVersion) throws -> Outcome {
        let schema = plan.schema
        let keyColumns = plan.primaryKey
        var changed = changes.deletes
        changed.insertAll(of: changes.upserts)

        // New rows by destination partition.
        let destinations = try plan.partitionNames(of: changes.upserts)
        var upsertRows: [String: [Int]] = [:]
        for (row, name) in destinations.enumerated() { upsertRows[name, default: []].append(row) }

        // Which previous partitions hold a changed key.
        let previousDirectory = directory.versionPath(previousVersion)
        var touched = Set(upsertRows.keys).union(replaced)
        var candidatesRead = 0
        let keyNames = keyColumns.map { schema.columns[$0].name }
        if !changed.isEmpty {
            let firstKeyBounds = try changedFirstKeyBounds(changes)
            for file in previousIndex.files where !touched.contains(file.partition) {
                let path = previousDirectory + "/" + file.path
                let reader = try ParquetFileReader(path: path)
                if let bounds = firstKeyBounds, !mayContain(reader, bounds: bounds) { continue }
                candidatesRead += 1
                let keys = try reader.readAll(columns: keyNames)
                let mask = changed.mask(of: keys, columns: Array(0..<keyNames.count))
                if mask.contains(true) { touched.insert(file.partition) }
            }
        }

        // Rewrite the touched partitions, in partition order, through one partitioned writer.
        let writer = PartitionedWriter(
            directory: staging.directory,
            schema: schema,
            layout: .init(
                partitionColumn: plan.partitionColumn,
                partitionUnit: plan.partitionUnit,
                rowGroupUnit: plan.rowGroupUnit,
                primaryKey: keyColumns
            ),
            options: options,
            keyValueMetadata: keyValueMetadata
        )
        var removed = 0
        var unchanged = Set<String>()
        let previousFiles = Dictionary(previousIndex.files.map { ($0.partition, $0) }, uniquingKeysWith: { a, _ in a })
        let upsertIndex = KeyIndex(changes.upserts, keyColumns: keyColumns)
        for name in touched.sorted() {
            var parts: [RecordBatch] = []
            var changedHere = false
            let incoming = upsertRows[name] ?? []
            if replaced.contains(name) {
                changedHere = true
            } else if let file = previousFiles[name] {
                let path = previousDirectory + "/" + file.path
                let old: RecordBatch
                do {
                    old = try ParquetFileReader(path: path).readAll()
                } catch {
                    // Damage the size and time checks could not see (and the scrub has not
                    // reached yet): name the file; the next cycle verifies and repairs it.
                    throw PublishingError(
                        .corruptPublishedFile,
                        "the published file \(path) cannot be read",
                        dataset: plan.dataset.name,
                        cause: error
                    )
                }
                // Rows read again within the lookback are often identical to what is published:
                // they must not make a new version.
                var sameInPlace = Set<Int>()
                var keep: [Int] = []
                keep.reserveCapacity(old.rowCount)
                for row in 0..<old.rowCount {
                    if let j = upsertIndex.row(matching: row, of: old, columns: keyColumns) {
                        if destinations[j] == name && old.rowEquals(row, changes.upserts, j) {
                            sameInPlace.insert(j)
                        } else {
                            changedHere = true
                        }
                        continue
                    }
                    if !changes.deletes.isEmpty && changes.deletes.contains(row: row, of: old, columns: keyColumns) {
                        changedHere = true
                        continue
                    }
                    keep.append(row)
                }
                if incoming.contains(where: { !sameInPlace.contains($0) }) { changedHere = true }
                if !changedHere {
                    unchanged.insert(name)
                    continue
                }
                removed += old.rowCount - keep.count - sameInPlace.count
                parts.append(keep.count == old.rowCount ? old : old.gather(keep))
            }
            if !incoming.isEmpty { parts.append(changes.upserts.gather(incoming)) }
            let merged = RecordBatch.concatenate(parts, schema: schema)
            try writer.append(merged)
        }
        touched.subtract(unchanged)
        let rewritten = try writer.finish()

        var carried: [IndexFile] = []
        for file in previousIndex.files where !touched.contains(file.partition) {
            try staging.linkUnchanged(file.path, from: previousVersion)
            carried.append(file)
        }
        return Outcome(
            rewritten: rewritten,
            carried: carried,
            rowsRemoved: removed,
            rowsUpserted: changes.upserts.rowCount,
            candidatesRead: candidatesRead
        )
    }

    /// Whether the first key column is an unsigned integer annotation.
    private var firstKeyUnsigned: Bool {
        if case .integer(_, false)? = plan.schema.columns[plan.primaryKey[0]].logicalType { return true }
        return false
    }

    /// The first key column of every changed key as order keys (see `orderKey`), sorted; nil
    /// when it is not an integer, or when deletes come without rows (then every file is read).
    private func changedFirstKeyBounds(_ changes: ChangeSet) throws -> [Int64]? {
        guard changes.deletes.isEmpty else { return nil }
        let column = changes.upserts.columns[plan.primaryKey[0]]
        switch column.values {
        case .int64(let v): return v.map { Self.orderKey($0, width: 8, unsigned: firstKeyUnsigned) }.sorted()
        case .int32(let v): return v.map { Self.orderKey(Int64($0), width: 4, unsigned: firstKeyUnsigned) }.sorted()
        default: return nil
        }
    }

    /// Maps an integer of the column's width and signedness onto Int64 so that plain signed
    /// comparison gives the column's order.
    static func orderKey(_ raw: Int64, width: Int, unsigned: Bool) -> Int64 {
        guard unsigned else { return raw }
        return width == 4 ? Int64(UInt32(truncatingIfNeeded: raw)) : raw ^ Int64.min
    }

    /// Whether any of `sortedKeys` falls inside some row group's min/max of the first key column.
    private func mayContain(_ reader: ParquetFileReader, bounds sortedKeys: [Int64]) -> Bool {
        let name = plan.schema.columns[plan.primaryKey[0]].name
        guard let index = reader.schema.index(of: name) else { return true }
        for group in reader.metadata.rowGroups {
            guard let stats = group.columns[index].metaData?.statistics, let lo = stats.minValue,
                let hi = stats.maxValue
            else { return true }
            let minimum = Self.orderKey(Self.integer(lo), width: lo.count, unsigned: firstKeyUnsigned)
            let maximum = Self.orderKey(Self.integer(hi), width: hi.count, unsigned: firstKeyUnsigned)
            // The first key >= minimum; the group may hold it when it is <= maximum.
            var low = 0
            var high = sortedKeys.count
            while low < high {
                let mid = (low + high) / 2
                if sortedKeys[mid] < minimum { low = mid + 1 } else { high = mid }
            }
            if low < sortedKeys.count && sortedKeys[low] <= maximum { return true }
        }
        return false
    }

    private static func integer(_ bytes: [UInt8]) -> Int64 {
        bytes.count == 4
            ? Int64(bytes.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) })
            : bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
    }
}
