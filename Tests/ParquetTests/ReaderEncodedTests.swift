import Foundation
import Parquet
import TestSupport
import Testing

/// The reader's two partial reads: text as dictionary indices, and NULL flags alone.
@Suite struct ReaderEncodedReads {
    /// 2000 rows: a 5-value text column with NULLs, a unique text column, an integer column.
    static func batch() -> RecordBatch {
        let schema = ParquetSchema(columns: [
            ColumnDescriptor(name: "status", physicalType: .byteArray, logicalType: .string),
            ColumnDescriptor(name: "unique", physicalType: .byteArray, logicalType: .string, repetition: .required),
            ColumnDescriptor(name: "n", physicalType: .int64),
        ])
        let rows = 2000
        let statuses = ["paid", "shipped", "delivered", "cancelled", "refunded"]
        var status = ByteArrayBuffer()
        var validity: [Bool] = []
        for i in 0..<rows {
            if i % 7 == 3 {
                status.appendEmpty()
                validity.append(false)
            } else {
                status.append(statuses[(i * 31) % 5])
                validity.append(true)
            }
        }
        return RecordBatch(
            schema: schema,
            columns: [
                Column(values: .byteArray(status), validity: validity),
                Column(values: .byteArray(ByteArrayBuffer(strings: (0..<rows).map { "value-\($0 * 7919)" }))),
                Column(values: .int64((0..<rows).map { Int64($0) }), validity: (0..<rows).map { $0 % 5 != 0 }),
            ]
        )
    }

    @Test(arguments: WriterVariant.allCases)
    func dictionaryIndicesGiveBackTheValues(variant: WriterVariant) throws {
        let scratch = TemporaryDirectory()
        let batch = Self.batch()
        let path = scratch.file("encoded.parquet")
        try ReaderFixtures.write(batch, to: path, options: variant.options, rowGroupRows: 1000)
        let reader = try ParquetFileReader(path: path)
        for group in 0..<reader.rowGroupCount {
            let expected = batch.slice((group * 1000)..<((group + 1) * 1000))
            guard case .byteArray(let values) = expected.columns[0].values else { return }
            if let encoded = try reader.readDictionaryEncoded(rowGroup: group, column: "status") {
                #expect(variant != .plainOnly && variant != .deltaWithoutDictionary)
                #expect(encoded.validity == expected.columns[0].validity)
                for row in 0..<encoded.count where encoded.validity?[row] != false {
                    #expect(encoded.dictionary.string(at: Int(encoded.indices[row])) == values.string(at: row))
                }
            } else {
                #expect(variant == .plainOnly || variant == .deltaWithoutDictionary, "\(variant)")
            }
            // Unique values never pay for a dictionary: nil, read the values instead.
            #expect(try reader.readDictionaryEncoded(rowGroup: group, column: "unique") == nil)
            #expect(try reader.readDictionaryEncoded(rowGroup: group, column: "n") == nil)
        }
    }

    @Test(arguments: WriterVariant.allCases)
    func validityAloneMatchesAFullRead(variant: WriterVariant) throws {
        let scratch = TemporaryDirectory()
        let batch = Self.batch()
        let path = scratch.file("validity.parquet")
        try ReaderFixtures.write(batch, to: path, options: variant.options, rowGroupRows: 1000)
        let reader = try ParquetFileReader(path: path)
        for group in 0..<reader.rowGroupCount {
            let full = try reader.readRowGroup(group)
            #expect(try reader.readValidity(rowGroup: group, column: "status") == full.columns[0].validity)
            #expect(try reader.readValidity(rowGroup: group, column: "unique") == nil)
            #expect(try reader.readValidity(rowGroup: group, column: "n") == full.columns[2].validity)
        }
    }
}

extension DictionaryColumn: Equatable {
    public static func == (a: DictionaryColumn, b: DictionaryColumn) -> Bool {
        a.dictionary == b.dictionary && a.indices == b.indices && a.validity == b.validity
    }
}
