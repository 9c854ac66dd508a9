import Foundation
import Testing

@testable import Publishing

@Suite struct PartitionKeysNameTheFiles {
    let may17 = CivilDate(year: 2024, month: 5, day: 17)

    @Test func eachGranularityHasItsName() {
        #expect(PartitionKey(granularity: .day, date: may17).name == "2024-05-17")
        #expect(PartitionKey(granularity: .month, date: may17).name == "2024-05")
        #expect(PartitionKey(granularity: .year, date: may17).name == "2024")
        #expect(PartitionKey(granularity: .none, date: may17).name == "all")
        #expect(PartitionKey(granularity: .month, date: may17).fileName == "2024-05.parquet")
    }

    @Test func nullGoesToTheNullPartitionUnlessUnpartitioned() {
        #expect(PartitionKey(granularity: .day, date: nil) == .null)
        #expect(PartitionKey(granularity: .month, microsSinceEpoch: nil).fileName == "null.parquet")
        #expect(PartitionKey(granularity: .none, daysSinceEpoch: nil) == .all)
    }

    @Test func dateAndTimestampValuesMapToTheirDay() {
        let days = Int32(may17.daysSinceEpoch)
        #expect(PartitionKey(granularity: .day, daysSinceEpoch: days).name == "2024-05-17")
        let lastMicroOfDay = Int64(may17.daysSinceEpoch + 1) * 86_400_000_000 - 1
        #expect(PartitionKey(granularity: .day, microsSinceEpoch: lastMicroOfDay).name == "2024-05-17")
        #expect(PartitionKey(granularity: .day, microsSinceEpoch: lastMicroOfDay + 1).name == "2024-05-18")
        #expect(PartitionKey(granularity: .day, microsSinceEpoch: -1).name == "1969-12-31")
        #expect(PartitionKey(granularity: .year, microsSinceEpoch: 0).name == "1970")
    }

    @Test func namesReadBack() {
        for name in ["2024-05-17", "2024-05", "2024", "all", "null"] {
            #expect(PartitionKey(name: name)?.name == name)
            #expect(PartitionKey(fileName: name + ".parquet")?.name == name)
        }
        for bad in ["2024-13", "2024-02-30", "24-05", "2024-5", "index", "", "2024-05-17x"] {
            #expect(PartitionKey(name: bad) == nil, "\(bad)")
        }
        #expect(PartitionKey(fileName: "2024-05.json") == nil)
    }

    @Test func dayRangesCoverThePartition() throws {
        let month = try #require(PartitionKey(name: "2024-02"))
        let range = try #require(month.dayRange)
        #expect(CivilDate(daysSinceEpoch: range.lowerBound) == CivilDate(year: 2024, month: 2, day: 1))
        #expect(range.count == 29)
        #expect(try #require(PartitionKey(name: "2023-12")?.dayRange).count == 31)
        #expect(try #require(PartitionKey(name: "2024")?.dayRange).count == 366)
        #expect(try #require(PartitionKey(name: "2024-05-17")?.dayRange).count == 1)
        #expect(PartitionKey.all.dayRange == nil)
    }

    @Test func rowGroupBucketsStartAtTheDayOrMonth() {
        let days = may17.daysSinceEpoch
        #expect(RowGroupGranularity.day.bucket(daysSinceEpoch: days) == days)
        #expect(
            RowGroupGranularity.month.bucket(daysSinceEpoch: days)
                == CivilDate(year: 2024, month: 5, day: 1).daysSinceEpoch
        )
        #expect(RowGroupGranularity.month.bucket(microsSinceEpoch: Int64(days) * 86_400_000_000 + 5) == days - 16)
    }
}

@Suite struct CivilDatesAndTimestampsAreExact {
    @Test func civilDatesRoundTripOverCenturies() {
        var previous: CivilDate?
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            #expect(date.isValid)
            if let previous { #expect(previous < date) }
            previous = date
        }
        #expect(CivilDate(daysSinceEpoch: 0) == CivilDate(year: 1970, month: 1, day: 1))
        #expect(CivilDate(year: 2000, month: 2, day: 29).isValid)
        #expect(!CivilDate(year: 1900, month: 2, day: 29).isValid)
    }

    @Test func partitionValuesFormatAsISO8601() {
        let micros = Int64(CivilDate(year: 2024, month: 5, day: 17).daysSinceEpoch) * 86_400_000_000 + 36_000_000_000
        #expect(ISO8601Timestamp.string(microsSinceEpoch: micros, utc: true) == "2024-05-17T10:00:00Z")
        #expect(ISO8601Timestamp.string(microsSinceEpoch: micros, utc: false) == "2024-05-17T10:00:00")
        #expect(ISO8601Timestamp.string(microsSinceEpoch: micros + 123_000, utc: false) == "2024-05-17T10:00:00.123")
        #expect(ISO8601Timestamp.string(microsSinceEpoch: micros + 123_456, utc: true) == "2024-05-17T10:00:00.123456Z")
        #expect(ISO8601Timestamp.string(microsSinceEpoch: -1, utc: true) == "1969-12-31T23:59:59.999999Z")
        #expect(ISO8601Timestamp.string(daysSinceEpoch: 19860) == "2024-05-17")
    }

    @Test func parsingIsTheInverse() {
        for micros: Int64 in [0, -1, 1_716_000_000_123_456, 253_402_300_799_999_999, -62_135_596_800_000_000] {
            for utc in [true, false] {
                let text = ISO8601Timestamp.string(microsSinceEpoch: micros, utc: utc)
                #expect(ISO8601Timestamp.micros(from: text) == micros, "\(text)")
            }
        }
        #expect(ISO8601Timestamp.micros(from: "2024-05-17") == Int64(19860) * 86_400_000_000)
        #expect(ISO8601Timestamp.micros(from: "2024-05-17T02:00:00+02:00") == Int64(19860) * 86_400_000_000)
        #expect(ISO8601Timestamp.micros(from: "2024-05-17 00:00:00.5") == Int64(19860) * 86_400_000_000 + 500_000)
        for bad in ["2024-5-17", "2024-05-32", "2024-05-17T25:00:00", "yesterday", "2024-05-17T10:00", "2024-05-17Z"] {
            #expect(ISO8601Timestamp.micros(from: bad) == nil, "\(bad)")
        }
    }

    @Test func datesFormatInUTC() {
        let moment = Date(timeIntervalSince1970: 1_795_568_523.25)
        #expect(ISO8601Timestamp.string(from: moment) == "2026-11-25T01:02:03Z")
        #expect(ISO8601Timestamp.string(from: moment, fractionalDigits: 3) == "2026-11-25T01:02:03.250Z")
        #expect(ISO8601Timestamp.date(from: "2026-11-25T01:02:03.250Z") == moment)
    }
}
