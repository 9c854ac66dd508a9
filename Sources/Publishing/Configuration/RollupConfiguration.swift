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
    /// `[rollup.where]` and `[rollup.measures]` as read (by key); `check` orders them into
    /// `filters` and `measures`.
    var filterTable: [String: [RollupFilter.Value]] = [:]
    var measureTable: [String: RollupMeasure] = [:]

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
        if let problem = ConfigurationValue<String>.identifierProblem(column) {
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

extension RollupConfiguration: ConfigurationSection {
    init() {
        self.init(name: "", from: "", measures: [])
    }

    /// Every key, in the order of docs/rollups.md's table.
    static var keys: [ConfigurationKey<Self>] {
        [
            .name("name", \.name),
            .key("from", \.from, .string, required: true),
            .key("time", \.time, .identifier(label: "column")),
            .key("grain", \.grain, .choice),
            ConfigurationKey("group_by") { reader, section in
                // Zero columns is a rollup per bucket alone.
                if reader.table["group_by"]?.array?.isEmpty == true { return }
                if let columns = reader.read("group_by", .columns()) { section.groupBy = columns }
            },
            .key("partition_granularity", \.partitionGranularity, .choice),
            .key("time_zone", \.timeZone, .timeZone),
            .entries("where", \.filterTable, .filterValues),
            .entries("measures", \.measureTable, .measure, required: true),
        ]
    }

    /// `from` names a partitioned dataset (read before), the columns it publishes, output names.
    mutating func check(_ r: inout SectionReader) {
        filters = filterTable.keys.sorted().map { RollupFilter(column: $0, values: filterTable[$0]!) }
        // TOML tables keep no order: measures are output in the order of their names.
        measures = measureTable.keys.sorted().map { name in
            var measure = measureTable[name]!
            measure.name = name
            return measure
        }
        if r.has("measures") && measures.isEmpty && r.table["measures"]?.table?.keys.isEmpty == true {
            r.report(.invalidValue, "measures", "name at least one measure, e.g. orders = \"count(*)\"")
        }
        for name in measureTable.keys {
            if let problem = ConfigurationValue<String>.identifierProblem(name) {
                r.report(.invalidValue, dottedKey: r.dottedKey("measures.\(name)"), "the column name \(problem)")
            }
        }
        if partitionGranularity == .day {
            r.report(
                .invalidValue,
                "partition_granularity",
                "\"day\" would make one tiny file per day; use \"year\", \"month\" or \"none\""
            )
        }
        guard let datasets = r.context.section("dataset", as: [DatasetConfiguration].self) else { return }
        if datasets.contains(where: { $0.name == name }) {
            r.report(
                .duplicate,
                "name",
                "a [[dataset]] is named \"\(name)\" too; both would publish into the same folder"
            )
        }
        guard r.has("from") else { return }
        guard let base = datasets.first(where: { $0.name == from }) else {
            let known = datasets.map { "\"\($0.name)\"" }.joined(separator: ", ")
            r.report(.invalidValue, "from", "no [[dataset]] is named \"\(from)\" (there are \(known))")
            return
        }
        guard base.partitionBy != nil else {
            r.report(
                .invalidValue,
                "from",
                "dataset \"\(from)\" has no partition_by; a rollup needs a dataset partitioned by a date column"
            )
            return
        }
        // Columns the dataset's own projection leaves out cannot be used (checked offline).
        if let columns = base.columns {
            var used: [(String, String)] = []
            if let time { used.append(("time", time)) }
            used += groupBy.map { ("group_by", $0) }
            used += filters.map { ("where.\($0.column)", $0.column) }
            used += measures.compactMap { m in m.column.map { ("measures.\(m.name)", $0) } }
            for (key, column) in used where !columns.contains(column) {
                r.report(
                    .invalidValue,
                    dottedKey: r.dottedKey(key),
                    "dataset \"\(base.name)\" does not publish column \"\(column)\" (it is not in its columns)"
                )
            }
        }
        // Output names: the bucket, the group columns and the measures, each once.
        var outputs: [String: String] = [grain.rawValue: "the bucket column"]
        for column in groupBy {
            if let other = outputs[column] {
                r.report(.conflict, "group_by", "column \"\(column)\" has the name of \(other)")
            }
            outputs[column] = "a group_by column"
        }
        for measure in measures {
            if let other = outputs[measure.name] {
                r.report(
                    .conflict,
                    dottedKey: r.dottedKey("measures.\(measure.name)"),
                    "the output column \"\(measure.name)\" has the name of \(other)"
                )
            }
            outputs[measure.name] = "a measure"
        }
    }
}

extension ConfigurationValue where Value == RollupMeasure {
    /// `"sum(total)"`: a function of a column (the measure's name is its key, set afterwards).
    static var measure: Self {
        ConfigurationValue<String>.string.map { text, reading in
            switch RollupMeasure.parse(name: "", expression: text) {
            case .success(let measure): return measure
            case .failure(let failure): return reading.fail(.invalidValue, failure.description)
            }
        }
    }
}

extension ConfigurationValue where Value == [RollupFilter.Value] {
    /// `["paid", "shipped"]`, `3` or `[1, 2]`: the values a `where` column may hold.
    static var filterValues: Self {
        Self { raw, reading in
            let items: [any TOMLValueConvertible] = raw.array.map { Array($0) } ?? [raw]
            var values: [RollupFilter.Value] = []
            for item in items {
                if let s = item.string {
                    values.append(.string(s))
                } else if let i = item.int {
                    values.append(.integer(Int64(i)))
                } else if let b = item.bool {
                    values.append(.integer(b ? 1 : 0))
                } else {
                    return reading.fail(.wrongType, "expected strings or integers, found \(ValueReading.show(item))")
                }
            }
            guard !values.isEmpty else {
                return reading.fail(.invalidValue, "list at least one value: an empty list keeps no row")
            }
            return values
        }
    }
}

extension ConfigurationValue where Value == String {
    /// An IANA time zone name ("Europe/Warsaw").
    static var timeZone: Self {
        string.map { text, reading in
            TimeZone(identifier: text) != nil
                ? text : reading.fail(.invalidValue, "\"\(text)\" is not an IANA time zone (e.g. \"Europe/Warsaw\")")
        }
    }
}
