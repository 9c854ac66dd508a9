import Foundation
import Publishing
import TestSupport
import Testing

/// A snapshot whose connection is killed partway resumes after the last row it read, on a
/// new connection, and publishes every row exactly once; one killed too often fails whole.
@Suite("A broken snapshot resumes from its last keyset position", .requiresMySQL, .requiresPythonReaders)
struct SnapshotResumesAfterABrokenConnection {
    static let rows = 30_000

    /// 30k rows of about 1 KB in one chunk: 30 MB, far more than loopback TCP buffers hold,
    /// so while the encoder holds the pipe full (`pipeCapacity` below: four 500-row batches)
    /// the server is still in the middle of sending the statement, and the kill lands inside
    /// it. With a pipe of the default 16 batches the fetch can be done before the encoder
    /// reports the rows that trigger the kills.
    func makeDataset() throws -> ScratchDataset {
        let dataset = try ScratchDataset(
            "resume",
            columns: "id INT NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL, payload VARCHAR(1100) NOT NULL"
        )
        try dataset.admin(
            """
            INSERT INTO $T SELECT seq, TIMESTAMPADD(MINUTE, seq, '2024-01-01'),
                   CONCAT(seq, ':', REPEAT(CHAR(97 + seq % 26), 1000))
              FROM seq_1_to_\(Self.rows)
            """
        )
        try dataset.configure(
            """
            primary_key = ["id"]
            partition_by = "created_at"
            partition_granularity = "month"
            """
        )
        return dataset
    }

    /// Kills the reader connection that is running this dataset's SELECT; true if it found one.
    @discardableResult
    func killFetch(of dataset: ScratchDataset) throws -> Bool {
        let ids = try dataset.admin(
            """
            SELECT ID FROM information_schema.PROCESSLIST
             WHERE USER = '\(dataset.server.reader.user)' AND INFO LIKE '%\(dataset.table)%'
               AND INFO NOT LIKE '%PROCESSLIST%'
            """
        ).map { $0[0] }
        for id in ids { _ = try? dataset.admin("KILL CONNECTION \(id)") }
        return !ids.isEmpty
    }

    @Test func everyRowOnceAfterAKillMidChunk() throws {
        let dataset = try makeDataset()
        let refresher = try dataset.refresher(chunkRows: 100_000, batchRows: 500)
        refresher.pipeCapacity = 4
        let killed = LockedFlag()
        refresher.progress = { progress in
            guard progress.phase == .fetching, progress.rows >= 6_000, !killed.value else { return }
            if (try? killFetch(of: dataset)) == true { killed.value = true }
        }
        let result = try refresher.refresh(full: true)
        #expect(killed.value, "the test never found the fetching connection to kill")
        #expect(result.rows == Self.rows)

        let version = try dataset.currentVersionPath()
        let files = try dataset.currentFiles().map { URL(fileURLWithPath: version + "/" + $0) }
        let layouts = try PythonParquetReader.fromEnvironment().readLayouts(files, columns: ["id", "payload"])
        var ids: [Int64] = []
        var wrong: [String] = []
        for layout in layouts {
            let payloads = layout.columns["payload"] ?? []
            for (row, id) in layout.integers("id").enumerated() {
                guard let id else {
                    wrong.append("\(layout.path) row \(row): NULL id")
                    continue
                }
                ids.append(id)
                let expected = "\(id):" + String(repeating: Character(UnicodeScalar(UInt8(97 + id % 26))), count: 1000)
                if payloads[row].string != expected { wrong.append("id \(id): payload \(payloads[row])") }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        #expect(ids.count == Self.rows, "published \(ids.count) rows, the table has \(Self.rows)")
        #expect(Set(ids) == Set((1...Int64(Self.rows))), "some ids are missing or repeated")
    }

    @Test func failsWholeWhenKilledMoreOftenThanItResumes() throws {
        let dataset = try makeDataset()
        let refresher = try dataset.refresher(chunkRows: 100_000, batchRows: 500)
        refresher.pipeCapacity = 4
        let kills = LockedCounter()
        refresher.progress = { progress in
            guard progress.phase == .fetching else { return }
            if (try? killFetch(of: dataset)) == true { kills.increment() }
        }
        #expect(throws: PublishingError.self) { try refresher.refresh(full: true) }
        #expect(
            kills.value >= 4,
            "three resumes, then the fourth break fails the refresh (killed \(kills.value) times)"
        )
        #expect(try dataset.directory.currentVersion() == nil, "a failed snapshot published a version")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dataset.datasetPath)
        #expect(leftovers.isEmpty, "a failed snapshot left \(leftovers)")
    }
}

private final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool {
        get { lock.withLock { flag } }
        set { lock.withLock { flag = newValue } }
    }
}

private final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
