import Foundation
import Logging
import MySQLSource
import Publishing
import TestSupport
import Testing

@Suite("MySQL option files are read by Connector/C, as the mysql client reads them", .requiresMySQL)
struct OptionFilesAreReadByConnectorC {
    /// A configuration for the reader account with `option_file` and no password of its own.
    func configuration(optionFile: String, in scratch: TemporaryDirectory) throws -> Configuration {
        let server = try TestEnvironment.requireMySQL()
        return try Configuration.parse(
            """
            [source]
            host = "\(server.host)"
            port = \(server.port)
            user = "\(server.reader.user)"
            option_file = "\(optionFile)"
            database = "\(server.database)"

            [publish]
            directory = "public"
            state_directory = "state"

            [[dataset]]
            name = "t"
            table = "t"
            primary_key = "id"
            """,
            path: scratch.path + "/config.toml"
        )
    }

    func write(_ text: String, to path: String) throws {
        guard
            FileManager.default.createFile(
                atPath: path,
                contents: Data(text.utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else { throw CocoaError(.fileWriteUnknown) }
    }

    /// `!include` and an escaped quote in the password: what a hand-written parser gets wrong.
    @Test func thePasswordComesFromAnIncludedFile() throws {
        let server = try TestEnvironment.requireMySQL()
        let scratch = try TemporaryDirectory(prefix: "pp-option-file")
        let escaped = server.reader.password.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
        try write("[client]\npassword=\"\(escaped)\"\n", to: scratch.path + "/secret.cnf")
        try write("[client]\n!include \(scratch.path)/secret.cnf\n", to: scratch.path + "/my.cnf")
        var logger = Logger(label: "itest.option-file")
        logger.logLevel = .error
        let connector = try SourceConnector(
            configuration: try configuration(optionFile: scratch.path + "/my.cnf", in: scratch),
            environment: [:],
            logger: logger
        )
        let connection = try connector.connect()
        defer { connection.close() }
        #expect(try connection.serverNow() > 0)
    }

    @Test func aWrongPasswordInTheOptionFileIsRefusedByTheServer() throws {
        let scratch = try TemporaryDirectory(prefix: "pp-option-file")
        try write("[client]\npassword=not-the-password\n", to: scratch.path + "/my.cnf")
        let connector = try SourceConnector(
            configuration: try configuration(optionFile: scratch.path + "/my.cnf", in: scratch),
            environment: [:],
            logger: Logger(label: "itest.option-file")
        )
        let error = #expect(throws: (any Error).self) { try connector.connect() }
        #expect("\(error.map { "\($0)" } ?? "")".contains("1045"))
    }
}
