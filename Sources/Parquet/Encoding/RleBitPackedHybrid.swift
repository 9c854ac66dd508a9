/// Encoder for the RLE / bit-packing hybrid (Encodings.md, "Run Length Encoding /
/// Bit-Packing Hybrid (RLE = 3)"), used for definition levels and dictionary indices.
///
/// Runs of at least eight equal values become RLE runs; everything else is bit-packed in
/// groups of eight. The literal run's header byte is reserved up front and patched when the
/// run ends, so values stream out without a second pass (the approach of Arrow's RleEncoder).
struct RleBitPackedEncoder {
    let bitWidth: Int
    private(set) var bytes: [UInt8] = []
    private var buffered: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var bufferedCount = 0
    private var currentValue: UInt64 = 0
    private var repeatCount = 0
    private var literalCount = 0
    private var literalHeaderIndex: Int?

    init(bitWidth: Int, capacity: Int = 0) {
        precondition((0...64).contains(bitWidth))
        self.bitWidth = bitWidth
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func put(_ value: UInt64) {
        if value == currentValue {
            repeatCount += 1
            // A continuing run needs no buffering.
            if repeatCount > 8 { return }
        } else {
            if repeatCount >= 8 { flushRepeatedRun() }
            repeatCount = 1
            currentValue = value
        }
        setBuffered(bufferedCount, value)
        bufferedCount += 1
        if bufferedCount == 8 { flushBufferedValues() }
    }

    /// Appends `count` copies of `value`; cheap for long runs (an all-valid column's levels).
    mutating func put(_ value: UInt64, repeated count: Int) {
        var remaining = count
        while remaining > 0 && !(value == currentValue && repeatCount >= 8) {
            put(value)
            remaining -= 1
        }
        repeatCount += remaining
    }

    @inline(__always)
    private mutating func setBuffered(_ index: Int, _ value: UInt64) {
        withUnsafeMutableBytes(of: &buffered) { $0.storeBytes(of: value, toByteOffset: index &* 8, as: UInt64.self) }
    }

    /// Ends the last run and returns the encoded bytes.
    mutating func finish() -> [UInt8] {
        if literalCount > 0 || repeatCount > 0 || bufferedCount > 0 {
            let allRepeat = literalCount == 0 && (repeatCount == bufferedCount || bufferedCount == 0)
            if repeatCount > 0 && allRepeat {
                flushRepeatedRun()
            } else {
                // Pad the last literal group to eight values with zeros.
                while bufferedCount != 0 && bufferedCount < 8 {
                    setBuffered(bufferedCount, 0)
                    bufferedCount += 1
                }
                literalCount += bufferedCount
                flushLiteralRun(updateHeader: true)
                repeatCount = 0
            }
        }
        let result = bytes
        bytes = []
        return result
    }

    private mutating func flushBufferedValues() {
        if repeatCount >= 8 {
            // The buffered values belong to the repeated run now.
            bufferedCount = 0
            if literalCount != 0 { flushLiteralRun(updateHeader: true) }
            return
        }
        literalCount += bufferedCount
        // One header byte holds at most 63 groups of eight.
        let groups = (literalCount + 7) / 8
        flushLiteralRun(updateHeader: groups + 1 >= 64)
        repeatCount = 0
    }

    private mutating func flushLiteralRun(updateHeader: Bool) {
        if literalHeaderIndex == nil {
            literalHeaderIndex = bytes.count
            bytes.append(0)
        }
        if bufferedCount > 0 {
            let count = bufferedCount
            withUnsafeBytes(of: &buffered) { raw in
                let values = raw.bindMemory(to: UInt64.self)
                BitPacking.pack(UnsafeBufferPointer(rebasing: values[0..<count]), bitWidth: bitWidth, into: &bytes)
            }
            bufferedCount = 0
        }
        if updateHeader, let header = literalHeaderIndex {
            let groups = (literalCount + 7) / 8
            bytes[header] = UInt8((groups << 1) | 1)
            literalHeaderIndex = nil
            literalCount = 0
        }
    }

    private mutating func flushRepeatedRun() {
        bytes.appendULEB128(UInt64(repeatCount) << 1)
        var value = currentValue
        for _ in 0..<(bitWidth + 7) / 8 {
            bytes.append(UInt8(truncatingIfNeeded: value))
            value >>= 8
        }
        bufferedCount = 0
        repeatCount = 0
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
                    data, bitOffset: packedBitOffset, bitWidth: bitWidth, count: n, into: out + produced)
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
