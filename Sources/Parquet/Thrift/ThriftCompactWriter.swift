/// Encodes values in the Thrift compact protocol into a growing byte array
/// (apache/thrift `doc/specs/thrift-compact-protocol.md`).
///
/// Parquet writes one `PageHeader` per page with this, so the writer appends to a single
/// `[UInt8]` and never allocates per byte or per field; `removeAll()` empties it while keeping
/// its capacity, so one writer can encode every page header of a column chunk.
///
/// Structs are written as `writeStructBegin()`, fields in any order (ascending ids keep every
/// field header in the one-byte short form), `writeStructEnd()`. The writer keeps the last
/// field id of each open struct on a stack, because field headers are deltas from it.
public struct ThriftCompactWriter: Sendable {
    /// Everything encoded so far.
    public private(set) var bytes: [UInt8]

    /// Id of the last field written in the innermost open struct; 0 at its start.
    var lastFieldId: Int16 = 0
    /// The `lastFieldId` of each enclosing struct, restored by `writeStructEnd()`.
    var fieldIdStack: [Int16] = []

    public init() {
        self.init(reservingCapacity: 256)
    }

    public init(reservingCapacity capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
        fieldIdStack.reserveCapacity(8)
    }

    /// Forgets everything written, keeping the storage for the next message.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        fieldIdStack.removeAll(keepingCapacity: true)
        lastFieldId = 0
    }

    // MARK: Structs and fields

    /// Opens a struct (or union): field ids inside it count from 0 again.
    public mutating func writeStructBegin() {
        fieldIdStack.append(lastFieldId)
        lastFieldId = 0
    }

    /// Writes the stop field that ends the innermost struct and returns to the enclosing one.
    public mutating func writeStructEnd() {
        bytes.append(ThriftCompactType.stop.rawValue)
        lastFieldId = fieldIdStack.popLast() ?? 0
    }

    /// Writes a field header: one byte `ddddtttt` when the id is 1...15 above the previous
    /// field's, else the type byte followed by the id as a zigzag varint (the long form).
    ///
    /// Boolean fields go through `writeBoolField`, which puts the value in the type nibble.
    public mutating func writeFieldBegin(_ type: ThriftCompactType, id: Int16) {
        let delta = Int(id) - Int(lastFieldId)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeI16(id)
        }
        lastFieldId = id
    }

    /// A boolean field: the value is the header's type nibble (1 true, 2 false), no value bytes.
    public mutating func writeBoolField(_ id: Int16, _ value: Bool) {
        writeFieldBegin(value ? .boolTrue : .boolFalse, id: id)
    }

    // MARK: Scalars

    /// An i8 is one raw byte.
    public mutating func writeI8(_ value: Int8) {
        bytes.append(UInt8(bitPattern: value))
    }

    /// An i16 is widened to i32 and written as a zigzag varint.
    public mutating func writeI16(_ value: Int16) {
        writeI32(Int32(value))
    }

    /// Zigzag (`(n << 1) ^ (n >> 31)`) then an unsigned LEB128 varint of 1 to 5 bytes.
    public mutating func writeI32(_ value: Int32) {
        let zigzag = UInt32(bitPattern: (value << 1) ^ (value >> 31))
        writeVarint(UInt64(zigzag))
    }

    /// Zigzag (`(n << 1) ^ (n >> 63)`) then an unsigned LEB128 varint of 1 to 10 bytes.
    public mutating func writeI64(_ value: Int64) {
        let zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        writeVarint(zigzag)
    }

    /// The IEEE 754 bits, little-endian (the compact protocol differs from the binary one here).
    public mutating func writeDouble(_ value: Double) {
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 64, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
    }

    /// A boolean outside a field header (a list, set or map element): one byte.
    ///
    /// The spec text says 1 and 0, but the C++ and Java implementations write 1 and 2 and
    /// older Rust thrift crates reject 0, so we write what every reader accepts: 1 and 2.
    public mutating func writeBool(_ value: Bool) {
        bytes.append(value ? 1 : 2)
    }

    /// Binary: varint length, then the bytes.
    public mutating func writeBinary(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Binary from any contiguous bytes (a slice of a page buffer, for instance).
    public mutating func writeBinary(_ value: UnsafeRawBufferPointer) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A string is its UTF-8 bytes written as binary, with no terminator.
    public mutating func writeString(_ value: String) {
        let utf8 = value.utf8
        writeVarint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Unsigned LEB128: 7 bits per byte, least significant group first, high bit set on all
    /// bytes but the last.
    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    // MARK: Containers

    /// A list header: one byte `sssstttt` for 0...14 elements, else `1111tttt` and a varint size.
    /// Then write `count` elements with the plain value writers (no field headers).
    public mutating func writeListBegin(elementType: ThriftCompactType, count: Int) {
        precondition(count >= 0 && count <= Int(Int32.max), "Thrift list size out of range: \(count)")
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }

    /// Sets are encoded exactly like lists.
    public mutating func writeSetBegin(elementType: ThriftCompactType, count: Int) {
        writeListBegin(elementType: elementType, count: count)
    }

    /// A map header: a single 0 byte when empty, else a varint size and one byte `kkkkvvvv`.
    public mutating func writeMapBegin(keyType: ThriftCompactType, valueType: ThriftCompactType, count: Int) {
        precondition(count >= 0 && count <= Int(Int32.max), "Thrift map size out of range: \(count)")
        if count == 0 {
            bytes.append(0)
        } else {
            writeVarint(UInt64(count))
            bytes.append(keyType.rawValue << 4 | valueType.rawValue)
        }
    }
}

// MARK: - Whole fields

/// One call per field, so the Parquet struct encoders read like the IDL.
extension ThriftCompactWriter {
    public mutating func writeI8Field(_ id: Int16, _ value: Int8) {
        writeFieldBegin(.i8, id: id)
        writeI8(value)
    }

    public mutating func writeI16Field(_ id: Int16, _ value: Int16) {
        writeFieldBegin(.i16, id: id)
        writeI16(value)
    }

    public mutating func writeI32Field(_ id: Int16, _ value: Int32) {
        writeFieldBegin(.i32, id: id)
        writeI32(value)
    }

    public mutating func writeI64Field(_ id: Int16, _ value: Int64) {
        writeFieldBegin(.i64, id: id)
        writeI64(value)
    }

    public mutating func writeDoubleField(_ id: Int16, _ value: Double) {
        writeFieldBegin(.double, id: id)
        writeDouble(value)
    }

    public mutating func writeBinaryField(_ id: Int16, _ value: [UInt8]) {
        writeFieldBegin(.binary, id: id)
        writeBinary(value)
    }

    public mutating func writeStringField(_ id: Int16, _ value: String) {
        writeFieldBegin(.binary, id: id)
        writeString(value)
    }

    /// A Thrift enum is its value as an i32.
    public mutating func writeEnumField<E: RawRepresentable>(_ id: Int16, _ value: E) where E.RawValue == Int32 {
        writeI32Field(id, value.rawValue)
    }

    public mutating func writeStructField<T: ThriftStruct>(_ id: Int16, _ value: T) {
        writeFieldBegin(.struct, id: id)
        value.write(to: &self)
    }

    public mutating func writeStructListField<T: ThriftStruct>(_ id: Int16, _ values: [T]) {
        writeFieldBegin(.list, id: id)
        writeListBegin(elementType: .struct, count: values.count)
        for value in values { value.write(to: &self) }
    }

    public mutating func writeEnumListField<E: RawRepresentable>(_ id: Int16, _ values: [E]) where E.RawValue == Int32 {
        writeFieldBegin(.list, id: id)
        writeListBegin(elementType: .i32, count: values.count)
        for value in values { writeI32(value.rawValue) }
    }

    public mutating func writeI64ListField(_ id: Int16, _ values: [Int64]) {
        writeFieldBegin(.list, id: id)
        writeListBegin(elementType: .i64, count: values.count)
        for value in values { writeI64(value) }
    }

    public mutating func writeBoolListField(_ id: Int16, _ values: [Bool]) {
        writeFieldBegin(.list, id: id)
        writeListBegin(elementType: .bool, count: values.count)
        for value in values { writeBool(value) }
    }

    public mutating func writeStringListField(_ id: Int16, _ values: [String]) {
        writeFieldBegin(.list, id: id)
        writeListBegin(elementType: .binary, count: values.count)
        for value in values { writeString(value) }
    }

    public mutating func writeBinaryListField(_ id: Int16, _ values: [[UInt8]]) {
        writeFieldBegin(.list, id: id)
        writeListBegin(elementType: .binary, count: values.count)
        for value in values { writeBinary(value) }
    }

    /// A field holding an empty struct (the members of Parquet's marker unions): header and stop.
    public mutating func writeEmptyStructField(_ id: Int16) {
        writeFieldBegin(.struct, id: id)
        writeStructBegin()
        writeStructEnd()
    }
}
