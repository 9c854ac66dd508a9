/// Composite file operations built on `Syscall`: whole-file reads, atomic replacement,
/// recursive fsync and removal. The layout and state types, status.json and the metrics file
/// are written through these.
public enum FileOperations {
    /// A short random suffix for temporary names, so two writers never pick the same one.
    public static func randomSuffix() -> String {
        let value = UInt64.random(in: 0...UInt64.max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    public static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    public static func join(_ base: String, _ relative: String) -> String {
        base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    public static func exists(_ path: String) throws -> Bool {
        try Syscall.lstat(path) != nil
    }

    public static func readFile(_ path: String) throws -> [UInt8] {
        let fd = try Syscall.open(path, .readOnly)
        defer { Syscall.close(fd) }
        return try Syscall.readAll(fd, path: path)
    }

    /// Creates `path` and its missing parents, like `mkdir -p`. A symlink to a directory is a
    /// directory here (an operator's `/srv/public -> /data/public`), as it is to `mkdir -p`.
    public static func makeDirectories(_ path: String, mode: UInt32 = 0o755) throws {
        if let info = try Syscall.lstat(path) {
            var isDirectory = info.kind == .directory
            if info.kind == .symlink { isDirectory = try Syscall.statFollowingLinks(path)?.kind == .directory }
            guard isDirectory else {
                throw FileSystemError(
                    code: .alreadyExists,
                    message: "\"\(path)\" exists and is not a directory",
                    path: path
                )
            }
            return
        }
        let parent = parentDirectory(of: path)
        if parent != path && parent != "/" && parent != "." {
            try makeDirectories(parent, mode: mode)
        }
        do {
            try Syscall.mkdir(path, mode: mode)
        } catch let error as FileSystemError where error.code == .alreadyExists {
            // Created by someone else in the meantime: fine.
        }
    }

    /// Opens and fsyncs a file or directory, so its data (or its entries) are on disk.
    public static func sync(_ path: String, directory: Bool) throws {
        let fd = try Syscall.open(path, directory ? [.readOnly, .directory] : .readOnly)
        defer { Syscall.close(fd) }
        try Syscall.fsync(fd, path: path)
    }

    /// fsyncs every regular file and directory under `path`, then `path` itself. Symlinks are
    /// not followed.
    public static func syncTree(_ path: String) throws {
        for entry in try Syscall.listDirectory(path) where !entry.isSymlink {
            let child = join(path, entry.name)
            if entry.isDirectory {
                try syncTree(child)
            } else {
                try sync(child, directory: false)
            }
        }
        try sync(path, directory: true)
    }

    /// Removes a file, a symlink or a whole directory tree. Symlinks are removed, never followed.
    /// A path that does not exist is not an error.
    public static func removeTree(_ path: String) throws {
        guard let info = try Syscall.lstat(path) else { return }
        if info.kind == .directory {
            for entry in try Syscall.listDirectory(path) {
                try removeTree(join(path, entry.name))
            }
            try Syscall.rmdir(path)
        } else {
            try Syscall.unlink(path)
        }
    }

    /// Writes a new file that must not exist yet, and fsyncs it.
    public static func writeNewFile(_ path: String, _ data: [UInt8], mode: UInt32 = 0o644) throws {
        let fd = try Syscall.open(path, [.writeOnly, .create, .exclusive, .noFollow], mode: mode)
        var closed = false
        defer { if !closed { Syscall.close(fd) } }
        try data.withUnsafeBytes { try Syscall.writeAll(fd, $0, path: path) }
        try Syscall.fsync(fd, path: path)
        Syscall.close(fd)
        closed = true
    }

    /// Replaces `path` atomically: a temporary file beside it, written and fsynced, renamed over
    /// `path`, then the directory fsynced so the rename itself is durable. A reader sees the old
    /// content or the new, never a mixture; a crash leaves at worst a `.<name>.tmp-*` file, which
    /// `isTemporaryName` recognises.
    public static func replaceFile(_ path: String, _ data: [UInt8], mode: UInt32 = 0o644) throws {
        let directory = parentDirectory(of: path)
        let temporary = join(directory, temporaryName(for: lastComponent(of: path)))
        do {
            try writeNewFile(temporary, data, mode: mode)
            try Syscall.rename(temporary, path)
        } catch {
            try? Syscall.unlink(temporary)
            throw error
        }
        try sync(directory, directory: true)
    }

    public static func temporaryName(for name: String) -> String {
        ".\(name).tmp-\(randomSuffix())"
    }

    public static func isTemporaryName(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(".tmp-")
    }
}
