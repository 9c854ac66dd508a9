import CSystemd
import Foundation
import Logging

/// swift-log handlers for a service: native journald entries with structured fields under
/// systemd, readable lines on stderr otherwise.
public enum SystemdLogging {
    /// True when stderr is the journal stream systemd connected (JOURNAL_STREAM names its
    /// device and inode), so entries can go to the journal natively.
    public static var stderrIsJournal: Bool {
        guard let stream = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// The handler for `label`: journald when stderr is the journal, stderr lines otherwise.
    public static func makeHandler(label: String, level: Logger.Level = .info) -> any LogHandler {
        if stderrIsJournal {
            var handler = JournaldLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        var handler = StderrLogHandler(label: label)
        handler.logLevel = level
        return handler
    }

    /// Metadata keys whose values never reach a log, whatever a caller passes.
    static func redacted(_ key: String, _ value: String) -> String {
        key.lowercased().contains("password") ? "<redacted>" : value
    }
}

/// Entries sent with sd_journal_sendv (the variadic sd_journal_send does not import into
/// Swift): MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, CODE_*, and every metadata key upper-cased
/// into a journal field (dataset → DATASET, duration_ms → DURATION_MS).
public struct JournaldLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let fields = Self.fields(
            level: event.level, message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 },
            file: event.file, function: event.function, line: event.line)
        Self.send(fields)
    }

    /// The journal fields of one entry, "NAME=value" each.
    static func fields(
        level: Logger.Level, message: String, metadata: Logger.Metadata, file: String, function: String, line: UInt
    ) -> [String] {
        var fields = [
            "MESSAGE=\(message)",
            "PRIORITY=\(priority(level))",
            "SYSLOG_IDENTIFIER=parquet-publisher",
            "CODE_FILE=\(file)",
            "CODE_LINE=\(line)",
            "CODE_FUNC=\(function)",
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard let name = fieldName(key) else { continue }
            fields.append("\(name)=\(SystemdLogging.redacted(key, "\(value)"))")
        }
        return fields
    }

    /// A valid journal field name: A-Z, 0-9 and _, not starting with _ or a digit.
    static func fieldName(_ key: String) -> String? {
        var name = String(key.uppercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "_" })
        while name.first == "_" || name.first?.isNumber == true { name.removeFirst() }
        let reserved = ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC"]
        guard !name.isEmpty, !reserved.contains(name) else { return nil }
        return String(name.prefix(64))
    }

    /// syslog priorities (sd-daemon.h): 2 critical … 7 debug.
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

    private static func send(_ fields: [String]) {
        var buffers = fields.map { Array($0.utf8) }
        var vectors: [iovec] = []
        vectors.reserveCapacity(buffers.count)
        for i in buffers.indices {
            buffers[i].withUnsafeMutableBytes { raw in
                vectors.append(iovec(iov_base: raw.baseAddress, iov_len: raw.count))
            }
        }
        // The buffers outlive the call: `buffers` is not mutated after the pointers are taken.
        withExtendedLifetime(buffers) {
            _ = sd_journal_sendv(&vectors, Int32(vectors.count))
        }
    }
}

/// Readable lines on stderr: `2026-11-25T01:02:03.456Z info orders: published v12 rows=5000000`.
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let text = Self.line(
            date: Date(), level: event.level, message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 })
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func line(date: Date, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var text = timestamp(date) + " " + level.rawValue
        if case .string(let dataset)? = metadata["dataset"] ?? nil { text += " " + dataset + ":" } else if let dataset = metadata["dataset"] {
            text += " \(dataset):"
        }
        text += " " + message
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where key != "dataset" {
            var v = SystemdLogging.redacted(key, "\(value)")
            if v.contains(" ") || v.contains("\"") || v.isEmpty { v = "\"" + v.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            text += " \(key)=\(v)"
        }
        return text
    }

    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds % 1000), 3))Z"
    }
}
