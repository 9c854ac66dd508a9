/// Writes one column chunk's pages: compresses them, puts the header before each, and records
/// what the footer and the page index say of them (offsets, sizes, rows, statistics). The
/// encoder decides what goes in a page; this writes it (as arrow-rs's page writer does).
struct PageWriter: @unchecked Sendable {
    var descriptor: ColumnDescriptor
    var order: ValueOrder
    /// Nil while pages are written uncompressed. Not thread-safe: a page writer (and so its
    /// context) belongs to one thread at a time, which `ColumnEncoderPool` guarantees.
    var compressor: ZstdCompressor?

    private(set) var chunk = EncodedColumnChunk()
    /// Scratch buffers, kept between pages and chunks.
    private var body: [UInt8] = []
    private var compressed: [UInt8] = []

    init(descriptor: ColumnDescriptor, compressor: ZstdCompressor?) {
        self.descriptor = descriptor
        self.order = descriptor.valueOrder
        self.compressor = compressor
    }

    /// Starts a chunk of `values` values (rows), reserving `reserve` bytes.
    mutating func begin(values: Int, reserve: Int) {
        chunk = EncodedColumnChunk()
        chunk.bytes.reserveCapacity(reserve)
        chunk.numValues = values
    }

    /// The chunk written since `begin`.
    mutating func finish() -> EncodedColumnChunk {
        let result = chunk
        chunk = EncodedColumnChunk()
        return result
    }

    /// The dictionary page: its entries PLAIN-encoded, before every data page.
    mutating func writeDictionaryPage(_ page: [UInt8], entries: Int) throws {
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

    /// A data page of `rows`: the definition levels (the validity flags, for an optional
    /// column), then what `encodeValues` appends for the non-null values.
    mutating func writeDataPage(
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
}
