import Synchronization

/// A BYTE_ARRAY column chunk as its writer stored it: the dictionary page's values and, per
/// row, an index into them. Grouping or filtering on text then works once per distinct value
/// instead of once per row, and no value is copied out of the dictionary.
public struct DictionaryColumn: Sendable {
    /// The chunk's dictionary (Encodings.md, "Dictionary Encoding"), in page order.
    public var dictionary: ByteArrayBuffer
    /// One index into `dictionary` per row; 0 under a null.
    public var indices: [Int32]
    /// `validity[i]` is false where row `i` is null; nil when no row is null.
    public var validity: [Bool]?

    public var count: Int { indices.count }
}

extension ParquetFileReader {
    /// Column `name` of row group `index` as dictionary indices, or nil when the chunk is not
    /// dictionary-encoded throughout (no dictionary page, or pages that fell back to PLAIN):
    /// read it with `readRowGroup` then.
    public func readDictionaryEncoded(rowGroup index: Int, column name: String) throws -> DictionaryColumn? {
        let column = try resolve([name])[0]
        guard schema.columns[column].physicalType == .byteArray else { return nil }
        guard metadata.rowGroups.indices.contains(index) else {
            throw ParquetError(
                .invalidArgument,
                "\(path) has \(rowGroupCount) row groups; there is no row group \(index)"
            )
        }
        // The footer says which encodings the chunk's data pages use.
        guard let meta = metadata.rowGroups[index].columns[column].metaData, meta.dictionaryPageOffset != nil,
            let stats = meta.encodingStats,
            stats.allSatisfy({
                $0.pageType != .dataPage && $0.pageType != .dataPageV2
                    || $0.encoding == .rleDictionary || $0.encoding == .plainDictionary
            })
        else { return nil }
        var sink = DictionaryIndexSink(capacity: rowCount(ofRowGroup: index))
        let decoded: Column
        do {
            decoded = try decodeColumn(column, rowGroups: [index], into: &sink, capacity: rowCount(ofRowGroup: index))
        } catch let error as ParquetError where error.code == .unsupported && sink.fellBack {
            return nil
        }
        guard case .int32(let indices) = decoded.values, let dictionary = sink.dictionary else { return nil }
        return DictionaryColumn(dictionary: dictionary, indices: indices, validity: decoded.validity)
    }

    /// The bytes of column `name`'s chunk in row group `index` as stored (pages, compressed):
    /// two chunks with the same bytes hold the same values, which tells a caller what did not
    /// change between two versions of a file without decoding either.
    public func storedColumnChunk(rowGroup index: Int, column name: String) throws -> [UInt8] {
        let column = try resolve([name])[0]
        guard metadata.rowGroups.indices.contains(index) else {
            throw ParquetError(
                .invalidArgument,
                "\(path) has \(rowGroupCount) row groups; there is no row group \(index)"
            )
        }
        let context = "\(path), row group \(index), column \"\(name)\""
        guard let meta = metadata.rowGroups[index].columns[column].metaData else {
            throw ParquetError(.corruptFile, "\(context): the column chunk has no meta_data")
        }
        let range = try byteRange(of: meta, context: context)
        readCounter.add(range.count, ordering: .relaxed)
        return try file.read(at: range.lowerBound, count: range.count)
    }

    /// Only which rows of column `name` in row group `index` are non-null (nil: all of them),
    /// values skipped: what counting a column's values needs. A REQUIRED column is not read.
    public func readValidity(rowGroup index: Int, column name: String) throws -> [Bool]? {
        let column = try resolve([name])[0]
        guard schema.columns[column].isOptional else { return nil }
        var sink = SkippingSink()
        return try decodeColumn(column, rowGroups: [index], into: &sink, capacity: rowCount(ofRowGroup: index)).validity
    }
}

/// Keeps a BYTE_ARRAY chunk's dictionary and its pages' indices; a page in another encoding
/// stops it (the caller reads the chunk's values instead).
struct DictionaryIndexSink: ColumnValueSink {
    private(set) var dictionary: ByteArrayBuffer?
    private var indices: [Int32] = []
    private var scratch: [UInt64] = []
    private(set) var fellBack = false

    init(capacity: Int) {
        indices.reserveCapacity(capacity)
    }

    var hasDictionary: Bool { dictionary != nil }

    mutating func startChunk() { dictionary = nil }

    mutating func setDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws {
        dictionary = try SinkSupport.byteArrayDictionary(data, count: count)
    }

    mutating func appendPage(
        _ data: UnsafeRawBufferPointer,
        encoding: ParquetFormat.Encoding,
        rows: Int,
        nonNull: Int,
        validity: UnsafeBufferPointer<Bool>?
    ) throws {
        guard rows > 0 else { return }
        guard encoding == .rleDictionary || encoding == .plainDictionary, let dictionary else {
            fellBack = true
            throw ParquetError(.unsupported, "a \(encoding.name) page in a chunk read as dictionary indices")
        }
        let base = indices.count
        indices.append(contentsOf: repeatElement(0, count: rows))
        if nonNull == 0 { return }
        try SinkSupport.decodeIndices(data, count: nonNull, into: &scratch)
        let entries = UInt64(dictionary.count)
        try scratch.withUnsafeBufferPointer { decoded in
            try indices.withUnsafeMutableBufferPointer { buffer in
                let out = buffer.baseAddress! + base
                for i in 0..<nonNull {
                    guard decoded[i] < entries else { throw SinkSupport.badIndex(decoded[i], entries: Int(entries)) }
                    out[i] = Int32(truncatingIfNeeded: decoded[i])
                }
                if let validity, nonNull < rows {
                    SinkSupport.expand(out, dense: nonNull, validity: validity, placeholder: 0)
                }
            }
        }
    }

    mutating func finish() -> ColumnValues {
        defer { indices = [] }
        return .int32(indices)
    }
}

/// Counts rows and ignores values: the definition levels alone say which rows are null.
struct SkippingSink: ColumnValueSink {
    private var rows = 0
    private(set) var hasDictionary = false

    mutating func startChunk() { hasDictionary = false }

    mutating func setDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws { hasDictionary = true }

    mutating func appendPage(
        _ data: UnsafeRawBufferPointer,
        encoding: ParquetFormat.Encoding,
        rows: Int,
        nonNull: Int,
        validity: UnsafeBufferPointer<Bool>?
    ) throws {
        self.rows += rows
    }

    /// Placeholder values, one per row (the caller keeps the validity).
    mutating func finish() -> ColumnValues {
        defer { rows = 0 }
        return .boolean([Bool](repeating: false, count: rows))
    }
}
