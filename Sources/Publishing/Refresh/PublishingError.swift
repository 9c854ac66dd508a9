/// A failure of a refresh or publish, naming the dataset, column or file involved, with
/// the underlying error (MySQL, Parquet, file system) as its cause.
public struct PublishingError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case unsupportedPartitionColumn
        case missingColumn
        /// The table named by `table` does not exist or the user cannot see it.
        case missingTable
        case unsupportedType
        case sourceFailed
        case encodingFailed
        case publishFailed
        case stateUnreadable
        case cancelled
        /// Another process (or thread) holds the dataset's lock: it is refreshing the dataset.
        case locked
        /// The source breaks a promise the dataset relies on: a key that is not unique.
        case duplicateKey
        /// A published file is not what was published (its checksum or its pages differ).
        case corruptPublishedFile
    }

    public var code: Code
    public var message: String
    public var dataset: String?
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, dataset: String? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.dataset = dataset
        self.cause = cause
    }

    public var description: String {
        var text = dataset.map { "dataset \"\($0)\": " } ?? ""
        text += message
        if let cause { text += ": \(cause)" }
        return text
    }
}
