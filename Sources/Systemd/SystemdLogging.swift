import Foundation
import Logging
import SystemSupport

/// Chooses the log handler for a process: native journal entries when systemd connected our
/// stderr to the journal, readable lines on stderr otherwise (a terminal, a pipe, a test).
public enum SystemdLogging {
    /// True when stderr is the journal stream systemd connected: JOURNAL_STREAM holds the
    /// "device:inode" of that stream (systemd.exec(5), "Environment variables in spawned
    /// processes"), and stderr's fstat must match it. A child whose stderr was redirected
    /// elsewhere inherits the variable but not the stream, so the variable alone is not enough.
    public static var stderrIsJournal: Bool {
        guard let stream = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        guard let (device, inode) = Syscall.fileIdentity(STDERR_FILENO) else { return false }
        return journalStream(stream, matchesDevice: device, inode: inode)
    }

    /// Whether a JOURNAL_STREAM value ("8:12345") names the file with `device` and `inode`.
    static func journalStream(_ value: String, matchesDevice device: UInt64, inode: UInt64) -> Bool {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let d = UInt64(parts[0]), let i = UInt64(parts[1]) else { return false }
        return d == device && i == inode
    }

    /// The handler for `label`: `JournaldLogHandler` when stderr is the journal,
    /// `StderrLogHandler` otherwise. Pass it to `LoggingSystem.bootstrap`.
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

    /// A metadata value as it may be logged: the value of any key that mentions a password is
    /// replaced, whatever a caller passes, so a secret never reaches the journal or a terminal.
    static func redacted(_ key: String, _ value: Logger.MetadataValue) -> String {
        key.lowercased().contains("password") ? "<redacted>" : "\(value)"
    }

    /// The handler's metadata, then the provider's, then the event's (later ones win).
    /// An event's error, when there is one, becomes the `error` field unless the metadata
    /// already names one.
    static func merged(
        _ handler: Logger.Metadata,
        provider: Logger.MetadataProvider?,
        event: Logger.Metadata?,
        error: (any Error)? = nil
    ) -> Logger.Metadata {
        var metadata = handler
        if let provided = provider?.get(), !provided.isEmpty { metadata.merge(provided) { $1 } }
        if let event, !event.isEmpty { metadata.merge(event) { $1 } }
        if let error, metadata["error"] == nil { metadata["error"] = "\(error)" }
        return metadata
    }
}
