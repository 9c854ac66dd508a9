/// A phase of a target that did not succeed, or a target that could not be worked on: the
/// target's name first, then what it was doing, then why, the way an operator reads it in
/// `journalctl` or status.json: `target "cdn": upload of orders/v125 failed: /usr/bin/rclone
/// exited with status 1: … Failed to copy: … connection refused`.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The program does not exist or is not executable.
        public static let commandNotFound = Code("commandNotFound")
        /// It could not be started (fork/exec failed).
        public static let commandNotStarted = Code("commandNotStarted")
        /// It ran and exited non-zero, or was killed by a signal.
        public static let commandFailed = Code("commandFailed")
        /// It ran past `timeout`; its process group was killed.
        public static let timedOut = Code("timedOut")
        /// The daemon stopped while it ran; its process group was killed.
        public static let cancelled = Code("cancelled")
        /// The local version could not be read (its index.json), or the publish directory not listed.
        public static let localVersion = Code("localVersion")
        /// The target's state file cannot be read or written.
        public static let state = Code("state")
        /// Another process (the daemon, or a `refresh`) is delivering to this target now.
        public static let busy = Code("busy")
    }

    public var code: Code
    public var target: String
    public var phase: DeliveryPhase?
    public var dataset: String?
    /// "orders/v125".
    public var versionPath: String?
    /// What happened, secrets redacted.
    public var message: String

    public init(
        code: Code,
        target: String,
        phase: DeliveryPhase? = nil,
        dataset: String? = nil,
        versionPath: String? = nil,
        message: String
    ) {
        self.code = code
        self.target = target
        self.phase = phase
        self.dataset = dataset
        self.versionPath = versionPath
        self.message = message
    }

    /// What a public file (status.json) may say of it: the target, the phase and version, the
    /// kind of failure; never the command's path, its output, a host or a path. The journal and
    /// the target's private state file have `description`.
    public var publicMessage: String {
        var text = "target \"\(target)\": "
        if let phase {
            text += "\(phase.rawValue) of \(versionPath ?? dataset ?? "?") failed: "
        } else if let dataset {
            text += "dataset \"\(dataset)\": "
        }
        switch code {
        case .commandNotFound: return text + "the command was not found"
        case .commandNotStarted: return text + "the command could not be started"
        case .commandFailed: return text + "the command failed"
        case .timedOut: return text + "the command ran past its timeout"
        case .cancelled: return text + "stopped because the daemon stopped"
        case .localVersion: return text + "the published version could not be read"
        case .state: return text + "the target's state cannot be used"
        default: return text + "the journal has the details"
        }
    }

    /// For a failure recorded without its short form.
    public static let unknownPublicMessage = "the last delivery failed; the journal has the details"

    public var description: String {
        var text = "target \"\(target)\": "
        if let phase {
            text += "\(phase.rawValue) of \(versionPath ?? dataset ?? "?") failed: "
        } else if let dataset {
            text += "dataset \"\(dataset)\": "
        }
        return text + message
    }
}
