extension ParquetFormat {
    /// parquet.thrift `KeyValue`: application metadata (pyarrow keeps its Arrow schema here).
    public struct KeyValue: Sendable, Hashable {
        /// 1 (required)
        public var key: String
        /// 2
        public var value: String?

        public init(key: String, value: String? = nil) {
            self.key = key
            self.value = value
        }
    }

    /// parquet.thrift `SortingColumn`: one key of a row group's sort order.
    public struct SortingColumn: Sendable, Hashable {
        /// 1: leaf column ordinal.
        public var columnIdx: Int32
        /// 2
        public var descending: Bool
        /// 3
        public var nullsFirst: Bool

        public init(columnIdx: Int32, descending: Bool, nullsFirst: Bool) {
            self.columnIdx = columnIdx
            self.descending = descending
            self.nullsFirst = nullsFirst
        }
    }

    /// parquet.thrift `PageEncodingStats`: how many pages of a type used an encoding. Some
    /// readers check it to learn that every data page is dictionary-encoded.
    public struct PageEncodingStats: Sendable, Hashable {
        /// 1
        public var pageType: PageType
        /// 2
        public var encoding: Encoding
        /// 3
        public var count: Int32

        public init(pageType: PageType, encoding: Encoding, count: Int32) {
            self.pageType = pageType
            self.encoding = encoding
            self.count = count
        }
    }

    /// parquet.thrift `SizeStatistics`: unencoded sizes and level histograms (pyarrow writes it).
    public struct SizeStatistics: Sendable, Hashable {
        /// 1
        public var unencodedByteArrayDataBytes: Int64?
        /// 2
        public var repetitionLevelHistogram: [Int64]?
        /// 3
        public var definitionLevelHistogram: [Int64]?

        public init(
            unencodedByteArrayDataBytes: Int64? = nil,
            repetitionLevelHistogram: [Int64]? = nil,
            definitionLevelHistogram: [Int64]? = nil
        ) {
            self.unencodedByteArrayDataBytes = unencodedByteArrayDataBytes
            self.repetitionLevelHistogram = repetitionLevelHistogram
            self.definitionLevelHistogram = definitionLevelHistogram
        }
    }

    /// parquet.thrift `ColumnMetaData`: where a column chunk's pages are and what they hold.
    public struct ColumnMetaData: Sendable, Hashable {
        /// 1
        public var type: ThriftType
        /// 2: every encoding used in the chunk, levels included.
        public var encodings: [Encoding]
        /// 3
        public var pathInSchema: [String]
        /// 4
        public var codec: CompressionCodec
        /// 5: values including nulls.
        public var numValues: Int64
        /// 6: page headers included.
        public var totalUncompressedSize: Int64
        /// 7: page headers included.
        public var totalCompressedSize: Int64
        /// 8
        public var keyValueMetadata: [KeyValue]?
        /// 9: the first data page, past any dictionary page.
        public var dataPageOffset: Int64
        /// 10
        public var indexPageOffset: Int64?
        /// 11: must be set whenever the chunk starts with a dictionary page.
        public var dictionaryPageOffset: Int64?
        /// 12
        public var statistics: Statistics?
        /// 13
        public var encodingStats: [PageEncodingStats]?
        /// 14
        public var bloomFilterOffset: Int64?
        /// 15
        public var bloomFilterLength: Int32?
        /// 16
        public var sizeStatistics: SizeStatistics?

        public init(
            type: ThriftType,
            encodings: [Encoding],
            pathInSchema: [String],
            codec: CompressionCodec,
            numValues: Int64,
            totalUncompressedSize: Int64,
            totalCompressedSize: Int64,
            keyValueMetadata: [KeyValue]? = nil,
            dataPageOffset: Int64,
            indexPageOffset: Int64? = nil,
            dictionaryPageOffset: Int64? = nil,
            statistics: Statistics? = nil,
            encodingStats: [PageEncodingStats]? = nil,
            bloomFilterOffset: Int64? = nil,
            bloomFilterLength: Int32? = nil,
            sizeStatistics: SizeStatistics? = nil
        ) {
            self.type = type
            self.encodings = encodings
            self.pathInSchema = pathInSchema
            self.codec = codec
            self.numValues = numValues
            self.totalUncompressedSize = totalUncompressedSize
            self.totalCompressedSize = totalCompressedSize
            self.keyValueMetadata = keyValueMetadata
            self.dataPageOffset = dataPageOffset
            self.indexPageOffset = indexPageOffset
            self.dictionaryPageOffset = dictionaryPageOffset
            self.statistics = statistics
            self.encodingStats = encodingStats
            self.bloomFilterOffset = bloomFilterOffset
            self.bloomFilterLength = bloomFilterLength
            self.sizeStatistics = sizeStatistics
        }
    }

    /// parquet.thrift `ColumnChunk`: one column of one row group, and where its page index is.
    public struct ColumnChunk: Sendable, Hashable {
        /// 1: only for summary files; nil means this file.
        public var filePath: String?
        /// 2: deprecated; required on the wire with default 0, so a missing value decodes as 0.
        public var fileOffset: Int64
        /// 3: optional in the IDL, but every major reader requires it and writers must set it.
        public var metaData: ColumnMetaData?
        /// 4
        public var offsetIndexOffset: Int64?
        /// 5
        public var offsetIndexLength: Int32?
        /// 6
        public var columnIndexOffset: Int64?
        /// 7
        public var columnIndexLength: Int32?

        public init(
            filePath: String? = nil,
            fileOffset: Int64 = 0,
            metaData: ColumnMetaData? = nil,
            offsetIndexOffset: Int64? = nil,
            offsetIndexLength: Int32? = nil,
            columnIndexOffset: Int64? = nil,
            columnIndexLength: Int32? = nil
        ) {
            self.filePath = filePath
            self.fileOffset = fileOffset
            self.metaData = metaData
            self.offsetIndexOffset = offsetIndexOffset
            self.offsetIndexLength = offsetIndexLength
            self.columnIndexOffset = columnIndexOffset
            self.columnIndexLength = columnIndexLength
        }
    }

    /// parquet.thrift `RowGroup`.
    public struct RowGroup: Sendable, Hashable {
        /// 1: in schema leaf order.
        public var columns: [ColumnChunk]
        /// 2: uncompressed bytes of all column data.
        public var totalByteSize: Int64
        /// 3
        public var numRows: Int64
        /// 4
        public var sortingColumns: [SortingColumn]?
        /// 5: the first page (dictionary or data) of the row group.
        public var fileOffset: Int64?
        /// 6
        public var totalCompressedSize: Int64?
        /// 7
        public var ordinal: Int16?

        public init(
            columns: [ColumnChunk],
            totalByteSize: Int64,
            numRows: Int64,
            sortingColumns: [SortingColumn]? = nil,
            fileOffset: Int64? = nil,
            totalCompressedSize: Int64? = nil,
            ordinal: Int16? = nil
        ) {
            self.columns = columns
            self.totalByteSize = totalByteSize
            self.numRows = numRows
            self.sortingColumns = sortingColumns
            self.fileOffset = fileOffset
            self.totalCompressedSize = totalCompressedSize
            self.ordinal = ordinal
        }
    }
}

// MARK: - Coding

extension ParquetFormat.KeyValue: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeStringField(1, key)
        if let value { w.writeStringField(2, value) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var key: String?
        var value: String?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .binary): key = try r.readString()
            case (2, .binary): value = try r.readString()
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(key: try r.required(key, in: "KeyValue", field: "key"), value: value)
    }
}

extension ParquetFormat.SortingColumn: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeI32Field(1, columnIdx)
        w.writeBoolField(2, descending)
        w.writeBoolField(3, nullsFirst)
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "SortingColumn"
        var columnIdx: Int32?
        var descending: Bool?
        var nullsFirst: Bool?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i32): columnIdx = try r.readI32()
            case (2, let t) where t.isBool: descending = try r.readBool(f)
            case (3, let t) where t.isBool: nullsFirst = try r.readBool(f)
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(
            columnIdx: try r.required(columnIdx, in: s, field: "column_idx"),
            descending: try r.required(descending, in: s, field: "descending"),
            nullsFirst: try r.required(nullsFirst, in: s, field: "nulls_first")
        )
    }
}

extension ParquetFormat.PageEncodingStats: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeEnumField(1, pageType)
        w.writeEnumField(2, encoding)
        w.writeI32Field(3, count)
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "PageEncodingStats"
        var pageType: ParquetFormat.PageType?
        var encoding: ParquetFormat.Encoding?
        var count: Int32?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i32): pageType = try r.readEnum(ParquetFormat.PageType.self, in: s, field: "page_type")
            case (2, .i32): encoding = try r.readEnum(ParquetFormat.Encoding.self, in: s, field: "encoding")
            case (3, .i32): count = try r.readI32()
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(
            pageType: try r.required(pageType, in: s, field: "page_type"),
            encoding: try r.required(encoding, in: s, field: "encoding"),
            count: try r.required(count, in: s, field: "count")
        )
    }
}

extension ParquetFormat.SizeStatistics: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        if let unencodedByteArrayDataBytes { w.writeI64Field(1, unencodedByteArrayDataBytes) }
        if let repetitionLevelHistogram { w.writeI64ListField(2, repetitionLevelHistogram) }
        if let definitionLevelHistogram { w.writeI64ListField(3, definitionLevelHistogram) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "SizeStatistics"
        self.init()
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i64): unencodedByteArrayDataBytes = try r.readI64()
            case (2, .list): repetitionLevelHistogram = try r.readI64List(in: s, field: "repetition_level_histogram")
            case (3, .list): definitionLevelHistogram = try r.readI64List(in: s, field: "definition_level_histogram")
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
    }
}

extension ParquetFormat.ColumnMetaData: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeEnumField(1, type)
        w.writeEnumListField(2, encodings)
        w.writeStringListField(3, pathInSchema)
        w.writeEnumField(4, codec)
        w.writeI64Field(5, numValues)
        w.writeI64Field(6, totalUncompressedSize)
        w.writeI64Field(7, totalCompressedSize)
        if let keyValueMetadata { w.writeStructListField(8, keyValueMetadata) }
        w.writeI64Field(9, dataPageOffset)
        if let indexPageOffset { w.writeI64Field(10, indexPageOffset) }
        if let dictionaryPageOffset { w.writeI64Field(11, dictionaryPageOffset) }
        if let statistics { w.writeStructField(12, statistics) }
        if let encodingStats { w.writeStructListField(13, encodingStats) }
        if let bloomFilterOffset { w.writeI64Field(14, bloomFilterOffset) }
        if let bloomFilterLength { w.writeI32Field(15, bloomFilterLength) }
        if let sizeStatistics { w.writeStructField(16, sizeStatistics) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "ColumnMetaData"
        typealias P = ParquetFormat
        var type: P.ThriftType?
        var encodings: [P.Encoding]?
        var pathInSchema: [String]?
        var codec: P.CompressionCodec?
        var numValues: Int64?
        var totalUncompressedSize: Int64?
        var totalCompressedSize: Int64?
        var keyValueMetadata: [P.KeyValue]?
        var dataPageOffset: Int64?
        var indexPageOffset: Int64?
        var dictionaryPageOffset: Int64?
        var statistics: P.Statistics?
        var encodingStats: [P.PageEncodingStats]?
        var bloomFilterOffset: Int64?
        var bloomFilterLength: Int32?
        var sizeStatistics: P.SizeStatistics?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i32): type = try r.readEnum(P.ThriftType.self, in: s, field: "type")
            case (2, .list): encodings = try r.readEnumList(P.Encoding.self, in: s, field: "encodings")
            case (3, .list): pathInSchema = try r.readStringList(in: s, field: "path_in_schema")
            case (4, .i32): codec = try r.readEnum(P.CompressionCodec.self, in: s, field: "codec")
            case (5, .i64): numValues = try r.readI64()
            case (6, .i64): totalUncompressedSize = try r.readI64()
            case (7, .i64): totalCompressedSize = try r.readI64()
            case (8, .list):
                keyValueMetadata = try r.readStructList(P.KeyValue.self, in: s, field: "key_value_metadata")
            case (9, .i64): dataPageOffset = try r.readI64()
            case (10, .i64): indexPageOffset = try r.readI64()
            case (11, .i64): dictionaryPageOffset = try r.readI64()
            case (12, .struct): statistics = try P.Statistics(from: &r)
            case (13, .list):
                encodingStats = try r.readStructList(P.PageEncodingStats.self, in: s, field: "encoding_stats")
            case (14, .i64): bloomFilterOffset = try r.readI64()
            case (15, .i32): bloomFilterLength = try r.readI32()
            case (16, .struct): sizeStatistics = try P.SizeStatistics(from: &r)
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(
            type: try r.required(type, in: s, field: "type"),
            encodings: try r.required(encodings, in: s, field: "encodings"),
            pathInSchema: try r.required(pathInSchema, in: s, field: "path_in_schema"),
            codec: try r.required(codec, in: s, field: "codec"),
            numValues: try r.required(numValues, in: s, field: "num_values"),
            totalUncompressedSize: try r.required(totalUncompressedSize, in: s, field: "total_uncompressed_size"),
            totalCompressedSize: try r.required(totalCompressedSize, in: s, field: "total_compressed_size"),
            keyValueMetadata: keyValueMetadata,
            dataPageOffset: try r.required(dataPageOffset, in: s, field: "data_page_offset"),
            indexPageOffset: indexPageOffset,
            dictionaryPageOffset: dictionaryPageOffset,
            statistics: statistics,
            encodingStats: encodingStats,
            bloomFilterOffset: bloomFilterOffset,
            bloomFilterLength: bloomFilterLength,
            sizeStatistics: sizeStatistics
        )
    }
}

extension ParquetFormat.ColumnChunk: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        if let filePath { w.writeStringField(1, filePath) }
        w.writeI64Field(2, fileOffset)
        if let metaData { w.writeStructField(3, metaData) }
        if let offsetIndexOffset { w.writeI64Field(4, offsetIndexOffset) }
        if let offsetIndexLength { w.writeI32Field(5, offsetIndexLength) }
        if let columnIndexOffset { w.writeI64Field(6, columnIndexOffset) }
        if let columnIndexLength { w.writeI32Field(7, columnIndexLength) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        self.init()
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .binary): filePath = try r.readString()
            case (2, .i64): fileOffset = try r.readI64()
            case (3, .struct): metaData = try ParquetFormat.ColumnMetaData(from: &r)
            case (4, .i64): offsetIndexOffset = try r.readI64()
            case (5, .i32): offsetIndexLength = try r.readI32()
            case (6, .i64): columnIndexOffset = try r.readI64()
            case (7, .i32): columnIndexLength = try r.readI32()
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
    }
}

extension ParquetFormat.RowGroup: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeStructListField(1, columns)
        w.writeI64Field(2, totalByteSize)
        w.writeI64Field(3, numRows)
        if let sortingColumns { w.writeStructListField(4, sortingColumns) }
        if let fileOffset { w.writeI64Field(5, fileOffset) }
        if let totalCompressedSize { w.writeI64Field(6, totalCompressedSize) }
        if let ordinal { w.writeI16Field(7, ordinal) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "RowGroup"
        var columns: [ParquetFormat.ColumnChunk]?
        var totalByteSize: Int64?
        var numRows: Int64?
        var sortingColumns: [ParquetFormat.SortingColumn]?
        var fileOffset: Int64?
        var totalCompressedSize: Int64?
        var ordinal: Int16?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .list): columns = try r.readStructList(ParquetFormat.ColumnChunk.self, in: s, field: "columns")
            case (2, .i64): totalByteSize = try r.readI64()
            case (3, .i64): numRows = try r.readI64()
            case (4, .list):
                sortingColumns = try r.readStructList(ParquetFormat.SortingColumn.self, in: s, field: "sorting_columns")
            case (5, .i64): fileOffset = try r.readI64()
            case (6, .i64): totalCompressedSize = try r.readI64()
            case (7, .i16): ordinal = try r.readI16()
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(
            columns: try r.required(columns, in: s, field: "columns"),
            totalByteSize: try r.required(totalByteSize, in: s, field: "total_byte_size"),
            numRows: try r.required(numRows, in: s, field: "num_rows"),
            sortingColumns: sortingColumns,
            fileOffset: fileOffset,
            totalCompressedSize: totalCompressedSize,
            ordinal: ordinal
        )
    }
}
