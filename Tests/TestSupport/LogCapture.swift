import Foundation
import Logging

/// Log entries a test can read back: a `Logger` whose handler keeps every message with its
/// level and metadata, so a test can assert what the code logged (and how often).
public final class LogCapture: @unchecked Sendable {
    public struct Entry: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
    }

    private let lock = NSLock()
    private var stored: [Entry] = []

    public init() {}

    public var entries: [Entry] { lock.withLock { stored } }
    public var messages: [String] { entries.map(\.message) }

    /// A logger writing here, at `level` and above.
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = level
        return logger
    }

    func append(_ entry: Entry) { lock.withLock { stored.append(entry) } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all = metadata
            if let extra = event.metadata { all.merge(extra) { _, new in new } }
            capture.append(
                Entry(
                    level: event.level,
                    message: "\(event.message)",
                    metadata: all.mapValues { "\($0)" }
                )
            )
        }
    }
}
