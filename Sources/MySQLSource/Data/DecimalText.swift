/// Exact DECIMAL conversion: the binary protocol sends a DECIMAL as its decimal text
/// ("-1234.50"); Parquet stores the unscaled integer (-123450 at scale 2).
///
/// Parsing works on the bytes where they lie in the packet, with no `Double` (which would round) and no
/// `String` (which would allocate once per value).
public enum DecimalText {
    /// The unscaled value of `text` at `scale`, or nil when the text is not a decimal number,
    /// has more significant digits than `precision`, or has non-zero digits past `scale`.
    /// Precision must be at most 18 so that the value fits in an Int64.
    @inline(__always)
    static func unscaledInt64(_ text: UnsafeRawBufferPointer, precision: Int, scale: Int) -> Int64? {
        // One pass, as this runs for every DECIMAL value fetched: the sign, the integer digits
        // (counting the significant ones), then the fraction.
        let count = text.count
        var i = 0
        var negative = false
        if count > 0 && (text[0] == UInt8(ascii: "-") || text[0] == UInt8(ascii: "+")) {
            negative = text[0] == UInt8(ascii: "-")
            i = 1
        }
        var value: Int64 = 0
        var significant = 0
        var digits = 0
        while i < count {
            let d = text[i] &- UInt8(ascii: "0")
            if d >= 10 { break }
            if significant > 0 || d != 0 { significant &+= 1 }
            value = value &* 10 &+ Int64(d)
            digits &+= 1
            i &+= 1
        }
        if significant > precision - scale { return nil }
        var fraction = 0
        if i < count {
            guard text[i] == UInt8(ascii: ".") else { return nil }
            i &+= 1
            while i < count {
                let d = text[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                digits &+= 1
                i &+= 1
                if fraction == scale {
                    // Digits past the scale are only acceptable as trailing zeros.
                    if d != 0 { return nil }
                    continue
                }
                value = value &* 10 &+ Int64(d)
                fraction &+= 1
            }
        }
        guard digits > 0 else { return nil }
        while fraction < scale {
            value = value &* 10
            fraction &+= 1
        }
        return negative ? 0 &- value : value
    }

    /// Writes the unscaled value of `text` as `width` bytes of big-endian two's complement
    /// (Parquet's FIXED_LEN_BYTE_ARRAY decimal) into `output`; false when the text is not a
    /// decimal that fits `precision` and `scale`. Handles MySQL's maximum of 65 digits.
    @inline(__always)
    static func unscaledBigEndian(
        _ text: UnsafeRawBufferPointer,
        precision: Int,
        scale: Int,
        into output: UnsafeMutableRawBufferPointer
    ) -> Bool {
        let digits = DigitScanner(text)
        guard digits.isWellFormed, precision <= 76 else { return false }
        var value = UInt256()
        var significant = 0
        var index = digits.integerStart
        while index < digits.integerEnd {
            let d = digits.digit(at: index)
            index += 1
            if significant == 0 && d == 0 { continue }
            significant += 1
            if significant > precision - scale { return false }
            value.multiplyBy10Adding(UInt64(d))
        }
        var fraction = 0
        index = digits.fractionStart
        while index < digits.fractionEnd {
            let d = digits.digit(at: index)
            index += 1
            if fraction == scale {
                if d != 0 { return false }
                continue
            }
            value.multiplyBy10Adding(UInt64(d))
            fraction += 1
        }
        while fraction < scale {
            value.multiplyBy10Adding(0)
            fraction += 1
        }
        if digits.isNegative { value.negate() }
        value.storeBigEndian(into: output)
        return true
    }

    /// The decimal text of an unscaled value, for keyset parameters and messages.
    public static func format(unscaled: Int64, scale: Int) -> String {
        let digits = String(unscaled.magnitude)
        let sign = unscaled < 0 ? "-" : ""
        guard scale > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
        let split = padded.index(padded.endIndex, offsetBy: -scale)
        return sign + padded[..<split] + "." + padded[split...]
    }

    /// The decimal text of a big-endian two's complement unscaled value.
    public static func format(bigEndian bytes: some Collection<UInt8>, scale: Int) -> String {
        var value = UInt256()
        let negative = (bytes.first ?? 0) & 0x80 != 0
        value.loadBigEndian(bytes, signExtend: negative)
        if negative { value.negate() }
        var digits: [UInt8] = []
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(value.divideBy10()))
        } while !value.isZero
        while digits.count <= scale { digits.append(UInt8(ascii: "0")) }
        var text = negative ? "-" : ""
        for (position, digit) in digits.reversed().enumerated() {
            if scale > 0 && position == digits.count - scale { text += "." }
            text.unicodeScalars.append(Unicode.Scalar(digit))
        }
        return text
    }
}

/// Finds the sign, integer digits and fraction digits of "[+-]digits[.digits]".
private struct DigitScanner {
    let base: UnsafeRawBufferPointer
    var isNegative = false
    var integerStart = 0
    var integerEnd = 0
    var fractionStart = 0
    var fractionEnd = 0
    var isWellFormed = false

    @inline(__always)
    init(_ text: UnsafeRawBufferPointer) {
        base = text
        let count = text.count
        var i = 0
        if count > 0 && (text[0] == UInt8(ascii: "-") || text[0] == UInt8(ascii: "+")) {
            isNegative = text[0] == UInt8(ascii: "-")
            i = 1
        }
        integerStart = i
        while i < count && text[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        integerEnd = i
        fractionStart = i
        fractionEnd = i
        if i < count && text[i] == UInt8(ascii: ".") {
            i += 1
            fractionStart = i
            while i < count && text[i] &- UInt8(ascii: "0") < 10 { i += 1 }
            fractionEnd = i
        }
        isWellFormed = i == count && (integerEnd > integerStart || fractionEnd > fractionStart)
    }

    @inline(__always)
    func digit(at index: Int) -> UInt8 { base[index] &- UInt8(ascii: "0") }
}

/// A 256-bit unsigned integer in four little-endian limbs: enough for 65 decimal digits
/// (< 2^216) without an allocation.
private struct UInt256 {
    var limb0: UInt64 = 0
    var limb1: UInt64 = 0
    var limb2: UInt64 = 0
    var limb3: UInt64 = 0

    var isZero: Bool { limb0 | limb1 | limb2 | limb3 == 0 }

    @inline(__always)
    mutating func multiplyBy10Adding(_ digit: UInt64) {
        var carry = digit
        func step(_ limb: inout UInt64) {
            let (high, low) = limb.multipliedFullWidth(by: 10)
            let (sum, overflow) = low.addingReportingOverflow(carry)
            limb = sum
            carry = high &+ (overflow ? 1 : 0)
        }
        step(&limb0)
        step(&limb1)
        step(&limb2)
        step(&limb3)
    }

    /// Divides in place, returning the remainder.
    mutating func divideBy10() -> UInt64 {
        var remainder: UInt64 = 0
        func step(_ limb: inout UInt64) {
            let (quotient, r) = UInt64(10).dividingFullWidth((remainder, limb))
            limb = quotient
            remainder = r
        }
        step(&limb3)
        step(&limb2)
        step(&limb1)
        step(&limb0)
        return remainder
    }

    /// Two's complement negation over all 256 bits.
    @inline(__always)
    mutating func negate() {
        limb0 = ~limb0
        limb1 = ~limb1
        limb2 = ~limb2
        limb3 = ~limb3
        var overflow: Bool
        (limb0, overflow) = limb0.addingReportingOverflow(1)
        if overflow {
            (limb1, overflow) = limb1.addingReportingOverflow(1)
            if overflow {
                (limb2, overflow) = limb2.addingReportingOverflow(1)
                if overflow { limb3 &+= 1 }
            }
        }
    }

    @inline(__always)
    func byte(_ index: Int) -> UInt8 {
        let limb: UInt64
        switch index >> 3 {
        case 0: limb = limb0
        case 1: limb = limb1
        case 2: limb = limb2
        default: limb = limb3
        }
        return UInt8(truncatingIfNeeded: limb >> UInt64((index & 7) * 8))
    }

    /// The low `output.count` bytes, most significant first.
    @inline(__always)
    func storeBigEndian(into output: UnsafeMutableRawBufferPointer) {
        let width = output.count
        for k in 0..<width { output[k] = byte(width - 1 - k) }
    }

    mutating func loadBigEndian(_ bytes: some Collection<UInt8>, signExtend: Bool) {
        let fill: UInt64 = signExtend ? .max : 0
        limb0 = fill
        limb1 = fill
        limb2 = fill
        limb3 = fill
        for (k, b) in bytes.reversed().enumerated() where k < 32 {
            let shift = UInt64((k & 7) * 8)
            let mask = ~(UInt64(0xFF) << shift)
            let bits = UInt64(b) << shift
            switch k >> 3 {
            case 0: limb0 = limb0 & mask | bits
            case 1: limb1 = limb1 & mask | bits
            case 2: limb2 = limb2 & mask | bits
            default: limb3 = limb3 & mask | bits
            }
        }
    }
}
