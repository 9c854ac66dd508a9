import SystemSupport

/// Text for single Parquet values, per their logical type: what `inspect` shows for
/// statistics, and what tests and logs print for a row.
///
/// Exact where the type is exact: decimals from their unscaled integer and scale, never
/// through a Double; dates and timestamps by integer arithmetic in the proleptic Gregorian
/// calendar (LogicalTypes.md, DATE and TIMESTAMP), so the extremes of INT64 format too.
public enum ParquetValueFormatter {
    /// A statistics value (PLAIN-encoded, no length prefix) of `column`.
    public static func format(plainEncoded bytes: [UInt8], for column: ColumnDescriptor) -> String {
        func load<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        let invalid = "0x\(hex(bytes)) (invalid \(column.physicalType.name) value of \(bytes.count) bytes)"
        switch column.physicalType {
        case .boolean:
            guard bytes.count == 1 else { return invalid }
            return bytes[0] != 0 ? "true" : "false"
        case .int32:
            guard let v = load(Int32.self) else { return invalid }
            return format(integer: Int64(v), bitWidth: 32, logicalType: column.logicalType)
        case .int64:
            guard let v = load(Int64.self) else { return invalid }
            return format(integer: v, bitWidth: 64, logicalType: column.logicalType)
        case .float:
            guard let v = load(UInt32.self) else { return invalid }
            return "\(Float(bitPattern: v))"
        case .double:
            guard let v = load(UInt64.self) else { return invalid }
            return "\(Double(bitPattern: v))"
        case .int96:
            return "0x" + hex(bytes)
        case .byteArray, .fixedLenByteArray:
            return format(bytes: bytes, logicalType: column.logicalType)
        }
    }

    /// Row `row` of `column`, read as `descriptor`; nil when the row is null.
    public static func format(_ column: Column, row: Int, as descriptor: ColumnDescriptor) -> String? {
        if column.isNull(row) { return nil }
        switch column.values {
        case .boolean(let v): return v[row] ? "true" : "false"
        case .int32(let v): return format(integer: Int64(v[row]), bitWidth: 32, logicalType: descriptor.logicalType)
        case .int64(let v): return format(integer: v[row], bitWidth: 64, logicalType: descriptor.logicalType)
        case .float(let v): return "\(v[row])"
        case .double(let v): return "\(v[row])"
        case .byteArray(let v): return format(bytes: Array(v[row]), logicalType: descriptor.logicalType)
        case .fixedLenByteArray(let v): return format(bytes: Array(v[row]), logicalType: descriptor.logicalType)
        }
    }

    // MARK: By type

    static func format(integer value: Int64, bitWidth: Int, logicalType: LogicalType?) -> String {
        switch logicalType {
        case .integer(_, false)?:
            return bitWidth == 32 ? String(UInt32(truncatingIfNeeded: value)) : String(UInt64(bitPattern: value))
        case .decimal(_, let scale)?:
            return decimal(unscaled: value, scale: scale)
        case .date?:
            return date(days: value)
        case .time(let unit, let utc)?:
            return time(value, unit: unit) + (utc ? "Z" : "")
        case .timestamp(let unit, let utc)?:
            return timestamp(value, unit: unit, adjustedToUTC: utc)
        default:
            return String(value)
        }
    }

    static func format(bytes: [UInt8], logicalType: LogicalType?) -> String {
        switch logicalType {
        case .string?, .json?, .enumeration?:
            return String(decoding: bytes, as: UTF8.self)
        case .decimal(_, let scale)?:
            return decimal(bigEndian: bytes, scale: scale)
        case .uuid? where bytes.count == 16:
            let h = hex(bytes)
            let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { r in
                String(h[h.index(h.startIndex, offsetBy: r.lowerBound)..<h.index(h.startIndex, offsetBy: r.upperBound)])
            }
            return parts.joined(separator: "-")
        default:
            return "0x" + hex(bytes)
        }
    }

    // MARK: Decimals

    /// `unscaled × 10^-scale` written out exactly: "-12.34", "0.005", "1200".
    public static func decimal(unscaled: Int64, scale: Int) -> String {
        place(digits: String(unscaled.magnitude), negative: unscaled < 0, scale: scale)
    }

    /// A decimal whose unscaled value is big-endian two's complement of any width (DECIMAL on
    /// FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY).
    public static func decimal(bigEndian bytes: [UInt8], scale: Int) -> String {
        let (digits, negative) = magnitudeDigits(bigEndian: bytes)
        return place(digits: digits, negative: negative, scale: scale)
    }

    /// The integer a big-endian two's complement byte string holds, in decimal ("-1" for FF FF).
    public static func integer(bigEndian bytes: [UInt8]) -> String {
        let (digits, negative) = magnitudeDigits(bigEndian: bytes)
        return negative && digits != "0" ? "-" + digits : digits
    }

    private static func magnitudeDigits(bigEndian bytes: [UInt8]) -> (String, Bool) {
        guard let first = bytes.first else { return ("0", false) }
        let negative = first & 0x80 != 0
        var magnitude = bytes
        if negative {
            // Two's complement negation: invert, add one.
            var carry = 1
            for i in magnitude.indices.reversed() {
                let v = Int(~magnitude[i]) + carry
                magnitude[i] = UInt8(truncatingIfNeeded: v)
                carry = v >> 8
            }
        }
        // Repeated division by 10 of the big-endian number, least significant digit first.
        var digits: [UInt8] = []
        var start = 0
        while start < magnitude.count {
            if magnitude[start] == 0 {
                start += 1
                continue
            }
            var remainder = 0
            for i in start..<magnitude.count {
                let v = remainder << 8 | Int(magnitude[i])
                magnitude[i] = UInt8(v / 10)
                remainder = v % 10
            }
            digits.append(UInt8(remainder) + UInt8(ascii: "0"))
        }
        if digits.isEmpty { return ("0", negative) }
        return (String(decoding: digits.reversed(), as: UTF8.self), negative)
    }

    private static func place(digits: String, negative: Bool, scale: Int) -> String {
        var text = digits
        if scale > 0 {
            if text.count <= scale { text = String(repeating: "0", count: scale - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -scale))
        } else if scale < 0 && digits != "0" {
            text += String(repeating: "0", count: -scale)
        }
        return negative && digits != "0" ? "-" + text : text
    }

    // MARK: Dates and times

    /// ISO 8601 date of `days` since 1970-01-01 ("1970-01-01", "-0001-12-31", "+12345-01-01").
    public static func date(days: Int64) -> String {
        CivilText.string { CivilText.appendDate(days: Int(days), to: &$0) }
    }

    /// ISO 8601 timestamp with as many fraction digits as the unit has (3, 6 or 9), and "Z"
    /// when the value is UTC-adjusted (an instant) rather than local wall-clock time.
    public static func timestamp(_ value: Int64, unit: TimeUnit, adjustedToUTC: Bool) -> String {
        let (seconds, fraction) = CivilText.floorDivide(value, unit.perSecond)
        let (days, secondOfDay) = CivilText.floorDivide(seconds, 86_400)
        return CivilText.string { out in
            CivilText.appendDate(days: Int(days), to: &out)
            out.append(UInt8(ascii: "T"))
            appendClock(secondOfDay, fraction: fraction, unit: unit, to: &out)
            if adjustedToUTC { out.append(UInt8(ascii: "Z")) }
        }
    }

    /// Time of day ("13:45:00.250") from a count of `unit` since midnight.
    public static func time(_ value: Int64, unit: TimeUnit) -> String {
        let (seconds, fraction) = CivilText.floorDivide(value, unit.perSecond)
        return CivilText.string { appendClock(seconds, fraction: fraction, unit: unit, to: &$0) }
    }

    private static func appendClock(_ seconds: Int64, fraction: Int64, unit: TimeUnit, to out: inout [UInt8]) {
        if seconds < 0 { out.append(UInt8(ascii: "-")) }
        CivilText.appendClock(seconds: seconds.magnitude, to: &out)
        CivilText.appendFraction(
            nanoseconds: UInt64(fraction) * UInt64(1_000_000_000 / unit.perSecond),
            digits: unit.digits,
            to: &out
        )
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension TimeUnit {
    var perSecond: Int64 {
        switch self {
        case .millis: 1_000
        case .micros: 1_000_000
        case .nanos: 1_000_000_000
        }
    }

    var digits: Int {
        switch self {
        case .millis: 3
        case .micros: 6
        case .nanos: 9
        }
    }
}
