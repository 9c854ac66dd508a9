import Dispatch
import Synchronization

/// Where one row group landed in the file: what index.json publishes so that a browser
/// can fetch a row group by byte range and hand hyparquet its row range.
public struct RowGroupSummary: Sendable, Hashable {
    public var index: Int
    /// Rows in the file before this row group.
    public var firstRow: Int
    public var rows: Int
    /// Byte range of the row group's column chunks: [offset, offset + length).
    public var offset: Int
    public var length: Int
    /// Min and max of each column (PLAIN-encoded, untruncated), by column index; nil when all null.
    public var columnMinMax: [(min: [UInt8], max: [UInt8])?]

    public static func == (a: RowGroupSummary, b: RowGroupSummary) -> Bool {
        a.index == b.index && a.firstRow == b.firstRow && a.rows == b.rows && a.offset == b.offset
            && a.length == b.length
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(index)
        hasher.combine(offset)
    }
}

/// What a finished file holds.
public struct ParquetFileSummary: Sendable {
    public var path: String
    public var rows: Int
    public var bytes: Int
    public var rowGroups: [RowGroupSummary]
}

/// Streams a flat table into a Parquet file.
///
/// Rows arrive in batches with `write`; the caller ends each row group with `endRowGroup`
/// (the publisher cuts at day boundaries), and a row group is also cut at the safety caps
/// of `ParquetWriterOptions`. A row group's columns are encoded in parallel when it ends
/// and written to the file one column chunk after another, so memory is bounded by one
/// row group, never the file. `close` writes the page index and the footer.
public final class ParquetFileWriter {
    public let schema: ParquetSchema
    public let options: ParquetWriterOptions
    private let output: FileOutput
    private var pending: [[Column]]
    private var pendingRows = 0
    private var pendingBytes = 0
    private var rowGroups: [ParquetFormat.RowGroup] = []
    private var pageIndexes: [[(ParquetFormat.ColumnIndex?, ParquetFormat.OffsetIndex)]] = []
    private var summaries: [RowGroupSummary] = []
    private var totalRows = 0
    private var closed = false

    /// Creates `path` (truncating it) and writes the leading magic.
    public convenience init(path: String, schema: ParquetSchema, options: ParquetWriterOptions = .init()) throws {
        try self.init(output: FileOutput(path: path), schema: schema, options: options)
    }

    /// Writes to an open descriptor the caller owns (and closes).
    public convenience init(
        fileDescriptor: Int32,
        schema: ParquetSchema,
        options: ParquetWriterOptions = .init()
    ) throws {
        try self.init(
            output: FileOutput(fileDescriptor: fileDescriptor, path: "fd \(fileDescriptor)"),
            schema: schema,
            options: options
        )
    }

    private init(output: FileOutput, schema: ParquetSchema, options: ParquetWriterOptions) throws {
        try Self.validate(schema)
        self.schema = schema
        self.options = options
        self.output = output
        pending = Array(repeating: [], count: schema.columns.count)
        try output.write(Self.magic)
    }

    static let magic: [UInt8] = Array("PAR1".utf8)

    public var path: String { output.path }
    /// Rows written so far, pending ones included.
    public var rowCount: Int { totalRows + pendingRows }

    /// Appends rows to the open row group.
    public func write(_ batch: RecordBatch) throws {
        precondition(!closed, "write after close")
        try validate(batch)
        var start = 0
        let rows = batch.rowCount
        while start < rows {
            let room = options.maxRowGroupRows - pendingRows
            let take = min(room, rows - start)
            let part = (start == 0 && take == rows) ? batch : batch.slice(start..<(start + take))
            for (i, column) in part.columns.enumerated() {
                pending[i].append(column)
                pendingBytes += column.estimatedBytes
            }
            pendingRows += take
            start += take
            if pendingRows >= options.maxRowGroupRows || pendingBytes >= options.maxRowGroupBytes {
                try endRowGroup()
            }
        }
    }

    /// Ends the open row group: encodes its columns and writes them. No-op when it is empty
    /// (a zero-row file has no row groups, which the spec allows and every reader accepts).
    public func endRowGroup() throws {
        guard pendingRows > 0 else { return }
        let columns = pending.map { Column.concatenate($0) }
        pending = Array(repeating: [], count: schema.columns.count)
        let rows = pendingRows
        pendingRows = 0
        pendingBytes = 0

        let encoded = try encodeInParallel(columns)
        let rowGroupOffset = output.position
        var chunks: [ParquetFormat.ColumnChunk] = []
        var indexes: [(ParquetFormat.ColumnIndex?, ParquetFormat.OffsetIndex)] = []
        var minMax: [(min: [UInt8], max: [UInt8])?] = []
        var uncompressedTotal = 0
        for (i, chunk) in encoded.enumerated() {
            let descriptor = schema.columns[i]
            let chunkOffset = output.position
            try output.write(chunk.bytes)
            let metadata = ChunkMetadata.columnMetaData(
                descriptor: descriptor,
                chunk: chunk,
                fileOffset: chunkOffset,
                options: options
            )
            chunks.append(ParquetFormat.ColumnChunk(fileOffset: Int64(chunkOffset), metaData: metadata))
            indexes.append(
                ChunkMetadata.pageIndex(descriptor: descriptor, chunk: chunk, fileOffset: chunkOffset, options: options)
            )
            if let lo = chunk.statistics.min, let hi = chunk.statistics.max {
                minMax.append((lo, hi))
            } else {
                minMax.append(nil)
            }
            uncompressedTotal += chunk.totalUncompressedSize
        }
        let length = output.position - rowGroupOffset
        if options.startWritebackPerRowGroup { output.startWriteback(offset: rowGroupOffset, count: length) }
        rowGroups.append(
            ParquetFormat.RowGroup(
                columns: chunks,
                totalByteSize: Int64(uncompressedTotal),
                numRows: Int64(rows),
                fileOffset: Int64(rowGroupOffset),
                totalCompressedSize: Int64(length),
                ordinal: Int16(truncatingIfNeeded: rowGroups.count)
            )
        )
        pageIndexes.append(indexes)
        summaries.append(
            RowGroupSummary(
                index: summaries.count,
                firstRow: totalRows,
                rows: rows,
                offset: rowGroupOffset,
                length: length,
                columnMinMax: minMax
            )
        )
        totalRows += rows
    }

    /// Ends the last row group, writes the page index, the footer and the closing magic.
    @discardableResult
    public func close(keyValueMetadata: [String: String] = [:]) throws -> ParquetFileSummary {
        precondition(!closed, "close called twice")
        try endRowGroup()
        closed = true
        // Page index, footer and closing magic go out in one write: a file holds two index
        // structures per column and row group, and a system call each added up to a few
        // milliseconds per file at the end of every snapshot.
        var tail = ThriftCompactWriter(reservingCapacity: 4096)
        if options.writePageIndex {
            // All column indexes, then all offset indexes, after the row groups (the layout
            // parquet-mr and arrow use), their positions recorded in each ColumnChunk.
            for (g, indexes) in pageIndexes.enumerated() {
                for (c, (columnIndex, _)) in indexes.enumerated() {
                    guard let columnIndex else { continue }
                    let start = tail.bytes.count
                    columnIndex.write(to: &tail)
                    rowGroups[g].columns[c].columnIndexOffset = Int64(output.position + start)
                    rowGroups[g].columns[c].columnIndexLength = Int32(tail.bytes.count - start)
                }
            }
            for (g, indexes) in pageIndexes.enumerated() {
                for (c, (_, offsetIndex)) in indexes.enumerated() {
                    let start = tail.bytes.count
                    offsetIndex.write(to: &tail)
                    rowGroups[g].columns[c].offsetIndexOffset = Int64(output.position + start)
                    rowGroups[g].columns[c].offsetIndexLength = Int32(tail.bytes.count - start)
                }
            }
        }
        let metadata = ParquetFormat.FileMetaData(
            version: 2,
            schema: schema.schemaElements(),
            numRows: Int64(totalRows),
            rowGroups: rowGroups,
            keyValueMetadata: keyValueMetadata.isEmpty
                ? nil
                : keyValueMetadata.sorted { $0.key < $1.key }.map {
                    ParquetFormat.KeyValue(key: $0.key, value: $0.value)
                },
            createdBy: options.createdBy,
            columnOrders: Array(repeating: .typeOrder, count: schema.columns.count)
        )
        let footerStart = tail.bytes.count
        metadata.write(to: &tail)
        var closing = tail.bytes
        closing.appendLittleEndian(UInt32(closing.count - footerStart))
        closing.append(contentsOf: Self.magic)
        try output.write(closing)
        if options.fsyncOnClose { try output.sync() }
        let bytes = output.position
        try output.close()
        return ParquetFileSummary(path: output.path, rows: totalRows, bytes: bytes, rowGroups: summaries)
    }

    // MARK: Encoding

    private func encodeInParallel(_ columns: [Column]) throws -> [EncodedColumnChunk] {
        let results = ResultSlots<EncodedColumnChunk>(count: columns.count)
        let schema = self.schema
        let options = self.options
        // Each worker takes one encoder (scratch buffers, ZSTD context) from the pool for
        // every column it encodes, and returns it for the next row group.
        let work: @Sendable (inout ColumnChunkEncoder?, Int) -> Void = { encoder, i in
            do {
                if encoder == nil {
                    encoder = try ColumnEncoderPool.shared.checkOut(descriptor: schema.columns[i], options: options)
                }
                results.set(i, .success(try encoder!.encode(columns[i], as: schema.columns[i])))
            } catch let error as ParquetError {
                results.set(i, .failure(error))
            } catch {
                results.set(
                    i,
                    .failure(ParquetError(.io, "encoding column \(schema.columns[i].name) failed: \(error)"))
                )
            }
        }
        if options.encodingThreads > 1 && columns.count > 1 {
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: min(options.encodingThreads, columns.count)) { _ in
                var encoder: ColumnChunkEncoder?
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    if i >= columns.count { break }
                    work(&encoder, i)
                }
                if let encoder { ColumnEncoderPool.shared.checkIn(encoder) }
            }
        } else {
            var encoder: ColumnChunkEncoder?
            for i in columns.indices { work(&encoder, i) }
            if let encoder { ColumnEncoderPool.shared.checkIn(encoder) }
        }
        return try results.values()
    }

    // MARK: Validation

    private static func validate(_ schema: ParquetSchema) throws {
        var names = Set<String>()
        for column in schema.columns {
            guard names.insert(column.name).inserted else {
                throw ParquetError(.invalidArgument, "column \"\(column.name)\" appears twice in the schema")
            }
            if column.physicalType == .fixedLenByteArray && (column.typeLength ?? 0) <= 0 {
                throw ParquetError(
                    .invalidArgument,
                    "column \"\(column.name)\": FIXED_LEN_BYTE_ARRAY needs a positive typeLength"
                )
            }
            if column.physicalType == .int96 {
                throw ParquetError(.unsupported, "column \"\(column.name)\": INT96 is deprecated and not written")
            }
        }
    }

    private func validate(_ batch: RecordBatch) throws {
        guard batch.columns.count == schema.columns.count else {
            throw ParquetError(
                .schemaMismatch,
                "\(path): batch has \(batch.columns.count) columns, the schema \(schema.columns.count)"
            )
        }
        for (column, descriptor) in zip(batch.columns, schema.columns) {
            guard column.values.physicalType == descriptor.physicalType else {
                throw ParquetError(
                    .schemaMismatch,
                    """
                    \(path): column \"\(descriptor.name)\" holds \(column.values.physicalType) values, the schema \
                    says \(descriptor.physicalType)
                    """
                )
            }
            if descriptor.repetition == .required && column.nullCount > 0 {
                throw ParquetError(
                    .schemaMismatch,
                    "\(path): column \"\(descriptor.name)\" is REQUIRED but \(column.nullCount) rows are null"
                )
            }
            if case .fixedLenByteArray(let values) = column.values, values.width != descriptor.typeLength {
                throw ParquetError(
                    .schemaMismatch,
                    """
                    \(path): column \"\(descriptor.name)\" holds \(values.width)-byte values, the schema says \
                    \(descriptor.typeLength ?? 0)
                    """
                )
            }
        }
    }
}

/// Per-index result slots filled from concurrent workers.
private final class ResultSlots<T: Sendable>: Sendable {
    private let slots: Mutex<[Result<T, ParquetError>?]>

    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    func set(_ i: Int, _ result: Result<T, ParquetError>) {
        slots.withLock { $0[i] = result }
    }

    func values() throws -> [T] {
        let all = slots.withLock { $0 }
        var out: [T] = []
        out.reserveCapacity(all.count)
        for slot in all {
            switch slot! {
            case .success(let v): out.append(v)
            case .failure(let e): throw e
            }
        }
        return out
    }
}
