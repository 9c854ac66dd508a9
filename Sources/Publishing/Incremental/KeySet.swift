import Parquet

/// The primary keys of a set of rows, to ask of other rows "is this one of them?".
///
/// Single integer keys (the common case) are kept as integers; other keys are encoded to
/// bytes (a null flag, then the value: fixed-width little-endian or length-prefixed bytes).
struct KeySet {
    private var integers = Set<Int64>()
    private var encoded = Set<[UInt8]>()
    private let integerKey: Bool
    let keyColumns: [Int]

    init(keyColumns: [Int], schema: ParquetSchema) {
        self.keyColumns = keyColumns
        let types = keyColumns.map { schema.columns[$0].physicalType }
        integerKey = types.count == 1 && (types[0] == .int64 || types[0] == .int32)
    }

    var count: Int { integerKey ? integers.count : encoded.count }
    var isEmpty: Bool { count == 0 }

    mutating func insertAll(of batch: RecordBatch, columns: [Int]? = nil) {
        let columns = columns ?? keyColumns
        for row in 0..<batch.rowCount { insert(row: row, of: batch, columns: columns) }
    }

    mutating func insert(row: Int, of batch: RecordBatch, columns: [Int]? = nil) {
        let columns = columns ?? keyColumns
        if integerKey {
            integers.insert(Self.integer(batch.columns[columns[0]], row))
        } else {
            encoded.insert(Self.encode(batch, row, columns))
        }
    }

    /// For each row of `batch` (whose key columns are `columns`), whether its key is in the set.
    func contains(row: Int, of batch: RecordBatch, columns: [Int]) -> Bool {
        if integerKey { return integers.contains(Self.integer(batch.columns[columns[0]], row)) }
        return encoded.contains(Self.encode(batch, row, columns))
    }

    /// Every row of `batch` whose key is in the set: a membership mask.
    func mask(of batch: RecordBatch, columns: [Int]) -> [Bool] {
        if integerKey {
            switch batch.columns[columns[0]].values {
            case .int64(let values): return values.map { integers.contains($0) }
            case .int32(let values): return values.map { integers.contains(Int64($0)) }
            default: break
            }
        }
        return (0..<batch.rowCount).map { contains(row: $0, of: batch, columns: columns) }
    }

    @inline(__always)
    private static func integer(_ column: Column, _ row: Int) -> Int64 {
        switch column.values {
        case .int64(let v): return v[row]
        case .int32(let v): return Int64(v[row])
        default: preconditionFailure("integer key expected")
        }
    }

    static func encode(_ batch: RecordBatch, _ row: Int, _ columns: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        for c in columns {
            let column = batch.columns[c]
            if column.isNull(row) {
                out.append(0)
                continue
            }
            out.append(1)
            switch column.values {
            case .boolean(let v): out.append(v[row] ? 1 : 0)
            case .int32(let v): out.appendLittleEndianValue(v[row])
            case .int64(let v): out.appendLittleEndianValue(v[row])
            case .float(let v): out.appendLittleEndianValue(v[row].bitPattern)
            case .double(let v): out.appendLittleEndianValue(v[row].bitPattern)
            case .byteArray(let v):
                out.appendLittleEndianValue(UInt32(v.length(at: row)))
                out.append(contentsOf: v[row])
            case .fixedLenByteArray(let v): out.append(contentsOf: v[row])
            }
        }
        return out
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndianValue<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

/// Primary key → row index of a batch (the delta), with the same integer fast path as KeySet.
struct KeyIndex {
    private var integers: [Int64: Int] = [:]
    private var encoded: [[UInt8]: Int] = [:]
    private let integerKey: Bool
    let keyColumns: [Int]

    init(_ batch: RecordBatch, keyColumns: [Int]) {
        self.keyColumns = keyColumns
        let types = keyColumns.map { batch.schema.columns[$0].physicalType }
        integerKey = types.count == 1 && (types[0] == .int64 || types[0] == .int32)
        for row in 0..<batch.rowCount {
            if integerKey {
                integers[Self.integer(batch.columns[keyColumns[0]], row)] = row
            } else {
                encoded[KeySet.encode(batch, row, keyColumns)] = row
            }
        }
    }

    /// The row of the indexed batch with the key of `row` in `batch` (key columns `columns`).
    func row(matching row: Int, of batch: RecordBatch, columns: [Int]) -> Int? {
        if integerKey { return integers[Self.integer(batch.columns[columns[0]], row)] }
        return encoded[KeySet.encode(batch, row, columns)]
    }

    private static func integer(_ column: Column, _ row: Int) -> Int64 {
        switch column.values {
        case .int64(let v): return v[row]
        case .int32(let v): return Int64(v[row])
        default: preconditionFailure("integer key expected")
        }
    }
}

extension RecordBatch {
    /// Whether row `i` of `self` and row `j` of `other` (same schema) hold the same values.
    /// Floating point compares by bit pattern, so an unchanged NaN is unchanged.
    func rowEquals(_ i: Int, _ other: RecordBatch, _ j: Int) -> Bool {
        for c in columns.indices {
            let a = columns[c]
            let b = other.columns[c]
            let an = a.isNull(i)
            if an != b.isNull(j) { return false }
            if an { continue }
            switch (a.values, b.values) {
            case (.boolean(let x), .boolean(let y)): if x[i] != y[j] { return false }
            case (.int32(let x), .int32(let y)): if x[i] != y[j] { return false }
            case (.int64(let x), .int64(let y)): if x[i] != y[j] { return false }
            case (.float(let x), .float(let y)): if x[i].bitPattern != y[j].bitPattern { return false }
            case (.double(let x), .double(let y)): if x[i].bitPattern != y[j].bitPattern { return false }
            case (.byteArray(let x), .byteArray(let y)): if x[i] != y[j] { return false }
            case (.fixedLenByteArray(let x), .fixedLenByteArray(let y)): if x[i] != y[j] { return false }
            default: return false
            }
        }
        return true
    }
}
