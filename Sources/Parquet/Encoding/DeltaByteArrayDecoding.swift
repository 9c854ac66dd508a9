/// DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY decoding (Encodings.md, encodings 6 and 7).
/// Our writer emits neither; DuckDB writes the first for strings in its V2 files and other
/// writers use the second, so the reader accepts both.
enum DeltaLengthByteArray {
    /// The lengths (DELTA_BINARY_PACKED) then the concatenated bytes. Hands each value to
    /// `consumer` in turn; returns the bytes consumed.
    static func forEach<C: ByteArrayConsumer>(
        _ data: UnsafeRawBufferPointer,
        count: Int,
        into consumer: inout C
    ) throws -> Int {
        var lengths = [Int32](repeating: 0, count: count)
        let lengthBytes = try lengths.withUnsafeMutableBufferPointer {
            try DeltaBinaryPacked.decodeInt32(data, count: count, into: $0.baseAddress!)
        }
        var position = lengthBytes
        for i in 0..<count {
            let length = Int(lengths[i])
            guard length >= 0, length <= data.count - position else {
                throw ParquetError(
                    .corruptPage,
                    """
                    DELTA_LENGTH_BYTE_ARRAY value \(i) of \(count) claims \(length) bytes, \(data.count - position) \
                    are left
                    """
                )
            }
            consumer.consume(UnsafeRawBufferPointer(rebasing: data[position..<(position + length)]))
            position += length
        }
        return position
    }
}

enum DeltaByteArray {
    /// Prefix lengths (DELTA_BINARY_PACKED), then the suffixes as DELTA_LENGTH_BYTE_ARRAY; each
    /// value is the previous value's first `prefix` bytes followed by its suffix.
    static func forEach<C: ByteArrayConsumer>(
        _ data: UnsafeRawBufferPointer,
        count: Int,
        into consumer: inout C
    ) throws -> Int {
        var prefixes = [Int32](repeating: 0, count: count)
        var suffixes = [Int32](repeating: 0, count: count)
        var position = try prefixes.withUnsafeMutableBufferPointer {
            try DeltaBinaryPacked.decodeInt32(data, count: count, into: $0.baseAddress!)
        }
        position += try suffixes.withUnsafeMutableBufferPointer {
            try DeltaBinaryPacked.decodeInt32(
                UnsafeRawBufferPointer(rebasing: data[position...]),
                count: count,
                into: $0.baseAddress!
            )
        }
        var previous: [UInt8] = []
        var current: [UInt8] = []
        for i in 0..<count {
            let prefix = Int(prefixes[i])
            let suffix = Int(suffixes[i])
            guard prefix >= 0, prefix <= previous.count else {
                throw ParquetError(
                    .corruptPage,
                    """
                    DELTA_BYTE_ARRAY value \(i) of \(count) shares a prefix of \(prefix) bytes with a value of \
                    \(previous.count)
                    """
                )
            }
            guard suffix >= 0, suffix <= data.count - position else {
                throw ParquetError(
                    .corruptPage,
                    """
                    DELTA_BYTE_ARRAY value \(i) of \(count) claims a suffix of \(suffix) bytes, \
                    \(data.count - position) are left
                    """
                )
            }
            current.removeAll(keepingCapacity: true)
            current.append(contentsOf: previous[0..<prefix])
            current.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[position..<(position + suffix)]))
            position += suffix
            current.withUnsafeBytes { consumer.consume($0) }
            swap(&previous, &current)
        }
        return position
    }
}

extension DeltaBinaryPacked {
    /// DELTA_BINARY_PACKED into INT32 values, decoded with 64-bit arithmetic and truncated.
    ///
    /// The spec asks writers to compute INT32 deltas in 32 bits, but some (DuckDB among them)
    /// compute them in 64, so a miniblock of an INT32 column can need 33 bits. Truncating a
    /// 64-bit decode to 32 bits gives the right values either way, because both are exact
    /// modulo 2^32. Returns the bytes consumed.
    static func decodeInt32(
        _ data: UnsafeRawBufferPointer,
        count: Int,
        into out: UnsafeMutablePointer<Int32>
    ) throws -> Int {
        var wide = [Int64](repeating: 0, count: count)
        let consumed = try wide.withUnsafeMutableBufferPointer { try decode(data, count: count, into: $0.baseAddress!) }
        for i in 0..<count { out[i] = Int32(truncatingIfNeeded: wide[i]) }
        return consumed
    }
}
