import Foundation
import Parquet

/// A published (or about to be published) version of a dataset, as the datasets derived from
/// it (rollups) see it. Derived datasets live in modules above Publishing; the refresher hands
/// them this and publishes what they stage in the same manifest update as the base.
public struct BaseVersion: Sendable {
    public var dataset: DatasetConfiguration
    public var version: Int
    /// Where the version's files are: its staging directory before the commit, `v<N>` after.
    public var directory: String
    public var index: DatasetIndex
    /// The Parquet schema of its files.
    public var schema: ParquetSchema
    /// The version it replaces and that version's folder and index; nil on the first publish.
    public var previous: (version: Int, directory: String, index: DatasetIndex)?
    /// Partitions whose file is the previous version's (hard links); nil when every file was
    /// written anew (a full snapshot). A derived dataset recomputes what the others cover.
    public var unchangedPartitions: Set<String>?
    /// False when the refresh published no version (nothing changed): the derived datasets
    /// only catch up (a new rollup, a changed definition) with `version`, the current one.
    public var isNew: Bool

    public init(
        dataset: DatasetConfiguration,
        version: Int,
        directory: String,
        index: DatasetIndex,
        schema: ParquetSchema,
        previous: (version: Int, directory: String, index: DatasetIndex)?,
        unchangedPartitions: Set<String>?,
        isNew: Bool
    ) {
        self.dataset = dataset
        self.version = version
        self.directory = directory
        self.index = index
        self.schema = schema
        self.previous = previous
        self.unchangedPartitions = unchangedPartitions
        self.isNew = isNew
    }
}

/// Datasets computed from another dataset's published files (rollups). The refresher calls
/// `stage` once per cycle, before the base's commit (or, when the base did not change, after
/// the cycle), then commits what was staged and names base and derived versions in one
/// manifest.json update, so a reader never sees a derived version computed from another base.
public protocol DerivedDatasets: Sendable {
    /// Builds the derived versions this base version calls for, invisible until committed.
    /// Throwing fails the refresh: the base is not published either.
    func stage(for base: BaseVersion) throws -> [any StagedDerivedVersion]
}

/// One derived version, staged.
public protocol StagedDerivedVersion: AnyObject, Sendable {
    var name: String { get }
    /// Makes the version current and records it; returns its manifest entry.
    func commit(now: Date) throws -> Manifest.Entry
    /// Abandons it (the base's publish failed).
    func discard()
    /// What was done, for logs and `refresh --json`.
    var result: DerivedResult { get }
}

/// What one derived dataset did in a cycle.
public struct DerivedResult: Sendable {
    public var name: String
    public var version: Int
    public var sourceVersion: Int
    public var rows: Int
    public var files: Int
    public var filesRewritten: Int
    public var bytesWritten: Int
    public var seconds: Double
    public var full: Bool
    /// Why it was rebuilt in full, or nil.
    public var reason: String?

    public init(
        name: String,
        version: Int,
        sourceVersion: Int,
        rows: Int,
        files: Int,
        filesRewritten: Int,
        bytesWritten: Int,
        seconds: Double,
        full: Bool,
        reason: String?
    ) {
        self.name = name
        self.version = version
        self.sourceVersion = sourceVersion
        self.rows = rows
        self.files = files
        self.filesRewritten = filesRewritten
        self.bytesWritten = bytesWritten
        self.seconds = seconds
        self.full = full
        self.reason = reason
    }
}
