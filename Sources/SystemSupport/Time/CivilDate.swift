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

    /// "2024-05-17" (`CivilText.appendDate`: "-0001-01-01", "+12345-01-01" outside 0...9999).
    public var description: String {
        CivilText.string { CivilText.appendDate(days: daysSinceEpoch, to: &$0) }
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// The date of a time given as microseconds since 1970-01-01T00:00:00 (a wall clock or UTC).
    public init(microsSinceEpoch micros: Int64) {
        self.init(daysSinceEpoch: Int(CivilText.floorDivide(micros, 86_400_000_000).quotient))
    }
}
