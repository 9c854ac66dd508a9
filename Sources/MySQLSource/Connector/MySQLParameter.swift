/// A value bound to a `?` placeholder of a prepared statement.
///
/// Parameters travel in the binary protocol, never spliced into SQL text, so values from the
/// configuration or from fetched rows need no escaping.
public enum MySQLParameter: Sendable, Hashable {
    case int64(Int64)
    case uint64(UInt64)
    case double(Double)
    /// Text in the connection character set (utf8mb4).
    case string(String)
    /// Binary data, compared byte by byte.
    case bytes([UInt8])
    /// A DATETIME: microseconds since 1970-01-01 00:00:00. With the session's
    /// `time_zone = '+00:00'` it compares correctly with TIMESTAMP columns too.
    case datetime(microseconds: Int64)
    /// A DATE: days since 1970-01-01.
    case date(days: Int32)
    case null
}

extension MySQLParameter: CustomStringConvertible {
    public var description: String {
        switch self {
        case .int64(let v): "\(v)"
        case .uint64(let v): "\(v)"
        case .double(let v): "\(v)"
        case .string(let v): "'\(v)'"
        case .bytes(let v): "0x" + v.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        case .datetime(let micros): "'\(CivilCalendar.formatDateTime(microseconds: micros))'"
        case .date(let days): "'\(CivilCalendar.formatDate(days: Int64(days)))'"
        case .null: "NULL"
        }
    }
}
