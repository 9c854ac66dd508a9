import Foundation
import Publishing
import TestSupport
import Testing

/// Rows `[rowStart, rowEnd)` of one file, as a dashboard hands them to hyparquet.
struct RowRange: Hashable, CustomStringConvertible {
    var file: String
    var rowStart: Int
    var rowEnd: Int
    var description: String { "\(file)[\(rowStart)..<\(rowEnd)]" }
}

/// docs/index-format.md's "Reading a time range from a dashboard", written again from the raw
/// JSON (not through `DatasetIndex`): files whose [min, max] meets [from, to), then in each the
/// first to the last row group that does.
enum DashboardLookup {
    static func ranges(_ index: [String: Any], from: Int64, to: Int64) -> [RowRange] {
        func meets(_ object: [String: Any]) -> Bool {
            guard let min = object["min"] as? String, let max = object["max"] as? String,
                let low = TestCalendar.micros(min), let high = TestCalendar.micros(max)
            else { return false }
            return high >= from && low < to
        }
        var result: [RowRange] = []
        for file in index["files"] as? [[String: Any]] ?? [] where meets(file) {
            let groups = (file["row_groups"] as? [[String: Any]] ?? []).filter(meets)
            guard let first = groups.first, let last = groups.last else { continue }
            let start = first["first_row"] as! Int
            let end = (last["first_row"] as! Int) + (last["rows"] as! Int)
            result.append(RowRange(file: file["path"] as! String, rowStart: start, rowEnd: end))
        }
        return result
    }
}

@Suite("index.json finds the rows of a time range", .requiresMySQL, .requiresPythonReaders)
struct IndexFindsTheRowsOfATimeRange {
    static let types = ["DATE", "DATETIME(6)", "TIMESTAMP(6) NULL"]

    /// A published dataset with its index (parsed both ways) and every file's rows as pyarrow reads them.
    struct Published {
        var dataset: ScratchDataset
        var index: DatasetIndex
        var json: [String: Any]
        var indexURL: URL
        /// File path → partition values in row order, in microseconds (DATE: its midnight).
        var values: [String: [Int64?]]
        var layouts: [String: ParquetLayoutReadout]
    }

    /// 2500 rows over 150 days from 2024-01-10 (microsecond times for the date-times), every
    /// 23rd partition value NULL; month files, day row groups.
    func publish(_ type: String) throws -> Published {
        let dataset = try ScratchDataset(
            "index",
            columns: "id INT NOT NULL PRIMARY KEY, created_at \(type), qty SMALLINT NOT NULL"
        )
        try dataset.admin(
            """
            SET SESSION time_zone = '+00:00';
            INSERT INTO $T SELECT seq,
              IF(seq % 23 = 0, NULL,
                 TIMESTAMPADD(MICROSECOND, (seq * 2654435761 * 1000003) % (150 * 86400000000), '2024-01-10')),
              seq % 100
            FROM seq_1_to_2500;
            """
        )
        try dataset.configure(
            """
            primary_key = ["id"]
            partition_by = "created_at"
            partition_granularity = "month"
            row_group_granularity = "day"
            """
        )
        try dataset.refresher(chunkRows: 600).refresh()
        let version = try dataset.currentVersionPath()
        let indexURL = URL(fileURLWithPath: version + "/index.json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: indexURL)) as? [String: Any])
        let index = try dataset.currentIndex()
        let readouts = try PythonParquetReader.fromEnvironment().readLayouts(
            index.files.map { URL(fileURLWithPath: version + "/" + $0.path) },
            columns: ["created_at"]
        )
        var values: [String: [Int64?]] = [:]
        var layouts: [String: ParquetLayoutReadout] = [:]
        for (file, readout) in zip(index.files, readouts) {
            let raw = readout.integers("created_at")
            values[file.path] = type == "DATE" ? raw.map { $0.map { $0 * TestCalendar.microsPerDay } } : raw
            layouts[file.path] = readout
        }
        return Published(
            dataset: dataset,
            index: index,
            json: json,
            indexURL: indexURL,
            values: values,
            layouts: layouts
        )
    }

    @Test(arguments: types)
    func theIndexDescribesEveryFileAndRowGroupExactly(_ type: String) throws {
        let published = try publish(type)
        let index = published.index
        #expect(index.rows == 2500 && index.files.reduce(0) { $0 + $1.rows } == 2500)
        #expect(
            index.partitionBy == "created_at" && index.partitionGranularity == .month
                && index.rowGroupGranularity == .day
        )
        // The partition column's text form: DATE bare, DATETIME wall clock, TIMESTAMP in UTC.
        func shapeIsRight(_ text: String) -> Bool {
            switch type {
            case "DATE": return text.count == 10
            case "DATETIME(6)": return text.contains("T") && !text.hasSuffix("Z")
            default: return text.contains("T") && text.hasSuffix("Z")
            }
        }
        for file in index.files {
            let layout = try #require(published.layouts[file.path])
            let values = try #require(published.values[file.path])
            #expect(Int64(layout.bytes) == file.bytes, "\(file.path): bytes")
            #expect(layout.numRows == file.rows, "\(file.path): rows")
            #expect(file.rowGroups.count == layout.rowGroups.count, "\(file.path): row groups")
            var firstRow = 0
            for (group, actual) in zip(file.rowGroups, layout.rowGroups) {
                #expect(group.firstRow == firstRow && group.rows == actual.numRows, "\(file.path): rows of a row group")
                #expect(
                    group.offset == Int64(actual.offset) && group.length == Int64(actual.length),
                    """
                    \(file.path): byte range \(group.offset)+\(group.length), pyarrow says \
                    \(actual.offset)+\(actual.length)
                    """
                )
                let inGroup = values[firstRow..<firstRow + actual.numRows].compactMap { $0 }
                #expect(
                    group.min.flatMap(TestCalendar.micros) == inGroup.min(),
                    "\(file.path) row group at \(firstRow): min \(group.min ?? "null")"
                )
                #expect(
                    group.max.flatMap(TestCalendar.micros) == inGroup.max(),
                    "\(file.path) row group at \(firstRow): max \(group.max ?? "null")"
                )
                for text in [group.min, group.max].compactMap({ $0 }) {
                    #expect(shapeIsRight(text), "\(text) for \(type)")
                }
                firstRow += actual.numRows
            }
            let all = values.compactMap { $0 }
            #expect(
                file.min.flatMap(TestCalendar.micros) == all.min()
                    && file.max.flatMap(TestCalendar.micros) == all.max(),
                "\(file.path): file min/max"
            )
        }
        #expect(index.files.last?.path == "null.parquet" && index.files.last?.min == nil)

        let errors = try PythonParquetReader.fromEnvironment().jsonSchemaErrors(
            in: published.indexURL,
            schema: TestEnvironment.repositoryRoot.appendingPathComponent("docs/index.schema.json")
        )
        #expect(errors.isEmpty, "index.json does not match docs/index.schema.json: \(errors)")
    }

    @Test(arguments: types)
    func randomRangesGetEveryRowInRangeAndOnlyEdgeRowGroupsMore(_ type: String) throws {
        let published = try publish(type)
        let utc = type.hasPrefix("TIMESTAMP")
        let all = published.values.values.flatMap { $0 }.compactMap { $0 }
        let low = try #require(all.min()) - 3 * TestCalendar.microsPerDay
        let high = try #require(all.max()) + 3 * TestCalendar.microsPerDay
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SplitMix64(seed: seed)

        func text(_ micros: Int64, dateOnly: Bool) -> String {
            dateOnly
                ? TestCalendar.name(ofDay: TestCalendar.day(ofMicros: micros), components: 3)
                : TestCalendar.text(micros: micros, utc: utc)
        }
        var checked = 0
        var withRows = 0
        var withEdgeRows = 0
        for round in 0..<200 {
            // A third anywhere, a third on midnights, a third on values that exist; some empty.
            func point() -> Int64 {
                switch round % 3 {
                case 0: return Int64.random(in: low...high, using: &random)
                case 1:
                    return TestCalendar.day(ofMicros: Int64.random(in: low...high, using: &random))
                        * TestCalendar.microsPerDay
                default: return all.randomElement(using: &random)!
                }
            }
            let a = point()
            let b = round % 10 == 0 ? a : point()
            let (from, to) = (min(a, b), max(a, b))
            let dateOnly = round % 3 == 1 && Bool.random(using: &random)
            let fromText = text(from, dateOnly: dateOnly)
            let toText = text(to, dateOnly: dateOnly)
            let context = "range [\(fromText), \(toText)) of \(type), seed \(seed)"

            let slices = try published.index.lookup(from: fromText, to: toText)
                .map { RowRange(file: $0.file, rowStart: $0.rowStart, rowEnd: $0.rowEnd) }
            let dashboard = DashboardLookup.ranges(published.json, from: from, to: to)
            #expect(slices == dashboard, "DatasetIndex.lookup and the documented algorithm disagree on \(context)")
            if !slices.isEmpty { withRows += 1 }

            for file in published.index.files {
                let values = published.values[file.path] ?? []
                let ranges = slices.filter { $0.file == file.path }.sorted { $0.rowStart < $1.rowStart }
                #expect(
                    zip(ranges, ranges.dropFirst()).allSatisfy { $0.0.rowEnd <= $0.1.rowStart },
                    "overlapping slices, \(context)"
                )
                var covered = [Bool](repeating: false, count: values.count)
                for range in ranges {
                    guard range.rowStart >= 0, range.rowStart < range.rowEnd, range.rowEnd <= values.count else {
                        Issue.record("slice \(range) is outside \(file.path) (\(values.count) rows), \(context)")
                        continue
                    }
                    for row in range.rowStart..<range.rowEnd { covered[row] = true }
                    // Rows outside [from, to) may only come from the edge row groups, and so
                    // from the day `from` or the day before `to` falls in.
                    let edges = file.rowGroups.filter {
                        $0.firstRow == range.rowStart || $0.firstRow + $0.rows == range.rowEnd
                    }
                    for row in range.rowStart..<range.rowEnd {
                        guard let value = values[row] else {
                            Issue.record("\(range) holds a NULL partition value at row \(row), \(context)")
                            break
                        }
                        if value >= from && value < to { continue }
                        withEdgeRows += 1
                        let inEdge = edges.contains { row >= $0.firstRow && row < $0.firstRow + $0.rows }
                        let day = TestCalendar.day(ofMicros: value)
                        let edgeDay =
                            value < from ? TestCalendar.day(ofMicros: from) : TestCalendar.day(ofMicros: to - 1)
                        #expect(
                            inEdge && day == edgeDay,
                            """
                            \(file.path) row \(row) (\(TestCalendar.text(micros: value))) is outside \(context) and \
                            not in an edge row group of its day
                            """
                        )
                    }
                }
                for (row, value) in values.enumerated()
                where value.map({ $0 >= from && $0 < to }) == true && !covered[row] {
                    Issue.record(
                        """
                        \(file.path) row \(row) (\(TestCalendar.text(micros: value!))) is in \(context) but no slice \
                        holds it
                        """
                    )
                    break
                }
            }
            checked += 1
        }
        #expect(checked == 200)
        // The ranges exercised something: most found rows. A DATE row group is one value, so
        // it is all in a range or all out: no extra rows at all. Date-times bring some.
        #expect(withRows > 100, "only \(withRows) ranges found rows")
        if type == "DATE" {
            #expect(withEdgeRows == 0, "a DATE range returned \(withEdgeRows) rows outside it")
        } else {
            #expect(withEdgeRows > 0, "no range had rows at its edges: the edge checks were not exercised")
        }
    }
}
