import Foundation
import MySQLSource
import Parquet

/// Reads again from the source what a corrupt published file held, so that its partition is
/// rewritten from the source, not the whole table: the key range the file covered comes from
/// its footer (the statistics of the first key column, written with every row group), and one
/// range read on the primary key (`WHERE key BETWEEN lo AND hi`) returns its rows as they are
/// now; those of the file's partition replace it. Rows that moved in or out of the partition
/// since are merged like any upsert (the merger finds their other copies).
struct PartitionRepair {
    let plan: DatasetPlan
    let connection: MySQLConnection
    let batchRows: Int

    /// Why a partition cannot be repaired from the key range (a footer too damaged to read, a
    /// key that is not an integer): the dataset is rebuilt in full instead.
    struct Unrepairable: Error, CustomStringConvertible {
        var description: String
    }

    /// The source's current rows of the partitions of `files` (paths of the corrupt files).
    func rows(of files: [(file: IndexFile, path: String)]) throws -> RecordBatch {
        guard let table = plan.table else { throw Unrepairable(description: "a query has no key range to read") }
        let keyIndex = plan.primaryKey[0]
        let key = plan.columns[keyIndex]
        guard case .integer(_, let signed) = key.kind else {
            throw Unrepairable(description: "the first key column, \(key.name), is not an integer")
        }
        let columnList = plan.columns.map { "`\($0.name)`" }.joined(separator: ", ")
        var batches: [RecordBatch] = []
        for (file, path) in files {
            guard let (lo, hi) = try keyRange(path, column: key.name, signed: signed) else { continue }
            let stream = try connection.stream(
                sql: "SELECT \(columnList) FROM \(table.quoted) WHERE `\(key.name)` BETWEEN ? AND ?",
                parameters: [DeltaReader.parameter(lo, for: key), DeltaReader.parameter(hi, for: key)],
                columns: plan.columns
            )
            var read: [RecordBatch] = []
            while let batch = try stream.next(maxRows: batchRows) { read.append(batch) }
            stream.close()
            let all = RecordBatch.concatenate(read, schema: plan.schema)
            let names = try plan.partitionNames(of: all)
            batches.append(all.gather(names.indices.filter { names[$0] == file.partition }))
        }
        return RecordBatch.concatenate(batches, schema: plan.schema)
    }

    /// The smallest and largest first-key value in the file, as text, from its footer; nil for
    /// a file without rows.
    private func keyRange(_ path: String, column: String, signed: Bool) throws -> (String, String)? {
        let reader: ParquetFileReader
        do {
            reader = try ParquetFileReader(path: path)
        } catch {
            throw Unrepairable(description: "the footer of \(path) cannot be read (\(error))")
        }
        guard let index = reader.schema.index(of: column) else {
            throw Unrepairable(description: "\(path) has no column \(column)")
        }
        var low: Int64?
        var high: Int64?
        let wide = reader.schema.columns[index].physicalType == .int64
        for group in reader.metadata.rowGroups where group.numRows > 0 {
            guard let statistics = group.columns[index].metaData?.statistics, let lo = statistics.minValue,
                let hi = statistics.maxValue
            else {
                throw Unrepairable(description: "\(path) has no key statistics for \(column)")
            }
            let (a, b) = (Self.order(lo, signed: signed, wide: wide), Self.order(hi, signed: signed, wide: wide))
            low = min(low ?? a, a)
            high = max(high ?? b, b)
        }
        guard let low, let high else { return nil }
        return (Self.text(low, signed: signed, wide: wide), Self.text(high, signed: signed, wide: wide))
    }

    /// A plain-encoded integer as an Int64 that orders as the column does (unsigned 64-bit
    /// values with the sign bit flipped).
    private static func order(_ bytes: [UInt8], signed: Bool, wide: Bool) -> Int64 {
        if wide {
            let raw = bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
            return signed ? raw : raw ^ Int64.min
        }
        let raw = bytes.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }
        return signed ? Int64(raw) : Int64(UInt32(bitPattern: raw))
    }

    private static func text(_ value: Int64, signed: Bool, wide: Bool) -> String {
        signed || !wide ? String(value) : String(UInt64(bitPattern: value ^ Int64.min))
    }
}

extension DatasetPlan {
    /// The partition name of every row of `batch`, as `PartitionedWriter` names the files.
    func partitionNames(of batch: RecordBatch) throws -> [String] {
        guard let column = partitionColumn, let unit = partitionUnit else {
            return Array(repeating: "all", count: batch.rowCount)
        }
        let days = try TemporalBuckets.days(of: batch.columns[column], descriptor: schema.columns[column])
        var names: [Int: String] = [:]
        return days.map { day in
            let bucket = TemporalBuckets.bucket(day, unit)
            if let name = names[bucket] { return name }
            let name = PartitionedWriter.partitionName(bucket: bucket, unit: unit)
            names[bucket] = name
            return name
        }
    }
}
