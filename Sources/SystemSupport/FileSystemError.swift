/// An error from the file system: what we were doing, on which path, and the C detail.
///
/// Modelled on NIOFS's `FileSystemError`: a broad code to branch on, a message a person can act
/// on, the failing C function with its `errno`, and where in our code it was raised.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
    /// A broad classification, stable enough to branch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let notFound = Code("notFound")
        public static let alreadyExists = Code("alreadyExists")
        public static let permissionDenied = Code("permissionDenied")
        public static let notEmpty = Code("notEmpty")
        public static let noSpace = Code("noSpace")
        public static let invalidArgument = Code("invalidArgument")
        /// Something on disk is not what this program wrote (a malformed `current` link, say).
        public static let unexpectedContent = Code("unexpectedContent")
        /// The object is in the wrong state for the call (a committed staging version, say).
        public static let invalidState = Code("invalidState")
        public static let systemCallFailed = Code("systemCallFailed")

        static func forErrno(_ errno: Int32) -> Code {
            switch errno {
            case SystemErrno.ENOENT: return .notFound
            case SystemErrno.EEXIST: return .alreadyExists
            case SystemErrno.EACCES, SystemErrno.EPERM: return .permissionDenied
            case SystemErrno.ENOTEMPTY: return .notEmpty
            case SystemErrno.ENOSPC, SystemErrno.EDQUOT: return .noSpace
            case SystemErrno.EINVAL: return .invalidArgument
            default: return .systemCallFailed
            }
        }
    }

    public var code: Code
    /// What went wrong, naming the path.
    public var message: String
    /// The path the operation was on (the first one, for rename and link).
    public var path: String
    /// The C function that failed, e.g. `open`; nil when the error is ours, not the kernel's.
    public var function: String?
    /// `errno` as the C function left it.
    public var errno: Int32?
    public var cause: (any Error & Sendable)?
    public var file: String
    public var line: Int

    public init(
        code: Code,
        message: String,
        path: String,
        function: String? = nil,
        errno: Int32? = nil,
        cause: (any Error & Sendable)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.function = function
        self.errno = errno
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let function, let errno {
            text += " (\(function): \(SystemErrno.describe(errno)))"
        }
        if let cause {
            text += " (cause: \(cause))"
        }
        return text
    }
}
