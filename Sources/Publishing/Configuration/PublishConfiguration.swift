/// The `[publish]` table: where versions are published and state is kept, and how long old
/// versions stay for browsers still reading them.
public struct PublishConfiguration: Sendable, Equatable {
    /// Absolute path of the public directory (manifest.json, `<dataset>/current`, `<dataset>/v<N>`).
    public var directory = ""
    /// Absolute path of the private state directory (watermarks, version counters).
    public var stateDirectory = ""
    /// How long a version stays after it stopped being current.
    public var keepVersionsFor: Duration = .seconds(3600)
    /// Default ZSTD level for every dataset (1-22).
    public var compressionLevel = 3
    /// Absolute path of a Prometheus textfile-collector file the daemon rewrites; nil: none.
    public var metricsFile: String?
    /// How many datasets may refresh at once (the source is often fragile: default 1).
    public var maxConcurrentRefreshes = 1
    /// The CPU priority of the thread that encodes a snapshot's rows.
    public var encodingPriority = EncodingPriority.idle

    public init(directory: String, stateDirectory: String) {
        self.directory = directory
        self.stateDirectory = stateDirectory
    }

    init() {}

    /// ZSTD's levels.
    public static let compressionLevels = 1...22
}

extension PublishConfiguration: ConfigurationSection {
    static var keys: [ConfigurationKey<Self>] {
        [
            .key("directory", \.directory, .path, required: true),
            .key("state_directory", \.stateDirectory, .path, required: true),
            .key("keep_versions_for", \.keepVersionsFor, .duration()),
            .key("compression_level", \.compressionLevel, .integer(in: compressionLevels)),
            .key("metrics_file", \.metricsFile, .path),
            .key("max_concurrent_refreshes", \.maxConcurrentRefreshes, .integer(in: 1...Int.max)),
            .key("encoding_priority", \.encodingPriority, .choice),
        ]
    }

    mutating func check(_ r: inout SectionReader) {
        // Both are absolute once read; empty when missing or invalid (reported already).
        guard !directory.isEmpty, !stateDirectory.isEmpty else { return }
        if stateDirectory == directory || stateDirectory.hasPrefix(directory == "/" ? "/" : directory + "/") {
            r.report(
                .conflict,
                "state_directory",
                "\"\(stateDirectory)\" is inside the public directory \"\(directory)\"; keep state private"
            )
        }
    }
}

/// `encoding_priority`: how a snapshot's encoding thread yields to its fetching thread.
///
/// The fetching thread paces the server: while it waits for a core, the server stops
/// sending, and a snapshot is never faster than the server sends. Encoding has slack (a few
/// batches wait in between) and can take the CPU time the fetch leaves.
public enum EncodingPriority: String, Sendable, Equatable, CaseIterable {
    /// Linux SCHED_IDLE: encoding runs only on CPU time nothing else wants. The fastest
    /// snapshot; on a machine saturated by other work, snapshots slow down instead of it.
    case idle
    /// nice +10: a smaller share of the CPU than the fetch when both want it.
    case low
    /// The priority of the rest of the daemon.
    case normal
}
