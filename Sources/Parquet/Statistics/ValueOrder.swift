/// The order in which min/max statistics compare values of a column, as the type-defined
/// order of parquet.thrift's ColumnOrder prescribes for its logical type.
public enum ValueOrder: Sendable {
    /// false < true.
    case boolean
    /// Two's complement integers (plain INT32/INT64, DATE, TIMESTAMP, TIME, DECIMAL on ints).
    case signed
    /// UINT_8..UINT_64 annotations: the same bits, compared unsigned.
    case unsigned
    /// IEEE 754 order with NaN left out of min/max (the spec's rule for FLOAT/DOUBLE).
    case floating
    /// Unsigned byte-wise lexicographic (strings, JSON, binary).
    case bytes
    /// Big-endian two's complement of equal width (DECIMAL on FIXED_LEN_BYTE_ARRAY).
    case signedBytes
}

extension ColumnDescriptor {
    public var valueOrder: ValueOrder {
        switch physicalType {
        case .boolean: return .boolean
        case .int32, .int64, .int96:
            if case .integer(_, let signed)? = logicalType, !signed { return .unsigned }
            return .signed
        case .float, .double: return .floating
        case .byteArray, .fixedLenByteArray:
            if case .decimal? = logicalType { return .signedBytes }
            return .bytes
        }
    }

    /// The deprecated Statistics.min/max fields were defined with signed comparison only;
    /// writing them for unsigned or byte-wise columns would mislead old readers.
    var allowsLegacyMinMax: Bool {
        switch valueOrder {
        case .boolean, .signed, .floating: return true
        case .unsigned, .bytes, .signedBytes: return false
        }
    }
}

/// Comparison of PLAIN-encoded single values (as stored in statistics) in a column's order.
public enum EncodedValueComparison {
    public static func less(_ a: [UInt8], _ b: [UInt8], physicalType: PhysicalType, order: ValueOrder) -> Bool {
        switch (physicalType, order) {
        case (.boolean, _):
            return a[0] < b[0]
        case (.int32, .unsigned):
            return load(a, UInt32.self) < load(b, UInt32.self)
        case (.int32, _):
            return load(a, Int32.self) < load(b, Int32.self)
        case (.int64, .unsigned):
            return load(a, UInt64.self) < load(b, UInt64.self)
        case (.int64, _), (.int96, _):
            return load(a, Int64.self) < load(b, Int64.self)
        case (.float, _):
            return Float(bitPattern: load(a, UInt32.self)) < Float(bitPattern: load(b, UInt32.self))
        case (.double, _):
            return Double(bitPattern: load(a, UInt64.self)) < Double(bitPattern: load(b, UInt64.self))
        case (_, .signedBytes):
            return a.withUnsafeBytes { x in b.withUnsafeBytes { y in signedBytesLess(x, y) } }
        default:
            return a.withUnsafeBytes { x in b.withUnsafeBytes { y in bytesLess(x, y) } }
        }
    }

    @inline(__always)
    static func load<T: FixedWidthInteger>(_ bytes: [UInt8], _: T.Type) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
    }

    /// Unsigned lexicographic order; a proper prefix sorts first.
    @inline(__always)
    static func bytesLess(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return c < 0 }
        }
        return a.count < b.count
    }

    /// Big-endian two's complement; values of different widths are sign-extended first.
    static func signedBytesLess(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let width = max(a.count, b.count)
        func byte(_ x: UnsafeRawBufferPointer, _ i: Int) -> UInt8 {
            let pad = width - x.count
            if i < pad { return x.count > 0 && x[0] & 0x80 != 0 ? 0xFF : 0 }
            return x[i - pad]
        }
        for i in 0..<width {
            var x = byte(a, i)
            var y = byte(b, i)
            if i == 0 {
                x ^= 0x80
                y ^= 0x80
            }
            if x != y { return x < y }
        }
        return false
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
