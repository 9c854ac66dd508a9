/// Little-endian appends onto a byte array, the primitive every encoder writes with.
extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// ULEB128, as used by the RLE/bit-packing hybrid headers and DELTA_BINARY_PACKED.
    @inline(__always)
    mutating func appendULEB128(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(truncatingIfNeeded: v))
    }

    /// Zigzag then ULEB128 (DELTA_BINARY_PACKED's signed header fields).
    @inline(__always)
    mutating func appendZigZag(_ value: Int64) {
        appendULEB128(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Appends raw memory of a contiguous buffer of trivial values.
    @inline(__always)
    mutating func appendRaw<T>(_ values: UnsafeBufferPointer<T>) {
        append(contentsOf: UnsafeRawBufferPointer(values))
    }
}
