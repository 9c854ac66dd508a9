/// A proleptic Gregorian calendar date, converted to and from days since 1970-01-01 with
/// `CivilDays` (Howard Hinnant's algorithms): pure integer arithmetic, no time zones, no
/// Foundation calendars. Partition keys and index timestamps use it, for
/// DATETIME (local wall clock) and TIMESTAMP (UTC) values alike.
public struct CivilDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` days after 1970-01-01 (negative before it).
    public init(daysSinceEpoch days: Int) {
        let (year, month, day) = CivilDays.civil(days)
        self.init(year: year, month: month, day: day)
    }

    public var daysSinceEpoch: Int { CivilDays.from(year: year, month: month, day: day) }

    /// Whether the fields name a real date (1-12, 1-28..31).
    public var isValid: Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        return CivilDate(daysSinceEpoch: daysSinceEpoch) == self
    }

    /// "2024-05-17"; years outside 0...9999 keep their sign and digits.
    public var description: String {
        "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }

    /// Floor division, so that -1 µs falls on 1969-12-31, not 1970-01-01.
    public static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
