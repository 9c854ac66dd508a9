/// The 4-bit type codes of the Thrift compact protocol
/// (apache/thrift `doc/specs/thrift-compact-protocol.md`, "Struct encoding" and "List and Set").
///
/// Field headers carry booleans in the type nibble itself (`boolTrue` / `boolFalse`, no value
/// bytes). In list, set and map headers the spec text gives 2 for a boolean element type, but the
/// C++ and Java libraries (so pyarrow and parquet-java) write 1; we write 1 like them, since every
/// reader of real Parquet files must accept it, and read either.
public enum ThriftCompactType: UInt8, Sendable, Hashable, CaseIterable {
    case stop = 0
    case boolTrue = 1
    case boolFalse = 2
    case i8 = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    /// Binary and string values: a varint length, then the bytes.
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    /// Structs and unions alike.
    case `struct` = 12
    /// 16 raw bytes, no length prefix.
    case uuid = 13

    /// The element type code we write for booleans in list, set and map headers (see above).
    public static let bool: ThriftCompactType = .boolTrue

    /// Whether this code stands for a boolean (either nibble value).
    public var isBool: Bool { self == .boolTrue || self == .boolFalse }
}
