import Parquet
import Testing

@testable import MySQLSource

@Suite(.enabled(if: TestDatabase.isEnabled, "needs the test MariaDB (PP_TEST_MYSQL_HOST; make test)"))
struct KeysetScansReadEveryRowOnceInKeyOrder {
    /// 3 000 rows on a composite (INT, VARCHAR) key whose text part does not sort like numbers.
    static func inserts() -> [String] {
        let values = (0..<3000).map { i in "(\(i / 7), 'k\(i % 7 * 13)', \(i))" }
        return stride(from: 0, to: values.count, by: 500).map { start in
            "INSERT INTO $T VALUES " + values[start..<min(start + 500, values.count)].joined(separator: ", ")
        }
    }

    static let definition = "a INT NOT NULL, b VARCHAR(20) NOT NULL, payload INT, PRIMARY KEY (a, b)"

    private func keys(_ batches: [RecordBatch]) -> [String] {
        batches.flatMap { batch in
            (0..<batch.rowCount).map { "\(batch.cell($0, "a"))/\(batch.cell($0, "b"))" }
        }
    }

    @Test func aCompositeKeyScanHasNoGapsAndNoRepeats() throws {
        try withTable("keyset", Self.definition, inserts: Self.inserts()) { table in
            let reader = try TestDatabase.reader()
            let described = try reader.describeTable(schema: nil, table: table)
            let expected = try reader.queryStrings("SELECT a, b FROM `\(table)` ORDER BY a, b").map {
                "\($0[0]!)/\"\($0[1]!)\""
            }
            let query = try KeysetQuery(
                table: described.tableName,
                columns: described.columns.map(\.name),
                key: described.primaryKey,
                chunkSize: 97,
                context: "dataset keyset"
            )
            try reader.startReadOnlySnapshot()
            let scan = try KeysetScan(connection: reader, query: query, columns: described.columns)
            var batches: [RecordBatch] = []
            while let batch = try scan.next(maxRows: 40) { batches.append(batch) }
            try reader.commit()
            let seen = keys(batches)
            #expect(seen.count == 3000)
            #expect(Set(seen).count == 3000)
            let firstDifference = zip(seen, expected).enumerated().first { $0.element.0 != $0.element.1 }
            #expect(firstDifference == nil, "first difference at row \(firstDifference?.offset ?? -1)")
            #expect(scan.chunkCount == 3000 / 97 + 1)
            #expect(scan.rowCount == 3000)
            #expect(scan.position?.values.count == 2)
        }
    }

    @Test func aScanResumesExactlyAfterItsLastPosition() throws {
        try withTable("resume", Self.definition, inserts: Self.inserts()) { table in
            let reader = try TestDatabase.reader()
            let described = try reader.describeTable(schema: nil, table: table)
            let query = try KeysetQuery(
                table: described.tableName,
                columns: ["a", "b", "payload"],
                key: ["a", "b"],
                chunkSize: 250,
                context: "dataset resume"
            )
            let columns = try described.columns(named: query.columns)
            let first = try KeysetScan(connection: reader, query: query, columns: columns)
            var head: [RecordBatch] = []
            while head.map(\.rowCount).reduce(0, +) < 1234, let batch = try first.next(maxRows: 111) {
                head.append(batch)
            }
            let position = try #require(first.position)
            first.close()  // as if the snapshot had failed here

            let second = try KeysetScan(connection: reader, query: query, columns: columns, resumingAfter: position)
            var tail: [RecordBatch] = []
            while let batch = try second.next(maxRows: 500) { tail.append(batch) }
            let all = keys(head) + keys(tail)
            #expect(all.count == 3000)
            #expect(Set(all).count == 3000)
            let payloads = (head + tail).flatMap { batch in (0..<batch.rowCount).map { batch.cell($0, "payload") } }
            #expect(Set(payloads).count == 3000)
        }
    }

    @Test func aFilterNarrowsEveryChunk() throws {
        try withTable("filtered", Self.definition, inserts: Self.inserts()) { table in
            let reader = try TestDatabase.reader()
            let described = try reader.describeTable(schema: nil, table: table)
            let query = try KeysetQuery(
                table: described.tableName,
                columns: ["a", "b", "payload"],
                key: ["a", "b"],
                filter: "`payload` >= ? AND `payload` % 3 = 0",
                filterParameters: [.int64(1500)],
                chunkSize: 100,
                forceIndex: "PRIMARY",
                context: "dataset filtered"
            )
            let scan = try KeysetScan(
                connection: reader,
                query: query,
                columns: try described.columns(named: query.columns)
            )
            var payloads: [Cell] = []
            while let batch = try scan.next(maxRows: 64) {
                payloads += (0..<batch.rowCount).map { batch.cell($0, "payload") }
            }
            #expect(payloads.count == 500)
            #expect(Set(payloads) == Set(stride(from: 1500, to: 3000, by: 3).map { Cell.int(Int64($0)) }))
        }
    }

    @Test(arguments: [
        ("BIGINT UNSIGNED", ["18446744073709551615", "1", "9223372036854775808"]),
        ("DECIMAL(20,3)", ["-1.5", "0.001", "99999999999999999.999"]),
        ("DATETIME(6)", ["'2024-01-01 00:00:00.000001'", "'1000-01-01 00:00:00'", "'2024-01-01 00:00:00'"]),
        ("DATE", ["'2024-02-29'", "'1970-01-01'", "'1969-12-31'"]),
        ("VARBINARY(8)", ["x'FF'", "x'00'", "x'0001'"]),
        ("VARCHAR(8)", ["'b'", "'é'", "'a'"]),
        ("TIME", ["'-01:00:00'", "'100:00:00'", "'00:00:01'"]),
    ])
    func keysOfEveryOrderableTypeResume(_ type: String, _ literals: [String]) throws {
        // Two rows per first-key value, so every chunk boundary falls inside a group too.
        let rows = literals.enumerated().flatMap { i, literal in
            ["(\(literal), 1, \(2 * i))", "(\(literal), 2, \(2 * i + 1))"]
        }
        try withTable(
            "keytype",
            "k \(type) NOT NULL, n INT NOT NULL, v INT, PRIMARY KEY (k, n)",
            inserts: ["INSERT INTO $T VALUES " + rows.joined(separator: ", ")]
        ) { table in
            let reader = try TestDatabase.reader()
            let described = try reader.describeTable(schema: nil, table: table)
            let query = try KeysetQuery(
                table: described.tableName,
                columns: ["k", "n", "v"],
                key: ["k", "n"],
                chunkSize: 1,
                context: "t"
            )
            let scan = try KeysetScan(connection: reader, query: query, columns: described.columns)
            var values: [Cell] = []
            while let batch = try scan.next(maxRows: 10) { values += (0..<batch.rowCount).map { batch.cell($0, "v") } }
            let expected = try reader.queryStrings("SELECT v FROM `\(table)` ORDER BY k, n").map {
                Cell.int(Int64($0[0]!)!)
            }
            #expect(values == expected)
            #expect(scan.chunkCount == 7)
        }
    }
}

extension Cell: Hashable {
    func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
