import MySQLSource
import Parquet

/// A per-row checksum that MySQL and the daemon compute alike, for reconciliation.
///
/// MySQL computes `CRC32(CONCAT_WS('|', <null flags>, e1, e2, ...))` where each `e` renders a
/// column as text in a form we can reproduce exactly from the published value (dates and times
/// with the column's own fraction digits, zero dates as NULL, text converted to utf8mb4). The
/// null flags ('0'/'1' per column that can be NULL when published) make NULL distinct from any
/// text. FLOAT, DOUBLE and TIME are
/// left out: MySQL's text for them cannot be matched bit for bit (docs/architecture.md).
struct RowChecksum {
    let columns: [SourceColumn]
    let included: [Int]
    private let flaggedColumns: [Int]

    init(columns: [SourceColumn]) {
        self.columns = columns
        included = columns.indices.filter {
            switch columns[$0].kind {
            case .float, .double, .time: false
            default: true
            }
        }
        flaggedColumns = included.filter { columns[$0].isNullable || columns[$0].kind.isDateLike }
    }

    /// Columns that may be NULL in the published copy: nullable ones, and dates (a zero date
    /// is published as NULL). Only these carry a null flag; NOT NULL columns need none.
    private var flagged: [Int] { flaggedColumns }

    /// The SQL expression of one row's checksum.
    var sql: String {
        let flags = flagged.map { i -> String in
            let c = "`" + columns[i].name + "`"
            return columns[i].kind.isDateLike
                ? "(\(c) IS NULL OR MONTH(\(c)) = 0 OR DAYOFMONTH(\(c)) = 0)" : "ISNULL(\(c))"
        }
        let flagText = flags.isEmpty ? "''" : "CONCAT(" + flags.joined(separator: ", ") + ")"
        return "CRC32(CONCAT_WS('|', \(flagText), " + included.map { expression(columns[$0]) }.joined(separator: ", ")
            + "))"
    }

    private func expression(_ column: SourceColumn) -> String {
        let c = "`" + column.name + "`"
        switch column.kind {
        case .date, .datetime, .timestamp:
            // As text with the column's own fraction digits; zero dates as NULL.
            return "IF(MONTH(\(c)) = 0 OR DAYOFMONTH(\(c)) = 0, NULL, \(c))"
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
        for i in flaggedColumns { scratch.append(batch.columns[i].isNull(row) ? UInt8(ascii: "1") : UInt8(ascii: "0")) }
        for i in included {
            let column = batch.columns[i]
            if column.isNull(row) { continue }
            scratch.append(UInt8(ascii: "|"))
            render(column, row: row, kind: columns[i].kind, into: &scratch)
        }
        return CRC32.checksum(scratch)
    }

    /// Appends the text MySQL's expression gives for the value, digit by digit: this runs for
    /// every published value during reconciliation, so it allocates nothing.
    private func render(_ column: Column, row: Int, kind: MySQLValueKind, into out: inout [UInt8]) {
        switch (column.values, kind) {
        case (.int32(let v), .integer(_, let signed)):
            signed
                ? Digits.append(Int64(v[row]), to: &out) : Digits.append(UInt64(UInt32(bitPattern: v[row])), to: &out)
        case (.int64(let v), .integer(_, let signed)):
            signed ? Digits.append(v[row], to: &out) : Digits.append(UInt64(bitPattern: v[row]), to: &out)
        case (.int32(let v), .year): Digits.append(Int64(v[row]), to: &out)
        case (.int64(let v), .bit): Digits.append(UInt64(bitPattern: v[row]), to: &out)
        case (.int32(let v), .bit): Digits.append(UInt64(UInt32(bitPattern: v[row])), to: &out)
        case (.int32(let v), .decimal(_, let scale)): Digits.appendDecimal(Int64(v[row]), scale: scale, to: &out)
        case (.int64(let v), .decimal(_, let scale)): Digits.appendDecimal(v[row], scale: scale, to: &out)
        case (.fixedLenByteArray(let v), .decimal(_, let scale)):
            out.append(contentsOf: DecimalText.format(bigEndian: v[row], scale: scale).utf8)
        case (.int32(let v), .date): CivilText.appendDate(days: Int(v[row]), to: &out)
        case (.int64(let v), .datetime(let digits)), (.int64(let v), .timestamp(let digits)):
            Digits.appendDateTime(micros: v[row], fractionDigits: digits, to: &out)
        case (.byteArray(let v), _): v.withValue(at: row) { out.append(contentsOf: $0) }
        case (.fixedLenByteArray(let v), _): out.append(contentsOf: v[row])
        case (.int64(let v), _): Digits.append(v[row], to: &out)
        case (.int32(let v), _): Digits.append(Int64(v[row]), to: &out)
        case (.boolean(let v), _): out.append(v[row] ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        default: break
        }
    }
}

/// Decimal text of numbers and date-times appended to a byte buffer, as MySQL writes them.
enum Digits {
    static func append(_ value: UInt64, to out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var v = value
        var n = 0
        withUnsafeMutableBytes(of: &buffer) { raw in
            while v > 0 {
                raw[23 - n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            }
            out.append(contentsOf: raw[(24 - n)...])
        }
    }

    static func append(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        append(value.magnitude, to: &out)
    }

    /// MySQL's DECIMAL text: an optional sign, the integer part (at least "0"), and exactly
    /// `scale` fraction digits.
    static func appendDecimal(_ unscaled: Int64, scale: Int, to out: inout [UInt8]) {
        if unscaled < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = unscaled.magnitude
        guard scale > 0 else { return append(magnitude, to: &out) }
        var divisor: UInt64 = 1
        for _ in 0..<scale { divisor *= 10 }
        append(magnitude / divisor, to: &out)
        out.append(UInt8(ascii: "."))
        CivilText.appendDigits(magnitude % divisor, width: scale, to: &out)
    }

    /// "YYYY-MM-DD HH:MM:SS[.f]", as MySQL writes a DATETIME(fractionDigits) as text.
    static func appendDateTime(micros: Int64, fractionDigits: Int = 6, to out: inout [UInt8]) {
        let (day, rest) = CivilText.floorDivide(micros, 86_400_000_000)
        CivilText.appendDate(days: Int(day), to: &out)
        out.append(UInt8(ascii: " "))
        CivilText.appendClock(seconds: UInt64(rest / 1_000_000), to: &out)
        CivilText.appendFraction(nanoseconds: UInt64(rest % 1_000_000) * 1000, digits: fractionDigits, to: &out)
    }
}
