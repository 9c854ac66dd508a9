/// Dictionaries for RLE_DICTIONARY: each distinct value gets the next index, in order of
/// first appearance. Open addressing with linear probing keeps a lookup to a multiply, a
/// shift and usually one comparison; no value is boxed or hashed through `Hashable`.
struct IntegerDictionary {
    /// Distinct values as bit patterns (Float and Double by `bitPattern`, so -0.0 and 0.0
    /// stay distinct and the dictionary is exact).
    private(set) var values: [UInt64] = []
    private var slots: [Int32]
    private var shift: UInt64

    init(expectedCount: Int = 1024) {
        var capacity = 1024
        while capacity < expectedCount * 2 { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    var count: Int { values.count }

    @inline(__always)
    mutating func index(of key: UInt64) -> Int {
        if values.count * 2 >= slots.count { grow() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        return slots.withUnsafeMutableBufferPointer { table in
            while true {
                let entry = table[slot]
                if entry < 0 {
                    table[slot] = Int32(values.count)
                    values.append(key)
                    return values.count - 1
                }
                if values[Int(entry)] == key { return Int(entry) }
                slot = (slot + 1) & mask
            }
        }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: -1, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        let mask = capacity - 1
        for (i, key) in values.enumerated() {
            var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i)
        }
    }
}

/// A dictionary of variable- or fixed-length byte strings.
struct ByteArrayDictionary {
    private(set) var values = ByteArrayBuffer()
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var shift: UInt64

    init(expectedCount: Int = 1024) {
        var capacity = 1024
        while capacity < expectedCount * 2 { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    var count: Int { values.count }
    /// Bytes of the values alone.
    var valueBytes: Int { values.bytes.count }

    @inline(__always)
    mutating func index(of key: UInt64, bytes value: UnsafeRawBufferPointer) -> Int {
        if values.count * 2 >= slots.count { grow() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let entry = slots[slot]
            if entry < 0 {
                slots[slot] = Int32(values.count)
                values.append(value)
                hashes.append(key)
                return values.count - 1
            }
            let e = Int(entry)
            if hashes[e] == key && values.withValue(at: e, { Self.equal($0, value) }) { return e }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    mutating func index(of value: UnsafeRawBufferPointer) -> Int {
        index(of: Self.hash(value), bytes: value)
    }

    /// Byte equality; short values (most dictionary strings) compare by word loads, not memcmp.
    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        if n == 0 { return true }
        if n <= 16 {
            if n >= 8 {
                return a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
                    && a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                        == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            }
            if n >= 4 {
                return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                    && a.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
                        == b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            }
            for i in 0..<n where a[i] != b[i] { return false }
            return true
        }
        return memcmp(a.baseAddress!, b.baseAddress!, n) == 0
    }

    /// A fast non-cryptographic hash (multiply-xorshift over 8-byte words).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        if i < n {
            // The last 1-7 bytes (all of a short string: "EUR", "DE", "paid") in at most two
            // loads rather than a loop over bytes.
            let left = n - i
            let tail: UInt64
            if n >= 8 {
                tail = bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else if left >= 4 {
                tail = UInt64(bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)) << 32
                    | UInt64(bytes.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            } else {
                tail = UInt64(bytes[i]) << 16 | UInt64(bytes[i + left / 2]) << 8 | UInt64(bytes[n - 1])
            }
            h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 32)
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: -1, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        let mask = capacity - 1
        for (i, key) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
