import Foundation

/// One dataset's folder in the public directory, and the only code that changes it:
///
/// ```
/// <root>/<dataset>/current -> v<N>     symlink, replaced atomically by rename
/// <root>/<dataset>/v<N>/               a published version: index.json, <partition>.parquet, .published-at
/// <root>/<dataset>/.staging-v<N>-<r>/  a version being written (invisible to readers)
/// ```
///
/// Version numbers only grow. docs/published-layout.md describes the whole protocol.
/// Publishing one dataset is not re-entrant: one writer at a time per dataset, which its
/// `DatasetLock` ensures across processes; different datasets publish concurrently.
public struct DatasetDirectory: Sendable {
    public let root: String
    public let dataset: String
    /// `<root>/<dataset>`.
    public let path: String

    public init(root: String, dataset: String) {
        self.root = root
        self.dataset = dataset
        self.path = FileOperations.join(root, dataset)
    }

    static let currentName = "current"
    static let stagingPrefix = ".staging-"
    static let currentTemporaryPrefix = ".current-"
    static let removingPrefix = ".removing-"
    /// Written in every version when it is committed: the time it became current, which is also
    /// the time the version before it was superseded. Retention reads it.
    static let publishedAtName = ".published-at"

    public static func versionName(_ version: Int) -> String { "v\(version)" }

    /// The number in "v<N>", or nil if `name` is not a version directory name.
    static func versionNumber(_ name: String) -> Int? {
        guard name.hasPrefix("v"), name.count > 1, name.count < 20 else { return nil }
        let digits = name.dropFirst()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0" else { return nil }
        return Int(digits)
    }

    public func versionPath(_ version: Int) -> String {
        FileOperations.join(path, Self.versionName(version))
    }

    /// The version `current` points at, nil when there is none yet.
    /// - Throws: when `current` exists but is not a symlink to "v<N>".
    public func currentVersion() throws -> Int? {
        let link = FileOperations.join(path, Self.currentName)
        guard let target = try Syscall.readlink(link) else {
            if let info = try Syscall.lstat(link), info.kind != .symlink {
                throw FileSystemError(code: .unexpectedContent, message: "\"\(link)\" is not a symlink", path: link)
            }
            return nil
        }
        guard let version = Self.versionNumber(target) else {
            throw FileSystemError(
                code: .unexpectedContent,
                message: "\"\(link)\" points at \"\(target)\", not at a v<N> directory",
                path: link
            )
        }
        return version
    }

    /// Every v<N> directory, ascending (including one a crash left behind without making it current).
    public func versions() throws -> [Int] {
        guard try Syscall.lstat(path) != nil else { return [] }
        return try Syscall.listDirectory(path)
            .filter { $0.isDirectory }
            .compactMap { Self.versionNumber($0.name) }
            .sorted()
    }

    /// The number to give the next version: one more than any version on disk or `current`.
    /// The state store's counter may lag behind the disk after a crash; this never does.
    public func nextVersion(after stored: Int = 0) throws -> Int {
        max(stored, try versions().last ?? 0, try currentVersion() ?? 0) + 1
    }

    /// Starts version `version` in a fresh `.staging-v<N>-<random>` directory beside the others.
    /// - Throws: if `version` is not newer than every version on disk.
    public func beginVersion(_ version: Int) throws -> StagingVersion {
        guard version >= 1 else {
            throw FileSystemError(
                code: .invalidArgument,
                message: "version numbers start at 1, not \(version)",
                path: path
            )
        }
        try FileOperations.makeDirectories(path)
        let newest = max(try versions().last ?? 0, try currentVersion() ?? 0)
        guard version > newest else {
            throw FileSystemError(
                code: .alreadyExists,
                message: "cannot publish v\(version) of \"\(dataset)\": v\(newest) exists and versions only grow",
                path: versionPath(version)
            )
        }
        let staging = FileOperations.join(path, "\(Self.stagingPrefix)v\(version)-\(FileOperations.randomSuffix())")
        try Syscall.mkdir(staging, mode: 0o755)
        return StagingVersion(directory: staging, dataset: self, version: version)
    }

    /// Removes what an interrupted publish or cleanup left: staging directories, temporary
    /// `current` symlinks and files, half-removed versions, and v<N> directories newer than
    /// `current` (renamed into place but never made current, so never seen by a reader).
    /// A version `current` points at, or older, is never touched here.
    ///
    /// Call it holding the dataset's `DatasetLock` (`DatasetRecovery` does): then no one is
    /// publishing this dataset, and whatever it removes a dead process left.
    /// - Returns: the names removed.
    public func removeLeftovers() throws -> [String] {
        guard try Syscall.lstat(path) != nil else { return [] }
        let current = try currentVersion()
        var removed: [String] = []
        for entry in try Syscall.listDirectory(path) {
            let name = entry.name
            var leftover =
                name.hasPrefix(Self.stagingPrefix) || name.hasPrefix(Self.currentTemporaryPrefix)
                || name.hasPrefix(Self.removingPrefix) || FileOperations.isTemporaryName(name)
            if let current, entry.isDirectory, let version = Self.versionNumber(name), version > current {
                leftover = true
            }
            guard leftover else { continue }
            try FileOperations.removeTree(FileOperations.join(path, name))
            removed.append(name)
        }
        if !removed.isEmpty { try FileOperations.sync(path, directory: true) }
        return removed.sorted()
    }

    /// When version `version` became current (its `.published-at`, else its directory's mtime).
    public func publishedAt(version: Int) throws -> Date? {
        let directory = versionPath(version)
        let marker = FileOperations.join(directory, Self.publishedAtName)
        if try Syscall.lstat(marker) != nil {
            let text = String(decoding: try FileOperations.readFile(marker), as: UTF8.self)
            if let date = ISO8601Timestamp.date(from: text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return date
            }
        }
        return try Syscall.lstat(directory)?.modified
    }

    /// Deletes every version superseded at least `keep` ago: version N was superseded when the
    /// next version up to `current` was published (that version's `.published-at`). The current
    /// version is never deleted, nor anything newer than it. Each version is first renamed to
    /// `.removing-v<N>-<random>`, so it disappears from the namespace at once, then removed.
    /// - Returns: the versions deleted, ascending.
    public func removeVersions(olderThan keep: Duration, now: Date = Date()) throws -> [Int] {
        guard let current = try currentVersion() else { return [] }
        let chain = try versions().filter { $0 <= current }
        var removed: [Int] = []
        for (index, version) in chain.enumerated() where version < current {
            // The next version on disk; `current` itself when its directory is gone (no one
            // else writes here under the dataset's lock, but never trust the disk to agree).
            let successor = index + 1 < chain.count ? chain[index + 1] : current
            guard let supersededAt = try publishedAt(version: successor) else { continue }
            // In whole microseconds, as `.published-at` stores it: comparing the marker's rounded
            // time with an unrounded `now` of the same publish made the age slightly negative
            // about half the time, so with keep_versions_for = "0s" a version survived.
            let ageMicros = Self.micros(now) - Self.micros(supersededAt)
            let keepMicros = keep.wholeMicroseconds
            guard ageMicros >= keepMicros else { continue }
            // Re-read `current`: it only moves forward, but never delete what it points at.
            guard let latest = try currentVersion(), version < latest else { continue }
            let doomed = FileOperations.join(path, "\(Self.removingPrefix)v\(version)-\(FileOperations.randomSuffix())")
            try Syscall.rename(versionPath(version), doomed)
            try FileOperations.removeTree(doomed)
            removed.append(version)
        }
        if !removed.isEmpty { try FileOperations.sync(path, directory: true) }
        return removed
    }

    private static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}
