/// Where a refresh stands, for progress lines on stderr and the daemon's STATUS.
public struct RefreshProgress: Sendable {
    public enum Phase: String, Sendable {
        case connecting, describing, fetching, merging, writing, publishing, reconciling, done
    }

    public var dataset: String
    public var phase: Phase
    public var rows: Int
    public var seconds: Double

    public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
}

/// What one refresh did.
public struct RefreshResult: Sendable {
    public var dataset: String
    /// The version published; nil when nothing changed and no version was made.
    public var version: Int?
    public var rows: Int
    public var rowsFetched: Int
    public var files: Int
    public var filesRewritten: Int
    public var bytesWritten: Int
    public var totalBytes: Int
    public var seconds: Double
    public var full: Bool
    public var warnings: [String]
    /// What the rollups computed from this dataset did in the same cycle.
    public var derived: [DerivedResult] = []
}
