import Parquet

/// The rows of one batch that reach the accumulators: their indices, the group slot and the
/// bucket of each (parallel buffers).
struct Selection {
    var rows: UnsafeBufferPointer<Int32>
    var slots: UnsafeBufferPointer<Int32>
    var buckets: UnsafeBufferPointer<Int32>
}

/// A sum left its type's range: reported by the aggregator with the rollup and the bucket.
struct SumOverflow: Error {
    var slot: Int32
    var detail: String
}

/// One measure's state for every group slot, in typed arrays indexed by slot. NULLs are
/// skipped by every function but count(*), as in SQL.
protocol Accumulator: AnyObject {
    /// Makes room for slots up to `count`.
    func grow(to count: Int)
    /// Adds the selected rows of `input` (nil for count(*)).
    func add(_ input: InputColumn?, _ selection: Selection) throws
    /// The values of `slots`, in that order, as the output column.
    func output(_ slots: [Int]) throws -> Column
    /// Forgets what only buckets before `bucket` needed (count_distinct's sets).
    func release(bucketsBefore bucket: Int32)
}

extension Accumulator {
    func release(bucketsBefore bucket: Int32) {}
}

/// count(*) and count(column).
final class CountAccumulator: Accumulator {
    private var counts: [Int64] = []
    let rowsOnly: Bool

    init(rowsOnly: Bool) { self.rowsOnly = rowsOnly }

    func grow(to count: Int) {
        extend(&counts, to: count, with: 0)
    }

    func add(_ input: InputColumn?, _ s: Selection) {
        counts.withUnsafeMutableBufferPointer { counts in
            if !rowsOnly, let validity = input?.validity {
                for k in 0..<s.rows.count where validity[Int(s.rows[k])] { counts[Int(s.slots[k])] &+= 1 }
            } else {
                for k in 0..<s.rows.count { counts[Int(s.slots[k])] &+= 1 }
            }
        }
    }

    func output(_ slots: [Int]) -> Column {
        Column(values: .int64(slots.map { counts[$0] }))
    }
}

/// sum() of INT32/INT64 integers into INT64; leaving INT64's range is an error.
final class IntegerSumAccumulator: Accumulator {
    private var sums: [Int64] = []
    private var seen: [Bool] = []
    let unsigned: Bool

    init(unsigned: Bool) { self.unsigned = unsigned }

    func grow(to count: Int) {
        extend(&sums, to: count, with: 0)
        extend(&seen, to: count, with: false)
    }

    func add(_ input: InputColumn?, _ s: Selection) throws {
        guard let column = input?.values else { return }
        let validity = column.validity
        var overflow: SumOverflow?
        sums.withUnsafeMutableBufferPointer { sums in
            seen.withUnsafeMutableBufferPointer { seen in
                func add(_ value: Int64, _ slot: Int32) -> Bool {
                    let (sum, over) = sums[Int(slot)].addingReportingOverflow(value)
                    if over {
                        overflow = SumOverflow(slot: slot, detail: "\(sums[Int(slot)]) + \(value)")
                        return false
                    }
                    sums[Int(slot)] = sum
                    seen[Int(slot)] = true
                    return true
                }
                switch column.values {
                case .int32(let v):
                    for k in 0..<s.rows.count {
                        let row = Int(s.rows[k])
                        if let validity, !validity[row] { continue }
                        let value = unsigned ? Int64(UInt32(bitPattern: v[row])) : Int64(v[row])
                        if !add(value, s.slots[k]) { return }
                    }
                case .int64(let v):
                    for k in 0..<s.rows.count {
                        let row = Int(s.rows[k])
                        if let validity, !validity[row] { continue }
                        let value = v[row]
                        if unsigned && value < 0 {
                            overflow = SumOverflow(slot: s.slots[k], detail: "the value \(UInt64(bitPattern: value))")
                            return
                        }
                        if !add(value, s.slots[k]) { return }
                    }
                default:
                    return
                }
            }
        }
        if let overflow { throw overflow }
    }

    func output(_ slots: [Int]) -> Column {
        let validity = slots.map { seen[$0] }
        return Column(
            values: .int64(slots.map { sums[$0] }),
            validity: validity.contains(false) ? validity : nil
        )
    }
}

/// sum() of DECIMAL(p,s) into DECIMAL(min(38, p+10), s), exact in an Int128.
final class DecimalSumAccumulator: Accumulator {
    private var sums: [Int128] = []
    private var seen: [Bool] = []
    let output: ColumnDescriptor
    /// 10^precision: the first magnitude the output cannot hold.
    let limit: Int128

    init(output: ColumnDescriptor, precision: Int) {
        self.output = output
        var limit: Int128 = 1
        for _ in 0..<precision { limit *= 10 }
        self.limit = limit
    }

    func grow(to count: Int) {
        extend(&sums, to: count, with: 0)
        extend(&seen, to: count, with: false)
    }

    func add(_ input: InputColumn?, _ s: Selection) throws {
        guard let column = input?.values else { return }
        let validity = column.validity
        var overflow: SumOverflow?
        sums.withUnsafeMutableBufferPointer { sums in
            seen.withUnsafeMutableBufferPointer { seen in
                @inline(__always) func add(_ value: Int128, _ slot: Int32) -> Bool {
                    let (sum, over) = sums[Int(slot)].addingReportingOverflow(value)
                    if over || sum >= limit || sum <= -limit {
                        overflow = SumOverflow(slot: slot, detail: "\(sums[Int(slot)]) + \(value) (unscaled)")
                        return false
                    }
                    sums[Int(slot)] = sum
                    seen[Int(slot)] = true
                    return true
                }
                switch column.values {
                case .int32(let v):
                    v.withUnsafeBufferPointer { v in
                        for k in 0..<s.rows.count {
                            let row = Int(s.rows[k])
                            if let validity, !validity[row] { continue }
                            if !add(Int128(v[row]), s.slots[k]) { return }
                        }
                    }
                case .int64(let v):
                    v.withUnsafeBufferPointer { v in
                        for k in 0..<s.rows.count {
                            let row = Int(s.rows[k])
                            if let validity, !validity[row] { continue }
                            if !add(Int128(v[row]), s.slots[k]) { return }
                        }
                    }
                case .fixedLenByteArray(let v):
                    let width = v.width
                    v.bytes.withUnsafeBytes { raw in
                        for k in 0..<s.rows.count {
                            let row = Int(s.rows[k])
                            if let validity, !validity[row] { continue }
                            let value = Self.bigEndian(
                                UnsafeRawBufferPointer(rebasing: raw[(row * width)..<((row + 1) * width)])
                            )
                            if !add(value, s.slots[k]) { return }
                        }
                    }
                default:
                    return
                }
            }
        }
        if let overflow { throw overflow }
    }

    /// Big-endian two's complement of at most 16 bytes, sign-extended.
    @inline(__always)
    static func bigEndian(_ bytes: UnsafeRawBufferPointer) -> Int128 {
        var value: Int128 = (bytes.first ?? 0) & 0x80 != 0 ? -1 : 0
        for byte in bytes { value = (value << 8) | Int128(byte) }
        return value
    }

    /// The fewest-bytes big-endian two's complement of `value` in `width` bytes.
    static func bigEndianBytes(_ value: Int128, width: Int) -> [UInt8] {
        (0..<width).map { i in UInt8(truncatingIfNeeded: value >> (8 * (width - 1 - i))) }
    }

    func output(_ slots: [Int]) -> Column {
        let validity = slots.map { seen[$0] }
        let values: ColumnValues
        switch output.physicalType {
        case .int32: values = .int32(slots.map { Int32(truncatingIfNeeded: sums[$0]) })
        case .int64: values = .int64(slots.map { Int64(truncatingIfNeeded: sums[$0]) })
        default:
            let width = output.typeLength ?? 16
            var buffer = FixedLenByteArrayBuffer(width: width)
            buffer.reserveCapacity(slots.count)
            for slot in slots { buffer.append(Self.bigEndianBytes(sums[slot], width: width)) }
            values = .fixedLenByteArray(buffer)
        }
        return Column(values: values, validity: validity.contains(false) ? validity : nil)
    }
}

/// sum() of FLOAT/DOUBLE into DOUBLE, added in the order rows are read (base files in
/// partition order), so a bucket recomputed alone sums exactly as a full build does.
final class FloatingSumAccumulator: Accumulator {
    private var sums: [Double] = []
    private var seen: [Bool] = []

    func grow(to count: Int) {
        extend(&sums, to: count, with: 0)
        extend(&seen, to: count, with: false)
    }

    func add(_ input: InputColumn?, _ s: Selection) {
        guard let column = input?.values else { return }
        let validity = column.validity
        sums.withUnsafeMutableBufferPointer { sums in
            seen.withUnsafeMutableBufferPointer { seen in
                switch column.values {
                case .double(let v):
                    for k in 0..<s.rows.count {
                        let row = Int(s.rows[k])
                        if let validity, !validity[row] { continue }
                        sums[Int(s.slots[k])] += v[row]
                        seen[Int(s.slots[k])] = true
                    }
                case .float(let v):
                    for k in 0..<s.rows.count {
                        let row = Int(s.rows[k])
                        if let validity, !validity[row] { continue }
                        sums[Int(s.slots[k])] += Double(v[row])
                        seen[Int(s.slots[k])] = true
                    }
                default: return
                }
            }
        }
    }

    func output(_ slots: [Int]) -> Column {
        let validity = slots.map { seen[$0] }
        return Column(values: .double(slots.map { sums[$0] }), validity: validity.contains(false) ? validity : nil)
    }
}

/// min() and max() in the column's own order, the output of the column's own type. NaN is
/// left out, as Parquet statistics leave it out.
final class ExtremeAccumulator: Accumulator {
    private var codes: ValueCodes
    private var best: [Int64] = []
    private var seen: [Bool] = []
    private var scratch: [Int64] = []
    let maximum: Bool

    init(descriptor: ColumnDescriptor, maximum: Bool) {
        codes = ValueCodes(descriptor)
        self.maximum = maximum
    }

    func grow(to count: Int) {
        extend(&best, to: count, with: 0)
        extend(&seen, to: count, with: false)
    }

    func add(_ input: InputColumn?, _ s: Selection) {
        guard let column = input?.values else { return }
        let rows = column.count
        if scratch.count < rows { scratch = [Int64](repeating: 0, count: rows) }
        let validity = column.validity
        let maximum = self.maximum
        // Typed fast paths for the integer kinds; the rest compares through the codes.
        switch (codes.kind, column.values) {
        case (.int32(let unsigned), .int32(let v)), (.int64(let unsigned), .int32(let v)):
            extremes(s, validity: validity) { row in unsigned ? Int64(UInt32(bitPattern: v[row])) : Int64(v[row]) }
        case (.int64(false), .int64(let v)):
            extremes(s, validity: validity) { row in v[row] }
        case (.int64(true), .int64(let v)):
            // Unsigned 64-bit values compare with their sign bit flipped.
            extremes(s, validity: validity) { row in v[row] ^ Int64.min }
        default:
            scratch.withUnsafeMutableBufferPointer { codes.codes(of: column, rows: rows, into: $0.baseAddress!) }
            for k in 0..<s.rows.count {
                let row = Int(s.rows[k])
                if let validity, !validity[row] { continue }
                let code = scratch[row]
                if case .float = codes.kind, Float(bitPattern: UInt32(truncatingIfNeeded: code)).isNaN { continue }
                if case .double = codes.kind, Double(bitPattern: UInt64(bitPattern: code)).isNaN { continue }
                let slot = Int(s.slots[k])
                if !seen[slot] {
                    seen[slot] = true
                    best[slot] = code
                } else {
                    let c = codes.compare(code, best[slot])
                    if maximum ? c > 0 : c < 0 { best[slot] = code }
                }
            }
            return
        }
        _ = maximum
    }

    /// Keeps the smallest or largest order key (`key` of a row) per slot.
    @inline(__always)
    private func extremes(_ s: Selection, validity: [Bool]?, _ key: (Int) -> Int64) {
        let maximum = self.maximum
        best.withUnsafeMutableBufferPointer { best in
            seen.withUnsafeMutableBufferPointer { seen in
                for k in 0..<s.rows.count {
                    let row = Int(s.rows[k])
                    if let validity, !validity[row] { continue }
                    let value = key(row)
                    let slot = Int(s.slots[k])
                    if !seen[slot] {
                        seen[slot] = true
                        best[slot] = value
                    } else if maximum ? value > best[slot] : value < best[slot] {
                        best[slot] = value
                    }
                }
            }
        }
    }

    func output(_ slots: [Int]) -> Column {
        let unsignedWide: Bool
        if case .int64(true) = codes.kind { unsignedWide = true } else { unsignedWide = false }
        return codes.column(slots.map { seen[$0] ? (unsignedWide ? best[$0] ^ Int64.min : best[$0]) : nil })
    }
}

/// count_distinct(column): per bucket, a set of (group slot, value code) pairs; a new pair adds
/// one to its group. A bucket's set is dropped once no row still to be read can fall in it, so
/// memory holds the distinct values of the open buckets, not of the whole history.
final class DistinctCountAccumulator: Accumulator {
    private var codes: ValueCodes
    private var counts: [Int64] = []
    private var sets: [Int32: PairSet] = [:]
    /// Sets of released buckets, emptied, kept with their capacity for the next buckets.
    private var spare: [PairSet] = []
    private var scratch: [Int64] = []

    init(descriptor: ColumnDescriptor) {
        codes = ValueCodes(descriptor)
    }

    func grow(to count: Int) {
        extend(&counts, to: count, with: 0)
    }

    /// Bytes held by the open buckets' sets.
    var bytesHeld: Int { sets.values.reduce(0) { $0 + $1.bytes } }

    func add(_ input: InputColumn?, _ s: Selection) {
        guard let column = input else { return }
        let rows = column.count
        if scratch.count < rows { scratch = [Int64](repeating: 0, count: rows) }
        scratch.withUnsafeMutableBufferPointer { codes.codes(of: column, rows: rows, into: $0.baseAddress!) }
        let validity = column.validity
        counts.withUnsafeMutableBufferPointer { counts in
            scratch.withUnsafeBufferPointer { values in
                withOptionalPointer(validity) { validity in
                    // One insert call per run of a bucket (rows of a base row group share few buckets).
                    var k = 0
                    let n = s.rows.count
                    while k < n {
                        let bucket = s.buckets[k]
                        var end = k + 1
                        while end < n && s.buckets[end] == bucket { end += 1 }
                        set(for: bucket).insert(
                            k..<end,
                            rows: s.rows,
                            slots: s.slots,
                            values: values.baseAddress!,
                            validity: validity,
                            counts: counts.baseAddress!
                        )
                        k = end
                    }
                }
            }
        }
    }

    /// The set of `bucket`, made (or taken from the released ones) on first use.
    private func set(for bucket: Int32) -> PairSet {
        if let existing = sets[bucket] { return existing }
        let created = spare.popLast() ?? PairSet()
        sets[bucket] = created
        return created
    }

    func release(bucketsBefore bucket: Int32) {
        for key in sets.keys where key < bucket {
            let set = sets.removeValue(forKey: key)!
            // Keep a few for the next buckets; memory stays what the open buckets need.
            if spare.count < 4 {
                set.reset()
                spare.append(set)
            }
        }
    }

    func output(_ slots: [Int]) -> Column {
        Column(values: .int64(slots.map { counts[$0] }))
    }
}

/// Calls `body` with a pointer to `array`'s elements, or nil when there is no array.
@inline(__always)
func withOptionalPointer<T, R>(_ array: [T]?, _ body: (UnsafePointer<T>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Appends `value` to `array` until it has `count` elements (a new group slot's initial state).
@inline(__always)
func extend<T>(_ array: inout [T], to count: Int, with value: T) {
    if array.count < count { array.append(contentsOf: repeatElement(value, count: count - array.count)) }
}
