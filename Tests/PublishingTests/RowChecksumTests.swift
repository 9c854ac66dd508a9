import Foundation
import MySQLSource
import Parquet
import Testing

@testable import Publishing

/// The published side of reconciliation must render values exactly as MySQL's SQL does.
@Suite struct RowChecksumText {
    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
    }

    @Test func integersAndDecimalsRenderLikeMySQL() {
        func text(_ body: (inout [UInt8]) -> Void) -> String {
            var out: [UInt8] = []
            body(&out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(text { Digits.append(Int64.min, to: &$0) } == "-9223372036854775808")
        #expect(text { Digits.append(UInt64.max, to: &$0) } == "18446744073709551615")
        #expect(text { Digits.append(Int64(0), to: &$0) } == "0")
        for _ in 0..<2_000 {
            let unscaled = Int64.random(in: -999_999_999_999...999_999_999_999)
            let scale = Int.random(in: 0...6)
            #expect(
                text { Digits.appendDecimal(unscaled, scale: scale, to: &$0) }
                    == DecimalText.format(unscaled: unscaled, scale: scale)
            )
        }
        #expect(text { Digits.appendDecimal(-5, scale: 2, to: &$0) } == "-0.05")
    }

    @Test func datesAndDateTimesRenderLikeDateFormat() {
        func text(_ body: (inout [UInt8]) -> Void) -> String {
            var out: [UInt8] = []
            body(&out)
            return String(decoding: out, as: UTF8.self)
        }
        for _ in 0..<2_000 {
            let micros = Int64.random(in: -62_135_596_800_000_000...253_402_300_799_999_999)
            #expect(
                text { Digits.appendDateTime(micros: micros, to: &$0) }
                    == CivilCalendar.formatDateTime(microseconds: micros)
            )
            let days = Int.random(in: -719_162...2_932_896)
            #expect(text { Digits.appendDate(days: days, to: &$0) } == CivilCalendar.formatDate(days: Int64(days)))
        }
    }
}
