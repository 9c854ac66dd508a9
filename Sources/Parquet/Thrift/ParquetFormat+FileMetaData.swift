extension ParquetFormat {
    /// parquet.thrift `union ColumnOrder`: the order min_value/max_value statistics follow.
    ///
    /// `column_orders` lines up with the schema's leaves by position, so a member we do not
    /// know cannot be dropped: it decodes as `.unknown`, and per the spec a reader then ignores
    /// that column's min/max. Encoding `.unknown` writes an empty union.
    public enum ColumnOrder: Sendable, Hashable {
        /// 1: TypeDefinedOrder, the order of the logical type (or the physical type without one).
        case typeOrder
        /// 2: IEEE754TotalOrder, for FLOAT, DOUBLE and FLOAT16.
        case ieee754TotalOrder
        /// 3: Int96TimestampOrder.
        case int96TimestampOrder
        /// A member this implementation does not know.
        case unknown
    }

    /// parquet.thrift `FileMetaData`: the footer, between the last row group and the final
    /// 4-byte length and `PAR1`.
    public struct FileMetaData: Sendable, Hashable {
        /// 1: writers should write 1; readers treat 1 and 2 alike.
        public var version: Int32
        /// 2: depth first, the root first.
        public var schema: [SchemaElement]
        /// 3
        public var numRows: Int64
        /// 4
        public var rowGroups: [RowGroup]
        /// 5
        public var keyValueMetadata: [KeyValue]?
        /// 6: "<application> version <version> (build <hash>)".
        public var createdBy: String?
        /// 7: one per leaf column; required whenever statistics carry min_value/max_value.
        public var columnOrders: [ColumnOrder]?

        public init(
            version: Int32 = 1,
            schema: [SchemaElement],
            numRows: Int64,
            rowGroups: [RowGroup],
            keyValueMetadata: [KeyValue]? = nil,
            createdBy: String? = nil,
            columnOrders: [ColumnOrder]? = nil
        ) {
            self.version = version
            self.schema = schema
            self.numRows = numRows
            self.rowGroups = rowGroups
            self.keyValueMetadata = keyValueMetadata
            self.createdBy = createdBy
            self.columnOrders = columnOrders
        }
    }
}

// MARK: - Coding

extension ParquetFormat.ColumnOrder: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        switch self {
        case .typeOrder: w.writeEmptyStructField(1)
        case .ieee754TotalOrder: w.writeEmptyStructField(2)
        case .int96TimestampOrder: w.writeEmptyStructField(3)
        case .unknown: break
        }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var order: Self?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .struct): order = order ?? .typeOrder
            case (2, .struct): order = order ?? .ieee754TotalOrder
            case (3, .struct): order = order ?? .int96TimestampOrder
            default: break
            }
            try r.skip(f)  // the members are empty structs
        }
        r.readStructEnd()
        self = order ?? .unknown
    }
}

extension ParquetFormat.FileMetaData: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        w.writeI32Field(1, version)
        w.writeStructListField(2, schema)
        w.writeI64Field(3, numRows)
        w.writeStructListField(4, rowGroups)
        if let keyValueMetadata { w.writeStructListField(5, keyValueMetadata) }
        if let createdBy { w.writeStringField(6, createdBy) }
        if let columnOrders { w.writeStructListField(7, columnOrders) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "FileMetaData"
        typealias P = ParquetFormat
        var version: Int32?
        var schema: [P.SchemaElement]?
        var numRows: Int64?
        var rowGroups: [P.RowGroup]?
        var keyValueMetadata: [P.KeyValue]?
        var createdBy: String?
        var columnOrders: [P.ColumnOrder]?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i32): version = try r.readI32()
            case (2, .list): schema = try r.readStructList(P.SchemaElement.self, in: s, field: "schema")
            case (3, .i64): numRows = try r.readI64()
            case (4, .list): rowGroups = try r.readStructList(P.RowGroup.self, in: s, field: "row_groups")
            case (5, .list):
                keyValueMetadata = try r.readStructList(P.KeyValue.self, in: s, field: "key_value_metadata")
            case (6, .binary): createdBy = try r.readString()
            case (7, .list): columnOrders = try r.readStructList(P.ColumnOrder.self, in: s, field: "column_orders")
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.init(
            version: try r.required(version, in: s, field: "version"),
            schema: try r.required(schema, in: s, field: "schema"),
            numRows: try r.required(numRows, in: s, field: "num_rows"),
            rowGroups: try r.required(rowGroups, in: s, field: "row_groups"),
            keyValueMetadata: keyValueMetadata,
            createdBy: createdBy,
            columnOrders: columnOrders
        )
    }
}
