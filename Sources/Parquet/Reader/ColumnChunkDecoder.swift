/// Decodes the pages of one column chunk of a flat schema into a ``Column``.
///
/// Pages follow one another from the chunk's first byte: an optional dictionary page, then
/// data pages (V1 or V2) until the row group's rows are all read (parquet-format README,
/// "Column chunks"). With no repetition, one value slot is one row; the definition level
/// (0 or 1) of an OPTIONAL column says whether the row is null.
struct ColumnChunkDecoder {
    let descriptor: ColumnDescriptor
    let codec: ParquetFormat.CompressionCodec
    /// Rows of the row group, which every flat column chunk holds exactly.
    let rows: Int
    /// "FILE, row group N, column "NAME"": the start of every error message.
    let context: String

    /// Checks what applies to the whole chunk; call it before reading the chunk's bytes.
    func validate() throws {
        switch codec {
        case .uncompressed, .zstd: break
        default:
            throw ParquetError(
                .unsupported,
                "\(context): codec \(codec.name) is not supported (only UNCOMPRESSED and ZSTD)"
            )
        }
    }

    /// Decodes the chunk's pages into `sink`, appending the rows' validity to `validity` for
    /// an OPTIONAL column. Returns the number of null rows.
    func decodePages<Sink: ColumnValueSink>(
        _ bytes: [UInt8],
        fileOffset: Int,
        into sink: inout Sink,
        validity: inout [Bool]
    ) throws -> Int {
        sink.startChunk()
        var nullCount = 0
        var levels: [UInt64] = []
        var decoded = 0
        var position = 0
        while decoded < rows {
            guard position < bytes.count else {
                throw ParquetError(.corruptFile, "\(context): the column chunk ends after \(decoded) of \(rows) rows")
            }
            let pageOffset = fileOffset + position
            var reader = ThriftCompactReader(bytes[position...], baseOffset: pageOffset)
            let header: ParquetFormat.PageHeader
            do {
                header = try ParquetFormat.PageHeader(from: &reader)
            } catch {
                throw ParquetError(
                    .corruptFile,
                    "\(context): unreadable page header at byte \(pageOffset)",
                    cause: error
                )
            }
            let payloadStart = position + reader.position
            let compressedSize = Int(header.compressedPageSize)
            let uncompressedSize = Int(header.uncompressedPageSize)
            guard compressedSize >= 0, uncompressedSize >= 0, compressedSize <= bytes.count - payloadStart else {
                throw ParquetError(
                    .corruptFile,
                    """
                    \(context): the page at byte \(pageOffset) claims \(compressedSize) bytes, the column chunk has \
                    \(bytes.count - payloadStart) left
                    """
                )
            }
            let payload = bytes[payloadStart..<(payloadStart + compressedSize)]
            position = payloadStart + compressedSize
            // parquet.thrift: the CRC-32 of the page as written, when the writer recorded one.
            if let expected = header.crc {
                let actual = payload.withUnsafeBytes { CRC32.checksum($0) }
                guard actual == UInt32(bitPattern: expected) else {
                    throw ParquetError(
                        .corruptPage,
                        "\(context): the page at byte \(pageOffset) fails its CRC-32 (computed \(String(actual, radix: 16)), the header says \(String(UInt32(bitPattern: expected), radix: 16))): its bytes are not what was written"
                    )
                }
            }

            do {
                switch header.type {
                case .dictionaryPage:
                    guard let dictionaryHeader = header.dictionaryPageHeader else {
                        throw ParquetError(.corruptPage, "dictionary page without a dictionary_page_header")
                    }
                    guard decoded == 0, !sink.hasDictionary else {
                        throw ParquetError(.corruptPage, "a second dictionary page, or one after data pages")
                    }
                    guard dictionaryHeader.encoding == .plain || dictionaryHeader.encoding == .plainDictionary else {
                        throw ParquetError(.unsupported, "dictionary page encoding \(dictionaryHeader.encoding.name)")
                    }
                    let count = Int(dictionaryHeader.numValues)
                    guard count >= 0 else { throw ParquetError(.corruptPage, "dictionary of \(count) values") }
                    try withDecompressed(payload, uncompressedSize: uncompressedSize) { page in
                        try sink.setDictionary(page, count: count)
                    }

                case .dataPage:
                    guard let dataHeader = header.dataPageHeader else {
                        throw ParquetError(.corruptPage, "data page without a data_page_header")
                    }
                    let values = try pageValueCount(dataHeader.numValues, decoded: decoded)
                    try withDecompressed(payload, uncompressedSize: uncompressedSize) { page in
                        var valuesStart = 0
                        var nonNull = values
                        if descriptor.isOptional {
                            guard dataHeader.definitionLevelEncoding == .rle else {
                                throw ParquetError(
                                    .unsupported,
                                    "definition levels in \(dataHeader.definitionLevelEncoding.name)"
                                )
                            }
                            // V1: a 4-byte length, then the RLE/bit-packing hybrid.
                            guard page.count >= 4 else {
                                throw ParquetError(.corruptPage, "no definition levels length")
                            }
                            let length = Int(UInt32(littleEndian: page.loadUnaligned(as: UInt32.self)))
                            guard length <= page.count - 4 else {
                                throw ParquetError(
                                    .corruptPage,
                                    "definition levels claim \(length) bytes, the page has \(page.count - 4) left"
                                )
                            }
                            nonNull = try appendLevels(
                                UnsafeRawBufferPointer(rebasing: page[4..<(4 + length)]),
                                count: values,
                                into: &validity,
                                scratch: &levels
                            )
                            valuesStart = 4 + length
                        }
                        try appendValues(
                            UnsafeRawBufferPointer(rebasing: page[valuesStart...]),
                            encoding: dataHeader.encoding,
                            rows: values,
                            nonNull: nonNull,
                            validity: validity,
                            into: &sink
                        )
                        nullCount += values - nonNull
                    }
                    decoded += values

                case .dataPageV2:
                    guard let v2 = header.dataPageHeaderV2 else {
                        throw ParquetError(.corruptPage, "data page V2 without a data_page_header_v2")
                    }
                    let values = try pageValueCount(v2.numValues, decoded: decoded)
                    let repetitionLength = Int(v2.repetitionLevelsByteLength)
                    let definitionLength = Int(v2.definitionLevelsByteLength)
                    let levelsLength = repetitionLength + definitionLength
                    guard repetitionLength >= 0, definitionLength >= 0, levelsLength <= payload.count,
                        levelsLength <= uncompressedSize
                    else {
                        throw ParquetError(
                            .corruptPage,
                            "levels of \(repetitionLength) + \(definitionLength) bytes in a page of \(payload.count)"
                        )
                    }
                    // V2: levels stay uncompressed ahead of the (maybe compressed) values.
                    var nonNull = values
                    if descriptor.isOptional {
                        nonNull = try payload.withUnsafeBytes { raw in
                            try appendLevels(
                                UnsafeRawBufferPointer(rebasing: raw[repetitionLength..<levelsLength]),
                                count: values,
                                into: &validity,
                                scratch: &levels
                            )
                        }
                        guard values - nonNull == Int(v2.numNulls) else {
                            throw ParquetError(
                                .corruptPage,
                                "definition levels show \(values - nonNull) nulls, the header \(v2.numNulls)"
                            )
                        }
                    }
                    let valuesPayload = payload[(payload.startIndex + levelsLength)...]
                    func body(_ data: UnsafeRawBufferPointer) throws {
                        try appendValues(
                            data,
                            encoding: v2.encoding,
                            rows: values,
                            nonNull: nonNull,
                            validity: validity,
                            into: &sink
                        )
                    }
                    if v2.isCompressed ?? true {
                        try withDecompressed(valuesPayload, uncompressedSize: uncompressedSize - levelsLength, body)
                    } else {
                        try valuesPayload.withUnsafeBytes(body)
                    }
                    nullCount += values - nonNull
                    decoded += values

                case .indexPage:
                    continue
                }
            } catch let error as ParquetError {
                throw ParquetError(
                    error.code,
                    "\(context), page at byte \(pageOffset): \(error.message)",
                    errno: error.errno,
                    cause: error.cause
                )
            }
        }
        return nullCount
    }

    private func pageValueCount(_ numValues: Int32, decoded: Int) throws -> Int {
        let values = Int(numValues)
        guard values >= 0, values <= rows - decoded else {
            throw ParquetError(
                .corruptPage,
                "a page of \(values) values after \(decoded) of the row group's \(rows) rows"
            )
        }
        return values
    }

    /// Decodes `count` definition levels (bit width 1) and appends the rows' validity;
    /// returns how many are valid.
    private func appendLevels(
        _ data: UnsafeRawBufferPointer,
        count: Int,
        into validity: inout [Bool],
        scratch: inout [UInt64]
    ) throws -> Int {
        if scratch.count < count { scratch = [UInt64](repeating: 0, count: count) }
        var decoder = RleBitPackedDecoder(bitWidth: 1, data: data)
        try scratch.withUnsafeMutableBufferPointer { try decoder.decode(count: count, into: $0.baseAddress!) }
        let start = validity.count
        validity.append(contentsOf: repeatElement(false, count: count))
        var valid = 0
        var invalid: UInt64 = 0
        scratch.withUnsafeBufferPointer { levels in
            validity.withUnsafeMutableBufferPointer { out in
                for i in 0..<count {
                    let level = levels[i]
                    invalid |= level >> 1
                    out[start + i] = level == 1
                    valid &+= Int(truncatingIfNeeded: level)
                }
            }
        }
        guard invalid == 0 else { throw ParquetError(.corruptPage, "definition levels above 1 in a flat column") }
        return valid
    }

    /// Hands the page's values to the sink with the validity of the page's rows (the tail of
    /// `validity`), or none for a REQUIRED column or a page without nulls.
    private func appendValues<Sink: ColumnValueSink>(
        _ data: UnsafeRawBufferPointer,
        encoding: ParquetFormat.Encoding,
        rows: Int,
        nonNull: Int,
        validity: [Bool],
        into sink: inout Sink
    ) throws {
        if nonNull == rows {
            try sink.appendPage(data, encoding: encoding, rows: rows, nonNull: nonNull, validity: nil)
            return
        }
        try validity.withUnsafeBufferPointer { all in
            let page = UnsafeBufferPointer(rebasing: all[(all.count - rows)...])
            try sink.appendPage(data, encoding: encoding, rows: rows, nonNull: nonNull, validity: page)
        }
    }

    /// Calls `body` with the page's bytes as written before compression.
    private func withDecompressed(
        _ payload: ArraySlice<UInt8>,
        uncompressedSize: Int,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        switch codec {
        case .zstd where uncompressedSize > 0 || !payload.isEmpty:
            let page = try payload.withUnsafeBytes {
                try ZstdDecompressor.decompress($0, expectedSize: uncompressedSize)
            }
            try page.withUnsafeBytes(body)
        default:
            try payload.withUnsafeBytes(body)
        }
    }
}

extension ParquetFormat.CompressionCodec {
    /// The parquet.thrift spelling, for messages and `inspect`.
    public var name: String {
        switch self {
        case .uncompressed: "UNCOMPRESSED"
        case .snappy: "SNAPPY"
        case .gzip: "GZIP"
        case .lzo: "LZO"
        case .brotli: "BROTLI"
        case .lz4: "LZ4"
        case .zstd: "ZSTD"
        case .lz4Raw: "LZ4_RAW"
        }
    }
}
