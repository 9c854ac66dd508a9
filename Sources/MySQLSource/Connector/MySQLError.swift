/// An error from the MySQL source: what failed (the statement, table or column, named in
/// `message`), the server's or the connector's detail (`mysqlErrno`, `sqlState`) and the cause.
///
/// Modelled on swift-nio's `FileSystemError`: a broad `code` to branch on, a message a user can
/// act on, and the source location that threw it.
public struct MySQLError: Error, Sendable {
    /// A broad classification, for callers that decide between retrying, reporting a
    /// configuration error and giving up.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// The options cannot work (an empty user, a TLS mode without the file it needs).
        case invalidOptions
        /// `mysql_real_connect` failed: unreachable server, bad credentials, unknown database.
        case connectionFailed
        /// TLS was required but not negotiated, or the certificate did not verify.
        case tls
        /// The server rejected a statement (syntax, privileges, missing table, lock wait).
        case statementFailed
        /// The connection broke while a statement ran or rows were read.
        case connectionLost
        /// A table named by the configuration does not exist or is not visible to this user.
        case tableNotFound
        /// A column named by the configuration does not exist in its table.
        case columnNotFound
        /// A column type the Parquet mapping does not cover (GEOMETRY, ...).
        case unsupportedType
        /// An identifier from the configuration that cannot be quoted safely.
        case invalidIdentifier
        /// A value the source cannot represent exactly (a malformed DECIMAL, a NULL in a
        /// column described as NOT NULL).
        case invalidValue
        /// The result set does not have the columns the caller described: the table changed
        /// between describing it and reading it.
        case schemaMismatch
        /// The API was used out of order (a statement while rows are still being streamed).
        case misuse

        public var description: String { rawValue }
    }

    public var code: Code
    /// What failed, naming the statement, table or column.
    public var message: String
    /// `mysql_errno` / `mysql_stmt_errno`, when the connector reported one.
    public var mysqlErrno: UInt32?
    /// The five-character SQLSTATE, when the connector reported one.
    public var sqlState: String?
    /// The error that led to this one, if any.
    public var cause: (any Error)?
    public var location: SourceLocation

    public init(
        code: Code,
        message: String,
        mysqlErrno: UInt32? = nil,
        sqlState: String? = nil,
        cause: (any Error)? = nil,
        location: SourceLocation
    ) {
        self.code = code
        self.message = message
        self.mysqlErrno = mysqlErrno
        self.sqlState = sqlState
        self.cause = cause
        self.location = location
    }

    internal init(
        _ code: Code,
        _ message: String,
        mysqlErrno: UInt32? = nil,
        sqlState: String? = nil,
        cause: (any Error)? = nil,
        function: String = #function,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.init(
            code: code,
            message: message,
            mysqlErrno: mysqlErrno,
            sqlState: sqlState,
            cause: cause,
            location: SourceLocation(function: function, file: file, line: line)
        )
    }

    /// Whether trying again later may succeed: lost connections, lock waits, deadlocks, a full
    /// server. Configuration errors (unknown table, bad credentials, unsupported type) are not.
    public var isTransient: Bool {
        if code == .connectionLost { return true }
        guard let errno = mysqlErrno else { return false }
        switch errno {
        case 1040,  // ER_CON_COUNT_ERROR: too many connections
            1053,  // ER_SERVER_SHUTDOWN
            1205,  // ER_LOCK_WAIT_TIMEOUT
            1213,  // ER_LOCK_DEADLOCK
            1317,  // ER_QUERY_INTERRUPTED
            1927,  // ER_CONNECTION_KILLED (MariaDB)
            2002, 2003,  // CR_CONNECTION_ERROR, CR_CONN_HOST_ERROR
            2006, 2013, 2055:  // CR_SERVER_GONE_ERROR, CR_SERVER_LOST, CR_SERVER_LOST_EXTENDED
            return true
        default:
            return false
        }
    }

    /// Where an error was thrown.
    public struct SourceLocation: Sendable, Hashable {
        public var function: String
        public var file: String
        public var line: Int

        public init(function: String, file: String, line: Int) {
            self.function = function
            self.file = file
            self.line = line
        }
    }
}

extension MySQLError: CustomStringConvertible {
    public var description: String {
        var text = "\(code): \(message)"
        if let mysqlErrno {
            text += " [mysql error \(mysqlErrno)"
            if let sqlState { text += ", SQLSTATE \(sqlState)" }
            text += "]"
        }
        if let cause { text += " (\(cause))" }
        return text
    }
}
