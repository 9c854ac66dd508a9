import Parquet

/// Rows of one statement, read unbuffered through the binary protocol straight into typed
/// column memory (`FetchColumn`): the connector hands each value to `BinaryRowDecoder` where
/// it arrived in the packet; integers, doubles and day/microsecond counts are stored from
/// there, DECIMAL text is parsed in place, strings and blobs are appended to one contiguous
/// buffer per column. No bound buffer, no second copy, and no value becomes a `String` or an
/// `Any` on the way.
///
/// Not thread-safe. It may be created on one thread and read on another, one at a time.
/// While it is open its connection can run nothing else; it releases the connection when
/// the last row has been read or on `close()`.
public final class RowStream: @unchecked Sendable {
    public let columns: [SourceColumn]
    public let schema: ParquetSchema
    /// Rows returned so far.
    public private(set) var rowCount = 0
    let sql: String
    private let connection: MySQLConnection
    private var statement: MariaDBStatement?
    private let decoder: BinaryRowDecoder

    init(
        connection: MySQLConnection,
        statement: MariaDBStatement,
        sql: String,
        columns: [SourceColumn],
        fields: [FieldInfo]
    ) throws {
        guard fields.count == columns.count else {
            throw MySQLError(
                .schemaMismatch,
                "the statement returns \(fields.count) columns (\(fields.map(\.name).joined(separator: ", "))) but \(columns.count) were described (\(columns.map(\.name).joined(separator: ", "))): \(MariaDBHandle.abbreviate(sql))"
            )
        }
        let decoders = try zip(columns, fields).map { try Self.plan($0, $1) }
        self.connection = connection
        self.statement = statement
        self.sql = sql
        self.columns = columns
        self.schema = ParquetSchema(columns: columns.map(\.parquet))
        self.decoder = BinaryRowDecoder(columns: columns, decoders: decoders)
        statement.decodeRows(with: decoder)
    }

    deinit { close() }

    /// Whether every row has been read (or the stream was closed).
    public var isFinished: Bool { statement == nil }

    /// Values published as NULL because MySQL held a zero or invalid date, so far.
    public var warnings: FetchWarnings { decoder.warnings }

    /// Releases the statement; unread rows are read and dropped by the connector.
    public func close() {
        guard let statement else { return }
        statement.close()
        self.statement = nil
        connection.streamDidClose(self)
    }

    /// Up to `maxRows` more rows as one batch; nil once every row has been returned.
    public func next(maxRows: Int) throws -> RecordBatch? {
        precondition(maxRows > 0, "maxRows must be positive")
        guard let statement else { return nil }
        decoder.prepare(rows: maxRows)
        var rows = 0
        do {
            fetching: while rows < maxRows {
                // The connector hands each value to the decoder as it walks the row.
                switch statement.fetch() {
                case .row, .truncated:
                    break
                case .end:
                    close()
                    break fetching
                case .failed:
                    throw statement.error(.statementFailed, "reading rows of: \(MariaDBHandle.abbreviate(sql))")
                }
                if let failure = decoder.failure { throw failure }
                rows += 1
                decoder.row = rows
            }
        } catch {
            close()
            throw error
        }
        if rows == 0 { return nil }
        rowCount += rows
        return RecordBatch(schema: schema, columns: decoder.finish(rows: rows))
    }

    /// Reads every remaining row and drops it, returning how many there were: the floor a
    /// fetch benchmark compares against (protocol and decoding, no encoding).
    public func drain(batchSize: Int = 65_536) throws -> Int {
        var total = 0
        while let batch = try next(maxRows: batchSize) { total += batch.rowCount }
        return total
    }

    // MARK: Planning

    /// How a column is decoded, after checking that the server's field has the type the
    /// description promised (if not, the table changed since it was described). The field type
    /// also fixes the value's wire format, which the decoder relies on to step over it.
    static func plan(_ column: SourceColumn, _ field: FieldInfo) throws -> ValueDecoder {
        func mismatch() -> MySQLError {
            MySQLError(
                .schemaMismatch,
                "column \(column.name) was described as \(column.mysqlType) but the server now sends \(field.type.map { "\($0)" } ?? "type \(field.rawType)")\(field.isUnsigned ? " unsigned" : ""): the table changed since it was described"
            )
        }
        switch column.kind {
        case .integer(let bits, let signed):
            let expected: FieldType =
                switch bits {
                case 8: .tiny
                case 16: .short
                case 24: .int24
                case 32: .long
                default: .longlong
                }
            guard field.type == expected, field.isUnsigned == !signed else { throw mismatch() }
            switch bits {
            case 8: return .int8(signed: signed)
            case 16: return .int16(signed: signed)
            case 24, 32: return .int32
            default: return .int64
            }
        case .year:
            guard field.type == .year else { throw mismatch() }
            return .int16(signed: false)
        case .bit:
            guard field.type == .bit else { throw mismatch() }
            return .bit
        case .float:
            guard field.type == .float else { throw mismatch() }
            return .float
        case .double:
            guard field.type == .double else { throw mismatch() }
            return .double
        case .decimal(let precision, let scale):
            guard field.type == .newdecimal || field.type == .decimal, field.decimals == scale else {
                throw mismatch()
            }
            switch column.parquet.physicalType {
            case .int32: return .decimal32(precision: precision, scale: scale)
            case .int64: return .decimal64(precision: precision, scale: scale)
            default:
                return .decimalFixed(
                    precision: precision,
                    scale: scale,
                    width: column.parquet.typeLength ?? ColumnDescriptor.decimalByteWidth(precision: precision)
                )
            }
        case .date:
            guard field.type == .date || field.type == .newdate else { throw mismatch() }
            return .date
        case .datetime:
            guard field.type == .datetime else { throw mismatch() }
            return .datetime
        case .timestamp:
            guard field.type == .timestamp else { throw mismatch() }
            return .datetime
        case .time:
            guard field.type == .time else { throw mismatch() }
            return .time
        case .string, .enumeration, .set, .json, .binary:
            guard field.type?.isStringLike == true else { throw mismatch() }
            return .bytes
        }
    }
}

/// What to do with a fetched value; one per column, chosen once per statement.
enum ValueDecoder: Sendable, Hashable {
    case int8(signed: Bool)
    case int16(signed: Bool)
    /// INT and MEDIUMINT; unsigned INT keeps its bit pattern.
    case int32
    /// BIGINT; unsigned keeps its bit pattern.
    case int64
    case bit
    case float
    case double
    case decimal32(precision: Int, scale: Int)
    case decimal64(precision: Int, scale: Int)
    case decimalFixed(precision: Int, scale: Int, width: Int)
    case date
    /// DATETIME and TIMESTAMP: microseconds since the epoch.
    case datetime
    case time
    case bytes
}

extension FieldType {
    /// The types whose values arrive as length-prefixed bytes: strings, blobs, ENUM, SET, JSON.
    var isStringLike: Bool {
        switch self {
        case .varchar, .varString, .string, .tinyBlob, .mediumBlob, .longBlob, .blob, .json, .enumeration, .set:
            true
        default:
            false
        }
    }
}
