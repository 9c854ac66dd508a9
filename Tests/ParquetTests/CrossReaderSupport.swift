import Foundation
import TestSupport
import Testing

@testable import Parquet

// Shared pieces of the cross-reader suites: tables described once (schema, the values we hand
// the writer, and what each reader must give back), written with our writer, read back with
// pyarrow, DuckDB and polars through TestSupport's read_parquet.py, and compared value by value.
// Names carry an `XR` prefix so they cannot collide with other suites' helpers in this target.

typealias XRReader = PythonParquetReader.Reader

/// What a reader must return for one row, in a form that does not depend on the reader's
/// representation (see read_parquet.py): timestamps compare in whatever unit the reader chose,
/// floats by bit pattern (NaN matches any NaN), unsigned integers by value.
enum XRExpected: Sendable, Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    case unsigned(UInt64)
    case bool(Bool)
    case float(Double)
    /// Decimals (exactly `scale` fraction digits), dates (ISO), times ("HH:MM:SS.ffffff"), strings.
    case text(String)
    case bytes([UInt8])
    /// A count of `unit` since the epoch.
    case timestamp(Int64, TimeUnit)

    var description: String {
        switch self {
        case .null: "null"
        case .int(let v): "\(v)"
        case .unsigned(let v): "\(v)u"
        case .bool(let v): "\(v)"
        case .float(let v): "float(\(v), bits \(String(v.bitPattern, radix: 16)))"
        case .text(let v):
            v.count > 80 ? "text(\(v.utf8.count) bytes: \(v.prefix(40))…)" : "text(\(v.debugDescription))"
        case .bytes(let v):
            v.count > 40 ? "bytes(\(v.count): \(XRHex.string(v.prefix(20)))…)" : "bytes(\(XRHex.string(v)))"
        case .timestamp(let v, let unit): "timestamp(\(v) \(unit))"
        }
    }

    /// Whether `actual`, as a reader with timestamp unit `unit` returned it, is this value.
    func matches(_ actual: ReadValue, unit: String?) -> Bool {
        switch self {
        case .null: return actual.isNull
        case .int(let v): return actual == .int(v)
        case .unsigned(let v): return actual == .unsigned(v)
        case .bool(let v): return actual == .bool(v)
        case .float(let v):
            guard let read = actual.double else { return false }
            return v.isNaN ? read.isNaN : read.bitPattern == v.bitPattern
        case .text(let v): return actual == .string(v)
        case .bytes(let v): return actual.bytes == v
        case .timestamp(let v, let written):
            guard let read = actual.int64, let unit, let target = XRUnits.perSecond(unit) else { return false }
            let source = XRUnits.perSecond(written)
            if target >= source {
                let (scaled, overflow) = v.multipliedReportingOverflow(by: target / source)
                return !overflow && scaled == read
            }
            // A reader holding a coarser unit than written would have lost precision: only
            // exact multiples may come back.
            return v % (source / target) == 0 && v / (source / target) == read
        }
    }
}

enum XRUnits {
    static func perSecond(_ unit: TimeUnit) -> Int64 {
        switch unit {
        case .millis: 1_000
        case .micros: 1_000_000
        case .nanos: 1_000_000_000
        }
    }

    static func perSecond(_ unit: String) -> Int64? {
        ["s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000][unit]
    }
}

enum XRHex {
    static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

/// One column of a test table: its descriptor, the values handed to the writer, what every
/// reader must read back, and the type name each reader must report.
struct XRColumn: Sendable {
    var descriptor: ColumnDescriptor
    var column: Column
    var expected: [XRExpected]
    /// The reader's own type name (pyarrow's Arrow type, DuckDB's DESCRIBE type, polars' dtype).
    var types: [XRReader: String]
    /// Where a reader cannot represent the values exactly (documented at the column), what it
    /// gives instead.
    var readerExpected: [XRReader: [XRExpected]] = [:]

    var name: String { descriptor.name }

    func expected(for reader: XRReader) -> [XRExpected] {
        readerExpected[reader] ?? expected
    }
}

/// Builds columns from optional Swift values (nil is a null) with ColumnBuilder, the way the
/// MySQL source does.
enum XRBuild {
    static func column<T>(
        _ descriptor: ColumnDescriptor,
        _ values: [T?],
        append: (inout ColumnBuilder, T) -> Void
    ) -> Column {
        var builder = ColumnBuilder(for: descriptor, capacity: values.count)
        for value in values {
            if let value { append(&builder, value) } else { builder.appendNull() }
        }
        return builder.finish()
    }

    static func int32(_ d: ColumnDescriptor, _ values: [Int32?]) -> Column { column(d, values) { $0.append($1) } }
    static func int64(_ d: ColumnDescriptor, _ values: [Int64?]) -> Column { column(d, values) { $0.append($1) } }
    static func float(_ d: ColumnDescriptor, _ values: [Float?]) -> Column { column(d, values) { $0.append($1) } }
    static func double(_ d: ColumnDescriptor, _ values: [Double?]) -> Column { column(d, values) { $0.append($1) } }
    static func bool(_ d: ColumnDescriptor, _ values: [Bool?]) -> Column { column(d, values) { $0.append($1) } }
    static func string(_ d: ColumnDescriptor, _ values: [String?]) -> Column { column(d, values) { $0.append($1) } }
    static func bytes(_ d: ColumnDescriptor, _ values: [[UInt8]?]) -> Column {
        column(d, values) { $0.append(bytes: $1) }
    }
}

/// Exact decimal text and big-endian two's complement bytes for unscaled values of any size,
/// so that DECIMAL(38) and DECIMAL(60) need neither Int128 nor a Double.
enum XRDecimal {
    /// `unscaled` ("-12345", "0") with `scale` fraction digits: "-123.45".
    static func text(unscaled: String, scale: Int) -> String {
        let negative = unscaled.hasPrefix("-")
        var digits = String(negative ? unscaled.dropFirst() : Substring(unscaled))
        guard scale > 0 else { return (negative ? "-" : "") + digits }
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -scale)
        return (negative ? "-" : "") + digits[..<point] + "." + digits[point...]
    }

    /// The unscaled value as `width` bytes of big-endian two's complement.
    static func bytes(unscaled: String, width: Int) -> [UInt8] {
        let negative = unscaled.hasPrefix("-")
        var magnitude = [UInt8](repeating: 0, count: width)  // big-endian
        for character in unscaled.utf8 where character != UInt8(ascii: "-") {
            var carry = Int(character - UInt8(ascii: "0"))
            for i in stride(from: width - 1, through: 0, by: -1) {
                let v = Int(magnitude[i]) * 10 + carry
                magnitude[i] = UInt8(v & 0xFF)
                carry = v >> 8
            }
            precondition(carry == 0, "\(unscaled) does not fit in \(width) bytes")
        }
        guard negative else { return magnitude }
        var result = magnitude.map { ~$0 }
        for i in stride(from: width - 1, through: 0, by: -1) {
            result[i] &+= 1
            if result[i] != 0 { break }
        }
        return result
    }

    /// "9" repeated `digits` times, optionally negative: the extreme unscaled values of a precision.
    static func nines(_ digits: Int, negative: Bool = false) -> String {
        (negative ? "-" : "") + String(repeating: "9", count: digits)
    }
}

/// Writing test tables with our writer and reading them back with the Python readers.
enum XRFile {
    static func readers() throws -> PythonParquetReader { try PythonParquetReader.fromEnvironment() }

    /// Writes `columns` as one batch (or the batches `split` cuts, each followed by
    /// `endRowGroup` when `endGroups`), and returns what `close` reported.
    @discardableResult
    static func write(
        _ columns: [XRColumn],
        to url: URL,
        options: ParquetWriterOptions = .init(),
        batches split: [Range<Int>]? = nil,
        endGroups: Bool = false,
        keyValueMetadata: [String: String] = [:]
    ) throws -> ParquetFileSummary {
        let schema = ParquetSchema(columns: columns.map(\.descriptor))
        let batch = RecordBatch(schema: schema, columns: columns.map(\.column))
        let writer = try ParquetFileWriter(path: url.path, schema: schema, options: options)
        for range in split ?? [0..<batch.rowCount] {
            try writer.write(range == 0..<batch.rowCount ? batch : batch.slice(range))
            if endGroups { try writer.endRowGroup() }
        }
        return try writer.close(keyValueMetadata: keyValueMetadata)
    }

    /// Reads `url` with every reader (or those in `readers`), concurrently: each is a Python
    /// process of its own, and starting one costs about half a second of CPU.
    ///
    /// With `crossCheckDecoding`, each output is also decoded with JSONDecoder and must give the
    /// same readout as `ParquetReadout.decodeQuickly`, which the tests rely on.
    static func readAll(
        _ url: URL,
        with python: PythonParquetReader,
        only readers: [XRReader] = XRReader.allCases,
        crossCheckDecoding: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [XRReader: ParquetReadout] {
        let results = XRResults()
        DispatchQueue.concurrentPerform(iterations: readers.count) { i in
            let reader = readers[i]
            results.set(
                reader,
                Result { try read(url, with: reader, python: python, crossCheckDecoding: crossCheckDecoding) }
            )
        }
        var readouts: [XRReader: ParquetReadout] = [:]
        for reader in readers {
            let (readout, slow) = try results.get(reader).get()
            readouts[reader] = readout
            if let slow { expectSameReadout(readout, slow, sourceLocation: sourceLocation) }
        }
        return readouts
    }

    private static func read(
        _ url: URL,
        with reader: XRReader,
        python: PythonParquetReader,
        crossCheckDecoding: Bool
    ) throws -> (ParquetReadout, ParquetReadout?) {
        guard crossCheckDecoding else { return (try python.readServed(url, with: reader), nil) }
        let arguments = [PythonParquetReader.scriptPath, "--reader", reader.rawValue, url.path]
        let output = try runProcess(python.python, arguments)
        guard output.succeeded else {
            throw TestEnvironmentError(
                code: .pythonNotFound,
                message:
                    "\(reader) could not read \(url.lastPathComponent) (exit \(output.status)): \(output.errorOutput)"
            )
        }
        return (
            try ParquetReadout.decodeQuickly(output.standardOutput),
            try JSONDecoder().decode(ParquetReadout.self, from: output.standardOutput)
        )
    }

    static func expectSameReadout(_ quick: ParquetReadout, _ slow: ParquetReadout, sourceLocation: SourceLocation) {
        let reader = quick.reader
        #expect(quick.numRows == slow.numRows, "\(reader): quick decoding", sourceLocation: sourceLocation)
        #expect(
            quick.columns.map(\.name) == slow.columns.map(\.name),
            "\(reader): quick decoding",
            sourceLocation: sourceLocation
        )
        #expect(
            quick.columns.map(\.logicalType) == slow.columns.map(\.logicalType),
            "\(reader): quick decoding",
            sourceLocation: sourceLocation
        )
        for (a, b) in zip(quick.columns, slow.columns) {
            #expect(a.values == b.values, "\(reader): quick decoding of \(a.name)", sourceLocation: sourceLocation)
            #expect(
                a.unit == b.unit && a.tz == b.tz && a.physicalType == b.physicalType,
                "\(reader): \(a.name)",
                sourceLocation: sourceLocation
            )
        }
        #expect(
            quick.parquetMetadata?.rowGroups.first?.columns.map(\.statistics?.min)
                == slow.parquetMetadata?.rowGroups.first?.columns.map(\.statistics?.min),
            "\(reader): quick decoding of the statistics",
            sourceLocation: sourceLocation
        )
    }

    /// The whole file, for walking its pages and footer ourselves.
    static func bytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }
}

private final class XRResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [XRReader: Result<(ParquetReadout, ParquetReadout?), any Error>] = [:]

    func set(_ reader: XRReader, _ result: Result<(ParquetReadout, ParquetReadout?), any Error>) {
        lock.lock()
        results[reader] = result
        lock.unlock()
    }

    func get(_ reader: XRReader) -> Result<(ParquetReadout, ParquetReadout?), any Error> {
        lock.lock()
        defer { lock.unlock() }
        return results[reader]!
    }
}

/// Checks a reader's view of a file against the table written: row count, column names in
/// order, each column's reported type, and every value.
func expectReadBack(
    _ readout: ParquetReadout,
    _ columns: [XRColumn],
    rows: Int,
    checkTypes: Bool = true,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let reader = readout.reader
    #expect(readout.numRows == rows, "\(reader): num_rows", sourceLocation: sourceLocation)
    #expect(
        readout.columns.map(\.name) == columns.map(\.name),
        "\(reader): column names",
        sourceLocation: sourceLocation
    )
    guard let which = XRReader(rawValue: reader) else {
        Issue.record("unknown reader \(reader)", sourceLocation: sourceLocation)
        return
    }
    for column in columns {
        guard let read = readout.column(column.name) else { continue }
        if checkTypes, let type = column.types[which] {
            #expect(read.logicalType == type, "\(reader): type of \(column.name)", sourceLocation: sourceLocation)
        }
        let expected = column.expected(for: which)
        guard read.values.count == expected.count else {
            Issue.record(
                "\(reader): \(column.name) has \(read.values.count) values, expected \(expected.count)",
                sourceLocation: sourceLocation
            )
            continue
        }
        var wrong: [String] = []
        for (row, value) in expected.enumerated() where !value.matches(read.values[row], unit: read.unit) {
            if wrong.count < 5 {
                let actual = read.values[row].description
                wrong.append(
                    """
                    row \(row): expected \(value), read \
                    \(actual.count > 120 ? String(actual.prefix(120)) + "…" : actual)
                    """
                )
            } else if wrong.count == 5 {
                wrong.append("…")
            }
        }
        #expect(
            wrong.isEmpty,
            """
            \(reader): \(column.name) [\(read.logicalType), unit \(read.unit ?? "-")]: \
            \(wrong.joined(separator: "; "))
            """,
            sourceLocation: sourceLocation
        )
    }
}

// MARK: - The file as bytes: footer and pages through our own Thrift decoder

/// The footer and pages of a file we wrote, decoded with the Thrift structs of the Parquet
/// module rather than through any reader, for the properties readers do not expose.
struct XRRawFile {
    let bytes: [UInt8]
    let metadata: ParquetFormat.FileMetaData

    init(_ url: URL) throws {
        bytes = try XRFile.bytes(url)
        precondition(bytes.count >= 12, "file too short")
        let length = Int(
            UInt32(bytes[bytes.count - 8]) | UInt32(bytes[bytes.count - 7]) << 8
                | UInt32(bytes[bytes.count - 6]) << 16 | UInt32(bytes[bytes.count - 5]) << 24
        )
        let start = bytes.count - 8 - length
        metadata = try ParquetFormat.FileMetaData(encoded: bytes[start..<(bytes.count - 8)], baseOffset: start)
    }

    /// One page as it lies in the file.
    struct Page {
        var offset: Int
        var headerLength: Int
        var header: ParquetFormat.PageHeader
        var payload: ArraySlice<UInt8>
        var totalLength: Int { headerLength + payload.count }
    }

    func header(at offset: Int) throws -> (ParquetFormat.PageHeader, Int) {
        var reader = ThriftCompactReader(bytes[offset...], baseOffset: 0)
        let header = try ParquetFormat.PageHeader(from: &reader)
        return (header, reader.position)
    }

    /// Every page of a column chunk, from its first page to total_compressed_size.
    func pages(of chunk: ParquetFormat.ColumnMetaData) throws -> [Page] {
        var offset = Int(chunk.dictionaryPageOffset ?? chunk.dataPageOffset)
        let end = offset + Int(chunk.totalCompressedSize)
        var pages: [Page] = []
        while offset < end {
            let (header, headerLength) = try header(at: offset)
            let payloadStart = offset + headerLength
            let payload = bytes[payloadStart..<(payloadStart + Int(header.compressedPageSize))]
            pages.append(Page(offset: offset, headerLength: headerLength, header: header, payload: payload))
            offset = payloadStart + Int(header.compressedPageSize)
        }
        return pages
    }

    /// The page's body as the codec gives it back (for ZSTD, through libzstd with exactly
    /// uncompressed_page_size bytes of room: a longer or shorter frame fails).
    func decompressed(_ page: Page, codec: ParquetFormat.CompressionCodec) throws -> [UInt8] {
        switch codec {
        case .uncompressed: return Array(page.payload)
        case .zstd:
            return try Array(page.payload).withUnsafeBytes {
                try ZstdDecompressor.decompress($0, expectedSize: Int(page.header.uncompressedPageSize))
            }
        default:
            throw ParquetError(.unsupported, "codec \(codec) in a file of ours")
        }
    }

    func offsetIndex(_ chunk: ParquetFormat.ColumnChunk) throws -> ParquetFormat.OffsetIndex? {
        guard let offset = chunk.offsetIndexOffset, let length = chunk.offsetIndexLength else { return nil }
        return try ParquetFormat.OffsetIndex(
            encoded: bytes[Int(offset)..<(Int(offset) + Int(length))],
            baseOffset: Int(offset)
        )
    }

    func columnIndex(_ chunk: ParquetFormat.ColumnChunk) throws -> ParquetFormat.ColumnIndex? {
        guard let offset = chunk.columnIndexOffset, let length = chunk.columnIndexLength else { return nil }
        return try ParquetFormat.ColumnIndex(
            encoded: bytes[Int(offset)..<(Int(offset) + Int(length))],
            baseOffset: Int(offset)
        )
    }
}

extension ParquetFormat.PageHeader {
    /// Rows (= values, in a flat schema) of a data page; nil for other pages.
    var dataPageValues: Int? {
        if let v1 = dataPageHeader { return Int(v1.numValues) }
        if let v2 = dataPageHeaderV2 { return Int(v2.numRows) }
        return nil
    }
}

/// Little-endian decoding of statistics bytes.
enum XRLittleEndian {
    static func int64(_ bytes: [UInt8]) -> Int64 {
        var v: UInt64 = 0
        for (i, b) in bytes.prefix(8).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return Int64(bitPattern: v)
    }

    static func int32(_ bytes: [UInt8]) -> Int32 {
        var v: UInt32 = 0
        for (i, b) in bytes.prefix(4).enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
        return Int32(bitPattern: v)
    }
}
