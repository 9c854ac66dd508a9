import CSystemd
import Foundation
import Logging
import SystemSupport

/// A swift-log handler that writes native journal entries (sd_journal_sendv(3)): MESSAGE,
/// PRIORITY, SYSLOG_IDENTIFIER, CODE_FILE/LINE/FUNC, and every metadata key upper-cased into a
/// journal field (dataset → DATASET, duration_ms → DURATION_MS), so that
/// `journalctl -u parquet-publisher DATASET=orders` finds one dataset's entries.
///
/// The only file that calls libsystemd's journal API. The variadic `sd_journal_send` does not
/// import into Swift; the fields are laid out in one buffer and sent as an iovec array.
public struct JournaldLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    public let label: String
    /// SYSLOG_IDENTIFIER=: what `journalctl -t` and the short output show.
    public var identifier = "parquet-publisher"

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
        let fields = Self.fields(
            level: event.level,
            message: "\(event.message)",
            metadata: metadata,
            identifier: identifier,
            file: event.file,
            function: event.function,
            line: event.line
        )
        if !Self.send(fields) {
            // journald is not taking entries (restarting, or no socket): stderr, which systemd
            // connected to the journal, rather than nowhere.
            let line = StderrLogHandler.line(
                date: Date(),
                level: event.level,
                message: "\(event.message)",
                metadata: metadata
            )
            Syscall.writeStandardError(Array((line + "\n").utf8))
        }
    }

    /// Fields the handler sets itself; metadata that would map onto one gets a META_ prefix.
    static let ownFields: Set<String> = [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC",
    ]

    /// The journal fields of one entry, "NAME=value" each, metadata sorted by name.
    static func fields(
        level: Logger.Level,
        message: String,
        metadata: Logger.Metadata,
        identifier: String = "parquet-publisher",
        file: String,
        function: String,
        line: UInt
    ) -> [String] {
        var fields = [
            "MESSAGE=\(message)",
            "PRIORITY=\(priority(level))",
            "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(file)",
            "CODE_LINE=\(line)",
            "CODE_FUNC=\(function)",
        ]
        var seen = ownFields
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard var name = fieldName(key) else { continue }
            if ownFields.contains(name) { name = String(("META_" + name).prefix(64)) }
            guard seen.insert(name).inserted else { continue }
            fields.append("\(name)=\(SystemdLogging.redacted(key, value))")
        }
        return fields
    }

    /// A valid journal field name for a metadata key: A-Z, 0-9 and _, not starting with an
    /// underscore (journald's trusted fields) or a digit, at most 64 characters
    /// (systemd.journal-fields(7)); nil when nothing of the key is left.
    static func fieldName(_ key: String) -> String? {
        var name = String(key.uppercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "_" })
        while let first = name.first, first == "_" || first.isNumber { name.removeFirst() }
        guard !name.isEmpty else { return nil }
        return String(name.prefix(64))
    }

    /// syslog priorities as sd-daemon.h defines them: 2 critical … 7 debug.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .critical: 2
        case .error: 3
        case .warning: 4
        case .notice: 5
        case .info: 6
        case .debug, .trace: 7
        }
    }

    /// Sends one entry. The corresponding C function is `sd_journal_sendv`, which takes values
    /// with newlines as they are. - Returns: false when journald did not take it.
    static func send(_ fields: [String]) -> Bool {
        var buffer: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(fields.count)
        for field in fields {
            let start = buffer.count
            buffer.append(contentsOf: field.utf8)
            ranges.append(start..<buffer.count)
        }
        return buffer.withUnsafeMutableBytes { raw -> Bool in
            var vectors = ranges.map { iovec(iov_base: raw.baseAddress! + $0.lowerBound, iov_len: $0.count) }
            return sd_journal_sendv(&vectors, Int32(vectors.count)) >= 0
        }
    }
}
