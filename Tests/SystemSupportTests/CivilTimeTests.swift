import Foundation
import SystemSupport
import Testing

@Suite struct CivilTextWritesDatesAndTimesExactly {
    func text(_ build: (inout [UInt8]) -> Void) -> String { CivilText.string(build) }

    /// The C library's calendar (gmtime_r) is the reference for every day MySQL can store.
    @Test func datesAgreeWithTheCLibrary() {
        for _ in 0..<2_000 {
            let days = Int.random(in: -719_162...2_932_896)  // 0001-01-01 ... 9999-12-31
            var seconds = time_t(days) * 86_400
            var parts = tm()
            gmtime_r(&seconds, &parts)
            let expected = String(
                format: "%04d-%02d-%02d",
                Int(parts.tm_year) + 1900,
                Int(parts.tm_mon) + 1,
                Int(parts.tm_mday)
            )
            #expect(text { CivilText.appendDate(days: days, to: &$0) } == expected)
        }
    }

    @Test func yearsOutsideFourDigitsKeepTheirSign() {
        #expect(CivilDate(year: -1, month: 12, day: 31).description == "-0001-12-31")
        #expect(CivilDate(year: 0, month: 1, day: 1).description == "0000-01-01")
        #expect(CivilDate(year: 12345, month: 1, day: 1).description == "+12345-01-01")
    }

    @Test(arguments: [
        (0, 0, "00:00:00"), (45_296_789_000_000, 3, "12:34:56.789"), (86_399_999_999_000, 6, "23:59:59.999999"),
        (3_020_399_000_000_000, 0, "838:59:59"),
    ])
    func clocksAndFractions(nanoseconds: UInt64, digits: Int, expected: String) {
        #expect(
            text {
                CivilText.appendClock(seconds: nanoseconds / 1_000_000_000, to: &$0)
                CivilText.appendFraction(nanoseconds: nanoseconds % 1_000_000_000, digits: digits, to: &$0)
            } == expected
        )
    }

    @Test(arguments: [
        (0 as UInt64, 4, "0000"), (7, 2, "07"), (12345, 2, "12345"), (UInt64.max, 1, "18446744073709551615"),
    ])
    func digitsArePaddedToTheirWidth(value: UInt64, width: Int, expected: String) {
        #expect(text { CivilText.appendDigits(value, width: width, to: &$0) } == expected)
    }
}

@Suite struct ISO8601TimestampsRoundTrip {
    @Test func writesUTCToTheChosenDigits() {
        let date = Date(timeIntervalSince1970: 1_764_032_523.123456)
        #expect(ISO8601Timestamp.string(from: date) == "2025-11-25T01:02:03Z")
        #expect(ISO8601Timestamp.string(from: date, fractionalDigits: 3) == "2025-11-25T01:02:03.123Z")
        #expect(
            ISO8601Timestamp.string(from: Date(timeIntervalSince1970: -0.001), fractionalDigits: 3)
                == "1969-12-31T23:59:59.999Z"
        )
    }

    @Test func readsDatesTimesFractionsAndOffsets() {
        #expect(ISO8601Timestamp.micros(from: "1970-01-02") == 86_400_000_000)
        #expect(ISO8601Timestamp.micros(from: "1970-01-01T00:00:01.5Z") == 1_500_000)
        #expect(ISO8601Timestamp.micros(from: "1970-01-01 01:00:00+01:00") == 0)
        #expect(ISO8601Timestamp.micros(from: "1970-01-01T00:00:00.123456789") == 123_456)
        #expect(ISO8601Timestamp.micros(from: "1970-01-02", requiringTime: true) == nil)
        #expect(ISO8601Timestamp.micros(from: "1970-01-01 00:00:00.1234567", fractionDigits: 6) == nil)
        #expect(ISO8601Timestamp.micros(from: "2023-02-29") == nil)
        #expect(ISO8601Timestamp.micros(from: "2024-01-01T24:00:00") == nil)
    }
}
