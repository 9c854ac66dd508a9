/// How the writer lays out pages, row groups and encodings. The defaults follow what
/// established writers settled on (arrow-rs, DuckDB) and what browsers read well.
public struct ParquetWriterOptions: Sendable {
    public var compression: Compression = .default
    /// Target size of a data page before compression.
    public var dataPageSize = 1 << 20
    /// Most rows in one data page; smaller pages let readers skip more with the page index.
    public var dataPageRowLimit = 20_000
    /// A dictionary larger than this stops growing; the rest of the chunk falls back.
    public var dictionaryPageSizeLimit = 1 << 20
    public var enableDictionary = true
    /// DELTA_BINARY_PACKED for integer columns whose deltas are small (ids, timestamps).
    public var enableDeltaEncoding = true
    /// Byte-array statistics and column-index bounds longer than this are truncated.
    public var statisticsTruncateLength = 64
    /// Safety caps: a row group is cut when either is reached, even without `endRowGroup`.
    public var maxRowGroupRows = 1_000_000
    public var maxRowGroupBytes = 512 << 20
    public var writePageIndex = true
    /// Columns of a row group encode in parallel on this many threads.
    public var encodingThreads = 2
    /// fsync the file before `close` returns.
    public var fsyncOnClose = false
    /// Hand each row group to the kernel's writeback as soon as it is written (Linux
    /// `sync_file_range`, which does not wait), for a caller that fsyncs the file later: that
    /// fsync then finds the data already written instead of writing the whole file at once.
    public var startWritebackPerRowGroup = false
    public var createdBy = ParquetLibrary.createdBy

    public init() {}
}

/// Identity of this writer, recorded in every file's `created_by`.
public enum ParquetLibrary {
    public static let version = "0.1.0"
    public static let createdBy = "parquet-publisher version \(version) (build swift)"
}
