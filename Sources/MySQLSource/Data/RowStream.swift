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
                """
                the statement returns \(fields.count) columns (\(fields.map(\.name).joined(separator: ", "))) but \
                \(columns.count) were described (\(columns.map(\.name).joined(separator: ", "))): \
                \(MariaDBHandle.abbreviate(sql))
                """
            )
        }
        let decodings = try zip(columns, fields).map { try Self.plan($0, $1) }
        self.connection = connection
        self.statement = statement
        self.sql = sql
        self.columns = columns
        self.schema = ParquetSchema(columns: columns.map(\.parquet))
        self.decoder = BinaryRowDecoder(columns: columns, decodings: decodings)
        try statement.decodeRows(with: decoder)
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
    static func plan(_ column: SourceColumn, _ field: FieldInfo) throws -> ValueDecoding {
        func mismatch() -> MySQLError {
            MySQLError(
                .schemaMismatch,
                """
                column \(column.name) was described as \(column.mysqlType) but the server now sends \
                \(field.type.map { "\($0)" } ?? "type \(field.rawType)")\(field.isUnsigned ? " unsigned" : ""): the \
                table changed since it was described
                """
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
            case 8: return ValueDecoding(signed ? .int8 : .uint8)
            case 16: return ValueDecoding(signed ? .int16 : .uint16)
            case 24, 32: return ValueDecoding(.int32)
            default: return ValueDecoding(.int64)
            }
        case .year:
            guard field.type == .year else { throw mismatch() }
            return ValueDecoding(.uint16)
        case .bit:
            guard field.type == .bit else { throw mismatch() }
            return ValueDecoding(.bit)
        case .float:
            guard field.type == .float else { throw mismatch() }
            return ValueDecoding(.float)
        case .double:
            guard field.type == .double else { throw mismatch() }
            return ValueDecoding(.double)
        case .decimal(let precision, let scale):
            guard field.type == .newdecimal || field.type == .decimal, field.decimals == scale else {
                throw mismatch()
            }
            switch column.parquet.physicalType {
            case .int32: return ValueDecoding(.decimal32, precision: precision, scale: scale)
            case .int64: return ValueDecoding(.decimal64, precision: precision, scale: scale)
            default:
                return ValueDecoding(
                    .decimalFixed,
                    precision: precision,
                    scale: scale,
                    width: column.parquet.typeLength ?? ColumnDescriptor.decimalByteWidth(precision: precision)
                )
            }
        case .date:
            guard field.type == .date || field.type == .newdate else { throw mismatch() }
            return ValueDecoding(.date)
        case .datetime:
            guard field.type == .datetime else { throw mismatch() }
            return ValueDecoding(.datetime)
        case .timestamp:
            guard field.type == .timestamp else { throw mismatch() }
            return ValueDecoding(.datetime)
        case .time:
            guard field.type == .time else { throw mismatch() }
            return ValueDecoding(.time)
        case .string, .enumeration, .set, .json, .binary:
            guard field.type?.isStringLike == true else { throw mismatch() }
            return ValueDecoding(.bytes)
        }
    }
}

/// What to do with a fetched value; one per column, chosen once per statement.
///
/// A payload-free kind plus the DECIMAL shape beside it, rather than an enum with associated
/// values: the decoder switches on it once per value, and a plain `UInt8` kind compiles to a
/// jump table where associated values made a chain of comparisons.
struct ValueDecoding: Sendable, Hashable {
    enum Kind: UInt8, Sendable {
        case int8
        case uint8
        case int16
        case uint16
        /// INT and MEDIUMINT; unsigned INT keeps its bit pattern.
        case int32
        /// BIGINT; unsigned keeps its bit pattern.
        case int64
        case bit
        case float
        case double
        /// DECIMAL into INT32, INT64 or FIXED_LEN_BYTE_ARRAY(`width`).
        case decimal32
        case decimal64
        case decimalFixed
        case date
        /// DATETIME and TIMESTAMP: microseconds since the epoch.
        case datetime
        case time
        case bytes
    }

    var kind: Kind
    /// DECIMAL only.
    var precision = 0
    var scale = 0
    /// FIXED_LEN_BYTE_ARRAY DECIMAL only: bytes per value.
    var width = 0

    init(_ kind: Kind, precision: Int = 0, scale: Int = 0, width: Int = 0) {
        self.kind = kind
        self.precision = precision
        self.scale = scale
        self.width = width
    }
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
