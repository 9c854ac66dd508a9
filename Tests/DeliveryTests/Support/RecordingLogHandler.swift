import Foundation
import Logging

/// Keeps every entry logged through it, for tests that assert on log lines (what a target
/// printed, that no secret got through).
final class LogRecorder: @unchecked Sendable {
    struct Entry: CustomStringConvertible {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
        /// The message and every metadata value: everything a log line would carry.
        var description: String {
            ([message] + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        }
    }

    private let lock = NSLock()
    private var stored: [Entry] = []

    var entries: [Entry] { lock.withLock { stored } }
    /// Every entry as one text, one per line.
    var text: String { entries.map(\.description).joined(separator: "\n") }

    var logger: Logger {
        var logger = Logger(label: "delivery-test") { _ in Handler(recorder: self) }
        logger.logLevel = .debug
        return logger
    }

    fileprivate func append(_ entry: Entry) {
        lock.withLock { stored.append(entry) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.append(
                Entry(
                    level: event.level,
                    message: "\(event.message)",
                    metadata: metadata.merging(event.metadata ?? [:]) { _, new in new }
                )
            )
        }
    }
}
