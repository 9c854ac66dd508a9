/// PLAIN encoding (Encodings.md, "Plain (PLAIN = 0)"): fixed-width values little-endian
/// back to back, BOOLEAN bit-packed LSB first, BYTE_ARRAY as a 4-byte length then bytes,
/// FIXED_LEN_BYTE_ARRAY as the bytes alone.
enum PlainEncoding {
    static func encode<T>(_ values: UnsafeBufferPointer<T>, into out: inout [UInt8]) {
        #if _endian(big)
        #error("PLAIN encoding here assumes a little-endian host")
        #endif
        out.appendRaw(values)
    }

    static func encode(booleans values: UnsafeBufferPointer<Bool>, into out: inout [UInt8]) {
        var byte: UInt8 = 0
        var bit = 0
        out.reserveCapacity(out.count + (values.count + 7) / 8)
        for value in values {
            if value { byte |= 1 << UInt8(bit) }
            bit += 1
            if bit == 8 {
                out.append(byte)
                byte = 0
                bit = 0
            }
        }
        if bit > 0 { out.append(byte) }
    }

    static func encodeByteArray(_ value: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.appendLittleEndian(UInt32(value.count))
        out.append(contentsOf: value)
    }
}
