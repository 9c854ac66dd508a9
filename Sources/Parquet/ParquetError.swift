/// An error from writing or reading Parquet, with enough context to act on: what kind of
/// failure, a message naming the file, column or page, and the underlying cause.
public struct ParquetError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case invalidArgument
        case schemaMismatch
        case io
        case compression
        case corruptFile
        case corruptPage
        case unsupported
    }

    public var code: Code
    public var message: String
    /// The errno of a failed system call, when there was one.
    public var errno: Int32?
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, errno: Int32? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
        self.cause = cause
    }

    public var description: String {
        var text = message
        if let errno { text += " (errno \(errno): \(String(cString: strerror(errno))))" }
        if let cause { text += ": \(cause)" }
        return text
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
