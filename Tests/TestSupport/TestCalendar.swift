/// Proleptic Gregorian arithmetic for checking published dates and times, written apart from
/// the code under test (Howard Hinnant's `days_from_civil` / `civil_from_days`, as in
/// http://howardhinnant.github.io/date_algorithms.html), so expectations do not reuse it.
public enum TestCalendar {
    public static let microsPerDay: Int64 = 86_400_000_000

    /// Days since 1970-01-01 of year-month-day.
    public static func days(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Year, month, day of a count of days since 1970-01-01.
    public static func civil(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// The day (since 1970-01-01) holding a microsecond timestamp, rounding towards -infinity.
    public static func day(ofMicros micros: Int64) -> Int64 {
        micros >= 0 ? micros / microsPerDay : -((-micros + microsPerDay - 1) / microsPerDay)
    }

    /// "2024-05-17", "2024-05" or "2024" for a day, the names partition files carry.
    public static func name(ofDay days: Int64, components: Int) -> String {
        let (y, m, d) = civil(days)
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return [pad(y, 4), pad(m, 2), pad(d, 2)].prefix(components).joined(separator: "-")
    }

    /// "2024-05-17T10:11:12.5" (or with "Z"): microseconds since the epoch of the wall clock
    /// (or UTC); nil for anything else. A bare date is its midnight.
    public static func micros(_ text: String) -> Int64? {
        var s = Substring(text)
        if s.hasSuffix("Z") { s = s.dropLast() }
        let parts = s.split(separator: "T", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        let date = parts[0].split(separator: "-").compactMap { Int($0) }
        guard date.count == 3 else { return nil }
        var micros = days(date[0], date[1], date[2]) * microsPerDay
        if parts.count == 2 {
            let clock = parts[1].split(separator: ".", omittingEmptySubsequences: false)
            let hms = clock[0].split(separator: ":").compactMap { Int64($0) }
            guard hms.count == 3 else { return nil }
            micros += ((hms[0] * 60 + hms[1]) * 60 + hms[2]) * 1_000_000
            if clock.count == 2 {
                let digits = String(clock[1].prefix(6))
                guard let fraction = Int64(digits) else { return nil }
                var scale: Int64 = 1
                for _ in digits.count..<6 { scale *= 10 }
                micros += fraction * scale
            }
        }
        return micros
    }

    /// Wall-clock text "2024-05-17T10:11:12.000123" of microseconds since the epoch.
    public static func text(micros: Int64, utc: Bool = false) -> String {
        let day = day(ofMicros: micros)
        let inDay = micros - day * microsPerDay
        let seconds = inDay / 1_000_000
        func pad(_ v: Int64, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        let clock =
            "\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
            + ".\(pad(inDay % 1_000_000, 6))"
        return name(ofDay: day, components: 3) + "T" + clock + (utc ? "Z" : "")
    }
}
