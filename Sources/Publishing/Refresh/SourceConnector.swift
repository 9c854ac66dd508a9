import Foundation
import Logging
import MySQLSource

/// Opens MySQL connections from the `[source]` configuration, with the password resolved
/// from password_file, systemd credentials or an option file; never from argv or a log line.
public struct SourceConnector: Sendable {
    public let configuration: Configuration
    public let logger: Logger
    private let password: String?
    /// The option file Connector/C reads: `option_file`, or ~/.my.cnf when it is where the
    /// password must come from.
    private let optionFile: String?

    public init(
        configuration: Configuration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) throws {
        self.configuration = configuration
        self.logger = logger
        // The resolver logs its warnings (a password file others can read) itself, once.
        let resolution = try PasswordResolver(environment: environment, logger: logger)
            .resolve(for: configuration.source, configurationFile: configuration.file)
        password = resolution.password?.value
        optionFile = resolution.optionFile
    }

    public var options: MySQLConnectionOptions {
        let source = configuration.source
        var host: String? = nil
        var port = 3306
        var socket: String? = nil
        switch source.endpoint {
        case .tcp(let h, let p):
            host = h
            port = p
        case .socket(let path):
            socket = path
        }
        return MySQLConnectionOptions(
            host: host,
            port: port,
            socket: socket,
            user: source.user,
            password: password,
            database: source.database,
            tls: source.tls,
            connectTimeout: source.connectTimeout,
            readTimeout: source.readTimeout,
            optionFile: optionFile
        )
    }

    public func connect() throws -> MySQLConnection {
        try MySQLConnection(options: options, logger: logger)
    }
}
