import Dispatch
import Foundation
import Testing

@testable import Publishing

/// A browser's view of the protocol: while versions are published and retention deletes old
/// ones, a reader that resolves a version (through `current` or manifest.json) and then reads
/// its index.json and every file listed never finds a file missing or different from the index.
@Suite struct AReaderNeverSeesAMissingOrMismatchedFile {
    static let partitions = ["2024-01", "2024-02", "2024-03", "2024-04"]

    /// Content of a partition file written in version `version`: self-describing, so the reader
    /// can check it against the index.
    static func content(_ partition: String, _ version: Int) -> [UInt8] {
        Array("\(partition) written in v\(version) ".utf8)
            + [UInt8](repeating: UInt8(version % 251), count: 1000 + version)
    }

    /// Writes v`version`: one partition rewritten, the others hard-linked from the previous version.
    static func publishVersion(_ directory: DatasetDirectory, _ version: Int, manifest: ManifestStore) throws {
        let staging = try directory.beginVersion(version)
        let rewritten = partitions[version % partitions.count]
        var files: [IndexFile] = []
        for partition in partitions {
            let name = "\(partition).parquet"
            if version == 1 || partition == rewritten {
                try staging.writeFileAtomically(name, data: content(partition, version))
            } else {
                try staging.linkUnchanged(name, from: version - 1)
            }
            let bytes = try #require(try Syscall.lstat(staging.path(for: name))).size
            files.append(
                IndexFile(
                    path: name,
                    partition: partition,
                    rows: 1,
                    bytes: bytes,
                    min: partition + "-01",
                    max: partition + "-01",
                    rowGroups: []
                )
            )
        }
        let index = DatasetIndex(
            dataset: directory.dataset,
            version: version,
            publishedAt: Date(),
            partitionBy: "created_at",
            partitionGranularity: .month,
            rowGroupGranularity: .day,
            primaryKey: ["id"],
            schema: [],
            files: files
        )
        try staging.writeFileAtomically(DatasetIndex.fileName, data: try index.encoded())
        try staging.commit()
        try manifest.update(
            dataset: directory.dataset,
            entry: .init(dataset: directory.dataset, version: version, publishedAt: index.publishedAt, rows: index.rows)
        )
    }

    /// Reads one version the way a browser would; returns the version read or a failure.
    static func readOnce(root: String, dataset: String, throughManifest: Bool) -> Result<Int, ReadFailure> {
        let versionDirectory: String
        do {
            if throughManifest {
                guard let manifest = try ManifestStore(root: root).load(), let entry = manifest.datasets[dataset] else {
                    return .success(0)
                }
                versionDirectory = FileOperations.parentDirectory(of: root + "/" + entry.index)
            } else {
                guard let target = try Syscall.readlink(root + "/\(dataset)/current") else { return .success(0) }
                versionDirectory = root + "/\(dataset)/" + target
            }
            let index = try DatasetIndex.decode(try FileOperations.readFile(versionDirectory + "/index.json"))
            for file in index.files {
                let bytes = try FileOperations.readFile(versionDirectory + "/" + file.path)
                guard bytes.count == file.bytes else {
                    return .failure(
                        ReadFailure(
                            message:
                                "\(file.path) of v\(index.version) has \(bytes.count) bytes, index says \(file.bytes)"
                        )
                    )
                }
                let header = String(decoding: bytes.prefix(40), as: UTF8.self)
                guard header.hasPrefix("\(file.partition) written in v") else {
                    return .failure(ReadFailure(message: "\(file.path) of v\(index.version) holds \(header)"))
                }
            }
            return .success(index.version)
        } catch {
            return .failure(ReadFailure(message: "\(error)"))
        }
    }

    struct ReadFailure: Error {
        var message: String
    }

    @Test(.timeLimit(.minutes(1)))
    func whileVersionsArePublishedAndRetentionRuns() async throws {
        let root = ScratchDirectory()
        let outcome = try await onThread { try Self.publishWhileReading(root: root) }
        #expect(outcome.failures.isEmpty, "\(outcome.failures.prefix(5))")
        #expect(outcome.reads > 50, "the readers read \(outcome.reads) times")
        #expect(outcome.distinctVersions > 5, "the readers saw \(outcome.distinctVersions) versions")
        #expect(!outcome.removed.isEmpty, "retention deleted versions while readers read")
        let directory = DatasetDirectory(root: root.path, dataset: "orders")
        #expect(try directory.versions().first! > 1)
        #expect(try directory.currentVersion() == outcome.lastVersion)
    }

    struct Outcome: Sendable {
        var failures: [String]
        var reads: Int
        var distinctVersions: Int
        var removed: [Int]
        var lastVersion: Int
    }

    static func publishWhileReading(root: ScratchDirectory) throws -> Outcome {
        let directory = DatasetDirectory(root: root.path, dataset: "orders")
        let manifest = ManifestStore(root: root.path)
        try Self.publishVersion(directory, 1, manifest: manifest)

        let keep = Duration.seconds(2)
        let publishFor: TimeInterval = 4
        let stop = StopFlag()
        let failures = FailureLog()
        let seen = VersionLog()
        let group = DispatchGroup()
        for throughManifest in [false, true] {
            DispatchQueue.global().async(group: group) {
                while !stop.isSet {
                    switch Self.readOnce(root: root.path, dataset: "orders", throughManifest: throughManifest) {
                    case .success(let version): seen.add(version)
                    case .failure(let failure): failures.add(failure.message)
                    }
                }
            }
        }

        var version = 1
        var removed: [Int] = []
        let started = Date()
        while Date().timeIntervalSince(started) < publishFor {
            version += 1
            try Self.publishVersion(directory, version, manifest: manifest)
            removed += try directory.removeVersions(olderThan: keep)
            Thread.sleep(forTimeInterval: 0.01)
        }
        stop.set()
        group.wait()

        return Outcome(
            failures: failures.all,
            reads: seen.count,
            distinctVersions: seen.distinct,
            removed: removed,
            lastVersion: version
        )
    }
}

final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

final class VersionLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reads = 0
    private var versions = Set<Int>()
    func add(_ version: Int) {
        lock.withLock {
            reads += 1
            versions.insert(version)
        }
    }
    var count: Int { lock.withLock { reads } }
    var distinct: Int { lock.withLock { versions.count } }
}
