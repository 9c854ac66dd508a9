import Foundation
import Publishing
import TestSupport
import Testing

@Suite("Composite primary keys publish every row exactly once", .requiresMySQL, .requiresPythonReaders)
struct CompositeKeysPublishEveryRowOnce {
    /// (shop_id, order_no) with many orders per shop and keyset chunks far smaller than a shop,
    /// so chunk boundaries fall inside a shop's run of keys; extremes of both key columns too.
    @Test func integerKeysAcrossManySmallChunks() throws {
        let dataset = try ScratchDataset(
            "composite_int",
            columns: """
                shop_id INT NOT NULL, order_no BIGINT NOT NULL, created_at DATETIME(6) NOT NULL,
                amount DECIMAL(10,2) NULL, PRIMARY KEY (shop_id, order_no)
                """
        )
        try dataset.admin(
            """
            INSERT INTO $T SELECT CAST((seq * 13) % 7 AS SIGNED) - 3, seq * 1000003 % 4999,
                   TIMESTAMPADD(MINUTE, seq * 7919 % 172800, '2024-01-01'), seq / 100
              FROM seq_1_to_4998;
            INSERT INTO $T VALUES
              (-2147483648, -9223372036854775808, '2024-02-01 00:00:00', NULL),
              (-2147483648, 9223372036854775807, '2024-02-01 00:00:00', NULL),
              (2147483647, 0, '2024-01-01 00:00:00', 1),
              (0, -1, '2024-03-31 23:59:59.999999', 2);
            """
        )
        try dataset.configure(
            """
            primary_key = ["shop_id", "order_no"]
            partition_by = "created_at"
            partition_granularity = "month"
            """
        )
        let result = try dataset.refresher(chunkRows: 97, batchRows: 41).refresh()
        let source = try dataset.admin("SELECT shop_id, order_no FROM $T").map { "\($0[0])/\($0[1])" }
        #expect(source.count == 5002)
        #expect(result.rows == source.count)

        let layouts = try readCurrent(dataset, columns: ["shop_id", "order_no", "created_at"])
        var published: [String] = []
        for layout in layouts {
            let shops = layout.integers("shop_id")
            let orders = layout.integers("order_no")
            let created = layout.integers("created_at")
            published += zip(shops, orders).map { "\($0.0!)/\($0.1!)" }
            // Sorted by the partition column, then the key.
            let keys = (0..<layout.numRows).map { [created[$0]!, shops[$0]!, orders[$0]!] }
            let unsorted = zip(keys, keys.dropFirst()).first { !$0.0.lexicographicallyPrecedes($0.1) }
            #expect(
                unsorted == nil,
                "\(layout.path): rows out of (created_at, shop_id, order_no) order at \(String(describing: unsorted))"
            )
        }
        #expect(published.count == source.count, "published \(published.count) rows, the source has \(source.count)")
        let duplicates = Dictionary(grouping: published, by: { $0 }).filter { $0.value.count > 1 }.keys
        #expect(duplicates.isEmpty, "published more than once: \(duplicates.sorted().prefix(10))")
        #expect(Set(published) == Set(source), "missing: \(Set(source).subtracting(published).sorted().prefix(10))")
    }

    /// A text key component compares by collation on the server (case- and accent-insensitive
    /// here): keyset chunks must still neither skip nor repeat a row.
    @Test func textAndIntegerKeysAcrossChunks() throws {
        let dataset = try ScratchDataset(
            "composite_text",
            columns: "region VARCHAR(16) NOT NULL, n INT NOT NULL, note VARCHAR(8) NULL, PRIMARY KEY (region, n)"
        )
        let regions = ["", "a", "ab", "B", "é", "Zz", "z z", "😀", "Ω"]
        let values = regions.enumerated().map { index, region in
            "SELECT '\(region)', seq, 'r\(index)' FROM seq_1_to_150"
        }.joined(separator: " UNION ALL ")
        try dataset.admin("INSERT INTO $T \(values)")
        try dataset.configure("primary_key = [\"region\", \"n\"]")
        let result = try dataset.refresher(chunkRows: 23, batchRows: 10).refresh()
        #expect(result.rows == regions.count * 150)

        let layouts = try readCurrent(dataset, columns: ["region", "n"])
        #expect(layouts.map { ($0.path as NSString).lastPathComponent } == ["all.parquet"])
        let published = layouts.flatMap { layout in
            zip(layout.columns["region"] ?? [], layout.integers("n")).map {
                "\($0.0.string ?? "<\($0.0)>")/\($0.1 ?? -1)"
            }
        }
        let expected = regions.flatMap { region in (1...150).map { "\(region)/\($0)" } }
        #expect(published.count == expected.count)
        #expect(Set(published) == Set(expected), "missing: \(Set(expected).subtracting(published).sorted().prefix(10))")
        #expect(Set(published).count == published.count, "some rows were published twice")
    }

    func readCurrent(_ dataset: ScratchDataset, columns: [String]) throws -> [ParquetLayoutReadout] {
        let version = try dataset.currentVersionPath()
        let files = try dataset.currentFiles().map { URL(fileURLWithPath: version + "/" + $0) }
        return try PythonParquetReader.fromEnvironment().readLayouts(files, columns: columns)
    }
}
