/// The name of one partition file: "2024-05-17" (day), "2024-05" (month), "2024" (year),
/// "all" (no partitioning) or "null" (rows whose partition column is NULL). The file is
/// `<name>.parquet`, beside index.json.
public struct PartitionKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let name: String

    private init(unchecked name: String) {
        self.name = name
    }

    /// Every row, when `partition_granularity` is `none`.
    public static let all = PartitionKey(unchecked: "all")
    /// Rows whose partition column is NULL, when the dataset is partitioned.
    public static let null = PartitionKey(unchecked: "null")

    /// The partition holding `date` (nil: a NULL value).
    public init(granularity: PartitionGranularity, date: CivilDate?) {
        guard granularity != .none else {
            self = .all
            return
        }
        guard let date else {
            self = .null
            return
        }
        let year = CivilText.pad(date.year, 4)
        switch granularity {
        case .day: name = date.description
        case .month: name = "\(year)-\(CivilText.pad(date.month, 2))"
        case .year: name = year
        case .none: name = "all"
        }
    }

    /// The partition of a DATE value (days since 1970-01-01), nil for NULL.
    public init(granularity: PartitionGranularity, daysSinceEpoch days: Int32?) {
        self.init(granularity: granularity, date: days.map { CivilDate(daysSinceEpoch: Int($0)) })
    }

    /// The partition of a DATETIME or TIMESTAMP value (microseconds since 1970-01-01T00:00:00 of
    /// the wall clock, or of UTC), nil for NULL.
    public init(granularity: PartitionGranularity, microsSinceEpoch micros: Int64?) {
        self.init(granularity: granularity, date: micros.map { CivilDate(microsSinceEpoch: $0) })
    }

    /// Reads back a name this type produces ("2024-05", "all", "null"); nil for anything else.
    public init?(name: String) {
        if name == "all" || name == "null" {
            self.init(unchecked: name)
            return
        }
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts[0].count == 4,
            zip(parts.dropFirst(), [2, 2]).allSatisfy({ $0.count == $1 }),
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        let numbers = parts.map { Int($0)! }
        let date = CivilDate(
            year: numbers[0],
            month: numbers.count > 1 ? numbers[1] : 1,
            day: numbers.count > 2 ? numbers[2] : 1
        )
        guard date.isValid else { return nil }
        self.init(unchecked: name)
    }

    /// Reads back `<name>.parquet`.
    public init?(fileName: String) {
        guard fileName.hasSuffix(".parquet") else { return nil }
        self.init(name: String(fileName.dropLast(".parquet".count)))
    }

    public var fileName: String { name + ".parquet" }

    /// The days `[start, end)` (since 1970-01-01) this partition covers; nil for `all` and `null`.
    public var dayRange: Range<Int>? {
        guard self != .all, self != .null else { return nil }
        let numbers = name.split(separator: "-").map { Int($0)! }
        let start = CivilDate(
            year: numbers[0],
            month: numbers.count > 1 ? numbers[1] : 1,
            day: numbers.count > 2 ? numbers[2] : 1
        )
        let end: CivilDate
        switch numbers.count {
        case 3: end = CivilDate(daysSinceEpoch: start.daysSinceEpoch + 1)
        case 2:
            end =
                numbers[1] == 12
                ? CivilDate(year: numbers[0] + 1, month: 1, day: 1)
                : CivilDate(year: numbers[0], month: numbers[1] + 1, day: 1)
        default: end = CivilDate(year: numbers[0] + 1, month: 1, day: 1)
        }
        return start.daysSinceEpoch..<end.daysSinceEpoch
    }

    public var description: String { name }

    /// Chronological for dated keys (ISO names sort by text); "all" and "null" after them.
    public static func < (a: PartitionKey, b: PartitionKey) -> Bool {
        a.name < b.name
    }
}

extension RowGroupGranularity {
    /// The first day (since 1970-01-01) of the row group holding `days`: the day itself, or the
    /// first of its month. The writer cuts a row group whenever this changes between rows.
    public func bucket(daysSinceEpoch days: Int) -> Int {
        switch self {
        case .day: return days
        case .month:
            let date = CivilDate(daysSinceEpoch: days)
            return CivilDate(year: date.year, month: date.month, day: 1).daysSinceEpoch
        }
    }

    /// As `bucket(daysSinceEpoch:)`, for a DATETIME or TIMESTAMP value in microseconds.
    public func bucket(microsSinceEpoch micros: Int64) -> Int {
        bucket(daysSinceEpoch: Int(CivilText.floorDivide(micros, 86_400_000_000).quotient))
    }
}
