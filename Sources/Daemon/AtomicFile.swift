import Glibc

/// Replaces small files whole: a hidden temporary file beside the target, written and fsynced,
/// then renamed over it, so a reader (a dashboard fetching status.json, node_exporter reading
/// the metrics) sees the old content or the new, never a torn one. The only file in the module
/// that makes these calls.
enum AtomicFile {
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var operation: String
        var errno: Int32
        var description: String { "cannot \(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))" }
    }

    /// Writes `bytes` to `path` atomically with `mode` (subject to the umask).
    static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o644) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(path: temporary, operation: "create", errno: errno) }
        var failure: Failure?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    failure = Failure(path: temporary, operation: "write", errno: errno)
                    return
                }
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = Failure(path: temporary, operation: "fsync", errno: errno) }
        close(fd)
        if failure == nil && rename(temporary, path) != 0 {
            failure = Failure(path: path, operation: "rename into", errno: errno)
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }
}
