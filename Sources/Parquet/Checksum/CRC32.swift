import CZlib

/// CRC-32 as zlib computes it (IEEE 802.3, polynomial 0x04C11DB7 reflected; MySQL's `CRC32()`
/// too). parquet.thrift's `PageHeader.crc` is this over a page's bytes as written (after
/// compression), for every page type. The only file that calls zlib.
public enum CRC32 {
    /// The CRC of `bytes`, or of `bytes` following data whose CRC was `previous`. The
    /// corresponding C function is `crc32`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return previous }
        var crc = UInt(previous)
        var offset = 0
        // zlib takes the length as uInt (32 bits).
        while offset < bytes.count {
            let length = min(bytes.count - offset, Int(UInt32.max))
            crc = crc32(crc, base.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(length))
            offset += length
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
