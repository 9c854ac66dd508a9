import Foundation
import Logging
import TestSupport
import Testing

@testable import Publishing

/// A password file is small and regular: anything else is refused with an error naming the
/// file and the key, before reading more than a few KB.
@Suite struct PasswordFileLimits {
    func resolve(_ path: String) throws -> PasswordResolution {
        var source = SourceConfiguration(user: "reader")
        source.passwordFile = path
        source.database = "shop"
        return try PasswordResolver(environment: [:]).resolve(for: source, configurationFile: "/etc/pp.toml")
    }

    @Test(arguments: ["/dev/zero", "/dev/null"])
    func aDeviceIsRefusedBeforeItIsRead(_ device: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try resolve(device) }
        #expect(error.code == .credential)
        #expect(error.key == "source.password_file")
        #expect(error.message.contains(device) && error.message.contains("not a regular file"), "\(error)")
    }

    @Test func aDirectoryIsRefused() throws {
        let folder = ScratchDirectory()
        let error = try #require(throws: ConfigurationError.self) { try resolve(folder.path) }
        #expect("\(error)".contains(folder.path), "\(error)")
    }

    @Test func aFileLargerThanAPasswordIsRefused() throws {
        let folder = ScratchDirectory()
        let file = folder.write("pw", String(repeating: "x", count: PasswordResolver.maximumPasswordFileBytes + 1))
        let error = try #require(throws: ConfigurationError.self) { try resolve(file) }
        #expect(error.message.contains(file) && error.message.contains("more than 4096 bytes"), "\(error)")
        // At the limit it is a password.
        let fits = folder.write("ok", String(repeating: "y", count: PasswordResolver.maximumPasswordFileBytes))
        #expect(try resolve(fits).password?.value.count == PasswordResolver.maximumPasswordFileBytes)
    }

    /// The warning about a password file others can read is logged once per connector, not
    /// once by the resolver and again by the connector.
    @Test func theModeWarningIsLoggedOnce() throws {
        let folder = ScratchDirectory()
        let password = folder.write("pw", "s3cret\n", mode: 0o644)
        let config = folder.write(
            "config.toml",
            """
            [source]
            host = "127.0.0.1"
            user = "reader"
            password_file = "\(password)"
            database = "shop"

            [publish]
            directory = "\(folder.file("public"))"
            state_directory = "\(folder.file("state"))"

            [[dataset]]
            name = "orders"
            table = "orders"
            primary_key = "id"
            every = "5m"
            """
        )
        let logs = LogCapture()
        _ = try SourceConnector(
            configuration: try Configuration.load(contentsOf: config),
            environment: [:],
            logger: logs.logger(level: .info)
        )
        let warnings = logs.entries.filter { $0.level == .warning && $0.message.contains(password) }
        #expect(warnings.count == 1, "\(warnings.map(\.message))")
    }
}
