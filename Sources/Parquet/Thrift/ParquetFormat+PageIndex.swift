extension ParquetFormat {
    /// parquet.thrift `PageLocation`: one data page in an OffsetIndex.
    public struct PageLocation: Sendable, Hashable {
        /// 1: file offset of the page header.
        public var offset: Int64
        /// 2: header plus compressed page bytes.
        public var compressedPageSize: Int32
        /// 3: index of the page's first row within the row group.
        public var firstRowIndex: Int64

        public init(offset: Int64, compressedPageSize: Int32, firstRowIndex: Int64) {
            self.offset = offset
            self.compressedPageSize = compressedPageSize
            self.firstRowIndex = firstRowIndex
        }
    }

    /// parquet.thrift `OffsetIndex`: where each data page of a column chunk is, so a reader can
    /// fetch only the pages holding the rows it wants.
    public struct OffsetIndex: Sendable, Hashable {
        /// 1
        public var pageLocations: [PageLocation]
        /// 2: per page, for BYTE_ARRAY columns.
        public var unencodedByteArrayDataBytes: [Int64]?

        public init(pageLocations: [PageLocation], unencodedByteArrayDataBytes: [Int64]? = nil) {
            self.pageLocations = pageLocations
            self.unencodedByteArrayDataBytes = unencodedByteArrayDataBytes
        }
    }

    /// parquet.thrift `ColumnIndex`: per-page min/max and null counts, element `i` describing
    /// the page at `OffsetIndex.pageLocations[i]`.
    public struct ColumnIndex: Sendable, Hashable {
        /// 1: true for a page of nulls only, whose min and max entries are then empty.
        public var nullPages: [Bool]
        /// 2
        public var minValues: [[UInt8]]
        /// 3
        public var maxValues: [[UInt8]]
        /// 4
        public var boundaryOrder: BoundaryOrder
        /// 5
        public var nullCounts: [Int64]?
        /// 6
        public var repetitionLevelHistograms: [Int64]?
        /// 7
        public var definitionLevelHistograms: [Int64]?
        /// 8
        public var nanCounts: [Int64]?

        public init(
            nullPages: [Bool],
            minValues: [[UInt8]],
            maxValues: [[UInt8]],
            boundaryOrder: BoundaryOrder,
            nullCounts: [Int64]? = nil,
            repetitionLevelHistograms: [Int64]? = nil,
            definitionLevelHistograms: [Int64]? = nil,
            nanCounts: [Int64]? = nil
        ) {
            self.nullPages = nullPages
            self.minValues = minValues
            self.maxValues = maxValues
            self.boundaryOrder = boundaryOrder
            self.nullCounts = nullCounts
            self.repetitionLevelHistograms = repetitionLevelHistograms
            self.definitionLevelHistograms = definitionLevelHistograms
            self.nanCounts = nanCounts
        }
    }
}

// MARK: - Coding

extension ParquetFormat.PageLocation: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeI64Field(1, offset)
        w.writeI32Field(2, compressedPageSize)
        w.writeI64Field(3, firstRowIndex)
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "PageLocation"
        var offset: Int64?
        var compressedPageSize: Int32?
        var firstRowIndex: Int64?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i64): offset = try r.readI64()
            case (2, .i32): compressedPageSize = try r.readI32()
            case (3, .i64): firstRowIndex = try r.readI64()
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(
            offset: try r.required(offset, in: s, field: "offset"),
            compressedPageSize: try r.required(compressedPageSize, in: s, field: "compressed_page_size"),
            firstRowIndex: try r.required(firstRowIndex, in: s, field: "first_row_index")
        )
    }
}

extension ParquetFormat.OffsetIndex: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeStructListField(1, pageLocations)
        if let unencodedByteArrayDataBytes { w.writeI64ListField(2, unencodedByteArrayDataBytes) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "OffsetIndex"
        var pageLocations: [ParquetFormat.PageLocation]?
        var unencodedByteArrayDataBytes: [Int64]?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .list):
                pageLocations = try r.readStructList(ParquetFormat.PageLocation.self, in: s, field: "page_locations")
            case (2, .list):
                unencodedByteArrayDataBytes = try r.readI64List(in: s, field: "unencoded_byte_array_data_bytes")
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(
            pageLocations: try r.required(pageLocations, in: s, field: "page_locations"),
            unencodedByteArrayDataBytes: unencodedByteArrayDataBytes
        )
    }
}

extension ParquetFormat.ColumnIndex: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeBoolListField(1, nullPages)
        w.writeBinaryListField(2, minValues)
        w.writeBinaryListField(3, maxValues)
        w.writeEnumField(4, boundaryOrder)
        if let nullCounts { w.writeI64ListField(5, nullCounts) }
        if let repetitionLevelHistograms { w.writeI64ListField(6, repetitionLevelHistograms) }
        if let definitionLevelHistograms { w.writeI64ListField(7, definitionLevelHistograms) }
        if let nanCounts { w.writeI64ListField(8, nanCounts) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "ColumnIndex"
        var nullPages: [Bool]?
        var minValues: [[UInt8]]?
        var maxValues: [[UInt8]]?
        var boundaryOrder: ParquetFormat.BoundaryOrder?
        var nullCounts: [Int64]?
        var repetitionLevelHistograms: [Int64]?
        var definitionLevelHistograms: [Int64]?
        var nanCounts: [Int64]?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .list): nullPages = try r.readBoolList(in: s, field: "null_pages")
            case (2, .list): minValues = try r.readBinaryList(in: s, field: "min_values")
            case (3, .list): maxValues = try r.readBinaryList(in: s, field: "max_values")
            case (4, .i32):
                boundaryOrder = try r.readEnum(ParquetFormat.BoundaryOrder.self, in: s, field: "boundary_order")
            case (5, .list): nullCounts = try r.readI64List(in: s, field: "null_counts")
            case (6, .list): repetitionLevelHistograms = try r.readI64List(in: s, field: "repetition_level_histograms")
            case (7, .list): definitionLevelHistograms = try r.readI64List(in: s, field: "definition_level_histograms")
            case (8, .list): nanCounts = try r.readI64List(in: s, field: "nan_counts")
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(
            nullPages: try r.required(nullPages, in: s, field: "null_pages"),
            minValues: try r.required(minValues, in: s, field: "min_values"),
            maxValues: try r.required(maxValues, in: s, field: "max_values"),
            boundaryOrder: try r.required(boundaryOrder, in: s, field: "boundary_order"),
            nullCounts: nullCounts,
            repetitionLevelHistograms: repetitionLevelHistograms,
            definitionLevelHistograms: definitionLevelHistograms,
            nanCounts: nanCounts
        )
    }
}
