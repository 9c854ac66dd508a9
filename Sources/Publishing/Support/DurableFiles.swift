/// The durable file operations and JSON conventions this module uses for its own state, for
/// modules above it that keep state beside it (delivery to targets): one implementation of
/// "temporary file, fsync, rename, fsync of the folder", not one per module.
public enum DurableFiles {
    /// Replaces `path` atomically: a crash leaves the old content or the new, never a mixture
    /// (at worst a `.<name>.tmp-*` file beside it, which `removeLeftovers` of the owner removes).
    public static func replace(_ path: String, with bytes: [UInt8], mode: UInt32 = 0o644) throws {
        try FileOperations.replaceFile(path, bytes, mode: mode)
    }

    /// The file's bytes, or nil when it does not exist.
    public static func read(_ path: String) throws -> [UInt8]? {
        guard try Syscall.lstat(path) != nil else { return nil }
        return try FileOperations.readFile(path)
    }

    /// Creates `path` and its missing parents with `mode`, like `mkdir -p`.
    public static func makeDirectories(_ path: String, mode: UInt32 = 0o755) throws {
        try FileOperations.makeDirectories(path, mode: mode)
    }

    /// Whether something (a file, a folder, a symlink) is at `path`.
    public static func exists(_ path: String) throws -> Bool {
        try FileOperations.exists(path)
    }

    /// `value` as this module writes JSON: sorted keys, pretty-printed, ISO-8601 UTC times with
    /// `fractionalDigits` (3 for state that must survive a round trip to the millisecond).
    public static func json<T: Encodable>(_ value: T, fractionalDigits: Int = 3) throws -> [UInt8] {
        try PublishingJSON.encode(value, fractionalDigits: fractionalDigits)
    }

    /// Reads JSON written by `json(_:fractionalDigits:)`.
    public static func decodeJSON<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try PublishingJSON.decode(type, from: bytes)
    }

    /// Removes the temporary files an interrupted `replace` left in `directory`. - Returns: their names.
    public static func removeLeftovers(in directory: String) throws -> [String] {
        guard try Syscall.lstat(directory) != nil else { return [] }
        var removed: [String] = []
        for entry in try Syscall.listDirectory(directory)
        where !entry.isDirectory && FileOperations.isTemporaryName(entry.name) {
            try Syscall.unlink(FileOperations.join(directory, entry.name))
            removed.append(entry.name)
        }
        return removed.sorted()
    }
}
