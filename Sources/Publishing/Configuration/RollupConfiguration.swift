import Foundation
import TOMLKit

/// One `[[rollup]]`: daily (or weekly, monthly) aggregates of a partitioned dataset, computed
/// from its published files and published beside it like a dataset. docs/rollups.md documents
/// every key; this file holds the definition and its parsing, apart from the datasets' parser.
public struct RollupConfiguration: Sendable, Equatable {
    /// Its folder under `publish.directory`, its state file's name and its name in logs.
    public var name: String
    /// The `[[dataset]]` (with `partition_by`) whose published files it is computed from.
    public var from: String
    /// The DATE/DATETIME/TIMESTAMP column buckets are taken from; nil: `from`'s `partition_by`.
    public var time: String?
    public var grain: RollupGrain
    /// Columns of `from` rows are grouped by within a bucket, in output order.
    public var groupBy: [String]
    /// Files of the rollup, by bucket: year (default), month or none.
    public var partitionGranularity: PartitionGranularity
    /// Keep only rows whose column holds one of the listed values (all conditions must hold).
    public var filters: [RollupFilter]
    /// Output columns after the group columns, in the order the file lists them.
    public var measures: [RollupMeasure]
    /// An IANA zone TIMESTAMP values are bucketed in; nil: UTC. DATE/DATETIME ignore it.
    public var timeZone: String?

    public init(
        name: String,
        from: String,
        time: String? = nil,
        grain: RollupGrain = .day,
        groupBy: [String] = [],
        partitionGranularity: PartitionGranularity = .year,
        filters: [RollupFilter] = [],
        measures: [RollupMeasure],
        timeZone: String? = nil
    ) {
        self.name = name
        self.from = from
        self.time = time
        self.grain = grain
        self.groupBy = groupBy
        self.partitionGranularity = partitionGranularity
        self.filters = filters
        self.measures = measures
        self.timeZone = timeZone
    }

    /// The bucket column's name: the grain's ("day", "week", "month").
    public var bucketColumn: String { grain.rawValue }
}

/// The width of a rollup's buckets.
public enum RollupGrain: String, Sendable, Equatable, Codable, CaseIterable {
    /// One bucket per calendar day.
    case day
    /// One bucket per ISO week, named by its Monday.
    case week
    /// One bucket per calendar month, named by its first day.
    case month
}

/// `[rollup.where] column = [values]`: a row is kept when its value is one of `values`.
public struct RollupFilter: Sendable, Equatable {
    public enum Value: Sendable, Equatable, CustomStringConvertible {
        case string(String)
        case integer(Int64)

        public var description: String {
            switch self {
            case .string(let s): return "\"\(s)\""
            case .integer(let i): return String(i)
            }
        }
    }

    public var column: String
    public var values: [Value]

    public init(column: String, values: [Value]) {
        self.column = column
        self.values = values
    }
}

/// One `[rollup.measures]` entry: `gmv = "sum(total)"`.
public struct RollupMeasure: Sendable, Equatable {
    public enum Function: String, Sendable, Equatable, CaseIterable {
        case count, sum, min, max
        case countDistinct = "count_distinct"
    }

    /// The output column.
    public var name: String
    public var function: Function
    /// The input column; nil only for `count(*)`.
    public var column: String?

    public init(name: String, function: Function, column: String?) {
        self.name = name
        self.function = function
        self.column = column
    }

    /// As written in the configuration: `count(*)`, `sum(total)`.
    public var expression: String { "\(function.rawValue)(\(column ?? "*"))" }

    /// Parses `count(*)`, `count(note)`, `sum(total)`, `min(x)`, `max(x)`, `count_distinct(x)`
    /// (function names in any case, spaces allowed around the parts).
    /// - Returns: the measure, or a message saying what is wrong.
    public static func parse(name: String, expression text: String) -> Result<RollupMeasure, RollupParseFailure> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") else {
            return .failure(
                RollupParseFailure(
                    "\"\(text)\" is not a measure: write function(column), one of \(functionList)"
                )
            )
        }
        let functionName = trimmed[..<open].trimmingCharacters(in: .whitespaces).lowercased()
        let argument = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            .trimmingCharacters(in: .whitespaces)
        guard let function = Function(rawValue: functionName) else {
            return .failure(
                RollupParseFailure("\"\(text)\": unknown function \"\(functionName)\"; use one of \(functionList)")
            )
        }
        if argument == "*" {
            guard function == .count else {
                return .failure(RollupParseFailure("\"\(text)\": only count takes *; name a column"))
            }
            return .success(RollupMeasure(name: name, function: .count, column: nil))
        }
        var column = argument
        if column.count >= 2, column.hasPrefix("`"), column.hasSuffix("`") {
            column = String(column.dropFirst().dropLast())
        }
        if let problem = TableReader.identifierProblem(column) {
            return .failure(RollupParseFailure("\"\(text)\": the column \(problem)"))
        }
        if column.contains("(") || column.contains(",") {
            return .failure(RollupParseFailure("\"\(text)\": the argument must be one column name, not an expression"))
        }
        return .success(RollupMeasure(name: name, function: function, column: column))
    }

    static let functionList = "count(*), count(column), count_distinct(column), sum(column), min(column), max(column)"
}

/// Why a measure does not parse.
public struct RollupParseFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension ConfigurationKeys {
    /// The keys of `[[rollup]]` (besides the `where` and `measures` tables' own keys).
    public static let rollup = [
        "name", "from", "time", "grain", "group_by", "partition_granularity", "where", "measures", "time_zone",
    ]
}

/// Parses the `[[rollup]]` tables and checks them against the datasets: what can be checked
/// without a database. Column types are checked when the base's schema is known (online
/// `check-config` and every refresh).
struct RollupSectionParser {
    let file: String
    let baseDirectory: String
    private(set) var errors: [ConfigurationError] = []

    init(file: String, baseDirectory: String) {
        self.file = file
        self.baseDirectory = baseDirectory
    }

    private mutating func fail(_ code: ConfigurationError.Code, _ key: String, _ message: String) {
        errors.append(ConfigurationError(code: code, file: file, key: key, message: message))
    }

    /// The rollups, or [] when there are none; nil when any is invalid.
    mutating func parse(_ root: TOMLTable, datasets: [DatasetConfiguration]?) -> [RollupConfiguration]? {
        guard let value = root["rollup"] else { return [] }
        guard let array = value.array else {
            let hint =
                value.type == .table
                ? "write [[rollup]] (an array of tables), not [rollup]"
                : "expected [[rollup]] tables, found \(TableReader.show(value))"
            fail(.wrongType, "rollup", hint)
            return nil
        }
        var rollups: [RollupConfiguration] = []
        var failed = false
        var seen = Set<String>()
        for (offset, element) in array.enumerated() {
            guard let table = element.table else {
                fail(
                    .wrongType,
                    "rollup[#\(offset + 1)]",
                    "expected a [[rollup]] table, found \(TableReader.show(element))"
                )
                failed = true
                continue
            }
            guard let rollup = parseRollup(table, position: offset + 1, datasets: datasets) else {
                failed = true
                continue
            }
            if !seen.insert(rollup.name).inserted {
                fail(.duplicate, "rollup[\(rollup.name)].name", "two [[rollup]] tables are named \"\(rollup.name)\"")
                failed = true
            }
            rollups.append(rollup)
        }
        return failed ? nil : rollups
    }

    private static let namePattern = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")

    private mutating func parseRollup(
        _ table: TOMLTable,
        position: Int,
        datasets: [DatasetConfiguration]?
    ) -> RollupConfiguration? {
        var r = TableReader(
            table: table,
            file: file,
            prefix: "rollup[#\(position)]",
            dataset: nil,
            knownKeys: ConfigurationKeys.rollup,
            baseDirectory: baseDirectory
        )
        defer { errors += r.errors }
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
                r.prefix = "rollup[\(candidate)]"
                if datasets?.contains(where: { $0.name == candidate }) == true {
                    r.report(
                        .duplicate,
                        "name",
                        "a [[dataset]] is named \"\(candidate)\" too; both would publish into the same folder"
                    )
                }
            }
        }
        let from = r.string("from", required: true)
        var base: DatasetConfiguration?
        if let from, let datasets {
            base = datasets.first { $0.name == from }
            if base == nil {
                let known = datasets.map { "\"\($0.name)\"" }.joined(separator: ", ")
                r.report(.invalidValue, "from", "no [[dataset]] is named \"\(from)\" (there are \(known))")
            } else if base?.partitionBy == nil {
                r.report(
                    .invalidValue,
                    "from",
                    "dataset \"\(from)\" has no partition_by; a rollup needs a dataset partitioned by a date column"
                )
            }
        }
        let time = r.identifier("time")
        let grain = r.choice("grain", RollupGrain.self) ?? .day
        let groupBy =
            r.has("group_by") && (r.table["group_by"]?.array?.isEmpty ?? false) ? [] : r.stringList("group_by")
        for column in groupBy ?? [] {
            if let problem = TableReader.identifierProblem(column) {
                r.report(.invalidValue, "group_by", "column \"\(column)\" \(problem)")
            }
        }
        let partitionGranularity = r.choice("partition_granularity", PartitionGranularity.self) ?? .year
        if partitionGranularity == .day {
            r.report(
                .invalidValue,
                "partition_granularity",
                "\"day\" would make one tiny file per day; use \"year\", \"month\" or \"none\""
            )
        }
        let timeZone = r.string("time_zone")
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            r.report(.invalidValue, "time_zone", "\"\(timeZone)\" is not an IANA time zone (e.g. \"Europe/Warsaw\")")
        }
        let filters = parseWhere(&r)
        let measures = parseMeasures(&r)

        // Columns the dataset's own projection leaves out cannot be used (checked offline).
        if let base, let columns = base.columns {
            var used: [(String, String)] = []
            if let time { used.append(("time", time)) }
            used += (groupBy ?? []).map { ("group_by", $0) }
            used += (filters ?? []).map { ("where.\($0.column)", $0.column) }
            used += (measures ?? []).compactMap { m in m.column.map { ("measures.\(m.name)", $0) } }
            for (key, column) in used where !columns.contains(column) {
                errors.append(
                    ConfigurationError(
                        code: .invalidValue,
                        file: file,
                        key: r.dottedKey(key),
                        message:
                            "dataset \"\(base.name)\" does not publish column \"\(column)\" (it is not in its columns)"
                    )
                )
            }
        }
        // Output names: the bucket, the group columns and the measures, each once.
        var outputs: [String: String] = [grain.rawValue: "the bucket column"]
        for column in groupBy ?? [] {
            if let other = outputs[column] {
                r.report(.conflict, "group_by", "column \"\(column)\" has the name of \(other)")
            }
            outputs[column] = "a group_by column"
        }
        for measure in measures ?? [] {
            if let other = outputs[measure.name] {
                errors.append(
                    ConfigurationError(
                        code: .conflict,
                        file: file,
                        key: r.dottedKey("measures.\(measure.name)"),
                        message: "the output column \"\(measure.name)\" has the name of \(other)"
                    )
                )
            }
            outputs[measure.name] = "a measure"
        }
        r.finish()
        guard r.errors.isEmpty, errors.isEmpty, let name, let from, let measures, let filters else { return nil }
        return RollupConfiguration(
            name: name,
            from: from,
            time: time,
            grain: grain,
            groupBy: groupBy ?? [],
            partitionGranularity: partitionGranularity,
            filters: filters,
            measures: measures,
            timeZone: timeZone
        )
    }

    private mutating func parseWhere(_ r: inout TableReader) -> [RollupFilter]? {
        guard let value = r.table["where"] else { return [] }
        guard let table = value.table else {
            r.report(
                .wrongType,
                "where",
                "expected a [rollup.where] table of column = [values], found \(TableReader.show(value))"
            )
            return nil
        }
        var filters: [RollupFilter] = []
        var ok = true
        for column in table.keys.sorted() {
            let key = r.dottedKey("where.\(column)")
            func bad(_ message: String) {
                errors.append(ConfigurationError(code: .wrongType, file: file, key: key, message: message))
                ok = false
            }
            if let problem = TableReader.identifierProblem(column) {
                bad("column \"\(column)\" \(problem)")
                continue
            }
            let element = table[column]!
            let items: [any TOMLValueConvertible] = element.array.map { Array($0) } ?? [element]
            var values: [RollupFilter.Value] = []
            for item in items {
                if let s = item.string {
                    values.append(.string(s))
                } else if let i = item.int {
                    values.append(.integer(Int64(i)))
                } else if let b = item.bool {
                    values.append(.integer(b ? 1 : 0))
                } else {
                    bad("expected strings or integers, found \(TableReader.show(item))")
                }
            }
            if values.isEmpty && items.isEmpty { bad("list at least one value: an empty list keeps no row") }
            filters.append(RollupFilter(column: column, values: values))
        }
        return ok ? filters : nil
    }

    private mutating func parseMeasures(_ r: inout TableReader) -> [RollupMeasure]? {
        guard let value = r.table["measures"] else {
            r.report(.missingKey, "measures", "missing: add a [rollup.measures] table, e.g. orders = \"count(*)\"")
            return nil
        }
        guard let table = value.table else {
            r.report(.wrongType, "measures", "expected a [rollup.measures] table of name = \"function(column)\"")
            return nil
        }
        var measures: [RollupMeasure] = []
        var ok = true
        // TOML tables keep no order: measures are output in the order of their names.
        for name in table.keys.sorted() {
            let key = r.dottedKey("measures.\(name)")
            guard let text = table[name]!.string else {
                errors.append(
                    ConfigurationError(
                        code: .wrongType,
                        file: file,
                        key: key,
                        message: "expected a string like \"sum(total)\", found \(TableReader.show(table[name]!))"
                    )
                )
                ok = false
                continue
            }
            if let problem = TableReader.identifierProblem(name) {
                errors.append(
                    ConfigurationError(code: .invalidValue, file: file, key: key, message: "the column name \(problem)")
                )
                ok = false
                continue
            }
            switch RollupMeasure.parse(name: name, expression: text) {
            case .success(let measure): measures.append(measure)
            case .failure(let failure):
                errors.append(
                    ConfigurationError(code: .invalidValue, file: file, key: key, message: failure.description)
                )
                ok = false
            }
        }
        if table.keys.isEmpty {
            r.report(.invalidValue, "measures", "name at least one measure, e.g. orders = \"count(*)\"")
            ok = false
        }
        return ok ? measures : nil
    }
}
