/// Where the values of one column chunk go as its pages are decoded: one typed buffer per
/// physical type, so no value is boxed on the way from a page to a ``Column``.
///
/// A page arrives with its rows' validity (from the definition levels) and its non-null
/// values in some encoding; the sink decodes the values and lays them out one slot per row,
/// placeholders (zero, empty) under the nulls, as ``Column`` requires.
protocol ColumnValueSink {
    /// Whether a dictionary page has been read; data pages in a dictionary encoding need one.
    var hasDictionary: Bool { get }

    /// Reads a dictionary page: `count` PLAIN-encoded values (the spec's only dictionary
    /// page encoding; PLAIN_DICTIONARY there is the deprecated name of the same bytes).
    mutating func setDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws

    /// Appends `rows` rows. `data` holds the page's `nonNull` values in `encoding`;
    /// `validity` (nil when every row is valid) has `rows` entries, `nonNull` of them true.
    mutating func appendPage(
        _ data: UnsafeRawBufferPointer, encoding: ParquetFormat.Encoding, rows: Int, nonNull: Int,
        validity: UnsafeBufferPointer<Bool>?
    ) throws

    /// The values decoded so far.
    mutating func finish() -> ColumnValues
}

// MARK: - Helpers shared by the sinks

enum SinkSupport {
    /// Spreads `dense` values at the start of `values` over `validity.count` slots, back to
    /// front so it works in place: valid rows take the values in order, null rows the
    /// placeholder. The approach of Arrow's "spaced" decoding.
    @inline(__always)
    static func expand<T>(_ values: UnsafeMutablePointer<T>, dense: Int, validity: UnsafeBufferPointer<Bool>, placeholder: T) {
        var source = dense - 1
        var row = validity.count - 1
        // Once `row == source`, every row at or below it is valid and already in place.
        while row > source {
            if validity[row] {
                values[row] = values[source]
                source -= 1
            } else {
                values[row] = placeholder
            }
            row -= 1
        }
    }

    /// Dictionary indices (Encodings.md, "Dictionary Encoding"): one byte of bit width, then
    /// the RLE/bit-packing hybrid without a length prefix.
    static func decodeIndices(_ data: UnsafeRawBufferPointer, count: Int, into out: inout [UInt64]) throws {
        guard let bitWidth = data.first.map(Int.init) else {
            throw ParquetError(.corruptPage, "dictionary-encoded page has no bit-width byte")
        }
        guard bitWidth <= 32 else {
            throw ParquetError(.corruptPage, "dictionary indices of \(bitWidth) bits")
        }
        if out.count < count { out = [UInt64](repeating: 0, count: count) }
        var decoder = RleBitPackedDecoder(bitWidth: bitWidth, data: UnsafeRawBufferPointer(rebasing: data[1...]))
        try out.withUnsafeMutableBufferPointer { try decoder.decode(count: count, into: $0.baseAddress!) }
    }

    static func badIndex(_ index: UInt64, entries: Int) -> ParquetError {
        ParquetError(.corruptPage, "dictionary index \(index) but the dictionary has \(entries) entries")
    }

    static func missingDictionary(_ encoding: ParquetFormat.Encoding) -> ParquetError {
        ParquetError(.corruptPage, "a data page is \(encoding.name)-encoded but the chunk has no dictionary page before it")
    }

    static func unsupported(_ encoding: ParquetFormat.Encoding, _ type: String) -> ParquetError {
        ParquetError(.unsupported, "encoding \(encoding.name) is not supported for \(type) values")
    }
}

/// Lays decoded variable-width values out over a page's rows, placeholders under the nulls.
struct NullInterleaver {
    let validity: UnsafeBufferPointer<Bool>?
    private(set) var row = 0
    private(set) var emitted = 0

    init(validity: UnsafeBufferPointer<Bool>?) {
        self.validity = validity
    }

    /// Calls `null` for each null row before the next valid one, then counts that one.
    @inline(__always)
    mutating func next(_ null: () -> Void) {
        if let validity {
            while row < validity.count && !validity[row] {
                null()
                row += 1
            }
        }
        row += 1
        emitted += 1
    }

    /// Calls `null` for the null rows after the last value.
    mutating func finish(rows: Int, _ null: () -> Void) {
        while row < rows {
            null()
            row += 1
        }
    }
}

extension ParquetFormat.Encoding {
    /// The parquet.thrift spelling, for messages and `inspect`.
    public var name: String {
        switch self {
        case .plain: "PLAIN"
        case .plainDictionary: "PLAIN_DICTIONARY"
        case .rle: "RLE"
        case .bitPacked: "BIT_PACKED"
        case .deltaBinaryPacked: "DELTA_BINARY_PACKED"
        case .deltaLengthByteArray: "DELTA_LENGTH_BYTE_ARRAY"
        case .deltaByteArray: "DELTA_BYTE_ARRAY"
        case .rleDictionary: "RLE_DICTIONARY"
        case .byteStreamSplit: "BYTE_STREAM_SPLIT"
        }
    }
}

// MARK: - Fixed-width numbers

/// INT32, INT64, FLOAT and DOUBLE: what differs between them for decoding.
protocol FixedWidthReadable: BitwiseCopyable {
    static var placeholder: Self { get }
    static var typeName: String { get }
    static func wrap(_ values: [Self]) -> ColumnValues
    /// DELTA_BINARY_PACKED, for the integer types; throws for the others.
    static func decodeDelta(_ data: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<Self>) throws
}

extension FixedWidthReadable {
    static func decodeDelta(_ data: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<Self>) throws {
        throw SinkSupport.unsupported(.deltaBinaryPacked, typeName)
    }
}

extension Int32: FixedWidthReadable {
    static var placeholder: Int32 { 0 }
    static var typeName: String { "INT32" }
    static func wrap(_ values: [Int32]) -> ColumnValues { .int32(values) }
    static func decodeDelta(_ data: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<Int32>) throws {
        _ = try DeltaBinaryPacked.decodeInt32(data, count: count, into: out)
    }
}

extension Int64: FixedWidthReadable {
    static var placeholder: Int64 { 0 }
    static var typeName: String { "INT64" }
    static func wrap(_ values: [Int64]) -> ColumnValues { .int64(values) }
    static func decodeDelta(_ data: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<Int64>) throws {
        _ = try DeltaBinaryPacked.decode(data, count: count, into: out)
    }
}

extension Float: FixedWidthReadable {
    static var placeholder: Float { 0 }
    static var typeName: String { "FLOAT" }
    static func wrap(_ values: [Float]) -> ColumnValues { .float(values) }
}

extension Double: FixedWidthReadable {
    static var placeholder: Double { 0 }
    static var typeName: String { "DOUBLE" }
    static func wrap(_ values: [Double]) -> ColumnValues { .double(values) }
}

/// Values of INT32, INT64, FLOAT or DOUBLE, decoded straight into the column's array.
struct FixedWidthSink<T: FixedWidthReadable>: ColumnValueSink {
    private var values: [T] = []
    private var dictionary: [T]?
    private var indices: [UInt64] = []

    init(capacity: Int) {
        values.reserveCapacity(capacity)
    }

    var hasDictionary: Bool { dictionary != nil }

    mutating func setDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws {
        var entries = [T](repeating: T.placeholder, count: count)
        _ = try entries.withUnsafeMutableBufferPointer { try PlainDecoding.decode(data, count: count, into: $0.baseAddress!) }
        dictionary = entries
    }

    mutating func appendPage(
        _ data: UnsafeRawBufferPointer, encoding: ParquetFormat.Encoding, rows: Int, nonNull: Int,
        validity: UnsafeBufferPointer<Bool>?
    ) throws {
        guard rows > 0 else { return }
        let base = values.count
        values.append(contentsOf: repeatElement(T.placeholder, count: rows))
        if nonNull == 0 { return }
        if encoding == .rleDictionary || encoding == .plainDictionary {
            guard dictionary != nil else { throw SinkSupport.missingDictionary(encoding) }
            try SinkSupport.decodeIndices(data, count: nonNull, into: &indices)
        }
        // Locals, so that the closure below touches no other part of `self` while
        // `values` is being written.
        let dictionary = self.dictionary ?? []
        let indices = self.indices
        try values.withUnsafeMutableBufferPointer { buffer in
            let out = buffer.baseAddress! + base
            switch encoding {
            case .plain:
                _ = try PlainDecoding.decode(data, count: nonNull, into: out)
            case .rleDictionary, .plainDictionary:
                try dictionary.withUnsafeBufferPointer { entries in
                    for i in 0..<nonNull {
                        let index = indices[i]
                        guard index < UInt64(entries.count) else { throw SinkSupport.badIndex(index, entries: entries.count) }
                        out[i] = entries[Int(index)]
                    }
                }
            case .deltaBinaryPacked:
                try T.decodeDelta(data, count: nonNull, into: out)
            case .byteStreamSplit:
                try PlainDecoding.decodeByteStreamSplit(data, count: nonNull, width: MemoryLayout<T>.size, into: UnsafeMutableRawPointer(out))
            default:
                throw SinkSupport.unsupported(encoding, T.typeName)
            }
            if let validity, nonNull < rows {
                SinkSupport.expand(out, dense: nonNull, validity: validity, placeholder: T.placeholder)
            }
        }
    }

    mutating func finish() -> ColumnValues {
        defer { values = [] }
        return T.wrap(values)
    }
}

// MARK: - Booleans

/// BOOLEAN values: PLAIN (bit-packed), RLE (what pyarrow writes in V2 pages), or a dictionary.
struct BooleanSink: ColumnValueSink {
    private var values: [Bool] = []
    private var dictionary: [Bool]?
    private var indices: [UInt64] = []

    init(capacity: Int) {
        values.reserveCapacity(capacity)
    }

    var hasDictionary: Bool { dictionary != nil }

    mutating func setDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws {
        var entries = [Bool](repeating: false, count: count)
        _ = try entries.withUnsafeMutableBufferPointer { try PlainDecoding.decode(booleans: data, count: count, into: $0.baseAddress!) }
        dictionary = entries
    }

    mutating func appendPage(
        _ data: UnsafeRawBufferPointer, encoding: ParquetFormat.Encoding, rows: Int, nonNull: Int,
        validity: UnsafeBufferPointer<Bool>?
    ) throws {
        guard rows > 0 else { return }
        let base = values.count
        values.append(contentsOf: repeatElement(false, count: rows))
        if nonNull == 0 { return }
        switch encoding {
        case .rle:
            // A 4-byte length, then the hybrid at bit width 1 (Encodings.md, RLE for BOOLEAN).
            guard data.count >= 4 else { throw ParquetError(.corruptPage, "RLE BOOLEAN data has no length prefix") }
            let length = Int(UInt32(littleEndian: data.loadUnaligned(as: UInt32.self)))
            guard length <= data.count - 4 else {
                throw ParquetError(.corruptPage, "RLE BOOLEAN data claims \(length) bytes, \(data.count - 4) are there")
            }
            if indices.count < nonNull { indices = [UInt64](repeating: 0, count: nonNull) }
            var decoder = RleBitPackedDecoder(bitWidth: 1, data: UnsafeRawBufferPointer(rebasing: data[4..<(4 + length)]))
            try indices.withUnsafeMutableBufferPointer { try decoder.decode(count: nonNull, into: $0.baseAddress!) }
        case .rleDictionary, .plainDictionary:
            guard dictionary != nil else { throw SinkSupport.missingDictionary(encoding) }
            try SinkSupport.decodeIndices(data, count: nonNull, into: &indices)
        case .plain:
            break
        default:
            throw SinkSupport.unsupported(encoding, "BOOLEAN")
        }
        let dictionary = self.dictionary ?? []
        let indices = self.indices
        try values.withUnsafeMutableBufferPointer { buffer in
            let out = buffer.baseAddress! + base
            switch encoding {
            case .plain:
                _ = try PlainDecoding.decode(booleans: data, count: nonNull, into: out)
            case .rle:
                for i in 0..<nonNull { out[i] = indices[i] != 0 }
            default:
                for i in 0..<nonNull {
                    let index = indices[i]
                    guard index < UInt64(dictionary.count) else { throw SinkSupport.badIndex(index, entries: dictionary.count) }
                    out[i] = dictionary[Int(index)]
                }
            }
            if let validity, nonNull < rows {
                SinkSupport.expand(out, dense: nonNull, validity: validity, placeholder: false)
            }
        }
    }

    mutating func finish() -> ColumnValues {
        defer { values = [] }
        return .boolean(values)
    }
}

// MARK: - Byte arrays

/// BYTE_ARRAY values into one contiguous buffer with offsets.
struct ByteArraySink: ColumnValueSink {
    private var values: ByteArrayBuffer
    private var dictionary: ByteArrayBuffer?
    private var indices: [UInt64] = []

    init(capacity: Int, bytes: Int) {
        values = ByteArrayBuffer(reservingCapacity: capacity, bytes: bytes)
    }

    var hasDictionary: Bool { dictionary != nil }

    mutating func setDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws {
        var entries = ByteArrayBuffer(reservingCapacity: count, bytes: data.count)
        _ = try PlainDecoding.forEachByteArray(data, count: count) { entries.append($0) }
        dictionary = entries
    }

    mutating func appendPage(
        _ data: UnsafeRawBufferPointer, encoding: ParquetFormat.Encoding, rows: Int, nonNull: Int,
        validity: UnsafeBufferPointer<Bool>?
    ) throws {
        var out = values
        values = ByteArrayBuffer()
        defer { values = out }
        var slots = NullInterleaver(validity: validity)
        func emit(_ value: UnsafeRawBufferPointer) {
            slots.next { out.appendEmpty() }
            out.append(value)
        }
        if nonNull > 0 {
            switch encoding {
            case .plain:
                _ = try PlainDecoding.forEachByteArray(data, count: nonNull, emit)
            case .rleDictionary, .plainDictionary:
                guard let dictionary else { throw SinkSupport.missingDictionary(encoding) }
                try SinkSupport.decodeIndices(data, count: nonNull, into: &indices)
                let entries = dictionary.count
                try dictionary.bytes.withUnsafeBytes { raw in
                    try dictionary.offsets.withUnsafeBufferPointer { offsets in
                        for i in 0..<nonNull {
                            let index = indices[i]
                            guard index < UInt64(entries) else { throw SinkSupport.badIndex(index, entries: entries) }
                            let e = Int(index)
                            emit(UnsafeRawBufferPointer(rebasing: raw[offsets[e]..<offsets[e + 1]]))
                        }
                    }
                }
            case .deltaLengthByteArray:
                _ = try DeltaLengthByteArray.forEach(data, count: nonNull, emit)
            case .deltaByteArray:
                _ = try DeltaByteArray.forEach(data, count: nonNull, emit)
            default:
                throw SinkSupport.unsupported(encoding, "BYTE_ARRAY")
            }
        }
        slots.finish(rows: rows) { out.appendEmpty() }
    }

    mutating func finish() -> ColumnValues {
        defer { values = ByteArrayBuffer() }
        return .byteArray(values)
    }
}

/// FIXED_LEN_BYTE_ARRAY values of one width (wide decimals, UUIDs, binary(n)).
struct FixedLenByteArraySink: ColumnValueSink {
    let width: Int
    private var values: FixedLenByteArrayBuffer
    private var dictionary: FixedLenByteArrayBuffer?
    private var indices: [UInt64] = []
    private var scratch: [UInt8] = []

    init(width: Int, capacity: Int) {
        self.width = width
        values = FixedLenByteArrayBuffer(width: width)
        values.reserveCapacity(capacity)
    }

    var hasDictionary: Bool { dictionary != nil }

    mutating func setDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws {
        var entries = FixedLenByteArrayBuffer(width: width)
        entries.reserveCapacity(count)
        _ = try PlainDecoding.forEachFixedLenByteArray(data, count: count, width: width) { entries.append($0) }
        dictionary = entries
    }

    mutating func appendPage(
        _ data: UnsafeRawBufferPointer, encoding: ParquetFormat.Encoding, rows: Int, nonNull: Int,
        validity: UnsafeBufferPointer<Bool>?
    ) throws {
        var out = values
        values = FixedLenByteArrayBuffer(width: width)
        defer { values = out }
        let width = self.width
        var slots = NullInterleaver(validity: validity)
        var wrongWidth: Int?
        func emit(_ value: UnsafeRawBufferPointer) {
            guard value.count == width else {
                wrongWidth = value.count
                return
            }
            slots.next { out.appendZero() }
            out.append(value)
        }
        if nonNull > 0 {
            switch encoding {
            case .plain:
                _ = try PlainDecoding.forEachFixedLenByteArray(data, count: nonNull, width: width, emit)
            case .rleDictionary, .plainDictionary:
                guard let dictionary else { throw SinkSupport.missingDictionary(encoding) }
                try SinkSupport.decodeIndices(data, count: nonNull, into: &indices)
                let entries = dictionary.count
                try dictionary.bytes.withUnsafeBytes { raw in
                    for i in 0..<nonNull {
                        let index = indices[i]
                        guard index < UInt64(entries) else { throw SinkSupport.badIndex(index, entries: entries) }
                        let e = Int(index)
                        emit(UnsafeRawBufferPointer(rebasing: raw[(e * width)..<((e + 1) * width)]))
                    }
                }
            case .byteStreamSplit:
                if scratch.count < nonNull * width { scratch = [UInt8](repeating: 0, count: nonNull * width) }
                try scratch.withUnsafeMutableBytes { buffer in
                    try PlainDecoding.decodeByteStreamSplit(data, count: nonNull, width: width, into: buffer.baseAddress!)
                    _ = try PlainDecoding.forEachFixedLenByteArray(UnsafeRawBufferPointer(buffer), count: nonNull, width: width, emit)
                }
            case .deltaByteArray:
                _ = try DeltaByteArray.forEach(data, count: nonNull, emit)
            default:
                throw SinkSupport.unsupported(encoding, "FIXED_LEN_BYTE_ARRAY")
            }
        }
        if let wrongWidth {
            throw ParquetError(.corruptPage, "a value of \(wrongWidth) bytes in a FIXED_LEN_BYTE_ARRAY(\(width)) column")
        }
        slots.finish(rows: rows) { out.appendZero() }
    }

    mutating func finish() -> ColumnValues {
        defer { values = FixedLenByteArrayBuffer(width: width) }
        return .fixedLenByteArray(values)
    }
}
