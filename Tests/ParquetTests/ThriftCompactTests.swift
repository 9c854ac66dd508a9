import Testing

@testable import Parquet

// Byte vectors worked out by hand from apache/thrift doc/specs/thrift-compact-protocol.md.

private func encode(_ body: (inout ThriftCompactWriter) -> Void) -> [UInt8] {
    var writer = ThriftCompactWriter()
    body(&writer)
    return writer.bytes
}

private func expectThriftError(
    _ code: ThriftError.Code,
    _ bytes: [UInt8],
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (inout ThriftCompactReader) throws(ThriftError) -> Void
) -> ThriftError? {
    var reader = ThriftCompactReader(bytes)
    do {
        try body(&reader)
        Issue.record("expected ThriftError.\(code), decoding succeeded", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    }
}

@Suite struct ThriftCompactIntegers {
    @Test("varints are unsigned LEB128, least significant 7 bits first")
    func varints() throws {
        let cases: [(UInt64, [UInt8])] = [
            (0, [0x00]),
            (1, [0x01]),
            (127, [0x7F]),
            (128, [0x80, 0x01]),
            (300, [0xAC, 0x02]),
            (50399, [0xDF, 0x89, 0x03]),  // the spec's own example
            (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ]
        for (value, bytes) in cases {
            #expect(encode { $0.writeVarint(value) } == bytes, "\(value)")
            var reader = ThriftCompactReader(bytes)
            #expect(try reader.readVarint() == value)
            #expect(reader.isAtEnd)
        }
    }

    @Test("i32 is zigzag folded: 0, -1, 1, -2, 2 become 0, 1, 2, 3, 4")
    func zigzagI32() throws {
        let cases: [(Int32, [UInt8])] = [
            (0, [0x00]), (-1, [0x01]), (1, [0x02]), (-2, [0x03]), (2, [0x04]),
            (-64, [0x7F]), (64, [0x80, 0x01]),
            (Int32.max, [0xFE, 0xFF, 0xFF, 0xFF, 0x0F]),
            (Int32.min, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        ]
        for (value, bytes) in cases {
            #expect(encode { $0.writeI32(value) } == bytes, "\(value)")
            var reader = ThriftCompactReader(bytes)
            #expect(try reader.readI32() == value)
            #expect(reader.isAtEnd)
        }
    }

    @Test("i64 is zigzag folded over 64 bits, up to 10 varint bytes")
    func zigzagI64() throws {
        let cases: [(Int64, [UInt8])] = [
            (0, [0x00]), (-1, [0x01]), (1, [0x02]),
            (1_000_000, [0x80, 0x89, 0x7A]),  // zigzag 2_000_000 = 0x1E8480
            (Int64.max, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
            (Int64.min, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ]
        for (value, bytes) in cases {
            #expect(encode { $0.writeI64(value) } == bytes, "\(value)")
            var reader = ThriftCompactReader(bytes)
            #expect(try reader.readI64() == value)
            #expect(reader.isAtEnd)
        }
    }

    @Test("i16 travels as a zigzag i32 and i8 as one raw byte")
    func smallIntegers() throws {
        #expect(encode { $0.writeI16(-300) } == [0xD7, 0x04])  // zigzag 599
        #expect(encode { $0.writeI8(-2) } == [0xFE])
        var reader = ThriftCompactReader([0xD7, 0x04, 0xFE])
        #expect(try reader.readI16() == -300)
        #expect(try reader.readI8() == -2)
    }

    @Test("an i16 outside its range and a varint past 10 bytes are errors")
    func integerOverflow() {
        _ = expectThriftError(.invalidValue, [0x80, 0x80, 0x04]) { r throws(ThriftError) in _ = try r.readI16() }
        _ = expectThriftError(.invalidValue, [0xFF, 0xFF, 0xFF, 0xFF, 0x1F]) { r throws(ThriftError) in
            _ = try r.readI32()
        }
        _ = expectThriftError(.invalidValue, [UInt8](repeating: 0x80, count: 11) + [0x00]) { r throws(ThriftError) in
            _ = try r.readI64()
        }
    }
}

@Suite struct ThriftCompactScalars {
    @Test("a double is its IEEE 754 bits little-endian")
    func double() throws {
        #expect(encode { $0.writeDouble(1.0) } == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        #expect(encode { $0.writeDouble(-2.5) } == [0, 0, 0, 0, 0, 0, 0x04, 0xC0])
        var reader = ThriftCompactReader([0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0x04, 0xC0])
        #expect(try reader.readDouble() == 1.0)
        #expect(try reader.readDouble() == -2.5)
    }

    @Test("binary and strings are a varint length then the bytes, no terminator")
    func binary() throws {
        #expect(encode { $0.writeString("abc") } == [0x03, 0x61, 0x62, 0x63])
        #expect(encode { $0.writeString("") } == [0x00])
        #expect(encode { $0.writeString("é") } == [0x02, 0xC3, 0xA9])
        let long = [UInt8](repeating: 7, count: 200)
        #expect(encode { $0.writeBinary(long) } == [0xC8, 0x01] + long)
        var reader = ThriftCompactReader([0x03, 0x61, 0x62, 0x63, 0x02, 0xC3, 0xA9] + [0xC8, 0x01] + long)
        #expect(try reader.readString() == "abc")
        #expect(try reader.readString() == "é")
        #expect(try reader.readBinary() == long)
        #expect(reader.isAtEnd)
    }

    @Test("boolean list elements are written 1 and 2, and 0 also reads as false")
    func boolElements() throws {
        #expect(
            encode {
                $0.writeBool(true)
                $0.writeBool(false)
            } == [0x01, 0x02]
        )
        var reader = ThriftCompactReader([0x01, 0x02, 0x00])
        #expect(try reader.readBool() == true)
        #expect(try reader.readBool() == false)
        #expect(try reader.readBool() == false)
        _ = expectThriftError(.invalidValue, [0x03]) { r throws(ThriftError) in _ = try r.readBool() }
    }
}

@Suite struct ThriftCompactStructs {
    @Test("a field id 1 to 15 above the previous one takes the one-byte short form")
    func shortFieldHeader() throws {
        let bytes = encode { w in
            w.writeStructBegin()
            w.writeI32Field(1, 5)
            w.writeI64Field(16, 1)  // delta 15: still short
            w.writeStructEnd()
        }
        #expect(bytes == [0x15, 0x0A, 0xF6, 0x02, 0x00])
        var reader = ThriftCompactReader(bytes)
        try reader.readStructBegin()
        #expect(try reader.readFieldBegin() == ThriftField(type: .i32, id: 1))
        #expect(try reader.readI32() == 5)
        #expect(try reader.readFieldBegin() == ThriftField(type: .i64, id: 16))
        #expect(try reader.readI64() == 1)
        #expect(try reader.readFieldBegin() == nil)
        reader.readStructEnd()
        #expect(reader.isAtEnd)
    }

    @Test("a jump of more than 15, or a lower id, takes the long form with a zigzag i16 id")
    func longFieldHeader() throws {
        let bytes = encode { w in
            w.writeStructBegin()
            w.writeStringField(17, "a")  // delta 17 from 0
            w.writeI32Field(3, -1)  // going back
            w.writeI32Field(3, 0)  // same id again: delta 0 is not allowed in the short form
            w.writeStructEnd()
        }
        #expect(bytes == [0x08, 0x22, 0x01, 0x61, 0x05, 0x06, 0x01, 0x05, 0x06, 0x00, 0x00])
        var reader = ThriftCompactReader(bytes)
        try reader.readStructBegin()
        #expect(try reader.readFieldBegin() == ThriftField(type: .binary, id: 17))
        #expect(try reader.readString() == "a")
        #expect(try reader.readFieldBegin() == ThriftField(type: .i32, id: 3))
        #expect(try reader.readI32() == -1)
        #expect(try reader.readFieldBegin() == ThriftField(type: .i32, id: 3))
        #expect(try reader.readI32() == 0)
        #expect(try reader.readFieldBegin() == nil)
    }

    @Test("a boolean field is carried in the type nibble: 1 true, 2 false, no value bytes")
    func boolInHeader() throws {
        let bytes = encode { w in
            w.writeStructBegin()
            w.writeBoolField(1, true)
            w.writeBoolField(2, false)
            w.writeStructEnd()
        }
        #expect(bytes == [0x11, 0x12, 0x00])
        var reader = ThriftCompactReader(bytes)
        try reader.readStructBegin()
        let first = try #require(try reader.readFieldBegin())
        #expect(try reader.readBool(first) == true)
        let second = try #require(try reader.readFieldBegin())
        #expect(try reader.readBool(second) == false)
        #expect(try reader.readFieldBegin() == nil)
    }

    @Test("a nested struct counts its field ids from 0, and the outer ids resume after it")
    func nestedDeltaReset() throws {
        let bytes = encode { w in
            w.writeStructBegin()
            w.writeI32Field(1, 1)
            w.writeFieldBegin(.struct, id: 2)
            w.writeStructBegin()
            w.writeI32Field(1, 7)
            w.writeStructEnd()
            w.writeI32Field(3, 2)
            w.writeStructEnd()
        }
        #expect(bytes == [0x15, 0x02, 0x1C, 0x15, 0x0E, 0x00, 0x15, 0x04, 0x00])
        var reader = ThriftCompactReader(bytes)
        try reader.readStructBegin()
        #expect(try reader.readFieldBegin()?.id == 1)
        _ = try reader.readI32()
        #expect(try reader.readFieldBegin() == ThriftField(type: .struct, id: 2))
        try reader.readStructBegin()
        #expect(try reader.readFieldBegin() == ThriftField(type: .i32, id: 1))
        #expect(try reader.readI32() == 7)
        #expect(try reader.readFieldBegin() == nil)
        reader.readStructEnd()
        #expect(try reader.readFieldBegin() == ThriftField(type: .i32, id: 3))
        #expect(try reader.readI32() == 2)
        #expect(try reader.readFieldBegin() == nil)
        reader.readStructEnd()
        #expect(reader.isAtEnd)
    }

    @Test("an empty struct is just the stop byte")
    func stop() throws {
        #expect(
            encode {
                $0.writeStructBegin()
                $0.writeStructEnd()
            } == [0x00]
        )
        #expect(ParquetFormat.IndexPageHeader().encoded() == [0x00])
    }

    @Test("removeAll empties the writer for the next message and resets field ids")
    func reuse() {
        var writer = ThriftCompactWriter()
        writer.writeStructBegin()
        writer.writeI32Field(5, 1)
        writer.removeAll()
        writer.writeStructBegin()
        writer.writeI32Field(1, 1)
        writer.writeStructEnd()
        #expect(writer.bytes == [0x15, 0x02, 0x00])
    }
}

@Suite struct ThriftCompactContainers {
    @Test("a list of up to 14 elements has a one-byte header: size nibble, element type nibble")
    func shortListHeader() throws {
        let bytes = encode { w in
            w.writeListBegin(elementType: .i32, count: 3)
            for v: Int32 in [1, 2, 3] { w.writeI32(v) }
        }
        #expect(bytes == [0x35, 0x02, 0x04, 0x06])
        #expect(encode { $0.writeListBegin(elementType: .binary, count: 14) } == [0xE8])
        #expect(encode { $0.writeListBegin(elementType: .struct, count: 0) } == [0x0C])
        var reader = ThriftCompactReader(bytes)
        let (type, count) = try reader.readListBegin()
        #expect(type == .i32)
        #expect(count == 3)
    }

    @Test("a list of 15 or more elements has 0xF and the element type, then a varint size")
    func longListHeader() throws {
        let bytes = encode { w in
            w.writeListBegin(elementType: .i64, count: 15)
            for _ in 0..<15 { w.writeI64(0) }
        }
        #expect(Array(bytes.prefix(2)) == [0xF6, 0x0F])
        #expect(bytes.count == 17)
        #expect(encode { $0.writeListBegin(elementType: .i8, count: 300) } == [0xF3, 0xAC, 0x02])
        var reader = ThriftCompactReader(bytes)
        let (type, count) = try reader.readListBegin()
        #expect(type == .i64)
        #expect(count == 15)
    }

    @Test("a list of booleans announces element type 1, as C++ and Java write it, one byte per element")
    func boolList() throws {
        let bytes = encode { w in
            w.writeStructBegin()
            w.writeBoolListField(1, [true, false, true])
            w.writeStructEnd()
        }
        #expect(bytes == [0x19, 0x31, 0x01, 0x02, 0x01, 0x00])
        // Element type 2, as the spec text gives it, reads the same; so does 0 for false.
        var reader = ThriftCompactReader([0x32, 0x01, 0x02, 0x00])
        #expect(try reader.readBoolList(in: "T", field: "f") == [true, false, false])
    }

    @Test("a map header is 0 when empty, else a varint size and a key/value type byte")
    func mapHeader() throws {
        #expect(encode { $0.writeMapBegin(keyType: .i32, valueType: .binary, count: 0) } == [0x00])
        let bytes = encode { w in
            w.writeMapBegin(keyType: .i32, valueType: .binary, count: 1)
            w.writeI32(1)
            w.writeString("a")
        }
        #expect(bytes == [0x01, 0x58, 0x02, 0x01, 0x61])
        var reader = ThriftCompactReader(bytes)
        let header = try reader.readMapBegin()
        #expect(header.keyType == .i32 && header.valueType == .binary && header.count == 1)
    }
}

@Suite struct ThriftCompactSkipping {
    /// A KeyValue with fields of every kind it does not define wedged between its own.
    static let keyValueWithUnknownFields: [UInt8] = {
        var w = ThriftCompactWriter()
        w.writeStructBegin()
        w.writeStringField(1, "k")
        // 3: struct { 1: list<map<i32, struct{1: bool}>>, 2: double }
        w.writeFieldBegin(.struct, id: 3)
        w.writeStructBegin()
        w.writeFieldBegin(.list, id: 1)
        w.writeListBegin(elementType: .map, count: 2)
        for _ in 0..<2 {
            w.writeMapBegin(keyType: .i32, valueType: .struct, count: 2)
            for key: Int32 in [1, 2] {
                w.writeI32(key)
                w.writeStructBegin()
                w.writeBoolField(1, true)
                w.writeStructEnd()
            }
        }
        w.writeDoubleField(2, 3.5)
        w.writeStructEnd()
        // 4: set<i64>, 5: empty map, 6: uuid, 7: bool, 8: i8, 9: i16, 10: list<bool>, 11: binary
        w.writeFieldBegin(.set, id: 4)
        w.writeSetBegin(elementType: .i64, count: 20)
        for i in 0..<20 { w.writeI64(Int64(i) * 1_000_000_007) }
        w.writeFieldBegin(.map, id: 5)
        w.writeMapBegin(keyType: .binary, valueType: .binary, count: 0)
        w.writeFieldBegin(.uuid, id: 6)
        for i in 0..<16 { w.writeI8(Int8(i)) }
        w.writeBoolField(7, false)
        w.writeI8Field(8, -1)
        w.writeI16Field(9, 1234)
        w.writeBoolListField(10, [true, false])
        w.writeBinaryField(11, [1, 2, 3])
        w.writeStringField(2, "v")  // back to a known field, long form
        w.writeStructEnd()
        return w.bytes
    }()

    @Test("fields a decoder does not model are skipped, however they nest")
    func skipUnknownFields() throws {
        let bytes = Self.keyValueWithUnknownFields
        var reader = ThriftCompactReader(bytes + [0xAA])
        let decoded = try ParquetFormat.KeyValue(from: &reader)
        #expect(decoded == ParquetFormat.KeyValue(key: "k", value: "v"))
        #expect(reader.position == bytes.count)
    }

    @Test("skipping a whole struct consumes exactly its bytes")
    func skipStruct() throws {
        let bytes = Self.keyValueWithUnknownFields
        var reader = ThriftCompactReader(bytes + [0x07])
        try reader.skip(.struct)
        #expect(reader.position == bytes.count)
        #expect(try reader.readI8() == 7)
    }

    @Test("nesting deeper than the limit is an error, not a stack overflow")
    func nestingLimit() {
        // 1000 nested struct fields, each header 0x1C (delta 1, struct).
        let bytes = [UInt8](repeating: 0x1C, count: 1000) + [UInt8](repeating: 0x00, count: 1001)
        _ = expectThriftError(.nestingTooDeep, bytes) { r throws(ThriftError) in try r.skip(.struct) }
        // Lists of lists as well.
        let lists = [UInt8](repeating: 0x19, count: 1000)
        _ = expectThriftError(.nestingTooDeep, lists) { r throws(ThriftError) in try r.skip(.list) }
    }
}

@Suite struct ThriftCompactErrors {
    @Test("every truncation of a valid struct throws, none traps")
    func everyTruncationThrows() throws {
        let bytes = ThriftCompactSkipping.keyValueWithUnknownFields
        for length in 0..<bytes.count {
            var reader = ThriftCompactReader(bytes[0..<length])
            #expect(throws: ThriftError.self, "prefix of \(length) bytes") {
                _ = try ParquetFormat.KeyValue(from: &reader)
            }
        }
    }

    @Test("a truncated value reports the truncated code at the offset where input ran out")
    func truncatedOffset() {
        let error = expectThriftError(.truncated, [0x17, 0x00, 0x00]) { r throws(ThriftError) in
            try r.readStructBegin()
            _ = try r.readFieldBegin()
            _ = try r.readDouble()
        }
        #expect(error?.offset == 1)
    }

    @Test("a binary length beyond the bytes left is rejected before anything is allocated")
    func absurdBinaryLength() {
        let error = expectThriftError(.invalidLength, [0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x61]) { r throws(ThriftError) in
            _ = try r.readBinary()
        }
        #expect(error?.offset == 0)
        #expect(error?.message.contains("2147483647") == true)
    }

    @Test("a list or map size beyond the bytes left is rejected")
    func absurdContainerSizes() {
        _ = expectThriftError(.invalidLength, [0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00]) { r throws(ThriftError) in
            _ = try r.readListBegin()
        }
        _ = expectThriftError(.invalidLength, [0xE5, 0x00]) { r throws(ThriftError) in _ = try r.readListBegin() }
        _ = expectThriftError(.invalidLength, [0x80, 0x01, 0x55, 0x00]) { r throws(ThriftError) in
            _ = try r.readMapBegin()
        }
    }

    @Test("type nibbles 14 and 15 are not compact types")
    func invalidTypes() {
        _ = expectThriftError(.invalidType, [0x1E]) { r throws(ThriftError) in _ = try r.readFieldBegin() }
        _ = expectThriftError(.invalidType, [0x1F]) { r throws(ThriftError) in _ = try r.readListBegin() }
        _ = expectThriftError(.invalidType, [0x10]) { r throws(ThriftError) in _ = try r.readFieldBegin() }
    }

    @Test("error offsets include the reader's base offset")
    func baseOffset() {
        var reader = ThriftCompactReader([0x15], baseOffset: 1000)
        do {
            try reader.readStructBegin()
            _ = try reader.readFieldBegin()
            _ = try reader.readI32()
            Issue.record("expected a truncation error")
        } catch {
            #expect(error.offset == 1001)
            #expect(error.description.contains("1001"))
        }
    }

    @Test("a reader over a slice reads from the slice start and reports offsets relative to it")
    func sliceReader() throws {
        let bytes: [UInt8] = [0xEE, 0xEE, 0x03, 0x61, 0x62, 0x63]
        var reader = ThriftCompactReader(bytes[2...])
        #expect(try reader.readString() == "abc")
        #expect(reader.position == 4)
        #expect(reader.isAtEnd)
    }
}
