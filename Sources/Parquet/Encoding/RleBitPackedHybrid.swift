/// Encoder for the RLE / bit-packing hybrid (Encodings.md, "Run Length Encoding /
/// Bit-Packing Hybrid (RLE = 3)"), used for definition levels and dictionary indices.
///
/// Works on a whole page's values at once: a run of at least eight equal values (after
/// topping up the literals before it to a group of eight) becomes an RLE run, everything
/// else is bit-packed, eight values to a group and at most 63 groups under one header byte
/// (the limit Arrow's writer keeps, so every reader has seen such runs). Scanning the buffer
/// for runs and packing each literal stretch in one loop costs a few instructions per value,
/// against some forty for a streaming encoder that decides value by value.
enum RleBitPackedHybrid {
    /// Appends `values` (each < 2^bitWidth) encoded at `bitWidth` to `out`.
    static func encode<T: BitPackable>(
        _ values: UnsafeBufferPointer<T>,
        bitWidth: Int,
        into out: inout [UInt8]
    ) {
        precondition((0...32).contains(bitWidth))
        let n = values.count
        var literalStart = 0
        var i = 0
        while i < n {
            let value = values[i]
            var end = i &+ 1
            while end < n && values[end] == value { end &+= 1 }
            let run = end &- i
            if run >= 8 {
                // Literals so far must fill whole groups: borrow the first few of the run.
                let pad = (8 &- (i &- literalStart) & 7) & 7
                if run &- pad >= 8 {
                    appendLiterals(values, literalStart..<(i &+ pad), bitWidth: bitWidth, into: &out)
                    appendRepeat(value.packedBits, count: run &- pad, bitWidth: bitWidth, into: &out)
                    literalStart = end
                }
            }
            i = end
        }
        appendLiterals(values, literalStart..<n, bitWidth: bitWidth, into: &out)
    }

    /// A literal (bit-packed) stretch, the last group padded with zeros; one header per 63 groups.
    private static func appendLiterals<T: BitPackable>(
        _ values: UnsafeBufferPointer<T>,
        _ range: Range<Int>,
        bitWidth: Int,
        into out: inout [UInt8]
    ) {
        var start = range.lowerBound
        while start < range.upperBound {
            let count = min(range.upperBound &- start, 63 &* 8)
            let groups = (count &+ 7) / 8
            out.append(UInt8(groups << 1 | 1))
            let first = out.count
            out.append(contentsOf: repeatElement(0, count: groups &* bitWidth))
            out.withUnsafeMutableBytes { bytes in
                // The zero padding of the last group is already in place.
                _ = BitPacking.pack(
                    UnsafeBufferPointer(rebasing: values[start..<(start &+ count)]),
                    bitWidth: bitWidth,
                    into: bytes.baseAddress! + first
                )
            }
            start &+= count
        }
    }

    /// An RLE run: ULEB128(count << 1), then the value in ceil(bitWidth / 8) bytes.
    private static func appendRepeat(_ value: UInt64, count: Int, bitWidth: Int, into out: inout [UInt8]) {
        out.appendULEB128(UInt64(count) << 1)
        var v = value
        for _ in 0..<(bitWidth + 7) / 8 {
            out.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }
}

/// Decoder for the RLE / bit-packing hybrid; reads exactly the values asked for and
/// ignores the padding of the last bit-packed group.
struct RleBitPackedDecoder {
    let bitWidth: Int
    private let data: UnsafeRawBufferPointer
    private var position = 0
    private var rleRemaining = 0
    private var rleValue: UInt64 = 0
    private var packedRemaining = 0
    private var packedBitOffset = 0

    init(bitWidth: Int, data: UnsafeRawBufferPointer) {
        self.bitWidth = bitWidth
        self.data = data
    }

    /// Bytes consumed so far (meaningful once all runs read are complete).
    var consumed: Int { position }

    mutating func decode(count: Int, into out: UnsafeMutablePointer<UInt64>) throws {
        var produced = 0
        while produced < count {
            if rleRemaining > 0 {
                let n = min(rleRemaining, count - produced)
                (out + produced).update(repeating: rleValue, count: n)
                produced += n
                rleRemaining -= n
            } else if packedRemaining > 0 {
                let n = min(packedRemaining, count - produced)
                BitPacking.unpack(
                    data,
                    bitOffset: packedBitOffset,
                    bitWidth: bitWidth,
                    count: n,
                    into: out + produced
                )
                packedBitOffset += n * bitWidth
                packedRemaining -= n
                produced += n
            } else {
                try readRunHeader()
            }
        }
    }

    private mutating func readRunHeader() throws {
        var header: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < data.count, shift < 64 else {
                throw ParquetError(.corruptPage, "RLE/bit-packed run header runs past the end of its data")
            }
            let byte = data[position]
            position += 1
            header |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        if header & 1 == 1 {
            let groups = Int(header >> 1)
            packedRemaining = groups * 8
            packedBitOffset = position * 8
            // Some writers cut the last group's padding short; unpacking reads zeros there.
            position = min(position + groups * bitWidth, data.count)
        } else {
            rleRemaining = Int(header >> 1)
            let width = (bitWidth + 7) / 8
            guard position + width <= data.count else {
                throw ParquetError(.corruptPage, "RLE run value past the end of its data")
            }
            var value: UInt64 = 0
            for k in 0..<width { value |= UInt64(data[position + k]) << UInt64(8 * k) }
            rleValue = value
            position += width
            if rleRemaining == 0 { throw ParquetError(.corruptPage, "RLE run of length zero") }
        }
    }
}
