import Foundation

/// A state file that cannot be used. Never treated as "no state": that would silently turn into
/// a full reload (or reuse a version number), so the refresh stops and the published data stays.
public struct StateError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The file exists but cannot be read (permissions, I/O).
        public static let unreadable = Code("unreadable")
        /// The file is torn, empty or not a state file.
        public static let corrupt = Code("corrupt")
        /// Written by a newer version of this program.
        public static let unsupportedFormat = Code("unsupportedFormat")
        /// The state could not be written.
        public static let unwritable = Code("unwritable")
    }

    public var code: Code
    public var dataset: String
    /// The state file.
    public var path: String
    public var message: String
    public var cause: (any Error)?

    public var description: String {
        var text = "state of dataset \"\(dataset)\" in \(path): \(message)"
        if let cause { text += " (\(cause))" }
        return text
    }
}

/// Keeps one `DatasetState` per dataset as `<directory>/<dataset>.json`, each replaced
/// atomically: a temporary file, fsync, rename over the old one, fsync of the directory. A crash
/// leaves the old state or the new, never a mixture.
public struct StateStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func path(for dataset: String) -> String {
        FileOperations.join(directory, "\(dataset).json")
    }

    /// The dataset's state, or nil if it has none yet (never refreshed).
    /// - Throws: `StateError` when the file exists but cannot be read or parsed.
    public func load(dataset: String) throws -> DatasetState? {
        let path = path(for: dataset)
        let bytes: [UInt8]
        do {
            guard try Syscall.lstat(path) != nil else { return nil }
            bytes = try FileOperations.readFile(path)
        } catch {
            throw StateError(
                code: .unreadable,
                dataset: dataset,
                path: path,
                message: "cannot read the state file",
                cause: error
            )
        }
        if bytes.isEmpty {
            throw StateError(code: .corrupt, dataset: dataset, path: path, message: "the state file is empty")
        }
        struct FormatProbe: Decodable {
            var format_version: Int?
        }
        if let probe = try? PublishingJSON.decode(FormatProbe.self, from: bytes), let format = probe.format_version,
            format > DatasetState.currentFormatVersion
        {
            throw StateError(
                code: .unsupportedFormat,
                dataset: dataset,
                path: path,
                message:
                    """
                    format_version \(format) was written by a newer parquet-publisher (this one reads \
                    \(DatasetState.currentFormatVersion)); upgrade it
                    """
            )
        }
        do {
            return try PublishingJSON.decode(DatasetState.self, from: bytes)
        } catch {
            throw StateError(
                code: .corrupt,
                dataset: dataset,
                path: path,
                message:
                    """
                    the state file is torn or damaged; the published data is untouched. Fix or move the file away \
                    (moving it rebuilds the dataset in full)
                    """,
                cause: error
            )
        }
    }

    /// Replaces the dataset's state atomically, creating the directory (mode 0700) if needed.
    public func save(_ state: DatasetState, dataset: String) throws {
        let path = path(for: dataset)
        do {
            try FileOperations.makeDirectories(directory, mode: 0o700)
            try FileOperations.replaceFile(path, try PublishingJSON.encode(state, fractionalDigits: 3), mode: 0o600)
        } catch {
            throw StateError(
                code: .unwritable,
                dataset: dataset,
                path: path,
                message: "cannot save the state",
                cause: error
            )
        }
    }

    /// Removes temporary files a crash left in the directory: all of them, or only those of
    /// `dataset`'s state file. Another process may be saving a state right now: call it for a
    /// dataset whose `DatasetLock` you hold. - Returns: their names.
    public func removeLeftovers(dataset: String? = nil) throws -> [String] {
        guard try Syscall.lstat(directory) != nil else { return [] }
        let prefix = dataset.map { ".\($0).json.tmp-" }
        var removed: [String] = []
        for entry in try Syscall.listDirectory(directory)
        where !entry.isDirectory && FileOperations.isTemporaryName(entry.name)
            && prefix.map({ entry.name.hasPrefix($0) }) ?? true
        {
            try Syscall.unlink(FileOperations.join(directory, entry.name))
            removed.append(entry.name)
        }
        return removed.sorted()
    }
}
