import Foundation

/// Rows `[rowStart, rowEnd)` of one file: what a dashboard hands hyparquet's
/// `parquetRead({ file, rowStart, rowEnd })`.
public struct IndexSlice: Sendable, Equatable, CustomStringConvertible {
    /// Relative to index.json.
    public var file: String
    public var rowStart: Int
    public var rowEnd: Int

    public init(file: String, rowStart: Int, rowEnd: Int) {
        self.file = file
        self.rowStart = rowStart
        self.rowEnd = rowEnd
    }

    public var description: String { "\(file)[\(rowStart)..<\(rowEnd)]" }
}

public struct IndexLookupError: Error, Sendable, CustomStringConvertible {
    public var value: String
    public var description: String { "\"\(value)\" is not an ISO-8601 date or date-time" }
}

extension DatasetIndex {
    /// The row ranges holding every row whose partition column lies in `[from, to)`, the way a
    /// dashboard does it (docs/index-format.md): files whose `[min, max]` meets the range, then
    /// their row groups that do, adjacent ones merged. Whole row groups are returned, so a
    /// slice may hold a few rows of the same day (or month) outside the range; rows with a NULL
    /// partition value are never returned.
    ///
    /// Values compare as wall-clock times: "2024-05-17" is 2024-05-17T00:00:00.
    public func lookup(from: String, to: String) throws -> [IndexSlice] {
        guard let start = ISO8601Timestamp.micros(from: from) else { throw IndexLookupError(value: from) }
        guard let end = ISO8601Timestamp.micros(from: to) else { throw IndexLookupError(value: to) }
        return lookup(fromMicros: start, toMicros: end)
    }

    /// As `lookup(from:to:)` with UTC instants.
    public func lookup(from: Date, to: Date) -> [IndexSlice] {
        lookup(
            fromMicros: Int64((from.timeIntervalSince1970 * 1_000_000).rounded()),
            toMicros: Int64((to.timeIntervalSince1970 * 1_000_000).rounded())
        )
    }

    func lookup(fromMicros start: Int64, toMicros end: Int64) -> [IndexSlice] {
        func overlaps(_ min: String?, _ max: String?) -> Bool {
            guard let min, let max, let low = ISO8601Timestamp.micros(from: min),
                let high = ISO8601Timestamp.micros(from: max)
            else { return false }
            return high >= start && low < end
        }
        var slices: [IndexSlice] = []
        for file in files where overlaps(file.min, file.max) {
            if file.rowGroups.isEmpty {
                slices.append(IndexSlice(file: file.path, rowStart: 0, rowEnd: file.rows))
                continue
            }
            var open: IndexSlice?
            for group in file.rowGroups where group.rows > 0 {
                guard overlaps(group.min, group.max) else {
                    if let slice = open { slices.append(slice) }
                    open = nil
                    continue
                }
                if let slice = open, slice.rowEnd == group.firstRow {
                    open = IndexSlice(file: file.path, rowStart: slice.rowStart, rowEnd: group.firstRow + group.rows)
                } else {
                    if let slice = open { slices.append(slice) }
                    open = IndexSlice(file: file.path, rowStart: group.firstRow, rowEnd: group.firstRow + group.rows)
                }
            }
            if let slice = open { slices.append(slice) }
        }
        return slices
    }
}
