import Parquet

/// One column of the batch being fetched, in raw memory sized for the whole batch before the
/// first row: storing a value is a store, with no capacity or copy-on-write check per value
/// as `Array.append` makes. The memory is kept from batch to batch; `finish` copies the
/// values out into the arrays a `Column` holds (one memcpy per column and batch, far cheaper
/// than the per-value checks it replaces).
///
/// The caller guarantees `row < capacity` (`prepare`), and stores each row exactly once.
struct FetchColumn {
    enum Layout {
        /// INT32, INT64, FLOAT, DOUBLE: `width` bytes per row in `values`.
        case fixed(width: Int)
        /// FIXED_LEN_BYTE_ARRAY: `width` bytes per row in `values`.
        case fixedBytes(width: Int)
        /// BYTE_ARRAY: lengths in `offsets`, bytes back to back in `bytes`.
        case variable
    }

    let physicalType: PhysicalType
    let layout: Layout
    private let width: Int
    private(set) var capacity = 0
    private var values: UnsafeMutableRawPointer?
    private var offsets: UnsafeMutablePointer<Int>?
    private var bytes: UnsafeMutableRawPointer?
    private var byteCapacity = 0
    private var byteCount = 0
    private var validity: UnsafeMutablePointer<Bool>?
    private var nulls = 0

    init(for column: ColumnDescriptor) {
        physicalType = column.physicalType
        switch column.physicalType {
        case .int32, .float:
            layout = .fixed(width: 4)
            width = 4
        case .int64, .double, .int96:
            layout = .fixed(width: 8)
            width = 8
        case .boolean:
            preconditionFailure("MySQL columns are never fetched as BOOLEAN")
        case .fixedLenByteArray:
            width = column.typeLength ?? 1
            layout = .fixedBytes(width: width)
        case .byteArray:
            layout = .variable
            width = 0
        }
    }

    /// Frees the memory; the column must not be used afterwards.
    mutating func deallocate() {
        values?.deallocate()
        offsets?.deallocate()
        bytes?.deallocate()
        validity?.deallocate()
        values = nil
        offsets = nil
        bytes = nil
        validity = nil
        capacity = 0
    }

    /// Makes room for `rows` rows and starts an empty batch.
    mutating func prepare(rows: Int) {
        if capacity < rows {
            deallocate()
            capacity = rows
            validity = .allocate(capacity: rows)
            if case .variable = layout {
                offsets = .allocate(capacity: rows + 1)
            } else {
                values = .allocate(byteCount: rows * width, alignment: 16)
            }
        }
        if case .variable = layout {
            offsets![0] = 0
            if bytes == nil {
                byteCapacity = max(4096, rows * 16)
                bytes = .allocate(byteCount: byteCapacity, alignment: 16)
            }
        }
        byteCount = 0
        nulls = 0
    }

    /// An INT32, INT64, FLOAT or DOUBLE value: `T` is Int32, Int64, Float or Double, as the
    /// column's physical type says.
    @inline(__always) mutating func store<T: BitwiseCopyable>(_ value: T, at row: Int) {
        assert(MemoryLayout<T>.size == width, "a \(T.self) stored into a \(physicalType) column")
        values.unsafelyUnwrapped.storeBytes(of: value, toByteOffset: row &* MemoryLayout<T>.size, as: T.self)
        validity.unsafelyUnwrapped[row] = true
    }

    /// A string or blob (BYTE_ARRAY), or exactly `width` bytes (FIXED_LEN_BYTE_ARRAY).
    @inline(__always) mutating func store(bytes value: UnsafeRawBufferPointer, at row: Int) {
        switch layout {
        case .variable:
            let count = value.count
            if byteCount &+ count > byteCapacity { growBytes(toFit: byteCount + count) }
            let target = bytes.unsafelyUnwrapped + byteCount
            let source = UnsafeRawPointer(value.baseAddress.unsafelyUnwrapped)
            if count <= 16 {
                // Most values are short codes and names: two overlapping word copies (the
                // first and last 8 or 4 bytes) beat a call to memcpy and a byte loop alike.
                if count >= 8 {
                    target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    target.storeBytes(
                        of: source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self),
                        toByteOffset: count &- 8,
                        as: UInt64.self
                    )
                } else if count >= 4 {
                    target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
                    target.storeBytes(
                        of: source.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self),
                        toByteOffset: count &- 4,
                        as: UInt32.self
                    )
                } else if count > 0 {
                    // 1 to 3 bytes: the first, middle and last cover them all.
                    target.storeBytes(of: value[0], as: UInt8.self)
                    target.storeBytes(of: value[count >> 1], toByteOffset: count >> 1, as: UInt8.self)
                    target.storeBytes(of: value[count &- 1], toByteOffset: count &- 1, as: UInt8.self)
                }
            } else {
                target.copyMemory(from: value.baseAddress!, byteCount: count)
            }
            byteCount &+= count
            offsets.unsafelyUnwrapped[row &+ 1] = byteCount
        case .fixedBytes(let width):
            precondition(value.count == width, "a FIXED_LEN_BYTE_ARRAY value of the wrong width")
            (values.unsafelyUnwrapped + row &* width).copyMemory(from: value.baseAddress!, byteCount: width)
        case .fixed:
            preconditionFailure("bytes stored into a \(physicalType) column")
        }
        validity.unsafelyUnwrapped[row] = true
    }

    /// NULL: a zero placeholder and a cleared validity flag.
    @inline(__always) mutating func storeNull(at row: Int) {
        switch layout {
        case .variable:
            offsets.unsafelyUnwrapped[row &+ 1] = byteCount
        case .fixed(let width), .fixedBytes(let width):
            (values.unsafelyUnwrapped + row &* width).initializeMemory(as: UInt8.self, repeating: 0, count: width)
        }
        validity.unsafelyUnwrapped[row] = false
        nulls &+= 1
    }

    private mutating func growBytes(toFit needed: Int) {
        let capacity = max(needed, byteCapacity * 2)
        let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        if let bytes {
            grown.copyMemory(from: bytes, byteCount: byteCount)
            bytes.deallocate()
        }
        bytes = grown
        byteCapacity = capacity
    }

    /// The first `rows` rows as a `Column`; the memory stays for the next batch.
    func finish(rows: Int) -> Column {
        let validity = nulls > 0 ? Array(UnsafeBufferPointer(start: self.validity, count: rows)) : nil
        let column: ColumnValues
        switch (physicalType, layout) {
        case (.int32, _): column = .int32(Self.copy(values, rows, as: Int32.self))
        case (.float, _): column = .float(Self.copy(values, rows, as: Float.self))
        case (.double, _): column = .double(Self.copy(values, rows, as: Double.self))
        case (_, .fixed): column = .int64(Self.copy(values, rows, as: Int64.self))
        case (_, .fixedBytes(let width)):
            column = .fixedLenByteArray(
                FixedLenByteArrayBuffer(width: width, bytes: Self.copy(values, rows * width, as: UInt8.self))
            )
        case (_, .variable):
            column = .byteArray(
                ByteArrayBuffer(
                    bytes: Self.copy(bytes, byteCount, as: UInt8.self),
                    offsets: Array(UnsafeBufferPointer(start: offsets, count: rows + 1))
                )
            )
        }
        return Column(values: column, validity: validity)
    }

    private static func copy<T>(_ memory: UnsafeMutableRawPointer?, _ count: Int, as type: T.Type) -> [T] {
        guard count > 0, let memory else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(
                from: memory,
                byteCount: count * MemoryLayout<T>.stride
            )
            initialized = count
        }
    }
}
