/// One `[[dataset]]`: a table or query published as its own directory of versions.
public struct DatasetConfiguration: Sendable, Equatable {
    /// The directory name under `publish.directory`, the state file name, and the name in logs.
    public var name: String
    public var source: DatasetSource
    /// The columns to publish, in order (a projection of `table`); nil: every column.
    public var columns: [String]?
    /// One or more columns that identify a row; merges and keyset chunks go by them.
    public var primaryKey: [String]
    /// The column whose value moves forward when a row changes; nil: every refresh is a full snapshot.
    public var updatedAt: String?
    /// A DATE/DATETIME/TIMESTAMP column that splits the files and cuts row groups; nil: one `all.parquet`.
    public var partitionBy: String?
    public var partitionGranularity: PartitionGranularity
    /// One row group per day or month of `partitionBy`; nil when there is no `partitionBy`.
    public var rowGroupGranularity: RowGroupGranularity?
    /// How often to refresh.
    public var every: Duration
    /// How far behind the watermark each delta reaches, for transactions that commit late.
    public var lookback: Duration
    /// Safety cap: a row group is split when it would hold more rows than this.
    public var maxRowsPerRowGroup: Int
    /// How often to compare checksums with the source and repair what differs.
    public var reconcileEvery: Duration
    /// A flag or timestamp column: rows where it is non-NULL and non-zero are soft-deleted and not published.
    public var deletedColumn: String?
    /// The ZSTD level for this dataset's files (`compression_level`, else `publish.compression_level`).
    public var compressionLevel: Int
    /// How long one refresh of this dataset may take before it is abandoned.
    public var refreshTimeout: Duration
    /// Rows per keyset statement (`WHERE key > ? ORDER BY key LIMIT n`): each statement stays
    /// short on a fragile server, and a failed snapshot resumes from the last chunk it read.
    public var chunkRows: Int

    public init(
        name: String,
        source: DatasetSource,
        columns: [String]? = nil,
        primaryKey: [String],
        updatedAt: String? = nil,
        partitionBy: String? = nil,
        partitionGranularity: PartitionGranularity = .none,
        rowGroupGranularity: RowGroupGranularity? = nil,
        every: Duration,
        lookback: Duration = DatasetConfiguration.defaultLookback,
        maxRowsPerRowGroup: Int = DatasetConfiguration.defaultMaxRowsPerRowGroup,
        reconcileEvery: Duration = DatasetConfiguration.defaultReconcileEvery,
        deletedColumn: String? = nil,
        compressionLevel: Int = PublishConfiguration.defaultCompressionLevel,
        refreshTimeout: Duration = DatasetConfiguration.defaultRefreshTimeout,
        chunkRows: Int = DatasetConfiguration.defaultChunkRows
    ) {
        self.name = name
        self.source = source
        self.columns = columns
        self.primaryKey = primaryKey
        self.updatedAt = updatedAt
        self.partitionBy = partitionBy
        self.partitionGranularity = partitionGranularity
        self.rowGroupGranularity = rowGroupGranularity
        self.every = every
        self.lookback = lookback
        self.maxRowsPerRowGroup = maxRowsPerRowGroup
        self.reconcileEvery = reconcileEvery
        self.deletedColumn = deletedColumn
        self.compressionLevel = compressionLevel
        self.refreshTimeout = refreshTimeout
        self.chunkRows = chunkRows
    }

    public static let defaultLookback: Duration = .seconds(48 * 3600)
    public static let defaultMaxRowsPerRowGroup = 1_000_000
    public static let defaultReconcileEvery: Duration = .seconds(24 * 3600)
    public static let defaultRefreshTimeout: Duration = .seconds(30 * 60)
    public static let defaultChunkRows = 250_000
}

/// Where a dataset's rows come from.
public enum DatasetSource: Sendable, Equatable, CustomStringConvertible {
    /// `table = "orders"` (schema nil: `[source] database`) or `table = "otherdb.orders"`.
    case table(schema: String?, name: String)
    /// `query = "SELECT ..."`: a single SELECT, used as a derived table.
    case query(String)

    public var description: String {
        switch self {
        case .table(let schema, let name): return schema.map { "\($0).\(name)" } ?? name
        case .query(let sql): return "query \(sql)"
        }
    }
}

/// How rows are split into files by `partition_by`.
public enum PartitionGranularity: String, Sendable, Equatable, Codable, CaseIterable {
    case day, month, year, none

    /// Coarseness rank: day 0, month 1, year 2, none 3.
    var rank: Int {
        switch self {
        case .day: return 0
        case .month: return 1
        case .year: return 2
        case .none: return 3
        }
    }
}

/// How rows inside a file are cut into row groups by `partition_by`.
public enum RowGroupGranularity: String, Sendable, Equatable, Codable, CaseIterable {
    case day, month

    var rank: Int { self == .day ? 0 : 1 }
}
