import struct Foundation.Date

/// ISO-8601 text for the times this module writes: `published_at` and state times (UTC, "Z"),
/// and the partition column's min/max in index.json (a DATE as "2024-05-17", a DATETIME as the
/// local wall clock "2024-05-17T10:11:12", a TIMESTAMP in UTC "2024-05-17T10:11:12Z").
///
/// Written by hand on `CivilDate` rather than with `ISO8601DateFormatter`: exact to the
/// microsecond, no locale or time-zone state, and the same output on every platform.
public enum ISO8601Timestamp {
    /// "2026-11-25T01:02:03Z", or with `fractionalDigits` (3 or 6) "2026-11-25T01:02:03.123Z".
    public static func string(from date: Date, fractionalDigits: Int = 0) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        return format(micros: micros, utc: true, fractionalDigits: fractionalDigits)
    }

    /// A partition-column value given as microseconds since 1970-01-01T00:00:00 (UTC for
    /// TIMESTAMP, the wall clock for DATETIME). The fraction appears only when non-zero, as
    /// milliseconds when it is whole milliseconds, else microseconds.
    public static func string(microsSinceEpoch micros: Int64, utc: Bool) -> String {
        let fraction = CivilText.floorDivide(micros, 1_000_000).remainder
        let digits = fraction == 0 ? 0 : (fraction % 1000 == 0 ? 3 : 6)
        return format(micros: micros, utc: utc, fractionalDigits: digits)
    }

    /// A DATE value given as days since 1970-01-01: "2024-05-17".
    public static func string(daysSinceEpoch days: Int32) -> String {
        CivilDate(daysSinceEpoch: Int(days)).description
    }

    private static func format(micros: Int64, utc: Bool, fractionalDigits: Int) -> String {
        let (days, inDay) = CivilText.floorDivide(micros, 86_400_000_000)
        return CivilText.string { out in
            CivilText.appendDate(days: Int(days), to: &out)
            out.append(UInt8(ascii: "T"))
            CivilText.appendClock(seconds: UInt64(inDay / 1_000_000), to: &out)
            CivilText.appendFraction(
                nanoseconds: UInt64(inDay % 1_000_000) * 1000,
                digits: min(fractionalDigits, 6),
                to: &out
            )
            if utc { out.append(UInt8(ascii: "Z")) }
        }
    }

    /// Parses a date ("2024-05-17") or a date-time with optional fraction (up to 9 digits, kept
    /// to the microsecond) and optional "Z" or "±hh:mm" offset, into microseconds since the epoch.
    /// Without an offset the time is taken as is (a wall clock compared with wall clocks). A space
    /// may stand for the "T", as in MySQL's text. `requiringTime`: a date alone is refused;
    /// `fractionDigits`: at most that many fraction digits.
    public static func micros(from text: String, requiringTime: Bool = false, fractionDigits: Int = 9) -> Int64? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.take("-"),
            let month = scanner.number(digits: 2), scanner.take("-"),
            let day = scanner.number(digits: 2)
        else { return nil }
        let date = CivilDate(year: year, month: month, day: day)
        guard date.isValid else { return nil }
        var micros = Int64(date.daysSinceEpoch) * 86_400_000_000
        if scanner.atEnd { return requiringTime ? nil : micros }
        guard scanner.take("T") || scanner.take(" "),
            let hour = scanner.number(digits: 2), scanner.take(":"),
            let minute = scanner.number(digits: 2), scanner.take(":"),
            let second = scanner.number(digits: 2),
            hour < 24, minute < 60, second < 60
        else { return nil }
        micros += Int64(hour * 3600 + minute * 60 + second) * 1_000_000
        if scanner.take(".") {
            var digits = 0
            var fraction: Int64 = 0
            while let d = scanner.digit() {
                if digits < 6 { fraction = fraction * 10 + Int64(d) }
                digits += 1
            }
            guard digits > 0, digits <= fractionDigits else { return nil }
            for _ in min(digits, 6)..<6 { fraction *= 10 }
            micros += fraction
        }
        if scanner.atEnd { return micros }
        if scanner.take("Z") { return scanner.atEnd ? micros : nil }
        let sign: Int64
        if scanner.take("+") { sign = 1 } else if scanner.take("-") { sign = -1 } else { return nil }
        guard let offsetHours = scanner.number(digits: 2), scanner.take(":"),
            let offsetMinutes = scanner.number(digits: 2), scanner.atEnd
        else { return nil }
        return micros - sign * Int64(offsetHours * 3600 + offsetMinutes * 60) * 1_000_000
    }

    /// Parses what `string(from:)` writes (and any form `micros(from:)` takes) into a `Date`.
    public static func date(from text: String) -> Date? {
        guard let micros = micros(from: text) else { return nil }
        return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var atEnd: Bool { position == bytes.count }

        mutating func take(_ character: Character) -> Bool {
            guard !atEnd, bytes[position] == character.asciiValue! else { return false }
            position += 1
            return true
        }

        mutating func digit() -> Int? {
            guard !atEnd, (48...57).contains(bytes[position]) else { return nil }
            position += 1
            return Int(bytes[position - 1] - 48)
        }

        mutating func number(digits: Int) -> Int? {
            var value = 0
            for _ in 0..<digits {
                guard let d = digit() else { return nil }
                value = value * 10 + d
            }
            return value
        }
    }
}
