import Foundation
import Parquet
import TestSupport
import Testing

/// Every page we write carries PageHeader.crc, the CRC-32 of its bytes as written (parquet.thrift:
/// "computed on the serialization binary representation of the page ... after any compression"):
/// pyarrow verifies it with `page_checksum_verification=True`, our reader always does, and both
/// refuse a page whose bytes changed.
@Suite("Pages carry a CRC-32 that readers verify")
struct PageChecksums {
    /// 20k rows of a dictionary column and a plain one: dictionary and data pages, ZSTD.
    func writeFile(_ url: URL) throws {
        let id = ColumnDescriptor(name: "id", physicalType: .int64, repetition: .required)
        let status = ColumnDescriptor(name: "status", physicalType: .byteArray, logicalType: .string)
        let rows = 20_000
        try XRFile.write(
            [
                XRColumn(
                    descriptor: id,
                    column: XRBuild.int64(id, (0..<rows).map { Int64($0 * 7919 % 100_003) }),
                    expected: [],
                    types: [:]
                ),
                XRColumn(
                    descriptor: status,
                    column: XRBuild.string(status, (0..<rows).map { ["new", "paid", "shipped"][$0 % 3] }),
                    expected: [],
                    types: [:]
                ),
            ],
            to: url
        )
    }

    @Test func everyPageHasTheCRCOfItsBytes() throws {
        let folder = try TemporaryDirectory()
        let url = folder.appending("crc.parquet")
        try writeFile(url)
        let file = try XRRawFile(url)
        var pages = 0
        for group in file.metadata.rowGroups {
            for chunk in group.columns {
                for page in try file.pages(of: try #require(chunk.metaData)) {
                    let crc = try #require(page.header.crc, "a page without crc at byte \(page.offset)")
                    #expect(UInt32(bitPattern: crc) == CRC32.checksum(Array(page.payload)))
                    pages += 1
                }
            }
        }
        #expect(pages >= 3)
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926, "the standard check value")
    }

    @Test(.requiresPythonReaders)
    func pyarrowVerifiesThemAndOurReaderRefusesADamagedPage() throws {
        let folder = try TemporaryDirectory()
        let good = folder.appending("good.parquet")
        try writeFile(good)
        // One byte of the last data page's payload flipped: the footer and headers stay readable.
        var bytes = try XRFile.bytes(good)
        let raw = try XRRawFile(good)
        let chunk = try #require(raw.metadata.rowGroups.last?.columns.first?.metaData)
        let page = try #require(try raw.pages(of: chunk).last)
        let target = page.offset + page.headerLength + page.payload.count / 2
        bytes[target] ^= 0x5A
        let bad = folder.appending("bad.parquet")
        try Data(bytes).write(to: bad)

        let script = """
            import sys, pyarrow.parquet as pq
            for path in sys.argv[1:]:
                try:
                    table = pq.read_table(path, page_checksum_verification=True)
                    print(path, "ok", table.num_rows)
                except Exception as error:
                    print(path, "error", str(error).replace("\\n", " "))
            """
        let python = try PythonParquetReader.fromEnvironment().python
        let result = try runProcess(python, ["-c", script, good.path, bad.path])
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(result.output)\(result.errorOutput)")
        #expect(lines.first == "\(good.path) ok 20000", "\(lines)")
        #expect(
            lines.last?.hasPrefix("\(bad.path) error") == true && lines.last?.lowercased().contains("crc") == true,
            "pyarrow read the damaged page: \(lines)"
        )

        #expect(try ParquetFileReader(path: good.path).readAll().rowCount == 20_000)
        let error = try #require(throws: ParquetError.self) { try ParquetFileReader(path: bad.path).readAll() }
        #expect("\(error)".contains("CRC-32"), "\(error)")
    }
}
