import Testing

@testable import Parquet

/// Byte vectors worked out by hand from Encodings.md.
@Suite struct RleBitPackedHybridEncoding {
    @Test func eightOrMoreEqualValuesBecomeOneRleRun() {
        var encoder = RleBitPackedEncoder(bitWidth: 1)
        encoder.put(1, repeated: 100)
        // header = 100 << 1 = 200 as ULEB128 (0xC8 0x01), then the value in one byte.
        #expect(encoder.finish() == [0xC8, 0x01, 0x01])
    }

    @Test func shortVaryingRunsAreBitPackedLsbFirst() {
        var encoder = RleBitPackedEncoder(bitWidth: 3)
        for v: UInt64 in [0, 1, 2, 3, 4, 5, 6, 7] { encoder.put(v) }
        // Encodings.md example: values 0..7 at bit width 3 pack to 0x88 0xC6 0xFA;
        // header (1 group << 1) | 1 = 0x03.
        #expect(encoder.finish() == [0x03, 0x88, 0xC6, 0xFA])
    }

    @Test func aPartialLastGroupIsPaddedToEightValues() {
        var encoder = RleBitPackedEncoder(bitWidth: 1)
        for v: UInt64 in [1, 0, 1] { encoder.put(v) }
        #expect(encoder.finish() == [0x03, 0b0000_0101])
    }

    @Test(arguments: [1, 2, 3, 7, 8, 13, 20, 32])
    func roundTripsMixedRunsAtEveryWidth(bitWidth: Int) throws {
        var random = SystemRandomNumberGenerator()
        let mask: UInt64 = (1 << UInt64(bitWidth)) - 1
        var values: [UInt64] = []
        while values.count < 5_000 {
            let value = random.next() & mask
            let run = Bool.random(using: &random) ? Int.random(in: 1...40, using: &random) : 1
            values.append(contentsOf: repeatElement(value, count: run))
        }
        var encoder = RleBitPackedEncoder(bitWidth: bitWidth)
        for v in values { encoder.put(v) }
        let bytes = encoder.finish()
        var decoded = [UInt64](repeating: 0, count: values.count)
        try bytes.withUnsafeBytes { raw in
            var decoder = RleBitPackedDecoder(bitWidth: bitWidth, data: raw)
            try decoded.withUnsafeMutableBufferPointer { try decoder.decode(count: values.count, into: $0.baseAddress!) }
        }
        #expect(decoded == values)
    }

    @Test func literalRunsLongerThan63GroupsStartANewHeader() throws {
        let values = (0..<2_000).map { UInt64($0 % 7) }
        var encoder = RleBitPackedEncoder(bitWidth: 3)
        for v in values { encoder.put(v) }
        let bytes = encoder.finish()
        var decoded = [UInt64](repeating: 0, count: values.count)
        try bytes.withUnsafeBytes { raw in
            var decoder = RleBitPackedDecoder(bitWidth: 3, data: raw)
            try decoded.withUnsafeMutableBufferPointer { try decoder.decode(count: values.count, into: $0.baseAddress!) }
        }
        #expect(decoded == values)
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
            try decoded.withUnsafeMutableBufferPointer { try DeltaBinaryPacked.decode(raw, count: count, into: $0.baseAddress!) }
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
            try decoded.withUnsafeMutableBufferPointer { try DeltaBinaryPacked.decode(raw, count: values.count, into: $0.baseAddress!) }
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
