/// The 4-bit type codes of the Thrift compact protocol
/// (apache/thrift `doc/specs/thrift-compact-protocol.md`, "Struct encoding" and "List and Set").
///
/// Field headers carry booleans in the type nibble itself (`boolTrue` / `boolFalse`, no value
/// bytes). In list, set and map headers a boolean element type is written as 2 (`boolFalse`);
/// some implementations write 1, and readers accept either.
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

    /// The element type code for booleans in list, set and map headers.
    public static let bool: ThriftCompactType = .boolFalse

    /// Whether this code stands for a boolean (either nibble value).
    public var isBool: Bool { self == .boolTrue || self == .boolFalse }
}
