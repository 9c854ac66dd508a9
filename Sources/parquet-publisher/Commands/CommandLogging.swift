import ArgumentParser
import Foundation
import Logging
import Publishing
import Systemd

/// What every command that reads a configuration shares: logging set up once, the file
/// loaded with every error listed, datasets selected by name.
enum CommandLogging {
    static func bootstrap(label: String) -> Logger {
        LoggingSetup.bootstrapOnce()
        return Logger(label: label)
    }

    static func loadConfiguration(_ path: String) throws -> Configuration {
        do {
            return try Configuration.load(contentsOf: path)
        } catch {
            throw ValidationError("\(error)")
        }
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
