import Foundation
import Parquet
import TestSupport
import Testing

/// A small file whose statistics have known decoded forms.
enum InspectFixture {
    static let schema = ParquetSchema(columns: [
        ColumnDescriptor(
            name: "id",
            physicalType: .int64,
            logicalType: .integer(bitWidth: 64, signed: false),
            repetition: .required
        ),
        .decimal("price", precision: 12, scale: 2, repetition: .required),
        .decimal("wide", precision: 38, scale: 10, repetition: .optional),
        ColumnDescriptor(name: "day", physicalType: .int32, logicalType: .date, repetition: .required),
        ColumnDescriptor(
            name: "at",
            physicalType: .int64,
            logicalType: .timestamp(unit: .micros, adjustedToUTC: true),
            repetition: .required
        ),
        ColumnDescriptor(name: "name", physicalType: .byteArray, logicalType: .string, repetition: .required),
        ColumnDescriptor(name: "raw", physicalType: .byteArray, repetition: .required),
        ColumnDescriptor(name: "flag", physicalType: .boolean, repetition: .optional),
        ColumnDescriptor(
            name: "small",
            physicalType: .int32,
            logicalType: .integer(bitWidth: 32, signed: false),
            repetition: .required
        ),
    ])

    static let longName = String(repeating: "z", count: 100)

    static func batch() -> RecordBatch {
        var b = schema.columns.map { ColumnBuilder(for: $0) }
        for i in 0..<100 {
            b[0].append(i == 99 ? Int64(bitPattern: UInt64.max) : Int64(i + 1))
            b[1].append(i == 0 ? Int64(-12345) : Int64(5))
            if i % 10 == 0 {
                b[2].appendNull()
            } else {
                // -1 and 10^20 as 16-byte big-endian two's complement.
                let tenToTheTwenty: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0x05, 0x6B, 0xC7, 0x5E, 0x2D, 0x63, 0x10, 0, 0]
                b[2].append(bytes: i == 1 ? [UInt8](repeating: 0xFF, count: 16) : tenToTheTwenty)
            }
            b[3].append(Int32(19000 + i % 2))
            b[4].append(Int64(1_700_000_000_123_456 + i))
            b[5].append(i == 50 ? longName : (i % 2 == 0 ? "alpha" : "beta"))
            b[6].append(bytes: [0x00, 0xFF, UInt8(i)])
            if i < 3 { b[7].appendNull() } else { b[7].append(i % 2 == 0) }
            b[8].append(i == 7 ? Int32(bitPattern: UInt32.max) : Int32(i))
        }
        return RecordBatch(schema: schema, columns: b.indices.map { b[$0].finish() })
    }

    static func write(to path: String) throws {
        try ReaderFixtures.write(batch(), to: path, keyValueMetadata: ["origin": "inspect test"])
    }
}

@Suite struct InspectTests {
    func inspectJSON(_ path: String) throws -> [String: Any] {
        let json = FileInspection(try ParquetFileReader(path: path)).json
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func theJSONReportDescribesSchemaRowGroupsAndDecodedStatistics() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("inspect.parquet")
        try InspectFixture.write(to: path)
        let doc = try inspectJSON(path)

        #expect(doc["file"] as? String == path)
        #expect(doc["num_rows"] as? Int == 100)
        #expect(doc["num_row_groups"] as? Int == 1)
        #expect((doc["created_by"] as? String)?.hasPrefix("parquet-publisher version") == true)
        #expect(doc["size_bytes"] as? Int == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))

        let schema = try #require(doc["schema"] as? [[String: Any]])
        #expect(schema.map { $0["name"] as? String } == InspectFixture.schema.columns.map(\.name))
        let price = schema[1]
        #expect(price["physical_type"] as? String == "INT64")
        #expect(price["logical_type"] as? String == "DECIMAL(12,2)")
        #expect(price["converted_type"] as? String == "DECIMAL")
        #expect(price["precision"] as? Int == 12)
        #expect(price["scale"] as? Int == 2)
        #expect(price["repetition"] as? String == "REQUIRED")
        #expect(schema[2]["physical_type"] as? String == "FIXED_LEN_BYTE_ARRAY")
        #expect(schema[2]["type_length"] as? Int == 16)
        #expect(schema[2]["repetition"] as? String == "OPTIONAL")
        #expect(schema[4]["logical_type"] as? String == "TIMESTAMP(MICROS, UTC)")
        #expect(schema[0]["converted_type"] as? String == "UINT_64")

        let groups = try #require(doc["row_groups"] as? [[String: Any]])
        let columns = try #require(groups.first?["columns"] as? [[String: Any]])
        #expect(groups.first?["num_rows"] as? Int == 100)
        #expect(columns.count == 9)
        func stats(_ i: Int) -> [String: Any] { columns[i]["statistics"] as? [String: Any] ?? [:] }
        #expect(stats(0)["min"] as? String == "1")
        #expect(stats(0)["max"] as? String == "18446744073709551615")
        #expect(stats(1)["min"] as? String == "-123.45")
        #expect(stats(1)["max"] as? String == "0.05")
        #expect(stats(2)["min"] as? String == "-0.0000000001")
        #expect(stats(2)["max"] as? String == "10000000000.0000000000")
        #expect(stats(2)["null_count"] as? Int == 10)
        #expect(stats(3)["min"] as? String == "2022-01-08")
        #expect(stats(3)["max"] as? String == "2022-01-09")
        #expect(stats(4)["min"] as? String == "2023-11-14T22:13:20.123456Z")
        #expect(stats(5)["min"] as? String == "alpha")
        #expect(stats(5)["max_exact"] as? Bool == false)
        #expect((stats(5)["max"] as? String)?.hasPrefix("zzzz") == true)
        #expect(stats(5)["min_exact"] as? Bool == true)
        #expect(stats(6)["min"] as? String == "0x00ff00")
        #expect(stats(7)["null_count"] as? Int == 3)
        #expect(stats(7)["min"] as? String == "false")
        #expect(stats(8)["max"] as? String == "4294967295")

        let name = columns[5]
        #expect(name["codec"] as? String == "ZSTD")
        #expect((name["encodings"] as? [String])?.contains("RLE_DICTIONARY") == true)
        let pages = try #require(name["encoding_stats"] as? [[String: Any]])
        #expect(pages.contains { $0["page_type"] as? String == "DICTIONARY_PAGE" && $0["count"] as? Int == 1 })
        #expect((name["total_compressed_size"] as? Int ?? 0) > 0)
        #expect(name["column_index"] is [String: Any])
        #expect(name["offset_index"] is [String: Any])

        let metadata = try #require(doc["key_value_metadata"] as? [[String: Any]])
        #expect(metadata.count == 1)
        #expect(metadata.first?["key"] as? String == "origin")
        #expect(metadata.first?["value"] as? String == "inspect test")
    }

    @Test func everyColumnChunkReportsTheSameKeys() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("keys.parquet")
        try InspectFixture.write(to: path)
        let doc = try inspectJSON(path)
        let columns = try #require((doc["row_groups"] as? [[String: Any]])?.first?["columns"] as? [[String: Any]])
        let keys = Set(columns[0].keys)
        #expect(
            keys.isSuperset(of: [
                "name", "codec", "encodings", "total_compressed_size", "total_uncompressed_size", "encoding_stats",
                "statistics", "column_index", "offset_index",
            ])
        )
        for column in columns { #expect(Set(column.keys) == keys) }
    }

    @Test func theTextReportShowsTheSameFacts() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("text.parquet")
        try InspectFixture.write(to: path)
        let text = FileInspection(try ParquetFileReader(path: path)).text
        #expect(text.contains(path))
        #expect(text.contains("100 in 1 row groups"))
        #expect(text.contains("DECIMAL(12,2)"))
        #expect(text.contains("min -123.45, max 0.05"))
        #expect(text.contains("(truncated)"))
        #expect(text.contains("origin = inspect test"))
        #expect(text.contains("DICTIONARY_PAGE PLAIN x1"))
    }

    @Test func aFileWithoutRowsIsReportedWithItsSchema() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("empty.parquet")
        try ReaderFixtures.write(RecordBatch(emptyWith: InspectFixture.schema), to: path)
        let doc = try inspectJSON(path)
        #expect(doc["num_rows"] as? Int == 0)
        #expect((doc["row_groups"] as? [Any])?.isEmpty == true)
        #expect((doc["schema"] as? [Any])?.count == 9)
    }

    // MARK: The command

    /// The `parquet-publisher` binary `swift test` builds beside the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "parquet-publisher"
        )
    }

    func runInspect(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let binary = Self.binary
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path),
            "no parquet-publisher at \(binary.path)"
        )
        let process = Process()
        process.executableURL = binary
        process.arguments = ["inspect"] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    @Test func theCommandPrintsOneJSONDocument() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("cli.parquet")
        try InspectFixture.write(to: path)
        let result = try runInspect([path, "--json"])
        #expect(result.status == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(doc["num_rows"] as? Int == 100)
        let text = try runInspect([path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("row group 0: 100 rows"))
    }

    @Test func theCommandRejectsAFileThatIsNotParquetNamingIt() throws {
        let scratch = try TemporaryDirectory(prefix: "parquet-reader")
        let path = scratch.file("plain.txt")
        try "just some text, long enough to have a tail".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try runInspect([path])
        #expect(result.status != 0)
        #expect(result.stderr.contains(path))
        #expect(result.stderr.contains("not a Parquet file"))
        #expect(result.stdout.isEmpty)
    }
}

@Suite struct ParquetValueFormatterTests {
    @Test func decimalsAreWrittenExactlyFromTheirUnscaledValue() {
        #expect(ParquetValueFormatter.decimal(unscaled: -12345, scale: 2) == "-123.45")
        #expect(ParquetValueFormatter.decimal(unscaled: 5, scale: 3) == "0.005")
        #expect(ParquetValueFormatter.decimal(unscaled: -5, scale: 3) == "-0.005")
        #expect(ParquetValueFormatter.decimal(unscaled: 0, scale: 2) == "0.00")
        #expect(ParquetValueFormatter.decimal(unscaled: 1200, scale: 0) == "1200")
        #expect(ParquetValueFormatter.decimal(unscaled: .min, scale: 4) == "-922337203685477.5808")
        #expect(ParquetValueFormatter.decimal(bigEndian: [0xFF, 0xFF], scale: 1) == "-0.1")
        #expect(
            ParquetValueFormatter.decimal(bigEndian: [0x80] + [UInt8](repeating: 0, count: 15), scale: 0)
                == "-170141183460469231731687303715884105728"
        )
        #expect(
            ParquetValueFormatter.decimal(bigEndian: [0x7F] + [UInt8](repeating: 0xFF, count: 15), scale: 38)
                == "1.70141183460469231731687303715884105727"
        )
        #expect(ParquetValueFormatter.decimal(bigEndian: [], scale: 2) == "0.00")
        #expect(ParquetValueFormatter.integer(bigEndian: [0x01, 0x00]) == "256")
    }

    @Test func datesAndTimestampsAreISOInTheProlepticGregorianCalendar() {
        #expect(ParquetValueFormatter.date(days: 0) == "1970-01-01")
        #expect(ParquetValueFormatter.date(days: -1) == "1969-12-31")
        #expect(ParquetValueFormatter.date(days: -719_162) == "0001-01-01")
        #expect(ParquetValueFormatter.date(days: 2_932_896) == "9999-12-31")
        #expect(ParquetValueFormatter.date(days: 11_016) == "2000-02-29")
        #expect(
            ParquetValueFormatter.timestamp(-1, unit: .micros, adjustedToUTC: false) == "1969-12-31T23:59:59.999999"
        )
        #expect(
            ParquetValueFormatter.timestamp(1_700_000_000_123, unit: .millis, adjustedToUTC: true)
                == "2023-11-14T22:13:20.123Z"
        )
        #expect(
            ParquetValueFormatter.timestamp(1, unit: .nanos, adjustedToUTC: true) == "1970-01-01T00:00:00.000000001Z"
        )
        // The INT64 extremes format without trapping (about 292 million years either way).
        #expect(ParquetValueFormatter.timestamp(.min, unit: .millis, adjustedToUTC: true).hasSuffix(".192Z"))
        #expect(
            ParquetValueFormatter.timestamp(.max, unit: .nanos, adjustedToUTC: false) == "2262-04-11T23:47:16.854775807"
        )
        #expect(ParquetValueFormatter.time(86_399_999, unit: .millis) == "23:59:59.999")
    }

    @Test func statisticsBytesDecodePerLogicalType() {
        let uuid = ColumnDescriptor(name: "u", physicalType: .fixedLenByteArray, logicalType: .uuid, typeLength: 16)
        #expect(
            ParquetValueFormatter.format(plainEncoded: Array(0..<16), for: uuid)
                == "00010203-0405-0607-0809-0a0b0c0d0e0f"
        )
        let small = ColumnDescriptor(
            name: "s",
            physicalType: .int32,
            logicalType: .integer(bitWidth: 16, signed: false)
        )
        #expect(ParquetValueFormatter.format(plainEncoded: [0xFF, 0xFF, 0, 0], for: small) == "65535")
        let signed = ColumnDescriptor(
            name: "s",
            physicalType: .int32,
            logicalType: .integer(bitWidth: 32, signed: true)
        )
        #expect(ParquetValueFormatter.format(plainEncoded: [0xFF, 0xFF, 0xFF, 0xFF], for: signed) == "-1")
        #expect(
            ParquetValueFormatter.format(plainEncoded: [1, 2], for: signed).contains("invalid INT32 value of 2 bytes")
        )
        let double = ColumnDescriptor(name: "d", physicalType: .double)
        #expect(
            ParquetValueFormatter.format(
                plainEncoded: withUnsafeBytes(of: (2.5).bitPattern.littleEndian, Array.init),
                for: double
            ) == "2.5"
        )
    }
}
