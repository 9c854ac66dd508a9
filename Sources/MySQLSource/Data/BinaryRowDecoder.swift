import Parquet

/// Decodes rows of the binary protocol where the connector received them, straight into the
/// batch's `FetchColumn`s.
///
/// Connector/C hands over each column of each fetched row (its result callback,
/// `STMT_ATTR_CB_RESULT`) instead of converting the value into a bound buffer that would then
/// be copied again: every value is read once, from the packet, and stored once. The connector
/// finds the next column where the callback says this one ends, so `decode` always returns the
/// value's length on the wire, also when the value cannot be stored: that failure is kept
/// (`failure`) and thrown by the stream once the fetch returns.
///
/// Wire formats (MySQL's "Binary Protocol Value"): integers and floats little-endian at their
/// width (MEDIUMINT in 4 bytes); DATE, DATETIME and TIMESTAMP as a length byte (0, 4, 7 or 11)
/// then year, month, day, hour, minute, second, microsecond; TIME as a length byte (0, 8 or
/// 12) then sign, days, hour, minute, second, microsecond; everything else (DECIMAL text,
/// strings, blobs, BIT, JSON, ENUM, SET) as a length-encoded integer then the bytes.
final class BinaryRowDecoder {
    let columns: [SourceColumn]
    /// The batch being filled, one per column; valid from `prepare` to `finish`.
    private let output: UnsafeMutablePointer<FetchColumn>
    private let decodings: UnsafeMutablePointer<ValueDecoding>
    private let isOptional: UnsafeMutablePointer<Bool>
    /// Per column: zero dates at `c`, invalid dates at `count + c`.
    private let dateProblems: UnsafeMutablePointer<Int>
    /// Per column: the last valid date's wire bytes (year, month, day) with bit 32 set (0: none
    /// yet), and its day number.
    private let dayKeys: UnsafeMutablePointer<UInt64>
    private let dayNumbers: UnsafeMutablePointer<Int>
    /// The bytes of one FIXED_LEN_BYTE_ARRAY decimal.
    private let wideDecimal = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 16)
    /// The row of the batch the next fetched values belong to.
    var row = 0
    /// The first value that could not be stored since `prepare`.
    private(set) var failure: MySQLError?

    init(columns: [SourceColumn], decodings: [ValueDecoding]) {
        precondition(columns.count == decodings.count)
        self.columns = columns
        let n = max(1, columns.count)
        output = .allocate(capacity: n)
        output.initialize(from: columns.map { FetchColumn(for: $0.parquet) }, count: columns.count)
        self.decodings = .allocate(capacity: n)
        self.decodings.initialize(from: decodings, count: decodings.count)
        isOptional = .allocate(capacity: n)
        isOptional.initialize(from: columns.map(\.parquet.isOptional), count: columns.count)
        dateProblems = .allocate(capacity: 2 * n)
        dateProblems.initialize(repeating: 0, count: 2 * n)
        dayKeys = .allocate(capacity: n)
        dayKeys.initialize(repeating: 0, count: n)
        dayNumbers = .allocate(capacity: n)
        dayNumbers.initialize(repeating: 0, count: n)
    }

    deinit {
        for c in 0..<columns.count { output[c].deallocate() }
        output.deinitialize(count: columns.count)
        output.deallocate()
        decodings.deinitialize(count: columns.count)
        decodings.deallocate()
        isOptional.deallocate()
        dateProblems.deallocate()
        dayKeys.deallocate()
        dayNumbers.deallocate()
        wideDecimal.deallocate()
    }

    /// Starts a batch of up to `rows` rows.
    func prepare(rows: Int) {
        for c in 0..<columns.count { output[c].prepare(rows: rows) }
        row = 0
        failure = nil
    }

    /// The first `rows` rows of the batch as columns; the memory stays for the next batch.
    func finish(rows: Int) -> [Column] {
        (0..<columns.count).map { output[$0].finish(rows: rows) }
    }

    /// Values published as NULL because MySQL held a zero or invalid date, so far.
    var warnings: FetchWarnings {
        var warnings = FetchWarnings()
        for (c, column) in columns.enumerated() {
            let zero = dateProblems[c]
            let invalid = dateProblems[columns.count + c]
            if zero > 0 { warnings.zeroDates[column.name] = zero }
            if invalid > 0 { warnings.invalidDates[column.name] = invalid }
        }
        return warnings
    }

    /// Stores the value of column `c` of the current row, which starts at `value` (nil for
    /// NULL), and returns how many bytes it takes on the wire.
    @inline(__always)
    func decode(column c: Int, value: UnsafePointer<UInt8>?) -> Int {
        let out = output + c
        guard let p = value else {
            if !isOptional[c] {
                fail(
                    MySQLError(
                        .invalidValue,
                        """
                        column \(columns[c].name) is NOT NULL in its description but the server sent NULL; describe \
                        the table again
                        """
                    )
                )
            }
            out.pointee.storeNull(at: row)
            return 0
        }
        let raw = UnsafeRawPointer(p)
        let decoding = decodings + c
        switch decoding.pointee.kind {
        case .int8:
            out.pointee.store(Int32(Int8(bitPattern: p[0])), at: row)
            return 1
        case .uint8:
            out.pointee.store(Int32(p[0]), at: row)
            return 1
        case .int16:
            out.pointee.store(Int32(Int16(littleEndian: raw.loadUnaligned(as: Int16.self))), at: row)
            return 2
        case .uint16:
            out.pointee.store(Int32(UInt16(littleEndian: raw.loadUnaligned(as: UInt16.self))), at: row)
            return 2
        case .int32:
            out.pointee.store(Int32(littleEndian: raw.loadUnaligned(as: Int32.self)), at: row)
            return 4
        case .int64:
            out.pointee.store(Int64(littleEndian: raw.loadUnaligned(as: Int64.self)), at: row)
            return 8
        case .float:
            out.pointee.store(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self))), at: row)
            return 4
        case .double:
            out.pointee.store(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))), at: row)
            return 8
        case .date:
            if let days = dayNumber(c, p, out) { out.pointee.store(Int32(truncatingIfNeeded: days), at: row) }
            return 1 + Int(p[0])
        case .datetime:
            let length = Int(p[0])
            if let days = dayNumber(c, p, out) {
                let t = WireTemporal(time: p + 1, length: length)
                out.pointee.store(
                    CivilCalendar.microseconds(
                        days: days,
                        hour: t.hour,
                        minute: t.minute,
                        second: t.second,
                        microsecond: t.microsecond
                    ),
                    at: row
                )
            }
            return 1 + length
        case .time:
            let length = Int(p[0])
            let t = WireTime(p + 1, length: length)
            out.pointee.store(t.microseconds, at: row)
            return 1 + length
        case .bit:
            let (bytes, wire) = Self.lengthEncodedBytes(p)
            var value: UInt64 = 0
            for byte in bytes { value = value << 8 | UInt64(byte) }
            out.pointee.store(Int64(bitPattern: value), at: row)
            return wire
        case .decimal32, .decimal64:
            let (text, wire) = Self.lengthEncodedBytes(p)
            if let value = DecimalText.unscaledInt64(
                text,
                precision: decoding.pointee.precision,
                scale: decoding.pointee.scale
            ) {
                // Precision up to 9 fits INT32 (checked by the parse), up to 18 INT64.
                if decoding.pointee.kind == .decimal32 {
                    out.pointee.store(Int32(truncatingIfNeeded: value), at: row)
                } else {
                    out.pointee.store(value, at: row)
                }
            } else {
                badDecimal(c, text, out)
            }
            return wire
        case .decimalFixed:
            let (text, wire) = Self.lengthEncodedBytes(p)
            let wide = UnsafeMutableRawBufferPointer(rebasing: wideDecimal[0..<decoding.pointee.width])
            if DecimalText.unscaledBigEndian(
                text,
                precision: decoding.pointee.precision,
                scale: decoding.pointee.scale,
                into: wide
            ) {
                out.pointee.store(bytes: UnsafeRawBufferPointer(wide), at: row)
            } else {
                badDecimal(c, text, out)
            }
            return wire
        case .bytes:
            let (bytes, wire) = Self.lengthEncodedBytes(p)
            out.pointee.store(bytes: bytes, at: row)
            return wire
        }
    }

    /// The bytes after a length-encoded integer, and the wire length of both.
    @inline(__always)
    static func lengthEncodedBytes(_ p: UnsafePointer<UInt8>) -> (UnsafeRawBufferPointer, Int) {
        let raw = UnsafeRawPointer(p)
        let header: Int
        let count: Int
        switch p[0] {
        case 0..<251:
            header = 1
            count = Int(p[0])
        case 252:
            header = 3
            count = Int(UInt16(littleEndian: (raw + 1).loadUnaligned(as: UInt16.self)))
        case 253:
            header = 4
            count = Int(p[1]) | Int(p[2]) << 8 | Int(p[3]) << 16
        default:
            header = 9
            count = Int(truncatingIfNeeded: UInt64(littleEndian: (raw + 1).loadUnaligned(as: UInt64.self)))
        }
        return (UnsafeRawBufferPointer(start: raw + header, count: count), header + count)
    }

    /// Days since 1970-01-01 of the DATE, DATETIME or TIMESTAMP value at `p` (length byte,
    /// then year, month, day...), or nil for a zero or invalid date, which `checkDate` has
    /// stored as NULL and counted. A column keeps its last valid date's day number: rows
    /// arrive in time order, and a day holds thousands of them, so the calendar checks and
    /// arithmetic run once per day.
    @inline(__always)
    private func dayNumber(_ c: Int, _ p: UnsafePointer<UInt8>, _ out: UnsafeMutablePointer<FetchColumn>) -> Int? {
        let length = Int(p[0])
        if length >= 4 && Self.dayKey(p) == dayKeys[c] { return dayNumbers[c] }
        let t = WireTemporal(p + 1, length: length)
        guard checkDate(c, t, out) else { return nil }
        let days = CivilCalendar.daysFromCivil(year: t.year, month: t.month, day: t.day)
        dayKeys[c] = Self.dayKey(p)
        dayNumbers[c] = days
        return days
    }

    /// The date bytes (year, month, day) after the length byte at `p`, with bit 32 set so
    /// that no key equals the empty slot's 0.
    @inline(__always)
    private static func dayKey(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(UInt32(littleEndian: UnsafeRawPointer(p + 1).loadUnaligned(as: UInt32.self))) | 1 << 32
    }

    /// True when `t` is a real date the caller should store; otherwise stores NULL and counts
    /// the zero ('0000-00-00') or invalid ('2023-02-30') date.
    @inline(__always)
    private func checkDate(_ c: Int, _ t: WireTemporal, _ out: UnsafeMutablePointer<FetchColumn>) -> Bool {
        if t.month == 0 || t.day == 0 {
            dateProblems[c] += 1
            out.pointee.storeNull(at: row)
            return false
        }
        if !CivilCalendar.isValidDate(year: t.year, month: t.month, day: t.day) {
            dateProblems[columns.count + c] += 1
            out.pointee.storeNull(at: row)
            return false
        }
        return true
    }

    private func badDecimal(_ c: Int, _ text: UnsafeRawBufferPointer, _ out: UnsafeMutablePointer<FetchColumn>) {
        fail(
            MySQLError(
                .invalidValue,
                """
                column \(columns[c].name) (\(columns[c].mysqlType)): the server sent \
                \"\(String(decoding: text, as: UTF8.self))\", which does not fit \
                \(columns[c].parquet.logicalType.map { "\($0)" } ?? "the column")
                """
            )
        )
        out.pointee.storeNull(at: row)
    }

    private func fail(_ error: MySQLError) {
        if failure == nil { failure = error }
    }
}

/// DATE, DATETIME or TIMESTAMP as the binary protocol sends it: `length` bytes (0, 4, 7 or
/// 11) of year (2 bytes), month, day, hour, minute, second, microsecond (4 bytes). Zero
/// length is the zero date.
struct WireTemporal {
    var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, microsecond = 0

    /// The time of day only (the date is known already).
    @inline(__always)
    init(time p: UnsafePointer<UInt8>, length: Int) {
        if length >= 7 {
            hour = Int(p[4])
            minute = Int(p[5])
            second = Int(p[6])
        }
        if length >= 11 {
            microsecond = Int(UInt32(littleEndian: UnsafeRawPointer(p + 7).loadUnaligned(as: UInt32.self)))
        }
    }

    @inline(__always)
    init(_ p: UnsafePointer<UInt8>, length: Int) {
        self.init(time: p, length: length)
        if length >= 4 {
            year = Int(p[0]) | Int(p[1]) << 8
            month = Int(p[2])
            day = Int(p[3])
        }
    }
}

/// TIME as the binary protocol sends it: `length` bytes (0, 8 or 12) of sign, days (4 bytes),
/// hour, minute, second, microsecond (4 bytes).
struct WireTime {
    var microseconds: Int64 = 0

    @inline(__always)
    init(_ p: UnsafePointer<UInt8>, length: Int) {
        guard length >= 8 else { return }
        let raw = UnsafeRawPointer(p)
        let days = Int64(UInt32(littleEndian: (raw + 1).loadUnaligned(as: UInt32.self)))
        let seconds = ((days * 24 + Int64(p[5])) * 60 + Int64(p[6])) * 60 + Int64(p[7])
        var micros = seconds * CivilCalendar.microsecondsPerSecond
        if length >= 12 { micros += Int64(UInt32(littleEndian: (raw + 8).loadUnaligned(as: UInt32.self))) }
        microseconds = p[0] != 0 ? -micros : micros
    }
}
