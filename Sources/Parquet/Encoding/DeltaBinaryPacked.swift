/// DELTA_BINARY_PACKED (Encodings.md, "Delta Encoding (DELTA_BINARY_PACKED = 5)"):
/// blocks of 128 values, 4 miniblocks of 32, each miniblock bit-packed at its own width.
///
/// It is chosen for integer columns that grow steadily (ids, timestamps), where deltas
/// need a handful of bits against 32 or 64 for PLAIN. Arithmetic wraps in the column's
/// own width, as the spec requires, so an INT32 column never needs more than 32 bits.
enum DeltaBinaryPacked {
    static let blockSize = 128
    static let miniblocksPerBlock = 4
    static let miniblockSize = 32

    static func encode<T: FixedWidthInteger & SignedInteger>(_ values: UnsafeBufferPointer<T>, into out: inout [UInt8])
    {
        out.appendULEB128(UInt64(blockSize))
        out.appendULEB128(UInt64(miniblocksPerBlock))
        out.appendULEB128(UInt64(values.count))
        out.appendZigZag(values.isEmpty ? 0 : Int64(values[0]))
        guard values.count > 1 else { return }

        // After each block's min delta, its widths and miniblocks are assembled in scratch
        // memory and appended in one piece: 4 width bytes and 4 miniblocks of 32 values at
        // up to 64 bits.
        let mask: UInt64 = T.bitWidth == 64 ? ~0 : (1 << UInt64(T.bitWidth)) - 1
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: blockSize) { deltas in
            withUnsafeTemporaryAllocation(byteCount: miniblocksPerBlock + blockSize * 8, alignment: 8) { block in
                var index = 1
                while index < values.count {
                    let n = min(blockSize, values.count - index)
                    var minDelta = T.max
                    for k in 0..<n {
                        let delta = values[index &+ k] &- values[index &+ k &- 1]
                        deltas[k] = UInt64(truncatingIfNeeded: delta)
                        if delta < minDelta { minDelta = delta }
                    }
                    // Deltas above the minimum, wrapped to the column's width; zero padding.
                    let base = UInt64(truncatingIfNeeded: minDelta)
                    for k in 0..<n { deltas[k] = (deltas[k] &- base) & mask }
                    for k in n..<blockSize { deltas[k] = 0 }
                    out.appendZigZag(Int64(minDelta))
                    var length = miniblocksPerBlock
                    let miniblocksUsed = (n + miniblockSize - 1) / miniblockSize
                    for m in 0..<miniblocksPerBlock {
                        guard m < miniblocksUsed else {
                            block[m] = 0
                            continue
                        }
                        let miniblock = UnsafeBufferPointer(
                            rebasing: deltas[(m &* miniblockSize)..<((m &+ 1) &* miniblockSize)]
                        )
                        var maxBits: UInt64 = 0
                        for v in miniblock { maxBits |= v }
                        let width = BitPacking.bitWidth(maxBits)
                        block[m] = UInt8(width)
                        length &+= BitPacking.pack(miniblock, bitWidth: width, into: block.baseAddress! + length)
                    }
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: block[0..<length]))
                    index &+= n
                }
            }
        }
    }

    /// Decodes `count` values into `out`; returns the bytes consumed.
    static func decode<T: FixedWidthInteger & SignedInteger>(
        _ data: UnsafeRawBufferPointer,
        count: Int,
        into out: UnsafeMutablePointer<T>
    ) throws -> Int {
        var reader = VarintReader(data: data)
        let blockSize = Int(try reader.uleb())
        let miniblocks = Int(try reader.uleb())
        let total = Int(try reader.uleb())
        let first = try reader.zigzag()
        guard blockSize > 0, miniblocks > 0, blockSize % miniblocks == 0, (blockSize / miniblocks) % 8 == 0 else {
            throw ParquetError(
                .corruptPage,
                "DELTA_BINARY_PACKED header has block size \(blockSize) and \(miniblocks) miniblocks"
            )
        }
        guard total >= count else {
            throw ParquetError(.corruptPage, "DELTA_BINARY_PACKED holds \(total) values, \(count) expected")
        }
        if count == 0 { return reader.position }
        out[0] = T(truncatingIfNeeded: first)
        let miniblockSize = blockSize / miniblocks
        var scratch = [UInt64](repeating: 0, count: miniblockSize)
        var produced = 1
        var previous = T(truncatingIfNeeded: first)
        while produced < total {
            let minDelta = T(truncatingIfNeeded: try reader.zigzag())
            guard reader.position + miniblocks <= data.count else {
                throw ParquetError(.corruptPage, "DELTA_BINARY_PACKED block header past the end of the page")
            }
            let widthsAt = reader.position
            reader.position += miniblocks
            for m in 0..<miniblocks where produced < total {
                let width = Int(data[widthsAt + m])
                guard width <= T.bitWidth else {
                    throw ParquetError(
                        .corruptPage,
                        "DELTA_BINARY_PACKED miniblock of \(width) bits for a \(T.bitWidth)-bit column"
                    )
                }
                let byteLength = miniblockSize * width / 8
                scratch.withUnsafeMutableBufferPointer {
                    BitPacking.unpack(
                        UnsafeRawBufferPointer(rebasing: data[min(reader.position, data.count)...]),
                        bitOffset: 0,
                        bitWidth: width,
                        count: miniblockSize,
                        into: $0.baseAddress!
                    )
                }
                reader.position += byteLength
                let n = min(miniblockSize, total - produced)
                for k in 0..<n {
                    previous = previous &+ minDelta &+ T(truncatingIfNeeded: scratch[k])
                    if produced < count { out[produced] = previous }
                    produced += 1
                }
            }
        }
        return min(reader.position, data.count)
    }
}

/// Reads ULEB128 and zigzag varints from a byte buffer.
struct VarintReader {
    let data: UnsafeRawBufferPointer
    var position = 0

    init(data: UnsafeRawBufferPointer) {
        self.data = data
    }

    mutating func uleb() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < data.count, shift < 64 else {
                throw ParquetError(.corruptPage, "varint runs past the end of its data")
            }
            let byte = data[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func zigzag() throws -> Int64 {
        let raw = try uleb()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }
}
