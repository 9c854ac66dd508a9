/// Conversion between our flat schema model and parquet.thrift SchemaElements.
///
/// Every logical type is written twice: as LogicalType and as the legacy ConvertedType
/// (with scale/precision for decimals), because older readers, hyparquet among them,
/// decode DECIMAL, DATE, TIMESTAMP, JSON and unsigned integers through the converted type.
/// LogicalTypes.md asks writers to annotate local (not UTC-adjusted) timestamps and times
/// with the legacy TIMESTAMP_*/TIME_* annotation too, for forward compatibility.
extension ParquetSchema {
    func schemaElements() -> [ParquetFormat.SchemaElement] {
        var elements = [ParquetFormat.SchemaElement(name: "schema", numChildren: Int32(columns.count))]
        for column in columns { elements.append(column.schemaElement()) }
        return elements
    }

    /// Reads a flat schema (a root whose children are all primitive leaves).
    init(elements: [ParquetFormat.SchemaElement]) throws {
        guard let root = elements.first else {
            throw ParquetError(.corruptFile, "the file's schema is empty")
        }
        let children = Int(root.numChildren ?? 0)
        guard elements.count == children + 1 else {
            throw ParquetError(
                .unsupported,
                """
                nested schemas are not supported (the root has \(children) children among \(elements.count - 1) \
                elements)
                """
            )
        }
        var columns: [ColumnDescriptor] = []
        for element in elements.dropFirst() {
            columns.append(try ColumnDescriptor(element: element))
        }
        self.init(columns: columns)
    }
}

extension ColumnDescriptor {
    func schemaElement() -> ParquetFormat.SchemaElement {
        var element = ParquetFormat.SchemaElement(
            type: ParquetFormat.ThriftType(rawValue: physicalType.rawValue),
            typeLength: typeLength.map { Int32($0) },
            repetitionType: repetition == .required ? .required : .optional,
            name: name
        )
        guard let logicalType else { return element }
        element.logicalType = logicalType.format
        element.convertedType = logicalType.convertedType
        if case .decimal(let precision, let scale) = logicalType {
            element.precision = Int32(precision)
            element.scale = Int32(scale)
        }
        return element
    }

    init(element: ParquetFormat.SchemaElement) throws {
        guard let type = element.type, let physical = PhysicalType(rawValue: type.rawValue) else {
            throw ParquetError(.unsupported, "column \"\(element.name)\" is a group; only flat schemas are supported")
        }
        let repetition: Repetition
        switch element.repetitionType {
        case .required?: repetition = .required
        case .optional?, nil: repetition = .optional
        case .repeated?, .vector?:
            throw ParquetError(.unsupported, "column \"\(element.name)\" is REPEATED; only flat schemas are supported")
        }
        self.init(
            name: element.name,
            physicalType: physical,
            logicalType: LogicalType(element: element),
            repetition: repetition,
            typeLength: element.typeLength.map { Int($0) }
        )
    }
}

extension LogicalType {
    var format: ParquetFormat.LogicalType {
        switch self {
        case .string: .string
        case .json: .json
        case .enumeration: .enumeration
        case .bson: .bson
        case .uuid: .uuid
        case .integer(let bitWidth, let signed): .integer(bitWidth: Int8(bitWidth), isSigned: signed)
        case .decimal(let precision, let scale): .decimal(scale: Int32(scale), precision: Int32(precision))
        case .date: .date
        case .time(let unit, let utc): .time(isAdjustedToUTC: utc, unit: unit.format)
        case .timestamp(let unit, let utc): .timestamp(isAdjustedToUTC: utc, unit: unit.format)
        }
    }

    var convertedType: ParquetFormat.ConvertedType? {
        switch self {
        case .string: .utf8
        case .json: .json
        case .enumeration: .enumeration
        case .bson: .bson
        case .uuid: nil
        case .integer(let bitWidth, let signed):
            switch (bitWidth, signed) {
            case (8, true): .int8
            case (16, true): .int16
            case (32, true): .int32
            case (64, true): .int64
            case (8, false): .uint8
            case (16, false): .uint16
            case (32, false): .uint32
            case (64, false): .uint64
            default: nil
            }
        case .decimal: .decimal
        case .date: .date
        case .time(let unit, _):
            switch unit {
            case .millis: .timeMillis
            case .micros: .timeMicros
            case .nanos: nil
            }
        case .timestamp(let unit, _):
            switch unit {
            case .millis: .timestampMillis
            case .micros: .timestampMicros
            case .nanos: nil
            }
        }
    }

    /// From a SchemaElement: the LogicalType when present, else the legacy converted type.
    init?(element: ParquetFormat.SchemaElement) {
        if let logical = element.logicalType {
            switch logical {
            case .string: self = .string
            case .json: self = .json
            case .enumeration: self = .enumeration
            case .bson: self = .bson
            case .uuid: self = .uuid
            case .integer(let bitWidth, let signed): self = .integer(bitWidth: Int(bitWidth), signed: signed)
            case .decimal(let scale, let precision): self = .decimal(precision: Int(precision), scale: Int(scale))
            case .date: self = .date
            case .time(let utc, let unit): self = .time(unit: TimeUnit(unit), adjustedToUTC: utc)
            case .timestamp(let utc, let unit): self = .timestamp(unit: TimeUnit(unit), adjustedToUTC: utc)
            default: return nil
            }
            return
        }
        switch element.convertedType {
        case .utf8?: self = .string
        case .json?: self = .json
        case .enumeration?: self = .enumeration
        case .bson?: self = .bson
        case .int8?: self = .integer(bitWidth: 8, signed: true)
        case .int16?: self = .integer(bitWidth: 16, signed: true)
        case .int32?: self = .integer(bitWidth: 32, signed: true)
        case .int64?: self = .integer(bitWidth: 64, signed: true)
        case .uint8?: self = .integer(bitWidth: 8, signed: false)
        case .uint16?: self = .integer(bitWidth: 16, signed: false)
        case .uint32?: self = .integer(bitWidth: 32, signed: false)
        case .uint64?: self = .integer(bitWidth: 64, signed: false)
        case .decimal?: self = .decimal(precision: Int(element.precision ?? 0), scale: Int(element.scale ?? 0))
        case .date?: self = .date
        case .timeMillis?: self = .time(unit: .millis, adjustedToUTC: true)
        case .timeMicros?: self = .time(unit: .micros, adjustedToUTC: true)
        case .timestampMillis?: self = .timestamp(unit: .millis, adjustedToUTC: true)
        case .timestampMicros?: self = .timestamp(unit: .micros, adjustedToUTC: true)
        default: return nil
        }
    }
}

extension TimeUnit {
    var format: ParquetFormat.TimeUnit {
        switch self {
        case .millis: .millis
        case .micros: .micros
        case .nanos: .nanos
        }
    }

    init(_ unit: ParquetFormat.TimeUnit) {
        switch unit {
        case .millis: self = .millis
        case .micros: self = .micros
        case .nanos: self = .nanos
        }
    }
}
