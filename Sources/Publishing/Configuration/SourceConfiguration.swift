/// The `[source]` table: how to reach the MySQL server and as whom.
///
/// It holds where the password comes from, never the password itself: `PasswordResolver` reads it
/// at connect time, so a rotated credential is picked up on reload, and a description of this
/// value can go into a log line.
public struct SourceConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// TCP (`host`, `port`) or a unix socket (`socket`).
    public enum Endpoint: Sendable, Equatable, CustomStringConvertible {
        case tcp(host: String, port: Int)
        case socket(path: String)

        public var description: String {
            switch self {
            case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case .socket(let path): return path
            }
        }
    }

    public var endpoint: Endpoint
    public var user: String
    /// Absolute path of `password_file`, when set.
    public var passwordFile: String?
    /// Absolute path of `option_file` (a MySQL option file read for `[client]` `password=`); nil means `~/.my.cnf`.
    public var optionFile: String?
    /// Default schema for datasets whose `table` names none.
    public var database: String?
    public var tls: TLSConfiguration
    public var connectTimeout: Duration
    /// How long one read from the server may wait (MYSQL_OPT_READ_TIMEOUT).
    public var readTimeout: Duration

    public init(
        endpoint: Endpoint = .tcp(host: "127.0.0.1", port: 3306),
        user: String,
        passwordFile: String? = nil,
        optionFile: String? = nil,
        database: String? = nil,
        tls: TLSConfiguration = TLSConfiguration(),
        connectTimeout: Duration = SourceConfiguration.defaultConnectTimeout,
        readTimeout: Duration = SourceConfiguration.defaultReadTimeout
    ) {
        self.endpoint = endpoint
        self.user = user
        self.passwordFile = passwordFile
        self.optionFile = optionFile
        self.database = database
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
    }

    public static let defaultPort = 3306
    public static let defaultHost = "127.0.0.1"
    public static let defaultConnectTimeout: Duration = .seconds(10)
    public static let defaultReadTimeout: Duration = .seconds(300)

    /// "reader@127.0.0.1:3306/shop (password from /etc/...; tls preferred)": no secret in it.
    public var description: String {
        var text = "\(user)@\(endpoint)"
        if let database { text += "/\(database)" }
        let password = passwordFile.map { "password from \($0)" } ?? "password from credentials or option file"
        return text + " (\(password); tls \(tls.mode.rawValue))"
    }
}

/// `ssl_mode`, `ssl_ca`, `ssl_cert`, `ssl_key` of `[source]`, with the meanings of the MySQL
/// client's `--ssl-mode` (MySQL 8.0 manual, "Command Options for Encrypted Connections").
public struct TLSConfiguration: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Plain connection.
        case disabled
        /// TLS if the server offers it, unverified; the MySQL client's default.
        case preferred
        /// TLS or fail; the certificate is not verified.
        case required
        /// TLS, and the server certificate must chain to `ssl_ca` (or the system store).
        case verifyCA = "verify_ca"
        /// As `verify_ca`, and the certificate must name the host.
        case verifyIdentity = "verify_identity"
    }

    public var mode: Mode
    public var ca: String?
    public var cert: String?
    public var key: String?

    public init(mode: Mode = .preferred, ca: String? = nil, cert: String? = nil, key: String? = nil) {
        self.mode = mode
        self.ca = ca
        self.cert = cert
        self.key = key
    }
}
