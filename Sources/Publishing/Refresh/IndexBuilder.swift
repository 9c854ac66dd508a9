import Foundation
import MySQLSource
import Parquet

/// Builds index.json for a version from the files written: per file and per row group the
/// rows, byte range and the partition column's min and max, so a dashboard asking for
/// [from, to) finds files and row ranges without opening any Parquet footer.
struct IndexBuilder {
    let plan: DatasetPlan

    /// - Parameter checksums: the written files' `FileChecksum`s by file name.
    func index(
        version: Int,
        publishedAt: Date,
        files: [PartitionFile],
        carried: [IndexFile] = [],
        checksums: [String: String] = [:]
    ) -> DatasetIndex {
        let written = files.map { file -> IndexFile in
            let groups = file.summary.rowGroups.map { group -> IndexRowGroup in
                let (lo, hi) = bounds(group)
                return IndexRowGroup(
                    firstRow: group.firstRow,
                    rows: group.rows,
                    min: lo,
                    max: hi,
                    offset: Int64(group.offset),
                    length: Int64(group.length)
                )
            }
            return IndexFile(
                path: file.fileName,
                partition: file.partitionName,
                rows: file.summary.rows,
                bytes: Int64(file.summary.bytes),
                min: fileBound(file.summary.rowGroups, min: true),
                max: fileBound(file.summary.rowGroups, min: false),
                rowGroups: groups,
                checksum: checksums[file.fileName]
            )
        }
        // Carried files keep their entries from the previous index: same bytes, same row groups.
        let indexFiles = (written + carried).sorted { $0.partition < $1.partition }
        return DatasetIndex(
            dataset: plan.dataset.name,
            version: version,
            publishedAt: publishedAt,
            partitionBy: plan.dataset.partitionBy,
            partitionGranularity: plan.dataset.partitionGranularity,
            rowGroupGranularity: plan.partitionColumn == nil ? nil : (plan.dataset.rowGroupGranularity ?? .day),
            primaryKey: plan.dataset.primaryKey,
            schema: plan.columns.map { IndexColumn($0.parquet, mysqlType: $0.mysqlType) },
            files: indexFiles
        )
    }

    /// The partition column's bounds in a row group as ISO-8601 text.
    private func bounds(_ group: RowGroupSummary) -> (String?, String?) {
        guard let column = plan.partitionColumn, let minMax = group.columnMinMax[column] else { return (nil, nil) }
        return (text(minMax.min), text(minMax.max))
    }

    private func fileBound(_ groups: [RowGroupSummary], min: Bool) -> String? {
        guard let column = plan.partitionColumn else { return nil }
        let values = groups.compactMap { $0.columnMinMax[column] }.map { min ? $0.min : $0.max }
        let descriptor = plan.schema.columns[column]
        guard let first = values.first else { return nil }
        var best = first
        for v in values.dropFirst() {
            let (a, b) = min ? (v, best) : (best, v)
            if EncodedValueComparison.less(a, b, physicalType: descriptor.physicalType, order: descriptor.valueOrder) {
                best = v
            }
        }
        return text(best)
    }

    private func text(_ plain: [UInt8]) -> String? {
        guard let column = plan.partitionColumn else { return nil }
        let descriptor = plan.schema.columns[column]
        switch descriptor.logicalType {
        case .date?:
            let days = plain.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }
            return ISO8601Timestamp.string(daysSinceEpoch: days)
        case .timestamp(let unit, let utc)?:
            let raw = plain.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
            let micros: Int64
            switch unit {
            case .millis: micros = raw * 1000
            case .micros: micros = raw
            case .nanos: micros = raw / 1000
            }
            return ISO8601Timestamp.string(microsSinceEpoch: micros, utc: utc)
        default:
            return nil
        }
    }
}
