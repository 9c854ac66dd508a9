import Foundation
import Parquet
import Publishing

/// Turns values of the time column into bucket numbers: the days since 1970-01-01 of the
/// bucket's first day (the day itself, the Monday of its ISO week, the first of its month).
///
/// A DATE is its day; a DATETIME (Parquet `isAdjustedToUTC=false`) buckets by its wall-clock
/// date; a TIMESTAMP by its UTC date, or by its date in `time_zone` when the rollup sets one.
/// The zone's offset is looked up once per stretch between two transitions, not per value.
struct Bucketing: Sendable {
    enum Source: Sendable {
        case date
        /// Units per day of an INT64 timestamp (micros: 86_400_000_000).
        case timestamp(unitsPerDay: Int64, unitsPerSecond: Int64, utc: Bool)
    }

    let source: Source
    let grain: RollupGrain
    let timeZone: TimeZone?

    init(column: ColumnDescriptor, grain: RollupGrain, timeZone: String?) throws {
        self.grain = grain
        switch column.logicalType {
        case .date?:
            source = .date
            self.timeZone = nil
        case .timestamp(let unit, let utc)?:
            let perSecond: Int64
            switch unit {
            case .millis: perSecond = 1000
            case .micros: perSecond = 1_000_000
            case .nanos: perSecond = 1_000_000_000
            }
            source = .timestamp(unitsPerDay: perSecond * 86_400, unitsPerSecond: perSecond, utc: utc)
            self.timeZone = utc ? timeZone.flatMap(TimeZone.init(identifier:)) : nil
        default:
            throw RollupError(.unsupportedType, rollup: "", "the time column must be DATE, DATETIME or TIMESTAMP")
        }
    }

    /// NULL time values (and zero dates published as NULL).
    static let null = Int32.min

    /// The bucket of a day number.
    @inline(__always)
    func bucket(day: Int) -> Int32 {
        switch grain {
        case .day: return Int32(truncatingIfNeeded: day)
        case .week:
            // 1970-01-01 was a Thursday: Monday is 3 days before.
            let weekday = ((day + 3) % 7 + 7) % 7
            return Int32(truncatingIfNeeded: day - weekday)
        case .month:
            let (y, m, _) = CivilDays.civil(day)
            return Int32(truncatingIfNeeded: CivilDays.from(year: y, month: m, day: 1))
        }
    }

    /// The bucket of every row of `column` (`null` where NULL), into `out`.
    func buckets(of column: Column, into out: inout [Int32]) {
        let rows = column.count
        if out.count < rows { out = [Int32](repeating: 0, count: rows) }
        let validity = column.validity
        var cache = DayCache()
        out.withUnsafeMutableBufferPointer { out in
            switch (source, column.values) {
            case (.date, .int32(let values)):
                values.withUnsafeBufferPointer { v in
                    for i in 0..<rows {
                        if let validity, !validity[i] {
                            out[i] = Self.null
                        } else {
                            out[i] = cache.bucket(day: Int(v[i]), self)
                        }
                    }
                }
            case (.timestamp(let perDay, let perSecond, _), .int64(let values)):
                var zone = ZoneCache(timeZone: timeZone, unitsPerSecond: perSecond)
                values.withUnsafeBufferPointer { v in
                    for i in 0..<rows {
                        if let validity, !validity[i] {
                            out[i] = Self.null
                            continue
                        }
                        let local = v[i] &+ zone.offset(v[i])
                        let q = local / perDay
                        let day = Int((local % perDay < 0) ? q - 1 : q)
                        out[i] = cache.bucket(day: day, self)
                    }
                }
            default:
                for i in 0..<rows { out[i] = Self.null }
            }
        }
    }

    /// The range of buckets a row group's time values can fall in, from its statistics
    /// (PLAIN min and max); nil when it has none. With a time zone the range widens by a
    /// bucket each way: local time is not monotonic across a transition.
    func bucketRange(min: [UInt8], max: [UInt8]) -> ClosedRange<Int32>? {
        switch source {
        case .date:
            guard min.count == 4, max.count == 4 else { return nil }
            let lo = min.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }
            let hi = max.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }
            return bucket(day: Int(lo))...bucket(day: Int(hi))
        case .timestamp(let perDay, _, _):
            guard min.count == 8, max.count == 8 else { return nil }
            let lo = min.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
            let hi = max.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
            func day(_ x: Int64) -> Int {
                let q = x / perDay
                return Int((x % perDay < 0) ? q - 1 : q)
            }
            let slack = timeZone == nil ? 0 : 2
            let low = bucket(day: day(lo) - slack)
            let high = bucket(day: day(hi) + slack)
            return low...high
        }
    }

    /// The range of buckets of index.json's `min`/`max` of the time column (ISO text), when the
    /// time column is the base's `partition_by`; nil when unknown (NULLs only, or unreadable).
    func bucketRange(indexMin: String?, indexMax: String?) -> ClosedRange<Int32>? {
        guard let indexMin, let indexMax, let lo = ISO8601Timestamp.micros(from: indexMin),
            let hi = ISO8601Timestamp.micros(from: indexMax)
        else { return nil }
        switch source {
        case .date:
            let days = { (x: Int64) in Int32(truncatingIfNeeded: x / 86_400_000_000) }
            return bucketRange(min: Self.bytes(days(lo)), max: Self.bytes(days(hi)))
        case .timestamp(_, let perSecond, _):
            let units = { (x: Int64) in x / 1_000_000 * perSecond + (x % 1_000_000) * perSecond / 1_000_000 }
            return bucketRange(min: Self.bytes(units(lo)), max: Self.bytes(units(hi)))
        }
    }

    private static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// Every bucket from `range.lowerBound` through `range.upperBound` (buckets are days since
    /// 1970 of a bucket's first day; weeks and months step by their length).
    func buckets(in range: ClosedRange<Int32>) -> [Int32] {
        var out: [Int32] = []
        var day = Int(range.lowerBound)
        var last = Int32.min
        while day <= Int(range.upperBound) {
            let b = bucket(day: day)
            if b != last {
                out.append(b)
                last = b
            }
            day += 1
        }
        return out
    }

    /// The last day's bucket, so runs of one day cost one computation.
    private struct DayCache {
        var day = Int.min
        var value: Int32 = 0

        @inline(__always)
        mutating func bucket(day: Int, _ bucketing: Bucketing) -> Int32 {
            if day != self.day {
                self.day = day
                value = bucketing.bucket(day: day)
            }
            return value
        }
    }

    /// A time zone's offset for one stretch of instants between two of its transitions.
    private struct ZoneCache {
        let timeZone: TimeZone?
        let unitsPerSecond: Int64
        var low = Int64.max
        var high = Int64.min
        var offset: Int64 = 0

        init(timeZone: TimeZone?, unitsPerSecond: Int64) {
            self.timeZone = timeZone
            self.unitsPerSecond = unitsPerSecond
        }

        @inline(__always)
        mutating func offset(_ instant: Int64) -> Int64 {
            guard let timeZone else { return 0 }
            if instant >= low && instant < high { return offset }
            let seconds = Double(instant.dividedReportingOverflow(by: unitsPerSecond).partialValue)
            let date = Date(timeIntervalSince1970: seconds)
            offset = Int64(timeZone.secondsFromGMT(for: date)) * unitsPerSecond
            low = instant - instant % unitsPerSecond - (instant % unitsPerSecond < 0 ? unitsPerSecond : 0)
            if let next = timeZone.nextDaylightSavingTimeTransition(after: date) {
                high = Int64(next.timeIntervalSince1970) * unitsPerSecond
            } else {
                high = Int64.max
            }
            if high <= low { high = low + unitsPerSecond }
            return offset
        }
    }
}
