// Every system call the daemon's modules make (Publishing, Systemd, Daemon), as thin wrappers
// in one file, the way NIOFS keeps `Internal/System Calls/Syscalls.swift`: each wrapper retries
// EINTR, and turns a failure into a `FileSystemError` that carries the C function, `errno` and
// the path. Nothing else in those modules imports Glibc. (The Parquet library keeps its own
// small file layer, Reader/ReadOnlyFile.swift and Writer/FileOutput.swift, so that it stands
// alone; libmariadb, zstd and libsystemd are called from one file each.)

import struct Foundation.Date

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `errno` values the module branches on, and their text.
public enum SystemErrno {
    public static let ENOENT = Int32(Glibc.ENOENT)
    public static let EEXIST = Int32(Glibc.EEXIST)
    public static let EACCES = Int32(Glibc.EACCES)
    public static let EPERM = Int32(Glibc.EPERM)
    public static let ENOTEMPTY = Int32(Glibc.ENOTEMPTY)
    public static let ENOSPC = Int32(Glibc.ENOSPC)
    public static let EDQUOT = Int32(Glibc.EDQUOT)
    public static let EINVAL = Int32(Glibc.EINVAL)
    public static let ENOSYS = Int32(Glibc.ENOSYS)
    public static let ENOTDIR = Int32(Glibc.ENOTDIR)

    /// "Permission denied (errno 13)". The corresponding C function is `strerror`.
    public static func describe(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}

/// `open(2)` flags used here.
public struct OpenFlags: OptionSet, Sendable {
    public let rawValue: CInt
    public init(rawValue: CInt) { self.rawValue = rawValue }
    public static let readOnly = OpenFlags(rawValue: O_RDONLY)
    public static let writeOnly = OpenFlags(rawValue: O_WRONLY)
    public static let create = OpenFlags(rawValue: O_CREAT)
    public static let exclusive = OpenFlags(rawValue: O_EXCL)
    public static let directory = OpenFlags(rawValue: O_DIRECTORY)
    public static let noFollow = OpenFlags(rawValue: O_NOFOLLOW)
    public static let closeOnExec = OpenFlags(rawValue: O_CLOEXEC)
}

/// What `lstat`/`fstat` tell us about one file.
public struct FileInfo: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case regular, directory, symlink, other }
    public var kind: Kind
    public var size: Int64
    /// Permission bits only (`st_mode & 0o7777`).
    public var permissions: UInt32
    public var device: UInt64
    public var inode: UInt64
    public var linkCount: UInt64
    public var modified: Date
    /// `st_mtim` in nanoseconds since the epoch: exact, for telling whether a file was written.
    public var modifiedNanoseconds: Int64

    init(_ s: stat) {
        switch s.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        size = Int64(s.st_size)
        permissions = UInt32(s.st_mode & 0o7777)
        device = UInt64(s.st_dev)
        inode = UInt64(s.st_ino)
        linkCount = UInt64(s.st_nlink)
        modified = Date(
            timeIntervalSince1970: Double(s.st_mtim.tv_sec) + Double(s.st_mtim.tv_nsec) / 1_000_000_000
        )
        modifiedNanoseconds = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
    }
}

/// One entry of a directory listing (never "." or "..").
public struct DirectoryEntry: Sendable, Equatable {
    public var name: String
    public var isDirectory: Bool
    public var isSymlink: Bool
}

public enum Syscall {
    private static func failure(
        _ function: String,
        _ path: String,
        _ what: String,
        file: String = #fileID,
        line: Int = #line
    ) -> FileSystemError {
        let code = Glibc.errno
        return FileSystemError(
            code: .forErrno(code),
            message: "\(what) \"\(path)\"",
            path: path,
            function: function,
            errno: code,
            file: file,
            line: line
        )
    }

    /// Runs `body` again while it fails with EINTR.
    private static func retrying(_ body: () -> CInt) -> CInt {
        while true {
            let result = body()
            if result == -1 && Glibc.errno == EINTR { continue }
            return result
        }
    }

    /// The corresponding C function is `open`.
    public static func open(_ path: String, _ flags: OpenFlags, mode: UInt32 = 0o644) throws -> CInt {
        let fd = retrying { Glibc.open(path, flags.union(.closeOnExec).rawValue, mode_t(mode)) }
        guard fd >= 0 else { throw failure("open", path, "cannot open") }
        return fd
    }

    /// The corresponding C function is `close`. Errors are ignored: on Linux the descriptor is
    /// released whatever close returns, and durability comes from the `fsync` before it.
    public static func close(_ fd: CInt) {
        _ = Glibc.close(fd)
    }

    /// Writes every byte, looping over short writes. The corresponding C function is `write`.
    public static func writeAll(_ fd: CInt, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                throw failure("write", path, "cannot write")
            }
            offset += n
        }
    }

    /// Reads up to `buffer.count` bytes; 0 at end of file. The corresponding C function is `read`.
    public static func read(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if Glibc.errno == EINTR { continue }
            throw failure("read", path, "cannot read")
        }
    }

    /// Reads to end of file, or until more than `limit` bytes are read (then returns those:
    /// the caller sees the file is too large without reading all of `/dev/zero`). The
    /// corresponding C function is `read`.
    public static func readAll(_ fd: CInt, path: String, limit: Int = .max) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while result.count <= limit {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                throw failure("read", path, "cannot read")
            }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    /// The corresponding C function is `fsync`.
    public static func fsync(_ fd: CInt, path: String) throws {
        guard retrying({ Glibc.fsync(fd) }) == 0 else { throw failure("fsync", path, "cannot fsync") }
    }

    /// Information about `path` itself (symlinks are not followed), or nil if it does not exist.
    /// The corresponding C function is `lstat`.
    public static func lstat(_ path: String) throws -> FileInfo? {
        var s = stat()
        if Glibc.lstat(path, &s) == 0 { return FileInfo(s) }
        if Glibc.errno == ENOENT || Glibc.errno == ENOTDIR { return nil }
        throw failure("lstat", path, "cannot stat")
    }

    /// Information about what `path` names, symlinks followed, or nil if it does not exist (or
    /// is a dangling symlink). The corresponding C function is `stat`.
    public static func statFollowingLinks(_ path: String) throws -> FileInfo? {
        // `stat` names both the function and a struct in Glibc: pick the function by type.
        let statFunction: (UnsafePointer<CChar>, UnsafeMutablePointer<stat>) -> CInt = Glibc.stat(_:_:)
        var s = Glibc.stat()
        if statFunction(path, &s) == 0 { return FileInfo(s) }
        if Glibc.errno == ENOENT || Glibc.errno == ENOTDIR { return nil }
        throw failure("stat", path, "cannot stat")
    }

    /// The corresponding C function is `fstat`.
    public static func fstat(_ fd: CInt, path: String) throws -> FileInfo {
        var s = stat()
        guard Glibc.fstat(fd, &s) == 0 else { throw failure("fstat", path, "cannot stat") }
        return FileInfo(s)
    }

    /// Replaces `to` if it exists. The corresponding C function is `rename`.
    public static func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw failure("rename", from, "cannot rename to \"\(to)\":") }
    }

    private typealias RenameAt2 =
        @convention(c) (CInt, UnsafePointer<CChar>?, CInt, UnsafePointer<CChar>?, CUnsignedInt) -> CInt
    /// glibc declares `renameat2` only under _GNU_SOURCE, which the Glibc module does not set,
    /// so it is looked up at run time. RENAME_NOREPLACE is 1 (linux/fs.h).
    private static let renameat2: RenameAt2? = dlsym(nil, "renameat2").map {
        unsafeBitCast($0, to: RenameAt2.self)
    }

    /// Renames, failing with EEXIST if `to` exists. The corresponding C function is
    /// `renameat2(RENAME_NOREPLACE)`; where the kernel or file system lacks it, an `lstat` check
    /// then `rename` (enough for our directories: a rename onto a non-empty one fails anyway).
    public static func renameNoReplace(_ from: String, _ to: String) throws {
        if let renameat2 {
            if renameat2(AT_FDCWD, from, AT_FDCWD, to, 1) == 0 { return }
            let code = Glibc.errno
            if code != EINVAL && code != ENOSYS {
                throw failure("renameat2", from, "cannot rename to \"\(to)\":")
            }
        }
        if try lstat(to) != nil {
            Glibc.errno = EEXIST
            throw failure("rename", from, "cannot rename to \"\(to)\":")
        }
        try rename(from, to)
    }

    /// A new hard link `new` to `existing`. The corresponding C function is `link`.
    public static func link(_ existing: String, _ new: String) throws {
        guard Glibc.link(existing, new) == 0 else { throw failure("link", existing, "cannot hard-link to \"\(new)\":") }
    }

    /// A symbolic link at `path` whose content is `target`. The corresponding C function is `symlink`.
    public static func symlink(target: String, at path: String) throws {
        guard Glibc.symlink(target, path) == 0 else { throw failure("symlink", path, "cannot create symlink") }
    }

    /// The content of the symlink at `path`, or nil if there is none. The corresponding C function is `readlink`.
    public static func readlink(_ path: String) throws -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = Glibc.readlink(path, &buffer, buffer.count - 1)
        if n < 0 {
            if Glibc.errno == ENOENT { return nil }
            throw failure("readlink", path, "cannot read symlink")
        }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The corresponding C function is `unlink`.
    public static func unlink(_ path: String) throws {
        guard Glibc.unlink(path) == 0 else { throw failure("unlink", path, "cannot remove") }
    }

    /// The corresponding C function is `rmdir`.
    public static func rmdir(_ path: String) throws {
        guard Glibc.rmdir(path) == 0 else { throw failure("rmdir", path, "cannot remove directory") }
    }

    /// The corresponding C function is `mkdir`.
    public static func mkdir(_ path: String, mode: UInt32 = 0o755) throws {
        guard Glibc.mkdir(path, mode_t(mode)) == 0 else { throw failure("mkdir", path, "cannot create directory") }
    }

    /// The entries of a directory, without "." and "..". The corresponding C functions are
    /// `opendir`, `readdir` and `closedir`; entries whose `d_type` is unknown are `lstat`ed.
    public static func listDirectory(_ path: String) throws -> [DirectoryEntry] {
        guard let dir = Glibc.opendir(path) else { throw failure("opendir", path, "cannot list directory") }
        defer { Glibc.closedir(dir) }
        var entries: [DirectoryEntry] = []
        while true {
            Glibc.errno = 0
            guard let entry = Glibc.readdir(dir) else {
                if Glibc.errno != 0 { throw failure("readdir", path, "cannot list directory") }
                return entries
            }
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            var isDirectory = Int32(entry.pointee.d_type) == DT_DIR
            var isSymlink = Int32(entry.pointee.d_type) == DT_LNK
            if Int32(entry.pointee.d_type) == DT_UNKNOWN, let info = try lstat(path + "/" + name) {
                isDirectory = info.kind == .directory
                isSymlink = info.kind == .symlink
            }
            entries.append(DirectoryEntry(name: name, isDirectory: isDirectory, isSymlink: isSymlink))
        }
    }

    /// Takes an exclusive lock on the open file if no one holds it. - Returns: false when
    /// another open file description holds it. The corresponding C function is
    /// `flock(LOCK_EX | LOCK_NB)`; the lock goes with `close`.
    public static func tryLockExclusive(_ fd: CInt, path: String) throws -> Bool {
        let flockFunction: (CInt, CInt) -> CInt = Glibc.flock(_:_:)
        if retrying({ flockFunction(fd, LOCK_EX | LOCK_NB) }) == 0 { return true }
        if Glibc.errno == EWOULDBLOCK { return false }
        throw failure("flock", path, "cannot lock")
    }

    /// Replaces the whole content of an open file with `bytes`. The corresponding C functions
    /// are `ftruncate` and `pwrite`.
    public static func overwrite(_ fd: CInt, _ bytes: [UInt8], path: String) throws {
        guard Glibc.ftruncate(fd, 0) == 0 else { throw failure("ftruncate", path, "cannot truncate") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.pwrite(fd, $0.baseAddress! + offset, $0.count - offset, off_t(offset))
            }
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                throw failure("pwrite", path, "cannot write")
            }
            offset += n
        }
    }

    /// Takes an exclusive lock on the open file, waiting for it. Locks belong to the open file
    /// description, so two `open`s in one process exclude each other too. The corresponding C
    /// function is `flock(LOCK_EX)`; the lock goes with `close`.
    public static func lockExclusive(_ fd: CInt, path: String) throws {
        // `flock` names both the function and a struct in Glibc: pick the function by type.
        let flockFunction: (CInt, CInt) -> CInt = Glibc.flock(_:_:)
        guard retrying({ flockFunction(fd, LOCK_EX) }) == 0 else { throw failure("flock", path, "cannot lock") }
    }
}

// MARK: Clocks, threads, standard error

extension Syscall {
    /// CLOCK_MONOTONIC in microseconds: the clock systemd reads MONOTONIC_USEC= and the watchdog
    /// against, and the daemon's heartbeat. (Swift's `ContinuousClock` counts CLOCK_BOOTTIME on
    /// Linux, which systemd does not use.) The corresponding C function is `clock_gettime`.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }

    /// Puts the calling thread under SCHED_IDLE: it runs only on CPU time nothing else wants (on
    /// Linux, policy and nice value belong to the thread). Returns nil, or the `errno` of a
    /// refusal. The corresponding C function is `sched_setscheduler`.
    public static func scheduleCurrentThreadIdle() -> Int32? {
        #if os(Linux)
        var parameters = sched_param()
        parameters.sched_priority = 0
        // SCHED_IDLE from <sched.h>, which the Glibc module leaves out without _GNU_SOURCE.
        let schedIdle: Int32 = 5
        return sched_setscheduler(0, schedIdle, &parameters) == 0 ? nil : Glibc.errno
        #else
        return ENOSYS
        #endif
    }

    /// Raises the calling thread's nice value by `increment`, to at most 19. The corresponding
    /// C functions are `getpriority` and `setpriority`.
    public static func lowerCurrentThreadPriority(by increment: Int32) {
        #if os(Linux)
        Glibc.errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        if Glibc.errno == 0 {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, current + increment))
        }
        #endif
    }

    /// The device and inode of an open descriptor (stderr, to compare with JOURNAL_STREAM), or
    /// nil when it is not open. The corresponding C function is `fstat`.
    public static func fileIdentity(_ descriptor: CInt) -> (device: UInt64, inode: UInt64)? {
        var s = stat()
        guard Glibc.fstat(descriptor, &s) == 0 else { return nil }
        return (UInt64(s.st_dev), UInt64(s.st_ino))
    }

    /// Writes all of `bytes` to stderr, in one `write` where the kernel allows, so lines from
    /// different threads do not interleave mid-line. Errors are ignored: there is nowhere left
    /// to report them. The corresponding C function is `write`.
    public static func writeStandardError(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && Glibc.errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    /// The unsigned lexicographic order of two byte strings, a proper prefix first: -1, 0 or 1.
    /// The corresponding C function is `memcmp`.
    @inlinable
    public static func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return a.count < b.count ? -1 : (a.count == b.count ? 0 : 1)
    }
}
