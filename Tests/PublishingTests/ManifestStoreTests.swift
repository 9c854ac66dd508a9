import Dispatch
import Foundation
import Testing

@testable import Publishing

@Suite struct ManifestListsEveryDatasetsCurrentVersion {
    @Test func anEntryPointsThroughTheVersionDirectory() {
        let entry = Manifest.Entry(
            dataset: "orders",
            version: 124,
            publishedAt: date("2026-11-25T01:02:03Z"),
            rows: 5_000_000
        )
        #expect(entry.index == "orders/v124/index.json")
    }

    @Test func updatesKeepOtherDatasetsAndTheFileHasTheDocumentedShape() throws {
        let root = ScratchDirectory()
        let store = ManifestStore(root: root.path)
        #expect(try store.load() == nil)
        let published = date("2026-11-25T01:02:03Z")
        try store.update(
            dataset: "orders",
            entry: .init(dataset: "orders", version: 124, publishedAt: published, rows: 5_000_000),
            now: date("2026-11-25T01:02:04Z")
        )
        try store.update(
            dataset: "offers",
            entry: .init(dataset: "offers", version: 7, publishedAt: published, rows: 10),
            now: date("2026-11-25T01:02:05Z")
        )

        let text = try readText(store.path)
        let expected = """
            {
              "datasets" : {
                "offers" : {
                  "index" : "offers/v7/index.json",
                  "published_at" : "2026-11-25T01:02:03Z",
                  "rows" : 10,
                  "version" : 7
                },
                "orders" : {
                  "index" : "orders/v124/index.json",
                  "published_at" : "2026-11-25T01:02:03Z",
                  "rows" : 5000000,
                  "version" : 124
                }
              },
              "generated_at" : "2026-11-25T01:02:05Z"
            }

            """
        #expect(text == expected)
        let manifest = try #require(try store.load())
        #expect(manifest.datasets.keys.sorted() == ["offers", "orders"])

        try store.remove(dataset: "offers")
        #expect(try store.load()?.datasets.keys.sorted() == ["orders"])
        #expect(try names(in: root.path) == [".manifest.lock", "manifest.json"], "no temporary file is left")
    }

    @Test func repairPointsTheEntryAtCurrentAfterACrashBeforeTheManifestUpdate() throws {
        let root = ScratchDirectory()
        let store = ManifestStore(root: root.path)
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        for version in 1...2 {
            let staging = try orders.beginVersion(version)
            let index = DatasetIndex(
                dataset: "orders",
                version: version,
                publishedAt: date("2026-11-25T01:0\(version):00Z"),
                partitionBy: nil,
                partitionGranularity: .none,
                rowGroupGranularity: nil,
                primaryKey: ["id"],
                schema: [],
                files: [
                    IndexFile(
                        path: "all.parquet",
                        partition: "all",
                        rows: version * 10,
                        bytes: 1,
                        min: nil,
                        max: nil,
                        rowGroups: []
                    )
                ]
            )
            try staging.writeFileAtomically("index.json", data: try index.encoded())
            try staging.commit()
            // The crash: v2 became current but the manifest was never updated.
            if version == 1 {
                try store.update(
                    dataset: "orders",
                    entry: .init(dataset: "orders", version: 1, publishedAt: index.publishedAt, rows: 10)
                )
            }
        }
        root.write(".manifest.json.tmp-0123456789abcdef", "{")
        #expect(try store.removeLeftovers() == [".manifest.json.tmp-0123456789abcdef"])
        #expect(try store.repair(orders))
        #expect(
            try store.load()?.datasets["orders"]
                == Manifest.Entry(dataset: "orders", version: 2, publishedAt: date("2026-11-25T01:02:00Z"), rows: 20)
        )
        #expect(try store.repair(orders) == false, "nothing to repair the second time")
        #expect(try store.repair(DatasetDirectory(root: root.path, dataset: "never_published")) == false)
    }

    @Test func aDamagedManifestIsAnErrorNotAnEmptyOne() throws {
        let root = ScratchDirectory()
        root.write("manifest.json", "{\"datasets\": ")
        let store = ManifestStore(root: root.path)
        #expect(throws: FileSystemError.self) { try store.load() }
        #expect(throws: FileSystemError.self) {
            try store.update(
                dataset: "orders",
                entry: .init(dataset: "orders", version: 1, publishedAt: Date(), rows: 0)
            )
        }
    }

    @Test func concurrentUpdatesFromTwoThreadsLoseNothing() async throws {
        let root = ScratchDirectory()
        let (failures, final) = try await onThread { try Self.updateFromTwoThreads(root: root) }
        #expect(failures.isEmpty, "\(failures)")
        #expect(final.datasets["orders"]?.version == 60)
        #expect(final.datasets["offers"]?.version == 60)
        #expect(try names(in: root.path) == [".manifest.lock", "manifest.json"])
    }

    static func updateFromTwoThreads(root: ScratchDirectory) throws -> ([String], Manifest) {
        let rounds = 60
        let datasets = ["orders", "offers"]
        let group = DispatchGroup()
        let failures = FailureLog()
        for name in datasets {
            DispatchQueue.global().async(group: group) {
                // Each thread makes its own store, as separate publishers would.
                let store = ManifestStore(root: root.path)
                for version in 1...rounds {
                    do {
                        let manifest = try store.update(
                            dataset: name,
                            entry: .init(dataset: name, version: version, publishedAt: Date(), rows: version)
                        )
                        // Read-modify-write under the lock: our own latest entry is always there.
                        if manifest.datasets[name]?.version != version { failures.add("\(name) lost v\(version)") }
                    } catch {
                        failures.add("\(name) v\(version): \(error)")
                    }
                }
            }
        }
        // A reader beside them never sees a torn or missing file once it exists.
        let reader = ManifestStore(root: root.path)
        var reads = 0
        while group.wait(timeout: .now()) == .timedOut {
            do {
                if try reader.load() != nil { reads += 1 }
            } catch {
                failures.add("reader: \(error)")
            }
        }
        guard let final = try reader.load() else {
            throw FileSystemError(code: .notFound, message: "no manifest", path: root.path)
        }
        return (failures.all + (reads > 0 ? [] : ["the reader never read"]), final)
    }
}

/// Collects failures from other threads.
final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []

    func add(_ entry: String) {
        lock.withLock { entries.append(entry) }
    }

    var all: [String] { lock.withLock { entries } }
}
