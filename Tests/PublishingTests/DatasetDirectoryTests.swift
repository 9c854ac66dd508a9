import Foundation
import Testing

@testable import Publishing

/// Publishes a version with the given files (partition name → content) and an index.json.
@discardableResult
func publish(
    _ directory: DatasetDirectory,
    version: Int,
    files: [String: String],
    unchanged: [String] = [],
    from previous: Int? = nil,
    at now: Date = Date()
) throws -> Int {
    let staging = try directory.beginVersion(version)
    for (name, content) in files {
        try staging.writeFileAtomically(name, data: Array(content.utf8))
    }
    for name in unchanged {
        try staging.linkUnchanged(name, from: previous!)
    }
    return try staging.commit(now: now)
}

@Suite struct AVersionBecomesVisibleOnlyAtCommit {
    @Test func aNewDatasetHasNoVersions() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        #expect(try orders.currentVersion() == nil)
        #expect(try orders.versions() == [])
        #expect(try orders.nextVersion() == 1)
        #expect(try orders.removeVersions(olderThan: .zero) == [])
        #expect(try orders.removeLeftovers() == [])
    }

    @Test func stagingIsInvisibleUntilCommitThenCurrentSwitches() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        try publish(orders, version: 1, files: ["2024-05.parquet": "one"])

        let staging = try orders.beginVersion(2)
        try staging.writeFileAtomically("2024-05.parquet", data: Array("two".utf8))
        try staging.writeFileAtomically("index.json", data: Array("{}".utf8))
        #expect(staging.directory.hasPrefix(orders.path + "/.staging-v2-"))
        #expect(try orders.currentVersion() == 1)
        #expect(try orders.versions() == [1])
        #expect(try readText(orders.path + "/current/2024-05.parquet") == "one")

        #expect(try staging.commit() == 2)
        #expect(try orders.currentVersion() == 2)
        #expect(try orders.versions() == [1, 2])
        #expect(try Syscall.readlink(orders.path + "/current") == "v2")
        #expect(try readText(orders.path + "/current/2024-05.parquet") == "two")
        #expect(try readText(orders.path + "/v1/2024-05.parquet") == "one")
        #expect(try names(in: orders.path) == ["current", "v1", "v2"])
        #expect(try names(in: orders.versionPath(2)) == [".published-at", "2024-05.parquet", "index.json"])
    }

    @Test func theParquetWriterCanWriteStraightIntoTheStagingDirectory() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        let staging = try orders.beginVersion(1)
        let fd = try Syscall.open(staging.path(for: "all.parquet"), [.writeOnly, .create, .exclusive])
        try Array("PAR1".utf8).withUnsafeBytes { try Syscall.writeAll(fd, $0, path: "all.parquet") }
        Syscall.close(fd)
        try staging.commit()
        #expect(try readText(orders.path + "/current/all.parquet") == "PAR1")
    }

    @Test func unchangedPartitionsAreHardLinksSharingTheInode() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        try publish(orders, version: 1, files: ["2024-04.parquet": "april", "2024-05.parquet": "may"])
        try publish(
            orders,
            version: 2,
            files: ["2024-05.parquet": "may, updated"],
            unchanged: ["2024-04.parquet"],
            from: 1
        )

        let old = try #require(try Syscall.lstat(orders.versionPath(1) + "/2024-04.parquet"))
        let new = try #require(try Syscall.lstat(orders.versionPath(2) + "/2024-04.parquet"))
        #expect(old.inode == new.inode)
        #expect(old.device == new.device)
        #expect(new.linkCount == 2)
        let changed = try #require(try Syscall.lstat(orders.versionPath(2) + "/2024-05.parquet"))
        #expect(changed.linkCount == 1)
        #expect(try readText(orders.versionPath(2) + "/2024-05.parquet") == "may, updated")
    }

    @Test func linkingAFileThePreviousVersionLacksFails() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        try publish(orders, version: 1, files: ["a.parquet": "a"])
        let staging = try orders.beginVersion(2)
        #expect(throws: FileSystemError.self) { try staging.linkUnchanged("b.parquet", from: 1) }
        try staging.discard()
    }

    @Test func discardRemovesTheStagingDirectoryAndCurrentStays() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        try publish(orders, version: 1, files: ["a.parquet": "a"])
        let staging = try orders.beginVersion(2)
        try staging.writeFileAtomically("a.parquet", data: [1, 2, 3])
        try staging.discard()
        #expect(try names(in: orders.path) == ["current", "v1"])
        #expect(try orders.currentVersion() == 1)
        #expect(throws: FileSystemError.self) { try staging.commit() }
    }

    @Test func aStagingVersionDroppedWithoutCommitIsRemoved() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        do {
            let staging = try orders.beginVersion(1)
            try staging.writeFileAtomically("a.parquet", data: [1])
        }
        #expect(try names(in: orders.path) == [])
    }

    @Test func aCommittedVersionCannotBeCommittedOrWrittenAgain() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        let staging = try orders.beginVersion(1)
        try staging.commit()
        #expect(throws: FileSystemError.self) { try staging.commit() }
        #expect(throws: FileSystemError.self) { try staging.writeFileAtomically("a.parquet", data: []) }
        try staging.discard()
        #expect(try orders.currentVersion() == 1)
    }

    @Test func versionsOnlyGrow() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        try publish(orders, version: 3, files: [:])
        #expect(throws: FileSystemError.self) { try orders.beginVersion(3) }
        #expect(throws: FileSystemError.self) { try orders.beginVersion(2) }
        #expect(throws: FileSystemError.self) { try orders.beginVersion(0) }
        #expect(try orders.nextVersion() == 4)
        #expect(try orders.nextVersion(after: 9) == 10)
    }

    @Test func commitRefusesToReplaceAnExistingVersion() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        let staging = try orders.beginVersion(1)
        try staging.writeFileAtomically("a.parquet", data: [1])
        // Another writer got there first (the daemon never does this; the check is the last line of defence).
        try Syscall.mkdir(orders.versionPath(1))
        try FileOperations.writeNewFile(orders.versionPath(1) + "/theirs.parquet", [9])
        #expect(throws: FileSystemError.self) { try staging.commit() }
        #expect(try names(in: orders.versionPath(1)) == ["theirs.parquet"])
        #expect(try orders.currentVersion() == nil)
        #expect(try names(in: orders.path) == ["v1"], "the failed staging directory is removed")
    }

    @Test(arguments: ["", "/etc/passwd", "../v1/a.parquet", "a/../../x", ".published-at", "./a"])
    func filesStayInsideTheVersion(relative: String) throws {
        let root = ScratchDirectory()
        let staging = try DatasetDirectory(root: root.path, dataset: "orders").beginVersion(1)
        #expect(throws: FileSystemError.self) { try staging.writeFileAtomically(relative, data: [1]) }
        try staging.discard()
    }

    @Test func aMalformedCurrentLinkIsAnErrorNotNoVersion() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        try FileOperations.makeDirectories(orders.path)
        try Syscall.symlink(target: "elsewhere", at: orders.path + "/current")
        #expect(throws: FileSystemError.self) { try orders.currentVersion() }
    }
}

@Suite struct LeftoversOfACrashAreRemovedAtStart {
    @Test func stagingTemporaryAndNeverCurrentVersionsGoPublishedOnesStay() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        try publish(orders, version: 1, files: ["a.parquet": "1"])
        try publish(orders, version: 2, files: ["a.parquet": "2"])
        // A crash while writing v3: its staging directory stays.
        let abandoned = try orders.beginVersion(3)
        try abandoned.writeFileAtomically("a.parquet", data: [3])
        let stagingName = FileOperations.lastComponent(of: abandoned.directory)
        // A crash between renaming v4 into place and swapping `current`.
        try Syscall.mkdir(orders.versionPath(4))
        // A crash between creating the temporary symlink and renaming it over `current`.
        try Syscall.symlink(target: "v4", at: orders.path + "/.current-0123456789abcdef")
        // A crash in the middle of retention, and of an atomic file write.
        try FileOperations.makeDirectories(orders.path + "/.removing-v0-0011223344556677/sub")
        try FileOperations.writeNewFile(orders.path + "/.index.json.tmp-0011223344556677", [1])

        let removed = try orders.removeLeftovers()
        #expect(
            removed
                == [
                    ".current-0123456789abcdef", ".index.json.tmp-0011223344556677", ".removing-v0-0011223344556677",
                    stagingName, "v4",
                ].sorted()
        )
        #expect(try names(in: orders.path) == ["current", "v1", "v2"])
        #expect(try orders.currentVersion() == 2)
        #expect(try readText(orders.versionPath(1) + "/a.parquet") == "1")
        try abandoned.discard()  // already gone: harmless
        #expect(try orders.removeLeftovers() == [])
    }

    @Test func withoutCurrentNoVersionDirectoryIsRemoved() throws {
        let root = ScratchDirectory()
        let orders = DatasetDirectory(root: root.path, dataset: "orders")
        try FileOperations.makeDirectories(orders.versionPath(1))
        #expect(try orders.removeLeftovers() == [])
        #expect(try orders.nextVersion() == 2, "the next version skips the one on disk")
    }
}
