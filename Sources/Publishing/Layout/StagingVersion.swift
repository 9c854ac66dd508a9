import Foundation

/// A version being written: a private `.staging-v<N>-<random>` directory that becomes `v<N>`
/// and then `current` only at `commit()`. Until then no reader can see it; after a crash it is
/// a leftover that `DatasetDirectory.removeLeftovers()` deletes.
///
/// The Parquet writer writes its files at `path(for:)`; unchanged partitions are hard links to
/// the previous version (`linkUnchanged`); index.json goes through `writeFileAtomically`.
public final class StagingVersion: @unchecked Sendable {
    private enum State { case open, committed, discarded, failed }

    /// The staging directory's absolute path.
    public let directory: String
    public let version: Int
    public let dataset: DatasetDirectory
    // Guards `state`: commit and discard may come from different threads (a timeout, say).
    private let lock = NSLock()
    private var state = State.open

    init(directory: String, dataset: DatasetDirectory, version: Int) {
        self.directory = directory
        self.dataset = dataset
        self.version = version
    }

    deinit {
        // Abandoned without commit or discard (an error path): do not leave it for the next start.
        if state == .open { try? FileOperations.removeTree(directory) }
    }

    /// Where to write `relative` ("2024-05.parquet", "index.json") inside the version.
    public func path(for relative: String) -> String {
        FileOperations.join(directory, relative)
    }

    private func checkOpen(_ operation: String) throws {
        let current = lock.withLock { state }
        guard current == .open else {
            throw FileSystemError(
                code: .invalidState,
                message: "cannot \(operation): staging v\(version) of \"\(dataset.dataset)\" is \(current)",
                path: directory
            )
        }
    }

    /// Checks `relative` is a plain relative path inside the version, creating its parent folders.
    private func prepare(_ relative: String) throws -> String {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !relative.isEmpty, !relative.hasPrefix("/"),
            parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
            !parts.last!.hasPrefix(".")
        else {
            throw FileSystemError(
                code: .invalidArgument,
                message: "\"\(relative)\" is not a file name inside a version",
                path: directory
            )
        }
        let target = path(for: relative)
        if parts.count > 1 {
            try FileOperations.makeDirectories(FileOperations.parentDirectory(of: target))
        }
        return target
    }

    /// Hard-links `relative` from version `previous` (a partition this version does not change):
    /// no copy, the same inode, and the old version keeps its own name for it.
    public func linkUnchanged(_ relative: String, from previous: Int) throws {
        try checkOpen("link \(relative)")
        let target = try prepare(relative)
        let source = FileOperations.join(dataset.versionPath(previous), relative)
        try Syscall.link(source, target)
    }

    /// Writes `relative` whole: a temporary file, fsynced, renamed into place.
    public func writeFileAtomically(_ relative: String, data: [UInt8]) throws {
        try checkOpen("write \(relative)")
        let target = try prepare(relative)
        try FileOperations.replaceFile(target, data)
    }

    /// Publishes the version:
    /// 1. writes `.published-at` (now), fsyncs every file and folder in the staging directory
    ///    (the snapshot writer starts each row group's writeback as it goes, so little is left);
    /// 2. renames the staging directory to `v<N>` (failing if it exists), fsyncs the dataset folder;
    /// 3. points `current` at `v<N>`: a symlink under a temporary name renamed over `current`,
    ///    which readers see switch in one step; fsyncs the dataset folder again.
    ///
    /// A failure before step 2 discards the staging directory; after it, `v<N>` is left for
    /// `removeLeftovers()` (it never became current).
    /// - Parameter now: the publication time written to `.published-at` (tests pass their own).
    /// - Returns: the version number.
    @discardableResult
    public func commit(now: Date = Date()) throws -> Int {
        try lock.withLock {
            guard state == .open else {
                throw FileSystemError(
                    code: .invalidState,
                    message: "cannot commit: staging v\(version) of \"\(dataset.dataset)\" is \(state)",
                    path: directory
                )
            }
            state = .failed
        }
        let finalPath = dataset.versionPath(version)
        do {
            let marker = Array((ISO8601Timestamp.string(from: now, fractionalDigits: 6) + "\n").utf8)
            try FileOperations.writeNewFile(path(for: DatasetDirectory.publishedAtName), marker)
            try FileOperations.syncTree(directory)
            try Syscall.renameNoReplace(directory, finalPath)
        } catch {
            try? FileOperations.removeTree(directory)
            throw error
        }
        try FileOperations.sync(dataset.path, directory: true)

        let temporaryLink = FileOperations.join(
            dataset.path,
            DatasetDirectory.currentTemporaryPrefix + FileOperations.randomSuffix()
        )
        try Syscall.symlink(target: DatasetDirectory.versionName(version), at: temporaryLink)
        do {
            try Syscall.rename(temporaryLink, FileOperations.join(dataset.path, DatasetDirectory.currentName))
        } catch {
            try? Syscall.unlink(temporaryLink)
            throw error
        }
        try FileOperations.sync(dataset.path, directory: true)
        lock.withLock { state = .committed }
        return version
    }

    /// Abandons the version and removes its staging directory. Harmless after `commit()`.
    public func discard() throws {
        let shouldRemove = lock.withLock {
            guard state == .open else { return false }
            state = .discarded
            return true
        }
        if shouldRemove { try FileOperations.removeTree(directory) }
    }
}
