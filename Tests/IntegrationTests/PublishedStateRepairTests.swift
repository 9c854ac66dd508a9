import Foundation
import Publishing
import TestSupport
import Testing

/// What a writer finds and fixes before it refreshes, and directories an operator symlinks.
@Suite("Every writer repairs what a crash left, and symlinked directories work", .requiresMySQL)
struct PublishedStateRepair {
    func makeDataset(_ prefix: String, updatedAt: String = "UTC_TIMESTAMP(6)") throws -> ScratchDataset {
        let dataset = try ScratchDataset(
            prefix,
            columns:
                "id INT NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL, updated_at DATETIME(6) NOT NULL, v INT NOT NULL, KEY (updated_at)"
        )
        try dataset.admin(
            "INSERT INTO $T SELECT seq, TIMESTAMPADD(HOUR, seq * 5, '2024-01-01'), \(updatedAt), seq FROM seq_1_to_1000"
        )
        return dataset
    }

    func configure(_ dataset: ScratchDataset) throws {
        try dataset.configure(
            """
            primary_key = "id"
            updated_at = "updated_at"
            partition_by = "created_at"
            partition_granularity = "month"
            """
        )
    }

    /// A crash between the swap of `current` and the manifest update leaves `current` at v2,
    /// the manifest at v1 and a temporary manifest; a `refresh` (not only the daemon's start)
    /// puts the manifest right and removes what was left, even when it publishes nothing.
    @Test func aRefreshRepairsAManifestLeftBehindCurrent() throws {
        let dataset = try makeDataset("repair")
        try configure(dataset)
        #expect(try dataset.refresh().version == 1)
        let v1 = try #require(try ManifestStore(root: dataset.publicDirectory).load()?.datasets[dataset.name])
        try dataset.admin("UPDATE $T SET v = -v, updated_at = UTC_TIMESTAMP(6) WHERE id <= 10")
        #expect(try dataset.refresh().version == 2)

        // What the crash leaves: the manifest's entry is v1's, a half-written manifest and a
        // state file's temporary beside it, a staging directory.
        try ManifestStore(root: dataset.publicDirectory).update(dataset: dataset.name, entry: v1)
        let strays = [
            dataset.publicDirectory + "/.manifest.json.tmp-0123456789abcdef",
            dataset.stateDirectory + "/.\(dataset.name).json.tmp-0123456789abcdef",
            dataset.datasetPath + "/.current-0123456789abcdef",
        ]
        for path in strays { FileManager.default.createFile(atPath: path, contents: Data("{".utf8)) }
        try FileManager.default.createDirectory(
            atPath: dataset.datasetPath + "/.staging-v3-0123456789abcdef",
            withIntermediateDirectories: false
        )

        let result = try PublisherBinary.run(["refresh", "--config", dataset.configPath])
        #expect(result.status == 0, "\(result.errorOutput)")
        let entry = try ManifestStore(root: dataset.publicDirectory).load()?.datasets[dataset.name]
        #expect(entry?.version == 2, "the manifest names v\(entry?.version ?? 0), current is v2")
        #expect(entry?.index == "\(dataset.name)/v2/index.json")
        for path in strays + [dataset.datasetPath + "/.staging-v3-0123456789abcdef"] {
            #expect(!FileManager.default.fileExists(atPath: path), "\(path) is still there")
        }
    }

    /// `directory` and `state_directory` as symlinks to directories (an operator's
    /// `/srv/public -> /data/public`): published, incrementally refreshed, nothing piled up.
    @Test func symlinkedDirectoriesArePublishedInto() throws {
        let dataset = try makeDataset("symlink")
        for name in ["public", "state"] {
            try FileManager.default.createDirectory(
                atPath: dataset.root + "/real-\(name)",
                withIntermediateDirectories: true
            )
            try FileManager.default.createSymbolicLink(
                atPath: dataset.root + "/\(name)",
                withDestinationPath: dataset.root + "/real-\(name)"
            )
        }
        try configure(dataset)
        let check = try PublisherBinary.run(["check-config", "--config", dataset.configPath])
        #expect(check.status == 0, "\(check.errorOutput)")
        #expect(try dataset.refresh().version == 1)
        #expect(try dataset.refresh().version == nil, "the second refresh should find no changes")
        let entries = try FileManager.default.contentsOfDirectory(atPath: dataset.root + "/real-public/" + dataset.name)
        #expect(entries.sorted() == ["current", "v1"], "\(entries)")
        #expect(try ManifestStore(root: dataset.publicDirectory).load()?.datasets[dataset.name]?.version == 1)
        #expect(try dataset.stateJSON()["version"] as? Int == 1)
        #expect(FileManager.default.fileExists(atPath: dataset.root + "/real-state/\(dataset.name).json"))
    }

    /// The "no changes" line carries the published version's rows, as every "published" line
    /// does, not the rows read within the lookback.
    @Test func aNoChangesLineCarriesTheVersionsRows() throws {
        // Nothing within the lookback: the delta reads no row (the old line said rows=0).
        let dataset = try makeDataset("nochange", updatedAt: "'2020-01-01'")
        try configure(dataset)
        #expect(try dataset.refresh().version == 1)
        let logs = LogCapture()
        let result = try dataset.refresher(logger: logs.logger(level: .info)).refresh()
        #expect(result.version == nil && result.rows == 1000)
        let line = try #require(logs.entries.first { $0.message.contains("no changes") }, "\(logs.messages)")
        #expect(line.metadata["rows"] == "1000", "\(line.message) \(line.metadata)")
        #expect(line.metadata["version"] == "1")
        #expect(line.message.contains("1000 rows"), "\(line.message)")
    }
}
