/// Bit packing as the Parquet spec defines it for the RLE/bit-packing hybrid and
/// DELTA_BINARY_PACKED: values packed from the least significant bit of each byte up
/// (Encodings.md, "Bit-packed (Deprecated)" is the other, big-endian order; never used here).
enum BitPacking {
    /// Packs `values` (each < 2^bitWidth) into `out`, `values.count * bitWidth / 8` bytes,
    /// rounded up. Callers pass multiples of 8 values so groups end on byte boundaries.
    @inline(__always)
    static func pack(_ values: UnsafeBufferPointer<UInt64>, bitWidth: Int, into out: inout [UInt8]) {
        if bitWidth == 0 { return }
        var accumulator: UInt64 = 0
        var accumulated = 0
        for value in values {
            accumulator |= value &<< UInt64(accumulated)
            accumulated += bitWidth
            if accumulated >= 64 {
                out.appendLittleEndian(accumulator)
                accumulated -= 64
                accumulator = accumulated == 0 ? 0 : value >> UInt64(bitWidth - accumulated)
            }
        }
        var remainingBytes = (accumulated + 7) / 8
        while remainingBytes > 0 {
            out.append(UInt8(truncatingIfNeeded: accumulator))
            accumulator >>= 8
            remainingBytes -= 1
        }
    }

    /// Reads `count` values of `bitWidth` bits starting at `bitOffset` bits into `bytes`.
    /// Bytes past the end read as zero (the spec lets the last group be padded).
    @inline(__always)
    static func unpack(
        _ bytes: UnsafeRawBufferPointer, bitOffset: Int, bitWidth: Int, count: Int,
        into out: UnsafeMutablePointer<UInt64>
    ) {
        if bitWidth == 0 {
            out.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) &- 1
        var bit = bitOffset
        for i in 0..<count {
            let byteIndex = bit >> 3
            let shift = UInt64(bit & 7)
            var word: UInt64
            if byteIndex + 8 <= bytes.count {
                word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: byteIndex, as: UInt64.self))
            } else {
                word = 0
                for k in 0..<8 where byteIndex + k < bytes.count {
                    word |= UInt64(bytes[byteIndex + k]) << UInt64(8 * k)
                }
            }
            var result = word >> shift
            if shift + UInt64(bitWidth) > 64, byteIndex + 8 < bytes.count {
                result |= UInt64(bytes[byteIndex + 8]) << (64 - shift)
            }
            out[i] = result & mask
            bit += bitWidth
        }
    }

    /// Bits needed to represent `value` (0 for 0).
    @inline(__always)
    static func bitWidth(_ value: UInt64) -> Int {
        64 - value.leadingZeroBitCount
    }
}
