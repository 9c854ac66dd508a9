import Foundation
import Logging
import MySQLSource

/// Opens MySQL connections from the `[source]` configuration, with the password resolved
/// from password_file, systemd credentials or an option file; never from argv or a log line.
public struct SourceConnector: Sendable {
    public let configuration: Configuration
    public let logger: Logger
    private let password: String?

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
        let tls = TLSOptions(
            mode: TLSOptions.Mode(rawValue: source.tls.mode.rawValue) ?? .preferred,
            ca: source.tls.ca,
            cert: source.tls.cert,
            key: source.tls.key
        )
        return MySQLConnectionOptions(
            host: host,
            port: port,
            socket: socket,
            user: source.user,
            password: password,
            database: source.database,
            tls: tls,
            connectTimeout: source.connectTimeout,
            readTimeout: source.readTimeout,
            optionFile: source.optionFile
        )
    }

    public func connect() throws -> MySQLConnection {
        try MySQLConnection(options: options, logger: logger)
    }
}
