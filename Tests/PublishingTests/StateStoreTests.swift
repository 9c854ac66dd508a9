import Foundation
import Testing

@testable import Publishing

@Suite struct TheStateStoreKeepsStateOrSaysWhyItCannot {
    let full = DatasetState(
        watermark: 1_795_568_523_123_456,
        version: 124,
        schemaFingerprint: "sha256:abc",
        rows: 5_000_000,
        lastFullRefresh: date("2026-11-24T00:00:00.125Z"),
        lastReconcile: date("2026-11-24T03:00:00Z"),
        lastSuccess: date("2026-11-25T01:02:03.456Z"),
        lastDuration: 12.5,
        lastError: "lost connection",
        lastErrorAt: date("2026-11-25T00:57:00Z"),
        consecutiveFailures: 0
    )

    @Test func aDatasetNeverRefreshedHasNoState() throws {
        let folder = ScratchDirectory()
        #expect(try StateStore(directory: folder.file("state")).load(dataset: "orders") == nil)
    }

    @Test func stateRoundTripsExactly() throws {
        let folder = ScratchDirectory()
        let store = StateStore(directory: folder.file("state"))
        try store.save(full, dataset: "orders")
        #expect(try store.load(dataset: "orders") == full)
        #expect(try store.load(dataset: "offers") == nil)

        var next = full
        next.version = 125
        next.lastError = nil
        try store.save(next, dataset: "orders")
        #expect(try store.load(dataset: "orders") == next)
        #expect(try names(in: store.directory) == ["orders.json"], "no temporary file is left")
        #expect(try Syscall.lstat(store.path(for: "orders"))?.permissions == 0o600)
        #expect(try Syscall.lstat(store.directory)?.permissions == 0o700)
    }

    @Test func theFileIsReadableJSONWithAFormatVersion() throws {
        let folder = ScratchDirectory()
        let store = StateStore(directory: folder.path)
        try store.save(
            DatasetState(watermark: 42, version: 3, lastSuccess: date("2026-11-25T01:02:03Z")),
            dataset: "orders"
        )
        let json =
            try JSONSerialization.jsonObject(with: Data(try FileOperations.readFile(store.path(for: "orders"))))
            as! [String: Any]
        #expect(json["format_version"] as? Int == 1)
        #expect(json["watermark"] as? Int == 42)
        #expect(json["version"] as? Int == 3)
        #expect(json["last_success"] as? String == "2026-11-25T01:02:03.000Z")
        #expect(json["last_error"] is NSNull)
    }

    @Test(arguments: [0, 1, 10, 60, 200])
    func aTornFileIsAnErrorNamingTheFileNeverNoState(keptBytes: Int) throws {
        let folder = ScratchDirectory()
        let store = StateStore(directory: folder.path)
        try store.save(full, dataset: "orders")
        let path = store.path(for: "orders")
        let whole = try FileOperations.readFile(path)
        try Syscall.unlink(path)
        try FileOperations.writeNewFile(path, Array(whole.prefix(keptBytes)))
        do {
            _ = try store.load(dataset: "orders")
            Issue.record("a torn state file loaded")
        } catch let error as StateError {
            #expect(error.code == .corrupt)
            #expect(error.path == path)
            #expect(error.dataset == "orders")
            #expect(error.description.hasPrefix("state of dataset \"orders\" in \(path): "))
        }
    }

    @Test func wellFormedJSONThatIsNotStateIsAnError() throws {
        let folder = ScratchDirectory()
        folder.write("orders.json", "{\"format_version\": 1, \"watermark\": \"yesterday\", \"version\": 1}")
        #expect(throws: StateError.self) { try StateStore(directory: folder.path).load(dataset: "orders") }
    }

    @Test func aFileFromANewerProgramIsRefused() throws {
        let folder = ScratchDirectory()
        folder.write("orders.json", "{\"format_version\": 2, \"version\": 1, \"something_new\": true}")
        do {
            _ = try StateStore(directory: folder.path).load(dataset: "orders")
            Issue.record("loaded")
        } catch let error as StateError {
            #expect(error.code == .unsupportedFormat)
            #expect(error.message.contains("format_version 2"))
        }
    }

    @Test func anUnreadableFileIsAnError() throws {
        let folder = ScratchDirectory()
        // A directory where the file should be: reading fails with EISDIR whoever runs the test.
        try Syscall.mkdir(folder.file("orders.json"))
        do {
            _ = try StateStore(directory: folder.path).load(dataset: "orders")
            Issue.record("loaded")
        } catch let error as StateError {
            #expect(error.code == .unreadable)
            #expect(error.description.contains("errno"))
        }
    }

    @Test func anUnwritableDirectoryIsAnError() throws {
        let folder = ScratchDirectory()
        folder.write("state", "a file, not a directory")
        #expect(throws: StateError.self) {
            try StateStore(directory: folder.file("state")).save(full, dataset: "orders")
        }
    }

    @Test func temporaryFilesOfACrashedSaveAreRemoved() throws {
        let folder = ScratchDirectory()
        let store = StateStore(directory: folder.path)
        try store.save(full, dataset: "orders")
        folder.write(".orders.json.tmp-0123456789abcdef", "{\"form")
        #expect(try store.removeLeftovers() == [".orders.json.tmp-0123456789abcdef"])
        #expect(try store.load(dataset: "orders") == full)
    }
}
