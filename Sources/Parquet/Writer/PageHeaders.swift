/// Serialized page headers (parquet.thrift PageHeader) for the pages the writer emits. Every
/// header carries `crc`, the CRC-32 of the page's bytes as written (after compression), so
/// readers that verify page checksums (pyarrow's `page_checksum_verification`, ours) can.
enum PageHeaders {
    static func dataPage(
        uncompressedSize: Int,
        compressedSize: Int,
        values: Int,
        encoding: ValueEncoding,
        crc: UInt32
    ) -> [UInt8] {
        let header = ParquetFormat.PageHeader(
            type: .dataPage,
            uncompressedPageSize: Int32(uncompressedSize),
            compressedPageSize: Int32(compressedSize),
            crc: Int32(bitPattern: crc),
            dataPageHeader: ParquetFormat.DataPageHeader(
                numValues: Int32(values),
                encoding: encoding.format,
                definitionLevelEncoding: .rle,
                repetitionLevelEncoding: .rle
            )
        )
        var writer = ThriftCompactWriter(reservingCapacity: 32)
        header.write(to: &writer)
        return writer.bytes
    }

    /// Dictionary pages are PLAIN-encoded values (the spec deprecates PLAIN_DICTIONARY here).
    static func dictionaryPage(uncompressedSize: Int, compressedSize: Int, entries: Int, crc: UInt32) -> [UInt8] {
        let header = ParquetFormat.PageHeader(
            type: .dictionaryPage,
            uncompressedPageSize: Int32(uncompressedSize),
            compressedPageSize: Int32(compressedSize),
            crc: Int32(bitPattern: crc),
            dictionaryPageHeader: ParquetFormat.DictionaryPageHeader(numValues: Int32(entries), encoding: .plain)
        )
        var writer = ThriftCompactWriter(reservingCapacity: 32)
        header.write(to: &writer)
        return writer.bytes
    }
}

extension ValueEncoding {
    var format: ParquetFormat.Encoding {
        switch self {
        case .plain: .plain
        case .rleDictionary: .rleDictionary
        case .deltaBinaryPacked: .deltaBinaryPacked
        }
    }
}
