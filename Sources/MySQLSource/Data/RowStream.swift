import Parquet

/// Rows of one statement, read unbuffered through the binary protocol straight into typed
/// column memory (`FetchColumn`): integers, doubles and day/microsecond counts are copied out of reusable
/// bind buffers, DECIMAL text is parsed in place, strings and blobs are appended to one
/// contiguous buffer per column. No value becomes a `String` or an `Any` on the way.
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
    private let buffers: ResultBuffers
    private let decoders: [ValueDecoder]
    private var fetchColumns: [FetchColumn]
    /// Per column: zero dates at `c`, invalid dates at `count + c`. A raw buffer rather than
    /// arrays in stored properties: the row loop must not pay for exclusivity checks.
    private let dateProblems: UnsafeMutablePointer<Int>
    /// Grown on demand for values longer than their bind buffer.
    private var longValue = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// The bytes of one FIXED_LEN_BYTE_ARRAY decimal.
    private let wideDecimal = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 16)

    /// Larger values are fetched in a second step with `mysql_stmt_fetch_column`; smaller
    /// ones are copied straight from the row. Bounds the memory per open stream.
    static let maximumBindBuffer = 64 * 1024

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
        var bindings: [ResultBinding] = []
        var decoders: [ValueDecoder] = []
        for (column, field) in zip(columns, fields) {
            let (binding, decoder) = try Self.plan(column, field)
            bindings.append(binding)
            decoders.append(decoder)
        }
        self.connection = connection
        self.statement = statement
        self.sql = sql
        self.columns = columns
        self.schema = ParquetSchema(columns: columns.map(\.parquet))
        self.buffers = ResultBuffers(bindings)
        self.decoders = decoders
        self.fetchColumns = columns.map { FetchColumn(for: $0.parquet) }
        self.dateProblems = .allocate(capacity: 2 * max(1, columns.count))
        self.dateProblems.initialize(repeating: 0, count: 2 * max(1, columns.count))
        try statement.bindResults(buffers)
    }

    deinit {
        close()
        for c in fetchColumns.indices { fetchColumns[c].deallocate() }
        longValue.deallocate()
        wideDecimal.deallocate()
        dateProblems.deallocate()
    }

    /// Whether every row has been read (or the stream was closed).
    public var isFinished: Bool { statement == nil }

    /// Values published as NULL because MySQL held a zero or invalid date, so far.
    public var warnings: FetchWarnings {
        var warnings = FetchWarnings()
        for (c, column) in columns.enumerated() {
            let zero = dateProblems[c]
            let invalid = dateProblems[columns.count + c]
            if zero > 0 { warnings.zeroDates[column.name] = zero }
            if invalid > 0 { warnings.invalidDates[column.name] = invalid }
        }
        return warnings
    }

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
        // The columns move into a local for the loop: stored properties of a class are
        // checked for exclusive access on every mutation, locals are not.
        var fetchColumns = self.fetchColumns
        self.fetchColumns = []
        defer { self.fetchColumns = fetchColumns }
        for c in fetchColumns.indices { fetchColumns[c].prepare(rows: maxRows) }
        var rows = 0
        do {
            try fetchColumns.withUnsafeMutableBufferPointer { output in
                try decoders.withUnsafeBufferPointer { decoders in
                    fetching: while rows < maxRows {
                        switch statement.fetch() {
                        case .row, .truncated:
                            break
                        case .end:
                            close()
                            break fetching
                        case .failed:
                            throw statement.error(.statementFailed, "reading rows of: \(MariaDBHandle.abbreviate(sql))")
                        }
                        for c in 0..<decoders.count {
                            try decode(column: c, decoders[c], into: &output[c], row: rows, statement: statement)
                        }
                        rows += 1
                    }
                }
            }
        } catch {
            close()
            throw error
        }
        if rows == 0 { return nil }
        rowCount += rows
        var built: [Column] = []
        built.reserveCapacity(fetchColumns.count)
        for c in fetchColumns.indices { built.append(fetchColumns[c].finish(rows: rows)) }
        return RecordBatch(schema: schema, columns: built)
    }

    /// Reads every remaining row and drops it, returning how many there were: the floor a
    /// fetch benchmark compares against (protocol and decoding, no encoding).
    public func drain(batchSize: Int = 65_536) throws -> Int {
        var total = 0
        while let batch = try next(maxRows: batchSize) { total += batch.rowCount }
        return total
    }

    // MARK: Decoding

    @inline(__always)
    private func decode(
        column c: Int,
        _ decoder: ValueDecoder,
        into output: inout FetchColumn,
        row: Int,
        statement: MariaDBStatement
    ) throws {
        if buffers.isNull(c) {
            guard columns[c].parquet.isOptional else {
                throw MySQLError(
                    .invalidValue,
                    "column \(columns[c].name) is NOT NULL in its description but the server sent NULL; describe the table again"
                )
            }
            output.storeNull(at: row)
            return
        }
        switch decoder {
        case .int8(let signed):
            let raw = buffers.int8(c)
            output.store(signed ? Int32(raw) : Int32(UInt8(bitPattern: raw)), at: row)
        case .int16(let signed):
            let raw = buffers.int16(c)
            output.store(signed ? Int32(raw) : Int32(UInt16(bitPattern: raw)), at: row)
        case .int32:
            output.store(buffers.int32(c), at: row)
        case .int64:
            output.store(buffers.int64(c), at: row)
        case .bit:
            var value: UInt64 = 0
            for byte in try bytes(c, statement) { value = value << 8 | UInt64(byte) }
            output.store(Int64(bitPattern: value), at: row)
        case .float:
            output.store(buffers.float(c), at: row)
        case .double:
            output.store(buffers.double(c), at: row)
        case .decimal32(let precision, let scale):
            guard let value = DecimalText.unscaledInt64(buffers.bytes(c), precision: precision, scale: scale) else {
                throw badDecimal(c)
            }
            output.store(Int32(truncatingIfNeeded: value), at: row)
        case .decimal64(let precision, let scale):
            guard let value = DecimalText.unscaledInt64(buffers.bytes(c), precision: precision, scale: scale) else {
                throw badDecimal(c)
            }
            output.store(value, at: row)
        case .decimalFixed(let precision, let scale, let width):
            let wide = UnsafeMutableRawBufferPointer(rebasing: wideDecimal[0..<width])
            guard DecimalText.unscaledBigEndian(buffers.bytes(c), precision: precision, scale: scale, into: wide)
            else { throw badDecimal(c) }
            output.store(bytes: UnsafeRawBufferPointer(wide), at: row)
        case .date:
            let t = buffers.temporal(c)
            guard checkDate(c, t, &output, row) else { return }
            output.store(Int32(CivilCalendar.daysFromCivil(year: t.year, month: t.month, day: t.day)), at: row)
        case .datetime:
            let t = buffers.temporal(c)
            guard checkDate(c, t, &output, row) else { return }
            output.store(
                CivilCalendar.microseconds(
                    year: t.year,
                    month: t.month,
                    day: t.day,
                    hour: t.hour,
                    minute: t.minute,
                    second: t.second,
                    microsecond: t.microsecond
                ),
                at: row
            )
        case .time:
            let t = buffers.temporal(c)
            // The connector folds days into hours for TIME ('100:00:00' has hour 100).
            let seconds = Int64(t.hour) * 3600 + Int64(t.minute) * 60 + Int64(t.second)
            let micros = seconds * CivilCalendar.microsecondsPerSecond + Int64(t.microsecond)
            output.store(t.isNegative ? -micros : micros, at: row)
        case .bytes:
            output.store(bytes: try bytes(c, statement), at: row)
        }
    }

    /// The whole value of a text or binary column, fetching the rest when it did not fit.
    @inline(__always)
    private func bytes(_ c: Int, _ statement: MariaDBStatement) throws -> UnsafeRawBufferPointer {
        guard buffers.isTruncated(c) else { return buffers.bytes(c) }
        let length = buffers.length(c)
        if longValue.count < length {
            longValue.deallocate()
            // Grow geometrically so that a run of slightly longer values reallocates rarely.
            longValue = .allocate(byteCount: max(length, longValue.count * 2), alignment: 16)
        }
        let target = UnsafeMutableRawBufferPointer(rebasing: longValue[0..<length])
        try statement.fetchColumn(c, of: buffers, into: target)
        return UnsafeRawBufferPointer(target)
    }

    /// Appends NULL and counts it when the date is zero or does not exist; true when it is a
    /// real date the caller should append.
    @inline(__always)
    private func checkDate(_ c: Int, _ t: TemporalValue, _ output: inout FetchColumn, _ row: Int) -> Bool {
        if t.month == 0 || t.day == 0 {
            dateProblems[c] += 1
            output.storeNull(at: row)
            return false
        }
        if !CivilCalendar.isValidDate(year: t.year, month: t.month, day: t.day) {
            dateProblems[columns.count + c] += 1
            output.storeNull(at: row)
            return false
        }
        return true
    }

    private func badDecimal(_ c: Int) -> MySQLError {
        let text = String(decoding: buffers.bytes(c), as: UTF8.self)
        return MySQLError(
            .invalidValue,
            "column \(columns[c].name) (\(columns[c].mysqlType)): the server sent \"\(text)\", which does not fit \(columns[c].parquet.logicalType.map { "\($0)" } ?? "the column")"
        )
    }

    // MARK: Planning

    /// How a column is bound and decoded, after checking that the server's field has the
    /// type the description promised (if not, the table changed since it was described).
    static func plan(_ column: SourceColumn, _ field: FieldInfo) throws -> (ResultBinding, ValueDecoder) {
        func mismatch() -> MySQLError {
            MySQLError(
                .schemaMismatch,
                "column \(column.name) was described as \(column.mysqlType) but the server now sends \(field.type.map { "\($0)" } ?? "type \(field.rawType)")\(field.isUnsigned ? " unsigned" : ""): the table changed since it was described"
            )
        }
        let variableCapacity = min(max(Int(field.length), 16), maximumBindBuffer)
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
            case 8: return (.integer(width: 1, unsigned: !signed), .int8(signed: signed))
            case 16: return (.integer(width: 2, unsigned: !signed), .int16(signed: signed))
            case 24, 32: return (.integer(width: 4, unsigned: !signed), .int32)
            default: return (.integer(width: 8, unsigned: !signed), .int64)
            }
        case .year:
            guard field.type == .year else { throw mismatch() }
            return (.integer(width: 2, unsigned: true), .int16(signed: false))
        case .bit:
            guard field.type == .bit else { throw mismatch() }
            return (.binary(capacity: 8), .bit)
        case .float:
            guard field.type == .float else { throw mismatch() }
            return (.float, .float)
        case .double:
            guard field.type == .double else { throw mismatch() }
            return (.double, .double)
        case .decimal(let precision, let scale):
            guard field.type == .newdecimal || field.type == .decimal, field.decimals == scale else {
                throw mismatch()
            }
            // Sign, point and 65 digits fit in 80 bytes.
            let binding = ResultBinding.text(capacity: 80)
            switch column.parquet.physicalType {
            case .int32: return (binding, .decimal32(precision: precision, scale: scale))
            case .int64: return (binding, .decimal64(precision: precision, scale: scale))
            default:
                return (
                    binding,
                    .decimalFixed(
                        precision: precision,
                        scale: scale,
                        width: column.parquet.typeLength ?? ColumnDescriptor.decimalByteWidth(precision: precision)
                    )
                )
            }
        case .date:
            guard field.type == .date || field.type == .newdate else { throw mismatch() }
            return (.temporal(.date), .date)
        case .datetime:
            guard field.type == .datetime else { throw mismatch() }
            return (.temporal(.datetime), .datetime)
        case .timestamp:
            guard field.type == .timestamp else { throw mismatch() }
            return (.temporal(.timestamp), .datetime)
        case .time:
            guard field.type == .time else { throw mismatch() }
            return (.temporal(.time), .time)
        case .string, .enumeration, .set, .json:
            guard field.type?.isStringLike == true else { throw mismatch() }
            return (.text(capacity: variableCapacity), .bytes)
        case .binary:
            guard field.type?.isStringLike == true else { throw mismatch() }
            return (.binary(capacity: variableCapacity), .bytes)
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
