/// What the column writer needs to know of each fixed-width physical type, so that one
/// generic code path serves INT32, INT64, FLOAT and DOUBLE at full speed.
protocol FixedWidthValue: Sendable {
    /// The exact bit pattern, used as the dictionary key (so -0.0 and 0.0 stay distinct).
    var dictionaryKey: UInt64 { get }
    init(dictionaryKey: UInt64)
    static var supportsDelta: Bool { get }
    static func minMax(_ values: UnsafeBufferPointer<Self>, order: ValueOrder) -> (min: [UInt8], max: [UInt8])?
    static func encodeDelta(_ values: UnsafeBufferPointer<Self>, into out: inout [UInt8])
    /// Bytes DELTA_BINARY_PACKED would take, estimated in one cheap pass.
    static func estimateDeltaSize(_ values: UnsafeBufferPointer<Self>) -> Int
    /// Bytes per value that differ across the values' range (1 to the width): about the least
    /// ZSTD can leave of PLAIN values, whose higher bytes are the same in all of them.
    static func rangeBytes(_ values: UnsafeBufferPointer<Self>) -> Int
    /// Whether every value is greater than the one before (in the type's own order; floats
    /// answer false, their dictionary is always tried).
    static func isStrictlyIncreasing(_ values: UnsafeBufferPointer<Self>) -> Bool
}

extension FixedWidthValue where Self: FixedWidthInteger {
    static func isStrictlyIncreasing(_ values: UnsafeBufferPointer<Self>) -> Bool {
        var i = 1
        while i < values.count {
            if values[i] <= values[i - 1] { return false }
            i += 1
        }
        return true
    }
}

extension FixedWidthValue where Self: FixedWidthInteger & SignedInteger {
    static var supportsDelta: Bool { true }

    /// `hi - lo` as an unsigned count of the type's width (wrapping, as deltas do).
    @inline(__always)
    static func span(from lo: Self, to hi: Self) -> UInt64 {
        UInt64(truncatingIfNeeded: hi &- lo) & (Self.bitWidth == 64 ? ~0 : (1 << UInt64(Self.bitWidth)) - 1)
    }

    static func minMax(_ values: UnsafeBufferPointer<Self>, order: ValueOrder) -> (min: [UInt8], max: [UInt8])? {
        MinMax.of(values, unsigned: order == .unsigned)
    }

    static func encodeDelta(_ values: UnsafeBufferPointer<Self>, into out: inout [UInt8]) {
        DeltaBinaryPacked.encode(values, into: &out)
    }

    static func estimateDeltaSize(_ values: UnsafeBufferPointer<Self>) -> Int {
        guard values.count > 1 else { return 16 }
        var bits = 0
        var i = 1
        while i < values.count {
            let end = Swift.min(i + DeltaBinaryPacked.miniblockSize, values.count)
            var lo = values[i] &- values[i - 1]
            var hi = lo
            var k = i + 1
            while k < end {
                let d = values[k] &- values[k - 1]
                if d < lo { lo = d }
                if d > hi { hi = d }
                k += 1
            }
            bits += BitPacking.bitWidth(span(from: lo, to: hi)) * DeltaBinaryPacked.miniblockSize
            i = end
        }
        // Block headers: a min delta and four widths per 128 values.
        return bits / 8 + (values.count / DeltaBinaryPacked.blockSize + 1) * 8
    }

    static func rangeBytes(_ values: UnsafeBufferPointer<Self>) -> Int {
        guard var lo = values.first else { return 0 }
        var hi = lo
        for v in values {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        return Swift.max(1, (BitPacking.bitWidth(span(from: lo, to: hi)) + 7) / 8)
    }
}

extension Int32: FixedWidthValue {
    var dictionaryKey: UInt64 { UInt64(UInt32(bitPattern: self)) }
    init(dictionaryKey: UInt64) { self = Int32(bitPattern: UInt32(truncatingIfNeeded: dictionaryKey)) }
}

extension Int64: FixedWidthValue {
    var dictionaryKey: UInt64 { UInt64(bitPattern: self) }
    init(dictionaryKey: UInt64) { self = Int64(bitPattern: dictionaryKey) }
}

extension FixedWidthValue where Self: BinaryFloatingPoint {
    static var supportsDelta: Bool { false }

    static func minMax(_ values: UnsafeBufferPointer<Self>, order: ValueOrder) -> (min: [UInt8], max: [UInt8])? {
        MinMax.of(floats: values)
    }

    static func encodeDelta(_ values: UnsafeBufferPointer<Self>, into out: inout [UInt8]) {
        preconditionFailure("DELTA_BINARY_PACKED is for integers")
    }

    static func estimateDeltaSize(_ values: UnsafeBufferPointer<Self>) -> Int { Int.max }

    static func rangeBytes(_ values: UnsafeBufferPointer<Self>) -> Int { MemoryLayout<Self>.size }

    static func isStrictlyIncreasing(_ values: UnsafeBufferPointer<Self>) -> Bool { false }
}

extension Float: FixedWidthValue {
    var dictionaryKey: UInt64 { UInt64(bitPattern) }
    init(dictionaryKey: UInt64) { self = Float(bitPattern: UInt32(truncatingIfNeeded: dictionaryKey)) }
}

extension Double: FixedWidthValue {
    var dictionaryKey: UInt64 { bitPattern }
    init(dictionaryKey: UInt64) { self = Double(bitPattern: dictionaryKey) }
}
