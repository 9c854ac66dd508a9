import Parquet

/// One base column of a row group as the aggregation receives it: its values, its dictionary
/// indices, or only its validity (`RollupPlan.ReadMode`).
enum InputColumn {
    case values(Column)
    case dictionary(DictionaryColumn)
    case validity([Bool]?, rows: Int)

    var validity: [Bool]? {
        switch self {
        case .values(let c): return c.validity
        case .dictionary(let d): return d.validity
        case .validity(let v, _): return v
        }
    }

    var count: Int {
        switch self {
        case .values(let c): return c.count
        case .dictionary(let d): return d.count
        case .validity(_, let rows): return rows
        }
    }

    /// The values; only for columns the plan reads as values.
    var values: Column {
        if case .values(let c) = self { return c }
        preconditionFailure("a column read without its values")
    }
}

/// The plan's columns of one base row group.
struct RollupInput {
    var columns: [InputColumn]
    var rows: Int

    /// Reads row group `group` of `reader` as `plan` asks: the value columns in one call
    /// (decoded in parallel), text as dictionary indices where the chunk allows, NULL flags alone
    /// for count(column).
    static func read(_ reader: ParquetFileReader, rowGroup group: Int, plan: RollupPlan) throws -> RollupInput {
        let names = plan.readColumnNames
        var columns = [InputColumn?](repeating: nil, count: names.count)
        var plain: [Int] = []
        for (i, mode) in plan.readModes.enumerated() {
            switch mode {
            case .values:
                plain.append(i)
            case .dictionary:
                if let encoded = try reader.readDictionaryEncoded(rowGroup: group, column: names[i]) {
                    columns[i] = .dictionary(encoded)
                } else {
                    plain.append(i)
                }
            case .validity:
                columns[i] = .validity(
                    try reader.readValidity(rowGroup: group, column: names[i]),
                    rows: reader.rowCount(ofRowGroup: group)
                )
            }
        }
        let batch = try reader.readRowGroup(group, columns: plain.map { names[$0] })
        for (k, i) in plain.enumerated() { columns[i] = .values(batch.columns[k]) }
        return RollupInput(columns: columns.map { $0! }, rows: reader.rowCount(ofRowGroup: group))
    }
}
