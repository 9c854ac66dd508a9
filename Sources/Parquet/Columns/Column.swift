/// The values of one column, typed by physical type. Every row has a slot, nulls included:
/// a null row holds a placeholder (zero, empty) and is marked in `Column.validity`.
/// Keeping one slot per row lets sorting, merging and filtering work by row index.
public enum ColumnValues: Sendable, Hashable {
    case boolean([Bool])
    case int32([Int32])
    case int64([Int64])
    case float([Float])
    case double([Double])
    case byteArray(ByteArrayBuffer)
    case fixedLenByteArray(FixedLenByteArrayBuffer)

    public var count: Int {
        switch self {
        case .boolean(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .float(let v): v.count
        case .double(let v): v.count
        case .byteArray(let v): v.count
        case .fixedLenByteArray(let v): v.count
        }
    }

    public var physicalType: PhysicalType {
        switch self {
        case .boolean: .boolean
        case .int32: .int32
        case .int64: .int64
        case .float: .float
        case .double: .double
        case .byteArray: .byteArray
        case .fixedLenByteArray: .fixedLenByteArray
        }
    }

    /// An empty buffer for a column of this descriptor.
    public static func empty(for column: ColumnDescriptor) -> ColumnValues {
        switch column.physicalType {
        case .boolean: .boolean([])
        case .int32: .int32([])
        case .int64, .int96: .int64([])
        case .float: .float([])
        case .double: .double([])
        case .byteArray: .byteArray(ByteArrayBuffer())
        case .fixedLenByteArray: .fixedLenByteArray(FixedLenByteArrayBuffer(width: column.typeLength ?? 1))
        }
    }

    /// Rows `range`, copied as contiguous blocks.
    public func slice(_ range: Range<Int>) -> ColumnValues {
        switch self {
        case .boolean(let v): .boolean(Array(v[range]))
        case .int32(let v): .int32(Array(v[range]))
        case .int64(let v): .int64(Array(v[range]))
        case .float(let v): .float(Array(v[range]))
        case .double(let v): .double(Array(v[range]))
        case .byteArray(let v): .byteArray(v.slice(range))
        case .fixedLenByteArray(let v): .fixedLenByteArray(v.slice(range))
        }
    }

    public func gather(_ indices: [Int]) -> ColumnValues {
        switch self {
        case .boolean(let v): .boolean(indices.map { v[$0] })
        case .int32(let v): .int32(indices.map { v[$0] })
        case .int64(let v): .int64(indices.map { v[$0] })
        case .float(let v): .float(indices.map { v[$0] })
        case .double(let v): .double(indices.map { v[$0] })
        case .byteArray(let v): .byteArray(v.gather(indices))
        case .fixedLenByteArray(let v): .fixedLenByteArray(v.gather(indices))
        }
    }
}

/// One column's values for a run of rows, with its nulls.
public struct Column: Sendable, Hashable {
    public var values: ColumnValues
    /// `validity[i]` is false where row `i` is null; nil when no row is null.
    public var validity: [Bool]?

    public init(values: ColumnValues, validity: [Bool]? = nil) {
        precondition(validity == nil || validity!.count == values.count, "validity and values differ in length")
        self.values = values
        self.validity = validity
    }

    public var count: Int { values.count }

    public var nullCount: Int {
        guard let validity else { return 0 }
        var nulls = 0
        for valid in validity where !valid { nulls += 1 }
        return nulls
    }

    @inline(__always)
    public func isNull(_ row: Int) -> Bool {
        guard let validity else { return false }
        return !validity[row]
    }

    /// The rows at `indices`, in that order (sorting, partitioning, merging).
    public func gather(_ indices: [Int]) -> Column {
        Column(values: values.gather(indices), validity: validity.map { v in indices.map { v[$0] } })
    }

    public func slice(_ range: Range<Int>) -> Column {
        Column(values: values.slice(range), validity: validity.map { Array($0[range]) })
    }
}

/// Rows of a flat schema as one typed column per schema column.
public struct RecordBatch: Sendable, Hashable {
    public var schema: ParquetSchema
    public var columns: [Column]

    public init(schema: ParquetSchema, columns: [Column]) {
        precondition(
            schema.columns.count == columns.count,
            "schema has \(schema.columns.count) columns, batch \(columns.count)"
        )
        if let first = columns.first {
            precondition(columns.allSatisfy { $0.count == first.count }, "columns differ in row count")
        }
        self.schema = schema
        self.columns = columns
    }

    /// A batch with no rows.
    public init(emptyWith schema: ParquetSchema) {
        self.schema = schema
        self.columns = schema.columns.map { Column(values: .empty(for: $0)) }
    }

    public var rowCount: Int { columns.first?.count ?? 0 }

    public func column(named name: String) -> Column? {
        schema.index(of: name).map { columns[$0] }
    }

    public func gather(_ indices: [Int]) -> RecordBatch {
        RecordBatch(schema: schema, columns: columns.map { $0.gather(indices) })
    }

    public func slice(_ range: Range<Int>) -> RecordBatch {
        RecordBatch(schema: schema, columns: columns.map { $0.slice(range) })
    }
}

extension Column {
    /// The rows of `parts` one after another (a row group assembled from batches).
    public static func concatenate(_ parts: [Column]) -> Column {
        guard parts.count > 1 else { return parts.first! }
        return concatenate(parts.map { (column: $0, rows: 0..<$0.count) })
    }

    /// Rows `rows` of each piece one after another, copied once: a row group assembled from
    /// the runs of one day in several batches, without slicing each run out first.
    public static func concatenate(_ pieces: [(column: Column, rows: Range<Int>)]) -> Column {
        if pieces.count == 1, pieces[0].rows == 0..<pieces[0].column.count { return pieces[0].column }
        let rows = pieces.reduce(0) { $0 + $1.rows.count }
        var validity: [Bool]? = nil
        if pieces.contains(where: { $0.column.validity != nil }) {
            var v = [Bool]()
            v.reserveCapacity(rows)
            for piece in pieces {
                if let pv = piece.column.validity {
                    v.append(contentsOf: pv[piece.rows])
                } else {
                    v.append(contentsOf: repeatElement(true, count: piece.rows.count))
                }
            }
            validity = v
        }
        return Column(
            values: ColumnValues.concatenate(pieces.map { (values: $0.column.values, rows: $0.rows) }),
            validity: validity
        )
    }

    /// Roughly the bytes these values take in memory, for the row group's size cap.
    public var estimatedBytes: Int {
        switch values {
        case .boolean(let v): v.count
        case .int32(let v): v.count * 4
        case .int64(let v): v.count * 8
        case .float(let v): v.count * 4
        case .double(let v): v.count * 8
        case .byteArray(let v): v.bytes.count + v.count * 8
        case .fixedLenByteArray(let v): v.bytes.count
        }
    }
}

extension ColumnValues {
    public static func concatenate(_ parts: [ColumnValues]) -> ColumnValues {
        concatenate(parts.map { (values: $0, rows: 0..<$0.count) })
    }

    /// Rows `rows` of each piece one after another, copied once.
    public static func concatenate(_ pieces: [(values: ColumnValues, rows: Range<Int>)]) -> ColumnValues {
        guard let first = pieces.first?.values else { preconditionFailure("nothing to concatenate") }
        let total = pieces.reduce(0) { $0 + $1.rows.count }
        func join<T>(_ extract: (ColumnValues) -> [T]) -> [T] {
            var out = [T]()
            out.reserveCapacity(total)
            for piece in pieces { out.append(contentsOf: extract(piece.values)[piece.rows]) }
            return out
        }
        switch first {
        case .boolean:
            return .boolean(join { if case .boolean(let v) = $0 { v } else { fatalError("mixed column types") } })
        case .int32: return .int32(join { if case .int32(let v) = $0 { v } else { fatalError("mixed column types") } })
        case .int64: return .int64(join { if case .int64(let v) = $0 { v } else { fatalError("mixed column types") } })
        case .float: return .float(join { if case .float(let v) = $0 { v } else { fatalError("mixed column types") } })
        case .double:
            return .double(join { if case .double(let v) = $0 { v } else { fatalError("mixed column types") } })
        case .byteArray:
            var bytes = 0
            for piece in pieces {
                if case .byteArray(let v) = piece.values {
                    bytes += v.offsets[piece.rows.upperBound] - v.offsets[piece.rows.lowerBound]
                }
            }
            var out = ByteArrayBuffer(reservingCapacity: total, bytes: bytes)
            for piece in pieces {
                guard case .byteArray(let v) = piece.values else { fatalError("mixed column types") }
                out.append(contentsOf: v, rows: piece.rows)
            }
            return .byteArray(out)
        case .fixedLenByteArray(let f):
            var out = FixedLenByteArrayBuffer(width: f.width)
            out.reserveCapacity(total)
            for piece in pieces {
                guard case .fixedLenByteArray(let v) = piece.values else { fatalError("mixed column types") }
                out.append(contentsOf: v, rows: piece.rows)
            }
            return .fixedLenByteArray(out)
        }
    }
}
