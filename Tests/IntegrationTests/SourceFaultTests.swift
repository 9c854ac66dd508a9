import Foundation
import MySQLSource
import Parquet
import Publishing
import TestSupport
import Testing

/// Faults of the source server, on a MariaDB of the test's own (`ThrowawayMariaDB`): it is
/// killed, restarted and has every reader connection killed, which the shared server's other
/// suites must never see.
@Suite("Faults of the source server", .requiresMySQL)
struct SourceFaults {
    /// A killed server restarted 2.5 s later: failed reconnects are retried (1, 2, 4 s apart,
    /// within `read_timeout`), so the snapshot goes on from its last row on the restarted server.
    @Test func aSnapshotResumesOnAServerRestartedSecondsLater() throws {
        let mariadb = try ThrowawayMariaDB()
        defer { mariadb.stop() }
        let rows = 30_000
        let dataset = try ScratchDataset(
            "restart",
            columns: "id INT NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL, payload VARCHAR(1100) NOT NULL",
            server: mariadb.server
        )
        try dataset.admin(
            """
            INSERT INTO $T SELECT seq, TIMESTAMPADD(MINUTE, seq, '2024-01-01'), CONCAT(seq, ':', REPEAT('x', 1000))
              FROM seq_1_to_\(rows)
            """
        )
        try dataset.configure(
            "primary_key = [\"id\"]\npartition_by = \"created_at\"\npartition_granularity = \"month\""
        )
        let logs = LogCapture()
        // One 100k-row chunk of ~1 KB rows and a pipe of four 500-row batches: the server is
        // still sending the statement when the kill lands (see SnapshotResumeTests).
        let refresher = try dataset.refresher(
            chunkRows: 100_000,
            batchRows: 500,
            logger: logs.logger(level: .warning)
        )
        refresher.pipeCapacity = 4
        let killedAt = Locked<ContinuousClock.Instant?>(nil)
        refresher.progress = { progress in
            guard progress.phase == .fetching, progress.rows >= 6_000 else { return }
            let first = killedAt.withLock { at -> Bool in
                guard at == nil else { return false }
                at = .now
                return true
            }
            guard first else { return }
            mariadb.kill()
            Thread.detachNewThread {
                usleep(2_500_000)
                try? mariadb.restart()
            }
        }
        let result = try refresher.refresh(full: true)
        let recovered = ContinuousClock.now
        #expect(killedAt.withLock { $0 } != nil, "the server was never killed")
        #expect(result.rows == rows)
        let warnings = logs.messages.filter { $0.contains("resuming") }
        #expect(warnings.contains { $0.contains("reconnecting failed") }, "\(warnings)")
        #expect(
            warnings.contains { $0.contains("reconnect attempt 1)") }
                && warnings.contains { $0.contains("attempt 2)") },
            "the log counts the reconnect attempts: \(warnings)"
        )

        var ids: [Int64] = []
        let version = try dataset.currentVersionPath()
        for file in try dataset.currentFiles() {
            let batch = try ParquetFileReader(path: version + "/" + file).readAll(columns: ["id"])
            if case .int32(let values) = batch.columns[0].values { ids += values.map(Int64.init) }
        }
        #expect(ids.count == rows && Set(ids).count == rows, "published \(ids.count) ids, \(Set(ids).count) distinct")
        if let killed = killedAt.withLock({ $0 }) {
            FaultFigures.record("server killed during a snapshot, restarted 2.5 s later", seconds: recovered - killed)
        }
    }

    /// A connection killed during a delta fails that cycle with the kill's own error: no
    /// "index unreadable", no full snapshot, and the state records the real cause. The next
    /// cycle is incremental again.
    @Test func aConnectionKilledDuringADeltaFailsTheCycleWithItsOwnError() throws {
        let mariadb = try ThrowawayMariaDB()
        defer { mariadb.stop() }
        let dataset = try ScratchDataset(
            "deltakill",
            columns:
                "id INT NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL, updated_at DATETIME(6) NOT NULL, v INT NOT NULL, KEY (updated_at)",
            server: mariadb.server
        )
        try dataset.admin(
            "INSERT INTO $T SELECT seq, TIMESTAMPADD(HOUR, seq, '2024-01-01'), UTC_TIMESTAMP(6), seq FROM seq_1_to_3000"
        )
        try dataset.configure(
            """
            primary_key = "id"
            updated_at = "updated_at"
            partition_by = "created_at"
            partition_granularity = "month"
            """
        )
        #expect(try dataset.refresh().version == 1)
        try dataset.admin("UPDATE $T SET v = v + 1, updated_at = UTC_TIMESTAMP(6) WHERE id % 10 = 0")

        let logs = LogCapture()
        let refresher = try dataset.refresher(logger: logs.logger(level: .info))
        let killed = Locked(false)
        refresher.progress = { progress in
            // The delta's connection is open, in its transaction, about to read: kill it.
            guard progress.phase == .fetching, !killed.withLock({ $0 }) else { return }
            killed.withLock { $0 = true }
            let ids =
                (try? dataset.admin(
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '\(mariadb.server.reader.user)'"
                )) ?? []
            for id in ids { _ = try? dataset.admin("KILL CONNECTION \(id[0])") }
        }
        let error = try #require(throws: (any Error).self) { try refresher.refresh() }
        #expect(killed.withLock { $0 })
        let message = "\(error)"
        #expect(
            message.contains("2013") || message.contains("2006") || message.contains("1927"),
            "the error is not the kill's: \(message)"
        )
        #expect(!message.contains("SET TRANSACTION") && !message.contains("unreadable"), "\(message)")
        let rebuilt = logs.messages.filter { $0.contains("rebuilding in full") || $0.contains("full snapshot") }
        #expect(rebuilt.isEmpty, "a transient error led to a full snapshot: \(rebuilt)")
        let state = try dataset.stateJSON()
        let recorded = state["last_error"] as? String ?? ""
        #expect(recorded == message, "state last_error: \(recorded)")
        #expect(state["version"] as? Int == 1)

        let next = try dataset.refresh()
        #expect(next.version == 2 && !next.full, "the next cycle: \(next)")
    }
}

/// Seconds from a fault to the dataset being published again, printed for the closing note.
enum FaultFigures {
    static func record(_ fault: String, seconds: Duration) {
        let value = Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18
        print("fault-recovery: \(fault): \(String(format: "%.2f", value)) s")
    }
}
