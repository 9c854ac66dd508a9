import Foundation

/// `<directory>/manifest.json`: every dataset's current version, the path of its index, when it
/// was published and how many rows it has. A dashboard reads it first.
///
/// ```json
/// { "datasets": { "orders": { "index": "orders/v124/index.json", "published_at": "2026-11-25T01:02:03Z",
///                             "rows": 5000000, "version": 124 } },
///   "generated_at": "2026-11-25T01:02:04Z" }
/// ```
/// Index paths go through `v<N>`, not `current`: a reader that fetched the manifest then reads
/// one consistent version, whatever is published meanwhile.
public struct Manifest: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var version: Int
        /// Relative to the manifest: "orders/v124/index.json".
        public var index: String
        public var publishedAt: Date
        public var rows: Int
        /// A rollup's entry only: the dataset it is computed from and that dataset's version,
        /// which the same manifest names (the two are replaced together). Absent for datasets.
        public var from: String?
        public var sourceVersion: Int?

        public init(version: Int, index: String, publishedAt: Date, rows: Int) {
            self.version = version
            self.index = index
            self.publishedAt = publishedAt
            self.rows = rows
        }

        /// The entry for version `version` of `dataset`, its index at `<dataset>/v<N>/index.json`.
        public init(dataset: String, version: Int, publishedAt: Date, rows: Int) {
            self.init(
                version: version,
                index: "\(dataset)/\(DatasetDirectory.versionName(version))/\(DatasetIndex.fileName)",
                publishedAt: publishedAt,
                rows: rows
            )
        }

        enum CodingKeys: String, CodingKey {
            case version, index, rows, from
            case publishedAt = "published_at"
            case sourceVersion = "source_version"
        }
    }

    public var datasets: [String: Entry]
    public var generatedAt: Date

    public init(datasets: [String: Entry] = [:], generatedAt: Date) {
        self.datasets = datasets
        self.generatedAt = generatedAt
    }

    enum CodingKeys: String, CodingKey {
        case datasets
        case generatedAt = "generated_at"
    }
}

/// Reads and replaces `manifest.json`. Several datasets publish at once (threads of one daemon,
/// or a `refresh` beside it), so each update is a read-modify-write under an exclusive lock:
/// a process-wide lock for threads, and `flock` on `<root>/.manifest.lock` for processes.
/// The file itself is replaced atomically (temporary file, fsync, rename, fsync of the folder).
public struct ManifestStore: Sendable {
    public let root: String
    public var path: String { FileOperations.join(root, Self.fileName) }
    var lockPath: String { FileOperations.join(root, ".manifest.lock") }

    public static let fileName = "manifest.json"

    public init(root: String) {
        self.root = root
    }

    /// The manifest, or nil before the first publish.
    /// - Throws: `FileSystemError` (`.unexpectedContent`) when the file is not a manifest.
    public func load() throws -> Manifest? {
        guard try Syscall.lstat(path) != nil else { return nil }
        let bytes = try FileOperations.readFile(path)
        do {
            return try PublishingJSON.decode(Manifest.self, from: bytes)
        } catch {
            throw FileSystemError(
                code: .unexpectedContent,
                message: "\"\(path)\" is not a valid manifest",
                path: path,
                cause: error
            )
        }
    }

    /// Sets one dataset's entry, keeping the others.
    @discardableResult
    public func update(dataset: String, entry: Manifest.Entry, now: Date = Date()) throws -> Manifest {
        try modify(now: now) { $0.datasets[dataset] = entry }
    }

    /// Removes one dataset's entry (a dataset taken out of the configuration).
    @discardableResult
    public func remove(dataset: String, now: Date = Date()) throws -> Manifest {
        try modify(now: now) { $0.datasets[dataset] = nil }
    }

    /// Makes the dataset's entry name the version `current` points at, from that version's
    /// index.json: after a crash between the swap of `current` and the manifest update, the
    /// manifest would otherwise name the previous version until the next publish, and retention
    /// could delete it under the manifest. Call at start-up, after `removeLeftovers()`.
    /// - Returns: whether the entry changed.
    @discardableResult
    public func repair(_ directory: DatasetDirectory, now: Date = Date()) throws -> Bool {
        guard let current = try directory.currentVersion() else { return false }
        if try load()?.datasets[directory.dataset]?.version == current { return false }
        let indexPath = FileOperations.join(directory.versionPath(current), DatasetIndex.fileName)
        let index: DatasetIndex
        do {
            index = try DatasetIndex.decode(try FileOperations.readFile(indexPath))
        } catch {
            throw FileSystemError(
                code: .unexpectedContent,
                message: "cannot read the index of the current version, \"\(indexPath)\"",
                path: indexPath,
                cause: error
            )
        }
        try modify(now: now) {
            $0.datasets[directory.dataset] = Manifest.Entry(
                dataset: directory.dataset,
                version: current,
                publishedAt: index.publishedAt,
                rows: index.rows
            )
        }
        return true
    }

    /// Removes temporary manifests a crash left in the root. Under the manifest's lock, so that
    /// the temporary file of a write in progress (another process's) is never taken for one.
    /// - Returns: their names.
    public func removeLeftovers() throws -> [String] {
        guard try Syscall.lstat(root) != nil else { return [] }
        return try locked {
            var removed: [String] = []
            for entry in try Syscall.listDirectory(root)
            where !entry.isDirectory && entry.name.hasPrefix(".\(Self.fileName).tmp-") {
                try Syscall.unlink(FileOperations.join(root, entry.name))
                removed.append(entry.name)
            }
            return removed.sorted()
        }
    }

    /// Read-modify-write under the lock; `generated_at` becomes `now`.
    @discardableResult
    public func modify(now: Date = Date(), _ change: (inout Manifest) throws -> Void) throws -> Manifest {
        try locked {
            var manifest = try load() ?? Manifest(generatedAt: now)
            try change(&manifest)
            manifest.generatedAt = now
            try FileOperations.replaceFile(path, try PublishingJSON.encode(manifest))
            return manifest
        }
    }

    /// Runs `body` holding the process-wide lock and the `flock` on `.manifest.lock`.
    private func locked<T>(_ body: () throws -> T) throws -> T {
        try FileOperations.makeDirectories(root)
        let processLock = ProcessLocks.lock(for: lockPath)
        processLock.lock()
        defer { processLock.unlock() }
        let fd = try Syscall.open(lockPath, [.writeOnly, .create], mode: 0o644)
        defer { Syscall.close(fd) }
        try Syscall.lockExclusive(fd, path: lockPath)
        return try body()
    }
}

/// One `NSLock` per lock-file path for the whole process, so threads queue in user space
/// before `flock` orders processes.
enum ProcessLocks {
    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var locks: [String: NSLock] = [:]

    static func lock(for path: String) -> NSLock {
        registryLock.withLock {
            if let existing = locks[path] { return existing }
            let created = NSLock()
            locks[path] = created
            return created
        }
    }
}
