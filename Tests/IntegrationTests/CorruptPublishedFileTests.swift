import Foundation
import Parquet
import Publishing
import TestSupport
import Testing

/// A published file damaged on disk is found before it is linked into a new version or read by
/// a merge or a reconciliation, named in the log, and its partition is rewritten from the source
/// (not the whole table); the refresh goes on, no stall, no full snapshot.
@Suite("A corrupt published file is detected, named and repaired", .requiresMySQL, .requiresPythonReaders)
struct CorruptPublishedFiles {
    enum Damage: String, CaseIterable, Sendable {
        /// In a partition the delta does not touch: it would be hard-linked as it is.
        case untouchedPartition
        /// In the partition the delta changes, while reconciliation is due (which reads every
        /// file): this stalled the dataset, every cycle failing with mysql error 1568.
        case touchedPartitionWhileReconciling
    }

    /// 12,000 rows over six months, ~200 bytes each: monthly files of ~2,000 rows whose middle
    /// is data pages, far from the footer.
    func makeDataset() throws -> ScratchDataset {
        let dataset = try ScratchDataset(
            "corrupt",
            columns: """
                id INT NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL, updated_at DATETIME(6) NOT NULL,
                v INT NOT NULL, payload VARCHAR(200) NOT NULL, KEY (updated_at)
                """
        )
        try dataset.admin(
            """
            INSERT INTO $T SELECT seq, TIMESTAMPADD(MINUTE, seq * 21, '2024-01-01'), '2020-01-01', seq,
              SHA2(seq, 512) FROM seq_1_to_12000
            """
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

    /// Writes 4 KB of zeros into the middle of the file, as the probe did.
    func damage(_ path: String) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2 - 2048)
        handle.write(Data(count: 4096))
    }

    @Test(arguments: Damage.allCases)
    func isRepairedFromTheSource(_ damage: Damage) throws {
        let dataset = try makeDataset()
        #expect(try dataset.refresh().version == 1)
        let damaged = try dataset.currentVersionPath() + "/2024-02.parquet"
        try self.damage(damaged)
        // The delta: rows of May (and of February when the damaged partition is the touched one).
        let touched = damage == .untouchedPartition ? "MONTH(created_at) = 5" : "MONTH(created_at) IN (2, 5)"
        try dataset.admin("UPDATE $T SET v = -v, updated_at = UTC_TIMESTAMP(6) WHERE id % 50 = 0 AND \(touched)")

        let logs = LogCapture()
        let started = ContinuousClock.now
        let result = try dataset.refresher(logger: logs.logger(level: .info))
            .refresh(reconcile: damage == .touchedPartitionWhileReconciling)
        FaultFigures.record(
            "corrupt file (\(damage.rawValue)) to repaired version",
            seconds: ContinuousClock.now - started
        )
        #expect(result.version == 2 && !result.full, "\(result)")
        let named = logs.messages.filter { $0.contains("2024-02.parquet") && $0.contains("corrupt") }
        #expect(!named.isEmpty, "the corrupt file was not named: \(logs.messages)")
        #expect(!logs.messages.contains { $0.contains("full snapshot") || $0.contains("rebuilding in full") })

        // Exact again, every file as index.json says, and pyarrow verifies every page's CRC.
        let configuration = try #require(dataset.configuration)
        try HarnessDatabase.expectEqual(
            published: try HarnessDatabase.publishedRows(configuration: configuration, dataset: dataset.name),
            source: try HarnessDatabase.sourceRows(
                server: dataset.server,
                table: dataset.table,
                configuration: configuration
            )
        )
        let version = try dataset.currentVersionPath()
        for file in try dataset.currentIndex().files {
            #expect(try FileChecksum.of(file: version + "/" + file.path) == file.checksum, "\(file.path)")
        }
        let script = """
            import sys, pyarrow.parquet as pq
            print(sum(pq.read_table(p, page_checksum_verification=True).num_rows for p in sys.argv[1:]))
            """
        let read = try runProcess(
            try PythonParquetReader.fromEnvironment().python,
            ["-c", script] + (try dataset.currentFiles().map { version + "/" + $0 })
        )
        #expect(read.output.trimmingCharacters(in: .whitespacesAndNewlines) == "12000", "\(read.errorOutput)")
        // Only the damaged partition and the delta's were written anew; the rest are links.
        #expect(result.filesRewritten <= 2, "\(result.filesRewritten) files rewritten")
    }
}
