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

/// Encodes one column of one row group into pages: the column writer of arrow-rs's split.
///
/// The whole row group's values are at hand, so the encoding is chosen knowing the data
/// (`EncodingChoice`): a dictionary where it is smaller than the alternative (strings,
/// low-cardinality numbers), falling back for the rest of the chunk once the dictionary
/// outgrows its limit; DELTA_BINARY_PACKED for integers whose deltas are small; PLAIN
/// otherwise. Rows are cut into pages (`PageSpan`), each page's statistics taken, and the
/// pages written by a `PageWriter`.
struct ColumnChunkEncoder: @unchecked Sendable {
    private(set) var descriptor: ColumnDescriptor
    private(set) var options: ParquetWriterOptions
    private var pages: PageWriter

    /// Nil while pages are written uncompressed.
    var compressor: ZstdCompressor? { pages.compressor }

    init(descriptor: ColumnDescriptor, options: ParquetWriterOptions) throws {
        self.descriptor = descriptor
        self.options = options
        let compressor: ZstdCompressor?
        if case .zstd(let level) = options.compression {
            compressor = try ZstdCompressor(level: level)
        } else {
            compressor = nil
        }
        pages = PageWriter(descriptor: descriptor, compressor: compressor)
    }

    /// Takes the options of another writer; the ZSTD context and scratch buffers stay.
    mutating func adopt(_ options: ParquetWriterOptions) throws {
        self.options = options
        switch options.compression {
        case .zstd(let level):
            if let compressor = pages.compressor {
                compressor.level = level
            } else {
                pages.compressor = try ZstdCompressor(level: level)
            }
        case .uncompressed:
            pages.compressor = nil
        }
    }

    /// Encodes `column` as `descriptor` (default: the one given at init). One encoder serves
    /// many columns in turn, so its page scratch buffers and ZSTD context are reused.
    mutating func encode(_ column: Column, as descriptor: ColumnDescriptor? = nil) throws -> EncodedColumnChunk {
        if let descriptor {
            self.descriptor = descriptor
            pages.descriptor = descriptor
            pages.order = descriptor.valueOrder
        }
        pages.begin(values: column.count, reserve: column.estimatedBytes / 4 + 4096)
        switch column.values {
        case .int32(let values): try encodeFixed(values, validity: column.validity)
        case .int64(let values): try encodeFixed(values, validity: column.validity)
        case .float(let values): try encodeFixed(values, validity: column.validity)
        case .double(let values): try encodeFixed(values, validity: column.validity)
        case .boolean(let values): try encodeBooleans(values, validity: column.validity)
        case .byteArray(let values): try encodeByteArrays(values, validity: column.validity)
        case .fixedLenByteArray(let values): try encodeFixedLenByteArrays(values, validity: column.validity)
        }
        return pages.finish()
    }

    // MARK: Fixed-width numbers

    private mutating func encodeFixed<T: FixedWidthValue>(_ values: [T], validity: [Bool]?) throws {
        let rows = values.count
        let dense: [T] =
            validity.map { v in
                var d = [T]()
                d.reserveCapacity(rows)
                for i in 0..<rows where v[i] { d.append(values[i]) }
                return d
            } ?? values
        // A small table to start with: most chunks that try a dictionary are either few
        // distinct values or give up after a few thousand; clearing a table sized for the
        // whole chunk cost more than growing one.
        let dictionary = IntegerDictionary(expectedCount: min(dense.count, 1024))
        let coverage = EncodingChoice.tryDictionary(
            dense,
            validity: validity,
            rows: rows,
            options: options,
            into: dictionary
        )
        let fallback = EncodingChoice.fallback(for: dense, after: coverage.indices.count, options: options)
        if coverage.rows > 0 {
            var page: [UInt8] = []
            page.reserveCapacity(dictionary.count * MemoryLayout<T>.size)
            for key in dictionary.values { withUnsafeBytes(of: T(dictionaryKey: key)) { page.append(contentsOf: $0) } }
            try pages.writeDictionaryPage(page, entries: dictionary.count)
        }
        let rowsPerPage = max(1, min(options.dataPageRowLimit, options.dataPageSize / MemoryLayout<T>.size))
        let spans = PageSpan.cut(
            rows: rows,
            validity: validity,
            dictionaryRows: coverage.rows,
            fallback: fallback
        ) { start, limit in min(start + rowsPerPage, limit) }
        let order = pages.order
        try dense.withUnsafeBufferPointer { (denseValues) throws in
            for span in spans {
                let pageValues = UnsafeBufferPointer(rebasing: denseValues[span.values])
                var stats = ValueStatistics()
                stats.nullCount = span.nullCount
                if let (lo, hi) = T.minMax(pageValues, order: order) {
                    stats.min = lo
                    stats.max = hi
                }
                try pages.writeDataPage(rows: span.rows, validity: validity, encoding: span.encoding, statistics: stats)
                {
                    out in
                    switch span.encoding {
                    case .rleDictionary:
                        coverage.indices.withUnsafeBufferPointer {
                            Self.appendIndices(
                                UnsafeBufferPointer(rebasing: $0[span.values]),
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
            }
        }
    }

    // MARK: Booleans

    private mutating func encodeBooleans(_ values: [Bool], validity: [Bool]?) throws {
        let rows = values.count
        let dense: [Bool] = validity.map { v in (0..<rows).compactMap { v[$0] ? values[$0] : nil } } ?? values
        let rowsPerPage = max(1, min(options.dataPageRowLimit, options.dataPageSize * 8))
        let spans = PageSpan.cut(rows: rows, validity: validity) { start, limit in min(start + rowsPerPage, limit) }
        try dense.withUnsafeBufferPointer { (denseValues) throws in
            for span in spans {
                let pageValues = UnsafeBufferPointer(rebasing: denseValues[span.values])
                var stats = ValueStatistics()
                stats.nullCount = span.nullCount
                if let (lo, hi) = MinMax.of(booleans: pageValues) {
                    stats.min = lo
                    stats.max = hi
                }
                try pages.writeDataPage(rows: span.rows, validity: validity, encoding: .plain, statistics: stats) {
                    PlainEncoding.encode(booleans: pageValues, into: &$0)
                }
            }
        }
    }

    // MARK: Byte arrays

    private mutating func encodeByteArrays(_ values: ByteArrayBuffer, validity: [Bool]?) throws {
        let dictionary = ByteArrayDictionary()
        let coverage = EncodingChoice.tryDictionary(values, validity: validity, options: options, into: dictionary)
        if coverage.rows > 0 {
            var page: [UInt8] = []
            page.reserveCapacity(dictionary.valueBytes + 4 * coverage.entries)
            for i in 0..<coverage.entries { PlainEncoding.encodeByteArray(dictionary.value(at: i), into: &page) }
            try pages.writeDictionaryPage(page, entries: coverage.entries)
        }
        // Indices are written as wide as the whole dictionary needs (the overflowing entry
        // included), as they always were.
        let entries = dictionary.count
        // Page bounds of dictionary pages come from the distinct entries the page uses,
        // compared once each, instead of from every row.
        var seen = [Int32](repeating: -1, count: coverage.rows > 0 ? entries : 0)
        let spans = PageSpan.cut(
            rows: values.count,
            validity: validity,
            dictionaryRows: coverage.rows,
            fallback: .plain
        ) { [options] start, limit in
            Self.pageEnd(
                values,
                start: start,
                limit: min(limit, start + options.dataPageRowLimit),
                pageSize: options.dataPageSize
            )
        }
        for (pageNumber, span) in spans.enumerated() {
            let range = span.rows
            var stats = ValueStatistics()
            stats.nullCount = span.nullCount
            let bounds =
                span.encoding == .rleDictionary
                ? pageBounds(
                    indices: coverage.indices,
                    range: span.values,
                    dictionary: dictionary,
                    seen: &seen,
                    page: Int32(pageNumber)
                )
                : MinMax.of(byteArrays: values, rows: range, validity: validity, order: pages.order)
            if let (lo, hi) = bounds {
                stats.min = lo
                stats.max = hi
            }
            try pages.writeDataPage(rows: range, validity: validity, encoding: span.encoding, statistics: stats) {
                out in
                if span.encoding == .rleDictionary {
                    coverage.indices.withUnsafeBufferPointer {
                        Self.appendIndices(UnsafeBufferPointer(rebasing: $0[span.values]), entries: entries, into: &out)
                    }
                } else {
                    Self.appendPlain(values, rows: range, validity: validity, into: &out)
                }
            }
        }
    }

    /// PLAIN byte arrays: each non-null value with its 4-byte length.
    private static func appendPlain(
        _ values: ByteArrayBuffer,
        rows: Range<Int>,
        validity: [Bool]?,
        into out: inout [UInt8]
    ) {
        out.reserveCapacity(
            out.count + 4 * rows.count + values.offsets[rows.upperBound] - values.offsets[rows.lowerBound]
        )
        values.bytes.withUnsafeBytes { raw in
            values.offsets.withUnsafeBufferPointer { offsets in
                for row in rows {
                    if let validity, !validity[row] { continue }
                    PlainEncoding.encodeByteArray(
                        UnsafeRawBufferPointer(rebasing: raw[offsets[row]..<offsets[row + 1]]),
                        into: &out
                    )
                }
            }
        }
    }

    private mutating func encodeFixedLenByteArrays(_ values: FixedLenByteArrayBuffer, validity: [Bool]?) throws {
        guard let expected = descriptor.typeLength, expected == values.width else {
            throw ParquetError(
                .schemaMismatch,
                "column \"\(descriptor.name)\": values are \(values.width) bytes wide, "
                    + "the schema says \(descriptor.typeLength.map(String.init) ?? "nothing")"
            )
        }
        let width = values.width
        let rowsPerPage = max(1, min(options.dataPageRowLimit, options.dataPageSize / width))
        let spans = PageSpan.cut(rows: values.count, validity: validity) { start, limit in
            min(start + rowsPerPage, limit)
        }
        for span in spans {
            let range = span.rows
            var stats = ValueStatistics()
            stats.nullCount = span.nullCount
            if let (lo, hi) = MinMax.of(fixed: values, rows: range, validity: validity, order: pages.order) {
                stats.min = lo
                stats.max = hi
            }
            try pages.writeDataPage(rows: range, validity: validity, encoding: .plain, statistics: stats) { out in
                values.bytes.withUnsafeBytes { raw in
                    for row in range {
                        if let validity, !validity[row] { continue }
                        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[row * width..<(row + 1) * width]))
                    }
                }
            }
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
        let order = pages.order
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

    /// Bit width byte, then the RLE/bit-packed hybrid (Encodings.md, "Dictionary Encoding").
    static func appendIndices(_ indices: UnsafeBufferPointer<UInt32>, entries: Int, into out: inout [UInt8]) {
        let bitWidth = max(1, BitPacking.bitWidth(UInt64(max(entries - 1, 0))))
        out.append(UInt8(bitWidth))
        RleBitPackedHybrid.encode(indices, bitWidth: bitWidth, into: &out)
    }
}

/// One data page of a column chunk: its rows, and the range of the chunk's non-null values
/// it holds.
struct PageSpan {
    var rows: Range<Int>
    var values: Range<Int>
    var encoding: ValueEncoding

    var nullCount: Int { rows.count - values.count }

    /// Cuts `rows` rows into pages: dictionary-encoded ones up to `dictionaryRows` (a page never
    /// spans the switch), then `fallback` ones. A page that starts at `start` ends where
    /// `end(start, limit)` says, at most at `limit`.
    static func cut(
        rows: Int,
        validity: [Bool]?,
        dictionaryRows: Int = 0,
        fallback: ValueEncoding = .plain,
        end: (_ start: Int, _ limit: Int) -> Int
    ) -> [PageSpan] {
        var spans: [PageSpan] = []
        var start = 0
        var nonNullStart = 0
        while start < rows {
            let dictionary = start < dictionaryRows
            let stop = end(start, dictionary ? dictionaryRows : rows)
            let nonNull = EncodingChoice.nonNullCount(validity, start..<stop)
            spans.append(
                PageSpan(
                    rows: start..<stop,
                    values: nonNullStart..<(nonNullStart + nonNull),
                    encoding: dictionary ? .rleDictionary : fallback
                )
            )
            nonNullStart += nonNull
            start = stop
        }
        return spans
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
