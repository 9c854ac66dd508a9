import Logging

/// One session with the source database.
///
/// Every method blocks the calling thread until the server answers; call them from a thread
/// or Dispatch queue of your own, never from Swift concurrency's cooperative pool. A connection
/// is not thread-safe: it may be handed to another thread (hence `@unchecked Sendable`), but
/// only one thread may use it at a time, and while a `RowStream` is open on it nothing else may
/// run on it (MySQL's protocol carries one result at a time).
public final class MySQLConnection: @unchecked Sendable {
    public let options: MySQLConnectionOptions
    public let serverVersion: MySQLServerVersion
    /// The server's id for this session (`CONNECTION_ID()`), for logs and `KILL`.
    public let connectionID: UInt
    /// The negotiated TLS cipher, nil on a plain or unix socket connection.
    public let tlsCipher: String?
    let logger: Logger
    let handle: MariaDBHandle
    private var openStream: ObjectIdentifier?
    private var isClosed = false

    /// Connects, then prepares the session: `time_zone = '+00:00'` (TIMESTAMP values arrive
    /// in UTC and DATETIME parameters compare in UTC) and a long `net_write_timeout` (see
    /// `MySQLConnectionOptions.serverWriteTimeout`). The character set is utf8mb4 from the
    /// handshake on. sql_mode is left as the server has it, so `query` datasets behave as
    /// they do in any other client; the statements this package generates do not depend on it.
    public init(options: MySQLConnectionOptions, logger: Logger = Logger(label: "parquet-publisher.mysql")) throws {
        guard !options.user.isEmpty || options.optionFile != nil else {
            throw MySQLError(.invalidOptions, "no MySQL user given")
        }
        self.options = options
        self.logger = logger
        let handle = try MariaDBHandle()
        try handle.configure(options)
        try handle.connect(options)
        self.handle = handle
        serverVersion = MySQLServerVersion(handle.serverInfo, number: handle.serverVersionNumber)
        connectionID = handle.connectionID
        tlsCipher = handle.tlsCipher
        let writeTimeout = options.serverWriteTimeout.wholeSecondsRoundedUp ?? 600
        _ = try handle.query("SET time_zone = '+00:00', net_write_timeout = \(writeTimeout)")
        logger.debug(
            "connected to MySQL",
            metadata: [
                "endpoint": "\(options.endpoint)", "user": "\(options.user)", "server": "\(serverVersion)",
                "connection_id": "\(connectionID)", "tls": "\(tlsCipher ?? "none")",
            ]
        )
    }

    deinit { handle.close() }

    /// Ends the session (`mysql_close`). Further calls throw.
    public func close() {
        isClosed = true
        handle.close()
    }

    /// Runs a statement without a result, or drops its result: session settings, and fixtures
    /// in tests. The text protocol, so any statement MySQL accepts works.
    public func execute(_ sql: String) throws {
        try ensureIdle()
        logger.trace("execute", metadata: ["sql": "\(sql)"])
        _ = try handle.query(sql)
    }

    /// A small result as strings (NULL as nil), for metadata queries: `information_schema`,
    /// `SELECT DATABASE()`, checksums. Values are text as MySQL formats them. With parameters
    /// the statement is prepared and runs in the binary protocol.
    public func queryStrings(_ sql: String, _ parameters: [MySQLParameter] = []) throws -> [[String?]] {
        try ensureIdle()
        logger.trace("query", metadata: ["sql": "\(sql)", "parameters": "\(parameters)"])
        guard !parameters.isEmpty else { return try handle.query(sql) }
        let statement = try handle.makeStatement()
        defer { statement.close() }
        try statement.prepare(sql)
        guard let fields = statement.resultFields() else {
            try statement.execute(parameters, sql: sql)
            return []
        }
        let buffers = ResultBuffers(textColumns: fields.count, capacity: 256)
        try statement.execute(parameters, sql: sql)
        try statement.bindResults(buffers)
        var rows: [[String?]] = []
        var long = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        defer { long.deallocate() }
        while true {
            switch statement.fetch() {
            case .end: return rows
            case .failed: throw statement.error(.statementFailed, "reading rows of: \(MariaDBHandle.abbreviate(sql))")
            case .row, .truncated: break
            }
            var row: [String?] = []
            row.reserveCapacity(fields.count)
            for c in 0..<fields.count {
                if buffers.isNull(c) {
                    row.append(nil)
                } else if buffers.isTruncated(c) {
                    let length = buffers.length(c)
                    if long.count < length {
                        long.deallocate()
                        long = .allocate(byteCount: length, alignment: 16)
                    }
                    let value = UnsafeMutableRawBufferPointer(rebasing: long[0..<length])
                    try statement.fetchColumn(c, of: buffers, into: value)
                    row.append(String(decoding: UnsafeRawBufferPointer(value), as: UTF8.self))
                } else {
                    row.append(String(decoding: buffers.bytes(c), as: UTF8.self))
                }
            }
            rows.append(row)
        }
    }

    /// The database's clock: microseconds since the epoch, UTC, from `SELECT UTC_TIMESTAMP(6)` on
    /// this connection. Watermarks come from here, never from the daemon's clock.
    public func serverNow() throws -> Int64 {
        let rows = try queryStrings("SELECT UTC_TIMESTAMP(6)")
        guard let text = rows.first?.first ?? nil, let micros = CivilCalendar.parseDateTime(text) else {
            throw MySQLError(
                .invalidValue,
                "SELECT UTC_TIMESTAMP(6) returned \(String(describing: rows.first)), not a date and time"
            )
        }
        return micros
    }

    /// Starts a read-only transaction whose reads all see one snapshot of InnoDB tables:
    /// `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ` (a consistent snapshot needs it, and the
    /// server default may be READ COMMITTED), then
    /// `START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT` (MySQL 5.6.5+, MariaDB 10.0+).
    /// Servers older than that get `START TRANSACTION WITH CONSISTENT SNAPSHOT`.
    ///
    /// A transaction a failed step left open on this connection is rolled back first: a read-only
    /// transaction has nothing to lose, and `SET TRANSACTION` would otherwise fail with error
    /// 1568 ("Transaction characteristics can't be changed while a transaction is in progress").
    public func startReadOnlySnapshot() throws {
        do {
            try execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        } catch let error as MySQLError where error.mysqlErrno == 1568 {
            logger.debug("rolling back the transaction a failed step left open", metadata: ["error": "\(error)"])
            try rollback()
            try execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        }
        do {
            try execute("START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT")
        } catch let error as MySQLError where error.mysqlErrno == 1064 {
            // ER_PARSE_ERROR: a server without READ ONLY transactions.
            try execute("START TRANSACTION WITH CONSISTENT SNAPSHOT")
        }
    }

    /// `COMMIT`: ends the snapshot.
    public func commit() throws { try execute("COMMIT") }

    /// `ROLLBACK`: ends the snapshot (the same as commit for a read-only transaction).
    public func rollback() throws { try execute("ROLLBACK") }

    /// Streams the rows of `sql` into typed column batches: a server-side prepared statement,
    /// the binary protocol, and unbuffered fetch, so memory stays bounded by the batch size.
    /// `columns` says how to decode each result column (from `describeTable` or
    /// `describeQuery`); the result must have exactly those columns in that order.
    public func stream(sql: String, parameters: [MySQLParameter] = [], columns: [SourceColumn]) throws -> RowStream {
        try ensureIdle()
        logger.trace("stream", metadata: ["sql": "\(sql)", "parameters": "\(parameters)"])
        let statement = try handle.makeStatement()
        do {
            try statement.prepare(sql)
            guard let fields = statement.resultFields() else {
                throw MySQLError(.misuse, "statement returns no rows: \(MariaDBHandle.abbreviate(sql))")
            }
            let stream = try RowStream(
                connection: self,
                statement: statement,
                sql: sql,
                columns: columns,
                fields: fields
            )
            try statement.execute(parameters, sql: sql)
            openStream = ObjectIdentifier(stream)
            return stream
        } catch {
            statement.close()
            throw error
        }
    }

    /// Called by a stream when its statement is closed.
    func streamDidClose(_ stream: RowStream) {
        if openStream == ObjectIdentifier(stream) { openStream = nil }
    }

    func ensureIdle(function: String = #function, line: Int = #line) throws {
        if isClosed { throw MySQLError(.misuse, "the connection is closed", function: function, line: line) }
        if openStream != nil {
            throw MySQLError(
                .misuse,
                "a RowStream is still open on this connection: read it to the end or close it first",
                function: function,
                line: line
            )
        }
    }
}

/// The server's version, from the handshake.
public struct MySQLServerVersion: Sendable, Hashable, CustomStringConvertible {
    /// As the server reports it, e.g. "10.11.19-MariaDB-0+deb12u1" or "5.7.44-log".
    public var text: String
    public var major: Int
    public var minor: Int
    public var patch: Int
    public var isMariaDB: Bool

    public init(_ text: String, number: Int) {
        self.text = text
        major = number / 10000
        minor = number / 100 % 100
        patch = number % 100
        isMariaDB = text.lowercased().contains("mariadb")
    }

    public var description: String { text }
}
