/// Dictionaries for RLE_DICTIONARY: each distinct value gets the next index, in order of
/// first appearance. Open addressing with linear probing keeps a lookup to a multiply, a
/// shift and usually one comparison; no value is boxed or hashed through `Hashable`.
///
/// Both are classes over raw memory: a lookup runs once per value of every dictionary
/// column, and arrays in a mutable struct cost a bounds check per read and a uniqueness
/// check per write there. One dictionary serves one column chunk, on one thread.
///
/// Their stored properties are `@exclusivity(unchecked)`: a class's `var`s are checked at run
/// time on every access the optimizer cannot prove safe, and the byte-array trial's lookup
/// loop paid 850k `swift_beginAccess` calls for a 200k-row snapshot (5.5% of its instructions,
/// callgrind). Nothing else in the package measured to need it, so the package builds without
/// `-enforce-exclusivity=unchecked` (which SwiftPM refuses in a dependency).

/// A dictionary of fixed-width values by their 64-bit pattern.
final class IntegerDictionary {
    /// Distinct values as bit patterns (Float and Double by `bitPattern`, so -0.0 and 0.0
    /// stay distinct and the dictionary is exact), in index order.
    @exclusivity(unchecked) private var keys: UnsafeMutablePointer<UInt64>
    @exclusivity(unchecked) private var keyCapacity: Int
    @exclusivity(unchecked) private var slots: HashSlots
    @exclusivity(unchecked) private(set) var count = 0

    init(expectedCount: Int = 1024) {
        slots = HashSlots(expectedCount: expectedCount)
        keyCapacity = max(64, expectedCount)
        keys = .allocate(capacity: keyCapacity)
    }

    deinit {
        keys.deallocate()
        slots.deallocate()
    }

    /// The distinct values in index order.
    var values: [UInt64] { Array(UnsafeBufferPointer(start: keys, count: count)) }

    @inline(__always)
    func index(of key: UInt64) -> Int {
        if count &* 2 >= slots.capacity { grow() }
        var slot = slots.home(key)
        while true {
            let entry = slots.table[slot]
            if entry < 0 {
                if count == keyCapacity { growKeys() }
                slots.table[slot] = Int32(truncatingIfNeeded: count)
                keys[count] = key
                count &+= 1
                return count &- 1
            }
            if keys[Int(entry)] == key { return Int(entry) }
            slot = (slot &+ 1) & slots.mask
        }
    }

    private func grow() {
        slots.rehash(capacity: slots.capacity * 2, entries: count) { keys[$0] }
    }

    private func growKeys() {
        let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: keyCapacity * 2)
        grown.moveInitialize(from: keys, count: count)
        keys.deallocate()
        keys = grown
        keyCapacity *= 2
    }
}

/// A dictionary of variable- or fixed-length byte strings.
final class ByteArrayDictionary {
    @exclusivity(unchecked) private var hashes: UnsafeMutablePointer<UInt64>
    /// Entry `e` is `bytes[offsets[e]..<offsets[e + 1]]`.
    @exclusivity(unchecked) private var offsets: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var entryCapacity: Int
    @exclusivity(unchecked) private var bytes: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var byteCapacity: Int
    @exclusivity(unchecked) private var slots: HashSlots
    @exclusivity(unchecked) private(set) var count = 0

    init(expectedCount: Int = 1024) {
        slots = HashSlots(expectedCount: expectedCount)
        entryCapacity = max(64, expectedCount)
        hashes = .allocate(capacity: entryCapacity)
        offsets = .allocate(capacity: entryCapacity + 1)
        offsets[0] = 0
        byteCapacity = 16 * entryCapacity
        bytes = .allocate(byteCount: byteCapacity, alignment: 16)
    }

    deinit {
        hashes.deallocate()
        offsets.deallocate()
        bytes.deallocate()
        slots.deallocate()
    }

    /// Bytes of the values alone.
    var valueBytes: Int { offsets[count] }

    /// Bytes of the PLAIN dictionary page: each value with its 4-byte length.
    var pageBytes: Int { offsets[count] &+ 4 &* count }

    /// Entry `index`, valid until the next insertion.
    @inline(__always)
    func value(at index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: bytes + offsets[index], count: offsets[index &+ 1] &- offsets[index])
    }

    @inline(__always)
    func index(of key: UInt64, bytes value: UnsafeRawBufferPointer) -> Int {
        if count &* 2 >= slots.capacity { grow() }
        var slot = slots.home(key)
        while true {
            let entry = slots.table[slot]
            if entry < 0 {
                insert(value, hash: key)
                slots.table[slot] = Int32(truncatingIfNeeded: count &- 1)
                return count &- 1
            }
            let e = Int(entry)
            if hashes[e] == key && Self.equal(self.value(at: e), value) { return e }
            slot = (slot &+ 1) & slots.mask
        }
    }

    @inline(__always)
    func index(of value: UnsafeRawBufferPointer) -> Int {
        index(of: Self.hash(value), bytes: value)
    }

    private func insert(_ value: UnsafeRawBufferPointer, hash: UInt64) {
        if count == entryCapacity {
            let grownHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: entryCapacity * 2)
            grownHashes.moveInitialize(from: hashes, count: count)
            hashes.deallocate()
            hashes = grownHashes
            let grownOffsets = UnsafeMutablePointer<Int>.allocate(capacity: entryCapacity * 2 + 1)
            grownOffsets.moveInitialize(from: offsets, count: count + 1)
            offsets.deallocate()
            offsets = grownOffsets
            entryCapacity *= 2
        }
        let start = offsets[count]
        if start + value.count > byteCapacity {
            let capacity = max(byteCapacity * 2, start + value.count)
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
            grown.copyMemory(from: bytes, byteCount: start)
            bytes.deallocate()
            bytes = grown
            byteCapacity = capacity
        }
        if value.count > 0 { (bytes + start).copyMemory(from: value.baseAddress!, byteCount: value.count) }
        hashes[count] = hash
        offsets[count + 1] = start + value.count
        count += 1
    }

    private func grow() {
        slots.rehash(capacity: slots.capacity * 2, entries: count) { hashes[$0] }
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
            // 1 to 3 bytes: the first, middle and last cover them all.
            return a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]
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
                tail =
                    UInt64(bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)) << 32
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

}

/// The open-addressing table both dictionaries share: `capacity` (a power of two) slots
/// holding an entry index or -1, a key's home slot by Fibonacci hashing.
struct HashSlots {
    private(set) var table: UnsafeMutablePointer<Int32>
    private(set) var capacity: Int
    private(set) var mask: Int
    private var shift: UInt64

    init(expectedCount: Int) {
        var capacity = 1024
        while capacity < expectedCount * 2 { capacity <<= 1 }
        self.capacity = capacity
        mask = capacity - 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        table = .allocate(capacity: capacity)
        table.initialize(repeating: -1, count: capacity)
    }

    func deallocate() { table.deallocate() }

    @inline(__always)
    func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// Doubles the table and re-inserts entries 0..<entries by their keys.
    mutating func rehash(capacity newCapacity: Int, entries: Int, key: (Int) -> UInt64) {
        table.deallocate()
        capacity = newCapacity
        mask = newCapacity - 1
        shift = UInt64(64 - newCapacity.trailingZeroBitCount)
        table = .allocate(capacity: newCapacity)
        table.initialize(repeating: -1, count: newCapacity)
        for e in 0..<entries {
            var slot = home(key(e))
            while table[slot] >= 0 { slot = (slot &+ 1) & mask }
            table[slot] = Int32(truncatingIfNeeded: e)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
