/// The physical storage types of Parquet (parquet.thrift `Type`).
public enum PhysicalType: Int32, Sendable, Hashable, CaseIterable {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    case int96 = 3
    case float = 4
    case double = 5
    case byteArray = 6
    case fixedLenByteArray = 7
}

/// Units of TIME and TIMESTAMP logical types.
public enum TimeUnit: Sendable, Hashable {
    case millis
    case micros
    case nanos
}

/// How a physical value is to be interpreted (parquet.thrift `LogicalType`).
///
/// The writer emits both this and the legacy `ConvertedType` wherever the spec defines one,
/// because some readers (hyparquet among them) still decode through the converted type.
public enum LogicalType: Sendable, Hashable {
    case string
    case json
    case enumeration
    case bson
    case uuid
    case integer(bitWidth: Int, signed: Bool)
    /// Exact decimal; the unscaled value is stored as INT32, INT64 or big-endian two's complement bytes.
    case decimal(precision: Int, scale: Int)
    case date
    case time(unit: TimeUnit, adjustedToUTC: Bool)
    case timestamp(unit: TimeUnit, adjustedToUTC: Bool)
}

/// Whether a column may hold nulls. Flat schemas only: no REPEATED.
public enum Repetition: Sendable, Hashable {
    case required
    case optional
}

/// One leaf column of a flat schema.
public struct ColumnDescriptor: Sendable, Hashable {
    public var name: String
    public var physicalType: PhysicalType
    public var logicalType: LogicalType?
    public var repetition: Repetition
    /// Byte width of FIXED_LEN_BYTE_ARRAY values; nil for other types.
    public var typeLength: Int?

    public init(
        name: String,
        physicalType: PhysicalType,
        logicalType: LogicalType? = nil,
        repetition: Repetition = .optional,
        typeLength: Int? = nil
    ) {
        self.name = name
        self.physicalType = physicalType
        self.logicalType = logicalType
        self.repetition = repetition
        self.typeLength = typeLength
    }

    public var isOptional: Bool { repetition == .optional }
}

extension ColumnDescriptor {
    /// A DECIMAL column on the narrowest physical type the spec allows for its precision:
    /// INT32 up to 9 digits, INT64 up to 18, else FIXED_LEN_BYTE_ARRAY of just enough bytes.
    public static func decimal(
        _ name: String,
        precision: Int,
        scale: Int,
        repetition: Repetition = .optional
    )
        -> ColumnDescriptor
    {
        let logical = LogicalType.decimal(precision: precision, scale: scale)
        if precision <= 9 {
            return ColumnDescriptor(name: name, physicalType: .int32, logicalType: logical, repetition: repetition)
        }
        if precision <= 18 {
            return ColumnDescriptor(name: name, physicalType: .int64, logicalType: logical, repetition: repetition)
        }
        return ColumnDescriptor(
            name: name,
            physicalType: .fixedLenByteArray,
            logicalType: logical,
            repetition: repetition,
            typeLength: decimalByteWidth(precision: precision)
        )
    }

    /// The fewest bytes whose signed range holds every unscaled value of `precision` digits.
    public static func decimalByteWidth(precision: Int) -> Int {
        // 10^p - 1 <= 2^(8n-1) - 1  <=>  p * log2(10) <= 8n - 1
        var n = 1
        while Double(precision) * 3.321928094887362 > Double(8 * n - 1) { n += 1 }
        return n
    }
}

/// A flat Parquet schema: an ordered list of leaf columns under one root.
public struct ParquetSchema: Sendable, Hashable {
    public var columns: [ColumnDescriptor]

    public init(columns: [ColumnDescriptor]) {
        self.columns = columns
    }

    public func index(of name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }
}
