/// A field header read by ``ThriftCompactReader/readFieldBegin()``.
public struct ThriftField: Sendable, Hashable {
    /// The wire type; for booleans `boolTrue` or `boolFalse`, which is also the value.
    public var type: ThriftCompactType
    public var id: Int16

    public init(type: ThriftCompactType, id: Int16) {
        self.type = type
        self.id = id
    }
}

/// Decodes the Thrift compact protocol from a byte slice, the inverse of ``ThriftCompactWriter``
/// (apache/thrift `doc/specs/thrift-compact-protocol.md`).
///
/// Every read checks the bytes left first, so truncated or hostile input (a footer cut short,
/// a length of two gigabytes in a ten-byte page header) throws a ``ThriftError`` carrying the
/// byte offset instead of trapping or allocating. Fields a decoder does not model are passed
/// over with ``skip(_:)``, which is what lets us read files from writers that know newer
/// parts of parquet.thrift than we do.
public struct ThriftCompactReader: Sendable {
    /// Structs and containers may nest this deep; Parquet metadata needs about 6. The limit
    /// keeps a crafted input from exhausting the stack through `skip`.
    public static let maximumDepth = 64

    private let input: ArraySlice<UInt8>
    /// Absolute index into `input` of the next byte to read.
    private var index: Int
    /// Added to offsets in errors, e.g. the file position where the footer starts.
    public let baseOffset: Int

    private var lastFieldId: Int16 = 0
    private var fieldIdStack: [Int16] = []
    private var depth = 0

    /// Reads `bytes` from its first byte. `baseOffset` is added to offsets in errors.
    public init(_ bytes: [UInt8], baseOffset: Int = 0) {
        self.init(bytes[...], baseOffset: baseOffset)
    }

    /// Reads a slice without copying it. `baseOffset` is added to offsets in errors.
    public init(_ bytes: ArraySlice<UInt8>, baseOffset: Int = 0) {
        input = bytes
        index = bytes.startIndex
        self.baseOffset = baseOffset
        fieldIdStack.reserveCapacity(8)
    }

    /// Bytes consumed so far (e.g. the length of a page header once it has been decoded).
    public var position: Int { index - input.startIndex }

    /// Bytes not yet consumed.
    public var remainingCount: Int { input.endIndex - index }

    public var isAtEnd: Bool { index >= input.endIndex }

    // MARK: Errors

    /// An error at the current position.
    public func error(_ code: ThriftError.Code, _ message: String) -> ThriftError {
        ThriftError(code: code, message: message, offset: baseOffset + position)
    }

    private func truncated(_ what: String) -> ThriftError {
        error(.truncated, "input ends inside \(what) (\(remainingCount) bytes left)")
    }

    // MARK: Structs and fields

    /// Enters a struct: field ids count from 0 again until the matching `readStructEnd()`.
    public mutating func readStructBegin() throws(ThriftError) {
        guard depth < Self.maximumDepth else {
            throw error(.nestingTooDeep, "structs nested deeper than \(Self.maximumDepth) levels")
        }
        depth += 1
        fieldIdStack.append(lastFieldId)
        lastFieldId = 0
    }

    /// Leaves a struct after `readFieldBegin()` returned nil (its stop field).
    public mutating func readStructEnd() {
        depth -= 1
        lastFieldId = fieldIdStack.popLast() ?? 0
    }

    /// Reads a field header; nil for the stop field that ends the struct.
    ///
    /// Short form `ddddtttt` adds the delta `dddd` to the previous field id; long form
    /// `0000tttt` is followed by the id as a zigzag varint.
    public mutating func readFieldBegin() throws(ThriftError) -> ThriftField? {
        let byte = try readByte("a field header")
        if byte == 0 { return nil }
        guard let type = ThriftCompactType(rawValue: byte & 0x0F), type != .stop else {
            throw error(.invalidType, "field header has unknown type \(byte & 0x0F)")
        }
        let delta = byte >> 4
        let id: Int16
        if delta == 0 {
            id = try readI16()
        } else {
            let sum = Int(lastFieldId) + Int(delta)
            guard sum <= Int(Int16.max) else {
                throw error(.invalidValue, "field id \(sum) out of the i16 range")
            }
            id = Int16(sum)
        }
        lastFieldId = id
        return ThriftField(type: type, id: id)
    }

    // MARK: Scalars

    private mutating func readByte(_ what: @autoclosure () -> String) throws(ThriftError) -> UInt8 {
        guard index < input.endIndex else { throw truncated(what()) }
        let byte = input[index]
        index += 1
        return byte
    }

    /// An unsigned LEB128 varint of at most `maxBytes` bytes whose value fits `bits` bits.
    private mutating func readVarint(maxBytes: Int, bits: Int, _ what: String) throws(ThriftError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<maxBytes {
            let byte = try readByte("a varint (\(what))")
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                guard bits == 64 || result >> UInt64(bits) == 0 else {
                    throw error(.invalidValue, "varint \(result) does not fit \(what)")
                }
                return result
            }
            shift += 7
        }
        throw error(.invalidValue, "varint longer than \(maxBytes) bytes for \(what)")
    }

    /// An unsigned varint as used for sizes and lengths (up to 64 bits).
    public mutating func readVarint() throws(ThriftError) -> UInt64 {
        try readVarint(maxBytes: 10, bits: 64, "a varint")
    }

    public mutating func readI8() throws(ThriftError) -> Int8 {
        Int8(bitPattern: try readByte("an i8"))
    }

    /// An i16 travels as a zigzag i32; values outside the i16 range are an error.
    public mutating func readI16() throws(ThriftError) -> Int16 {
        let value = try readI32()
        guard let narrow = Int16(exactly: value) else {
            throw error(.invalidValue, "i16 value \(value) out of range")
        }
        return narrow
    }

    /// A zigzag varint of at most 5 bytes.
    public mutating func readI32() throws(ThriftError) -> Int32 {
        let zigzag = UInt32(try readVarint(maxBytes: 5, bits: 32, "an i32"))
        return Int32(bitPattern: (zigzag >> 1) ^ (0 &- (zigzag & 1)))
    }

    /// A zigzag varint of at most 10 bytes.
    public mutating func readI64() throws(ThriftError) -> Int64 {
        let zigzag = try readVarint(maxBytes: 10, bits: 64, "an i64")
        return Int64(bitPattern: (zigzag >> 1) ^ (0 &- (zigzag & 1)))
    }

    /// 8 bytes, little-endian IEEE 754.
    public mutating func readDouble() throws(ThriftError) -> Double {
        guard remainingCount >= 8 else { throw truncated("a double") }
        var bits: UInt64 = 0
        for i in 0..<8 {
            bits |= UInt64(input[index + i]) << UInt64(8 * i)
        }
        index += 8
        return Double(bitPattern: bits)
    }

    /// A boolean list/set/map element: 1 is true; 0 and 2 are false (writers disagree, see
    /// ``ThriftCompactWriter/writeBool(_:)``).
    public mutating func readBool() throws(ThriftError) -> Bool {
        switch try readByte("a bool") {
        case 1: return true
        case 0, 2: return false
        case let other: throw error(.invalidValue, "bool element has value \(other)")
        }
    }

    /// The value of a boolean field, which is its header's type nibble.
    public func readBool(_ field: ThriftField) throws(ThriftError) -> Bool {
        switch field.type {
        case .boolTrue: return true
        case .boolFalse: return false
        default: throw error(.invalidType, "field \(field.id) is \(field.type), not a bool")
        }
    }

    /// The length prefix of a binary value, checked against the bytes left.
    private mutating func readLength(_ what: String) throws(ThriftError) -> Int {
        let start = index
        let length = try readVarint(maxBytes: 5, bits: 32, "a length")
        guard length <= UInt64(Int32.max), Int(length) <= remainingCount else {
            index = start
            throw error(.invalidLength, "\(what) length \(length) exceeds the \(remainingCount) bytes left")
        }
        return Int(length)
    }

    /// Binary: a varint length then that many bytes, copied out.
    public mutating func readBinary() throws(ThriftError) -> [UInt8] {
        Array(try readBinarySlice())
    }

    /// Binary without copying: a slice of the input.
    public mutating func readBinarySlice() throws(ThriftError) -> ArraySlice<UInt8> {
        let length = try readLength("binary")
        let slice = input[index..<(index + length)]
        index += length
        return slice
    }

    /// A string is UTF-8 binary; invalid sequences become U+FFFD rather than failing.
    public mutating func readString() throws(ThriftError) -> String {
        String(decoding: try readBinarySlice(), as: UTF8.self)
    }

    // MARK: Containers

    /// A list header; the count is checked against the bytes left (every element takes at
    /// least one byte), so a bogus count cannot make a decoder reserve gigabytes.
    public mutating func readListBegin() throws(ThriftError) -> (elementType: ThriftCompactType, count: Int) {
        let byte = try readByte("a list header")
        guard let type = ThriftCompactType(rawValue: byte & 0x0F), type != .stop else {
            throw error(.invalidType, "list header has unknown element type \(byte & 0x0F)")
        }
        var count = Int(byte >> 4)
        if count == 15 {
            let size = try readVarint(maxBytes: 5, bits: 32, "a list size")
            guard size <= UInt64(Int32.max) else {
                throw error(.invalidLength, "list size \(size) is negative")
            }
            count = Int(size)
        }
        guard count <= remainingCount else {
            throw error(.invalidLength, "list of \(count) elements exceeds the \(remainingCount) bytes left")
        }
        return (type, count)
    }

    /// Sets are encoded exactly like lists.
    public mutating func readSetBegin() throws(ThriftError) -> (elementType: ThriftCompactType, count: Int) {
        try readListBegin()
    }

    /// A map header: 0 for an empty map, else a varint size and a `kkkkvvvv` type byte.
    public mutating func readMapBegin() throws(ThriftError)
        -> (keyType: ThriftCompactType, valueType: ThriftCompactType, count: Int)
    {
        let size = try readVarint(maxBytes: 5, bits: 32, "a map size")
        if size == 0 { return (.binary, .binary, 0) }
        guard size <= UInt64(Int32.max) else {
            throw error(.invalidLength, "map size \(size) is negative")
        }
        let types = try readByte("a map header")
        guard let key = ThriftCompactType(rawValue: types >> 4), key != .stop,
            let value = ThriftCompactType(rawValue: types & 0x0F), value != .stop
        else {
            throw error(.invalidType, "map header has unknown key/value types \(types >> 4)/\(types & 0x0F)")
        }
        guard Int(size) <= remainingCount / 2 else {
            throw error(.invalidLength, "map of \(size) entries exceeds the \(remainingCount) bytes left")
        }
        return (key, value, Int(size))
    }

    // MARK: Skipping

    /// Passes over the value of a field of wire type `type`, whatever it contains: nested
    /// structs, lists, sets and maps included. Boolean fields have no value bytes.
    public mutating func skip(_ type: ThriftCompactType) throws(ThriftError) {
        try skipValue(type, isElement: false)
    }

    /// Passes over the value of `field`.
    public mutating func skip(_ field: ThriftField) throws(ThriftError) {
        try skipValue(field.type, isElement: false)
    }

    private mutating func skipBytes(_ count: Int, _ what: String) throws(ThriftError) {
        guard count <= remainingCount else { throw truncated(what) }
        index += count
    }

    private mutating func skipValue(_ type: ThriftCompactType, isElement: Bool) throws(ThriftError) {
        switch type {
        case .stop:
            throw error(.invalidType, "stop is not a value type")
        case .boolTrue, .boolFalse:
            // In a field header the value is the type; as an element it is one byte.
            if isElement { _ = try readBool() }
        case .i8:
            try skipBytes(1, "an i8")
        case .i16, .i32, .i64:
            _ = try readVarint(maxBytes: 10, bits: 64, "an integer")
        case .double:
            try skipBytes(8, "a double")
        case .binary:
            let length = try readLength("binary")
            index += length
        case .uuid:
            try skipBytes(16, "a uuid")
        case .list, .set:
            let (elementType, count) = try readListBegin()
            try enterContainer()
            for _ in 0..<count { try skipValue(elementType, isElement: true) }
            depth -= 1
        case .map:
            let (keyType, valueType, count) = try readMapBegin()
            try enterContainer()
            for _ in 0..<count {
                try skipValue(keyType, isElement: true)
                try skipValue(valueType, isElement: true)
            }
            depth -= 1
        case .struct:
            try readStructBegin()
            while let field = try readFieldBegin() {
                try skipValue(field.type, isElement: false)
            }
            readStructEnd()
        }
    }

    private mutating func enterContainer() throws(ThriftError) {
        guard depth < Self.maximumDepth else {
            throw error(.nestingTooDeep, "containers nested deeper than \(Self.maximumDepth) levels")
        }
        depth += 1
    }
}

// MARK: - Typed helpers for the Parquet struct decoders

extension ThriftCompactReader {
    /// A Thrift enum (an i32) as a Swift enum; a value we do not know is an error naming the
    /// struct and field, because guessing at a codec, encoding or type would misread data.
    public mutating func readEnum<E: RawRepresentable>(
        _: E.Type,
        in structName: String,
        field fieldName: String
    ) throws(ThriftError) -> E where E.RawValue == Int32 {
        let raw = try readI32()
        guard let value = E(rawValue: raw) else {
            throw error(.unknownEnumValue, "\(structName).\(fieldName) has unknown \(E.self) value \(raw)")
        }
        return value
    }

    /// A list whose header must announce `elementType`; each element is read by `element`.
    public mutating func readList<T>(
        of elementType: ThriftCompactType,
        in structName: String,
        field fieldName: String,
        _ element: (inout ThriftCompactReader) throws(ThriftError) -> T
    ) throws(ThriftError) -> [T] {
        let (type, count) = try readListBegin()
        guard type == elementType || (type.isBool && elementType.isBool) else {
            throw error(.invalidType, "\(structName).\(fieldName) is a list of \(type), expected \(elementType)")
        }
        try enterContainer()
        defer { depth -= 1 }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            values.append(try element(&self))
        }
        return values
    }

    public mutating func readStructList<T: ThriftStruct>(
        _: T.Type,
        in structName: String,
        field fieldName: String
    ) throws(ThriftError) -> [T] {
        try readList(of: .struct, in: structName, field: fieldName) { (r) throws(ThriftError) in try T(from: &r) }
    }

    public mutating func readEnumList<E: RawRepresentable>(
        _: E.Type,
        in structName: String,
        field fieldName: String
    ) throws(ThriftError) -> [E] where E.RawValue == Int32 {
        try readList(of: .i32, in: structName, field: fieldName) { (r) throws(ThriftError) in
            try r.readEnum(E.self, in: structName, field: fieldName)
        }
    }

    public mutating func readI64List(in structName: String, field fieldName: String) throws(ThriftError) -> [Int64] {
        try readList(of: .i64, in: structName, field: fieldName) { (r) throws(ThriftError) in try r.readI64() }
    }

    public mutating func readBoolList(in structName: String, field fieldName: String) throws(ThriftError) -> [Bool] {
        try readList(of: .bool, in: structName, field: fieldName) { (r) throws(ThriftError) in try r.readBool() }
    }

    public mutating func readStringList(in structName: String, field fieldName: String) throws(ThriftError) -> [String]
    {
        try readList(of: .binary, in: structName, field: fieldName) { (r) throws(ThriftError) in try r.readString() }
    }

    public mutating func readBinaryList(in structName: String, field fieldName: String) throws(ThriftError) -> [[UInt8]]
    {
        try readList(of: .binary, in: structName, field: fieldName) { (r) throws(ThriftError) in try r.readBinary() }
    }

    /// Unwraps a required field after its struct's stop field, or names what was missing.
    public func required<T>(_ value: T?, in structName: String, field fieldName: String) throws(ThriftError) -> T {
        guard let value else {
            throw error(.missingRequiredField, "\(structName) lacks required field \(fieldName)")
        }
        return value
    }
}
