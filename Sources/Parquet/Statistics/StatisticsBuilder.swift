/// Min, max and null count of a page or column chunk, values PLAIN-encoded as
/// parquet.thrift's Statistics.min_value / max_value store them.
struct ValueStatistics: Sendable {
    var min: [UInt8]?
    var max: [UInt8]?
    var nullCount = 0

    /// Widens these statistics by another page's.
    mutating func merge(_ other: ValueStatistics, physicalType: PhysicalType, order: ValueOrder) {
        nullCount += other.nullCount
        if let otherMin = other.min {
            if let current = min {
                if EncodedValueComparison.less(otherMin, current, physicalType: physicalType, order: order) {
                    min = otherMin
                }
            } else {
                min = otherMin
            }
        }
        if let otherMax = other.max {
            if let current = max {
                if EncodedValueComparison.less(current, otherMax, physicalType: physicalType, order: order) {
                    max = otherMax
                }
            } else {
                max = otherMax
            }
        }
    }
}

/// Min/max over dense (non-null) values of each physical type.
enum MinMax {
    static func of<T: FixedWidthInteger>(
        _ values: UnsafeBufferPointer<T>,
        unsigned: Bool
    ) -> (min: [UInt8], max: [UInt8])? {
        guard var lo = values.first else { return nil }
        var hi = lo
        if unsigned {
            // Flipping the sign bit maps unsigned order onto signed order.
            let flip = T.min
            var l = lo ^ flip
            var h = l
            for v in values {
                let x = v ^ flip
                if x < l { l = x }
                if x > h { h = x }
            }
            lo = l ^ flip
            hi = h ^ flip
        } else {
            for v in values {
                if v < lo { lo = v }
                if v > hi { hi = v }
            }
        }
        return (encode(lo), encode(hi))
    }

    /// NaN takes no part in min/max; zero bounds are written as -0.0 (min) and +0.0 (max)
    /// so that readers which compare signed zeros never prune a matching row (parquet.thrift,
    /// ColumnOrder notes on floating point).
    static func of<T: BinaryFloatingPoint>(floats values: UnsafeBufferPointer<T>) -> (min: [UInt8], max: [UInt8])? {
        var lo = T.infinity
        var hi = -T.infinity
        var seen = false
        for v in values where !v.isNaN {
            seen = true
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        guard seen else { return nil }
        if lo == 0 { lo = -T(0) }
        if hi == 0 { hi = T(0) }
        return (encode(lo), encode(hi))
    }

    static func of(booleans values: UnsafeBufferPointer<Bool>) -> (min: [UInt8], max: [UInt8])? {
        guard !values.isEmpty else { return nil }
        var anyTrue = false
        var anyFalse = false
        for v in values {
            if v { anyTrue = true } else { anyFalse = true }
        }
        return ([anyFalse ? 0 : 1], [anyTrue ? 1 : 0])
    }

    /// Over the rows `range` of `buffer`, skipping rows `isNull` marks.
    static func of(
        byteArrays buffer: ByteArrayBuffer,
        rows range: Range<Int>,
        validity: [Bool]?,
        order: ValueOrder
    ) -> (min: [UInt8], max: [UInt8])? {
        var minRow = -1
        var maxRow = -1
        buffer.bytes.withUnsafeBytes { raw in
            buffer.offsets.withUnsafeBufferPointer { offsets in
                func value(_ row: Int) -> UnsafeRawBufferPointer {
                    UnsafeRawBufferPointer(rebasing: raw[offsets[row]..<offsets[row + 1]])
                }
                for row in range {
                    if let validity, !validity[row] { continue }
                    if minRow < 0 {
                        minRow = row
                        maxRow = row
                        continue
                    }
                    let v = value(row)
                    if less(v, value(minRow), order) { minRow = row }
                    if less(value(maxRow), v, order) { maxRow = row }
                }
            }
        }
        guard minRow >= 0 else { return nil }
        return (Array(buffer[minRow]), Array(buffer[maxRow]))
    }

    static func of(
        fixed buffer: FixedLenByteArrayBuffer,
        rows range: Range<Int>,
        validity: [Bool]?,
        order: ValueOrder
    ) -> (min: [UInt8], max: [UInt8])? {
        var minRow = -1
        var maxRow = -1
        let width = buffer.width
        buffer.bytes.withUnsafeBytes { raw in
            func value(_ row: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: raw[row * width..<(row + 1) * width])
            }
            for row in range {
                if let validity, !validity[row] { continue }
                if minRow < 0 {
                    minRow = row
                    maxRow = row
                    continue
                }
                let v = value(row)
                if less(v, value(minRow), order) { minRow = row }
                if less(value(maxRow), v, order) { maxRow = row }
            }
        }
        guard minRow >= 0 else { return nil }
        return (Array(buffer[minRow]), Array(buffer[maxRow]))
    }

    @inline(__always)
    private static func less(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, _ order: ValueOrder) -> Bool {
        order == .signedBytes
            ? EncodedValueComparison.signedBytesLess(a, b) : EncodedValueComparison.bytesLess(a, b)
    }

    @inline(__always)
    static func encode<T>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }
}

/// Shortening of long byte-array bounds for statistics and the column index, so a
/// 1 MiB value does not land in the footer. A truncated min is a prefix (still <= every
/// value); a truncated max is a prefix with its last unit incremented (still >= every value).
enum StatisticsTruncation {
    static func truncatedMin(_ value: [UInt8], limit: Int, isUTF8: Bool) -> (bytes: [UInt8], exact: Bool) {
        guard value.count > limit else { return (value, true) }
        let cut = isUTF8 ? utf8Boundary(value, atMost: limit) : limit
        return (Array(value[0..<cut]), false)
    }

    static func truncatedMax(_ value: [UInt8], limit: Int, isUTF8: Bool) -> (bytes: [UInt8], exact: Bool) {
        guard value.count > limit else { return (value, true) }
        if isUTF8 {
            var prefix = Array(value[0..<utf8Boundary(value, atMost: limit)])
            while !prefix.isEmpty {
                // Find the last scalar of the prefix and try to increment it in place.
                var start = prefix.count - 1
                while start > 0 && prefix[start] & 0xC0 == 0x80 { start -= 1 }
                let scalarBytes = Array(prefix[start...])
                if let scalar = String(decoding: scalarBytes, as: UTF8.self).unicodeScalars.first {
                    var next = scalar.value + 1
                    if (0xD800...0xDFFF).contains(next) { next = 0xE000 }
                    if let incremented = Unicode.Scalar(next) {
                        let encoded = Array(String(Character(incremented)).utf8)
                        if encoded.count == scalarBytes.count {
                            prefix.replaceSubrange(start..., with: encoded)
                            return (prefix, false)
                        }
                    }
                }
                prefix.removeSubrange(start...)
            }
            return (value, true)
        }
        var prefix = Array(value[0..<limit])
        while let last = prefix.last {
            if last < 0xFF {
                prefix[prefix.count - 1] = last + 1
                return (prefix, false)
            }
            prefix.removeLast()
        }
        return (value, true)
    }

    /// The largest cut <= `limit` that does not split a UTF-8 sequence.
    private static func utf8Boundary(_ value: [UInt8], atMost limit: Int) -> Int {
        var cut = limit
        while cut > 0 && cut < value.count && value[cut] & 0xC0 == 0x80 { cut -= 1 }
        return cut
    }
}
