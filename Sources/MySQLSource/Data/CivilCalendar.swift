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
        var days = microseconds / microsecondsPerDay
        var rest = microseconds % microsecondsPerDay
        if rest < 0 {
            rest += microsecondsPerDay
            days -= 1
        }
        let (year, month, day) = civilFromDays(Int(days))
        let secondOfDay = Int(rest / microsecondsPerSecond)
        return (
            year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60,
            Int(rest % microsecondsPerSecond)
        )
    }

    /// "YYYY-MM-DD"; for messages and parameters, not the hot path.
    public static func formatDate(days: Int64) -> String {
        let (year, month, day) = civilFromDays(Int(days))
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// "YYYY-MM-DD HH:MM:SS.ffffff"; for messages and parameters, not the hot path.
    public static func formatDateTime(microseconds: Int64) -> String {
        let c = components(microseconds: microseconds)
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2) + " " + pad(c.hour, 2) + ":"
            + pad(c.minute, 2) + ":" + pad(c.second, 2) + "." + pad(c.microsecond, 6)
    }

    /// A TIME value as MySQL writes it: "[-]HHH:MM:SS.ffffff".
    public static func formatTime(microseconds: Int64) -> String {
        let magnitude = microseconds.magnitude
        let totalSeconds = Int(magnitude / UInt64(microsecondsPerSecond))
        let fraction = Int(magnitude % UInt64(microsecondsPerSecond))
        return (microseconds < 0 ? "-" : "") + pad(totalSeconds / 3600, 2) + ":" + pad(totalSeconds / 60 % 60, 2)
            + ":" + pad(totalSeconds % 60, 2) + "." + pad(fraction, 6)
    }

    /// Parses "YYYY-MM-DD HH:MM:SS[.f...]" (what `UTC_TIMESTAMP(6)` returns in the text
    /// protocol) into microseconds since the epoch; nil if it is not of that form or not a
    /// real date.
    public static func parseDateTime(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for b in bytes[start..<start + count] {
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(b - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            isValidDate(year: year, month: month, day: day), hour < 24, minute < 60, second < 60
        else { return nil }
        var micros = 0
        if bytes.count > 19 {
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 20, bytes.count <= 26,
                let fraction = number(20, bytes.count - 20)
            else { return nil }
            micros = fraction
            for _ in 0..<(26 - bytes.count) { micros *= 10 }
        }
        return microseconds(
            year: year,
            month: month,
            day: day,
            hour: hour,
            minute: minute,
            second: second,
            microsecond: micros
        )
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let sign = value < 0 ? "-" : ""
        return sign + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
