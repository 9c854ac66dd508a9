import Parquet

/// A keyset-paginated SELECT: `... WHERE key > last ORDER BY key LIMIT n`, chunk after chunk.
///
/// Each statement reads at most `chunkSize` rows by an index range, so none runs long on a
/// fragile server, and a failed snapshot can resume after the last key it delivered.
///
/// Composite keys are expanded without row constructors, because MySQL 5.7 does not use an
/// index range for `(a, b) > (?, ?)`:
///
///     a >= ? AND ((a > ?) OR (a = ? AND b > ?))
///
/// The leading `a >= ?` is redundant logically; it gives the optimizer a range on the first
/// key column to start from (pt-table-checksum's nibbling does the same). Everything here is
/// 5.7-safe: no CTEs, window functions, LATERAL or JSON_TABLE.
public struct KeysetQuery: Sendable, Hashable {
    public let table: TableName
    /// Columns selected, in order; must include every key column.
    public let columns: [String]
    /// The ordering key: the primary key, or any NOT NULL unique key (e.g. `updated_at, id`
    /// for an index range scan on `updated_at`).
    public let key: [String]
    /// An extra condition ANDed in, e.g. "`updated_at` >= ?". Trusted SQL: build it from
    /// quoted identifiers and placeholders, never from values.
    public let filter: String?
    public let filterParameters: [MySQLParameter]
    public let chunkSize: Int
    /// `FORCE INDEX (name)`, when the optimizer must not pick another index for the ORDER BY.
    public let forceIndex: String?

    /// Validates every identifier; errors name `context` (e.g. `dataset "orders"`).
    public init(
        table: TableName,
        columns: [String],
        key: [String],
        filter: String? = nil,
        filterParameters: [MySQLParameter] = [],
        chunkSize: Int,
        forceIndex: String? = nil,
        context: String
    ) throws {
        guard !columns.isEmpty else { throw MySQLError(.misuse, "\(context): no columns to select") }
        guard !key.isEmpty else {
            throw MySQLError(.misuse, "\(context): a keyset query needs at least one key column (primary_key)")
        }
        guard chunkSize > 0 else {
            throw MySQLError(.misuse, "\(context): chunk size must be positive, not \(chunkSize)")
        }
        for column in columns { try Identifier.validate(column, context: "\(context) column") }
        for column in key {
            try Identifier.validate(column, context: "\(context) key column")
            guard columns.contains(column) else {
                throw MySQLError(
                    .columnNotFound,
                    "\(context): key column \(column) must be among the selected columns"
                )
            }
        }
        guard Set(key).count == key.count else { throw MySQLError(.misuse, "\(context): key \(key) repeats a column") }
        if let forceIndex { try Identifier.validate(forceIndex, context: "\(context) index") }
        let placeholders = filter.map { $0.reduce(0) { $1 == "?" ? $0 + 1 : $0 } } ?? 0
        guard placeholders == filterParameters.count else {
            throw MySQLError(
                .misuse,
                "\(context): the filter has \(placeholders) placeholders but \(filterParameters.count) parameters"
            )
        }
        self.table = table
        self.columns = columns
        self.key = key
        self.filter = filter
        self.filterParameters = filterParameters
        self.chunkSize = chunkSize
        self.forceIndex = forceIndex
    }

    /// The statement for the first chunk (`after == false`) or a later one.
    public func sql(after: Bool) -> String {
        var sql = "SELECT " + columns.map(Identifier.quoteUnchecked).joined(separator: ", ")
        sql += " FROM " + table.quoted
        if let forceIndex { sql += " FORCE INDEX (" + Identifier.quoteUnchecked(forceIndex) + ")" }
        var conditions: [String] = []
        if let filter { conditions.append("(" + filter + ")") }
        if after { conditions.append(Self.keyPredicate(key, .after)) }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY " + key.map(Identifier.quoteUnchecked).joined(separator: ", ")
        sql += " LIMIT \(chunkSize)"
        return sql
    }

    /// The parameters for `sql(after: position != nil)`.
    public func parameters(after position: KeysetPosition?) -> [MySQLParameter] {
        var parameters = filterParameters
        if let position { parameters += Self.keyParameters(position.values, .after) }
        return parameters
    }

    /// Which side of a key position a predicate selects.
    public enum Comparison: Sendable, Hashable {
        /// key > position
        case after
        /// key >= position
        case atOrAfter
        /// key < position
        case before
        /// key <= position
        case atOrBefore
    }

    /// The row-constructor-free predicate for `key <op> position`, for keyset and
    /// reconciliation chunk bounds. Bind `keyParameters(_:_:)` to its placeholders.
    ///
    ///     [a > ?]                                       one column
    ///     a >= ? AND ((a > ?) OR (a = ? AND b > ?))     two columns, .after
    public static func keyPredicate(_ key: [String], _ comparison: Comparison) -> String {
        precondition(!key.isEmpty, "a key needs at least one column")
        let quoted = key.map(Identifier.quoteUnchecked)
        let (strict, inclusive, guardOperator): (String, String, String) =
            switch comparison {
            case .after: (">", ">", ">=")
            case .atOrAfter: (">", ">=", ">=")
            case .before: ("<", "<", "<=")
            case .atOrBefore: ("<", "<=", "<=")
            }
        if quoted.count == 1 { return "\(quoted[0]) \(inclusive) ?" }
        var disjuncts: [String] = []
        for i in 0..<quoted.count {
            var terms = quoted[0..<i].map { "\($0) = ?" }
            terms.append("\(quoted[i]) \(i == quoted.count - 1 ? inclusive : strict) ?")
            disjuncts.append("(" + terms.joined(separator: " AND ") + ")")
        }
        return "\(quoted[0]) \(guardOperator) ? AND (" + disjuncts.joined(separator: " OR ") + ")"
    }

    /// The values for `keyPredicate(key, comparison)`'s placeholders, in order.
    public static func keyParameters(_ values: [MySQLParameter], _ comparison: Comparison) -> [MySQLParameter] {
        if values.count == 1 { return values }
        var parameters = [values[0]]
        for i in 0..<values.count { parameters += values[0...i] }
        return parameters
    }
}

/// The key of the last row delivered: where a scan resumes.
public struct KeysetPosition: Sendable, Hashable, CustomStringConvertible {
    /// One value per key column, in key order.
    public var values: [MySQLParameter]

    public init(values: [MySQLParameter]) {
        self.values = values
    }

    public var description: String { "(" + values.map(\.description).joined(separator: ", ") + ")" }

    /// The key of `row` in `batch`. Allocates (a String for text keys), so it is meant to run
    /// once per batch, not per row.
    public init(row: Int, of batch: RecordBatch, keyColumns: [Int], kinds: [MySQLValueKind]) throws {
        values = try zip(keyColumns, kinds).map { index, kind in
            let column = batch.columns[index]
            let name = batch.schema.columns[index].name
            guard !column.isNull(row) else {
                throw MySQLError(.invalidValue, "key column \(name) is NULL; keyset keys must be NOT NULL")
            }
            switch (column.values, kind) {
            case (.int32(let v), .integer(_, let signed)):
                return signed ? .int64(Int64(v[row])) : .uint64(UInt64(UInt32(bitPattern: v[row])))
            case (.int32(let v), .year):
                return .int64(Int64(v[row]))
            case (.int32(let v), .date):
                return .date(days: v[row])
            case (.int32(let v), .decimal(_, let scale)):
                return .string(DecimalText.format(unscaled: Int64(v[row]), scale: scale))
            case (.int64(let v), .integer(_, let signed)):
                return signed ? .int64(v[row]) : .uint64(UInt64(bitPattern: v[row]))
            case (.int64(let v), .bit):
                return .uint64(UInt64(bitPattern: v[row]))
            case (.int64(let v), .decimal(_, let scale)):
                return .string(DecimalText.format(unscaled: v[row], scale: scale))
            case (.int64(let v), .datetime), (.int64(let v), .timestamp):
                return .datetime(microseconds: v[row])
            case (.int64(let v), .time):
                return .string(CivilCalendar.formatTime(microseconds: v[row]))
            case (.fixedLenByteArray(let v), .decimal(_, let scale)):
                return .string(DecimalText.format(bigEndian: v[row], scale: scale))
            case (.float(let v), .float):
                return .double(Double(v[row]))
            case (.double(let v), .double):
                return .double(v[row])
            case (.byteArray(let v), .string):
                return .string(v.string(at: row))
            case (.byteArray(let v), .binary):
                return .bytes(Array(v[row]))
            default:
                throw MySQLError(.misuse, "column \(name) of kind \(kind) cannot be a keyset key")
            }
        }
    }
}

/// Reads a table chunk by chunk along a `KeysetQuery`, as one stream of batches.
///
/// After every batch, `position` is the key of its last row; a scan made with
/// `resumingAfter: position` continues exactly after it, with no gap and no repeat. Open it
/// inside `startReadOnlySnapshot()` for all chunks to see one snapshot.
public final class KeysetScan: @unchecked Sendable {
    public let query: KeysetQuery
    public let columns: [SourceColumn]
    /// The key of the last row returned; nil before the first.
    public private(set) var position: KeysetPosition?
    /// Statements run so far.
    public private(set) var chunkCount = 0
    public private(set) var rowCount = 0
    private let connection: MySQLConnection
    private let keyColumns: [Int]
    private let keyKinds: [MySQLValueKind]
    private var stream: RowStream?
    private var rowsInChunk = 0
    private var isFinished = false
    private var collected = FetchWarnings()

    /// `columns` describe `query.columns`, in the same order.
    public init(
        connection: MySQLConnection,
        query: KeysetQuery,
        columns: [SourceColumn],
        resumingAfter position: KeysetPosition? = nil
    ) throws {
        guard columns.map(\.name) == query.columns else {
            throw MySQLError(
                .misuse,
                "the described columns (\(columns.map(\.name))) differ from the query's (\(query.columns))"
            )
        }
        var keyColumns: [Int] = []
        for name in query.key {
            let index = query.columns.firstIndex(of: name)!
            switch columns[index].kind {
            case .enumeration, .set, .json:
                // ENUM sorts by its index but compares with a string by text: a keyset on it
                // would skip or repeat rows.
                throw MySQLError(
                    .misuse,
                    "key column \(name) has type \(columns[index].mysqlType), which cannot be a keyset key"
                )
            default:
                keyColumns.append(index)
            }
        }
        if let position, position.values.count != query.key.count {
            throw MySQLError(.misuse, "resume position \(position) does not match key \(query.key)")
        }
        self.connection = connection
        self.query = query
        self.columns = columns
        self.position = position
        self.keyColumns = keyColumns
        self.keyKinds = keyColumns.map { columns[$0].kind }
    }

    deinit { stream?.close() }

    /// Zero and invalid dates read as NULL so far.
    public var warnings: FetchWarnings {
        var warnings = collected
        if let stream { warnings.merge(stream.warnings) }
        return warnings
    }

    /// Closes the open chunk, if any; the connection is free again.
    public func close() {
        if let stream { collected.merge(stream.warnings) }
        stream?.close()
        stream = nil
        isFinished = true
    }

    /// Up to `maxRows` rows; nil when the last chunk is exhausted.
    public func next(maxRows: Int) throws -> RecordBatch? {
        while !isFinished {
            if stream == nil {
                let sql = query.sql(after: position != nil)
                stream = try connection.stream(
                    sql: sql,
                    parameters: query.parameters(after: position),
                    columns: columns
                )
                chunkCount += 1
                rowsInChunk = 0
            }
            if let batch = try stream!.next(maxRows: maxRows) {
                rowsInChunk += batch.rowCount
                rowCount += batch.rowCount
                position = try KeysetPosition(
                    row: batch.rowCount - 1,
                    of: batch,
                    keyColumns: keyColumns,
                    kinds: keyKinds
                )
                return batch
            }
            collected.merge(stream!.warnings)
            stream = nil
            // A short chunk is the last one; a full one may have more after it.
            if rowsInChunk < query.chunkSize { isFinished = true }
        }
        return nil
    }
}
