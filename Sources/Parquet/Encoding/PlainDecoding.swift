/// PLAIN decoding (Encodings.md, "Plain (PLAIN = 0)"), the inverse of ``PlainEncoding``, and
/// BYTE_STREAM_SPLIT (Encodings.md, "Byte Stream Split (BYTE_STREAM_SPLIT = 9)"), which DuckDB
/// writes for FLOAT and DOUBLE in its V2 files.
///
/// Every function checks the length of its input first and throws a ``ParquetError`` with code
/// `corruptPage` rather than reading past the end; callers add the file and column to the message.
/// Receives decoded variable-width values one at a time. Decoders take it `inout` rather than
/// a closure so that the per-value path captures no mutable state (which Swift would guard
/// with dynamic exclusivity checks on every value).
protocol ByteArrayConsumer {
    mutating func consume(_ value: UnsafeRawBufferPointer)
}

enum PlainDecoding {
    /// Copies `count` little-endian fixed-width values; returns the bytes consumed.
    static func decode<T: BitwiseCopyable>(
        _ data: UnsafeRawBufferPointer,
        count: Int,
        into out: UnsafeMutablePointer<T>
    ) throws -> Int {
        #if _endian(big)
        #error("PLAIN decoding here assumes a little-endian host")
        #endif
        let size = MemoryLayout<T>.size * count
        guard size <= data.count else {
            throw ParquetError(
                .corruptPage,
                "PLAIN data holds \(data.count) bytes, \(count) values of \(MemoryLayout<T>.size) bytes need \(size)"
            )
        }
        if size > 0 { UnsafeMutableRawPointer(out).copyMemory(from: data.baseAddress!, byteCount: size) }
        return size
    }

    /// BOOLEAN: one bit per value, least significant bit first.
    static func decode(
        booleans data: UnsafeRawBufferPointer,
        count: Int,
        into out: UnsafeMutablePointer<Bool>
    ) throws -> Int {
        let size = (count + 7) / 8
        guard size <= data.count else {
            throw ParquetError(
                .corruptPage,
                "PLAIN BOOLEAN data holds \(data.count) bytes, \(count) values need \(size)"
            )
        }
        for i in 0..<count {
            out[i] = data[i >> 3] & (1 << UInt8(i & 7)) != 0
        }
        return size
    }

    /// BYTE_ARRAY: a 4-byte little-endian length, then the bytes; calls `body` with each value
    /// in turn, without copying. Returns the bytes consumed.
    static func forEachByteArray<C: ByteArrayConsumer>(
        _ data: UnsafeRawBufferPointer,
        count: Int,
        into consumer: inout C
    ) throws -> Int {
        var position = 0
        for i in 0..<count {
            guard position + 4 <= data.count else {
                throw ParquetError(
                    .corruptPage,
                    "PLAIN BYTE_ARRAY data ends before the length of value \(i) of \(count)"
                )
            }
            let length = Int(UInt32(littleEndian: data.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            position += 4
            guard length <= data.count - position else {
                throw ParquetError(
                    .corruptPage,
                    "PLAIN BYTE_ARRAY value \(i) of \(count) claims \(length) bytes, \(data.count - position) are left"
                )
            }
            consumer.consume(UnsafeRawBufferPointer(rebasing: data[position..<(position + length)]))
            position += length
        }
        return position
    }

    /// FIXED_LEN_BYTE_ARRAY: the bytes alone, `width` per value.
    static func forEachFixedLenByteArray<C: ByteArrayConsumer>(
        _ data: UnsafeRawBufferPointer,
        count: Int,
        width: Int,
        into consumer: inout C
    ) throws -> Int {
        let size = count * width
        guard size <= data.count else {
            throw ParquetError(
                .corruptPage,
                """
                PLAIN FIXED_LEN_BYTE_ARRAY data holds \(data.count) bytes, \(count) values of \(width) bytes need \
                \(size)
                """
            )
        }
        for i in 0..<count {
            consumer.consume(UnsafeRawBufferPointer(rebasing: data[(i * width)..<((i + 1) * width)]))
        }
        return size
    }

    /// BYTE_STREAM_SPLIT: byte `k` of value `i` is at `k * count + i`. Writes `count * width`
    /// bytes, values back to back, into `out`.
    static func decodeByteStreamSplit(
        _ data: UnsafeRawBufferPointer,
        count: Int,
        width: Int,
        into out: UnsafeMutableRawPointer
    ) throws {
        let size = count * width
        guard size <= data.count else {
            throw ParquetError(
                .corruptPage,
                "BYTE_STREAM_SPLIT data holds \(data.count) bytes, \(count) values of \(width) bytes need \(size)"
            )
        }
        let bytes = out.assumingMemoryBound(to: UInt8.self)
        for k in 0..<width {
            let stream = k * count
            for i in 0..<count {
                bytes[i * width + k] = data[stream + i]
            }
        }
    }
}
