import Foundation
import Testing

@testable import Publishing

@Suite struct RetentionDeletesVersionsSupersededLongerAgoThanKeepVersionsFor {
    let start = date("2026-11-25T10:00:00Z")

    /// v1 at 10:00, v2 at 10:10, v3 at 10:30.
    func threeVersions(_ root: ScratchDirectory) throws -> DatasetDirectory {
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        try publish(orders, version: 1, files: ["a.parquet": "1"], at: start)
        try publish(orders, version: 2, files: ["a.parquet": "2"], at: start.addingTimeInterval(600))
        try publish(orders, version: 3, files: ["a.parquet": "3"], at: start.addingTimeInterval(1800))
        return orders
    }

    @Test func theSupersededTimeIsTheNextVersionsPublicationTime() throws {
        let root = ScratchDirectory()
        let orders = try threeVersions(root)
        #expect(try orders.publishedAt(version: 2) == start.addingTimeInterval(600))
        #expect(try readText(orders.versionPath(2) + "/.published-at") == "2026-11-25T10:10:00.000000Z\n")
    }

    @Test func aVersionIsKeptUntilKeepVersionsForAfterItWasSuperseded() throws {
        let root = ScratchDirectory()
        let orders = try threeVersions(root)
        let keep = Duration.seconds(3600)
        // v1 was superseded at 10:10, v2 at 10:30.
        #expect(try orders.removeVersions(olderThan: keep, now: date("2026-11-25T11:09:59Z")) == [])
        #expect(try orders.removeVersions(olderThan: keep, now: date("2026-11-25T11:10:00Z")) == [1])
        #expect(try orders.versions() == [2, 3])
        #expect(try orders.removeVersions(olderThan: keep, now: date("2026-11-25T11:29:59Z")) == [])
        #expect(try orders.removeVersions(olderThan: keep, now: date("2026-11-25T11:30:00Z")) == [2])
        #expect(try orders.versions() == [3])
    }

    @Test func theCurrentVersionIsNeverDeleted() throws {
        let root = ScratchDirectory()
        let orders = try threeVersions(root)
        #expect(try orders.removeVersions(olderThan: .zero, now: date("2030-01-01T00:00:00Z")) == [1, 2])
        #expect(try orders.versions() == [3])
        #expect(try orders.currentVersion() == 3)
        #expect(try readText(orders.path + "/current/a.parquet") == "3")
        #expect(try names(in: orders.path) == ["current", "v3"], "no .removing- directory is left")
    }

    @Test func aHardLinkedFileSurvivesTheVersionItCameFrom() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        try publish(orders, version: 1, files: ["old.parquet": "kept"], at: start)
        try publish(
            orders,
            version: 2,
            files: [:],
            unchanged: ["old.parquet"],
            from: 1,
            at: start.addingTimeInterval(60)
        )
        #expect(try orders.removeVersions(olderThan: .seconds(1), now: start.addingTimeInterval(120)) == [1])
        #expect(try readText(orders.versionPath(2) + "/old.parquet") == "kept")
        #expect(try Syscall.lstat(orders.versionPath(2) + "/old.parquet")?.linkCount == 1)
    }

    @Test func versionsNewerThanCurrentAreLeftToLeftoverCleanup() throws {
        let root = ScratchDirectory()
        let orders = try threeVersions(root)
        try Syscall.mkdir(orders.versionPath(4))
        #expect(try orders.removeVersions(olderThan: .zero, now: date("2030-01-01T00:00:00Z")) == [1, 2])
        #expect(try orders.versions() == [3, 4])
    }

    @Test func withoutAMarkerTheSuccessorsModificationTimeCounts() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        try publish(orders, version: 1, files: ["a.parquet": "1"], at: start)
        try publish(orders, version: 2, files: ["a.parquet": "2"], at: start.addingTimeInterval(600))
        // v2's time becomes its directory's modification time, which is now (the unlink below);
        // v3 comes a day later, so that v2 itself is never old enough to go.
        try publish(orders, version: 3, files: ["a.parquet": "3"], at: Date().addingTimeInterval(86_400))
        try Syscall.unlink(orders.versionPath(2) + "/.published-at")
        let mtime = try #require(try Syscall.lstat(orders.versionPath(2))?.modified)
        #expect(try orders.publishedAt(version: 2) == mtime)
        #expect(try orders.removeVersions(olderThan: .seconds(60), now: mtime.addingTimeInterval(59)) == [])
        #expect(try orders.removeVersions(olderThan: .seconds(60), now: mtime.addingTimeInterval(61)) == [1])
    }
}
