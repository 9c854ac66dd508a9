import Foundation
import Logging
import MySQLSource
import Parquet

/// Finds what timestamps cannot see: hard deletes, rows whose `updated_at` is NULL, writes
/// that bypassed `updated_at`. The way pt-table-checksum does it: the table is cut into
/// chunks along the first key column; for each chunk MySQL computes a row count and two
/// aggregates of a per-row CRC32 (BIT_XOR and SUM, 5.7-safe SQL), the daemon computes the same
/// over the published rows, and only chunks that differ are read again and merged.
struct Reconciler {
    let plan: DatasetPlan
    let connection: MySQLConnection
    let versionDirectory: String
    let previousIndex: DatasetIndex
    let chunkRows: Int
    let batchRows: Int
    let logger: Logger

    struct Repairs {
        var upserts: RecordBatch
        var deletedKeys: [RecordBatch]
        var chunks: Int
        var chunksDiffering: Int
    }

    private struct Aggregate: Equatable {
        var count: Int64 = 0
        var xor: UInt64 = 0
        var sum: UInt64 = 0
    }

    /// Chunks are bounded by integer values of the first key column; any other key is one chunk.
    private var integerKey: (index: Int, signed: Bool)? {
        let index = plan.primaryKey[0]
        if case .integer(_, let signed) = plan.columns[index].kind { return (index, signed) }
        return nil
    }

    func findRepairs() throws -> Repairs {
        guard let table = plan.table else {
            throw PublishingError(.sourceFailed, "reconciliation needs a table", dataset: plan.dataset.name)
        }
        let checksum = RowChecksum(columns: plan.columns)
        let keyName = "`" + plan.columns[plan.primaryKey[0]].name + "`"
        // Upper bounds of the chunks, as order keys; the last chunk is open above.
        var bounds: [Int64] = []
        var boundParameters: [MySQLParameter] = []
        if let key = integerKey {
            var lower: MySQLParameter?
            while true {
                let sql =
                    "SELECT \(keyName) FROM \(table.quoted)" + (lower == nil ? "" : " WHERE \(keyName) > ?")
                    + " ORDER BY \(keyName) LIMIT 1 OFFSET \(chunkRows - 1)"
                guard let text = try connection.queryStrings(sql, lower.map { [$0] } ?? []).first?.first ?? nil else {
                    break
                }
                let parameter = DeltaReader.parameter(text, for: plan.columns[key.index])
                bounds.append(
                    Self.orderKey(text, signed: key.signed, wide: plan.schema.columns[key.index].physicalType == .int64)
                )
                boundParameters.append(parameter)
                lower = parameter
            }
        }
        let chunkCount = bounds.count + 1

        func condition(_ chunk: Int) -> (String, [MySQLParameter]) {
            var parts: [String] = []
            var parameters: [MySQLParameter] = []
            if chunk > 0 {
                parts.append("\(keyName) > ?")
                parameters.append(boundParameters[chunk - 1])
            }
            if chunk < bounds.count {
                parts.append("\(keyName) <= ?")
                parameters.append(boundParameters[chunk])
            }
            return (parts.isEmpty ? "1 = 1" : parts.joined(separator: " AND "), parameters)
        }

        // The source's aggregates, chunk by chunk (each statement reads one chunk).
        var source: [Aggregate] = []
        for chunk in 0..<chunkCount {
            let (whereClause, parameters) = condition(chunk)
            let sql =
                """
                SELECT COUNT(*), COALESCE(BIT_XOR(c), 0), COALESCE(SUM(c), 0) FROM (SELECT \(checksum.sql) AS c FROM \
                \(table.quoted) WHERE \(whereClause)) AS chunk
                """
            let row = try connection.queryStrings(sql, parameters).first ?? []
            source.append(
                Aggregate(
                    count: Int64(row[0] ?? "0") ?? 0,
                    xor: UInt64(row[1] ?? "0") ?? 0,
                    sum: UInt64(row[2] ?? "0") ?? 0
                )
            )
        }

        // The published side: every row's checksum, added to its chunk.
        var published = [Aggregate](repeating: Aggregate(), count: chunkCount)
        var scratch: [UInt8] = []
        for file in previousIndex.files {
            let reader = try ParquetFileReader(path: versionDirectory + "/" + file.path)
            for group in 0..<reader.rowGroupCount {
                let batch = try reader.readRowGroup(group, columns: plan.columns.map(\.name))
                for row in 0..<batch.rowCount {
                    let chunk = chunkOf(batch, row: row, bounds: bounds)
                    let crc = UInt64(checksum.checksum(row: row, of: batch, scratch: &scratch))
                    published[chunk].count += 1
                    published[chunk].xor ^= crc
                    published[chunk].sum &+= crc
                }
            }
        }

        let differing = (0..<chunkCount).filter { source[$0] != published[$0] }
        guard !differing.isEmpty else {
            return Repairs(
                upserts: RecordBatch(emptyWith: plan.schema),
                deletedKeys: [],
                chunks: chunkCount,
                chunksDiffering: 0
            )
        }

        // Read the differing chunks again; published keys there that the source lacks are deletes.
        var batches: [RecordBatch] = []
        let columnList = plan.columns.map { "`\($0.name)`" }.joined(separator: ", ")
        for chunk in differing {
            let (whereClause, parameters) = condition(chunk)
            let stream = try connection.stream(
                sql: "SELECT \(columnList) FROM \(table.quoted) WHERE \(whereClause)",
                parameters: parameters,
                columns: plan.columns
            )
            while let batch = try stream.next(maxRows: batchRows) { batches.append(batch) }
            stream.close()
        }
        let upserts = RecordBatch.concatenate(batches, schema: plan.schema)
        var present = KeySet(keyColumns: plan.primaryKey, schema: plan.schema)
        present.insertAll(of: upserts)
        let differingSet = Set(differing)
        let keyNames = plan.primaryKey.map { plan.columns[$0].name }
        var deleted: [RecordBatch] = []
        for file in previousIndex.files {
            let keys = try ParquetFileReader(path: versionDirectory + "/" + file.path).readAll(columns: keyNames)
            let keyColumns = Array(0..<keyNames.count)
            var gone: [Int] = []
            for row in 0..<keys.rowCount
            where differingSet.contains(chunkOf(keys, row: row, bounds: bounds, keyColumn: 0)) {
                if !present.contains(row: row, of: keys, columns: keyColumns) { gone.append(row) }
            }
            if !gone.isEmpty { deleted.append(keys.gather(gone)) }
        }
        return Repairs(upserts: upserts, deletedKeys: deleted, chunks: chunkCount, chunksDiffering: differing.count)
    }

    private func chunkOf(_ batch: RecordBatch, row: Int, bounds: [Int64], keyColumn: Int? = nil) -> Int {
        guard let key = integerKey, !bounds.isEmpty else { return 0 }
        let column = batch.columns[keyColumn ?? key.index]
        let value: Int64
        switch column.values {
        case .int64(let v): value = key.signed ? v[row] : v[row] ^ Int64.min
        case .int32(let v): value = key.signed ? Int64(v[row]) : Int64(UInt32(bitPattern: v[row]))
        default: return 0
        }
        // The first chunk whose upper bound is >= value.
        var low = 0
        var high = bounds.count
        while low < high {
            let mid = (low + high) / 2
            if bounds[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// A bound as `chunkOf` orders keys: signed values as they are, 32-bit unsigned values
    /// zero-extended, 64-bit unsigned values with the sign bit flipped.
    private static func orderKey(_ text: String, signed: Bool, wide: Bool) -> Int64 {
        if signed { return Int64(text) ?? 0 }
        let value = UInt64(text) ?? 0
        return wide ? Int64(bitPattern: value) ^ Int64.min : Int64(value)
    }
}
