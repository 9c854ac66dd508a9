/// Footer metadata and page index of an encoded column chunk, once its file offset is known.
enum ChunkMetadata {
    static func columnMetaData(
        descriptor: ColumnDescriptor,
        chunk: EncodedColumnChunk,
        fileOffset: Int,
        options: ParquetWriterOptions
    ) -> ParquetFormat.ColumnMetaData {
        var encodings: [ParquetFormat.Encoding] = []
        func use(_ e: ParquetFormat.Encoding) { if !encodings.contains(e) { encodings.append(e) } }
        if chunk.hasDictionaryPage { use(.plain) }
        if descriptor.isOptional { use(.rle) }
        var pageCounts: [ValueEncoding: Int32] = [:]
        for page in chunk.pages {
            use(page.encoding.format)
            pageCounts[page.encoding, default: 0] += 1
        }
        // encoding_stats lets readers (and BI tools) know every data page is dictionary-encoded
        // without reading them; some are many times slower without it.
        var encodingStats: [ParquetFormat.PageEncodingStats] = []
        if chunk.hasDictionaryPage {
            encodingStats.append(ParquetFormat.PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1))
        }
        for encoding in [ValueEncoding.rleDictionary, .plain, .deltaBinaryPacked] {
            if let count = pageCounts[encoding] {
                encodingStats.append(
                    ParquetFormat.PageEncodingStats(pageType: .dataPage, encoding: encoding.format, count: count)
                )
            }
        }
        let codec: ParquetFormat.CompressionCodec
        switch options.compression {
        case .uncompressed: codec = .uncompressed
        case .zstd: codec = .zstd
        }
        return ParquetFormat.ColumnMetaData(
            type: ParquetFormat.ThriftType(rawValue: descriptor.physicalType.rawValue)!,
            encodings: encodings,
            pathInSchema: [descriptor.name],
            codec: codec,
            numValues: Int64(chunk.numValues),
            totalUncompressedSize: Int64(chunk.totalUncompressedSize),
            totalCompressedSize: Int64(chunk.bytes.count),
            dataPageOffset: Int64(fileOffset + chunk.dataPageOffset),
            dictionaryPageOffset: chunk.hasDictionaryPage ? Int64(fileOffset) : nil,
            statistics: statistics(chunk.statistics, descriptor: descriptor, options: options),
            encodingStats: encodingStats
        )
    }

    /// Chunk statistics. min_value/max_value follow the column's type-defined order (the
    /// footer's column_orders says so); the deprecated min/max only where that order is signed.
    static func statistics(
        _ stats: ValueStatistics,
        descriptor: ColumnDescriptor,
        options: ParquetWriterOptions
    ) -> ParquetFormat.Statistics {
        var result = ParquetFormat.Statistics(nullCount: Int64(stats.nullCount))
        guard let lo = stats.min, let hi = stats.max else { return result }
        let (minValue, minExact) = truncatedMin(lo, descriptor: descriptor, options: options)
        let (maxValue, maxExact) = truncatedMax(hi, descriptor: descriptor, options: options)
        result.minValue = minValue
        result.maxValue = maxValue
        result.isMinValueExact = minExact
        result.isMaxValueExact = maxExact
        if descriptor.allowsLegacyMinMax {
            result.min = minValue
            result.max = maxValue
        }
        return result
    }

    static func pageIndex(
        descriptor: ColumnDescriptor,
        chunk: EncodedColumnChunk,
        fileOffset: Int,
        options: ParquetWriterOptions
    ) -> (ParquetFormat.ColumnIndex?, ParquetFormat.OffsetIndex) {
        let locations = chunk.pages.map {
            ParquetFormat.PageLocation(
                offset: Int64(fileOffset + $0.offset),
                compressedPageSize: Int32($0.compressedSizeWithHeader),
                firstRowIndex: Int64($0.firstRowIndex)
            )
        }
        let offsetIndex = ParquetFormat.OffsetIndex(pageLocations: locations)

        var nullPages: [Bool] = []
        var mins: [[UInt8]] = []
        var maxs: [[UInt8]] = []
        var nullCounts: [Int64] = []
        for page in chunk.pages {
            nullCounts.append(Int64(page.nullCount))
            if let lo = page.statistics.min, let hi = page.statistics.max {
                nullPages.append(false)
                mins.append(truncatedMin(lo, descriptor: descriptor, options: options).0)
                maxs.append(truncatedMax(hi, descriptor: descriptor, options: options).0)
            } else if page.nullCount == page.rows {
                nullPages.append(true)
                mins.append([])
                maxs.append([])
            } else {
                // A page with values but no bounds (only NaN): a column index would have to lie.
                return (nil, offsetIndex)
            }
        }
        let columnIndex = ParquetFormat.ColumnIndex(
            nullPages: nullPages,
            minValues: mins,
            maxValues: maxs,
            boundaryOrder: boundaryOrder(nullPages: nullPages, mins: mins, maxs: maxs, descriptor: descriptor),
            nullCounts: nullCounts
        )
        return (columnIndex, offsetIndex)
    }

    static func boundaryOrder(
        nullPages: [Bool],
        mins: [[UInt8]],
        maxs: [[UInt8]],
        descriptor: ColumnDescriptor
    ) -> ParquetFormat.BoundaryOrder {
        let order = descriptor.valueOrder
        let type = descriptor.physicalType
        var ascending = true
        var descending = true
        var previous: Int?
        for i in nullPages.indices where !nullPages[i] {
            if let p = previous {
                let less = { (a: [UInt8], b: [UInt8]) in
                    EncodedValueComparison.less(a, b, physicalType: type, order: order)
                }
                if less(mins[i], mins[p]) || less(maxs[i], maxs[p]) { ascending = false }
                if less(mins[p], mins[i]) || less(maxs[p], maxs[i]) { descending = false }
            }
            previous = i
        }
        if ascending { return .ascending }
        if descending { return .descending }
        return .unordered
    }

    private static func isByteArray(_ descriptor: ColumnDescriptor) -> Bool {
        descriptor.physicalType == .byteArray
    }

    private static func isUTF8(_ descriptor: ColumnDescriptor) -> Bool {
        switch descriptor.logicalType {
        case .string?, .json?, .enumeration?: true
        default: false
        }
    }

    static func truncatedMin(
        _ value: [UInt8],
        descriptor: ColumnDescriptor,
        options: ParquetWriterOptions
    ) -> ([UInt8], Bool) {
        guard isByteArray(descriptor) else { return (value, true) }
        let r = StatisticsTruncation.truncatedMin(
            value,
            limit: options.statisticsTruncateLength,
            isUTF8: isUTF8(descriptor)
        )
        return (r.bytes, r.exact)
    }

    static func truncatedMax(
        _ value: [UInt8],
        descriptor: ColumnDescriptor,
        options: ParquetWriterOptions
    ) -> ([UInt8], Bool) {
        guard isByteArray(descriptor) else { return (value, true) }
        let r = StatisticsTruncation.truncatedMax(
            value,
            limit: options.statisticsTruncateLength,
            isUTF8: isUTF8(descriptor)
        )
        return (r.bytes, r.exact)
    }
}
