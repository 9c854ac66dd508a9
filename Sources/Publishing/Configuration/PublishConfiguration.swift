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

    public init(
        directory: String,
        stateDirectory: String,
        keepVersionsFor: Duration = PublishConfiguration.defaultKeepVersionsFor,
        compressionLevel: Int = PublishConfiguration.defaultCompressionLevel,
        metricsFile: String? = nil,
        maxConcurrentRefreshes: Int = 1
    ) {
        self.directory = directory
        self.stateDirectory = stateDirectory
        self.keepVersionsFor = keepVersionsFor
        self.compressionLevel = compressionLevel
        self.metricsFile = metricsFile
        self.maxConcurrentRefreshes = maxConcurrentRefreshes
    }

    public static let defaultKeepVersionsFor: Duration = .seconds(3600)
    public static let defaultCompressionLevel = 3
    /// ZSTD's levels.
    public static let compressionLevels = 1...22
}
