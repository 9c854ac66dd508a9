import CMariaDB

// The only file in the package that calls MariaDB Connector/C. Everything else works with the
// Swift types below, the way swift-nio keeps every system call in `Syscalls.swift`.
//
// Every call blocks the calling thread; callers run them on threads or Dispatch queues of their
// own, never on Swift concurrency's cooperative pool.

/// Process-wide library set-up.
internal enum LibMariaDB {
    /// `mysql_library_init` is not thread-safe; a Swift `static let` runs it exactly once.
    /// Connector/C 3.x needs no `mysql_thread_init` per thread (it is a no-op there).
    static let isInitialized: Bool = cmariadb_library_init() == 0

    /// The Connector/C version, e.g. "3.3.20".
    static var clientVersion: String { String(cString: mysql_get_client_info()) }
}

// MARK: - Field metadata

/// Column types of the client/server protocol (`enum_field_types`), the values `MYSQL_FIELD.type`
/// carries. Kept as a Swift enum so that only this file needs the C enum.
internal enum FieldType: UInt32, Sendable {
    case decimal = 0
    case tiny = 1
    case short = 2
    case long = 3
    case float = 4
    case double = 5
    case null = 6
    case timestamp = 7
    case longlong = 8
    case int24 = 9
    case date = 10
    case time = 11
    case datetime = 12
    case year = 13
    case newdate = 14
    case varchar = 15
    case bit = 16
    case json = 245
    case newdecimal = 246
    case enumeration = 247
    case set = 248
    case tinyBlob = 249
    case mediumBlob = 250
    case longBlob = 251
    case blob = 252
    case varString = 253
    case string = 254
    case geometry = 255
}

/// What a result column looks like (`MYSQL_FIELD`), copied out of the connector's memory.
internal struct FieldInfo: Sendable {
    var name: String
    var originalName: String
    var table: String
    var originalTable: String
    var schema: String
    /// nil for a type code this package does not know.
    var type: FieldType?
    var rawType: UInt32
    /// Display width in bytes for strings (characters × the charset's maximum bytes).
    var length: UInt
    var flags: UInt32
    var decimals: Int
    var charsetNumber: UInt32
    /// MariaDB's extended metadata format ("json", "uuid"), when the server sends it.
    var formatName: String?

    var isUnsigned: Bool { flags & UInt32(UNSIGNED_FLAG) != 0 }
    var isNotNull: Bool { flags & UInt32(NOT_NULL_FLAG) != 0 }
    var isEnum: Bool { flags & UInt32(ENUM_FLAG) != 0 }
    var isSet: Bool { flags & UInt32(SET_FLAG) != 0 }
    /// Character set 63 is `binary`: BINARY, VARBINARY, BLOB and byte results.
    var isBinary: Bool { charsetNumber == 63 }
}

// MARK: - Connection handle

/// One `MYSQL` connection handle. Not thread-safe: one thread at a time.
internal final class MariaDBHandle {
    private let mysql: UnsafeMutablePointer<MYSQL>
    private var isClosed = false

    /// `mysql_init`.
    init() throws {
        guard LibMariaDB.isInitialized else {
            throw MySQLError(.connectionFailed, "mysql_library_init failed: Connector/C could not initialise")
        }
        guard let handle = mysql_init(nil) else {
            throw MySQLError(.connectionFailed, "mysql_init failed: out of memory")
        }
        mysql = handle
    }

    deinit { close() }

    /// `mysql_close`; idempotent.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        mysql_close(mysql)
    }

    // MARK: Options and connect

    /// Sets timeouts, the character set, the protocol, TLS, and turns off what a read-only
    /// extractor must never do (LOAD DATA LOCAL INFILE). The corresponding C function is
    /// `mysql_options`.
    func configure(_ options: MySQLConnectionOptions) throws {
        func set(_ option: mysql_option, _ value: UnsafeRawPointer?, _ what: String) throws {
            if mysql_options(mysql, option, value) != 0 {
                throw MySQLError(.invalidOptions, "Connector/C rejected the option \(what)")
            }
        }
        func setSeconds(_ option: mysql_option, _ duration: Duration, _ what: String) throws {
            guard var seconds = duration.wholeSecondsRoundedUp else { return }
            try set(option, &seconds, what)
        }
        try setSeconds(MYSQL_OPT_CONNECT_TIMEOUT, options.connectTimeout, "connect timeout")
        try setSeconds(MYSQL_OPT_READ_TIMEOUT, options.readTimeout, "read timeout")
        try setSeconds(MYSQL_OPT_WRITE_TIMEOUT, options.writeTimeout, "write timeout")
        try set(MYSQL_SET_CHARSET_NAME, "utf8mb4", "character set utf8mb4")
        var off: UInt32 = 0
        try set(MYSQL_OPT_LOCAL_INFILE, &off, "local infile")
        var report: my_bool = 1
        try set(MYSQL_REPORT_DATA_TRUNCATION, &report, "report data truncation")
        var reconnect: my_bool = 0
        try set(MYSQL_OPT_RECONNECT, &reconnect, "reconnect")
        var transport = options.socket != nil ? MYSQL_PROTOCOL_SOCKET.rawValue : MYSQL_PROTOCOL_TCP.rawValue
        try set(MYSQL_OPT_PROTOCOL, &transport, "protocol")
        if let file = options.optionFile {
            try set(MYSQL_READ_DEFAULT_FILE, file, "option file \(file)")
            try set(MYSQL_READ_DEFAULT_GROUP, "client", "option group client")
        }
        try configureTLS(options.tls, overSocket: options.socket != nil)
    }

    /// Maps an ssl-mode onto Connector/C 3.3, which has no ssl-mode option:
    /// - any TLS mode calls `mysql_ssl_set`, which asks for TLS when the server offers it;
    /// - a CA file makes OpenSSL verify the chain (`SSL_VERIFY_PEER`);
    /// - `MYSQL_OPT_SSL_VERIFY_SERVER_CERT` adds the host name check (and, on 3.4, turns the
    ///   default verification off when 0);
    /// - `required` and stricter are checked after connecting (`verifyNegotiatedTLS`).
    private func configureTLS(_ tls: TLSOptions, overSocket: Bool) throws {
        guard !overSocket, tls.mode != .disabled else {
            // Connector/C 3.4 verifies by default and would ask for TLS; say no explicitly.
            var off: my_bool = 0
            _ = mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off)
            return
        }
        var verifyHost: my_bool = tls.mode == .verifyIdentity ? 1 : 0
        if (tls.mode == .verifyCA || tls.mode == .verifyIdentity) && tls.ca == nil {
            throw MySQLError(
                .invalidOptions,
                "TLS mode \(tls.mode.rawValue) needs a CA file (tls ca) to verify the server certificate against"
            )
        }
        if (tls.cert == nil) != (tls.key == nil) {
            throw MySQLError(.invalidOptions, "a TLS client certificate needs both cert and key")
        }
        _ = mysql_ssl_set(mysql, tls.key, tls.cert, tls.ca, nil, nil)
        if mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verifyHost) != 0 {
            throw MySQLError(.invalidOptions, "Connector/C rejected MYSQL_OPT_SSL_VERIFY_SERVER_CERT")
        }
    }

    /// `mysql_real_connect`. The password goes straight to the library; no message quotes it.
    func connect(_ options: MySQLConnectionOptions) throws {
        let host = options.socket != nil ? "localhost" : options.host
        let port = UInt32(clamping: options.port)
        let result = mysql_real_connect(
            mysql,
            host,
            options.user,
            options.password,
            options.database,
            port,
            options.socket,
            0
        )
        guard result != nil else {
            let errno = mysql_errno(mysql)
            // 2026 is CR_SSL_CONNECTION_ERROR.
            throw error(
                errno == 2026 ? .tls : .connectionFailed,
                "connecting to \(options.endpoint) as '\(options.user)' failed"
            )
        }
        if options.socket == nil, options.tls.mode != .disabled, options.tls.mode != .preferred,
            tlsCipher == nil
        {
            close()
            throw MySQLError(
                .tls,
                """
                connecting to \(options.endpoint): TLS mode \(options.tls.mode.rawValue) requires an encrypted \
                connection, but the server did not negotiate TLS
                """
            )
        }
    }

    /// `mysql_get_ssl_cipher`: the negotiated cipher, nil on a plain connection.
    var tlsCipher: String? {
        mysql_get_ssl_cipher(mysql).map { String(cString: $0) }
    }

    /// `mysql_get_server_info`, e.g. "10.11.19-MariaDB-0+deb12u1" or "5.7.44-log".
    var serverInfo: String { String(cString: mysql_get_server_info(mysql)) }

    /// `mysql_get_server_version`: major * 10000 + minor * 100 + patch.
    var serverVersionNumber: Int { Int(mysql_get_server_version(mysql)) }

    /// `mysql_thread_id`: the server's id for this connection (for KILL and the processlist).
    var connectionID: UInt { mysql_thread_id(mysql) }

    // MARK: Text protocol

    /// Runs one statement in the text protocol and returns its rows (empty for statements
    /// without a result). For metadata and session statements, not bulk data. The
    /// corresponding C functions are `mysql_real_query`, `mysql_store_result`,
    /// `mysql_fetch_row`.
    func query(_ sql: String) throws -> [[String?]] {
        var text = sql
        let status = text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { mysql_real_query(mysql, $0.baseAddress, UInt($0.count)) }
        }
        guard status == 0 else { throw error(.statementFailed, "statement failed: \(Self.abbreviate(sql))") }
        // Rows of the first result set; further ones (a CALL's status) are read and dropped.
        var rows: [[String?]] = []
        var isFirstResult = true
        while true {
            if let result = mysql_store_result(mysql) {
                defer { mysql_free_result(result) }
                let columns = Int(mysql_num_fields(result))
                while isFirstResult, let row = mysql_fetch_row(result), let lengths = mysql_fetch_lengths(result) {
                    var values: [String?] = []
                    values.reserveCapacity(columns)
                    for c in 0..<columns {
                        if let cell = row[c] {
                            let bytes = UnsafeRawBufferPointer(start: cell, count: Int(lengths[c]))
                            values.append(String(decoding: bytes, as: UTF8.self))
                        } else {
                            values.append(nil)
                        }
                    }
                    rows.append(values)
                }
            } else if mysql_field_count(mysql) != 0 {
                throw error(.statementFailed, "reading the result of: \(Self.abbreviate(sql))")
            }
            isFirstResult = false
            let next = mysql_next_result(mysql)
            if next > 0 { throw error(.statementFailed, "reading a further result of: \(Self.abbreviate(sql))") }
            if next != 0 { break }
        }
        return rows
    }

    /// A statement handle on this connection (`mysql_stmt_init`).
    func makeStatement() throws -> MariaDBStatement {
        guard let stmt = mysql_stmt_init(mysql) else {
            throw error(.statementFailed, "mysql_stmt_init failed")
        }
        return MariaDBStatement(stmt, connection: self)
    }

    /// A `MySQLError` from `mysql_errno`, `mysql_sqlstate` and `mysql_error`.
    func error(
        _ code: MySQLError.Code,
        _ what: String,
        function: String = #function,
        line: Int = #line
    )
        -> MySQLError
    {
        let errno = mysql_errno(mysql)
        let detail = String(cString: mysql_error(mysql))
        let state = String(cString: mysql_sqlstate(mysql))
        return MySQLError(
            Self.refine(code, errno: errno),
            detail.isEmpty ? what : "\(what): \(detail)",
            mysqlErrno: errno == 0 ? nil : errno,
            sqlState: state.isEmpty || state == "00000" ? nil : state,
            function: function,
            line: line
        )
    }

    /// Connection-level client errors become `.connectionLost`, whatever was running.
    static func refine(_ code: MySQLError.Code, errno: UInt32) -> MySQLError.Code {
        switch errno {
        case 2006, 2013, 2055: .connectionLost  // gone away, lost during query, lost (extended)
        default: code
        }
    }

    /// The first line of a statement, shortened, for messages.
    static func abbreviate(_ sql: String) -> String {
        let flat = sql.split(whereSeparator: \.isNewline).map { $0.trimmingPrefixSpaces() }.joined(separator: " ")
        return flat.count > 300 ? String(flat.prefix(300)) + "…" : flat
    }
}

extension Substring {
    fileprivate func trimmingPrefixSpaces() -> Substring { drop(while: { $0 == " " || $0 == "\t" }) }
}

// MARK: - Prepared statements

/// The result callback: one call per column of each fetched row, with a pointer to the value
/// (nil for NULL) that must be left just past it, where the next column starts.
private let rowValueCallback: ps_result_callback = { context, column, row in
    Unmanaged<BinaryRowDecoder>.fromOpaque(context!)._withUnsafeGuaranteedRef { decoder in
        let value = row?.pointee
        let length = decoder.decode(column: Int(column), value: value.map { UnsafePointer($0) })
        if let value { row!.pointee = value + length }
    }
}

/// What `mysql_stmt_fetch` reported.
internal enum FetchStatus {
    /// A row is in the bound buffers, or was handed to the statement's row decoder.
    case row
    /// A row is in the buffers, but at least one value did not fit its buffer.
    case truncated
    /// The result set is exhausted.
    case end
    case failed
}

/// One `MYSQL_STMT`: server-side prepared statement, binary protocol.
internal final class MariaDBStatement {
    private let stmt: UnsafeMutablePointer<MYSQL_STMT>
    /// Keeps the connection handle alive as long as the statement.
    private let connection: MariaDBHandle
    private var isClosed = false

    fileprivate init(_ stmt: UnsafeMutablePointer<MYSQL_STMT>, connection: MariaDBHandle) {
        self.stmt = stmt
        self.connection = connection
    }

    deinit { close() }

    /// `mysql_stmt_close`. Unread rows of an unbuffered result are read and dropped by the
    /// connector; keyset chunks keep that short.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        mysql_stmt_close(stmt)
    }

    /// `mysql_stmt_prepare`, with `CURSOR_TYPE_NO_CURSOR`: rows stream as the server sends
    /// them, without a server-side cursor's temporary table.
    func prepare(_ sql: String) throws {
        var cursor = UInt(CURSOR_TYPE_NO_CURSOR.rawValue)
        _ = mysql_stmt_attr_set(stmt, STMT_ATTR_CURSOR_TYPE, &cursor)
        var text = sql
        let status = text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { mysql_stmt_prepare(stmt, $0.baseAddress, UInt($0.count)) }
        }
        guard status == 0 else { throw error(.statementFailed, "preparing: \(MariaDBHandle.abbreviate(sql))") }
    }

    /// `mysql_stmt_param_count`.
    var parameterCount: Int { Int(mysql_stmt_param_count(stmt)) }

    /// The result columns (`mysql_stmt_result_metadata`), nil for a statement without rows.
    func resultFields() -> [FieldInfo]? {
        guard let result = mysql_stmt_result_metadata(stmt) else { return nil }
        defer { mysql_free_result(result) }
        let count = Int(mysql_num_fields(result))
        guard let fields = mysql_fetch_fields(result) else { return [] }
        return (0..<count).map { Self.fieldInfo(fields[$0]) }
    }

    private static func fieldInfo(_ field: MYSQL_FIELD) -> FieldInfo {
        func text(_ pointer: UnsafeMutablePointer<CChar>?, _ length: UInt32) -> String {
            guard let pointer else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: pointer, count: Int(length)), as: UTF8.self)
        }
        var formatName: String?
        var field = field
        var formatLength = 0
        if let format = cmariadb_field_format_name(&field, &formatLength) {
            formatName = String(decoding: UnsafeRawBufferPointer(start: format, count: formatLength), as: UTF8.self)
        }
        return FieldInfo(
            name: text(field.name, field.name_length),
            originalName: text(field.org_name, field.org_name_length),
            table: text(field.table, field.table_length),
            originalTable: text(field.org_table, field.org_table_length),
            schema: text(field.db, field.db_length),
            type: FieldType(rawValue: field.type.rawValue),
            rawType: field.type.rawValue,
            length: field.length,
            flags: field.flags,
            decimals: Int(field.decimals),
            charsetNumber: field.charsetnr,
            formatName: formatName
        )
    }

    /// Binds `parameters` and runs the statement (`mysql_stmt_bind_param`, `mysql_stmt_execute`).
    /// With no `mysql_stmt_store_result` afterwards, rows are read unbuffered, one
    /// `mysql_stmt_fetch` at a time.
    func execute(_ parameters: [MySQLParameter], sql: String) throws {
        guard parameters.count == parameterCount else {
            throw MySQLError(
                .misuse,
                """
                statement has \(parameterCount) placeholders but \(parameters.count) parameters were given: \
                \(MariaDBHandle.abbreviate(sql))
                """
            )
        }
        let buffers = ParameterBuffers(parameters)
        if !parameters.isEmpty, mysql_stmt_bind_param(stmt, buffers.binds) != 0 {
            throw error(.statementFailed, "binding parameters of: \(MariaDBHandle.abbreviate(sql))")
        }
        let status = withExtendedLifetime(buffers) { mysql_stmt_execute(stmt) }
        guard status == 0 else { throw error(.statementFailed, "executing: \(MariaDBHandle.abbreviate(sql))") }
    }

    /// Hands every value of every row `fetch` reads to `decoder`, where it lies in the packet,
    /// instead of converting it into bound buffers (`STMT_ATTR_CB_RESULT`, Connector/C 3.1+;
    /// it applies to statements without `mysql_stmt_bind_result`). The statement keeps an
    /// unowned reference: the caller keeps `decoder` alive while it fetches.
    func decodeRows(with decoder: BinaryRowDecoder) throws {
        // Without the callback, rows would be fetched and never decoded: refuse to go on.
        guard mysql_stmt_attr_set(stmt, STMT_ATTR_CB_USER_DATA, Unmanaged.passUnretained(decoder).toOpaque()) == 0,
            mysql_stmt_attr_set(stmt, STMT_ATTR_CB_RESULT, unsafeBitCast(rowValueCallback, to: UnsafeRawPointer.self))
                == 0
        else {
            throw error(
                .statementFailed,
                "this Connector/C does not hand rows to a result callback (STMT_ATTR_CB_RESULT, 3.1 or later)"
            )
        }
    }

    /// `mysql_stmt_bind_result`.
    func bindResults(_ buffers: ResultBuffers) throws {
        if mysql_stmt_bind_result(stmt, buffers.binds) != 0 {
            throw error(.statementFailed, "binding result buffers")
        }
    }

    /// `mysql_stmt_fetch`: reads the next row into the bound buffers or through the decoder.
    @inline(__always)
    func fetch() -> FetchStatus {
        switch mysql_stmt_fetch(stmt) {
        case 0: .row
        case MYSQL_DATA_TRUNCATED: .truncated
        case MYSQL_NO_DATA: .end
        default: .failed
        }
    }

    /// `mysql_stmt_fetch_column`: copies the whole of column `index` of the current row into
    /// `buffer`, for values longer than their bound buffer.
    func fetchColumn(_ index: Int, of buffers: ResultBuffers, into buffer: UnsafeMutableRawBufferPointer) throws {
        var bind = buffers.binds[index]
        var length: UInt = 0
        var isNull: my_bool = 0
        var truncated: my_bool = 0
        bind.buffer = buffer.baseAddress
        bind.buffer_length = UInt(buffer.count)
        let status = withUnsafeMutablePointer(to: &length) { lengthPointer in
            withUnsafeMutablePointer(to: &isNull) { nullPointer in
                withUnsafeMutablePointer(to: &truncated) { errorPointer in
                    bind.length = lengthPointer
                    bind.is_null = nullPointer
                    bind.error = errorPointer
                    return mysql_stmt_fetch_column(stmt, &bind, UInt32(index), 0)
                }
            }
        }
        guard status == 0 else { throw error(.statementFailed, "fetching the rest of a long value") }
    }

    /// A `MySQLError` from `mysql_stmt_errno`, `mysql_stmt_sqlstate` and `mysql_stmt_error`.
    func error(
        _ code: MySQLError.Code,
        _ what: String,
        function: String = #function,
        line: Int = #line
    )
        -> MySQLError
    {
        let errno = mysql_stmt_errno(stmt)
        if errno == 0 {
            // A connection killed or lost while rows stream in leaves the statement's error
            // empty; the connection handle has it (2013, 1927...).
            let fromConnection = connection.error(code, what, function: function, line: line)
            if fromConnection.mysqlErrno != nil { return fromConnection }
        }
        let detail = String(cString: mysql_stmt_error(stmt))
        let state = String(cString: mysql_stmt_sqlstate(stmt))
        return MySQLError(
            MariaDBHandle.refine(code, errno: errno),
            detail.isEmpty ? what : "\(what): \(detail)",
            mysqlErrno: errno == 0 ? nil : errno,
            sqlState: state.isEmpty || state == "00000" ? nil : state,
            function: function,
            line: line
        )
    }
}

// MARK: - Parameter buffers

/// `MYSQL_BIND`s and the memory they point at, for one execution.
private final class ParameterBuffers {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private var allocations: [UnsafeMutableRawPointer] = []
    private let count: Int

    init(_ parameters: [MySQLParameter]) {
        count = parameters.count
        binds = .allocate(capacity: max(1, count))
        binds.initialize(repeating: MYSQL_BIND(), count: max(1, count))
        for (i, parameter) in parameters.enumerated() {
            switch parameter {
            case .int64(let v):
                bindScalar(i, v, MYSQL_TYPE_LONGLONG, unsigned: false)
            case .uint64(let v):
                bindScalar(i, v, MYSQL_TYPE_LONGLONG, unsigned: true)
            case .double(let v):
                bindScalar(i, v, MYSQL_TYPE_DOUBLE, unsigned: false)
            case .string(let v):
                bindBytes(i, Array(v.utf8), MYSQL_TYPE_STRING)
            case .bytes(let v):
                bindBytes(i, v, MYSQL_TYPE_BLOB)
            case .datetime(let micros):
                let c = CivilCalendar.components(microseconds: micros)
                var time = MYSQL_TIME()
                time.year = UInt32(clamping: c.year)
                time.month = UInt32(c.month)
                time.day = UInt32(c.day)
                time.hour = UInt32(c.hour)
                time.minute = UInt32(c.minute)
                time.second = UInt32(c.second)
                time.second_part = UInt(c.microsecond)
                time.time_type = MYSQL_TIMESTAMP_DATETIME
                bindScalar(i, time, MYSQL_TYPE_DATETIME, unsigned: false)
            case .date(let days):
                let (year, month, day) = CivilCalendar.civilFromDays(Int(days))
                var time = MYSQL_TIME()
                time.year = UInt32(clamping: year)
                time.month = UInt32(month)
                time.day = UInt32(day)
                time.time_type = MYSQL_TIMESTAMP_DATE
                bindScalar(i, time, MYSQL_TYPE_DATE, unsigned: false)
            case .null:
                binds[i].buffer_type = MYSQL_TYPE_NULL
            }
        }
    }

    private func bindScalar<T>(_ i: Int, _ value: T, _ type: enum_field_types, unsigned: Bool) {
        let memory = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<T>.size,
            alignment: MemoryLayout<T>.alignment
        )
        memory.initializeMemory(as: T.self, to: value)
        allocations.append(memory)
        binds[i].buffer = memory
        binds[i].buffer_type = type
        binds[i].buffer_length = UInt(MemoryLayout<T>.size)
        binds[i].is_unsigned = unsigned ? 1 : 0
    }

    private func bindBytes(_ i: Int, _ bytes: [UInt8], _ type: enum_field_types) {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
        bytes.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        allocations.append(memory)
        binds[i].buffer = memory
        binds[i].buffer_type = type
        binds[i].buffer_length = UInt(bytes.count)
        // length == NULL: the connector uses buffer_length as the value's length.
    }

    deinit {
        for memory in allocations { memory.deallocate() }
        binds.deinitialize(count: max(1, count))
        binds.deallocate()
    }
}

// MARK: - Result buffers

/// The `MYSQL_BIND` array and reusable text buffers one result row is fetched into, for small
/// metadata results read as strings (`queryStrings`). Allocated once per statement; every
/// row overwrites it. Rows of data do not come through here but through `decodeRows`.
internal final class ResultBuffers {
    let count: Int
    fileprivate let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let lengths: UnsafeMutablePointer<UInt>
    private let nulls: UnsafeMutablePointer<my_bool>
    private let errors: UnsafeMutablePointer<my_bool>
    private let data: UnsafeMutablePointer<UnsafeMutableRawPointer>
    private let capacities: UnsafeMutablePointer<Int>

    /// `columns` text buffers of `capacity` bytes each; longer values are fetched whole with
    /// `MariaDBStatement.fetchColumn`.
    init(textColumns columns: Int, capacity: Int) {
        count = columns
        let n = max(1, count)
        binds = .allocate(capacity: n)
        binds.initialize(repeating: MYSQL_BIND(), count: n)
        lengths = .allocate(capacity: n)
        lengths.initialize(repeating: 0, count: n)
        nulls = .allocate(capacity: n)
        nulls.initialize(repeating: 0, count: n)
        errors = .allocate(capacity: n)
        errors.initialize(repeating: 0, count: n)
        data = .allocate(capacity: n)
        capacities = .allocate(capacity: n)
        for i in 0..<count {
            // One spare byte: the connector NUL-terminates strings that leave room.
            let memory = UnsafeMutableRawPointer.allocate(byteCount: capacity + 1, alignment: 16)
            memory.initializeMemory(as: UInt8.self, repeating: 0, count: capacity + 1)
            data[i] = memory
            capacities[i] = capacity
            binds[i].buffer = memory
            binds[i].buffer_type = MYSQL_TYPE_STRING
            binds[i].buffer_length = UInt(capacity)
            binds[i].length = lengths + i
            binds[i].is_null = nulls + i
            binds[i].error = errors + i
        }
    }

    deinit {
        for i in 0..<count { data[i].deallocate() }
        let n = max(1, count)
        binds.deinitialize(count: n)
        binds.deallocate()
        lengths.deallocate()
        nulls.deallocate()
        errors.deallocate()
        data.deallocate()
        capacities.deallocate()
    }

    @inline(__always) func isNull(_ i: Int) -> Bool { nulls[i] != 0 }

    /// Full length of a text or binary value, which may exceed `capacity(i)`.
    @inline(__always) func length(_ i: Int) -> Int { Int(lengths[i]) }

    @inline(__always) func capacity(_ i: Int) -> Int { capacities[i] }

    /// Whether the value did not fit its buffer; fetch it whole with `fetchColumn`.
    @inline(__always) func isTruncated(_ i: Int) -> Bool { Int(lengths[i]) > capacities[i] }

    /// The bytes of a text or binary value that fit the buffer.
    @inline(__always) func bytes(_ i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: data[i], count: min(Int(lengths[i]), capacities[i]))
    }
}
