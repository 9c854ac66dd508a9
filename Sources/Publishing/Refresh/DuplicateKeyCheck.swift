import MySQLSource
import Parquet

/// Finds rows of a snapshot whose primary key repeats an earlier row's, where the source's
/// indexes do not rule that out (`DatasetPlan.keyIsUnique` is false): a view, read in key order
/// by keyset chunks, is compared row with previous row; a query, in no particular order,
/// through a set of key hashes (8 bytes a row).
///
/// A repeated key in a view stops the snapshot (keyset chunks would skip the repeats at chunk
/// ends, losing rows without a word); a query's repeats are published as they are and
/// reported, since a query is read in one statement and nothing is skipped.
struct DuplicateKeyCheck {
    private let plan: DatasetPlan
    private let order: RowOrder
    private let sorted: Bool
    /// The previous batch's last row (sorted mode).
    private var last: RecordBatch?
    private var hashes = Set<Int>()
    /// Rows whose key repeated an earlier one.
    private(set) var repeats = 0
    /// The first repeated key, as text: `id = 500`.
    private(set) var firstRepeat: String?

    init(plan: DatasetPlan) {
        self.plan = plan
        order = RowOrder(schema: plan.schema, keyColumns: plan.primaryKey)
        if case .table = plan.dataset.source { sorted = true } else { sorted = false }
    }

    /// Looks at the next batch; returns false at the first repeat in sorted mode.
    mutating func check(_ batch: RecordBatch) -> Bool {
        guard batch.rowCount > 0 else { return true }
        if sorted {
            if let last, order.compare(last, 0, batch, 0) == 0 { return found(batch, row: 0) }
            for row in 1..<batch.rowCount where order.compare(batch, row - 1, batch, row) == 0 {
                return found(batch, row: row)
            }
            last = batch.slice((batch.rowCount - 1)..<batch.rowCount)
            return true
        }
        for row in 0..<batch.rowCount {
            var hasher = Hasher()
            hasher.combine(KeySet.encode(batch, row, plan.primaryKey))
            if !hashes.insert(hasher.finalize()).inserted { _ = found(batch, row: row) }
        }
        return true
    }

    private mutating func found(_ batch: RecordBatch, row: Int) -> Bool {
        repeats += 1
        if firstRepeat == nil {
            firstRepeat = plan.primaryKey.map { c in
                let value = ParquetValueFormatter.format(batch.columns[c], row: row, as: plan.schema.columns[c])
                return "\(plan.columns[c].name) = \(value ?? "NULL")"
            }.joined(separator: ", ")
        }
        return false
    }
}
