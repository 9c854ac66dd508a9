import MySQLSource

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

    public var endpoint = Endpoint.tcp(host: "127.0.0.1", port: 3306)
    public var user = ""
    /// Absolute path of `password_file`, when set.
    public var passwordFile: String?
    /// Absolute path of `option_file`: a MySQL option file Connector/C reads (its `[client]`
    /// group, `!include` and all); nil means `~/.my.cnf`, when there is one.
    public var optionFile: String?
    /// Default schema for datasets whose `table` names none.
    public var database: String?
    /// `ssl_mode`, `ssl_ca`, `ssl_cert`, `ssl_key`, as the connection takes them.
    public var tls = TLSOptions()
    public var connectTimeout = MySQLConnectionOptions.defaultConnectTimeout
    /// How long one read from the server may wait (MYSQL_OPT_READ_TIMEOUT).
    public var readTimeout = MySQLConnectionOptions.defaultReadTimeout

    public init(user: String) {
        self.user = user
    }

    init() {}

    /// "reader@127.0.0.1:3306/shop (password from /etc/...; tls preferred)": no secret in it.
    public var description: String {
        var text = "\(user)@\(endpoint)"
        if let database { text += "/\(database)" }
        let password = passwordFile.map { "password from \($0)" } ?? "password from credentials or option file"
        return text + " (\(password); tls \(tls.mode.rawValue))"
    }
}

extension SourceConfiguration: ConfigurationSection {
    static var keys: [ConfigurationKey<Self>] {
        [
            // host, socket and port make the endpoint together: all three are read with host.
            ConfigurationKey("host") { reader, source in source.readEndpoint(&reader) },
            ConfigurationKey("socket"), ConfigurationKey("port"),
            .key("user", \.user, .string, required: true),
            .key("password_file", \.passwordFile, .path),
            .key("option_file", \.optionFile, .path),
            .key("database", \.database, .identifier),
            .key("ssl_mode", \.tls.mode, .choice),
            .key("ssl_ca", \.tls.ca, .path),
            .key("ssl_cert", \.tls.cert, .path),
            .key("ssl_key", \.tls.key, .path),
            .key("connect_timeout", \.connectTimeout, .duration(atLeast: .seconds(1))),
            .key("read_timeout", \.readTimeout, .duration(atLeast: .seconds(1))),
        ]
    }

    private mutating func readEndpoint(_ r: inout SectionReader) {
        let host = r.read("host", .string)
        let socket = r.read("socket", .path)
        let port = r.read("port", .integer(in: 1...65535))
        if r.has("host") && r.has("socket") {
            r.report(.conflict, "socket", "set either host (TCP) or socket, not both")
        } else if r.has("socket") && r.has("port") {
            r.report(.conflict, "port", "port applies to TCP; remove it or use host instead of socket")
        } else if let socket {
            endpoint = .socket(path: socket)
        } else if case .tcp(let defaultHost, let defaultPort) = endpoint {
            endpoint = .tcp(host: host ?? defaultHost, port: port ?? defaultPort)
        }
    }

    mutating func check(_ r: inout SectionReader) {
        if r.has("ssl_cert") != r.has("ssl_key") {
            r.report(
                .conflict,
                r.has("ssl_cert") ? "ssl_key" : "ssl_cert",
                "ssl_cert and ssl_key go together: set both or neither"
            )
        }
        if tls.mode == .disabled, let tlsKey = ["ssl_ca", "ssl_cert", "ssl_key"].first(where: { r.has($0) }) {
            r.report(
                .conflict,
                tlsKey,
                "ssl_mode is \"disabled\", so \(tlsKey) would be ignored; remove it or change ssl_mode"
            )
        }
    }
}
