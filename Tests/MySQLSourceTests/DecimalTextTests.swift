import Parquet
import Testing

@testable import MySQLSource

@Suite struct DecimalTextParsesMySQLDecimalsExactly {
    private func unscaled(_ text: String, precision: Int, scale: Int) -> Int64? {
        Array(text.utf8).withUnsafeBytes { DecimalText.unscaledInt64($0, precision: precision, scale: scale) }
    }

    private func wide(_ text: String, precision: Int, scale: Int) -> [UInt8]? {
        let width = ColumnDescriptor.decimalByteWidth(precision: precision)
        var output = [UInt8](repeating: 0xAA, count: width)
        let ok = Array(text.utf8).withUnsafeBytes { input in
            output.withUnsafeMutableBytes {
                DecimalText.unscaledBigEndian(input, precision: precision, scale: scale, into: $0)
            }
        }
        return ok ? output : nil
    }

    /// Big-endian two's complement of a decimal digit string, by schoolbook arithmetic on
    /// bytes: an independent reference for the limb-based parser.
    private func reference(_ digits: String, negative: Bool, width: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: width)
        for character in digits {
            var carry = Int(character.asciiValue! - 48)
            for i in stride(from: width - 1, through: 0, by: -1) {
                let v = Int(bytes[i]) * 10 + carry
                bytes[i] = UInt8(v & 0xFF)
                carry = v >> 8
            }
        }
        guard negative else { return bytes }
        bytes = bytes.map { ~$0 }
        for i in stride(from: width - 1, through: 0, by: -1) {
            bytes[i] &+= 1
            if bytes[i] != 0 { break }
        }
        return bytes
    }

    @Test func valuesAtTheirScaleBecomeTheirUnscaledInteger() {
        #expect(unscaled("123.45", precision: 5, scale: 2) == 12345)
        #expect(unscaled("-123.45", precision: 5, scale: 2) == -12345)
        #expect(unscaled("0.01", precision: 12, scale: 2) == 1)
        #expect(unscaled("-0.01", precision: 12, scale: 2) == -1)
    }

    @Test func negativeZeroIsZero() {
        #expect(unscaled("-0.00", precision: 12, scale: 2) == 0)
        #expect(unscaled("-0", precision: 1, scale: 0) == 0)
    }

    @Test func aValueWithoutFractionIsScaledUp() {
        #expect(unscaled("42", precision: 10, scale: 0) == 42)
        #expect(unscaled("42", precision: 10, scale: 3) == 42_000)
        #expect(unscaled("-7", precision: 4, scale: 2) == -700)
    }

    @Test func leadingZerosDoNotCountAsDigits() {
        #expect(unscaled("0007.50", precision: 3, scale: 2) == 750)
        #expect(unscaled("000", precision: 1, scale: 0) == 0)
        #expect(unscaled(".5", precision: 2, scale: 1) == 5)
    }

    @Test func trailingZerosPastTheScaleAreAcceptedOtherDigitsAreNot() {
        #expect(unscaled("1.50", precision: 3, scale: 1) == 15)
        #expect(unscaled("1.55", precision: 3, scale: 1) == nil)
        #expect(unscaled("1.5", precision: 3, scale: 0) == nil)
    }

    @Test func theExtremesOfInt64DecimalsFit() {
        #expect(unscaled("999999999999999999", precision: 18, scale: 0) == 999_999_999_999_999_999)
        #expect(unscaled("-99999999999999999.9", precision: 18, scale: 1) == -999_999_999_999_999_999)
        #expect(unscaled("-9999999.99", precision: 9, scale: 2) == -999_999_999)
    }

    @Test func moreDigitsThanThePrecisionAreRejected() {
        #expect(unscaled("12345.6", precision: 5, scale: 1) == nil)
        #expect(unscaled("1000", precision: 5, scale: 2) == nil)
        #expect(unscaled("9999999999999999999", precision: 18, scale: 0) == nil)
    }

    @Test(arguments: ["", "-", "+", ".", "1.2.3", "1e5", "abc", " 1", "1 ", "--1", "1-"])
    func malformedTextIsRejected(_ text: String) {
        #expect(unscaled(text, precision: 10, scale: 2) == nil)
        #expect(wide(text, precision: 30, scale: 2) == nil)
    }

    @Test func precision65WithScale30RoundTripsAtItsExtremes() throws {
        let integer = String(repeating: "9", count: 35)
        let fraction = String(repeating: "9", count: 30)
        let width = ColumnDescriptor.decimalByteWidth(precision: 65)
        #expect(width == 28)
        let maximum = try #require(wide("\(integer).\(fraction)", precision: 65, scale: 30))
        #expect(maximum == reference(integer + fraction, negative: false, width: width))
        let minimum = try #require(wide("-\(integer).\(fraction)", precision: 65, scale: 30))
        #expect(minimum == reference(integer + fraction, negative: true, width: width))
        #expect(minimum[0] & 0x80 != 0)
        #expect(DecimalText.format(bigEndian: maximum, scale: 30) == "\(integer).\(fraction)")
        #expect(DecimalText.format(bigEndian: minimum, scale: 30) == "-\(integer).\(fraction)")
        #expect(wide("1\(integer).\(fraction)", precision: 65, scale: 30) == nil)
    }

    @Test func wideDecimalsOfSmallValuesAreSignExtended() throws {
        #expect(wide("1", precision: 19, scale: 0) == [0, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(wide("-1", precision: 19, scale: 0) == [UInt8](repeating: 0xFF, count: 9))
        #expect(wide("-0.00", precision: 20, scale: 2) == [UInt8](repeating: 0, count: 9))
        let value = try #require(wide("-12345678901234567890.12", precision: 22, scale: 2))
        #expect(value == reference("1234567890123456789012", negative: true, width: 10))
    }

    @Test func unscaledValuesFormatBackToDecimalText() {
        #expect(DecimalText.format(unscaled: 12345, scale: 2) == "123.45")
        #expect(DecimalText.format(unscaled: -5, scale: 3) == "-0.005")
        #expect(DecimalText.format(unscaled: 0, scale: 2) == "0.00")
        #expect(DecimalText.format(unscaled: -42, scale: 0) == "-42")
        #expect(DecimalText.format(bigEndian: [0xFF, 0xFF], scale: 1) == "-0.1")
    }
}
