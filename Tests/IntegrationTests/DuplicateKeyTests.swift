import Foundation
import Publishing
import TestSupport
import Testing

/// A `primary_key` the source does not keep unique would lose rows without a word (keyset
/// chunks skip the repeats of a chunk's last key; merges keep one row per key): it is refused
/// where the catalogue shows it, stopped where reading shows it, reported for queries.
@Suite("A primary key that is not unique never loses rows silently", .requiresMySQL)
struct DuplicateKeys {
    /// Every id twice, as the issue found it: 10,000 rows, 5,000 ids.
    func makeDataset() throws -> ScratchDataset {
        let dataset = try ScratchDataset(
            "dupkey",
            columns: "id INT NOT NULL, created_at DATETIME NOT NULL, v INT NOT NULL, KEY (id)"
        )
        try dataset.admin(
            "INSERT INTO $T SELECT (seq + 1) DIV 2, TIMESTAMPADD(HOUR, seq, '2024-01-01'), seq FROM seq_1_to_10000"
        )
        return dataset
    }

    @Test func aTableWithoutAUniqueIndexIsRefusedByCheckConfigAndTheSnapshot() throws {
        let dataset = try makeDataset()
        try dataset.configure("primary_key = \"id\"\nchunk_rows = 999\npartition_by = \"created_at\"")
        let check = try PublisherBinary.run(["check-config", "--config", dataset.configPath])
        #expect(check.status != 0, "check-config said: \(check.output)")
        #expect(
            check.errorOutput.contains("primary_key") && check.errorOutput.contains("not a unique key"),
            "\(check.errorOutput)"
        )
        let error = try #require(throws: PublishingError.self) { try dataset.refresh(full: true) }
        #expect(error.code == .duplicateKey, "\(error)")
        #expect(try dataset.directory.currentVersion() == nil, "a version was published")
    }

    @Test func aViewWithRepeatedKeysStopsTheSnapshotNamingTheKey() throws {
        let dataset = try makeDataset()
        let view = dataset.table + "_v"
        try dataset.admin("CREATE VIEW `\(view)` AS SELECT * FROM $T")
        defer { _ = try? dataset.admin("DROP VIEW IF EXISTS `\(view)`") }
        try dataset.configure("primary_key = \"id\"\nchunk_rows = 999")
        try String(contentsOfFile: dataset.configPath, encoding: .utf8)
            .replacingOccurrences(of: "table = \"\(dataset.table)\"", with: "table = \"\(view)\"")
            .write(toFile: dataset.configPath, atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(contentsOf: dataset.configPath)
        let refresher = DatasetRefresher(
            configuration: configuration,
            dataset: configuration.datasets[0],
            connector: try SourceConnector(configuration: configuration, logger: .init(label: "dupkey")),
            logger: .init(label: "dupkey")
        )
        let error = try #require(throws: PublishingError.self) { try refresher.refresh(full: true) }
        #expect(error.code == .duplicateKey, "\(error)")
        #expect("\(error)".contains("id = 1 appears"), "the error names the key: \(error)")
        #expect(try dataset.directory.currentVersion() == nil, "a version was published")
    }

    @Test func aQueryPublishesItsRowsAndReportsRepeatedKeys() throws {
        let dataset = try makeDataset()
        try dataset.configure("primary_key = \"id\"")
        try String(contentsOfFile: dataset.configPath, encoding: .utf8)
            .replacingOccurrences(
                of: "table = \"\(dataset.table)\"",
                with: "query = \"SELECT id, created_at, v FROM \(dataset.table) WHERE v <= 20\""
            )
            .write(toFile: dataset.configPath, atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(contentsOf: dataset.configPath)
        let logs = LogCapture()
        let refresher = DatasetRefresher(
            configuration: configuration,
            dataset: configuration.datasets[0],
            connector: try SourceConnector(configuration: configuration, logger: logs.logger()),
            logger: logs.logger(level: .warning)
        )
        let result = try refresher.refresh()
        #expect(result.rows == 20, "every row the query returned is published")
        let report = logs.messages.first { $0.contains("repeat the primary key") }
        #expect(report?.contains("10 rows") == true && report?.contains("id = ") == true, "\(logs.messages)")
    }
}
