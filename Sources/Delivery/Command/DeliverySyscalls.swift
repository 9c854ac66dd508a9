// Every system call the Delivery module makes, as thin wrappers in one file (the way Publishing
// keeps Support/Syscalls.swift): reading a child's pipes with a deadline, signalling its process
// group, and the per-target lock between processes. Nothing else in this module imports Glibc.

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

enum DeliverySyscall {
    /// "No such file or directory (errno 2)". The corresponding C function is `strerror`.
    static func describe(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }

    static var errno: Int32 { Glibc.errno }

    /// What `poll` saw on one descriptor.
    struct Readiness {
        /// Data to read, or end of file / a hang-up (a read then returns 0).
        var readable: Bool
    }

    /// Waits until one of `descriptors` can be read or `milliseconds` pass (EINTR counts as a
    /// timeout: the caller loops anyway). The corresponding C function is `poll`.
    static func poll(_ descriptors: [Int32], milliseconds: Int32) -> [Readiness] {
        var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let result = fds.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, nfds_t($0.count), milliseconds) }
        guard result > 0 else { return descriptors.map { _ in Readiness(readable: false) } }
        return fds.map { Readiness(readable: $0.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0) }
    }

    /// Reads what is there (at most `capacity` bytes); an empty array at end of file, nil when
    /// nothing is there yet. The corresponding C function is `read`.
    static func read(_ fd: Int32, capacity: Int = 64 * 1024) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: capacity)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n >= 0 { return Array(buffer[0..<n]) }
            if Glibc.errno == EINTR { continue }
            if Glibc.errno == EAGAIN { return nil }
            return []  // A broken pipe reads as its end.
        }
    }

    /// Makes reads on `fd` return at once when nothing is there. The corresponding C function is `fcntl`.
    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    /// The process group of `pid`, nil when it cannot be known. The corresponding C function is `getpgid`.
    static func processGroup(of pid: Int32) -> Int32? {
        let group = getpgid(pid)
        return group > 0 ? group : nil
    }

    /// Sends `signal` to every process of group `group`; false when none is left (ESRCH). The
    /// corresponding C function is `kill` with a negative pid.
    @discardableResult
    static func signalGroup(_ group: Int32, _ signal: Int32) -> Bool {
        Glibc.kill(-group, signal) == 0
    }

    /// Sends `signal` to one process. The corresponding C function is `kill`.
    @discardableResult
    static func signalProcess(_ pid: Int32, _ signal: Int32) -> Bool {
        Glibc.kill(pid, signal) == 0
    }

    /// Renames `from` over `to` atomically; the error when it fails. The corresponding C function is `rename`.
    static func rename(_ from: String, _ to: String) -> FileFailure? {
        Glibc.rename(from, to) == 0 ? nil : FileFailure(path: to, function: "rename", errno: Glibc.errno)
    }

    static let terminate = SIGTERM
    static let kill = SIGKILL

    /// Opens (creating) `path` and takes an exclusive lock on it without waiting.
    /// - Returns: the descriptor holding the lock, or nil when another open file holds it.
    /// - Throws: the errno when the file cannot be opened or locked for another reason.
    /// The corresponding C functions are `open` and `flock(LOCK_EX | LOCK_NB)`.
    static func tryLock(_ path: String) throws(FileFailure) -> Int32? {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileFailure(path: path, function: "open", errno: Glibc.errno) }
        let flockFunction: (Int32, Int32) -> Int32 = Glibc.flock(_:_:)
        while flockFunction(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = Glibc.errno
            if code == EINTR { continue }
            close(fd)
            if code == EWOULDBLOCK { return nil }
            throw FileFailure(path: path, function: "flock", errno: code)
        }
        return fd
    }

    /// Closes a descriptor (a lock goes with it). The corresponding C function is `close`.
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// A call on a file that failed: the path, the C function and its errno.
    struct FileFailure: Error, CustomStringConvertible {
        var path: String
        var function: String
        var errno: Int32
        var description: String { "\(function) \(path): \(DeliverySyscall.describe(errno))" }
    }
}
