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

    @Test func dateTimesRenderLikeDateFormat() {
        func text(_ micros: Int64, _ digits: Int) -> String {
            var out: [UInt8] = []
            Digits.appendDateTime(micros: micros, fractionDigits: digits, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(text(1_709_208_000_000_001, 6) == "2024-02-29 12:00:00.000001")
        #expect(text(1_709_208_000_123_456, 3) == "2024-02-29 12:00:00.123")
        #expect(text(-1, 0) == "1969-12-31 23:59:59")
        #expect(text(253_402_300_799_999_999, 6) == "9999-12-31 23:59:59.999999")
    }
}
