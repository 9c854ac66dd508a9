/// Accumulates one column row by row with typed appends, then hands over a `Column`.
///
/// `ColumnValues` is an enum, and appending to an array inside an enum payload copies it;
/// the builder keeps one typed array per kind so that each append is amortised O(1). The
/// appends are inlinable: the MySQL source calls them once per value, from another module.
/// The validity flags are materialised only at the first NULL, so NOT NULL data pays nothing.
public struct ColumnBuilder: Sendable {
    public let physicalType: PhysicalType
    @usableFromInline var rows = 0
    @usableFromInline var booleans: [Bool] = []
    @usableFromInline var int32s: [Int32] = []
    @usableFromInline var int64s: [Int64] = []
    @usableFromInline var floats: [Float] = []
    @usableFromInline var doubles: [Double] = []
    @usableFromInline var byteArrays = ByteArrayBuffer()
    @usableFromInline var fixed: FixedLenByteArrayBuffer
    /// Empty until the first null; then one flag per row.
    @usableFromInline var validity: [Bool] = []
    @usableFromInline var capacity = 0

    public init(for column: ColumnDescriptor, capacity: Int = 0) {
        physicalType = column.physicalType == .int96 ? .int64 : column.physicalType
        fixed = FixedLenByteArrayBuffer(width: column.typeLength ?? 1)
        reserveCapacity(capacity)
    }

    public var count: Int { rows }

    public mutating func reserveCapacity(_ capacity: Int) {
        guard capacity > 0 else { return }
        self.capacity = capacity
        switch physicalType {
        case .boolean: booleans.reserveCapacity(capacity)
        case .int32: int32s.reserveCapacity(capacity)
        case .int64, .int96: int64s.reserveCapacity(capacity)
        case .float: floats.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .byteArray: byteArrays.reserveCapacity(capacity, bytes: 0)
        case .fixedLenByteArray: fixed.reserveCapacity(capacity)
        }
    }

    @inlinable @inline(__always) mutating func markValid() {
        if !validity.isEmpty { validity.append(true) }
        rows &+= 1
    }

    @inlinable public mutating func append(_ value: Bool) { appendBoolean(value) }
    @inlinable public mutating func appendBoolean(_ value: Bool) {
        booleans.append(value)
        markValid()
    }
    @inlinable public mutating func append(_ value: Int32) {
        int32s.append(value)
        markValid()
    }
    @inlinable public mutating func append(_ value: Int64) {
        int64s.append(value)
        markValid()
    }
    @inlinable public mutating func append(_ value: Float) {
        floats.append(value)
        markValid()
    }
    @inlinable public mutating func append(_ value: Double) {
        doubles.append(value)
        markValid()
    }
    @inlinable public mutating func append(bytes value: UnsafeRawBufferPointer) {
        if physicalType == .fixedLenByteArray { fixed.append(value) } else { byteArrays.append(value) }
        markValid()
    }
    @inlinable public mutating func append<C: Collection>(bytes value: C) where C.Element == UInt8 {
        if physicalType == .fixedLenByteArray { fixed.append(value) } else { byteArrays.append(value) }
        markValid()
    }
    @inlinable public mutating func append(_ value: String) {
        byteArrays.append(value)
        markValid()
    }

    /// Appends a null: a placeholder value and a cleared validity flag.
    public mutating func appendNull() {
        switch physicalType {
        case .boolean: booleans.append(false)
        case .int32: int32s.append(0)
        case .int64, .int96: int64s.append(0)
        case .float: floats.append(0)
        case .double: doubles.append(0)
        case .byteArray: byteArrays.appendEmpty()
        case .fixedLenByteArray: fixed.appendZero()
        }
        if validity.isEmpty {
            validity.reserveCapacity(max(capacity, rows + 1))
            validity.append(contentsOf: repeatElement(true, count: rows))
        }
        validity.append(false)
        rows &+= 1
    }

    /// The column built so far; the builder is left empty, ready for the next batch.
    public mutating func finish() -> Column {
        let values: ColumnValues
        switch physicalType {
        case .boolean:
            values = .boolean(booleans)
            booleans = []
        case .int32:
            values = .int32(int32s)
            int32s = []
        case .int64, .int96:
            values = .int64(int64s)
            int64s = []
        case .float:
            values = .float(floats)
            floats = []
        case .double:
            values = .double(doubles)
            doubles = []
        case .byteArray:
            values = .byteArray(byteArrays)
            byteArrays = ByteArrayBuffer()
        case .fixedLenByteArray:
            values = .fixedLenByteArray(fixed)
            fixed = FixedLenByteArrayBuffer(width: fixed.width)
        }
        let column = Column(values: values, validity: validity.isEmpty ? nil : validity)
        validity = []
        rows = 0
        return column
    }
}
