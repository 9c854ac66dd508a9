/// The `[publish]` table: where versions are published and state is kept, and how long old
/// versions stay for browsers still reading them.
public struct PublishConfiguration: Sendable, Equatable {
    /// Absolute path of the public directory (manifest.json, `<dataset>/current`, `<dataset>/v<N>`).
    public var directory: String
    /// Absolute path of the private state directory (watermarks, version counters).
    public var stateDirectory: String
    /// How long a version stays after it stopped being current.
    public var keepVersionsFor: Duration
    /// Default ZSTD level for every dataset (1-22).
    public var compressionLevel: Int
    /// Absolute path of a Prometheus textfile-collector file the daemon rewrites; nil: none.
    public var metricsFile: String?
    /// How many datasets may refresh at once (the source is often fragile: default 1).
    public var maxConcurrentRefreshes: Int
    /// The CPU priority of the thread that encodes a snapshot's rows.
    public var encodingPriority: EncodingPriority

    public init(
        directory: String,
        stateDirectory: String,
        keepVersionsFor: Duration = PublishConfiguration.defaultKeepVersionsFor,
        compressionLevel: Int = PublishConfiguration.defaultCompressionLevel,
        metricsFile: String? = nil,
        maxConcurrentRefreshes: Int = 1,
        encodingPriority: EncodingPriority = .idle
    ) {
        self.directory = directory
        self.stateDirectory = stateDirectory
        self.keepVersionsFor = keepVersionsFor
        self.compressionLevel = compressionLevel
        self.metricsFile = metricsFile
        self.maxConcurrentRefreshes = maxConcurrentRefreshes
        self.encodingPriority = encodingPriority
    }

    public static let defaultKeepVersionsFor: Duration = .seconds(3600)
    public static let defaultCompressionLevel = 3
    /// ZSTD's levels.
    public static let compressionLevels = 1...22
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
