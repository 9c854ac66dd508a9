/// The open-addressing tables the aggregation runs on: flat arrays of integers, linear
/// probing, power-of-two capacities, no per-entry allocation and no `Hashable` boxing, so a
/// lookup costs a multiply-xor hash and a few comparisons. Sized by the number of groups (or
/// distinct values), never by rows.

@inline(__always)
func mixHash(_ x: UInt64) -> UInt64 {
    // splitmix64's finaliser: every input bit reaches every output bit.
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Byte strings (text group values, text for count_distinct and min/max) mapped to dense ids
/// 0, 1, 2… in order of first appearance, their bytes kept back to back.
struct ByteInterner {
    private(set) var bytes: [UInt8] = []
    private(set) var offsets: [Int] = [0]
    private var table: [Int32]
    private var hashes: [UInt64] = []
    private var mask: Int

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        table = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { offsets.count - 1 }

    /// FNV-1a over 8-byte words then the tail, finished with `mixHash`.
    @inline(__always)
    static func hash(_ value: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(value.count)
        var i = 0
        let n = value.count
        while i + 8 <= n {
            h = (h ^ value.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(value[i]) << shift
            shift += 8
            i += 1
        }
        return mixHash(h ^ tail)
    }

    /// The id of `value`, adding it on first sight.
    @inline(__always)
    mutating func id(of value: UnsafeRawBufferPointer) -> Int32 {
        let h = Self.hash(value)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let candidate = table[slot]
            if candidate < 0 { break }
            if hashes[Int(candidate)] == h && equals(Int(candidate), value) { return candidate }
            slot = (slot + 1) & mask
        }
        let id = Int32(count)
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
        hashes.append(h)
        table[slot] = id
        if count * 2 > table.count { grow() }
        return id
    }

    @inline(__always)
    private func equals(_ id: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[id]
        let length = offsets[id + 1] - start
        guard length == value.count else { return false }
        if length == 0 { return true }
        return bytes.withUnsafeBytes { memcmp($0.baseAddress! + start, value.baseAddress!, length) == 0 }
    }

    private mutating func grow() {
        let size = table.count * 2
        table = [Int32](repeating: -1, count: size)
        mask = size - 1
        for id in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(id)
        }
    }

    /// Calls `body` with the bytes of `id`.
    @inline(__always)
    func withValue<R>(_ id: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[offsets[id]..<offsets[id + 1]])) }
    }

    /// -1, 0, 1 comparing the bytes of two ids (unsigned, byte-wise; shorter first on a tie).
    func compare(_ a: Int, _ b: Int) -> Int {
        withValue(a) { x in withValue(b) { y in compareBytes(x, y) } }
    }
}

/// Unsigned byte-wise order, shorter first on a common prefix (strings and binary).
@inline(__always)
func compareBytes(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Int {
    let n = min(x.count, y.count)
    if n > 0 {
        let c = memcmp(x.baseAddress!, y.baseAddress!, n)
        if c != 0 { return c < 0 ? -1 : 1 }
    }
    return x.count < y.count ? -1 : (x.count == y.count ? 0 : 1)
}

/// Group keys of `width` 64-bit words mapped to dense slots 0, 1, 2… (the rows of the output).
struct GroupTable {
    let width: Int
    /// The keys of slots 0..<count, `width` words each.
    private(set) var keys: [Int64] = []
    private var table: [Int32]
    private var hashes: [UInt64] = []
    private var mask: Int

    init(width: Int, capacity: Int = 1024) {
        self.width = width
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        table = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { hashes.count }

    /// A multiply-rotate per word, one full mix at the end (a full mix per word cost a tenth
    /// of a build).
    @inline(__always)
    static func hash(_ key: UnsafePointer<Int64>, width: Int) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for i in 0..<width {
            h = (h ^ UInt64(bitPattern: key[i])) &* 0x9E37_79B9_7F4A_7C15
            h = (h << 29) | (h >> 35)
        }
        return mixHash(h)
    }

    /// The slot of `key` (`width` words), adding it on first sight.
    @inline(__always)
    mutating func slot(of key: UnsafePointer<Int64>) -> Int32 {
        let h = Self.hash(key, width: width)
        var position = Int(truncatingIfNeeded: h) & mask
        let width = self.width
        let mask = self.mask
        let found: Int32 = table.withUnsafeBufferPointer { table in
            hashes.withUnsafeBufferPointer { hashes in
                keys.withUnsafeBufferPointer { stored in
                    while true {
                        let candidate = table[position]
                        if candidate < 0 { return -1 }
                        if hashes[Int(candidate)] == h {
                            let base = Int(candidate) * width
                            var same = true
                            for i in 0..<width where stored[base + i] != key[i] {
                                same = false
                                break
                            }
                            if same { return candidate }
                        }
                        position = (position + 1) & mask
                    }
                }
            }
        }
        if found >= 0 { return found }
        let slot = Int32(count)
        for i in 0..<width { keys.append(key[i]) }
        hashes.append(h)
        table[position] = slot
        if count * 2 > table.count { grow() }
        return slot
    }

    private mutating func grow() {
        let size = table.count * 2
        table = [Int32](repeating: -1, count: size)
        mask = size - 1
        for slot in 0..<count {
            var position = Int(truncatingIfNeeded: hashes[slot]) & mask
            while table[position] >= 0 { position = (position + 1) & mask }
            table[position] = Int32(slot)
        }
    }

    @inline(__always)
    func key(_ slot: Int, _ word: Int) -> Int64 { keys[slot * width + word] }
}

/// A set of (group slot, value code) pairs: the distinct values of one bucket's groups, for
/// `count_distinct`. Entries are 16 bytes in one array (value, slot, used), so a probe touches
/// one cache line.
final class PairSet {
    private struct Entry {
        var value: Int64
        var slot: Int32
        var used: Int32
    }

    private var entries: [Entry]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        entries = [Entry](repeating: Entry(value: 0, slot: 0, used: 0), count: size)
        mask = size - 1
    }

    /// Roughly the bytes held, for the memory bound in docs/rollups.md.
    var bytes: Int { entries.count * MemoryLayout<Entry>.stride }

    /// Empties the set, keeping its capacity: a released bucket's set serves the next bucket,
    /// which will hold about as many values (growing a fresh set cost 9% of a full build).
    func reset() {
        if count > 0 {
            entries.withUnsafeMutableBufferPointer { $0.update(repeating: Entry(value: 0, slot: 0, used: 0)) }
            count = 0
        }
    }

    @inline(__always)
    private static func hash(_ slot: Int32, _ value: Int64) -> Int {
        Int(truncatingIfNeeded: mixHash(UInt64(bitPattern: value) ^ (UInt64(UInt32(bitPattern: slot)) << 40)))
    }

    /// Inserts the pairs (slots[k], values[rows[k]]) for k in `range` (rows whose `validity` is
    /// false skipped) and adds one to `counts[slot]` for each new pair. One call per run of a
    /// bucket: the loop runs on raw pointers, without a retain per row.
    func insert(
        _ range: Range<Int>,
        rows: UnsafeBufferPointer<Int32>,
        slots: UnsafeBufferPointer<Int32>,
        values: UnsafePointer<Int64>,
        validity: UnsafePointer<Bool>?,
        counts: UnsafeMutablePointer<Int64>
    ) {
        // Room for every pair to be new, so the table never grows under the pointers.
        while (count + range.count) * 2 > entries.count { grow() }
        let mask = self.mask
        var added = 0
        entries.withUnsafeMutableBufferPointer { entries in
            for k in range {
                let row = Int(rows[k])
                if let validity, !validity[row] { continue }
                let value = values[row]
                let slot = slots[k]
                var position = Self.hash(slot, value) & mask
                var found = false
                while entries[position].used != 0 {
                    if entries[position].value == value && entries[position].slot == slot {
                        found = true
                        break
                    }
                    position = (position + 1) & mask
                }
                if !found {
                    entries[position] = Entry(value: value, slot: slot, used: 1)
                    added += 1
                    counts[Int(slot)] &+= 1
                }
            }
        }
        count += added
    }

    private func grow() {
        let old = entries
        let size = entries.count * 2
        entries = [Entry](repeating: Entry(value: 0, slot: 0, used: 0), count: size)
        mask = size - 1
        entries.withUnsafeMutableBufferPointer { entries in
            for entry in old where entry.used != 0 {
                var position = Self.hash(entry.slot, entry.value) & mask
                while entries[position].used != 0 { position = (position + 1) & mask }
                entries[position] = entry
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
