/// The Parquet file metadata as defined in apache/parquet-format `src/main/thrift/parquet.thrift`,
/// one Swift type per Thrift type, with the Thrift field names in camelCase and the Thrift
/// field ids in each encoder and decoder.
///
/// These are the wire structures the writer emits and the reader decodes; the friendlier
/// model (``ParquetSchema``, ``ColumnDescriptor``) lives in `Schema/`.
///
/// What is left out, and skipped on decode: encryption (ColumnChunk 8–9, FileMetaData 8–9),
/// geospatial statistics (ColumnMetaData 17), VECTOR's `vector_length` (SchemaElement 11), the
/// BloomFilterHeader, and the LogicalType members VARIANT, GEOMETRY, GEOGRAPHY and VECTOR
/// (a SchemaElement carrying one decodes with `logicalType == nil`, which is how the spec
/// asks readers to treat annotations they do not know).
///
/// Enums: Thrift enums are `Int32` raw-value Swift enums. A value outside them is a decode
/// error (``ThriftError/Code/unknownEnumValue``) naming the struct and field rather than a
/// guess, because an unknown codec, encoding or type means data we cannot read correctly.
/// Every value of the current parquet.thrift is modelled, so files from pyarrow, DuckDB,
/// polars and parquet-java decode.
public enum ParquetFormat {}

extension ParquetFormat {
    /// parquet.thrift `Type`: the physical storage types.
    public enum ThriftType: Int32, Sendable, Hashable, CaseIterable {
        case boolean = 0
        case int32 = 1
        case int64 = 2
        /// Deprecated; legacy timestamps only.
        case int96 = 3
        case float = 4
        case double = 5
        case byteArray = 6
        case fixedLenByteArray = 7
    }

    /// parquet.thrift `ConvertedType`: the deprecated annotations LogicalType replaced, still
    /// written beside it because older readers (hyparquet among them) decode through these.
    public enum ConvertedType: Int32, Sendable, Hashable, CaseIterable {
        case utf8 = 0
        case map = 1
        case mapKeyValue = 2
        case list = 3
        /// Thrift `ENUM`.
        case enumeration = 4
        case decimal = 5
        case date = 6
        case timeMillis = 7
        case timeMicros = 8
        case timestampMillis = 9
        case timestampMicros = 10
        case uint8 = 11
        case uint16 = 12
        case uint32 = 13
        case uint64 = 14
        case int8 = 15
        case int16 = 16
        case int32 = 17
        case int64 = 18
        case json = 19
        case bson = 20
        case interval = 21
    }

    /// parquet.thrift `FieldRepetitionType`.
    public enum FieldRepetitionType: Int32, Sendable, Hashable, CaseIterable {
        case required = 0
        case optional = 1
        case repeated = 2
        /// A fixed-size vector group (newer than most readers).
        case vector = 3
    }

    /// parquet.thrift `Encoding`. Value 1 (GROUP_VAR_INT) was never used and is not modelled.
    public enum Encoding: Int32, Sendable, Hashable, CaseIterable {
        case plain = 0
        /// Deprecated: RLE_DICTIONARY in data pages, PLAIN in dictionary pages.
        case plainDictionary = 2
        case rle = 3
        /// Deprecated; superseded by the RLE/bit-packing hybrid.
        case bitPacked = 4
        case deltaBinaryPacked = 5
        case deltaLengthByteArray = 6
        case deltaByteArray = 7
        case rleDictionary = 8
        case byteStreamSplit = 9
    }

    /// parquet.thrift `CompressionCodec`.
    public enum CompressionCodec: Int32, Sendable, Hashable, CaseIterable {
        case uncompressed = 0
        case snappy = 1
        case gzip = 2
        case lzo = 3
        case brotli = 4
        /// Deprecated (Hadoop framing); LZ4_RAW is the one to read.
        case lz4 = 5
        case zstd = 6
        case lz4Raw = 7
    }

    /// parquet.thrift `PageType`.
    public enum PageType: Int32, Sendable, Hashable, CaseIterable {
        case dataPage = 0
        case indexPage = 1
        case dictionaryPage = 2
        case dataPageV2 = 3
    }

    /// parquet.thrift `BoundaryOrder`: whether a ColumnIndex's min/max lists are sorted.
    public enum BoundaryOrder: Int32, Sendable, Hashable, CaseIterable {
        case unordered = 0
        case ascending = 1
        case descending = 2
    }
}

extension ParquetFormat.ThriftType {
    /// The wire code of a schema-model physical type (the raw values are the same).
    public init(_ physicalType: PhysicalType) {
        self = Self(rawValue: physicalType.rawValue)!
    }
}

extension PhysicalType {
    /// The schema-model physical type of a wire code.
    public init(_ type: ParquetFormat.ThriftType) {
        self = Self(rawValue: type.rawValue)!
    }
}
