/// How the non-null values of a data page are encoded.
enum ValueEncoding: Sendable, Hashable {
    case plain
    case rleDictionary
    case deltaBinaryPacked
}

/// One data page as the offset index and column index describe it.
struct EncodedPageInfo: Sendable {
    /// Offset of the page header relative to the start of the column chunk.
    var offset: Int
    var compressedSizeWithHeader: Int
    var firstRowIndex: Int
    var rows: Int
    var nullCount: Int
    var statistics: ValueStatistics
    var encoding: ValueEncoding
}

/// A column chunk ready to be written: its bytes (dictionary page first, if any) and
/// everything the footer and page index say about it.
struct EncodedColumnChunk: Sendable {
    var bytes: [UInt8] = []
    var dictionaryEntries: Int?
    /// Offset of the first data page relative to the chunk start (after the dictionary page).
    var dataPageOffset = 0
    var pages: [EncodedPageInfo] = []
    var statistics = ValueStatistics()
    var totalUncompressedSize = 0
    var numValues = 0

    var hasDictionaryPage: Bool { dictionaryEntries != nil }
}

/// Encodes one column of one row group into pages.
///
/// The whole row group's values are at hand, so the encoding is chosen knowing the data:
/// a dictionary where it is smaller than the alternative (strings, low-cardinality numbers),
/// falling back for the rest of the chunk once the dictionary outgrows its limit;
/// DELTA_BINARY_PACKED for integers whose deltas are small; PLAIN otherwise.
struct ColumnChunkEncoder: @unchecked Sendable {
    private(set) var descriptor: ColumnDescriptor
    private(set) var options: ParquetWriterOptions
    /// Nil while pages are written uncompressed. Not thread-safe: an encoder (and so its
    /// context) belongs to one thread at a time, which `ColumnEncoderPool` guarantees.
    private(set) var compressor: ZstdCompressor?

    private var chunk = EncodedColumnChunk()
    private var body: [UInt8] = []
    private var compressed: [UInt8] = []
    private var order: ValueOrder

    init(descriptor: ColumnDescriptor, options: ParquetWriterOptions) throws {
        self.descriptor = descriptor
        self.options = options
        if case .zstd(let level) = options.compression {
            compressor = try ZstdCompressor(level: level)
        } else {
            compressor = nil
        }
        order = descriptor.valueOrder
    }

    /// Takes the options of another writer; the ZSTD context and scratch buffers stay.
    mutating func adopt(_ options: ParquetWriterOptions) throws {
        self.options = options
        switch options.compression {
        case .zstd(let level):
            if let compressor { compressor.level = level } else { compressor = try ZstdCompressor(level: level) }
        case .uncompressed:
            compressor = nil
        }
    }

    /// Encodes `column` as `descriptor` (default: the one given at init). One encoder serves
    /// many columns in turn, so its page scratch buffers and ZSTD context are reused.
    mutating func encode(_ column: Column, as descriptor: ColumnDescriptor? = nil) throws -> EncodedColumnChunk {
        if let descriptor {
            self.descriptor = descriptor
            order = descriptor.valueOrder
        }
        chunk = EncodedColumnChunk()
        chunk.bytes.reserveCapacity(column.estimatedBytes / 4 + 4096)
        chunk.numValues = column.count
        switch column.values {
        case .int32(let values): try encodeFixed(values, validity: column.validity)
        case .int64(let values): try encodeFixed(values, validity: column.validity)
        case .float(let values): try encodeFixed(values, validity: column.validity)
        case .double(let values): try encodeFixed(values, validity: column.validity)
        case .boolean(let values): try encodeBooleans(values, validity: column.validity)
        case .byteArray(let values): try encodeByteArrays(values, validity: column.validity)
        case .fixedLenByteArray(let values): try encodeFixedLenByteArrays(values, validity: column.validity)
        }
        let result = chunk
        chunk = EncodedColumnChunk()
        return result
    }

    // MARK: Fixed-width numbers

    private mutating func encodeFixed<T: FixedWidthValue>(_ values: [T], validity: [Bool]?) throws {
        let rows = values.count
        let width = MemoryLayout<T>.size
        let dense: [T] =
            validity.map { v in
                var d = [T]()
                d.reserveCapacity(rows)
                for i in 0..<rows where v[i] { d.append(values[i]) }
                return d
            } ?? values
        let plainSize = dense.count * width

        // Dictionary: indices for the non-null values of the first `coveredRows` rows.
        var dictionaryRows = 0
        var indices: [UInt32] = []
        // A small table to start with: most chunks that try a dictionary are either few
        // distinct values or give up after a few thousand; clearing a table sized for the
        // whole chunk cost more than growing one.
        let dictionary = IntegerDictionary(expectedCount: min(dense.count, 1024))
        if options.enableDictionary && !dense.isEmpty {
            let limitEntries = max(1, options.dictionaryPageSizeLimit / width)
            // When every value fits the limit, the decision is on all of them: once the entries
            // so far cost more than a dictionary may for the whole chunk, it never pays.
            let decidedOnAllValues = dense.count <= limitEntries
            var covered = dense.count
            let probe = min(dense.count, 16_384)
            indices = [UInt32](unsafeUninitializedCapacity: dense.count) { out, initialized in
                initialized = 0
                dense.withUnsafeBufferPointer { d in
                    // Keys and timestamps of a sorted row group rise value after value: all
                    // distinct, so a dictionary cannot pay. Seen in the first values, the
                    // dictionary is not tried rather than given up after hashing the probe.
                    if d.count > Self.monotonicProbe
                        && T.isStrictlyIncreasing(UnsafeBufferPointer(rebasing: d[0..<Self.monotonicProbe]))
                    {
                        covered = 0
                        return
                    }
                    for i in 0..<d.count {
                        let index = dictionary.index(of: d[i].dictionaryKey)
                        if dictionary.count > limitEntries {
                            covered = i
                            break
                        }
                        out[i] = UInt32(truncatingIfNeeded: index)
                        initialized = i &+ 1
                        if i &+ 1 == probe
                            && !Self.dictionaryPays(
                                entries: dictionary.count,
                                entryBytes: width * dictionary.count,
                                values: probe,
                                plainBytes: probe * width
                            )
                        {
                            covered = 0
                            break
                        }
                        if i & 255 == 255 && decidedOnAllValues
                            && !Self.dictionaryPays(
                                entries: dictionary.count,
                                entryBytes: width * dictionary.count,
                                values: d.count,
                                plainBytes: d.count * width
                            )
                        {
                            covered = 0
                            break
                        }
                    }
                }
            }
            let pays =
                covered > 0
                && Self.dictionaryPays(
                    entries: dictionary.count,
                    entryBytes: dictionary.count * width,
                    values: covered,
                    plainBytes: covered * width
                )
            if pays {
                dictionaryRows = Self.rowsCovering(nonNullValues: covered, validity: validity, rows: rows)
                indices.removeLast(indices.count - covered)
            } else {
                indices = []
            }
        }
        let fallback: ValueEncoding
        let remainder = dense.count - indices.count
        if T.supportsDelta && options.enableDeltaEncoding && remainder > 0 {
            // DELTA when it halves PLAIN, or when it is smaller than the bytes that vary across
            // the values' range, which is about the best ZSTD does with PLAIN: then the values
            // follow a trend (timestamps of rows sorted by a related time, growing ids) that
            // only deltas see. Random values (ids, amounts) keep PLAIN, whose repeated bytes
            // ZSTD finds and bit-packed deltas would hide.
            let (estimate, rangeBytes) = dense.withUnsafeBufferPointer {
                let rest = UnsafeBufferPointer(rebasing: $0[indices.count...])
                return (T.estimateDeltaSize(rest), T.rangeBytes(rest))
            }
            fallback =
                estimate * 2 <= remainder * width || estimate < remainder * rangeBytes ? .deltaBinaryPacked : .plain
        } else {
            fallback = .plain
        }
        _ = plainSize

        if !indices.isEmpty {
            var page: [UInt8] = []
            page.reserveCapacity(dictionary.count * width)
            for key in dictionary.values { withUnsafeBytes(of: T(dictionaryKey: key)) { page.append(contentsOf: $0) } }
            try writeDictionaryPage(page, entries: dictionary.count)
        }

        let rowsPerPage = max(1, min(options.dataPageRowLimit, options.dataPageSize / width))
        var nonNullStart = 0
        try dense.withUnsafeBufferPointer { (denseValues) throws in
            var start = 0
            while start < rows {
                let limit = start < dictionaryRows ? dictionaryRows : rows
                let end = min(start + rowsPerPage, limit)
                let range = start..<end
                let nonNull = Self.nonNullCount(validity, range)
                let pageValues = UnsafeBufferPointer(rebasing: denseValues[nonNullStart..<(nonNullStart + nonNull)])
                var stats = ValueStatistics()
                stats.nullCount = range.count - nonNull
                if let (lo, hi) = T.minMax(pageValues, order: order) {
                    stats.min = lo
                    stats.max = hi
                }
                let encoding: ValueEncoding = start < dictionaryRows ? .rleDictionary : fallback
                let firstIndex = nonNullStart
                try writeDataPage(rows: range, validity: validity, encoding: encoding, statistics: stats) { out in
                    switch encoding {
                    case .rleDictionary:
                        indices.withUnsafeBufferPointer {
                            Self.appendIndices(
                                UnsafeBufferPointer(rebasing: $0[firstIndex..<(firstIndex + nonNull)]),
                                entries: dictionary.count,
                                into: &out
                            )
                        }
                    case .deltaBinaryPacked:
                        T.encodeDelta(pageValues, into: &out)
                    case .plain:
                        PlainEncoding.encode(pageValues, into: &out)
                    }
                }
                nonNullStart += nonNull
                start = end
            }
        }
    }

    // MARK: Booleans

    private mutating func encodeBooleans(_ values: [Bool], validity: [Bool]?) throws {
        let rows = values.count
        let dense: [Bool] = validity.map { v in (0..<rows).compactMap { v[$0] ? values[$0] : nil } } ?? values
        let rowsPerPage = max(1, min(options.dataPageRowLimit, options.dataPageSize * 8))
        var nonNullStart = 0
        try dense.withUnsafeBufferPointer { (denseValues) throws in
            var start = 0
            while start < rows {
                let end = min(start + rowsPerPage, rows)
                let nonNull = Self.nonNullCount(validity, start..<end)
                let pageValues = UnsafeBufferPointer(rebasing: denseValues[nonNullStart..<(nonNullStart + nonNull)])
                var stats = ValueStatistics()
                stats.nullCount = (end - start) - nonNull
                if let (lo, hi) = MinMax.of(booleans: pageValues) {
                    stats.min = lo
                    stats.max = hi
                }
                try writeDataPage(rows: start..<end, validity: validity, encoding: .plain, statistics: stats) { out in
                    PlainEncoding.encode(booleans: pageValues, into: &out)
                }
                nonNullStart += nonNull
                start = end
            }
        }
    }

    // MARK: Byte arrays

    private mutating func encodeByteArrays(_ values: ByteArrayBuffer, validity: [Bool]?) throws {
        let rows = values.count
        let dictionary = ByteArrayDictionary()
        var indices: [UInt32] = []
        var dictionaryRows = 0
        /// Entries the indices refer to: the value that overflowed the limit may be one more.
        var entriesUsed = 0
        if options.enableDictionary && rows > 0 {
            let limit = options.dictionaryPageSizeLimit
            let probe = 16_384
            let nonNull = Self.nonNullCount(validity, 0..<rows)
            // PLAIN's size of the whole chunk. When it is within the dictionary's limit the
            // dictionary cannot overflow, so the decision is on every value, and once the
            // entries so far cost more than a dictionary may for all of them, it never pays.
            let plainBytes = 4 * nonNull + values.offsets[rows] - values.offsets[0]
            let decidedOnAllValues = plainBytes <= limit
            var coveredRows = rows
            var seenBytes = 0
            indices = [UInt32](unsafeUninitializedCapacity: nonNull) { out, initialized in
                var seen = 0
                values.bytes.withUnsafeBytes { raw in
                    values.offsets.withUnsafeBufferPointer { offsets in
                        validity.withOptionalBuffer { valid in
                            for row in 0..<rows {
                                if let valid, !valid[row] { continue }
                                let value = UnsafeRawBufferPointer(
                                    start: raw.baseAddress! + offsets[row],
                                    count: offsets[row &+ 1] &- offsets[row]
                                )
                                let index = dictionary.index(of: value)
                                if dictionary.pageBytes > limit {
                                    coveredRows = row
                                    break
                                }
                                out[seen] = UInt32(truncatingIfNeeded: index)
                                seen &+= 1
                                seenBytes &+= 4 &+ value.count
                                if seen & 255 == 0 {
                                    if seen == probe
                                        && !Self.dictionaryPays(
                                            entries: dictionary.count,
                                            entryBytes: dictionary.pageBytes,
                                            values: seen,
                                            plainBytes: seenBytes
                                        )
                                    {
                                        coveredRows = 0
                                        break
                                    }
                                    if decidedOnAllValues
                                        && !Self.dictionaryPays(
                                            entries: dictionary.count,
                                            entryBytes: dictionary.pageBytes,
                                            values: nonNull,
                                            plainBytes: plainBytes
                                        )
                                    {
                                        coveredRows = 0
                                        break
                                    }
                                }
                            }
                        }
                    }
                }
                initialized = seen
            }
            entriesUsed = coveredRows == rows ? dictionary.count : min(dictionary.count, Int(indices.max() ?? 0) + 1)
            if coveredRows > 0 && !indices.isEmpty
                && Self.dictionaryPays(
                    entries: dictionary.count,
                    entryBytes: dictionary.pageBytes,
                    values: indices.count,
                    plainBytes: seenBytes
                )
            {
                dictionaryRows = coveredRows
            } else {
                indices = []
            }
        }

        if !indices.isEmpty {
            // The overflowing value may have been added last; it is never referenced and
            // is left out so the page stays within its limit.
            var page: [UInt8] = []
            page.reserveCapacity(dictionary.valueBytes + 4 * entriesUsed)
            for i in 0..<entriesUsed { PlainEncoding.encodeByteArray(dictionary.value(at: i), into: &page) }
            try writeDictionaryPage(page, entries: entriesUsed)
        }
        let entries = dictionary.count
        // Page bounds of dictionary pages come from the distinct entries the page uses,
        // compared once each, instead of from every row.
        var seen = [Int32](repeating: -1, count: indices.isEmpty ? 0 : entries)
        var pageNumber: Int32 = 0

        var nonNullStart = 0
        var start = 0
        while start < rows {
            let limit = start < dictionaryRows ? dictionaryRows : rows
            let end = Self.pageEnd(
                values,
                start: start,
                limit: min(limit, start + options.dataPageRowLimit),
                pageSize: options.dataPageSize
            )
            let bytes = 4 * (end - start) + values.offsets[end] - values.offsets[start]
            let range = start..<end
            let nonNull = Self.nonNullCount(validity, range)
            var stats = ValueStatistics()
            stats.nullCount = range.count - nonNull
            let encoding: ValueEncoding = start < dictionaryRows ? .rleDictionary : .plain
            let firstIndex = nonNullStart
            let bounds =
                encoding == .rleDictionary
                ? pageBounds(
                    indices: indices,
                    range: firstIndex..<(firstIndex + nonNull),
                    dictionary: dictionary,
                    seen: &seen,
                    page: pageNumber
                )
                : MinMax.of(byteArrays: values, rows: range, validity: validity, order: order)
            pageNumber += 1
            if let (lo, hi) = bounds {
                stats.min = lo
                stats.max = hi
            }
            try writeDataPage(rows: range, validity: validity, encoding: encoding, statistics: stats) { out in
                if encoding == .rleDictionary {
                    indices.withUnsafeBufferPointer {
                        Self.appendIndices(
                            UnsafeBufferPointer(rebasing: $0[firstIndex..<(firstIndex + nonNull)]),
                            entries: entries,
                            into: &out
                        )
                    }
                } else {
                    out.reserveCapacity(out.count + bytes)
                    values.bytes.withUnsafeBytes { raw in
                        values.offsets.withUnsafeBufferPointer { offsets in
                            for row in range {
                                if let validity, !validity[row] { continue }
                                PlainEncoding.encodeByteArray(
                                    UnsafeRawBufferPointer(rebasing: raw[offsets[row]..<offsets[row + 1]]),
                                    into: &out
                                )
                            }
                        }
                    }
                }
            }
            nonNullStart += nonNull
            start = end
        }
    }

    private mutating func encodeFixedLenByteArrays(_ values: FixedLenByteArrayBuffer, validity: [Bool]?) throws {
        guard let expected = descriptor.typeLength, expected == values.width else {
            throw ParquetError(
                .schemaMismatch,
                "column \"\(descriptor.name)\": values are \(values.width) bytes wide, the schema says \(descriptor.typeLength.map(String.init) ?? "nothing")"
            )
        }
        let rows = values.count
        let width = values.width
        let rowsPerPage = max(1, min(options.dataPageRowLimit, options.dataPageSize / width))
        var start = 0
        while start < rows {
            let end = min(start + rowsPerPage, rows)
            let range = start..<end
            let nonNull = Self.nonNullCount(validity, range)
            var stats = ValueStatistics()
            stats.nullCount = range.count - nonNull
            if let (lo, hi) = MinMax.of(fixed: values, rows: range, validity: validity, order: order) {
                stats.min = lo
                stats.max = hi
            }
            try writeDataPage(rows: range, validity: validity, encoding: .plain, statistics: stats) { out in
                values.bytes.withUnsafeBytes { raw in
                    for row in range {
                        if let validity, !validity[row] { continue }
                        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[row * width..<(row + 1) * width]))
                    }
                }
            }
            start = end
        }
    }

    /// Min and max among the dictionary entries that `indices[range]` refer to.
    private func pageBounds(
        indices: [UInt32],
        range: Range<Int>,
        dictionary: ByteArrayDictionary,
        seen: inout [Int32],
        page: Int32
    ) -> (min: [UInt8], max: [UInt8])? {
        var minEntry = -1
        var maxEntry = -1
        let order = self.order
        func less(_ a: Int, _ b: Int) -> Bool {
            order == .signedBytes
                ? EncodedValueComparison.signedBytesLess(dictionary.value(at: a), dictionary.value(at: b))
                : EncodedValueComparison.bytesLess(dictionary.value(at: a), dictionary.value(at: b))
        }
        indices.withUnsafeBufferPointer { idx in
            seen.withUnsafeMutableBufferPointer { stamps in
                for i in range {
                    let e = Int(idx[i])
                    if stamps[e] == page { continue }
                    stamps[e] = page
                    if minEntry < 0 {
                        minEntry = e
                        maxEntry = e
                    } else {
                        if less(e, minEntry) { minEntry = e }
                        if less(maxEntry, e) { maxEntry = e }
                    }
                }
            }
        }
        guard minEntry >= 0 else { return nil }
        return (Array(dictionary.value(at: minEntry)), Array(dictionary.value(at: maxEntry)))
    }

    // MARK: Pages

    private mutating func writeDictionaryPage(_ page: [UInt8], entries: Int) throws {
        let payload = try compress(page)
        let header = PageHeaders.dictionaryPage(
            uncompressedSize: page.count,
            compressedSize: payload.count,
            entries: entries,
            crc: CRC32.checksum(payload)
        )
        chunk.bytes.append(contentsOf: header)
        chunk.bytes.append(contentsOf: payload)
        chunk.dictionaryEntries = entries
        chunk.dataPageOffset = chunk.bytes.count
        chunk.totalUncompressedSize += header.count + page.count
    }

    private mutating func writeDataPage(
        rows: Range<Int>,
        validity: [Bool]?,
        encoding: ValueEncoding,
        statistics: ValueStatistics,
        values encodeValues: (inout [UInt8]) -> Void
    ) throws {
        body.removeAll(keepingCapacity: true)
        if descriptor.isOptional {
            body.append(contentsOf: [0, 0, 0, 0])
            let start = body.count
            if let validity {
                // The definition levels are the validity flags.
                validity.withUnsafeBufferPointer { flags in
                    RleBitPackedHybrid.encode(UnsafeBufferPointer(rebasing: flags[rows]), bitWidth: 1, into: &body)
                }
            } else if !rows.isEmpty {
                // All defined: one RLE run of 1s.
                body.appendULEB128(UInt64(rows.count) << 1)
                body.append(1)
            }
            let length = UInt32(body.count - start).littleEndian
            withUnsafeBytes(of: length) { body.replaceSubrange(0..<4, with: $0) }
        } else if statistics.nullCount > 0 {
            preconditionFailure("nulls in REQUIRED column \(descriptor.name) should have been rejected")
        }
        encodeValues(&body)
        let payload = try compress(body)
        let header = PageHeaders.dataPage(
            uncompressedSize: body.count,
            compressedSize: payload.count,
            values: rows.count,
            encoding: encoding,
            crc: CRC32.checksum(payload)
        )
        let offset = chunk.bytes.count
        chunk.bytes.append(contentsOf: header)
        chunk.bytes.append(contentsOf: payload)
        chunk.totalUncompressedSize += header.count + body.count
        chunk.pages.append(
            EncodedPageInfo(
                offset: offset,
                compressedSizeWithHeader: header.count + payload.count,
                firstRowIndex: rows.lowerBound,
                rows: rows.count,
                nullCount: statistics.nullCount,
                statistics: statistics,
                encoding: encoding
            )
        )
        chunk.statistics.merge(statistics, physicalType: descriptor.physicalType, order: order)
    }

    private mutating func compress(_ input: [UInt8]) throws -> [UInt8] {
        guard let compressor else { return input }
        compressed.removeAll(keepingCapacity: true)
        try input.withUnsafeBytes { raw in try compressor.compress(raw, appendingTo: &compressed) }
        return compressed
    }

    // MARK: Helpers

    /// Where a PLAIN byte-array page that starts at `start` ends: after the row that brings it
    /// to `pageSize` bytes (4 per value plus the value), or at `limit`. The page's size only
    /// grows with its end, so a binary search over the offsets finds it without a pass over
    /// every row.
    static func pageEnd(_ values: ByteArrayBuffer, start: Int, limit: Int, pageSize: Int) -> Int {
        values.offsets.withUnsafeBufferPointer { offsets in
            func bytes(_ end: Int) -> Int { 4 &* (end &- start) &+ offsets[end] &- offsets[start] }
            guard limit > start + 1, bytes(limit) > pageSize else { return max(limit, start + 1) }
            // The smallest end in start+1...limit with bytes(end) >= pageSize.
            var low = start + 1
            var high = limit
            while low < high {
                let middle = (low + high) / 2
                if bytes(middle) >= pageSize { high = middle } else { low = middle + 1 }
            }
            return low
        }
    }

    /// Leading values that, strictly increasing, tell a key or timestamp column.
    static let monotonicProbe = 1024

    /// Whether dictionary encoding (the entries once, plus bit-packed indices) beats the values themselves.
    static func dictionaryPays(entries: Int, entryBytes: Int, values: Int, plainBytes: Int) -> Bool {
        let bits = BitPacking.bitWidth(UInt64(max(entries - 1, 1)))
        let indexBytes = (values * bits + 7) / 8
        return entryBytes + indexBytes < plainBytes * 3 / 4
    }

    /// Bit width byte, then the RLE/bit-packed hybrid (Encodings.md, "Dictionary Encoding").
    static func appendIndices(_ indices: UnsafeBufferPointer<UInt32>, entries: Int, into out: inout [UInt8]) {
        let bitWidth = max(1, BitPacking.bitWidth(UInt64(max(entries - 1, 0))))
        out.append(UInt8(bitWidth))
        RleBitPackedHybrid.encode(indices, bitWidth: bitWidth, into: &out)
    }

    static func nonNullCount(_ validity: [Bool]?, _ range: Range<Int>) -> Int {
        guard let validity else { return range.count }
        var n = 0
        validity.withUnsafeBufferPointer { v in
            for i in range where v[i] { n += 1 }
        }
        return n
    }

    /// The number of leading rows that hold the first `nonNullValues` non-null values
    /// (and the nulls among them).
    static func rowsCovering(nonNullValues: Int, validity: [Bool]?, rows: Int) -> Int {
        guard let validity else { return nonNullValues }
        var seen = 0
        for row in 0..<rows {
            if validity[row] {
                if seen == nonNullValues { return row }
                seen += 1
            }
        }
        return rows
    }
}

extension Optional where Wrapped == [Bool] {
    /// The validity flags as a buffer (nil when every value is present) for the duration of `body`.
    func withOptionalBuffer<R>(_ body: (UnsafeBufferPointer<Bool>?) throws -> R) rethrows -> R {
        switch self {
        case .some(let flags): try flags.withUnsafeBufferPointer { try body($0) }
        case .none: try body(nil)
        }
    }
}
