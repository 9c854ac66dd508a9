/// A value encoded as a Thrift struct or union in the compact protocol: every parquet.thrift
/// type in ``ParquetFormat`` conforms.
public protocol ThriftStruct: Sendable {
    /// Decodes one struct, fields in any order; unknown fields are skipped, and a missing
    /// required field throws ``ThriftError`` naming the struct and field.
    init(from reader: inout ThriftCompactReader) throws(ThriftError)

    /// Encodes the struct with fields in ascending id order, ending with its stop field.
    func write(to writer: inout ThriftCompactWriter)
}

extension ThriftStruct {
    /// The struct's compact-protocol bytes.
    public func encoded() -> [UInt8] {
        var writer = ThriftCompactWriter()
        write(to: &writer)
        return writer.bytes
    }

    /// Decodes a struct from the start of `bytes`; trailing bytes are ignored (use a reader
    /// directly to learn how many bytes the struct took).
    public init(encoded bytes: [UInt8]) throws(ThriftError) {
        var reader = ThriftCompactReader(bytes)
        try self.init(from: &reader)
    }

    /// Decodes a struct from the start of `bytes`; `baseOffset` is added to error offsets.
    public init(encoded bytes: ArraySlice<UInt8>, baseOffset: Int = 0) throws(ThriftError) {
        var reader = ThriftCompactReader(bytes, baseOffset: baseOffset)
        try self.init(from: &reader)
    }
}
