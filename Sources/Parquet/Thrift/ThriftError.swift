/// A Thrift compact-protocol decoding failure: what went wrong, in words that name the
/// struct and field where we know them, and the byte offset where it went wrong.
///
/// Decoding never traps on hostile or truncated input; every such case ends up here.
public struct ThriftError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, for callers that react to some kinds differently.
    public enum Code: String, Hashable, Sendable {
        /// The input ended in the middle of a value.
        case truncated
        /// A type nibble that the compact protocol does not define, or a type where a
        /// different one is required (a list of i32 where a list of structs belongs).
        case invalidType
        /// A length or element count that is negative or larger than the bytes left.
        case invalidLength
        /// A varint longer than its type allows, or a value out of its type's range.
        case invalidValue
        /// A value of a Parquet enum (codec, encoding, type...) this implementation does not know.
        case unknownEnumValue
        /// A required field of a Parquet struct was absent.
        case missingRequiredField
        /// Structs or containers nested deeper than ``ThriftCompactReader/maximumDepth``.
        case nestingTooDeep
    }

    public var code: Code
    /// A human sentence; names the Parquet struct and field when the decoder knows them.
    public var message: String
    /// Byte offset of the failure in the reader's input, plus the reader's `baseOffset`
    /// (so a footer decoded with its file position as base reports file offsets).
    public var offset: Int

    public init(code: Code, message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String {
        "Thrift \(code.rawValue) at byte \(offset): \(message)"
    }
}
