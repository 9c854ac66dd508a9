import Parquet
import Publishing

/// Buckets to recompute after an incremental refresh of the base: a sorted set of bucket
/// numbers with a bitmap over their range, so a row's check is two compares and a load.
struct BucketSet: Sendable, Equatable {
    let sorted: [Int32]
    private let low: Int32
    private let bitmap: [Bool]

    init<S: Sequence>(_ buckets: S) where S.Element == Int32 {
        sorted = Array(Set(buckets)).sorted()
        low = sorted.first ?? 0
        var bitmap = [Bool](repeating: false, count: sorted.isEmpty ? 0 : Int(sorted.last! - low) + 1)
        for b in sorted { bitmap[Int(b - low)] = true }
        self.bitmap = bitmap
    }

    var isEmpty: Bool { sorted.isEmpty }

    @inline(__always)
    func contains(_ bucket: Int32) -> Bool {
        let offset = Int(bucket) - Int(low)
        return offset >= 0 && offset < bitmap.count && bitmap[offset]
    }

    /// Whether any bucket lies in `range`.
    func intersects(_ range: ClosedRange<Int32>) -> Bool {
        var lo = 0
        var hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < range.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.count && sorted[lo] <= range.upperBound
    }
}

/// Hash aggregation of a rollup over batches of the base's columns (`RollupPlan.readColumns`):
/// each row's bucket and group key map to a slot, and every measure updates its typed state
/// at that slot. Memory grows with the number of (bucket, group) slots and the distinct values
/// of the open buckets, never with rows.
final class RollupAggregator {
    let plan: RollupPlan
    private var groups: GroupTable
    private var groupCodes: [ValueCodes]
    private let accumulators: [any Accumulator]
    private var filterValues: [[[UInt8]]] = []
    /// Rows whose time value was NULL (left out, and counted in a log line).
    private(set) var nullTimeRows = 0
    private(set) var rowsRead = 0
    private(set) var rowsAggregated = 0

    // Scratch buffers reused across batches.
    private var buckets: [Int32] = []
    private var selectedRows: [Int32] = []
    private var selectedSlots: [Int32] = []
    private var selectedBuckets: [Int32] = []
    private var codeScratch: [[Int64]] = []
    private var key: [Int64] = []

    init(plan: RollupPlan) {
        self.plan = plan
        groups = GroupTable(width: 2 + plan.groupInputs.count)
        groupCodes = plan.groupInputs.map { ValueCodes(plan.readColumns[$0]) }
        codeScratch = Array(repeating: [], count: plan.groupInputs.count)
        key = [Int64](repeating: 0, count: 2 + plan.groupInputs.count)
        accumulators = plan.measures.map { measure -> any Accumulator in
            switch measure.accumulation {
            case .countRows: return CountAccumulator(rowsOnly: true)
            case .countValues: return CountAccumulator(rowsOnly: false)
            case .countDistinct: return DistinctCountAccumulator(descriptor: plan.readColumns[measure.input!])
            case .sumInteger(let unsigned): return IntegerSumAccumulator(unsigned: unsigned)
            case .sumDecimal(let precision): return DecimalSumAccumulator(output: measure.output, precision: precision)
            case .sumFloating: return FloatingSumAccumulator()
            case .minimum: return ExtremeAccumulator(descriptor: plan.readColumns[measure.input!], maximum: false)
            case .maximum: return ExtremeAccumulator(descriptor: plan.readColumns[measure.input!], maximum: true)
            }
        }
        filterValues = plan.filters.map { filter in
            filter.values.map { value -> [UInt8] in
                switch value {
                case .string(let s): return Array(s.utf8)
                case .integer(let i): return withUnsafeBytes(of: i.littleEndian) { Array($0) }
                }
            }
        }
    }

    /// Slots so far: (bucket, group) pairs seen.
    var groupCount: Int { groups.count }

    /// Aggregates a batch of `plan.readColumns`' values; with `only`, rows of other buckets are
    /// skipped.
    func add(_ batch: RecordBatch, only: BucketSet? = nil) throws {
        try add(RollupInput(columns: batch.columns.map { .values($0) }, rows: batch.rowCount), only: only)
    }

    /// Aggregates one base row group as `RollupInput.read` reads it.
    func add(_ input: RollupInput, only: BucketSet? = nil) throws {
        let rows = input.rows
        guard rows > 0 else { return }
        rowsRead += rows
        plan.bucketing.buckets(of: input.columns[0].values, into: &buckets)
        if selectedRows.count < rows {
            selectedRows = [Int32](repeating: 0, count: rows)
            selectedSlots = [Int32](repeating: 0, count: rows)
            selectedBuckets = [Int32](repeating: 0, count: rows)
        }
        // Which rows count: a time value, a bucket asked for, every `where` satisfied.
        var selected = 0
        buckets.withUnsafeBufferPointer { buckets in
            selectedRows.withUnsafeMutableBufferPointer { out in
                for row in 0..<rows {
                    let b = buckets[row]
                    if b == Bucketing.null {
                        nullTimeRows += 1
                        continue
                    }
                    if let only, !only.contains(b) { continue }
                    out[selected] = Int32(row)
                    selected += 1
                }
            }
        }
        for (f, filter) in plan.filters.enumerated() {
            var unsigned = false
            if case .integer(_, false)? = plan.readColumns[filter.input].logicalType { unsigned = true }
            selected = keep(
                input.columns[filter.input],
                values: filterValues[f],
                unsigned: unsigned,
                selected: selected
            )
        }
        guard selected > 0 else { return }
        rowsAggregated += selected

        // Group codes of every group column, then one slot per selected row.
        for (g, column) in plan.groupInputs.enumerated() {
            if codeScratch[g].count < rows { codeScratch[g] = [Int64](repeating: 0, count: rows) }
            codeScratch[g].withUnsafeMutableBufferPointer {
                groupCodes[g].codes(of: input.columns[column], rows: rows, into: $0.baseAddress!)
            }
        }
        assignSlots(selected: selected, validities: plan.groupInputs.map { input.columns[$0].validity })
        for accumulator in accumulators { accumulator.grow(to: groups.count) }

        try selectedRows.withUnsafeBufferPointer { rows in
            try selectedSlots.withUnsafeBufferPointer { slots in
                try selectedBuckets.withUnsafeBufferPointer { buckets in
                    let selection = Selection(
                        rows: UnsafeBufferPointer(rebasing: rows[0..<selected]),
                        slots: UnsafeBufferPointer(rebasing: slots[0..<selected]),
                        buckets: UnsafeBufferPointer(rebasing: buckets[0..<selected])
                    )
                    for (m, measure) in plan.measures.enumerated() {
                        do {
                            try accumulators[m].add(measure.input.map { input.columns[$0] }, selection)
                        } catch let overflow as SumOverflow {
                            let day = Int32(truncatingIfNeeded: groups.key(Int(overflow.slot), 0))
                            throw RollupError(
                                .overflow,
                                rollup: plan.rollup.name,
                                key: measure.key,
                                "the sum for bucket \(ISO8601Timestamp.string(daysSinceEpoch: day))\(describeGroup(Int(overflow.slot))) leaves the range of its type (\(measure.mysqlType)): \(overflow.detail); sum a narrower column or drop the measure"
                            )
                        }
                    }
                }
            }
        }
    }

    /// The group slot of each selected row: its key is (bucket, NULL mask, group codes). Raw
    /// pointers throughout: this loop runs once per row and array accesses through `self`
    /// cost a retain and a uniqueness check each.
    private func assignSlots(selected: Int, validities: [[Bool]?]) {
        let groupCount = validities.count
        withExtendedLifetime((validities, codeScratch)) {
            let codePointers = codeScratch.map { $0.withUnsafeBufferPointer { $0.baseAddress! } }
            let validityPointers = validities.map { $0?.withUnsafeBufferPointer { $0.baseAddress! } }
            buckets.withUnsafeBufferPointer { buckets in
                selectedRows.withUnsafeBufferPointer { rows in
                    selectedSlots.withUnsafeMutableBufferPointer { slots in
                        selectedBuckets.withUnsafeMutableBufferPointer { selectedBuckets in
                            key.withUnsafeMutableBufferPointer { key in
                                let keyPointer = UnsafePointer(key.baseAddress!)
                                for k in 0..<selected {
                                    let row = Int(rows[k])
                                    let bucket = buckets[row]
                                    key[0] = Int64(bucket)
                                    var nulls: Int64 = 0
                                    for g in 0..<groupCount {
                                        if let validity = validityPointers[g], !validity[row] {
                                            nulls |= 1 << g
                                            key[2 + g] = 0
                                        } else {
                                            key[2 + g] = codePointers[g][row]
                                        }
                                    }
                                    key[1] = nulls
                                    slots[k] = groups.slot(of: keyPointer)
                                    selectedBuckets[k] = bucket
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// " (status = paid, channel = web)" for an error message.
    private func describeGroup(_ slot: Int) -> String {
        guard !plan.groupInputs.isEmpty else { return "" }
        let parts = plan.groupInputs.indices.map { g -> String in
            let name = plan.readColumns[plan.groupInputs[g]].name
            if groups.key(slot, 1) & (1 << g) != 0 { return "\(name) = NULL" }
            let code = groups.key(slot, 2 + g)
            let column = groupCodes[g].column([code])
            switch column.values {
            case .byteArray(let v): return "\(name) = \(v.string(at: 0))"
            default: return "\(name) = \(code)"
            }
        }
        return " (" + parts.joined(separator: ", ") + ")"
    }

    /// Narrows the selection to rows whose `column` value is one of `values` (PLAIN bytes: text,
    /// or a little-endian Int64 for integer columns).
    private func keep(_ input: InputColumn, values: [[UInt8]], unsigned: Bool, selected: Int) -> Int {
        var kept = 0
        let validity = input.validity
        if case .dictionary(let encoded) = input {
            // Each distinct value is matched once; rows look their entry up.
            let accepted = (0..<encoded.dictionary.count).map { e in
                encoded.dictionary.withValue(at: e) { value in
                    values.contains { candidate in candidate.withUnsafeBytes { compareBytes($0, value) == 0 } }
                }
            }
            encoded.indices.withUnsafeBufferPointer { indices in
                for k in 0..<selected {
                    let row = Int(selectedRows[k])
                    if let validity, !validity[row] { continue }
                    if accepted[Int(indices[row])] {
                        selectedRows[kept] = Int32(row)
                        kept += 1
                    }
                }
            }
            return kept
        }
        guard case .values(let column) = input else { return 0 }
        switch column.values {
        case .byteArray(let v):
            v.bytes.withUnsafeBytes { raw in
                v.offsets.withUnsafeBufferPointer { offsets in
                    for k in 0..<selected {
                        let row = Int(selectedRows[k])
                        if let validity, !validity[row] { continue }
                        let value = UnsafeRawBufferPointer(rebasing: raw[offsets[row]..<offsets[row + 1]])
                        var match = false
                        for candidate in values where candidate.count == value.count {
                            if candidate.withUnsafeBytes({ compareBytes($0, value) }) == 0 {
                                match = true
                                break
                            }
                        }
                        if match {
                            selectedRows[kept] = Int32(row)
                            kept += 1
                        }
                    }
                }
            }
        case .int32, .int64:
            let wanted = Set(
                values.map { $0.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) } }
            )
            for k in 0..<selected {
                let row = Int(selectedRows[k])
                if let validity, !validity[row] { continue }
                let value: Int64
                switch column.values {
                case .int32(let v): value = unsigned ? Int64(UInt32(bitPattern: v[row])) : Int64(v[row])
                case .int64(let v): value = v[row]
                default: value = 0
                }
                if wanted.contains(value) {
                    selectedRows[kept] = Int32(row)
                    kept += 1
                }
            }
        default:
            return 0
        }
        return kept
    }

    /// Drops count_distinct sets of buckets before `bucket`: no row still to read falls there.
    func release(bucketsBefore bucket: Int32) {
        for accumulator in accumulators { accumulator.release(bucketsBefore: bucket) }
    }

    /// The output rows (bucket, group columns, measures), sorted by bucket then group values.
    func output() throws -> RecordBatch {
        let count = groups.count
        var order = Array(0..<count)
        let groupCount = plan.groupInputs.count
        order.sort { a, b in
            let ba = groups.key(a, 0)
            let bb = groups.key(b, 0)
            if ba != bb { return ba < bb }
            let na = groups.key(a, 1)
            let nb = groups.key(b, 1)
            for g in 0..<groupCount {
                let aNull = na & (1 << g) != 0
                let bNull = nb & (1 << g) != 0
                if aNull != bNull { return aNull }
                if aNull { continue }
                let c = groupCodes[g].compare(groups.key(a, 2 + g), groups.key(b, 2 + g))
                if c != 0 { return c < 0 }
            }
            return false
        }
        var columns: [Column] = [
            Column(values: .int32(order.map { Int32(truncatingIfNeeded: groups.key($0, 0)) }))
        ]
        for g in 0..<groupCount {
            columns.append(
                groupCodes[g].column(order.map { groups.key($0, 1) & (1 << g) != 0 ? nil : groups.key($0, 2 + g) })
            )
        }
        for accumulator in accumulators { columns.append(try accumulator.output(order)) }
        return RecordBatch(schema: plan.outputSchema, columns: columns)
    }
}
