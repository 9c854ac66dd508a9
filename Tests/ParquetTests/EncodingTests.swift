import Testing

@testable import Parquet

/// Byte vectors worked out by hand from Encodings.md.
@Suite struct RleBitPackedHybridEncoding {
    func encode(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { RleBitPackedHybrid.encode($0, bitWidth: bitWidth, into: &out) }
        return out
    }

    func decode(_ bytes: [UInt8], count: Int, bitWidth: Int) throws -> [UInt32] {
        var decoded = [UInt64](repeating: 0, count: count)
        try bytes.withUnsafeBytes { raw in
            var decoder = RleBitPackedDecoder(bitWidth: bitWidth, data: raw)
            try decoded.withUnsafeMutableBufferPointer { try decoder.decode(count: count, into: $0.baseAddress!) }
        }
        return decoded.map { UInt32($0) }
    }

    @Test func eightOrMoreEqualValuesBecomeOneRleRun() {
        // header = 100 << 1 = 200 as ULEB128 (0xC8 0x01), then the value in one byte.
        #expect(encode(Array(repeating: 1, count: 100), bitWidth: 1) == [0xC8, 0x01, 0x01])
        // Wider values take ceil(bitWidth / 8) bytes, little-endian.
        #expect(encode(Array(repeating: 0x1234, count: 9), bitWidth: 13) == [0x12, 0x34, 0x12])
    }

    @Test func shortVaryingRunsAreBitPackedLsbFirst() {
        // Encodings.md example: values 0..7 at bit width 3 pack to 0x88 0xC6 0xFA;
        // header (1 group << 1) | 1 = 0x03.
        #expect(encode([0, 1, 2, 3, 4, 5, 6, 7], bitWidth: 3) == [0x03, 0x88, 0xC6, 0xFA])
    }

    @Test func aPartialLastGroupIsPaddedToEightValues() {
        #expect(encode([1, 0, 1], bitWidth: 1) == [0x03, 0b0000_0101])
    }

    @Test func literalsBeforeARunAreToppedUpToAGroupFromTheRun() {
        // 3 literals, then 15 sevens: 5 sevens complete the group, the other 10 are a run.
        let values: [UInt32] = [1, 2, 3] + Array(repeating: 7, count: 15)
        #expect(encode(values, bitWidth: 3) == [0x03, 0xD1, 0xFE, 0xFF, 0x14, 0x07])
        // Too short a run after the top-up stays literal.
        let short: [UInt32] = [1, 2, 3] + Array(repeating: 7, count: 12)
        #expect(encode(short, bitWidth: 3) == [0x05, 0xD1, 0xFE, 0xFF, 0xFF, 0xFF, 0x1F])
    }

    @Test func definitionLevelsComeStraightFromValidityFlags() throws {
        let flags: [Bool] = [true, false, true] + Array(repeating: true, count: 20) + [false]
        var out: [UInt8] = []
        flags.withUnsafeBufferPointer { RleBitPackedHybrid.encode($0, bitWidth: 1, into: &out) }
        #expect(try decode(out, count: flags.count, bitWidth: 1) == flags.map { $0 ? 1 : 0 })
    }

    @Test(arguments: [1, 2, 3, 7, 8, 13, 20, 32])
    func roundTripsMixedRunsAtEveryWidth(bitWidth: Int) throws {
        var random = SystemRandomNumberGenerator()
        let mask = UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(bitWidth)) - 1)
        var values: [UInt32] = []
        while values.count < 5_000 {
            let value = UInt32(truncatingIfNeeded: random.next()) & mask
            let run = Bool.random(using: &random) ? Int.random(in: 1...40, using: &random) : 1
            values.append(contentsOf: repeatElement(value, count: run))
        }
        #expect(try decode(encode(values, bitWidth: bitWidth), count: values.count, bitWidth: bitWidth) == values)
    }

    @Test func literalRunsLongerThan63GroupsStartANewHeader() throws {
        let values = (0..<2_000).map { UInt32($0 % 7) }
        let bytes = encode(values, bitWidth: 3)
        #expect(try decode(bytes, count: values.count, bitWidth: 3) == values)
        // 2000 values = 250 groups; at most 63 groups per header byte.
        #expect(bytes.count == 250 * 3 + 4)
    }
}

@Suite struct DeltaBinaryPackedEncoding {
    @Test func headerAndASingleValue() {
        var out: [UInt8] = []
        [Int64(7)].withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &out) }
        // block 128, 4 miniblocks, 1 value, first value zigzag(7) = 14.
        #expect(out == [0x80, 0x01, 0x04, 0x01, 0x0E])
    }

    @Test func consecutiveIdsNeedZeroBitsPerValue() {
        let ids = (1...129).map { Int64($0) }
        var out: [UInt8] = []
        ids.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &out) }
        // header (5 bytes incl. first value 1 → zigzag 2), min delta 1 → zigzag 2, four widths of 0.
        #expect(out == [0x80, 0x01, 0x04, 0x81, 0x01, 0x02, 0x02, 0, 0, 0, 0])
    }

    @Test(arguments: [0, 1, 2, 127, 128, 129, 1_000, 4_097])
    func roundTripsInt64WithWrapAround(count: Int) throws {
        var values: [Int64] = (0..<count).map { _ in Int64.random(in: -1_000_000...1_000_000) }
        if count > 3 {
            values[1] = .max
            values[2] = .min
        }
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &out) }
        var decoded = [Int64](repeating: 0, count: count)
        _ = try out.withUnsafeBytes { raw in
            try decoded.withUnsafeMutableBufferPointer {
                try DeltaBinaryPacked.decode(raw, count: count, into: $0.baseAddress!)
            }
        }
        #expect(decoded == values)
    }

    @Test func int32DeltasWrapInThirtyTwoBits() throws {
        let values: [Int32] = [.max, .min, .max, 0, -1, .min]
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &out) }
        // No miniblock may be wider than the column's 32 bits (readers reject it).
        let widths = try out.withUnsafeBytes { raw in
            var reader = VarintReader(data: raw)
            for _ in 0..<5 { _ = try reader.uleb() }  // block, miniblocks, count, first value, min delta
            return Array(raw[reader.position..<(reader.position + 4)])
        }
        #expect(widths.allSatisfy { $0 <= 32 })
        #expect(widths[0] == 32)
        var decoded = [Int32](repeating: 0, count: values.count)
        _ = try out.withUnsafeBytes { raw in
            try decoded.withUnsafeMutableBufferPointer {
                try DeltaBinaryPacked.decode(raw, count: values.count, into: $0.baseAddress!)
            }
        }
        #expect(decoded == values)
    }
}

@Suite struct DictionaryBuilding {
    @Test func indicesFollowFirstAppearance() {
        let dictionary = IntegerDictionary()
        let indices = [5, 3, 5, 9, 3].map { dictionary.index(of: UInt64($0)) }
        #expect(indices == [0, 1, 0, 2, 1])
        #expect(dictionary.values == [5, 3, 9])
    }

    @Test func growsPastItsInitialCapacity() {
        let dictionary = IntegerDictionary()
        for i in 0..<100_000 { #expect(dictionary.index(of: UInt64(i * 7919)) == i) }
        for i in stride(from: 0, to: 100_000, by: 997) { #expect(dictionary.index(of: UInt64(i * 7919)) == i) }
    }

    @Test func byteStringsOfEveryShortLengthCompareExactly() {
        let dictionary = ByteArrayDictionary()
        let words = (0..<40).map { n in [UInt8]((0..<n).map { UInt8(($0 * 31 + n) & 0xFF) }) }
        for (i, word) in words.enumerated() {
            #expect(word.withUnsafeBytes { dictionary.index(of: $0) } == i)
        }
        for (i, word) in words.enumerated() {
            #expect(word.withUnsafeBytes { dictionary.index(of: $0) } == i)
        }
        // Same length, one byte apart, in the middle: must not collide.
        let a: [UInt8] = Array("abcdefghijk".utf8)
        var b = a
        b[5] = UInt8(ascii: "X")
        let ia = a.withUnsafeBytes { dictionary.index(of: $0) }
        let ib = b.withUnsafeBytes { dictionary.index(of: $0) }
        #expect(ia != ib)
    }
}
