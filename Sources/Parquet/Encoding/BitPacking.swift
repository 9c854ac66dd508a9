/// Bit packing as the Parquet spec defines it for the RLE/bit-packing hybrid and
/// DELTA_BINARY_PACKED: values packed from the least significant bit of each byte up
/// (Encodings.md, "Bit-packed (Deprecated)" is the other, big-endian order; never used here).
enum BitPacking {
    /// Packs `values` (each < 2^bitWidth) at `out` and returns the bytes written,
    /// `count * bitWidth / 8` rounded up. Callers pass multiples of 8 values so groups end on
    /// byte boundaries, and make room for the whole result: whole 64-bit words are stored at once.
    @inline(__always)
    static func pack<T: BitPackable>(
        _ values: UnsafeBufferPointer<T>,
        bitWidth: Int,
        into out: UnsafeMutableRawPointer
    ) -> Int {
        if bitWidth == 0 { return 0 }
        var accumulator: UInt64 = 0
        var accumulated = 0
        var written = 0
        for element in values {
            let value = element.packedBits
            accumulator |= value &<< UInt64(accumulated)
            accumulated &+= bitWidth
            if accumulated >= 64 {
                out.storeBytes(of: accumulator.littleEndian, toByteOffset: written, as: UInt64.self)
                written &+= 8
                accumulated &-= 64
                accumulator = accumulated == 0 ? 0 : value &>> UInt64(bitWidth &- accumulated)
            }
        }
        while accumulated > 0 {
            out.storeBytes(of: UInt8(truncatingIfNeeded: accumulator), toByteOffset: written, as: UInt8.self)
            accumulator &>>= 8
            accumulated &-= 8
            written &+= 1
        }
        return written
    }

    /// Reads `count` values of `bitWidth` bits starting at `bitOffset` bits into `bytes`.
    /// Bytes past the end read as zero (the spec lets the last group be padded).
    @inline(__always)
    static func unpack(
        _ bytes: UnsafeRawBufferPointer,
        bitOffset: Int,
        bitWidth: Int,
        count: Int,
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

/// A value that bit packing and the RLE/bit-packing hybrid take as it is stored: DELTA's
/// deltas, dictionary indices, and definition levels straight from the validity flags.
protocol BitPackable: Equatable {
    var packedBits: UInt64 { get }
}

extension UInt64: BitPackable {
    @inline(__always) var packedBits: UInt64 { self }
}

extension UInt32: BitPackable {
    @inline(__always) var packedBits: UInt64 { UInt64(self) }
}

extension Bool: BitPackable {
    @inline(__always) var packedBits: UInt64 { self ? 1 : 0 }
}
