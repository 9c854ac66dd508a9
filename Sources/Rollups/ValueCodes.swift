import Parquet

/// Turns a column's values into 64-bit codes that are equal exactly when the values are (for
/// group keys and `count_distinct`), and back. Integers are their value (unsigned ones
/// zero-extended or by their bits), floating-point numbers their bits (with -0 as 0, the same
/// group in SQL), text and bytes their id in an interner.
struct ValueCodes {
    enum Kind {
        case int32(unsigned: Bool)
        case int64(unsigned: Bool)
        case boolean
        case float
        case double
        /// BYTE_ARRAY, or FIXED_LEN_BYTE_ARRAY of `width` (`signed`: a DECIMAL, whose order is
        /// big-endian two's complement).
        case bytes(width: Int?, signed: Bool)
    }

    let descriptor: ColumnDescriptor
    let kind: Kind
    var interner = ByteInterner()

    init(_ descriptor: ColumnDescriptor) {
        self.descriptor = descriptor
        var unsigned = false
        if case .integer(_, false)? = descriptor.logicalType { unsigned = true }
        switch descriptor.physicalType {
        case .int32: kind = .int32(unsigned: unsigned)
        case .int64, .int96: kind = .int64(unsigned: unsigned)
        case .boolean: kind = .boolean
        case .float: kind = .float
        case .double: kind = .double
        case .byteArray: kind = .bytes(width: nil, signed: false)
        case .fixedLenByteArray:
            var decimal = false
            if case .decimal? = descriptor.logicalType { decimal = true }
            kind = .bytes(width: descriptor.typeLength, signed: decimal)
        }
    }

    /// The code of every row of `input` into `out`: for dictionary indices, each distinct
    /// value is interned once and rows take their entry's code.
    mutating func codes(of input: InputColumn, rows: Int, into out: UnsafeMutablePointer<Int64>) {
        switch input {
        case .values(let column):
            codes(of: column, rows: rows, into: out)
        case .dictionary(let encoded):
            let dictionary = encoded.dictionary
            var entryCodes = [Int64](repeating: 0, count: dictionary.count)
            for e in 0..<dictionary.count {
                entryCodes[e] = Int64(dictionary.withValue(at: e) { interner.id(of: $0) })
            }
            entryCodes.withUnsafeBufferPointer { entryCodes in
                encoded.indices.withUnsafeBufferPointer { indices in
                    for i in 0..<rows { out[i] = entryCodes[Int(indices[i])] }
                }
            }
        case .validity:
            for i in 0..<rows { out[i] = 0 }
        }
    }

    /// The code of every row of `column` into `out` (placeholders under nulls).
    mutating func codes(of column: Column, rows: Int, into out: UnsafeMutablePointer<Int64>) {
        switch column.values {
        case .int32(let v):
            let unsigned: Bool
            if case .int32(true) = kind { unsigned = true } else { unsigned = false }
            v.withUnsafeBufferPointer { v in
                if unsigned {
                    for i in 0..<rows { out[i] = Int64(UInt32(bitPattern: v[i])) }
                } else {
                    for i in 0..<rows { out[i] = Int64(v[i]) }
                }
            }
        case .int64(let v):
            v.withUnsafeBufferPointer { v in for i in 0..<rows { out[i] = v[i] } }
        case .boolean(let v):
            for i in 0..<rows { out[i] = v[i] ? 1 : 0 }
        case .float(let v):
            for i in 0..<rows { out[i] = Int64(v[i] == 0 ? 0 : v[i].bitPattern) }
        case .double(let v):
            for i in 0..<rows { out[i] = v[i] == 0 ? 0 : Int64(bitPattern: v[i].bitPattern) }
        case .byteArray(let v):
            v.bytes.withUnsafeBytes { raw in
                v.offsets.withUnsafeBufferPointer { offsets in
                    // Runs of one value (common after a sort) cost one comparison, not a hash.
                    var lastStart = -1
                    var lastEnd = -1
                    var lastCode: Int64 = 0
                    for i in 0..<rows {
                        let start = offsets[i]
                        let end = offsets[i + 1]
                        if end - start == lastEnd - lastStart
                            && (start == end
                                || memcmp(raw.baseAddress! + start, raw.baseAddress! + lastStart, end - start) == 0)
                        {
                            out[i] = lastCode
                            continue
                        }
                        lastCode = Int64(interner.id(of: UnsafeRawBufferPointer(rebasing: raw[start..<end])))
                        lastStart = start
                        lastEnd = end
                        out[i] = lastCode
                    }
                }
            }
        case .fixedLenByteArray(let v):
            let width = v.width
            v.bytes.withUnsafeBytes { raw in
                for i in 0..<rows {
                    out[i] = Int64(
                        interner.id(of: UnsafeRawBufferPointer(rebasing: raw[(i * width)..<((i + 1) * width)]))
                    )
                }
            }
        }
    }

    /// -1, 0, 1 comparing two codes in the column's order.
    func compare(_ a: Int64, _ b: Int64) -> Int {
        switch kind {
        case .int32, .boolean: return a < b ? -1 : (a == b ? 0 : 1)
        case .int64(let unsigned):
            if unsigned {
                let x = UInt64(bitPattern: a)
                let y = UInt64(bitPattern: b)
                return x < y ? -1 : (x == y ? 0 : 1)
            }
            return a < b ? -1 : (a == b ? 0 : 1)
        case .float:
            let x = Float(bitPattern: UInt32(truncatingIfNeeded: a))
            let y = Float(bitPattern: UInt32(truncatingIfNeeded: b))
            return x < y ? -1 : (x == y ? 0 : (x > y ? 1 : (a < b ? -1 : 1)))
        case .double:
            let x = Double(bitPattern: UInt64(bitPattern: a))
            let y = Double(bitPattern: UInt64(bitPattern: b))
            return x < y ? -1 : (x == y ? 0 : (x > y ? 1 : (a < b ? -1 : 1)))
        case .bytes(_, let signed):
            return interner.withValue(Int(a)) { x in
                interner.withValue(Int(b)) { y in signed ? compareSignedBytes(x, y) : compareBytes(x, y) }
            }
        }
    }

    /// A column of the values of `codes` (nil: NULL).
    func column(_ codes: [Int64?]) -> Column {
        let validity: [Bool]? = codes.contains(where: { $0 == nil }) ? codes.map { $0 != nil } : nil
        let values: ColumnValues
        switch kind {
        case .int32: values = .int32(codes.map { Int32(truncatingIfNeeded: $0 ?? 0) })
        case .int64: values = .int64(codes.map { $0 ?? 0 })
        case .boolean: values = .boolean(codes.map { ($0 ?? 0) != 0 })
        case .float: values = .float(codes.map { Float(bitPattern: UInt32(truncatingIfNeeded: $0 ?? 0)) })
        case .double: values = .double(codes.map { Double(bitPattern: UInt64(bitPattern: $0 ?? 0)) })
        case .bytes(let width, _):
            if let width {
                var buffer = FixedLenByteArrayBuffer(width: width)
                for code in codes {
                    if let code { interner.withValue(Int(code)) { buffer.append($0) } } else { buffer.appendZero() }
                }
                values = .fixedLenByteArray(buffer)
            } else {
                var buffer = ByteArrayBuffer(reservingCapacity: codes.count)
                for code in codes {
                    if let code { interner.withValue(Int(code)) { buffer.append($0) } } else { buffer.appendEmpty() }
                }
                values = .byteArray(buffer)
            }
        }
        return Column(values: values, validity: validity)
    }
}

/// Big-endian two's complement of equal width (DECIMAL on FIXED_LEN_BYTE_ARRAY).
@inline(__always)
func compareSignedBytes(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Int {
    guard let a = x.first, let b = y.first else { return compareBytes(x, y) }
    if a != b { return (a ^ 0x80) < (b ^ 0x80) ? -1 : 1 }
    return compareBytes(x, y)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
