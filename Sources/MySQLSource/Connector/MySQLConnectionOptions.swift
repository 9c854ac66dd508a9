/// How to reach and log in to the source database.
///
/// The password is never printed: `description` redacts it, so the options can be logged as
/// they are.
public struct MySQLConnectionOptions: Sendable, Hashable {
    /// Host name or address for TCP; nil with `socket` set means the unix socket.
    public var host: String?
    public var port: Int
    /// Path of the server's unix socket. When set, the connection uses it and ignores `host`.
    public var socket: String?
    public var user: String
    /// Never logged; `description` shows only whether one is set.
    public var password: String?
    /// The default schema: the one unqualified table names resolve in.
    public var database: String?
    public var tls: TLSOptions
    public var connectTimeout: Duration
    /// How long the client waits for the server on one read (`MYSQL_OPT_READ_TIMEOUT`).
    public var readTimeout: Duration
    /// How long the client waits on one write (`MYSQL_OPT_WRITE_TIMEOUT`).
    public var writeTimeout: Duration
    /// The session's `net_write_timeout`: how long the server waits for us to take the next
    /// packet of an unbuffered result. Fetching and encoding overlap, so the fetch thread may
    /// pause while the encoder catches up; the server default of 60 s is tight for that.
    public var serverWriteTimeout: Duration
    /// A MySQL option file whose `[client]` group Connector/C reads (user, password, socket...).
    /// Values set here take precedence over the file's.
    public var optionFile: String?

    public init(
        host: String? = "127.0.0.1",
        port: Int = 3306,
        socket: String? = nil,
        user: String,
        password: String? = nil,
        database: String? = nil,
        tls: TLSOptions = TLSOptions(),
        connectTimeout: Duration = MySQLConnectionOptions.defaultConnectTimeout,
        readTimeout: Duration = MySQLConnectionOptions.defaultReadTimeout,
        writeTimeout: Duration = .seconds(60),
        serverWriteTimeout: Duration = .seconds(600),
        optionFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.socket = socket
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.writeTimeout = writeTimeout
        self.serverWriteTimeout = serverWriteTimeout
        self.optionFile = optionFile
    }

    /// How long connecting may take: `[source] connect_timeout`'s default too.
    public static let defaultConnectTimeout: Duration = .seconds(10)
    /// How long one read may wait: `[source] read_timeout`'s default too. Statements are kept
    /// short by keyset chunks, so a read that waits this long means the server is in trouble.
    public static let defaultReadTimeout: Duration = .seconds(300)

    /// Where the connection goes, for messages: "127.0.0.1:3306" or "unix:/run/mysqld/mysqld.sock".
    public var endpoint: String {
        if let socket { return "unix:\(socket)" }
        return "\(host ?? "localhost"):\(port)"
    }
}

/// TLS settings, named after MySQL's `--ssl-mode` values.
///
/// Connector/C 3.3 has no single ssl-mode option; `LibMariaDB` maps each mode onto
/// `mysql_ssl_set`, `MYSQL_OPT_SSL_VERIFY_SERVER_CERT` and a check after connecting that a
/// cipher was negotiated. TLS applies to TCP; a unix socket is local and never uses TLS.
public struct TLSOptions: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disabled
        /// TLS when the server offers it, plain TCP otherwise; no certificate check.
        case preferred
        /// TLS or no connection; the certificate is not checked.
        case required
        /// TLS, and the server certificate must chain to `ca`; the host name is not checked.
        case verifyCA = "verify_ca"
        /// TLS, a certificate chaining to `ca` (or the system store), issued for `host`.
        case verifyIdentity = "verify_identity"
    }

    public var mode: Mode
    /// PEM file of the certificate authority that signed the server's certificate.
    public var ca: String?
    /// PEM client certificate and key, for servers that require X509 accounts.
    public var cert: String?
    public var key: String?

    public init(mode: Mode = .preferred, ca: String? = nil, cert: String? = nil, key: String? = nil) {
        self.mode = mode
        self.ca = ca
        self.cert = cert
        self.key = key
    }
}

extension MySQLConnectionOptions: CustomStringConvertible {
    public var description: String {
        var parts = ["endpoint: \(endpoint)", "user: \(user)"]
        parts.append("password: \(password == nil ? "none" : "<redacted>")")
        if let database { parts.append("database: \(database)") }
        parts.append("tls: \(tls.mode.rawValue)")
        if let optionFile { parts.append("option file: \(optionFile)") }
        return "MySQLConnectionOptions(" + parts.joined(separator: ", ") + ")"
    }
}

extension MySQLConnectionOptions: CustomDebugStringConvertible {
    public var debugDescription: String { description }
}

extension MySQLConnectionOptions: CustomReflectable {
    /// `dump` and debuggers go through the mirror; it must not reveal the password either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host as Any, "port": port, "socket": socket as Any, "user": user,
                "password": (password == nil ? "none" : "<redacted>"), "database": database as Any,
                "tls": tls, "connectTimeout": connectTimeout, "readTimeout": readTimeout,
                "writeTimeout": writeTimeout, "serverWriteTimeout": serverWriteTimeout,
                "optionFile": optionFile as Any,
            ],
            displayStyle: .struct
        )
    }
}

extension Duration {
    /// Whole seconds for Connector/C's timeout options, rounded up; nil when zero or negative
    /// (leave the library's default).
    internal var wholeSecondsRoundedUp: UInt32? {
        let (seconds, attoseconds) = components
        guard seconds > 0 || attoseconds > 0 else { return nil }
        let rounded = seconds + (attoseconds > 0 ? 1 : 0)
        return UInt32(clamping: rounded)
    }
}
