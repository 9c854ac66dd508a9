extension ParquetFormat {
    /// parquet.thrift `union TimeUnit { 1: MILLIS, 2: MICROS, 3: NANOS }`, each an empty struct.
    public enum TimeUnit: Sendable, Hashable, CaseIterable {
        case millis
        case micros
        case nanos
    }

    /// parquet.thrift `union LogicalType`: one annotation per member, the member's struct
    /// fields as associated values.
    ///
    /// Members we do not model (VARIANT 16, GEOMETRY 17, GEOGRAPHY 18, VECTOR 19, and any newer)
    /// are skipped; a SchemaElement whose only member is one of them decodes with no logical type.
    public enum LogicalType: Sendable, Hashable {
        /// 1: StringType, UTF-8 BYTE_ARRAY.
        case string
        /// 2: MapType.
        case map
        /// 3: ListType.
        case list
        /// 4: EnumType, UTF-8 BYTE_ARRAY.
        case enumeration
        /// 5: DecimalType { 1: scale, 2: precision }.
        case decimal(scale: Int32, precision: Int32)
        /// 6: DateType, days since the epoch in INT32.
        case date
        /// 7: TimeType { 1: isAdjustedToUTC, 2: unit }.
        case time(isAdjustedToUTC: Bool, unit: TimeUnit)
        /// 8: TimestampType { 1: isAdjustedToUTC, 2: unit }.
        case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)
        /// 10: IntType { 1: bitWidth (i8), 2: isSigned }.
        case integer(bitWidth: Int8, isSigned: Bool)
        /// 11: NullType, named UNKNOWN in the union: a column whose values are all null.
        case unknown
        /// 12: JsonType.
        case json
        /// 13: BsonType.
        case bson
        /// 14: UUIDType, FIXED_LEN_BYTE_ARRAY(16).
        case uuid
        /// 15: Float16Type, FIXED_LEN_BYTE_ARRAY(2).
        case float16
    }

    /// parquet.thrift `SchemaElement`: one node of the schema tree, listed depth first; the
    /// root first, groups with `numChildren`, leaves with `type`.
    public struct SchemaElement: Sendable, Hashable {
        /// 1: the physical type; nil for groups.
        public var type: ThriftType?
        /// 2: byte width of FIXED_LEN_BYTE_ARRAY values.
        public var typeLength: Int32?
        /// 3: absent on the root only.
        public var repetitionType: FieldRepetitionType?
        /// 4 (required).
        public var name: String
        /// 5: set on groups only.
        public var numChildren: Int32?
        /// 6: the deprecated annotation, written beside `logicalType` for older readers.
        public var convertedType: ConvertedType?
        /// 7, 8: decimal scale and precision, repeated here for the converted type's sake.
        public var scale: Int32?
        public var precision: Int32?
        /// 9
        public var fieldId: Int32?
        /// 10
        public var logicalType: LogicalType?

        public init(
            type: ThriftType? = nil,
            typeLength: Int32? = nil,
            repetitionType: FieldRepetitionType? = nil,
            name: String,
            numChildren: Int32? = nil,
            convertedType: ConvertedType? = nil,
            scale: Int32? = nil,
            precision: Int32? = nil,
            fieldId: Int32? = nil,
            logicalType: LogicalType? = nil
        ) {
            self.type = type
            self.typeLength = typeLength
            self.repetitionType = repetitionType
            self.name = name
            self.numChildren = numChildren
            self.convertedType = convertedType
            self.scale = scale
            self.precision = precision
            self.fieldId = fieldId
            self.logicalType = logicalType
        }
    }
}

// MARK: - TimeUnit

extension ParquetFormat.TimeUnit: ThriftStruct {
    private var fieldId: Int16 {
        switch self {
        case .millis: 1
        case .micros: 2
        case .nanos: 3
        }
    }

    public func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        writer.writeEmptyStructField(fieldId)
        writer.writeStructEnd()
    }

    /// The unit, or nil when the union holds only a member we do not know.
    static func decodeIfKnown(from r: inout ThriftCompactReader) throws(ThriftError) -> Self? {
        var unit: Self?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .struct): unit = unit ?? .millis
            case (2, .struct): unit = unit ?? .micros
            case (3, .struct): unit = unit ?? .nanos
            default: break
            }
            try r.skip(f)  // the members are empty structs; skipping also passes over future fields
        }
        r.readStructEnd()
        return unit
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        guard let unit = try Self.decodeIfKnown(from: &r) else {
            throw r.error(.invalidValue, "TimeUnit holds no member this reader knows")
        }
        self = unit
    }
}

// MARK: - LogicalType

extension ParquetFormat.LogicalType: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        switch self {
        case .string: w.writeEmptyStructField(1)
        case .map: w.writeEmptyStructField(2)
        case .list: w.writeEmptyStructField(3)
        case .enumeration: w.writeEmptyStructField(4)
        case .decimal(let scale, let precision):
            w.writeFieldBegin(.struct, id: 5)
            w.writeStructBegin()
            w.writeI32Field(1, scale)
            w.writeI32Field(2, precision)
            w.writeStructEnd()
        case .date: w.writeEmptyStructField(6)
        case .time(let isAdjustedToUTC, let unit):
            Self.writeTimeType(id: 7, isAdjustedToUTC: isAdjustedToUTC, unit: unit, to: &w)
        case .timestamp(let isAdjustedToUTC, let unit):
            Self.writeTimeType(id: 8, isAdjustedToUTC: isAdjustedToUTC, unit: unit, to: &w)
        case .integer(let bitWidth, let isSigned):
            w.writeFieldBegin(.struct, id: 10)
            w.writeStructBegin()
            w.writeI8Field(1, bitWidth)
            w.writeBoolField(2, isSigned)
            w.writeStructEnd()
        case .unknown: w.writeEmptyStructField(11)
        case .json: w.writeEmptyStructField(12)
        case .bson: w.writeEmptyStructField(13)
        case .uuid: w.writeEmptyStructField(14)
        case .float16: w.writeEmptyStructField(15)
        }
        w.writeStructEnd()
    }

    /// TimeType and TimestampType share their layout: 1: isAdjustedToUTC, 2: unit.
    private static func writeTimeType(
        id: Int16,
        isAdjustedToUTC: Bool,
        unit: ParquetFormat.TimeUnit,
        to w: inout ThriftCompactWriter
    ) {
        w.writeFieldBegin(.struct, id: id)
        w.writeStructBegin()
        w.writeBoolField(1, isAdjustedToUTC)
        w.writeStructField(2, unit)
        w.writeStructEnd()
    }

    /// The annotation, or nil when the union holds only members we do not model
    /// (or a TIME/TIMESTAMP whose unit we do not know).
    static func decodeIfKnown(from r: inout ThriftCompactReader) throws(ThriftError) -> Self? {
        var result: Self?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            guard f.type == .struct, result == nil else {
                try r.skip(f)
                continue
            }
            switch f.id {
            case 1: result = .string
            case 2: result = .map
            case 3: result = .list
            case 4: result = .enumeration
            case 6: result = .date
            case 11: result = .unknown
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 15: result = .float16
            case 5:
                result = try decodeDecimal(from: &r)
                continue
            case 7, 8:
                result = try decodeTimeType(from: &r, isTimestamp: f.id == 8)
                continue
            case 10:
                result = try decodeInteger(from: &r)
                continue
            default:
                break
            }
            try r.skip(f)  // empty marker structs, and members we do not model
        }
        r.readStructEnd()
        return result
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        guard let value = try Self.decodeIfKnown(from: &r) else {
            throw r.error(.invalidValue, "LogicalType holds no member this reader knows")
        }
        self = value
    }

    private static func decodeDecimal(from r: inout ThriftCompactReader) throws(ThriftError) -> Self {
        var scale: Int32?
        var precision: Int32?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i32): scale = try r.readI32()
            case (2, .i32): precision = try r.readI32()
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        return .decimal(
            scale: try r.required(scale, in: "DecimalType", field: "scale"),
            precision: try r.required(precision, in: "DecimalType", field: "precision")
        )
    }

    private static func decodeTimeType(
        from r: inout ThriftCompactReader,
        isTimestamp: Bool
    ) throws(ThriftError) -> Self? {
        let name = isTimestamp ? "TimestampType" : "TimeType"
        var isAdjustedToUTC: Bool?
        var unit: ParquetFormat.TimeUnit?
        var unitPresent = false
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, let t) where t.isBool: isAdjustedToUTC = try r.readBool(f)
            case (2, .struct):
                unitPresent = true
                unit = try ParquetFormat.TimeUnit.decodeIfKnown(from: &r)
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        let adjusted = try r.required(isAdjustedToUTC, in: name, field: "isAdjustedToUTC")
        _ = try r.required(unitPresent ? true : nil, in: name, field: "unit")
        guard let unit else { return nil }  // a unit from a newer spec: treat the annotation as unknown
        return isTimestamp
            ? .timestamp(isAdjustedToUTC: adjusted, unit: unit) : .time(isAdjustedToUTC: adjusted, unit: unit)
    }

    private static func decodeInteger(from r: inout ThriftCompactReader) throws(ThriftError) -> Self {
        var bitWidth: Int8?
        var isSigned: Bool?
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i8): bitWidth = try r.readI8()
            case (2, let t) where t.isBool: isSigned = try r.readBool(f)
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        return .integer(
            bitWidth: try r.required(bitWidth, in: "IntType", field: "bitWidth"),
            isSigned: try r.required(isSigned, in: "IntType", field: "isSigned")
        )
    }
}

// MARK: - SchemaElement

extension ParquetFormat.SchemaElement: ThriftStruct {
    public func write(to w: inout ThriftCompactWriter) {
        w.writeStructBegin()
        if let type { w.writeEnumField(1, type) }
        if let typeLength { w.writeI32Field(2, typeLength) }
        if let repetitionType { w.writeEnumField(3, repetitionType) }
        w.writeStringField(4, name)
        if let numChildren { w.writeI32Field(5, numChildren) }
        if let convertedType { w.writeEnumField(6, convertedType) }
        if let scale { w.writeI32Field(7, scale) }
        if let precision { w.writeI32Field(8, precision) }
        if let fieldId { w.writeI32Field(9, fieldId) }
        if let logicalType { w.writeStructField(10, logicalType) }
        w.writeStructEnd()
    }

    public init(from r: inout ThriftCompactReader) throws(ThriftError) {
        let s = "SchemaElement"
        var name: String?
        self.init(name: "")
        try r.readStructBegin()
        while let f = try r.readFieldBegin() {
            switch (f.id, f.type) {
            case (1, .i32): type = try r.readEnum(ParquetFormat.ThriftType.self, in: s, field: "type")
            case (2, .i32): typeLength = try r.readI32()
            case (3, .i32):
                repetitionType = try r.readEnum(ParquetFormat.FieldRepetitionType.self, in: s, field: "repetition_type")
            case (4, .binary): name = try r.readString()
            case (5, .i32): numChildren = try r.readI32()
            case (6, .i32):
                convertedType = try r.readEnum(ParquetFormat.ConvertedType.self, in: s, field: "converted_type")
            case (7, .i32): scale = try r.readI32()
            case (8, .i32): precision = try r.readI32()
            case (9, .i32): fieldId = try r.readI32()
            case (10, .struct): logicalType = try ParquetFormat.LogicalType.decodeIfKnown(from: &r)
            default: try r.skip(f)
            }
        }
        r.readStructEnd()
        self.name = try r.required(name, in: s, field: "name")
    }
}
