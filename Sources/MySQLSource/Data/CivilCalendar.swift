import Parquet
import SystemSupport

/// Proleptic Gregorian calendar arithmetic for DATE, DATETIME and TIMESTAMP values.
///
/// Day numbers come from Parquet's `CivilDays` (Howard Hinnant's algorithms): exact for every
/// year MySQL can store, branch-light and allocation-free, so they run once per value on the
/// hot path. This adds what MySQL values need: validity, microseconds, text.
public enum CivilCalendar {
    public static let microsecondsPerSecond: Int64 = 1_000_000
    public static let microsecondsPerDay: Int64 = 86_400 * 1_000_000

    /// Days since 1970-01-01 of a (year, month 1...12, day 1...31) date.
    @inline(__always)
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        CivilDays.from(year: year, month: month, day: day)
    }

    /// The (year, month, day) of a count of days since 1970-01-01.
    @inline(__always)
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        CivilDays.civil(days)
    }

    @inline(__always)
    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    @inline(__always)
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Whether (year, month, day) names a real calendar day. MySQL also stores zero dates
    /// ('0000-00-00', '2024-00-10') and, under ALLOW_INVALID_DATES, days like '2024-02-30'.
    @inline(__always)
    public static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    /// Microseconds since the epoch of a wall-clock date and time.
    @inline(__always)
    public static func microseconds(
        year: Int,
        month: Int,
        day: Int,
        hour: Int,
        minute: Int,
        second: Int,
        microsecond: Int
    ) -> Int64 {
        microseconds(
            days: daysFromCivil(year: year, month: month, day: day),
            hour: hour,
            minute: minute,
            second: second,
            microsecond: microsecond
        )
    }

    /// Microseconds since the epoch of a time on the day `days` days after 1970-01-01.
    @inline(__always)
    public static func microseconds(days: Int, hour: Int, minute: Int, second: Int, microsecond: Int) -> Int64 {
        let seconds = Int64(hour * 3600 + minute * 60 + second)
        return Int64(days) * microsecondsPerDay + seconds * microsecondsPerSecond + Int64(microsecond)
    }

    /// Splits microseconds since the epoch into its civil date and time of day.
    public static func components(
        microseconds: Int64
    )
        -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, microsecond: Int)
    {
        let (days, rest) = CivilText.floorDivide(microseconds, microsecondsPerDay)
        let (year, month, day) = civilFromDays(Int(days))
        let secondOfDay = Int(rest / microsecondsPerSecond)
        return (
            year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60,
            Int(rest % microsecondsPerSecond)
        )
    }

    /// "YYYY-MM-DD"; for messages and parameters, not the hot path.
    public static func formatDate(days: Int64) -> String {
        CivilText.string { CivilText.appendDate(days: Int(days), to: &$0) }
    }

    /// "YYYY-MM-DD HH:MM:SS.ffffff"; for messages and parameters, not the hot path.
    public static func formatDateTime(microseconds: Int64) -> String {
        let (days, rest) = CivilText.floorDivide(microseconds, microsecondsPerDay)
        return CivilText.string { out in
            CivilText.appendDate(days: Int(days), to: &out)
            out.append(UInt8(ascii: " "))
            appendTime(UInt64(rest), to: &out)
        }
    }

    /// A TIME value as MySQL writes it: "[-]HHH:MM:SS.ffffff".
    public static func formatTime(microseconds: Int64) -> String {
        CivilText.string { out in
            if microseconds < 0 { out.append(UInt8(ascii: "-")) }
            appendTime(microseconds.magnitude, to: &out)
        }
    }

    private static func appendTime(_ microseconds: UInt64, to out: inout [UInt8]) {
        let perSecond = UInt64(microsecondsPerSecond)
        CivilText.appendClock(seconds: microseconds / perSecond, to: &out)
        CivilText.appendFraction(nanoseconds: microseconds % perSecond * 1000, digits: 6, to: &out)
    }

    /// Parses "YYYY-MM-DD HH:MM:SS[.f...]" (what `UTC_TIMESTAMP(6)` returns in the text
    /// protocol) into microseconds since the epoch; nil if it is not of that form (at most six
    /// fraction digits) or not a real date.
    public static func parseDateTime(_ text: String) -> Int64? {
        ISO8601Timestamp.micros(from: text, requiringTime: true, fractionDigits: 6)
    }
}
