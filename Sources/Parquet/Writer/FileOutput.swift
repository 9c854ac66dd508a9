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

    /// Starts writing `count` bytes from `offset` to disk without waiting for them. Only a
    /// hint: where the system has no such call, or refuses it, the later fsync does the work.
    func startWriteback(offset: Int, count: Int) {
        #if os(Linux)
        _ = Self.syncFileRange?(descriptor, Int64(offset), Int64(count), 2)
        #endif
    }

    #if os(Linux)
    private typealias SyncFileRange = @convention(c) (CInt, Int64, Int64, CUnsignedInt) -> CInt
    /// glibc declares `sync_file_range` only under _GNU_SOURCE, which the Glibc module does not
    /// set, so it is looked up at run time. Flag 2 is SYNC_FILE_RANGE_WRITE (start, do not wait).
    private static let syncFileRange: SyncFileRange? = dlsym(nil, "sync_file_range").map {
        unsafeBitCast($0, to: SyncFileRange.self)
    }
    #endif

    func close() throws {
        guard ownsDescriptor, descriptor >= 0 else { return }
        let fd = descriptor
        descriptor = -1
        if Glibc.close(fd) != 0 {
            throw ParquetError(.io, "cannot close \(path)", errno: errno)
        }
    }
}
