import Parquet
import Testing

@testable import MySQLSource

/// The binary protocol's value formats, decoded from hand-built packets: the cases a real
/// server rarely sends in tests (values over 16 MiB, every temporal length, negative TIME with
/// days), checked byte by byte. Real rows of every type are covered by TypeRoundTripTests.
@Suite struct BinaryProtocolValuesDecodeFromThePacket {
    private func lengthEncoded(_ packet: [UInt8]) -> (count: Int, start: Int, wire: Int) {
        packet.withUnsafeBufferPointer { p in
            let (bytes, wire) = BinaryRowDecoder.lengthEncodedBytes(p.baseAddress!)
            return (bytes.count, UnsafeRawPointer(bytes.baseAddress!) - UnsafeRawPointer(p.baseAddress!), wire)
        }
    }

    @Test func lengthEncodedIntegersOfEveryWidth() {
        #expect(lengthEncoded([0, 0xEE]) == (0, 1, 1))
        #expect(lengthEncoded([250] + [UInt8](repeating: 7, count: 250)) == (250, 1, 251))
        #expect(lengthEncoded([252, 0x34, 0x12]) == (0x1234, 3, 3 + 0x1234))
        #expect(lengthEncoded([253, 0x56, 0x34, 0x12]) == (0x12_3456, 4, 4 + 0x12_3456))
        #expect(lengthEncoded([254, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0]) == (0x100_0001, 9, 9 + 0x100_0001))
    }

    private func temporal(_ bytes: [UInt8]) -> WireTemporal {
        bytes.withUnsafeBufferPointer { WireTemporal($0.baseAddress!, length: bytes.count) }
    }

    @Test func temporalValuesOfEveryLength() {
        let zero = temporal([])
        #expect([zero.year, zero.month, zero.day, zero.hour, zero.microsecond] == [0, 0, 0, 0, 0])
        let date = temporal([0xE8, 0x07, 5, 17])
        #expect([date.year, date.month, date.day, date.hour, date.minute, date.second] == [2024, 5, 17, 0, 0, 0])
        let seconds = temporal([0xE8, 0x07, 5, 17, 23, 59, 58])
        #expect([seconds.hour, seconds.minute, seconds.second, seconds.microsecond] == [23, 59, 58, 0])
        let micros = temporal([0xE8, 0x07, 5, 17, 23, 59, 58, 0x3F, 0x42, 0x0F, 0x00])
        #expect(micros.microsecond == 999_999)
    }

    private func time(_ bytes: [UInt8]) -> Int64 {
        bytes.withUnsafeBufferPointer { WireTime($0.baseAddress!, length: bytes.count).microseconds }
    }

    @Test func timeValuesKeepTheirDaysAndSign() {
        #expect(time([]) == 0)
        // -34 days 22:59:59.000001 is -838:59:59.000001 in MySQL's notation.
        let expected = -(((34 * 24 + 22) * 3600 + 59 * 60 + 59) * 1_000_000 + 1) as Int64
        #expect(time([1, 34, 0, 0, 0, 22, 59, 59, 1, 0, 0, 0]) == expected)
        #expect(time([0, 1, 0, 0, 0, 1, 2, 3]) == ((24 + 1) * 3600 + 2 * 60 + 3) * 1_000_000)
    }
}
