/// Variable-length values (strings, JSON, binary) stored back to back in one contiguous
/// buffer with offsets, so that no value needs an allocation of its own on the hot path.
public struct ByteArrayBuffer: Sendable, Hashable {
    @usableFromInline var storage: [UInt8]
    @usableFromInline var offsetStorage: [Int]

    /// All values' bytes, concatenated.
    @inlinable public var bytes: [UInt8] { storage }
    /// `count + 1` offsets into `bytes`; value `i` is `bytes[offsets[i]..<offsets[i+1]]`.
    @inlinable public var offsets: [Int] { offsetStorage }

    public init() {
        storage = []
        offsetStorage = [0]
    }

    public init(reservingCapacity count: Int, bytes byteCapacity: Int = 0) {
        self.init()
        offsetStorage.reserveCapacity(count + 1)
        storage.reserveCapacity(byteCapacity)
    }

    /// Adopts values already laid out back to back: `offsets` has one more entry than there
    /// are values, starts at 0, never decreases and ends at `bytes.count`.
    public init(bytes: [UInt8], offsets: [Int]) {
        precondition(offsets.first == 0 && offsets.last == bytes.count, "offsets must span the bytes from 0")
        storage = bytes
        offsetStorage = offsets
    }

    public init<S: Sequence>(_ values: S) where S.Element: Collection, S.Element.Element == UInt8 {
        self.init()
        for value in values { append(value) }
    }

    public init(strings: [String]) {
        self.init()
        for value in strings { append(value) }
    }

    public var count: Int { offsetStorage.count - 1 }
    public var isEmpty: Bool { offsetStorage.count == 1 }

    public func length(at index: Int) -> Int { offsetStorage[index + 1] - offsetStorage[index] }

    public subscript(index: Int) -> ArraySlice<UInt8> {
        storage[offsetStorage[index]..<offsetStorage[index + 1]]
    }

    public func string(at index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }

    /// Calls `body` with the raw bytes of value `index`, without copying.
    @inlinable
    public func withValue<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = offsetStorage[index]
        let end = offsetStorage[index + 1]
        return try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    @inlinable
    public mutating func append<C: Collection>(_ value: C) where C.Element == UInt8 {
        storage.append(contentsOf: value)
        offsetStorage.append(storage.count)
    }

    @inlinable
    public mutating func append(_ value: String) {
        var value = value
        value.withUTF8 { storage.append(contentsOf: $0) }
        offsetStorage.append(storage.count)
    }

    @inlinable
    public mutating func append(_ value: UnsafeRawBufferPointer) {
        storage.append(contentsOf: value)
        offsetStorage.append(storage.count)
    }

    public mutating func appendEmpty() {
        offsetStorage.append(storage.count)
    }

    public mutating func append(contentsOf other: ByteArrayBuffer) {
        append(contentsOf: other, rows: 0..<other.count)
    }

    /// Appends values `rows` of `other`: their bytes as one block, their offsets rebased.
    public mutating func append(contentsOf other: ByteArrayBuffer, rows: Range<Int>) {
        let start = other.offsetStorage[rows.lowerBound]
        let shift = storage.count - start
        storage.append(contentsOf: other.storage[start..<other.offsetStorage[rows.upperBound]])
        let first = offsetStorage.count
        offsetStorage.append(contentsOf: other.offsetStorage[(rows.lowerBound + 1)..<(rows.upperBound + 1)])
        if shift != 0 {
            offsetStorage.withUnsafeMutableBufferPointer { offsets in
                for i in first..<offsets.count { offsets[i] &+= shift }
            }
        }
    }

    public mutating func reserveCapacity(_ count: Int, bytes byteCapacity: Int) {
        offsetStorage.reserveCapacity(count + 1)
        storage.reserveCapacity(byteCapacity)
    }

    public mutating func removeAll(keepingCapacity: Bool = false) {
        storage.removeAll(keepingCapacity: keepingCapacity)
        offsetStorage.removeAll(keepingCapacity: keepingCapacity)
        offsetStorage.append(0)
    }

    /// The values at `indices`, in that order.
    public func gather(_ indices: [Int]) -> ByteArrayBuffer {
        var total = 0
        for i in indices { total += offsetStorage[i + 1] - offsetStorage[i] }
        var result = ByteArrayBuffer(reservingCapacity: indices.count, bytes: total)
        storage.withUnsafeBytes { raw in
            for i in indices {
                result.append(UnsafeRawBufferPointer(rebasing: raw[offsetStorage[i]..<offsetStorage[i + 1]]))
            }
        }
        return result
    }

    /// Rows `range`, copied as one block of bytes and rebased offsets.
    public func slice(_ range: Range<Int>) -> ByteArrayBuffer {
        var result = ByteArrayBuffer()
        let start = offsetStorage[range.lowerBound]
        let end = offsetStorage[range.upperBound]
        result.storage = Array(storage[start..<end])
        result.offsetStorage = offsetStorage[range.lowerBound...range.upperBound].map { $0 - start }
        return result
    }
}

/// Values of one fixed width (FIXED_LEN_BYTE_ARRAY: wide decimals, UUIDs, BINARY(n)).
public struct FixedLenByteArrayBuffer: Sendable, Hashable {
    public let width: Int
    @usableFromInline var storage: [UInt8]
    @inlinable public var bytes: [UInt8] { storage }

    public init(width: Int) {
        precondition(width > 0, "FIXED_LEN_BYTE_ARRAY width must be positive")
        self.width = width
        self.storage = []
    }

    public init(width: Int, bytes: [UInt8]) {
        precondition(width > 0 && bytes.count % width == 0, "byte count must be a multiple of the width")
        self.width = width
        self.storage = bytes
    }

    public var count: Int { storage.count / width }

    public subscript(index: Int) -> ArraySlice<UInt8> {
        storage[index * width..<(index + 1) * width]
    }

    /// Appends one value; it must be exactly `width` bytes long.
    @inlinable
    public mutating func append<C: Collection>(_ value: C) where C.Element == UInt8 {
        precondition(value.count == width, "value of \(value.count) bytes in a column of width \(width)")
        storage.append(contentsOf: value)
    }

    /// Appends `width` zero bytes (the placeholder under a null).
    public mutating func appendZero() {
        storage.append(contentsOf: repeatElement(0, count: width))
    }

    public mutating func append(contentsOf other: FixedLenByteArrayBuffer) {
        precondition(other.width == width)
        storage.append(contentsOf: other.storage)
    }

    /// Appends values `rows` of `other`.
    public mutating func append(contentsOf other: FixedLenByteArrayBuffer, rows: Range<Int>) {
        precondition(other.width == width)
        storage.append(contentsOf: other.storage[rows.lowerBound * width..<rows.upperBound * width])
    }

    public mutating func reserveCapacity(_ count: Int) {
        storage.reserveCapacity(count * width)
    }

    public func slice(_ range: Range<Int>) -> FixedLenByteArrayBuffer {
        FixedLenByteArrayBuffer(
            width: width,
            bytes: Array(storage[range.lowerBound * width..<range.upperBound * width])
        )
    }

    public func gather(_ indices: [Int]) -> FixedLenByteArrayBuffer {
        var result = [UInt8]()
        result.reserveCapacity(indices.count * width)
        storage.withUnsafeBufferPointer { raw in
            for i in indices { result.append(contentsOf: raw[i * width..<(i + 1) * width]) }
        }
        return FixedLenByteArrayBuffer(width: width, bytes: result)
    }
}
