import Foundation

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
    /// Month with `partitionBy`, else none (set by `check` when the key is absent).
    public var partitionGranularity = PartitionGranularity.none
    /// One row group per day or month of `partitionBy`; nil when there is no `partitionBy`.
    public var rowGroupGranularity: RowGroupGranularity?
    /// How often the daemon refreshes (`refresh` ignores it).
    public var every: Duration = .seconds(300)
    /// How far behind the watermark each delta reaches, for transactions that commit late.
    public var lookback: Duration = .seconds(48 * 3600)
    /// Safety cap: a row group is split when it would hold more rows than this.
    public var maxRowsPerRowGroup = 1_000_000
    /// How often to compare checksums with the source and repair what differs.
    public var reconcileEvery: Duration = .seconds(24 * 3600)
    /// A flag or timestamp column: rows where it is non-NULL and non-zero are soft-deleted and not published.
    public var deletedColumn: String?
    /// The ZSTD level for this dataset's files (`compression_level`, else `publish.compression_level`).
    public var compressionLevel = PublishConfiguration().compressionLevel
    /// How long one refresh of this dataset may take before it is reported overdue.
    public var refreshTimeout: Duration = .seconds(30 * 60)
    /// Rows per keyset statement (`WHERE key > ? ORDER BY key LIMIT n`): each statement stays
    /// short on a fragile server, and a failed snapshot resumes from the last chunk it read.
    public var chunkRows = 250_000

    /// A dataset with every optional key at its default.
    public init(name: String, source: DatasetSource, primaryKey: [String]) {
        self.name = name
        self.source = source
        self.primaryKey = primaryKey
    }

    init() {
        self.init(name: "", source: .table(schema: nil, name: ""), primaryKey: [])
    }
}

extension DatasetConfiguration: ConfigurationSection {
    static var keys: [ConfigurationKey<Self>] {
        [
            // The name first: every later error names the dataset by it.
            .name("name", \.name),
            // Where the rows come from: table XOR query, both read with table.
            ConfigurationKey("table") { reader, dataset in dataset.readSource(&reader) },
            ConfigurationKey("query"),
            .key("columns", \.columns, .columns()),
            .key("primary_key", \.primaryKey, .columns(allowSingle: true), required: true),
            .key("updated_at", \.updatedAt, .identifier),
            .key("partition_by", \.partitionBy, .identifier),
            .key("partition_granularity", \.partitionGranularity, .choice),
            .key("row_group_granularity", \.rowGroupGranularity, .choice),
            .key("every", \.every, .positiveDuration),
            .key("lookback", \.lookback, .duration()),
            .key("max_rows_per_row_group", \.maxRowsPerRowGroup, .integer(in: 1...Int.max)),
            .key("reconcile_every", \.reconcileEvery, .positiveDuration),
            .key("deleted_column", \.deletedColumn, .identifier),
            .key("compression_level", \.compressionLevel, .integer(in: PublishConfiguration.compressionLevels)),
            .key("refresh_timeout", \.refreshTimeout, .positiveDuration),
            .key("chunk_rows", \.chunkRows, .integer(in: 1...Int.max)),
        ]
    }

    /// `table` ("orders" or "otherdb.orders", split at the first dot; names with dots need
    /// `query`) or `query` (a single SELECT, used as a derived table).
    private mutating func readSource(_ r: inout SectionReader) {
        switch (r.has("table"), r.has("query")) {
        case (true, true):
            r.report(.conflict, "query", "set either table or query, not both")
        case (false, false):
            r.report(.missingKey, "table", "missing: set table (\"orders\" or \"otherdb.orders\") or query")
        case (true, false):
            guard let text = r.read("table", .string) else { return }
            let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let schema = parts.count == 2 ? parts[0] : nil
            let name = parts.count == 2 ? parts[1] : parts[0]
            for part in [schema, name].compactMap({ $0 }) {
                if let problem = ConfigurationValue.identifierProblem(part) {
                    let message = "\"\(text)\": \"\(part)\" \(problem) (write \"table\" or \"schema.table\")"
                    return r.report(.invalidValue, "table", message)
                }
            }
            if schema == nil, let source = r.context.section("source", as: SourceConfiguration.self),
                source.database == nil
            {
                let message =
                    "\"\(text)\" names no schema and [source] has no database: "
                    + "write \"schema.\(text)\" or set source.database"
                return r.report(.invalidValue, "table", message)
            }
            source = .table(schema: schema, name: name)
        case (false, true):
            guard let sql = r.read("query", .string) else { return }
            let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.lowercased().hasPrefix("select") && !trimmed.hasPrefix("(") {
                r.report(.invalidValue, "query", "must be a single SELECT statement")
            } else if trimmed.hasSuffix(";") {
                r.report(.invalidValue, "query", "remove the trailing \";\": the query is used as a derived table")
            } else {
                source = .query(trimmed)
            }
        }
    }

    mutating func check(_ r: inout SectionReader) {
        if columns != nil, r.has("query") {
            r.report(.conflict, "columns", "columns projects a table; with query, list the columns in the SELECT")
        }
        if let columns {
            var needed: [(String, String)] = primaryKey.map { ("primary key column", $0) }
            if let updatedAt { needed.append(("updated_at column", updatedAt)) }
            if let partitionBy { needed.append(("partition_by column", partitionBy)) }
            if let deletedColumn { needed.append(("deleted_column", deletedColumn)) }
            for (role, column) in needed where !columns.contains(column) {
                r.report(.invalidValue, "columns", "must include the \(role) \"\(column)\"")
            }
        }
        checkGranularities(&r)
        if !r.has("compression_level") {
            compressionLevel =
                r.context.section("publish", as: PublishConfiguration.self)?.compressionLevel
                ?? PublishConfiguration().compressionLevel
        }
    }

    /// Partitions and row groups are cut by `partition_by`: without it there are neither
    /// (one file, row groups by `max_rows_per_row_group`); with it, month partitions of daily
    /// row groups unless set, and row groups as fine as the partitions or finer.
    private mutating func checkGranularities(_ r: inout SectionReader) {
        guard partitionBy != nil else {
            if partitionGranularity != .none {
                r.report(
                    .conflict,
                    "partition_granularity",
                    "\"\(partitionGranularity.rawValue)\" needs partition_by (a DATE, DATETIME or TIMESTAMP column)"
                )
            }
            if r.has("row_group_granularity") {
                r.report(
                    .conflict,
                    "row_group_granularity",
                    "needs partition_by (a DATE, DATETIME or TIMESTAMP column); "
                        + "without it row groups are cut by max_rows_per_row_group"
                )
                rowGroupGranularity = nil
            }
            return
        }
        if !r.has("partition_granularity") { partitionGranularity = .month }
        let rows = rowGroupGranularity ?? .day
        rowGroupGranularity = rows
        if rows.rank > partitionGranularity.rank {
            r.report(
                .conflict,
                "row_group_granularity",
                "\"\(rows.rawValue)\" row groups do not fit in \"\(partitionGranularity.rawValue)\" partitions: "
                    + "use row groups as fine as the partitions or finer"
            )
        }
    }
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
