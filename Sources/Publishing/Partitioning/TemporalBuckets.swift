import Parquet

/// Day numbers of a DATE, DATETIME or TIMESTAMP column, and the day / month / year buckets
/// that partitions and row groups are cut by. Plain integer arithmetic per row: formatting a
/// partition name happens once per bucket, not once per row.
public enum TemporalBuckets {
    /// Marks a NULL in the day numbers.
    static let null = Int.min

    /// Days since 1970-01-01 of every row (`null` where the value is NULL).
    static func days(of column: Column, descriptor: ColumnDescriptor) throws -> [Int] {
        let validity = column.validity
        switch (column.values, descriptor.logicalType) {
        case (.int32(let values), .date?):
            return values.indices.map { validity?[$0] == false ? null : Int(values[$0]) }
        case (.int64(let values), .timestamp(let unit, _)?):
            let perDay: Int64
            switch unit {
            case .millis: perDay = 86_400_000
            case .micros: perDay = 86_400_000_000
            case .nanos: perDay = 86_400_000_000_000
            }
            var out = [Int](repeating: 0, count: values.count)
            values.withUnsafeBufferPointer { v in
                for i in 0..<v.count {
                    if let validity, !validity[i] {
                        out[i] = null
                    } else {
                        let x = v[i]
                        // Floor division: instants before 1970 belong to the earlier day.
                        let q = x / perDay
                        out[i] = Int((x % perDay < 0) ? q - 1 : q)
                    }
                }
            }
            return out
        default:
            throw PublishingError(
                .unsupportedPartitionColumn,
                """
                partition column \"\(descriptor.name)\" must be a DATE, DATETIME or TIMESTAMP (it is \
                \(descriptor.physicalType) \(String(describing: descriptor.logicalType)))
                """
            )
        }
    }

    public enum Unit: Sendable {
        case day, month, year
    }

    /// The bucket of a day number: the day itself, months since year 0, or the year.
    @inline(__always)
    static func bucket(_ day: Int, _ unit: Unit) -> Int {
        if day == null { return null }
        switch unit {
        case .day: return day
        case .month:
            let (y, m, _) = CivilDays.civil(day)
            return y * 12 + (m - 1)
        case .year: return CivilDays.civil(day).year
        }
    }

    /// The first day of a bucket.
    static func firstDay(ofBucket bucket: Int, _ unit: Unit) -> Int {
        switch unit {
        case .day: return bucket
        case .month: return CivilDays.from(year: bucket / 12, month: bucket % 12 + 1, day: 1)
        case .year: return CivilDays.from(year: bucket, month: 1, day: 1)
        }
    }
}
