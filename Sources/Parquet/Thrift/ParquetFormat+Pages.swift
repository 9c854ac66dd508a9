extension ParquetFormat {
    /// parquet.thrift `Statistics`, per page and per column chunk; every field optional.
    ///
    /// Values are PLAIN-encoded without a length prefix. `max`/`min` (1, 2) are the deprecated
    /// signed-order fields; `maxValue`/`minValue` (5, 6) follow the column's ColumnOrder.
    public struct Statistics: Sendable, Hashable {
        /// 1 (deprecated)
        public var max: [UInt8]?
        /// 2 (deprecated)
        public var min: [UInt8]?
        /// 3: writers should always set it, even to 0.
        public var nullCount: Int64?
        /// 4
        public var distinctCount: Int64?
        /// 5
        public var maxValue: [UInt8]?
        /// 6
        public var minValue: [UInt8]?
        /// 7
        public var isMaxValueExact: Bool?
        /// 8
        public var isMinValueExact: Bool?
        /// 9: NaN count, for FLOAT, DOUBLE and FLOAT16 columns.
        public var nanCount: Int64?

        public init(
            max: [UInt8]? = nil,
            min: [UInt8]? = nil,
            nullCount: Int64? = nil,
            distinctCount: Int64? = nil,
            maxValue: [UInt8]? = nil,
            minValue: [UInt8]? = nil,
            isMaxValueExact: Bool? = nil,
            isMinValueExact: Bool? = nil,
            nanCount: Int64? = nil
        ) {
            self.max = max
            self.min = min
            self.nullCount = nullCount
            self.distinctCount = distinctCount
            self.maxValue = maxValue
            self.minValue = minValue
            self.isMaxValueExact = isMaxValueExact
            self.isMinValueExact = isMinValueExact
            self.nanCount = nanCount
        }
    }

    /// parquet.thrift `DataPageHeader` (data page V1).
    public struct DataPageHeader: Sendable, Hashable {
        /// 1: values including nulls.
        public var numValues: Int32
        /// 2
        public var encoding: Encoding
        /// 3
        public var definitionLevelEncoding: Encoding
        /// 4
        public var repetitionLevelEncoding: Encoding
        /// 5
        public var statistics: Statistics?

        public init(
            numValues: Int32,
            encoding: Encoding,
            definitionLevelEncoding: Encoding = .rle,
            repetitionLevelEncoding: Encoding = .rle,
            statistics: Statistics? = nil
        ) {
            self.numValues = numValues
            self.encoding = encoding
            self.definitionLevelEncoding = definitionLevelEncoding
            self.repetitionLevelEncoding = repetitionLevelEncoding
            self.statistics = statistics
        }
    }

    /// parquet.thrift `IndexPageHeader`: empty ("TODO" in the spec).
    public struct IndexPageHeader: Sendable, Hashable {
        public init() {}
    }

    /// parquet.thrift `DictionaryPageHeader`.
    public struct DictionaryPageHeader: Sendable, Hashable {
        /// 1
        public var numValues: Int32
        /// 2: PLAIN (or the deprecated PLAIN_DICTIONARY).
        public var encoding: Encoding
        /// 3
        public var isSorted: Bool?

        public init(numValues: Int32, encoding: Encoding = .plain, isSorted: Bool? = nil) {
            self.numValues = numValues
            self.encoding = encoding
            self.isSorted = isSorted
        }
    }

    /// parquet.thrift `DataPageHeaderV2`: levels stay uncompressed ahead of the values.
    public struct DataPageHeaderV2: Sendable, Hashable {
        /// 1: values including nulls.
        public var numValues: Int32
        /// 2
        public var numNulls: Int32
        /// 3
        public var numRows: Int32
        /// 4
        public var encoding: Encoding
        /// 5
        public var definitionLevelsByteLength: Int32
        /// 6
        public var repetitionLevelsByteLength: Int32
        /// 7: absent means true (the Thrift default).
        public var isCompressed: Bool?
        /// 8
        public var statistics: Statistics?

        public init(
            numValues: Int32,
            numNulls: Int32,
            numRows: Int32,
            encoding: Encoding,
            definitionLevelsByteLength: Int32,
            repetitionLevelsByteLength: Int32,
            isCompressed: Bool? = nil,
            statistics: Statistics? = nil
        ) {
            self.numValues = numValues
            self.numNulls = numNulls
            self.numRows = numRows
            self.encoding = encoding
            self.definitionLevelsByteLength = definitionLevelsByteLength
            self.repetitionLevelsByteLength = repetitionLevelsByteLength
            self.isCompressed = isCompressed
            self.statistics = statistics
        }
    }

    /// parquet.thrift `PageHeader`, written before every page; `type` says which one of the
    /// four headers is set.
    public struct PageHeader: Sendable, Hashable {
        /// 1
        public var type: PageType
        /// 2: bytes after decompression, not counting this header.
        public var uncompressedPageSize: Int32
        /// 3: bytes on disk, not counting this header.
        public var compressedPageSize: Int32
        /// 4: CRC-32 of the page bytes as written.
        public var crc: Int32?
        /// 5
        public var dataPageHeader: DataPageHeader?
        /// 6
        public var indexPageHeader: IndexPageHeader?
        /// 7
        public var dictionaryPageHeader: DictionaryPageHeader?
        /// 8
        public var dataPageHeaderV2: DataPageHeaderV2?

        public init(
            type: PageType,
            uncompressedPageSize: Int32,
            compressedPageSize: Int32,
            crc: Int32? = nil,
            dataPageHeader: DataPageHeader? = nil,
            indexPageHeader: IndexPageHeader? = nil,
            dictionaryPageHeader: DictionaryPageHeader? = nil,
            dataPageHeaderV2: DataPageHeaderV2? = nil
        ) {
            self.type = type
            self.uncompressedPageSize = uncompressedPageSize
            self.compressedPageSize = compressedPageSize
            self.crc = crc
            self.dataPageHeader = dataPageHeader
            self.indexPageHeader = indexPageHeader
            self.dictionaryPageHeader = dictionaryPageHeader
            self.dataPageHeaderV2 = dataPageHeaderV2
        }
    }
}

// MARK: - Coding

extension ParquetFormat.Statistics: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        if let max { w.writeBinaryField(1, max) }
        if let min { w.writeBinaryField(2, min) }
        if let nullCount { w.writeI64Field(3, nullCount) }
        if let distinctCount { w.writeI64Field(4, distinctCount) }
        if let maxValue { w.writeBinaryField(5, maxValue) }
        if let minValue { w.writeBinaryField(6, minValue) }
        if let isMaxValueExact { w.writeBoolField(7, isMaxValueExact) }
        if let isMinValueExact { w.writeBoolField(8, isMinValueExact) }
        if let nanCount { w.writeI64Field(9, nanCount) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        self.init()
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .binary): max = try r.readBinary()
            case (2, .binary): min = try r.readBinary()
            case (3, .i64): nullCount = try r.readI64()
            case (4, .i64): distinctCount = try r.readI64()
            case (5, .binary): maxValue = try r.readBinary()
            case (6, .binary): minValue = try r.readBinary()
            case (7, let t) where t.isBool: isMaxValueExact = try r.readBool(f)
            case (8, let t) where t.isBool: isMinValueExact = try r.readBool(f)
            case (9, .i64): nanCount = try r.readI64()
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
    }
}

extension ParquetFormat.DataPageHeader: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeI32Field(1, numValues)
        w.writeEnumField(2, encoding)
        w.writeEnumField(3, definitionLevelEncoding)
        w.writeEnumField(4, repetitionLevelEncoding)
        if let statistics { w.writeStructField(5, statistics) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "DataPageHeader"
        typealias E = ParquetFormat.Encoding
        var numValues: Int32?
        var encoding: E?
        var definitionLevelEncoding: E?
        var repetitionLevelEncoding: E?
        var statistics: ParquetFormat.Statistics?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i32): numValues = try r.readI32()
            case (2, .i32): encoding = try r.readEnum(E.self, in: s, field: "encoding")
            case (3, .i32): definitionLevelEncoding = try r.readEnum(E.self, in: s, field: "definition_level_encoding")
            case (4, .i32): repetitionLevelEncoding = try r.readEnum(E.self, in: s, field: "repetition_level_encoding")
            case (5, .struct): statistics = try ParquetFormat.Statistics(from: &r)
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(
            numValues: try r.required(numValues, in: s, field: "num_values"),
            encoding: try r.required(encoding, in: s, field: "encoding"),
            definitionLevelEncoding: try r.required(definitionLevelEncoding, in: s, field: "definition_level_encoding"),
            repetitionLevelEncoding: try r.required(repetitionLevelEncoding, in: s, field: "repetition_level_encoding"),
            statistics: statistics
        )
    }
}

extension ParquetFormat.IndexPageHeader: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        try r.skip(.struct)
        self.init()
    }
}

extension ParquetFormat.DictionaryPageHeader: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeI32Field(1, numValues)
        w.writeEnumField(2, encoding)
        if let isSorted { w.writeBoolField(3, isSorted) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "DictionaryPageHeader"
        var numValues: Int32?
        var encoding: ParquetFormat.Encoding?
        var isSorted: Bool?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i32): numValues = try r.readI32()
            case (2, .i32): encoding = try r.readEnum(ParquetFormat.Encoding.self, in: s, field: "encoding")
            case (3, let t) where t.isBool: isSorted = try r.readBool(f)
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(
            numValues: try r.required(numValues, in: s, field: "num_values"),
            encoding: try r.required(encoding, in: s, field: "encoding"),
            isSorted: isSorted
        )
    }
}

extension ParquetFormat.DataPageHeaderV2: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeI32Field(1, numValues)
        w.writeI32Field(2, numNulls)
        w.writeI32Field(3, numRows)
        w.writeEnumField(4, encoding)
        w.writeI32Field(5, definitionLevelsByteLength)
        w.writeI32Field(6, repetitionLevelsByteLength)
        if let isCompressed { w.writeBoolField(7, isCompressed) }
        if let statistics { w.writeStructField(8, statistics) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "DataPageHeaderV2"
        var numValues: Int32?
        var numNulls: Int32?
        var numRows: Int32?
        var encoding: ParquetFormat.Encoding?
        var definitionLevelsByteLength: Int32?
        var repetitionLevelsByteLength: Int32?
        var isCompressed: Bool?
        var statistics: ParquetFormat.Statistics?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i32): numValues = try r.readI32()
            case (2, .i32): numNulls = try r.readI32()
            case (3, .i32): numRows = try r.readI32()
            case (4, .i32): encoding = try r.readEnum(ParquetFormat.Encoding.self, in: s, field: "encoding")
            case (5, .i32): definitionLevelsByteLength = try r.readI32()
            case (6, .i32): repetitionLevelsByteLength = try r.readI32()
            case (7, let t) where t.isBool: isCompressed = try r.readBool(f)
            case (8, .struct): statistics = try ParquetFormat.Statistics(from: &r)
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(
            numValues: try r.required(numValues, in: s, field: "num_values"),
            numNulls: try r.required(numNulls, in: s, field: "num_nulls"),
            numRows: try r.required(numRows, in: s, field: "num_rows"),
            encoding: try r.required(encoding, in: s, field: "encoding"),
            definitionLevelsByteLength: try r.required(
                definitionLevelsByteLength,
                in: s,
                field: "definition_levels_byte_length"
            ),
            repetitionLevelsByteLength: try r.required(
                repetitionLevelsByteLength,
                in: s,
                field: "repetition_levels_byte_length"
            ),
            isCompressed: isCompressed,
            statistics: statistics
        )
    }
}

extension ParquetFormat.PageHeader: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeEnumField(1, type)
        w.writeI32Field(2, uncompressedPageSize)
        w.writeI32Field(3, compressedPageSize)
        if let crc { w.writeI32Field(4, crc) }
        if let dataPageHeader { w.writeStructField(5, dataPageHeader) }
        if let indexPageHeader { w.writeStructField(6, indexPageHeader) }
        if let dictionaryPageHeader { w.writeStructField(7, dictionaryPageHeader) }
        if let dataPageHeaderV2 { w.writeStructField(8, dataPageHeaderV2) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "PageHeader"
        var type: ParquetFormat.PageType?
        var uncompressedPageSize: Int32?
        var compressedPageSize: Int32?
        var crc: Int32?
        var dataPageHeader: ParquetFormat.DataPageHeader?
        var indexPageHeader: ParquetFormat.IndexPageHeader?
        var dictionaryPageHeader: ParquetFormat.DictionaryPageHeader?
        var dataPageHeaderV2: ParquetFormat.DataPageHeaderV2?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i32): type = try r.readEnum(ParquetFormat.PageType.self, in: s, field: "type")
            case (2, .i32): uncompressedPageSize = try r.readI32()
            case (3, .i32): compressedPageSize = try r.readI32()
            case (4, .i32): crc = try r.readI32()
            case (5, .struct): dataPageHeader = try ParquetFormat.DataPageHeader(from: &r)
            case (6, .struct): indexPageHeader = try ParquetFormat.IndexPageHeader(from: &r)
            case (7, .struct): dictionaryPageHeader = try ParquetFormat.DictionaryPageHeader(from: &r)
            case (8, .struct): dataPageHeaderV2 = try ParquetFormat.DataPageHeaderV2(from: &r)
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(
            type: try r.required(type, in: s, field: "type"),
            uncompressedPageSize: try r.required(uncompressedPageSize, in: s, field: "uncompressed_page_size"),
            compressedPageSize: try r.required(compressedPageSize, in: s, field: "compressed_page_size"),
            crc: crc,
            dataPageHeader: dataPageHeader,
            indexPageHeader: indexPageHeader,
            dictionaryPageHeader: dictionaryPageHeader,
            dataPageHeaderV2: dataPageHeaderV2
        )
    }
}
