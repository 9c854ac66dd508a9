#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file descriptor the writer appends to. The only place the writer makes system calls.
final class FileOutput {
    let path: String
    private var descriptor: Int32
    private let ownsDescriptor: Bool
    private(set) var position: Int = 0

    /// Creates (or truncates) `path` with mode 0644: published files are read by a web server.
    init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ParquetError(.io, "cannot create \(path)", errno: errno)
        }
        self.path = path
        descriptor = fd
        ownsDescriptor = true
    }

    init(fileDescriptor: Int32, path: String) {
        self.path = path
        descriptor = fileDescriptor
        ownsDescriptor = false
    }

    deinit {
        if ownsDescriptor && descriptor >= 0 { Glibc.close(descriptor) }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in try write(raw) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw ParquetError(.io, "cannot write to \(path)", errno: errno)
            }
            done += n
        }
        position += bytes.count
    }

    func sync() throws {
        if fsync(descriptor) != 0 {
            throw ParquetError(.io, "cannot fsync \(path)", errno: errno)
        }
    }

    func close() throws {
        guard ownsDescriptor, descriptor >= 0 else { return }
        let fd = descriptor
        descriptor = -1
        if Glibc.close(fd) != 0 {
            throw ParquetError(.io, "cannot close \(path)", errno: errno)
        }
    }
}
