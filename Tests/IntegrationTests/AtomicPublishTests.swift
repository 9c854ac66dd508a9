import Foundation
import Publishing
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a browser does, as fast as it can: `current` → index.json → every listed file, and
/// manifest.json → the index it names; every surprise is recorded.
final class LoopingReader: @unchecked Sendable {
    let publicDirectory: String
    let dataset: String
    private let lock = NSLock()
    private var stopped = false
    private(set) var finished = false
    private var problems: [String] = []
    private var rounds = 0
    private var versionsSeen = Set<String>()

    init(publicDirectory: String, dataset: String) {
        self.publicDirectory = publicDirectory
        self.dataset = dataset
    }

    var report: (rounds: Int, versions: Set<String>, problems: [String]) {
        lock.withLock { (rounds, versionsSeen, problems) }
    }

    func stop() {
        lock.withLock { stopped = true }
        while !lock.withLock({ finished }) { usleep(1000) }
    }

    func start() {
        let thread = Thread { [self] in
            while !lock.withLock({ stopped }) {
                let found = round()
                lock.withLock {
                    rounds += 1
                    if problems.count < 20 { problems += found }
                }
            }
            lock.withLock { finished = true }
        }
        thread.name = "looping reader"
        thread.start()
    }

    private func readAll(_ path: String) -> Data? {
        FileManager.default.contents(atPath: path)
    }

    /// One pass; returns what was wrong.
    private func round() -> [String] {
        var problems: [String] = []
        let datasetPath = publicDirectory + "/" + dataset
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: datasetPath + "/current") else {
            return ["current is missing or not a symlink"]
        }
        lock.withLock { _ = versionsSeen.insert(target) }
        // Through `current` itself the index is always there (the symlink is swapped by rename).
        if readAll(datasetPath + "/current/index.json") == nil { problems.append("current/index.json is missing") }

        let version = datasetPath + "/" + target
        guard let data = readAll(version + "/index.json"),
            let index = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let files = index["files"] as? [[String: Any]]
        else { return problems + ["\(target)/index.json is missing or unreadable"] }
        for file in files {
            let path = version + "/" + (file["path"] as? String ?? "?")
            let bytes = file["bytes"] as? Int ?? -1
            problems += Self.checkParquet(path, bytes: bytes, name: "\(target)/\(file["path"] ?? "?")")
        }

        guard let manifestData = readAll(publicDirectory + "/manifest.json"),
            let manifest = try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any],
            let entry = (manifest["datasets"] as? [String: Any])?[dataset] as? [String: Any],
            let indexPath = entry["index"] as? String
        else { return problems + ["manifest.json is missing, unreadable or has no entry"] }
        if readAll(publicDirectory + "/" + indexPath) == nil {
            problems.append("manifest.json names \(indexPath), which does not exist")
        }
        return problems
    }

    /// Opens the file, checks its size and the "PAR1" magic at both ends, and that the footer
    /// length fits the file.
    static func checkParquet(_ path: String, bytes: Int, name: String) -> [String] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return ["\(name) cannot be opened (errno \(errno))"] }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return ["\(name): fstat failed"] }
        let size = Int(info.st_size)
        guard size == bytes else { return ["\(name) is \(size) bytes, the index says \(bytes)"] }
        guard size >= 12 else { return ["\(name) is too short for Parquet"] }
        var head = [UInt8](repeating: 0, count: 4)
        var tail = [UInt8](repeating: 0, count: 8)
        guard pread(fd, &head, 4, 0) == 4, pread(fd, &tail, 8, off_t(size - 8)) == 8 else {
            return ["\(name): short read"]
        }
        let magic = Array("PAR1".utf8)
        guard head == magic, Array(tail[4...]) == magic else { return ["\(name) lacks the PAR1 magic"] }
        let footer = Int(tail[0]) | Int(tail[1]) << 8 | Int(tail[2]) << 16 | Int(tail[3]) << 24
        guard footer > 0, footer + 12 <= size else { return ["\(name): footer length \(footer) does not fit"] }
        return []
    }
}

@Suite("Publishing is atomic for readers", .requiresMySQL)
struct PublishingIsAtomicForReaders {
    /// 3000 orders over five months; updates touch a tenth of them per round, in every month.
    func makeDataset(keep: String) throws -> ScratchDataset {
        let dataset = try ScratchDataset(
            "atomic",
            columns: """
                id INT NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL, updated_at DATETIME(6) NOT NULL,
                amount DECIMAL(12,2) NOT NULL, note VARCHAR(40) NULL, KEY (updated_at)
                """
        )
        try dataset.admin(
            """
            INSERT INTO $T SELECT seq, TIMESTAMPADD(MINUTE, seq * 7919 % 216000, '2024-01-01'), '2020-01-01', seq / 7,
                   CONCAT('n', seq)
            FROM seq_1_to_3000;
            """
        )
        try dataset.configure(
            """
            primary_key = "id"
            updated_at = "updated_at"
            partition_by = "created_at"
            partition_granularity = "month"
            lookback = "10s"
            """,
            publish: "keep_versions_for = \"\(keep)\""
        )
        return dataset
    }

    @Test func aReaderLoopingDuringPublishesNeverSeesAMissingOrMismatchedFile() throws {
        // Versions expire 4 s after being superseded, so retention deletes some while the
        // reader loops (a browser holds one version for far less than that here).
        let dataset = try makeDataset(keep: "4s")
        let refresher = try dataset.refresher(chunkRows: 1000)
        try refresher.refresh()
        let reader = LoopingReader(publicDirectory: dataset.publicDirectory, dataset: dataset.name)
        reader.start()
        var published: [Int] = []
        var removedDuringTheRun = false
        for round in 1...14 {
            // Change a tenth of the rows (every month), then refresh: full on odd rounds,
            // incremental (rewritten months plus hard links) on even ones.
            try dataset.admin(
                """
                UPDATE $T SET amount = amount + 1, note = 'round \(round)', updated_at = UTC_TIMESTAMP(6) WHERE id % \
                10 = \(round % 10)
                """
            )
            let result = try refresher.refresh(full: round % 2 == 1)
            if let version = result.version { published.append(version) }
            if try dataset.directory.versions().first != 1 { removedDuringTheRun = true }
            usleep(400_000)
        }
        reader.stop()
        let report = reader.report
        #expect(report.problems.isEmpty, "the reader saw: \(report.problems)")
        #expect(published.count == 14, "every round published a version: \(published)")
        #expect(
            report.versions.count >= 8,
            "the reader saw only \(report.versions.sorted()) of \(published.count + 1) versions"
        )
        #expect(report.rounds >= 100, "the reader made only \(report.rounds) passes")
        #expect(removedDuringTheRun, "retention never removed a version during the run, so it was not exercised")
    }
}

@Suite("keep_versions_for removes superseded versions, never the current one", .requiresMySQL)
struct RetentionRemovesOldVersions {
    func makeDataset(keep: String) throws -> ScratchDataset {
        let dataset = try ScratchDataset(
            "retention",
            columns:
                "id INT NOT NULL PRIMARY KEY, created_at DATE NOT NULL, updated_at DATETIME(6) NOT NULL, v INT NOT NULL"
        )
        try dataset.admin(
            "INSERT INTO $T SELECT seq, TIMESTAMPADD(DAY, seq % 90, '2024-01-01'), '2020-01-01', 0 FROM seq_1_to_600"
        )
        try dataset.configure(
            """
            primary_key = "id"
            updated_at = "updated_at"
            partition_by = "created_at"
            partition_granularity = "month"
            lookback = "10s"
            """,
            publish: "keep_versions_for = \"\(keep)\""
        )
        return dataset
    }

    /// Touches one row of January only: an incremental refresh rewrites 2024-01.parquet and
    /// hard-links the other months from the previous version.
    func changeJanuary(_ dataset: ScratchDataset, _ value: Int) throws {
        try dataset.admin("UPDATE $T SET v = \(value), updated_at = UTC_TIMESTAMP(6) WHERE id = 90")
    }

    @Test func aVersionGoesOnlyAfterItHasBeenSupersededForTheGracePeriod() throws {
        let dataset = try makeDataset(keep: "2s")
        let refresher = try dataset.refresher()
        #expect(try refresher.refresh().version == 1)
        // v1 is old by now, but it stops being current only at v2: it must stay.
        usleep(2_300_000)
        try changeJanuary(dataset, 1)
        #expect(try refresher.refresh().version == 2)
        #expect(try dataset.directory.versions() == [1, 2])
        usleep(2_300_000)
        try changeJanuary(dataset, 2)
        #expect(try refresher.refresh().version == 3)
        // v1 was superseded 2.3 s ago: gone. v2 only just: kept. v3 is current.
        #expect(try dataset.directory.versions() == [2, 3])
        #expect(try dataset.directory.currentVersion() == 3)
        let manifest = try #require(try ManifestStore(root: dataset.publicDirectory).load())
        #expect(manifest.datasets[dataset.name]?.version == 3)
        // v3's unchanged months are hard links made from v1's files: still whole without v1.
        let index = try dataset.currentIndex()
        let version = try dataset.currentVersionPath()
        for file in index.files {
            #expect(
                LoopingReader.checkParquet(version + "/" + file.path, bytes: Int(file.bytes), name: file.path).isEmpty
            )
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dataset.datasetPath).filter {
            $0.hasPrefix(".")
        }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// Regression (was a bug, fixed): with keep_versions_for = "0s" the previous version survives about every other
    /// publish. The superseded-at time is read back from the successor's `.published-at`,
    /// rounded to the microsecond, and compared with the unrounded `now` of the same publish:
    /// when the rounding went up, the age is negative and `>= 0` fails
    /// (DatasetDirectory.removeVersions). Five publishes make a pass by luck unlikely (1 in 16).
    @Test func withNoGracePeriodOnlyTheCurrentVersionRemains() throws {
        let dataset = try makeDataset(keep: "0s")
        let refresher = try dataset.refresher()
        for round in 1...5 {
            try changeJanuary(dataset, round)
            let result = try refresher.refresh(full: round == 3)
            let version = try #require(result.version)
            let versions = try dataset.directory.versions()
            #expect(versions == [version], "round \(round): versions on disk \(versions)")
            #expect(try dataset.directory.currentVersion() == version)
            let index = try dataset.currentIndex()
            for file in index.files {
                let problems = LoopingReader.checkParquet(
                    try dataset.currentVersionPath() + "/" + file.path,
                    bytes: Int(file.bytes),
                    name: file.path
                )
                #expect(problems.isEmpty, "round \(round): \(problems)")
            }
        }
    }
}
