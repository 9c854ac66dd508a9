/// Variable-length values (strings, JSON, binary) stored back to back in one contiguous
/// buffer with offsets, so that no value needs an allocation of its own on the hot path.
public struct ByteArrayBuffer: Sendable, Hashable {
    /// All values' bytes, concatenated.
    public private(set) var bytes: [UInt8]
    /// `count + 1` offsets into `bytes`; value `i` is `bytes[offsets[i]..<offsets[i+1]]`.
    public private(set) var offsets: [Int]

    public init() {
        bytes = []
        offsets = [0]
    }

    public init(reservingCapacity count: Int, bytes byteCapacity: Int = 0) {
        self.init()
        offsets.reserveCapacity(count + 1)
        bytes.reserveCapacity(byteCapacity)
    }

    public init<S: Sequence>(_ values: S) where S.Element: Collection, S.Element.Element == UInt8 {
        self.init()
        for value in values { append(value) }
    }

    public init(strings: [String]) {
        self.init()
        for value in strings { append(value) }
    }

    public var count: Int { offsets.count - 1 }
    public var isEmpty: Bool { offsets.count == 1 }

    public func length(at index: Int) -> Int { offsets[index + 1] - offsets[index] }

    public subscript(index: Int) -> ArraySlice<UInt8> {
        bytes[offsets[index]..<offsets[index + 1]]
    }

    public func string(at index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }

    /// Calls `body` with the raw bytes of value `index`, without copying.
    @inlinable
    public func withValue<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = offsets[index]
        let end = offsets[index + 1]
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    public mutating func append<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    public mutating func append(_ value: String) {
        var value = value
        value.withUTF8 { bytes.append(contentsOf: $0) }
        offsets.append(bytes.count)
    }

    public mutating func append(_ value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    public mutating func appendEmpty() {
        offsets.append(bytes.count)
    }

    public mutating func append(contentsOf other: ByteArrayBuffer) {
        let base = bytes.count
        bytes.append(contentsOf: other.bytes)
        offsets.reserveCapacity(offsets.count + other.count)
        for i in 1..<other.offsets.count { offsets.append(base + other.offsets[i]) }
    }

    public mutating func reserveCapacity(_ count: Int, bytes byteCapacity: Int) {
        offsets.reserveCapacity(count + 1)
        bytes.reserveCapacity(byteCapacity)
    }

    public mutating func removeAll(keepingCapacity: Bool = false) {
        bytes.removeAll(keepingCapacity: keepingCapacity)
        offsets.removeAll(keepingCapacity: keepingCapacity)
        offsets.append(0)
    }

    /// The values at `indices`, in that order.
    public func gather(_ indices: [Int]) -> ByteArrayBuffer {
        var total = 0
        for i in indices { total += offsets[i + 1] - offsets[i] }
        var result = ByteArrayBuffer(reservingCapacity: indices.count, bytes: total)
        bytes.withUnsafeBytes { raw in
            for i in indices {
                result.append(UnsafeRawBufferPointer(rebasing: raw[offsets[i]..<offsets[i + 1]]))
            }
        }
        return result
    }

    public func slice(_ range: Range<Int>) -> ByteArrayBuffer {
        gather(Array(range))
    }
}

/// Values of one fixed width (FIXED_LEN_BYTE_ARRAY: wide decimals, UUIDs, BINARY(n)).
public struct FixedLenByteArrayBuffer: Sendable, Hashable {
    public let width: Int
    public private(set) var bytes: [UInt8]

    public init(width: Int) {
        precondition(width > 0, "FIXED_LEN_BYTE_ARRAY width must be positive")
        self.width = width
        self.bytes = []
    }

    public init(width: Int, bytes: [UInt8]) {
        precondition(width > 0 && bytes.count % width == 0, "byte count must be a multiple of the width")
        self.width = width
        self.bytes = bytes
    }

    public var count: Int { bytes.count / width }

    public subscript(index: Int) -> ArraySlice<UInt8> {
        bytes[index * width..<(index + 1) * width]
    }

    /// Appends one value; it must be exactly `width` bytes long.
    public mutating func append<C: Collection>(_ value: C) where C.Element == UInt8 {
        precondition(value.count == width, "value of \(value.count) bytes in a column of width \(width)")
        bytes.append(contentsOf: value)
    }

    /// Appends `width` zero bytes (the placeholder under a null).
    public mutating func appendZero() {
        bytes.append(contentsOf: repeatElement(0, count: width))
    }

    public mutating func append(contentsOf other: FixedLenByteArrayBuffer) {
        precondition(other.width == width)
        bytes.append(contentsOf: other.bytes)
    }

    public mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(count * width)
    }

    public func gather(_ indices: [Int]) -> FixedLenByteArrayBuffer {
        var result = [UInt8]()
        result.reserveCapacity(indices.count * width)
        bytes.withUnsafeBufferPointer { raw in
            for i in indices { result.append(contentsOf: raw[i * width..<(i + 1) * width]) }
        }
        return FixedLenByteArrayBuffer(width: width, bytes: result)
    }
}
