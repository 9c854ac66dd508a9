/// A rollup that cannot be computed or published, naming the rollup, the configuration key or
/// the bucket involved, with the underlying error (Parquet, file system) as its cause.
public struct RollupError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        /// The definition names a column the base does not have.
        case missingColumn
        /// A function or filter does not apply to the column's type (`sum` over a string).
        case unsupportedType
        /// An integer or decimal sum left its type's range.
        case overflow
        /// Reading the base's files or writing the rollup's failed.
        case ioFailed
    }

    public var code: Code
    public var rollup: String
    /// The configuration key at fault ("measures.gmv", "group_by"), when there is one.
    public var key: String?
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(
        _ code: Code,
        rollup: String,
        key: String? = nil,
        _ message: String,
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.rollup = rollup
        self.key = key
        self.message = message
        self.cause = cause
    }

    public var description: String {
        var text = "rollup \"\(rollup)\": "
        if let key { text += "key \"\(key)\": " }
        text += message
        if let cause { text += ": \(cause)" }
        return text
    }
}
