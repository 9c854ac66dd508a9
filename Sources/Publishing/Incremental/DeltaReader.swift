import Foundation
import Logging
import MySQLSource
import Parquet

/// Reads the rows changed since the watermark, by the plan the read-only source allows.
///
/// - `updated_at` leads an index: a keyset range scan on (`updated_at`, primary key) from
///   `watermark - lookback`, in chunks; rows whose `updated_at` IS NULL are read by a second
///   keyset scan on the primary key (an index range on NULL).
/// - Not indexed: primary-key chunks of at most `chunkRows` rows each, bounded above, with the
///   `updated_at` filter inside the chunk, so no statement scans far; NULL `updated_at` rows are
///   left to reconciliation (a full-table NULL scan per cycle is what we must not do).
struct DeltaReader {
    let plan: DatasetPlan
    let connection: MySQLConnection
    let chunkRows: Int
    let batchRows: Int
    let logger: Logger

    enum Strategy: String {
        case updatedAtRange = "range scan on the updated_at index"
        case primaryKeyChunks = "primary-key chunks with an updated_at filter"
    }

    var strategy: Strategy { plan.updatedAtIndexed ? .updatedAtRange : .primaryKeyChunks }

    func read(since: Int64) throws -> (RecordBatch, FetchWarnings) {
        guard let table = plan.table, let updatedAt = plan.updatedAtColumn else {
            throw PublishingError(
                .sourceFailed,
                "an incremental refresh needs a table and updated_at",
                dataset: plan.dataset.name
            )
        }
        let columns = plan.columns.map(\.name)
        let keyNames = plan.primaryKey.map { plan.columns[$0].name }
        let updatedAtName = plan.columns[updatedAt].name
        let quoted = "`" + updatedAtName + "`"
        let context = "dataset \"\(plan.dataset.name)\""
        var batches: [RecordBatch] = []
        var warnings = FetchWarnings()

        func drain(_ scan: KeysetScan) throws {
            defer { scan.close() }
            while let batch = try scan.next(maxRows: batchRows) { batches.append(batch) }
            warnings.merge(scan.warnings)
        }

        switch strategy {
        case .updatedAtRange:
            let query = try KeysetQuery(
                table: table,
                columns: columns,
                key: [updatedAtName] + keyNames,
                filter: "\(quoted) >= ?",
                filterParameters: [.datetime(microseconds: since)],
                chunkSize: chunkRows,
                context: context
            )
            try drain(try KeysetScan(connection: connection, query: query, columns: plan.columns))
            if plan.columns[updatedAt].isNullable {
                let nulls = try KeysetQuery(
                    table: table,
                    columns: columns,
                    key: keyNames,
                    filter: "\(quoted) IS NULL",
                    chunkSize: chunkRows,
                    context: context
                )
                try drain(try KeysetScan(connection: connection, query: nulls, columns: plan.columns))
            }
        case .primaryKeyChunks:
            if keyNames.count == 1 {
                try readBoundedChunks(
                    table: table,
                    key: keyNames[0],
                    filter: "\(quoted) >= ?",
                    since: since,
                    into: &batches,
                    warnings: &warnings
                )
            } else {
                logger.warning(
                    """
                    updated_at is not indexed and the primary key is composite: the delta is one filtered keyset \
                    scan, which may run long on a large table
                    """
                )
                let query = try KeysetQuery(
                    table: table,
                    columns: columns,
                    key: keyNames,
                    filter: "\(quoted) >= ?",
                    filterParameters: [.datetime(microseconds: since)],
                    chunkSize: chunkRows,
                    context: context
                )
                try drain(try KeysetScan(connection: connection, query: query, columns: plan.columns))
            }
        }
        return (RecordBatch.concatenate(batches, schema: plan.schema), warnings)
    }

    /// A key value read back as text, bound with its own type: MySQL compares an integer
    /// column with a string through DOUBLE, which loses precision past 2^53.
    static func parameter(_ text: String, for column: SourceColumn) -> MySQLParameter {
        if case .integer(_, let signed) = column.kind {
            if signed, let v = Int64(text) { return .int64(v) }
            if !signed, let v = UInt64(text) { return .uint64(v) }
        }
        return .string(text)
    }

    /// Walks the primary key in steps of `chunkRows` keys (`LIMIT 1 OFFSET n-1` on the key
    /// index finds each step's upper bound) and reads the changed rows of each step.
    private func readBoundedChunks(
        table: TableName,
        key: String,
        filter: String,
        since: Int64,
        into batches: inout [RecordBatch],
        warnings: inout FetchWarnings
    ) throws {
        let quotedKey = "`" + key + "`"
        let columnList = plan.columns.map { "`\($0.name)`" }.joined(separator: ", ")
        let keyColumn = plan.columns.first { $0.name == key }!
        var lower: MySQLParameter? = nil
        while true {
            let boundSQL =
                "SELECT \(quotedKey) FROM \(table.quoted)" + (lower == nil ? "" : " WHERE \(quotedKey) > ?")
                + " ORDER BY \(quotedKey) LIMIT 1 OFFSET \(chunkRows - 1)"
            let upper = try connection.queryStrings(boundSQL, lower.map { [$0] } ?? []).first?.first ?? nil
            var conditions: [String] = []
            var parameters: [MySQLParameter] = []
            if let lower {
                conditions.append("\(quotedKey) > ?")
                parameters.append(lower)
            }
            if let upper {
                conditions.append("\(quotedKey) <= ?")
                parameters.append(Self.parameter(upper, for: keyColumn))
            }
            conditions.append(filter)
            parameters.append(.datetime(microseconds: since))
            let sql =
                "SELECT \(columnList) FROM \(table.quoted) WHERE " + conditions.joined(separator: " AND ")
                + " ORDER BY \(quotedKey)"
            let stream = try connection.stream(sql: sql, parameters: parameters, columns: plan.columns)
            while let batch = try stream.next(maxRows: batchRows) { batches.append(batch) }
            warnings.merge(stream.warnings)
            stream.close()
            guard let upper else { break }
            lower = Self.parameter(upper, for: keyColumn)
        }
    }
}
