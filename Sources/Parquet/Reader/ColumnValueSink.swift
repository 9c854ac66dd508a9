/// Where the values of one column chunk go as its pages are decoded: one typed buffer per
/// physical type, so no value is boxed on the way from a page to a ``Column``.
///
/// A page arrives with its rows' validity (from the definition levels) and its non-null
/// values in some encoding; the sink decodes the values and lays them out one slot per row,
/// placeholders (zero, empty) under the nulls, as ``Column`` requires.
protocol ColumnValueSink {
    /// Whether a dictionary page has been read; data pages in a dictionary encoding need one.
    var hasDictionary: Bool { get }

    /// Forgets the dictionary: each column chunk has its own (or none).
    mutating func startChunk()

    /// Reads a dictionary page: `count` PLAIN-encoded values (the spec's only dictionary
    /// page encoding; PLAIN_DICTIONARY there is the deprecated name of the same bytes).
    mutating func setDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws

    /// Appends `rows` rows. `data` holds the page's `nonNull` values in `encoding`;
    /// `validity` (nil when every row is valid) has `rows` entries, `nonNull` of them true.
    mutating func appendPage(
        _ data: UnsafeRawBufferPointer,
        encoding: ParquetFormat.Encoding,
        rows: Int,
        nonNull: Int,
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
    static func expand<T>(
        _ values: UnsafeMutablePointer<T>,
        dense: Int,
        validity: UnsafeBufferPointer<Bool>,
        placeholder: T
    ) {
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

    /// Refuses a dictionary header whose count cannot fit the page, before allocating for it.
    static func checkDictionary(count: Int, minimumBytes: Int, pageBytes: Int) throws {
        guard count >= 0, minimumBytes <= pageBytes else {
            throw ParquetError(.corruptPage, "a dictionary of \(count) values in a page of \(pageBytes) bytes")
        }
    }

    /// A BYTE_ARRAY dictionary page: `count` PLAIN values, laid out back to back.
    static func byteArrayDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws -> ByteArrayBuffer {
        try checkDictionary(count: count, minimumBytes: count * 4, pageBytes: data.count)
        var entries = ByteArrayAppender(
            out: ByteArrayBuffer(reservingCapacity: count, bytes: data.count),
            validity: nil
        )
        _ = try PlainDecoding.forEachByteArray(data, count: count, into: &entries)
        return entries.out
    }

    static func badIndex(_ index: UInt64, entries: Int) -> ParquetError {
        ParquetError(.corruptPage, "dictionary index \(index) but the dictionary has \(entries) entries")
    }

    static func missingDictionary(_ encoding: ParquetFormat.Encoding) -> ParquetError {
        ParquetError(
            .corruptPage,
            "a data page is \(encoding.name)-encoded but the chunk has no dictionary page before it"
        )
    }

    static func unsupported(_ encoding: ParquetFormat.Encoding, _ type: String) -> ParquetError {
        ParquetError(.unsupported, "encoding \(encoding.name) is not supported for \(type) values")
    }
}

/// Appends decoded BYTE_ARRAY values to a buffer, an empty placeholder for each null row
/// before a value (and, via ``finish(rows:)``, after the last one).
struct ByteArrayAppender: ByteArrayConsumer {
    var out: ByteArrayBuffer
    let validity: UnsafeBufferPointer<Bool>?
    private var row = 0

    init(out: ByteArrayBuffer, validity: UnsafeBufferPointer<Bool>?) {
        self.out = out
        self.validity = validity
    }

    @inline(__always)
    mutating func consume(_ value: UnsafeRawBufferPointer) {
        if let validity {
            while row < validity.count && !validity[row] {
                out.appendEmpty()
                row += 1
            }
        }
        row += 1
        out.append(value)
    }

    mutating func finish(rows: Int) {
        while row < rows {
            out.appendEmpty()
            row += 1
        }
    }
}

/// The same for FIXED_LEN_BYTE_ARRAY: zero bytes under the nulls, every value `width` wide.
struct FixedLenByteArrayAppender: ByteArrayConsumer {
    var out: FixedLenByteArrayBuffer
    let validity: UnsafeBufferPointer<Bool>?
    private var row = 0
    private(set) var wrongWidth: Int?

    init(out: FixedLenByteArrayBuffer, validity: UnsafeBufferPointer<Bool>?) {
        self.out = out
        self.validity = validity
    }

    @inline(__always)
    mutating func consume(_ value: UnsafeRawBufferPointer) {
        guard value.count == out.width else {
            wrongWidth = value.count
            return
        }
        if let validity {
            while row < validity.count && !validity[row] {
                out.appendZero()
                row += 1
            }
        }
        row += 1
        out.append(value)
    }

    mutating func finish(rows: Int) {
        while row < rows {
            out.appendZero()
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

    mutating func startChunk() { dictionary = nil }

    mutating func setDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws {
        try SinkSupport.checkDictionary(count: count, minimumBytes: count * MemoryLayout<T>.size, pageBytes: data.count)
        var entries = [T](repeating: T.placeholder, count: count)
        _ = try entries.withUnsafeMutableBufferPointer {
            try PlainDecoding.decode(data, count: count, into: $0.baseAddress!)
        }
        dictionary = entries
    }

    mutating func appendPage(
        _ data: UnsafeRawBufferPointer,
        encoding: ParquetFormat.Encoding,
        rows: Int,
        nonNull: Int,
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
                        guard index < UInt64(entries.count) else {
                            throw SinkSupport.badIndex(index, entries: entries.count)
                        }
                        out[i] = entries[Int(index)]
                    }
                }
            case .deltaBinaryPacked:
                try T.decodeDelta(data, count: nonNull, into: out)
            case .byteStreamSplit:
                try PlainDecoding.decodeByteStreamSplit(
                    data,
                    count: nonNull,
                    width: MemoryLayout<T>.size,
                    into: UnsafeMutableRawPointer(out)
                )
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

    mutating func startChunk() { dictionary = nil }

    mutating func setDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws {
        try SinkSupport.checkDictionary(count: count, minimumBytes: (count + 7) / 8, pageBytes: data.count)
        var entries = [Bool](repeating: false, count: count)
        _ = try entries.withUnsafeMutableBufferPointer {
            try PlainDecoding.decode(booleans: data, count: count, into: $0.baseAddress!)
        }
        dictionary = entries
    }

    mutating func appendPage(
        _ data: UnsafeRawBufferPointer,
        encoding: ParquetFormat.Encoding,
        rows: Int,
        nonNull: Int,
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
            var decoder = RleBitPackedDecoder(
                bitWidth: 1,
                data: UnsafeRawBufferPointer(rebasing: data[4..<(4 + length)])
            )
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
                    guard index < UInt64(dictionary.count) else {
                        throw SinkSupport.badIndex(index, entries: dictionary.count)
                    }
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

    mutating func startChunk() { dictionary = nil }

    mutating func setDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws {
        dictionary = try SinkSupport.byteArrayDictionary(data, count: count)
    }

    mutating func appendPage(
        _ data: UnsafeRawBufferPointer,
        encoding: ParquetFormat.Encoding,
        rows: Int,
        nonNull: Int,
        validity: UnsafeBufferPointer<Bool>?
    ) throws {
        // Moved out and back, so that the buffer stays uniquely referenced while it grows.
        var appender = ByteArrayAppender(out: values, validity: validity)
        values = ByteArrayBuffer()
        defer { values = appender.out }
        if nonNull > 0 {
            switch encoding {
            case .plain:
                _ = try PlainDecoding.forEachByteArray(data, count: nonNull, into: &appender)
            case .rleDictionary, .plainDictionary:
                guard let dictionary else { throw SinkSupport.missingDictionary(encoding) }
                try SinkSupport.decodeIndices(data, count: nonNull, into: &indices)
                let entries = dictionary.count
                try dictionary.bytes.withUnsafeBytes { raw in
                    try dictionary.offsets.withUnsafeBufferPointer { offsets in
                        try indices.withUnsafeBufferPointer { indices in
                            for i in 0..<nonNull {
                                let index = indices[i]
                                guard index < UInt64(entries) else {
                                    throw SinkSupport.badIndex(index, entries: entries)
                                }
                                let e = Int(index)
                                appender.consume(UnsafeRawBufferPointer(rebasing: raw[offsets[e]..<offsets[e + 1]]))
                            }
                        }
                    }
                }
            case .deltaLengthByteArray:
                _ = try DeltaLengthByteArray.forEach(data, count: nonNull, into: &appender)
            case .deltaByteArray:
                _ = try DeltaByteArray.forEach(data, count: nonNull, into: &appender)
            default:
                throw SinkSupport.unsupported(encoding, "BYTE_ARRAY")
            }
        }
        appender.finish(rows: rows)
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

    mutating func startChunk() { dictionary = nil }

    mutating func setDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws {
        try SinkSupport.checkDictionary(count: count, minimumBytes: count * width, pageBytes: data.count)
        var buffer = FixedLenByteArrayBuffer(width: width)
        buffer.reserveCapacity(count)
        var entries = FixedLenByteArrayAppender(out: buffer, validity: nil)
        _ = try PlainDecoding.forEachFixedLenByteArray(data, count: count, width: width, into: &entries)
        dictionary = entries.out
    }

    mutating func appendPage(
        _ data: UnsafeRawBufferPointer,
        encoding: ParquetFormat.Encoding,
        rows: Int,
        nonNull: Int,
        validity: UnsafeBufferPointer<Bool>?
    ) throws {
        var appender = FixedLenByteArrayAppender(out: values, validity: validity)
        values = FixedLenByteArrayBuffer(width: width)
        defer { values = appender.out }
        let width = self.width
        if nonNull > 0 {
            switch encoding {
            case .plain:
                _ = try PlainDecoding.forEachFixedLenByteArray(data, count: nonNull, width: width, into: &appender)
            case .rleDictionary, .plainDictionary:
                guard let dictionary else { throw SinkSupport.missingDictionary(encoding) }
                try SinkSupport.decodeIndices(data, count: nonNull, into: &indices)
                let entries = dictionary.count
                try dictionary.bytes.withUnsafeBytes { raw in
                    for i in 0..<nonNull {
                        let index = indices[i]
                        guard index < UInt64(entries) else { throw SinkSupport.badIndex(index, entries: entries) }
                        let e = Int(index)
                        appender.consume(UnsafeRawBufferPointer(rebasing: raw[(e * width)..<((e + 1) * width)]))
                    }
                }
            case .byteStreamSplit:
                if scratch.count < nonNull * width { scratch = [UInt8](repeating: 0, count: nonNull * width) }
                try scratch.withUnsafeMutableBytes { buffer in
                    try PlainDecoding.decodeByteStreamSplit(
                        data,
                        count: nonNull,
                        width: width,
                        into: buffer.baseAddress!
                    )
                    _ = try PlainDecoding.forEachFixedLenByteArray(
                        UnsafeRawBufferPointer(buffer),
                        count: nonNull,
                        width: width,
                        into: &appender
                    )
                }
            case .deltaByteArray:
                _ = try DeltaByteArray.forEach(data, count: nonNull, into: &appender)
            default:
                throw SinkSupport.unsupported(encoding, "FIXED_LEN_BYTE_ARRAY")
            }
        }
        if let wrongWidth = appender.wrongWidth {
            throw ParquetError(
                .corruptPage,
                "a value of \(wrongWidth) bytes in a FIXED_LEN_BYTE_ARRAY(\(width)) column"
            )
        }
        appender.finish(rows: rows)
    }

    mutating func finish() -> ColumnValues {
        defer { values = FixedLenByteArrayBuffer(width: width) }
        return .fixedLenByteArray(values)
    }
}
