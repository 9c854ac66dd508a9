import Foundation
import Publishing
import TestSupport
import Testing

/// Everything a reader could observe of a published dataset: the files of every version with
/// their sizes and contents' digests, where `current` points, and the manifest's entry.
struct PublishedSnapshot: Equatable, CustomStringConvertible {
    var entries: [String: String]

    init(_ dataset: ScratchDataset) throws {
        var entries: [String: String] = [:]
        let manager = FileManager.default
        for name in try manager.contentsOfDirectory(atPath: dataset.datasetPath) {
            let path = dataset.datasetPath + "/" + name
            if let target = try? manager.destinationOfSymbolicLink(atPath: path) {
                entries[name] = "-> " + target
                continue
            }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                entries[name] = "file"
                continue
            }
            for file in try manager.contentsOfDirectory(atPath: path) {
                let data = try Data(contentsOf: URL(fileURLWithPath: path + "/" + file))
                var hash: UInt64 = 0xCBF2_9CE4_8422_2325
                for byte in data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
                entries[name + "/" + file] = "\(data.count) bytes, fnv \(String(hash, radix: 16))"
            }
        }
        let manifest = try ManifestStore(root: dataset.publicDirectory).load()
        let entry = manifest?.datasets[dataset.name]
        entries["manifest.json"] = entry.map { "v\($0.version) \($0.index) \($0.rows) rows" } ?? "no entry"
        self.entries = entries
    }

    var description: String {
        entries.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
    }
}

@Suite("A failing refresh leaves the published version as it was", .requiresMySQL)
struct AFailingRefreshLeavesThePublishedVersion {
    enum Breakage: String, CaseIterable, Sendable {
        case tableDropped = "the table is dropped"
        case partitionColumnDropped = "the partition column is dropped"
        case keyColumnRenamed = "a key column is renamed"
    }

    func makeDataset() throws -> ScratchDataset {
        let dataset = try ScratchDataset(
            "failing",
            columns:
                """
                id INT NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL, updated_at DATETIME(6) NOT NULL, v INT NOT \
                NULL
                """
        )
        try dataset.admin(
            "INSERT INTO $T SELECT seq, TIMESTAMPADD(HOUR, seq * 5, '2024-01-01'), '2020-01-01', seq FROM seq_1_to_1000"
        )
        try dataset.configure(
            """
            primary_key = "id"
            updated_at = "updated_at"
            partition_by = "created_at"
            partition_granularity = "month"
            """
        )
        return dataset
    }

    func breakSource(_ dataset: ScratchDataset, _ breakage: Breakage) throws {
        switch breakage {
        case .tableDropped: try dataset.admin("DROP TABLE $T")
        case .partitionColumnDropped: try dataset.admin("ALTER TABLE $T DROP COLUMN created_at")
        case .keyColumnRenamed: try dataset.admin("ALTER TABLE $T CHANGE id order_id INT NOT NULL")
        }
    }

    /// What the error must name, besides the dataset.
    func culprit(_ dataset: ScratchDataset, _ breakage: Breakage) -> String {
        switch breakage {
        case .tableDropped: dataset.table
        case .partitionColumnDropped: "created_at"
        case .keyColumnRenamed: "id"
        }
    }

    @Test(arguments: Breakage.allCases)
    func inProcess(_ breakage: Breakage) throws {
        let dataset = try makeDataset()
        let refresher = try dataset.refresher()
        #expect(try refresher.refresh().version == 1)
        let before = try PublishedSnapshot(dataset)
        try breakSource(dataset, breakage)

        let error = try #require(throws: (any Error).self) { try refresher.refresh(full: true) }
        let message = "\(error)"
        #expect(message.contains(culprit(dataset, breakage)), "\(message)")

        let after = try PublishedSnapshot(dataset)
        #expect(after == before, "the published files changed:\nbefore\n\(before)\nafter\n\(after)")
        #expect(try dataset.directory.currentVersion() == 1)
        let state = try dataset.stateJSON()
        #expect(state["version"] as? Int == 1)
        #expect(state["consecutive_failures"] as? Int == 1)
        let lastError = state["last_error"] as? String ?? ""
        #expect(lastError.contains(culprit(dataset, breakage)), "state last_error: \(lastError)")
        #expect(state["last_error_at"] is String)

        // A second failure counts; nothing else changes.
        _ = try? refresher.refresh()
        #expect(try dataset.stateJSON()["consecutive_failures"] as? Int == 2)
        #expect(try PublishedSnapshot(dataset) == before)
    }

    @Test func theCommandLineExitsNonZeroNamingTheDatasetThenRecovers() throws {
        let dataset = try makeDataset()
        let first = try PublisherBinary.run(["refresh", "--config", dataset.configPath])
        #expect(first.status == 0, "\(first.errorOutput)")
        let before = try PublishedSnapshot(dataset)
        try breakSource(dataset, .tableDropped)

        let failed = try PublisherBinary.run(["refresh", "--config", dataset.configPath])
        #expect(failed.status != 0)
        #expect(
            failed.errorOutput.contains("\(dataset.name): refresh failed")
                && failed.errorOutput.contains(dataset.table),
            "\(failed.errorOutput)"
        )
        // Regression (was a bug, fixed): a failed refresh is reported as a usage error (ValidationError:
        // exit 64 and the "Usage: parquet-publisher <subcommand>" lines), though the command line was right.
        #expect(!failed.errorOutput.contains("Usage:"), "\(failed.errorOutput)")
        #expect(try PublishedSnapshot(dataset) == before)
        #expect((try dataset.stateJSON()["last_error"] as? String)?.contains(dataset.table) == true)

        // The table comes back (with other rows): a full refresh publishes them and clears the
        // error. (A plain one would merge the delta into v1: rows gone from the source leave
        // only at reconciliation.)
        try dataset.admin(
            """
            CREATE TABLE $T (id INT NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL,
                             updated_at DATETIME(6) NOT NULL, v INT NOT NULL);
            INSERT INTO $T VALUES (1, '2024-07-01 00:00:00', UTC_TIMESTAMP(6), 7);
            """
        )
        let recovered = try PublisherBinary.run(["refresh", "--full", "--config", dataset.configPath])
        #expect(recovered.status == 0, "\(recovered.errorOutput)")
        #expect(try dataset.directory.currentVersion() == 2)
        #expect(try dataset.currentIndex().rows == 1)
        let state = try dataset.stateJSON()
        #expect(state["last_error"] is NSNull && state["consecutive_failures"] as? Int == 0)
    }
}
