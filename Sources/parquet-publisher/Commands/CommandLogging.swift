import ArgumentParser
import Foundation
import Logging
import Publishing
import SystemSupport
import Systemd

/// What every command that reads a configuration shares: logging set up once, the file
/// loaded with every error listed, datasets selected by name.
enum CommandLogging {
    static func bootstrap(label: String) -> Logger {
        LoggingSetup.bootstrapOnce()
        return Logger(label: label)
    }

    /// EX_CONFIG from sysexits.h, the documented status of a configuration that cannot work
    /// until someone edits it; the unit's RestartPreventExitStatus= keeps systemd from
    /// restarting the daemon in a loop on it.
    static let configurationErrorStatus: Int32 = 78

    /// The configuration at `path`. When it is invalid, every error goes to stderr, one per
    /// line, and the command exits 78: the command line was right, so no usage text.
    static func loadConfiguration(_ path: String) throws -> Configuration {
        do {
            return try Configuration.load(contentsOf: path)
        } catch {
            throw configurationFailure(error)
        }
    }

    /// A connector for the configuration's source; an unreadable password or option file is a
    /// configuration error like the others (exit 78, no usage text).
    static func connector(for configuration: Configuration, logger: Logger) throws -> SourceConnector {
        do {
            return try SourceConnector(configuration: configuration, logger: logger)
        } catch let error as ConfigurationError {
            throw configurationFailure(error)
        }
    }

    /// Writes `error` to stderr and returns the exit that ends the command with status 78.
    static func configurationFailure(_ error: any Error) -> ExitCode {
        Syscall.writeStandardError(Array("\(error)\n".utf8))
        return ExitCode(configurationErrorStatus)
    }

    static func select(_ names: [String], from configuration: Configuration) throws -> [DatasetConfiguration] {
        guard !names.isEmpty else { return configuration.datasets }
        return try names.map { name in
            guard let dataset = configuration.dataset(named: name) else {
                let known = configuration.datasets.map(\.name).joined(separator: ", ")
                throw ValidationError("no dataset named \"\(name)\" in \(configuration.file) (it has: \(known))")
            }
            return dataset
        }
    }
}

enum LoggingSetup {
    nonisolated(unsafe) private static var done = false
    private static let lock = NSLock()

    static func bootstrapOnce() {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        done = true
        // Native journald entries under systemd, readable stderr lines otherwise.
        let level =
            ProcessInfo.processInfo.environment["PARQUET_PUBLISHER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            ?? .info
        LoggingSystem.bootstrap { label in SystemdLogging.makeHandler(label: label, level: level) }
    }
}
