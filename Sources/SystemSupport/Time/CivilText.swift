/// Decimal text of civil dates and times, written into bytes: the one implementation of the
/// zero padding, dates, times of day and fractions behind ISO-8601 text (published files, log
/// lines), MySQL's text (reconciliation checksums, messages) and Parquet value formatting.
/// Integer arithmetic only, on day numbers from `CivilDays`.
public enum CivilText {
    /// `value` in at least `width` decimal digits, zero-padded on the left.
    @inlinable
    public static func appendDigits(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        var digits = 1
        var limit: UInt64 = 10
        while digits < 20, value >= limit {
            digits += 1
            limit = limit &* 10
        }
        for _ in digits..<max(width, digits) { out.append(UInt8(ascii: "0")) }
        var divisor: UInt64 = 1
        for _ in 1..<digits { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// `value` in at least `width` digits, a "-" before negative ones: "0042", "-0001".
    @inlinable
    public static func appendSigned(_ value: Int64, width: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, width: width, to: &out)
    }

    /// "2024-05-17" for a day number since 1970-01-01. Years before 1 are "-0001", "0000";
    /// years after 9999 take ISO 8601's expanded form, "+12345".
    public static func appendDate(days: Int, to out: inout [UInt8]) {
        let (year, month, day) = CivilDays.civil(days)
        if year > 9999 { out.append(UInt8(ascii: "+")) }
        appendSigned(Int64(year), width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(UInt64(month), width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(UInt64(day), width: 2, to: &out)
    }

    /// "13:45:00" for a count of seconds; hours go past 23 (MySQL's TIME goes to 838).
    public static func appendClock(seconds: UInt64, to out: inout [UInt8]) {
        appendDigits(seconds / 3600, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(seconds / 60 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(seconds % 60, width: 2, to: &out)
    }

    /// "." and the first `digits` (1-9) digits of a fraction of a second given in nanoseconds;
    /// nothing when `digits` is 0.
    public static func appendFraction(nanoseconds: UInt64, digits: Int, to out: inout [UInt8]) {
        guard digits > 0 else { return }
        var scaled = nanoseconds
        for _ in min(digits, 9)..<9 { scaled /= 10 }
        out.append(UInt8(ascii: "."))
        appendDigits(scaled, width: min(digits, 9), to: &out)
    }

    /// `value` in at least `width` digits, a "-" before negative ones: "05", "-0001".
    public static func pad(_ value: Int, _ width: Int) -> String {
        var out: [UInt8] = []
        appendSigned(Int64(value), width: width, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Builds a string with the appenders above.
    public static func string(_ build: (inout [UInt8]) -> Void) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        build(&out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Floor division and its non-negative remainder, so that -1 µs falls on 1969-12-31, not
    /// 1970-01-01.
    @inlinable
    public static func floorDivide(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        let q = a / b
        let r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}
