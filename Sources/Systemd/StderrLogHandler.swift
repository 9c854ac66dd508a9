import Foundation
import Logging
import SystemSupport

/// Readable lines on stderr for a terminal or a pipe:
/// `2026-11-25T01:02:03.456Z info orders: published v12 rows=5000000 duration_ms=812`.
/// The dataset, when the metadata has one, leads the message; the common fields follow in a
/// fixed order, the rest by name. Values with spaces, quotes or `=` are quoted.
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    public let label: String

    public init(label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let metadata = SystemdLogging.merged(
            metadata,
            provider: metadataProvider,
            event: event.metadata,
            error: event.error
        )
        let text = Self.line(date: Date(), level: event.level, message: "\(event.message)", metadata: metadata)
        Syscall.writeStandardError(Array((text + "\n").utf8))
    }

    /// The fields that come first, in this order, when present.
    static let leadingKeys = ["version", "rows", "duration_ms", "phase", "error"]

    static func line(date: Date, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var text = timestamp(date) + " " + level.rawValue
        if let dataset = metadata["dataset"] { text += " \(dataset):" }
        text += " " + message
        let leading = leadingKeys.filter { metadata[$0] != nil }
        let rest = metadata.keys.filter { $0 != "dataset" && !leadingKeys.contains($0) }.sorted()
        for key in leading + rest {
            let value = SystemdLogging.redacted(key, metadata[key]!)
            // An error the message already spells out is not repeated (the journal keeps it as
            // its own ERROR field).
            if key == "error", !value.isEmpty, message.contains(value) { continue }
            text += " \(key)=\(quoted(value))"
        }
        return text
    }

    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) else {
            return value
        }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"" + escaped + "\""
    }

    /// UTC to the millisecond, ISO 8601 with a Z.
    static func timestamp(_ date: Date) -> String {
        ISO8601Timestamp.string(from: date, fractionalDigits: 3)
    }
}
