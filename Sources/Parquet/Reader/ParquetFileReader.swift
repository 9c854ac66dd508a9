import Dispatch
import Synchronization

/// How the reader works; the defaults suit the daemon reading its own files back.
public struct ParquetReaderOptions: Sendable {
    /// Column chunks of a row group are read and decoded on this many threads.
    public var decodingThreads = 2

    public init() {}
}

/// Reads a flat Parquet file: its footer on open, then row groups column by column.
///
/// Only the column chunks asked for are read, each with one `pread` of its byte range, never
/// the whole file: merging a delta into a published partition needs the primary key and the
/// partition column first, and the other columns only for the rows that survive.
///
/// It reads what our writer emits and what pyarrow and DuckDB emit for flat schemas: data
/// pages V1 and V2; PLAIN, RLE_DICTIONARY / PLAIN_DICTIONARY, DELTA_BINARY_PACKED,
/// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT and RLE booleans;
/// UNCOMPRESSED and ZSTD. Anything else is a ``ParquetError`` with code `unsupported` that
/// names the file, the column and what it met.
///
/// The reader is immutable once open and reads with `pread`, so one instance can serve
/// several threads.
public final class ParquetFileReader: Sendable {
    public let path: String
    public let metadata: ParquetFormat.FileMetaData
    public let schema: ParquetSchema
    /// The file's size in bytes when it was opened.
    public let fileSize: Int
    public let options: ParquetReaderOptions
    let file: ReadOnlyFile
    let readCounter = Atomic<Int>(0)

    static let magic: [UInt8] = Array("PAR1".utf8)
    static let encryptedMagic: [UInt8] = Array("PARE".utf8)
    /// Bytes read from the end on open: most footers fit, so opening is usually two reads.
    static let footerProbe = 64 << 10

    /// Opens `path` and reads its footer. Throws a ``ParquetError`` naming the file if it is
    /// not Parquet (magic missing at either end), truncated, encrypted, nested, or its
    /// metadata does not decode.
    public init(path: String, options: ParquetReaderOptions = .init()) throws {
        let file = try ReadOnlyFile(path: path)
        self.file = file
        self.path = path
        self.options = options
        fileSize = file.size
        guard fileSize >= 12 else {
            throw ParquetError(
                .corruptFile,
                "\(path) is not a Parquet file: it has \(fileSize) bytes, fewer than the 12 of an empty one"
            )
        }
        let head = try file.read(at: 0, count: 4)
        let tailLength = min(fileSize - 4, Self.footerProbe)
        var tail = try file.read(at: fileSize - tailLength, count: tailLength)
        var read = 4 + tailLength
        let trailer = Array(tail.suffix(4))
        if trailer == Self.encryptedMagic {
            throw ParquetError(
                .unsupported,
                "\(path) is an encrypted Parquet file (PARE footer), which is not supported"
            )
        }
        guard head == Self.magic, trailer == Self.magic else {
            let which = head != Self.magic ? (trailer != Self.magic ? "at either end" : "at the start") : "at the end"
            throw ParquetError(.corruptFile, "\(path) is not a Parquet file: the PAR1 magic is missing \(which)")
        }
        let footerLength = Int(
            tail.withUnsafeBytes {
                UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: tail.count - 8, as: UInt32.self))
            }
        )
        guard footerLength <= fileSize - 12 else {
            throw ParquetError(
                .corruptFile,
                "\(path): the footer claims \(footerLength) bytes but the file has \(fileSize); truncated?"
            )
        }
        let footerStart = fileSize - 8 - footerLength
        if footerLength + 8 > tail.count {
            tail = try file.read(at: footerStart, count: footerLength + 8)
            read += footerLength + 8
        }
        readCounter.store(read, ordering: .relaxed)
        let footer = tail[(tail.count - 8 - footerLength)..<(tail.count - 8)]
        do {
            metadata = try ParquetFormat.FileMetaData(encoded: footer, baseOffset: footerStart)
        } catch {
            throw ParquetError(
                .corruptFile,
                "\(path): the footer (FileMetaData, \(footerLength) bytes at offset \(footerStart)) does not decode",
                cause: error
            )
        }
        do {
            schema = try ParquetSchema(elements: metadata.schema)
        } catch let error as ParquetError {
            throw ParquetError(error.code, "\(path): \(error.message)", cause: error.cause)
        }
        try validateRowGroups()
    }

    /// Rows in the file, as the footer says.
    public var rowCount: Int { Int(metadata.numRows) }
    public var rowGroupCount: Int { metadata.rowGroups.count }
    /// Bytes read from the file so far (footer included), so tests and logs can see that a
    /// projection read only its columns.
    public var bytesRead: Int { readCounter.load(ordering: .relaxed) }

    /// Rows of row group `index`.
    public func rowCount(ofRowGroup index: Int) -> Int {
        Int(metadata.rowGroups[index].numRows)
    }

    // MARK: Reading rows

    /// The rows of row group `index`, only the named `columns` (all when nil) in the order
    /// asked for; the batch's schema is that projection.
    public func readRowGroup(_ index: Int, columns names: [String]? = nil) throws -> RecordBatch {
        let projection = try resolve(names)
        return try readRowGroup(index, projection: projection)
    }

    /// Every row group, one after another, only the named `columns` (all when nil).
    public func readAll(columns names: [String]? = nil) throws -> RecordBatch {
        try read(rowGroups: Array(0..<rowGroupCount), projection: try resolve(names))
    }

    /// The rows of the row groups at `indices`, in that order, as one batch: for a merge that
    /// has pruned row groups by their statistics first.
    public func readRowGroups(_ indices: [Int], columns names: [String]? = nil) throws -> RecordBatch {
        let projection = try resolve(names)
        for index in indices { try checkRowGroup(index) }
        return try read(rowGroups: indices, projection: projection)
    }

    private func readRowGroup(_ index: Int, projection: [Int]) throws -> RecordBatch {
        try checkRowGroup(index)
        return try read(rowGroups: [index], projection: projection)
    }

    private func checkRowGroup(_ index: Int) throws {
        guard metadata.rowGroups.indices.contains(index) else {
            throw ParquetError(
                .invalidArgument,
                "\(path) has \(rowGroupCount) row groups; there is no row group \(index)"
            )
        }
    }

    /// The projected columns of `rowGroups`, each column decoded straight into one buffer
    /// (no concatenation afterwards), columns spread over the decoding threads.
    private func read(rowGroups: [Int], projection: [Int]) throws -> RecordBatch {
        let projected = ParquetSchema(columns: projection.map { schema.columns[$0] })
        let groups = rowGroups.filter { rowCount(ofRowGroup: $0) > 0 }
        if groups.isEmpty { return RecordBatch(emptyWith: projected) }
        let threads = min(options.decodingThreads, projection.count)
        let columns: [Column]
        if threads > 1 {
            let slots = Mutex<[Result<Column, ParquetError>?]>(Array(repeating: nil, count: projection.count))
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    if i >= projection.count { break }
                    let result: Result<Column, ParquetError>
                    do {
                        result = .success(try readColumn(projection[i], rowGroups: groups))
                    } catch let error as ParquetError {
                        result = .failure(error)
                    } catch {
                        result = .failure(
                            ParquetError(.io, "\(path): reading column \(schema.columns[projection[i]].name) failed")
                        )
                    }
                    slots.withLock { $0[i] = result }
                }
            }
            columns = try slots.withLock { $0 }.map { try $0!.get() }
        } else {
            columns = try projection.map { try readColumn($0, rowGroups: groups) }
        }
        return RecordBatch(schema: projected, columns: columns)
    }

    /// One column over `rowGroups`: one typed buffer, sized up front from the footer.
    func readColumn(_ column: Int, rowGroups: [Int]) throws -> Column {
        let descriptor = schema.columns[column]
        // A capacity hint only: bounded by what the chunks could hold, so that a footer
        // claiming absurd row counts cannot make us allocate for them up front.
        let uncompressed = rowGroups.reduce(0) {
            $0 + Int(metadata.rowGroups[$1].columns[column].metaData?.totalUncompressedSize ?? 0)
        }
        let rows = min(rowGroups.reduce(0) { $0 + rowCount(ofRowGroup: $1) }, 8 * uncompressed + 1024)
        switch descriptor.physicalType {
        case .boolean:
            return try readColumn(column, rowGroups: rowGroups, into: BooleanSink(capacity: rows), capacity: rows)
        case .int32:
            return try readColumn(
                column,
                rowGroups: rowGroups,
                into: FixedWidthSink<Int32>(capacity: rows),
                capacity: rows
            )
        case .int64:
            return try readColumn(
                column,
                rowGroups: rowGroups,
                into: FixedWidthSink<Int64>(capacity: rows),
                capacity: rows
            )
        case .float:
            return try readColumn(
                column,
                rowGroups: rowGroups,
                into: FixedWidthSink<Float>(capacity: rows),
                capacity: rows
            )
        case .double:
            return try readColumn(
                column,
                rowGroups: rowGroups,
                into: FixedWidthSink<Double>(capacity: rows),
                capacity: rows
            )
        case .byteArray:
            // A first estimate of the values' bytes: right for PLAIN pages, low for
            // dictionary-encoded ones, whose buffer then grows.
            return try readColumn(
                column,
                rowGroups: rowGroups,
                into: ByteArraySink(capacity: rows, bytes: uncompressed),
                capacity: rows
            )
        case .fixedLenByteArray:
            guard let width = descriptor.typeLength, width > 0 else {
                throw ParquetError(
                    .corruptFile,
                    "\(path), column \"\(descriptor.name)\": FIXED_LEN_BYTE_ARRAY without a positive type_length"
                )
            }
            return try readColumn(
                column,
                rowGroups: rowGroups,
                into: FixedLenByteArraySink(width: width, capacity: rows),
                capacity: rows
            )
        case .int96:
            throw ParquetError(
                .unsupported,
                "\(path), column \"\(descriptor.name)\": INT96 (deprecated legacy timestamps) is not supported"
            )
        }
    }

    private func readColumn<Sink: ColumnValueSink>(
        _ column: Int,
        rowGroups: [Int],
        into sink: Sink,
        capacity: Int
    ) throws -> Column {
        var sink = sink
        return try decodeColumn(column, rowGroups: rowGroups, into: &sink, capacity: capacity)
    }

    /// Decodes a column's chunks of `rowGroups` into `sink` (which the caller keeps, with
    /// what it gathered besides the values: a dictionary, say).
    func decodeColumn<Sink: ColumnValueSink>(
        _ column: Int,
        rowGroups: [Int],
        into sink: inout Sink,
        capacity: Int
    ) throws -> Column {
        let descriptor = schema.columns[column]
        var validity: [Bool] = []
        if descriptor.isOptional { validity.reserveCapacity(capacity) }
        var nullCount = 0
        for group in rowGroups {
            let context = "\(path), row group \(group), column \"\(descriptor.name)\""
            guard let meta = metadata.rowGroups[group].columns[column].metaData else {
                throw ParquetError(.corruptFile, "\(context): the column chunk has no meta_data")
            }
            let decoder = ColumnChunkDecoder(
                descriptor: descriptor,
                codec: meta.codec,
                rows: rowCount(ofRowGroup: group),
                context: context
            )
            try decoder.validate()
            let range = try byteRange(of: meta, context: context)
            let bytes = try file.read(at: range.lowerBound, count: range.count)
            readCounter.add(range.count, ordering: .relaxed)
            nullCount += try decoder.decodePages(bytes, fileOffset: range.lowerBound, into: &sink, validity: &validity)
        }
        return Column(values: sink.finish(), validity: nullCount > 0 ? validity : nil)
    }

    /// Where a column chunk's pages are: from its dictionary page (or first data page) for
    /// `total_compressed_size` bytes.
    ///
    /// Some writers set `dictionary_page_offset` to 0 or past the data page when there is no
    /// dictionary (arrow-rs and parquet-java guard against it the same way), so the smaller
    /// of the two offsets is taken only when it is a plausible page position.
    func byteRange(of meta: ParquetFormat.ColumnMetaData, context: String) throws -> Range<Int> {
        var start = Int(meta.dataPageOffset)
        if let dictionary = meta.dictionaryPageOffset.map(Int.init), dictionary >= 4, dictionary < start {
            start = dictionary
        }
        let length = Int(meta.totalCompressedSize)
        guard start >= 4, length > 0, length <= fileSize - 8 - start else {
            throw ParquetError(
                .corruptFile,
                """
                \(context): the column chunk's bytes \(start)..<\(start + length) are not inside the file of \
                \(fileSize) bytes
                """
            )
        }
        return start..<(start + length)
    }

    // MARK: Page index

    /// The ColumnIndex (per-page min, max, null counts) of one column chunk; nil when the
    /// file has none.
    public func readColumnIndex(rowGroup: Int, column: Int) throws -> ParquetFormat.ColumnIndex? {
        let chunk = try columnChunk(rowGroup: rowGroup, column: column)
        guard let offset = chunk.columnIndexOffset, let length = chunk.columnIndexLength else { return nil }
        return try readIndexStruct(
            ParquetFormat.ColumnIndex.self,
            offset: offset,
            length: length,
            what: "column index",
            rowGroup: rowGroup,
            column: column
        )
    }

    public func readColumnIndex(rowGroup: Int, column name: String) throws -> ParquetFormat.ColumnIndex? {
        try readColumnIndex(rowGroup: rowGroup, column: try resolve([name])[0])
    }

    /// The OffsetIndex (where each data page is and its first row) of one column chunk;
    /// nil when the file has none.
    public func readOffsetIndex(rowGroup: Int, column: Int) throws -> ParquetFormat.OffsetIndex? {
        let chunk = try columnChunk(rowGroup: rowGroup, column: column)
        guard let offset = chunk.offsetIndexOffset, let length = chunk.offsetIndexLength else { return nil }
        return try readIndexStruct(
            ParquetFormat.OffsetIndex.self,
            offset: offset,
            length: length,
            what: "offset index",
            rowGroup: rowGroup,
            column: column
        )
    }

    public func readOffsetIndex(rowGroup: Int, column name: String) throws -> ParquetFormat.OffsetIndex? {
        try readOffsetIndex(rowGroup: rowGroup, column: try resolve([name])[0])
    }

    private func columnChunk(rowGroup: Int, column: Int) throws -> ParquetFormat.ColumnChunk {
        guard metadata.rowGroups.indices.contains(rowGroup) else {
            throw ParquetError(
                .invalidArgument,
                "\(path) has \(rowGroupCount) row groups; there is no row group \(rowGroup)"
            )
        }
        guard schema.columns.indices.contains(column) else {
            throw ParquetError(
                .invalidArgument,
                "\(path) has \(schema.columns.count) columns; there is no column \(column)"
            )
        }
        return metadata.rowGroups[rowGroup].columns[column]
    }

    private func readIndexStruct<T: ThriftStruct>(
        _ type: T.Type,
        offset: Int64,
        length: Int32,
        what: String,
        rowGroup: Int,
        column: Int
    ) throws -> T {
        let context = "\(path), row group \(rowGroup), column \"\(schema.columns[column].name)\""
        guard offset >= 4, length > 0, Int(length) <= fileSize - Int(offset) else {
            throw ParquetError(
                .corruptFile,
                "\(context): the \(what) at \(offset) (\(length) bytes) is not inside the file"
            )
        }
        let bytes = try file.read(at: Int(offset), count: Int(length))
        readCounter.add(bytes.count, ordering: .relaxed)
        do {
            return try T(encoded: bytes[...], baseOffset: Int(offset))
        } catch {
            throw ParquetError(.corruptFile, "\(context): the \(what) does not decode", cause: error)
        }
    }

    // MARK: Validation

    /// Column indices of `names` in that order; every column when nil.
    func resolve(_ names: [String]?) throws -> [Int] {
        guard let names else { return Array(schema.columns.indices) }
        var seen = Set<String>()
        return try names.map { name in
            guard let index = schema.index(of: name) else {
                throw ParquetError(.invalidArgument, "\(path) has no column \"\(name)\"")
            }
            guard seen.insert(name).inserted else {
                throw ParquetError(.invalidArgument, "column \"\(name)\" is asked for twice from \(path)")
            }
            return index
        }
    }

    /// Checks once, on open, what every later read relies on: each row group has one chunk per
    /// column, of the schema's physical type, and the row counts add up.
    private func validateRowGroups() throws {
        var total: Int64 = 0
        for (g, group) in metadata.rowGroups.enumerated() {
            guard group.numRows >= 0 else {
                throw ParquetError(.corruptFile, "\(path): row group \(g) has \(group.numRows) rows")
            }
            guard group.columns.count == schema.columns.count else {
                throw ParquetError(
                    .corruptFile,
                    """
                    \(path): row group \(g) has \(group.columns.count) column chunks for \(schema.columns.count) \
                    columns
                    """
                )
            }
            for (c, chunk) in group.columns.enumerated() {
                let descriptor = schema.columns[c]
                if chunk.filePath != nil {
                    throw ParquetError(
                        .unsupported,
                        """
                        \(path): row group \(g), column \"\(descriptor.name)\" lives in another file \
                        (\(chunk.filePath!))
                        """
                    )
                }
                guard let meta = chunk.metaData else { continue }
                guard meta.type.rawValue == descriptor.physicalType.rawValue else {
                    throw ParquetError(
                        .corruptFile,
                        """
                        \(path): row group \(g), column \"\(descriptor.name)\" holds \(meta.type) values, the schema \
                        says \(descriptor.physicalType)
                        """
                    )
                }
                guard meta.numValues == group.numRows else {
                    throw ParquetError(
                        .corruptFile,
                        """
                        \(path): row group \(g), column \"\(descriptor.name)\" holds \(meta.numValues) values for \
                        \(group.numRows) rows
                        """
                    )
                }
            }
            total += group.numRows
        }
        guard total == metadata.numRows else {
            throw ParquetError(
                .corruptFile,
                "\(path): the row groups hold \(total) rows, the footer says \(metadata.numRows)"
            )
        }
    }
}
