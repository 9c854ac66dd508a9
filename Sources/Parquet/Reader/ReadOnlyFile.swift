#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for positional reads. The only place the reader makes system calls.
///
/// Reads go through `pread`, which takes its own offset, so column chunks of one file can be
/// read from several threads at once without sharing a file position.
final class ReadOnlyFile: Sendable {
    let path: String
    let size: Int
    private let descriptor: Int32

    /// The corresponding C functions are `open` and `fstat`.
    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ParquetError(.io, "cannot open \(path)", errno: errno)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = errno
            close(fd)
            throw ParquetError(.io, "cannot stat \(path)", errno: error)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ParquetError(.invalidArgument, "\(path) is not a regular file")
        }
        self.path = path
        self.size = Int(info.st_size)
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    /// Reads exactly `count` bytes at `offset`. The corresponding C function is `pread`.
    func read(at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw ParquetError(
                .corruptFile,
                "\(path): bytes \(offset)..<\(offset + count) lie outside the file of \(size) bytes"
            )
        }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ParquetError(.io, "cannot read \(count) bytes at offset \(offset) of \(path)", errno: errno)
                }
                if n == 0 {
                    throw ParquetError(
                        .io,
                        """
                        \(path) ended at byte \(offset + done) while reading \(count) bytes at offset \(offset); was \
                        it truncated?
                        """
                    )
                }
                done += n
            }
            initialized = count
        }
    }
}
