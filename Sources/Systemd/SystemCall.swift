import Glibc

/// The few plain libc calls the module makes, in one place (libsystemd's own calls live in
/// `SystemdNotifier` and `JournaldLogHandler`).
enum SystemCall {
    /// The device and inode of an open descriptor. The corresponding C function is `fstat`.
    static func fileIdentity(_ descriptor: Int32) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// CLOCK_MONOTONIC in microseconds: the clock systemd's MONOTONIC_USEC= and watchdog use.
    /// The corresponding C function is `clock_gettime`.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }

    /// Writes all of `bytes` to stderr, in one `write` where the kernel allows, so lines from
    /// different threads do not interleave mid-line.
    static func writeStandardError(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
