import Parquet

/// What a refresh changes: rows to insert or replace (by primary key), and keys to remove.
struct ChangeSet {
    /// Full rows, in the dataset's schema, newest state of each key.
    var upserts: RecordBatch
    /// Keys whose rows must disappear (hard deletes found by reconciliation, soft deletes).
    var deletes: KeySet

    var isEmpty: Bool { upserts.rowCount == 0 && deletes.isEmpty }

    /// Moves rows flagged by the soft-delete column into `deletes`: a non-NULL timestamp or a
    /// non-zero flag marks a row deleted.
    mutating func applySoftDeletes(column: Int?) {
        guard let column, upserts.rowCount > 0 else { return }
        let values = upserts.columns[column]
        var keep: [Int] = []
        for row in 0..<upserts.rowCount {
            var deleted = !values.isNull(row)
            if deleted {
                switch values.values {
                case .boolean(let v): deleted = v[row]
                case .int32(let v): deleted = v[row] != 0
                case .int64(let v):
                    // A flag column is an integer without a timestamp annotation.
                    if case .timestamp? = upserts.schema.columns[column].logicalType {
                        deleted = true
                    } else {
                        deleted = v[row] != 0
                    }
                default: deleted = true
                }
            }
            if deleted { deletes.insert(row: row, of: upserts) } else { keep.append(row) }
        }
        if keep.count != upserts.rowCount { upserts = upserts.gather(keep) }
    }

    /// Keeps the last occurrence of each key (a row read twice, e.g. by two overlapping scans).
    mutating func deduplicate() {
        guard upserts.rowCount > 1 else { return }
        var seen = KeySet(keyColumns: deletes.keyColumns, schema: upserts.schema)
        var keep: [Int] = []
        for row in stride(from: upserts.rowCount - 1, through: 0, by: -1) {
            if seen.contains(row: row, of: upserts, columns: deletes.keyColumns) { continue }
            seen.insert(row: row, of: upserts)
            keep.append(row)
        }
        if keep.count != upserts.rowCount { upserts = upserts.gather(keep.reversed()) }
    }
}
