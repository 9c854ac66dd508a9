import Foundation
import TOMLKit

/// Turns a TOML document into a `Configuration`, collecting every error on the way.
struct ConfigurationParser {
    let file: String
    let baseDirectory: String
    private(set) var errors: [ConfigurationError] = []

    init(file: String, baseDirectory: String) {
        self.file = file
        self.baseDirectory = baseDirectory
    }

    private mutating func fail(_ code: ConfigurationError.Code, key: String?, _ message: String, dataset: String? = nil)
    {
        errors.append(ConfigurationError(code: code, file: file, key: key, dataset: dataset, message: message))
    }

    mutating func parse(_ toml: String) -> Configuration? {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: toml)
        } catch let error as TOMLParseError {
            errors.append(
                ConfigurationError(
                    code: .syntax,
                    file: file,
                    key: nil,
                    message: "not valid TOML: \(error.description)",
                    line: error.source.begin.line,
                    column: error.source.begin.column
                )
            )
            return nil
        } catch {
            fail(.syntax, key: nil, "not valid TOML: \(error)")
            return nil
        }

        var top = TableReader(
            table: root,
            file: file,
            prefix: "",
            dataset: nil,
            knownKeys: ConfigurationKeys.topLevel,
            baseDirectory: baseDirectory
        )
        top.finish()
        errors += top.errors

        let source = section(root, "source").flatMap { parseSource($0) }
        let publish = section(root, "publish").flatMap { parsePublish($0) }
        let datasets = parseDatasets(root, source: source, publish: publish)
        let targets = TargetsParser(file: file, baseDirectory: baseDirectory)
            .parse(root, published: datasets.map { Configuration.publishedNames(datasets: $0) })
        errors += targets.errors
        guard let source, let publish, let datasets, errors.isEmpty else { return nil }
        return Configuration(file: file, source: source, publish: publish, datasets: datasets, targets: targets.targets)
    }

    private mutating func section(_ root: TOMLTable, _ name: String) -> TOMLTable? {
        guard let value = root[name] else {
            fail(.missingKey, key: name, "missing: add a [\(name)] table")
            return nil
        }
        guard let table = value.table else {
            fail(.wrongType, key: name, "expected a [\(name)] table, found \(TableReader.show(value))")
            return nil
        }
        return table
    }

    // MARK: [source]

    private mutating func parseSource(_ table: TOMLTable) -> SourceConfiguration? {
        var r = TableReader(
            table: table,
            file: file,
            prefix: "source",
            dataset: nil,
            knownKeys: ConfigurationKeys.source,
            baseDirectory: baseDirectory
        )
        defer { errors += r.errors }

        let host = r.string("host")
        let socket = r.path("socket")
        let port = r.integer("port", in: 1...65535)
        var endpoint = SourceConfiguration.Endpoint.tcp(
            host: SourceConfiguration.defaultHost,
            port: SourceConfiguration.defaultPort
        )
        if r.has("host") && r.has("socket") {
            r.report(.conflict, "socket", "set either host (TCP) or socket, not both")
        } else if r.has("socket") && r.has("port") {
            r.report(.conflict, "port", "port applies to TCP; remove it or use host instead of socket")
        } else if let socket {
            endpoint = .socket(path: socket)
        } else {
            endpoint = .tcp(
                host: host ?? SourceConfiguration.defaultHost,
                port: port ?? SourceConfiguration.defaultPort
            )
        }

        let user = r.string("user", required: true)
        let passwordFile = r.path("password_file")
        let optionFile = r.path("option_file")
        let database = r.identifier("database")

        let mode = r.choice("ssl_mode", TLSConfiguration.Mode.self) ?? .preferred
        let tls = TLSConfiguration(mode: mode, ca: r.path("ssl_ca"), cert: r.path("ssl_cert"), key: r.path("ssl_key"))
        if r.has("ssl_cert") != r.has("ssl_key") {
            r.report(
                .conflict,
                r.has("ssl_cert") ? "ssl_key" : "ssl_cert",
                "ssl_cert and ssl_key go together: set both or neither"
            )
        }
        if mode == .disabled, let tlsKey = ["ssl_ca", "ssl_cert", "ssl_key"].first(where: { r.has($0) }) {
            r.report(
                .conflict,
                tlsKey,
                "ssl_mode is \"disabled\", so \(tlsKey) would be ignored; remove it or change ssl_mode"
            )
        }

        let connectTimeout = r.duration(
            "connect_timeout",
            minimum: .seconds(1),
            default: SourceConfiguration.defaultConnectTimeout
        )
        let readTimeout = r.duration(
            "read_timeout",
            minimum: .seconds(1),
            default: SourceConfiguration.defaultReadTimeout
        )
        r.finish()

        guard let user, let connectTimeout, let readTimeout else { return nil }
        return SourceConfiguration(
            endpoint: endpoint,
            user: user,
            passwordFile: passwordFile,
            optionFile: optionFile,
            database: database,
            tls: tls,
            connectTimeout: connectTimeout,
            readTimeout: readTimeout
        )
    }

    // MARK: [publish]

    private mutating func parsePublish(_ table: TOMLTable) -> PublishConfiguration? {
        var r = TableReader(
            table: table,
            file: file,
            prefix: "publish",
            dataset: nil,
            knownKeys: ConfigurationKeys.publish,
            baseDirectory: baseDirectory
        )
        defer { errors += r.errors }

        let directory = r.path("directory", required: true)
        let stateDirectory = r.path("state_directory", required: true)
        if let directory, let stateDirectory,
            stateDirectory == directory || stateDirectory.hasPrefix(directory == "/" ? "/" : directory + "/")
        {
            r.report(
                .conflict,
                "state_directory",
                "\"\(stateDirectory)\" is inside the public directory \"\(directory)\"; keep state private"
            )
        }
        let keep = r.duration("keep_versions_for", default: PublishConfiguration.defaultKeepVersionsFor)
        let level =
            r.integer("compression_level", in: PublishConfiguration.compressionLevels)
            ?? PublishConfiguration.defaultCompressionLevel
        let metricsFile = r.path("metrics_file")
        let maxConcurrent = r.integer("max_concurrent_refreshes", in: 1...Int.max) ?? 1
        let encodingPriority = r.choice("encoding_priority", EncodingPriority.self) ?? .idle
        r.finish()

        guard let directory, let stateDirectory, let keep else { return nil }
        return PublishConfiguration(
            directory: directory,
            stateDirectory: stateDirectory,
            keepVersionsFor: keep,
            compressionLevel: level,
            metricsFile: metricsFile,
            maxConcurrentRefreshes: maxConcurrent,
            encodingPriority: encodingPriority
        )
    }

    // MARK: [[dataset]]

    private mutating func parseDatasets(
        _ root: TOMLTable,
        source: SourceConfiguration?,
        publish: PublishConfiguration?
    ) -> [DatasetConfiguration]? {
        guard let value = root["dataset"] else {
            fail(.missingKey, key: "dataset", "no [[dataset]] tables: nothing to publish")
            return nil
        }
        guard let array = value.array else {
            let hint =
                value.type == .table
                ? "write [[dataset]] (an array of tables), not [dataset]"
                : "expected [[dataset]] tables, found \(TableReader.show(value))"
            fail(.wrongType, key: "dataset", hint)
            return nil
        }
        var datasets: [DatasetConfiguration] = []
        var firstPosition: [String: Int] = [:]
        var failed = false
        for (offset, element) in array.enumerated() {
            let position = offset + 1
            guard let table = element.table else {
                fail(
                    .wrongType,
                    key: "dataset[#\(position)]",
                    "expected a [[dataset]] table, found \(TableReader.show(element))"
                )
                failed = true
                continue
            }
            let dataset = parseDataset(table, position: position, source: source, publish: publish)
            if let name = dataset.name {
                if let first = firstPosition[name] {
                    fail(
                        .duplicate,
                        key: "dataset[\(name)].name",
                        "dataset #\(position) has the same name as dataset #\(first)",
                        dataset: name
                    )
                } else {
                    firstPosition[name] = position
                }
            }
            if let configuration = dataset.configuration {
                datasets.append(configuration)
            } else {
                failed = true
            }
        }
        if array.isEmpty { fail(.missingKey, key: "dataset", "no [[dataset]] tables: nothing to publish") }
        return failed ? nil : datasets
    }

    private static let namePattern = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")

    private mutating func parseDataset(
        _ table: TOMLTable,
        position: Int,
        source: SourceConfiguration?,
        publish: PublishConfiguration?
    ) -> (name: String?, configuration: DatasetConfiguration?) {
        var r = TableReader(
            table: table,
            file: file,
            prefix: "dataset[#\(position)]",
            dataset: "#\(position)",
            knownKeys: ConfigurationKeys.dataset,
            baseDirectory: baseDirectory
        )
        defer { errors += r.errors }

        // The name first: every later error names the dataset by it.
        var name = r.string("name", required: true)
        if let candidate = name {
            if !candidate.allSatisfy({ Self.namePattern.contains($0) }) || candidate.count > 128 {
                r.report(
                    .invalidValue,
                    "name",
                    "\"\(candidate)\" is not a safe directory name: use letters, digits, _ and - only"
                )
                name = nil
            } else {
                r.prefix = "dataset[\(candidate)]"
                r.dataset = candidate
            }
        }

        // Where the rows come from: table XOR query.
        var datasetSource: DatasetSource?
        switch (r.has("table"), r.has("query")) {
        case (true, true):
            r.report(.conflict, "query", "set either table or query, not both")
        case (false, false):
            r.report(.missingKey, "table", "missing: set table (\"orders\" or \"otherdb.orders\") or query")
        case (true, false):
            if let text = r.string("table") {
                datasetSource = parseTableName(
                    text,
                    reader: &r,
                    defaultSchema: source?.database,
                    sourceParsed: source != nil
                )
            }
        case (false, true):
            if let sql = r.string("query") {
                let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.lowercased().hasPrefix("select") && !trimmed.hasPrefix("(") {
                    r.report(.invalidValue, "query", "must be a single SELECT statement")
                } else if trimmed.hasSuffix(";") {
                    r.report(.invalidValue, "query", "remove the trailing \";\": the query is used as a derived table")
                } else {
                    datasetSource = .query(trimmed)
                }
            }
        }

        let columns = r.stringList("columns")
        if columns != nil, r.has("query") {
            r.report(.conflict, "columns", "columns projects a table; with query, list the columns in the SELECT")
        }
        let primaryKey = r.stringList("primary_key", required: true, allowSingle: true)
        for (key, list) in [("columns", columns), ("primary_key", primaryKey)] {
            for column in list ?? [] {
                if let problem = TableReader.identifierProblem(column) {
                    r.report(.invalidValue, key, "column \"\(column)\" \(problem)")
                }
            }
        }
        let updatedAt = r.identifier("updated_at")
        let partitionBy = r.identifier("partition_by")
        let deletedColumn = r.identifier("deleted_column")

        if let columns {
            var needed: [(String, String)] = (primaryKey ?? []).map { ("primary key column", $0) }
            if let updatedAt { needed.append(("updated_at column", updatedAt)) }
            if let partitionBy { needed.append(("partition_by column", partitionBy)) }
            if let deletedColumn { needed.append(("deleted_column", deletedColumn)) }
            for (role, column) in needed where !columns.contains(column) {
                r.report(.invalidValue, "columns", "must include the \(role) \"\(column)\"")
            }
        }

        // Partitioning and row groups.
        let partitionGranularity =
            r.choice("partition_granularity", PartitionGranularity.self) ?? (partitionBy == nil ? .none : .month)
        let rowGroupChoice = r.choice("row_group_granularity", RowGroupGranularity.self)
        var rowGroupGranularity: RowGroupGranularity? = partitionBy == nil ? nil : (rowGroupChoice ?? .day)
        if partitionBy == nil {
            if r.has("partition_granularity"), partitionGranularity != .none {
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
                    "needs partition_by (a DATE, DATETIME or TIMESTAMP column); without it row groups are cut by max_rows_per_row_group"
                )
                rowGroupGranularity = nil
            }
        } else if let rows = rowGroupGranularity, rows.rank > partitionGranularity.rank {
            r.report(
                .conflict,
                "row_group_granularity",
                "\"\(rows.rawValue)\" row groups do not fit in \"\(partitionGranularity.rawValue)\" partitions: use row groups as fine as the partitions or finer"
            )
        }

        let every = r.duration("every", required: true, minimum: .milliseconds(1))
        let lookback = r.duration("lookback", default: DatasetConfiguration.defaultLookback)
        let maxRows =
            r.integer("max_rows_per_row_group", in: 1...Int.max) ?? DatasetConfiguration.defaultMaxRowsPerRowGroup
        let reconcileEvery = r.duration(
            "reconcile_every",
            minimum: .milliseconds(1),
            default: DatasetConfiguration.defaultReconcileEvery
        )
        let compression =
            r.integer("compression_level", in: PublishConfiguration.compressionLevels)
            ?? publish?.compressionLevel ?? PublishConfiguration.defaultCompressionLevel
        let refreshTimeout = r.duration(
            "refresh_timeout",
            minimum: .milliseconds(1),
            default: DatasetConfiguration.defaultRefreshTimeout
        )
        let chunkRows = r.integer("chunk_rows", in: 1...Int.max) ?? DatasetConfiguration.defaultChunkRows
        r.finish()

        guard r.errors.isEmpty, let name, let datasetSource, let primaryKey, let every, let lookback,
            let reconcileEvery, let refreshTimeout
        else { return (name, nil) }
        return (
            name,
            DatasetConfiguration(
                name: name,
                source: datasetSource,
                columns: columns,
                primaryKey: primaryKey,
                updatedAt: updatedAt,
                partitionBy: partitionBy,
                partitionGranularity: partitionGranularity,
                rowGroupGranularity: rowGroupGranularity,
                every: every,
                lookback: lookback,
                maxRowsPerRowGroup: maxRows,
                reconcileEvery: reconcileEvery,
                deletedColumn: deletedColumn,
                compressionLevel: compression,
                refreshTimeout: refreshTimeout,
                chunkRows: chunkRows
            )
        )
    }

    /// "orders" or "otherdb.orders" (split at the first dot; names with dots need `query`).
    private func parseTableName(
        _ text: String,
        reader r: inout TableReader,
        defaultSchema: String?,
        sourceParsed: Bool
    ) -> DatasetSource? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let schema = parts.count == 2 ? parts[0] : nil
        let name = parts.count == 2 ? parts[1] : parts[0]
        for part in [schema, name].compactMap({ $0 }) {
            if let problem = TableReader.identifierProblem(part) {
                r.report(
                    .invalidValue,
                    "table",
                    "\"\(text)\": \"\(part)\" \(problem) (write \"table\" or \"schema.table\")"
                )
                return nil
            }
        }
        if schema == nil && defaultSchema == nil && sourceParsed {
            r.report(
                .invalidValue,
                "table",
                "\"\(text)\" names no schema and [source] has no database: write \"schema.\(text)\" or set source.database"
            )
            return nil
        }
        return .table(schema: schema, name: name)
    }
}
