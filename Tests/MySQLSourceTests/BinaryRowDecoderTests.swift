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

    /// Dates repeat row after row, so the decoder keeps the last day's number: a repeated
    /// date, a zero date and an invalid date of the same year and month must still decode
    /// as themselves.
    @Test func repeatedZeroAndInvalidDatesDecodeAsThemselves() {
        let columns = [
            SourceColumn(
                name: "at",
                mysqlType: "datetime(6)",
                dataType: "datetime",
                isNullable: true,
                kind: .datetime(fractionalDigits: 6),
                parquet: ColumnDescriptor(
                    name: "at",
                    physicalType: .int64,
                    logicalType: .timestamp(unit: .micros, adjustedToUTC: false)
                )
            ),
            SourceColumn(
                name: "on",
                mysqlType: "date",
                dataType: "date",
                isNullable: true,
                kind: .date,
                parquet: ColumnDescriptor(name: "on", physicalType: .int32, logicalType: .date)
            ),
        ]
        let decoder = BinaryRowDecoder(columns: columns, decodings: [ValueDecoding(.datetime), ValueDecoding(.date)])
        // 2024-05-17 = day 19860.
        let rows: [[UInt8]] = [
            [0xE8, 0x07, 5, 17, 1, 2, 3, 0x3F, 0x42, 0x0F, 0x00],  // 01:02:03.999999
            [0xE8, 0x07, 5, 17, 23, 0, 0],
            [0xE8, 0x07, 5, 0],  // zero day
            [0xE8, 0x07, 2, 30],  // invalid
            [0xE8, 0x07, 5, 17],
            [],  // the zero date, sent empty
        ]
        decoder.prepare(rows: rows.count)
        for (row, value) in rows.enumerated() {
            decoder.row = row
            let packet = [UInt8(value.count)] + value
            for c in 0..<2 {
                let wire = packet.withUnsafeBufferPointer { decoder.decode(column: c, value: $0.baseAddress!) }
                #expect(wire == packet.count)
            }
        }
        let batch = decoder.finish(rows: rows.count)
        let day: Int64 = 19860
        let micros: Int64 = 86_400_000_000
        #expect(batch[0].validity == [true, true, false, false, true, false])
        #expect(batch[1].validity == [true, true, false, false, true, false])
        if case .int64(let at) = batch[0].values {
            let midnight: Int64 = day * micros
            let first: Int64 = midnight + 3_723_999_999
            let second: Int64 = midnight + 82_800_000_000
            #expect([at[0], at[1], at[4]] == [first, second, midnight])
        } else {
            Issue.record("DATETIME is not INT64")
        }
        if case .int32(let on) = batch[1].values {
            #expect([on[0], on[1], on[4]] == [19860, 19860, 19860])
        } else {
            Issue.record("DATE is not INT32")
        }
        #expect(decoder.warnings.zeroDates == ["at": 2, "on": 2])
        #expect(decoder.warnings.invalidDates == ["at": 1, "on": 1])
        #expect(decoder.failure == nil)
    }
}
