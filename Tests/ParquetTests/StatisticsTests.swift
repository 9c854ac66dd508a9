import Testing

@testable import Parquet

@Suite struct StatisticsOrdering {
    @Test func unsignedIntegersCompareByTheirBits() {
        let values: [Int64] = [1, -1, 5]  // -1 is UINT64 max
        let bounds = values.withUnsafeBufferPointer { MinMax.of($0, unsigned: true) }
        #expect(bounds?.min == MinMax.encode(Int64(1)))
        #expect(bounds?.max == MinMax.encode(Int64(-1)))
        let signed = values.withUnsafeBufferPointer { MinMax.of($0, unsigned: false) }
        #expect(signed?.min == MinMax.encode(Int64(-1)))
        #expect(signed?.max == MinMax.encode(Int64(5)))
    }

    @Test func nanTakesNoPartAndZerosAreSigned() {
        let values: [Double] = [.nan, 0.0, 3.5, -0.0, .nan]
        let bounds = values.withUnsafeBufferPointer { MinMax.of(floats: $0) }
        #expect(bounds?.min == MinMax.encode(-0.0 as Double))
        #expect(bounds?.max == MinMax.encode(3.5 as Double))
        let zeros: [Double] = [0.0, 0.0]
        let z = zeros.withUnsafeBufferPointer { MinMax.of(floats: $0) }
        #expect(z?.min == MinMax.encode(-0.0 as Double))
        #expect(z?.max == MinMax.encode(0.0 as Double))
        let nans: [Float] = [.nan]
        #expect(nans.withUnsafeBufferPointer { MinMax.of(floats: $0) } == nil)
    }

    @Test func stringsCompareBytewiseUnsigned() {
        var buffer = ByteArrayBuffer()
        for s in ["b", "a", "é", "", "ab"] { buffer.append(s) }
        let bounds = MinMax.of(byteArrays: buffer, rows: 0..<5, validity: nil, order: .bytes)
        #expect(bounds?.min == [])
        #expect(bounds?.max == Array("é".utf8))  // 0xC3 sorts after ASCII
    }

    @Test func wideDecimalsCompareAsSignedBigEndian() {
        let minusOne: [UInt8] = [0xFF, 0xFF, 0xFF]
        let one: [UInt8] = [0x00, 0x00, 0x01]
        let big: [UInt8] = [0x7F, 0xFF, 0xFF]
        let mostNegative: [UInt8] = [0x80, 0x00, 0x00]
        let buffer = FixedLenByteArrayBuffer(width: 3, bytes: one + minusOne + big + mostNegative)
        let bounds = MinMax.of(fixed: buffer, rows: 0..<4, validity: nil, order: .signedBytes)
        #expect(bounds?.min == mostNegative)
        #expect(bounds?.max == big)
    }

    @Test func nullRowsAreSkipped() {
        var buffer = ByteArrayBuffer()
        for s in ["zzz", "", "m"] { buffer.append(s) }
        let bounds = MinMax.of(byteArrays: buffer, rows: 0..<3, validity: [false, false, true], order: .bytes)
        #expect(bounds?.min == Array("m".utf8))
        #expect(bounds?.max == Array("m".utf8))
    }

    @Test func columnOrderFollowsTheLogicalType() {
        #expect(
            ColumnDescriptor(name: "u", physicalType: .int32, logicalType: .integer(bitWidth: 16, signed: false))
                .valueOrder == .unsigned
        )
        #expect(
            ColumnDescriptor(name: "d", physicalType: .int64, logicalType: .decimal(precision: 12, scale: 2)).valueOrder
                == .signed
        )
        #expect(ColumnDescriptor.decimal("w", precision: 30, scale: 4).valueOrder == .signedBytes)
        #expect(ColumnDescriptor(name: "s", physicalType: .byteArray, logicalType: .string).allowsLegacyMinMax == false)
        #expect(
            ColumnDescriptor(
                name: "t",
                physicalType: .int64,
                logicalType: .timestamp(unit: .micros, adjustedToUTC: true)
            ).allowsLegacyMinMax
        )
    }
}

@Suite struct StatisticsTruncationRules {
    @Test func shortValuesStayExact() {
        let value = Array("hello".utf8)
        #expect(StatisticsTruncation.truncatedMin(value, limit: 64, isUTF8: true) == (value, true))
        #expect(StatisticsTruncation.truncatedMax(value, limit: 64, isUTF8: true) == (value, true))
    }

    @Test func truncatedMinIsAPrefixAtACharacterBoundary() {
        let value = Array("aé€".utf8)  // 1 + 2 + 3 bytes
        let r = StatisticsTruncation.truncatedMin(value, limit: 4, isUTF8: true)
        #expect(r.bytes == Array("aé".utf8))
        #expect(r.exact == false)
    }

    @Test func truncatedMaxIncrementsTheLastCharacterAndStaysValidUTF8() {
        let value = Array("abcz tail".utf8)
        let r = StatisticsTruncation.truncatedMax(value, limit: 4, isUTF8: true)
        #expect(r.bytes == Array("abc{".utf8))
        #expect(String(validating: r.bytes, as: UTF8.self) != nil)
        #expect(!(r.bytes.lexicographicallyPrecedes(value)))
    }

    @Test func binaryMaxCarriesPastFFBytes() {
        let value: [UInt8] = [0x01, 0xFF, 0xFF, 0x00, 0x00]
        let r = StatisticsTruncation.truncatedMax(value, limit: 3, isUTF8: false)
        #expect(r.bytes == [0x02])
        let allFF: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
        #expect(StatisticsTruncation.truncatedMax(allFF, limit: 2, isUTF8: false) == (allFF, true))
    }
}
