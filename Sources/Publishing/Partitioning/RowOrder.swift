import Parquet

/// Row comparison over typed columns, for sorting a partition by (partition column, primary key).
///
/// Nulls sort first. Values compare in their logical order: unsigned integers by their bits,
/// strings and bytes byte-wise, floats numerically.
struct RowOrder {
    let keyColumns: [Int]
    private let comparators: [(Column, Int, Column, Int) -> Int]

    init(schema: ParquetSchema, keyColumns: [Int]) {
        self.keyColumns = keyColumns
        comparators = keyColumns.map { RowOrder.comparator(for: schema.columns[$0]) }
    }

    /// -1, 0 or 1 comparing row `i` of `a` with row `j` of `b` (batches of the same schema).
    @inline(__always)
    func compare(_ a: RecordBatch, _ i: Int, _ b: RecordBatch, _ j: Int) -> Int {
        for (k, column) in keyColumns.enumerated() {
            let c = comparators[k](a.columns[column], i, b.columns[column], j)
            if c != 0 { return c }
        }
        return 0
    }

    /// The row indices that put `batch` in key order (stable), or nil when it is in order
    /// already, as almost every batch of a snapshot is.
    func sortingPermutation(_ batch: RecordBatch) -> [Int]? {
        if isSorted(batch) { return nil }
        let compare = withinBatch(batch)
        var indices = Array(0..<batch.rowCount)
        indices.sort { x, y in
            let c = compare(x, y)
            return c != 0 ? c < 0 : x < y
        }
        return indices
    }

    /// Whether every row is at or after the one before it. Runs for every batch and row
    /// group, so the usual first key (a non-null DATE, DATETIME or integer column) is checked
    /// in a loop over its typed values; the other keys only break its ties.
    func isSorted(_ batch: RecordBatch) -> Bool {
        guard batch.rowCount > 1 else { return true }
        let first = batch.columns[keyColumns[0]]
        if first.validity == nil {
            let unsigned = {
                if case .integer(_, false)? = batch.schema.columns[keyColumns[0]].logicalType { true } else { false }
            }()
            let tieBreak = keyColumns.count > 1 ? withinBatch(batch, keys: keyColumns.dropFirst()) : nil
            switch first.values {
            case .int64(let values):
                return Self.isSorted(values, flip: unsigned ? Int64.min : 0, tieBreak: tieBreak)
            case .int32(let values):
                return Self.isSorted(values, flip: unsigned ? Int32.min : 0, tieBreak: tieBreak)
            default:
                break
            }
        }
        let compare = withinBatch(batch)
        for i in 1..<batch.rowCount where compare(i - 1, i) > 0 { return false }
        return true
    }

    /// `values` in order, unsigned ones compared with their sign bit flipped (`flip`), ties
    /// broken by `tieBreak` (none: ties keep their order).
    private static func isSorted<T: FixedWidthInteger & SignedInteger>(
        _ values: [T],
        flip: T,
        tieBreak: ((Int, Int) -> Int)?
    ) -> Bool {
        values.withUnsafeBufferPointer { v in
            var previous = v[0] ^ flip
            for i in 1..<v.count {
                let current = v[i] ^ flip
                if previous > current { return false }
                if previous == current, let tieBreak, tieBreak(i - 1, i) > 0 { return false }
                previous = current
            }
            return true
        }
    }

    /// A comparison of two rows of `batch` whose closures hold the typed arrays directly,
    /// so sorting does not unwrap the column enum on every comparison.
    func withinBatch(_ batch: RecordBatch) -> (Int, Int) -> Int {
        withinBatch(batch, keys: keyColumns[...])
    }

    /// The same over `keys` only (a tie-break on the keys after the first).
    private func withinBatch(_ batch: RecordBatch, keys: ArraySlice<Int>) -> (Int, Int) -> Int {
        let parts: [(Int, Int) -> Int] = keys.map { column in
            let c = batch.columns[column]
            let unsigned = {
                if case .integer(_, false)? = batch.schema.columns[column].logicalType { true } else { false }
            }()
            let values: (Int, Int) -> Int
            switch c.values {
            case .int64(let x):
                values =
                    unsigned
                    ? { i, j in Self.order(UInt64(bitPattern: x[i]), UInt64(bitPattern: x[j])) }
                    : { i, j in Self.order(x[i], x[j]) }
            case .int32(let x):
                values =
                    unsigned
                    ? { i, j in Self.order(UInt32(bitPattern: x[i]), UInt32(bitPattern: x[j])) }
                    : { i, j in Self.order(x[i], x[j]) }
            case .double(let x): values = { i, j in Self.order(x[i], x[j]) }
            case .float(let x): values = { i, j in Self.order(x[i], x[j]) }
            case .boolean(let x): values = { i, j in Self.order(x[i] ? 1 : 0, x[j] ? 1 : 0) }
            case .byteArray(let x):
                values = { i, j in x.withValue(at: i) { p in x.withValue(at: j) { q in Self.bytesOrder(p, q) } } }
            case .fixedLenByteArray(let x):
                values = { i, j in Self.bytesOrder(x[i], x[j]) }
            }
            guard let validity = c.validity else { return values }
            return { i, j in
                let a = validity[i]
                let b = validity[j]
                if a && b { return values(i, j) }
                return a == b ? 0 : (a ? 1 : -1)
            }
        }
        if parts.count == 1 { return parts[0] }
        return { i, j in
            for part in parts {
                let c = part(i, j)
                if c != 0 { return c }
            }
            return 0
        }
    }

    private static func comparator(for descriptor: ColumnDescriptor) -> (Column, Int, Column, Int) -> Int {
        var unsigned = false
        if case .integer(_, false)? = descriptor.logicalType { unsigned = true }
        return { a, i, b, j in
            let an = a.isNull(i)
            let bn = b.isNull(j)
            if an || bn { return an == bn ? 0 : (an ? -1 : 1) }
            switch (a.values, b.values) {
            case (.int64(let x), .int64(let y)):
                return unsigned ? order(UInt64(bitPattern: x[i]), UInt64(bitPattern: y[j])) : order(x[i], y[j])
            case (.int32(let x), .int32(let y)):
                return unsigned ? order(UInt32(bitPattern: x[i]), UInt32(bitPattern: y[j])) : order(x[i], y[j])
            case (.double(let x), .double(let y)): return order(x[i], y[j])
            case (.float(let x), .float(let y)): return order(x[i], y[j])
            case (.boolean(let x), .boolean(let y)): return order(x[i] ? 1 : 0, y[j] ? 1 : 0)
            case (.byteArray(let x), .byteArray(let y)):
                return x.withValue(at: i) { p in y.withValue(at: j) { q in bytesOrder(p, q) } }
            case (.fixedLenByteArray(let x), .fixedLenByteArray(let y)):
                return bytesOrder(x[i], y[j])
            default:
                preconditionFailure("columns of different types compared")
            }
        }
    }

    private static func bytesOrder(_ p: ArraySlice<UInt8>, _ q: ArraySlice<UInt8>) -> Int {
        p.withUnsafeBytes { a in q.withUnsafeBytes { b in bytesOrder(a, b) } }
    }

    @inline(__always)
    private static func order<T: Comparable>(_ x: T, _ y: T) -> Int {
        x < y ? -1 : (x == y ? 0 : 1)
    }

    @inline(__always)
    private static func bytesOrder(_ p: UnsafeRawBufferPointer, _ q: UnsafeRawBufferPointer) -> Int {
        Syscall.compareBytes(p, q)
    }
}
