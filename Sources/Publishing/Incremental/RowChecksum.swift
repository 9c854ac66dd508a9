import MySQLSource
import Parquet

/// A per-row checksum that MySQL and the daemon compute alike, for reconciliation.
///
/// MySQL computes `CRC32(CONCAT_WS('|', <null flags>, e1, e2, ...))` where each `e` renders a
/// column as text in a form we can reproduce exactly from the published value (dates through
/// DATE_FORMAT with six fraction digits, zero dates as NULL, text converted to utf8mb4). The
/// null flags ('0'/'1' per column) make NULL distinct from any text. FLOAT, DOUBLE and TIME are
/// left out: MySQL's text for them cannot be matched bit for bit (docs/architecture.md).
struct RowChecksum {
    let columns: [SourceColumn]
    let included: [Int]

    init(columns: [SourceColumn]) {
        self.columns = columns
        included = columns.indices.filter {
            switch columns[$0].kind {
            case .float, .double, .time: false
            default: true
            }
        }
    }

    /// The SQL expression of one row's checksum.
    var sql: String {
        let expressions = included.map { expression(columns[$0]) }
        let flags = "CONCAT(" + expressions.map { "ISNULL(\($0))" }.joined(separator: ", ") + ")"
        return "CRC32(CONCAT_WS('|', \(flags), " + expressions.joined(separator: ", ") + "))"
    }

    private func expression(_ column: SourceColumn) -> String {
        let c = "`" + column.name + "`"
        switch column.kind {
        case .date:
            return "IF(MONTH(\(c)) = 0 OR DAYOFMONTH(\(c)) = 0, NULL, DATE_FORMAT(\(c), '%Y-%m-%d'))"
        case .datetime, .timestamp:
            return "IF(MONTH(\(c)) = 0 OR DAYOFMONTH(\(c)) = 0, NULL, DATE_FORMAT(\(c), '%Y-%m-%d %H:%i:%s.%f'))"
        case .bit, .year:
            return "(\(c) + 0)"
        case .string, .enumeration, .set, .json:
            return "CONVERT(\(c) USING utf8mb4)"
        case .integer, .decimal, .binary, .float, .double, .time:
            return c
        }
    }

    /// The checksum of row `row` of `batch` (whose columns are `columns`, in order).
    func checksum(row: Int, of batch: RecordBatch, scratch: inout [UInt8]) -> UInt32 {
        scratch.removeAll(keepingCapacity: true)
        for i in included { scratch.append(batch.columns[i].isNull(row) ? UInt8(ascii: "1") : UInt8(ascii: "0")) }
        for i in included {
            let column = batch.columns[i]
            if column.isNull(row) { continue }
            scratch.append(UInt8(ascii: "|"))
            render(column, row: row, kind: columns[i].kind, into: &scratch)
        }
        return CRC32.checksum(scratch)
    }

    private func render(_ column: Column, row: Int, kind: MySQLValueKind, into out: inout [UInt8]) {
        func text(_ s: String) { out.append(contentsOf: s.utf8) }
        switch (column.values, kind) {
        case (.int32(let v), .integer(_, let signed)):
            text(signed ? String(v[row]) : String(UInt32(bitPattern: v[row])))
        case (.int64(let v), .integer(_, let signed)):
            text(signed ? String(v[row]) : String(UInt64(bitPattern: v[row])))
        case (.int32(let v), .year): text(String(v[row]))
        case (.int64(let v), .bit): text(String(UInt64(bitPattern: v[row])))
        case (.int32(let v), .bit): text(String(UInt32(bitPattern: v[row])))
        case (.int32(let v), .decimal(_, let scale)): text(DecimalText.format(unscaled: Int64(v[row]), scale: scale))
        case (.int64(let v), .decimal(_, let scale)): text(DecimalText.format(unscaled: v[row], scale: scale))
        case (.fixedLenByteArray(let v), .decimal(_, let scale)): text(DecimalText.format(bigEndian: v[row], scale: scale))
        case (.int32(let v), .date): text(CivilCalendar.formatDate(days: Int64(v[row])))
        case (.int64(let v), .datetime), (.int64(let v), .timestamp):
            text(CivilCalendar.formatDateTime(microseconds: v[row]))
        case (.byteArray(let v), _): out.append(contentsOf: v[row])
        case (.fixedLenByteArray(let v), _): out.append(contentsOf: v[row])
        case (.int64(let v), _): text(String(v[row]))
        case (.int32(let v), _): text(String(v[row]))
        case (.boolean(let v), _): text(v[row] ? "1" : "0")
        default: break
        }
    }
}

/// CRC-32 (IEEE 802.3, zlib's and MySQL's CRC32()).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        bytes.withUnsafeBufferPointer { b in
            table.withUnsafeBufferPointer { t in
                for byte in b { crc = t[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
