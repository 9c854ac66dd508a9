import Foundation
import TestSupport
import Testing

// These suites prove the harness the other integration tests stand on: the throwaway MariaDB
// that `make test` starts, with a SELECT-only reader like production's, and the Python readers.
// They talk to the server through the `mariadb` command-line client, independently of the
// project's own Connector/C code.

@Suite("The test MariaDB", .requiresMySQL)
struct TestMariaDBTests {
    let server: MySQLTestServer

    init() throws {
        server = try TestEnvironment.requireMySQL()
    }

    /// A table of this test's own, so tests running in parallel never meet.
    func makeTable(in database: String? = nil) throws -> String {
        let name = "env_probe_\(UInt32.random(in: 0...UInt32.max))"
        try server.query(
            """
            CREATE TABLE \(name) (id INT PRIMARY KEY, label VARCHAR(20) NULL, price DECIMAL(12,2) NOT NULL);
            INSERT INTO \(name) VALUES (1, 'snow \u{2603}', 10.50), (2, NULL, -0.01),
                (3, 'grin \u{1F600}', 9999999999.99);
            """,
            as: .admin,
            database: database
        )
        return name
    }

    func dropTable(_ name: String, in database: String? = nil) {
        _ = try? server.query("DROP TABLE IF EXISTS \(name)", as: .admin, database: database)
    }

    @Test func readerSeesExactlyWhatTheAdminWrote() throws {
        let table = try makeTable()
        defer { dropTable(table) }

        let rows = try server.query("SELECT id, label, price FROM \(table) ORDER BY id", as: .reader)

        #expect(
            rows == [
                ["1", "snow \u{2603}", "10.50"],
                ["2", "NULL", "-0.01"],
                ["3", "grin \u{1F600}", "9999999999.99"],
            ]
        )
    }

    @Test func readerReadsTheOtherScratchSchemaByQualifiedName() throws {
        let other = try #require(server.otherDatabase, "PP_TEST_MYSQL_OTHER_DATABASE is not set")
        let table = try makeTable(in: other)
        defer { dropTable(table, in: other) }

        let rows = try server.query("SELECT COUNT(*) FROM `\(other)`.\(table)", as: .reader)

        #expect(rows == [["3"]])
    }

    @Test(arguments: [MySQLTestServer.Transport.tcp, .socket])
    func bothAccountsConnectOverTCPAndTheSocket(transport: MySQLTestServer.Transport) throws {
        let host = transport == .tcp ? "127.0.0.1" : "localhost"

        let reader = try server.query("SELECT CURRENT_USER()", as: .reader, via: transport)
        let admin = try server.query("SELECT CURRENT_USER()", as: .admin, via: transport)

        #expect(reader == [["\(server.reader.user)@\(host)"]])
        #expect(admin == [["\(server.admin.user)@\(host)"]])
    }

    @Test func readerCannotCreateATable() throws {
        let name = "env_forbidden_\(UInt32.random(in: 0...UInt32.max))"
        defer { dropTable(name) }

        let result = try server.runSQL("CREATE TABLE \(name) (id INT)", as: .reader)

        #expect(!result.succeeded)
        #expect(result.errorOutput.contains("ERROR 1142"), "\(result.errorOutput)")
        #expect(result.errorOutput.contains("CREATE command denied"), "\(result.errorOutput)")
        let tables = try server.query(
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '\(name)'",
            as: .admin
        )
        #expect(tables == [["0"]])
    }

    @Test(arguments: [
        ("INSERT", "INSERT INTO %@ VALUES (4, 'new', 1.00)"),
        ("UPDATE", "UPDATE %@ SET label = 'changed' WHERE id = 1"),
        ("DELETE", "DELETE FROM %@ WHERE id = 2"),
        ("DROP", "DROP TABLE %@"),
    ])
    func readerCannotChangeData(command: String, template: String) throws {
        let table = try makeTable()
        defer { dropTable(table) }
        let before = try server.query("SELECT * FROM \(table) ORDER BY id", as: .admin)

        let result = try server.runSQL(template.replacingOccurrences(of: "%@", with: table), as: .reader)

        #expect(!result.succeeded)
        #expect(result.errorOutput.contains("ERROR 1142"), "\(result.errorOutput)")
        #expect(result.errorOutput.contains("\(command) command denied"), "\(result.errorOutput)")
        #expect(try server.query("SELECT * FROM \(table) ORDER BY id", as: .admin) == before)
    }

    @Test func readerHoldsNoPrivilegeBeyondSelectOnTheScratchSchemas() throws {
        let grants = try server.query("SHOW GRANTS FOR CURRENT_USER()", as: .reader).map { $0.joined() }

        let account = "`\(server.reader.user)`@`127.0.0.1`"
        var expected: Set<String> = ["GRANT SELECT ON `\(server.database)`.* TO \(account)"]
        if let other = server.otherDatabase {
            expected.insert("GRANT SELECT ON `\(other)`.* TO \(account)")
        }
        let usage = grants.filter { $0.hasPrefix("GRANT USAGE ON *.* TO \(account)") }
        #expect(usage.count == 1, "\(grants)")
        #expect(Set(grants).subtracting(usage) == expected)
    }

    @Test func aWrongPasswordIsRefused() throws {
        var impostor = server
        impostor.reader.password += "-wrong"

        let result = try impostor.runSQL("SELECT 1", as: .reader)

        #expect(!result.succeeded)
        #expect(result.errorOutput.contains("ERROR 1045"), "\(result.errorOutput)")
    }
}

@Suite("The Python readers", .requiresPythonReaders)
struct PythonReadersTests {
    let readers: PythonParquetReader

    init() throws {
        readers = try PythonParquetReader.fromEnvironment()
    }

    /// Microseconds since the epoch, whatever unit the reader reports timestamps in.
    func micros(_ column: ReadColumn) throws -> [Int64?] {
        let factor: Int64 =
            switch column.unit {
            case "ms": 1000
            case "us": 1
            default: throw TestEnvironmentError(code: .invalidVariable, message: "unit \(column.unit ?? "nil")")
            }
        return column.values.map { $0.int64.map { $0 * factor } }
    }

    @Test(arguments: PythonParquetReader.Reader.allCases)
    func readsAPyarrowFileOfEveryTypeExactly(reader: PythonParquetReader.Reader) throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("every-type.parquet")
            try readers.writeFixture("every-type", to: file)

            let readout = try readers.read(file, with: reader)

            #expect(readout.reader == reader.rawValue)
            #expect(readout.numRows == 4)
            func values(_ name: String) throws -> [ReadValue] {
                try #require(readout.column(name), "\(reader) has no column \(name)").values
            }
            #expect(try values("i64") == [.int(.min), 3, .int(.max), nil])
            #expect(try values("u64") == [0, 1, .unsigned(.max), nil])
            let f32 = try values("f32")
            #expect(f32.count == 4)
            #expect(f32.first?.double == Double(Float(0.1)))  // FLOAT widened to double exactly
            #expect(f32.dropFirst().first?.double?.isNaN == true)
            #expect(Array(f32.dropFirst(2)) == ["-inf", nil])
            #expect(try values("f64") == ["-0.0", "inf", "1e-300", nil])
            #expect(try values("dec_i32") == ["-9999999.99", "0.00", "1.50", nil])
            #expect(
                try values("dec_flba") == [
                    "-9999999999999999999999999999.9999999999", "0.0000000000", "1.0000000001", nil,
                ]
            )
            #expect(try values("dec_small_scale") == ["0.00000001", "-0.00000001", "1000.00000000", nil])
            #expect(try values("date") == ["1000-01-01", "1970-01-01", "9999-12-31", nil])
            #expect(
                try micros(#require(readout.column("ts_ms"))) == [
                    -30_610_224_000_000_000, 1_714_566_615_123_000, 253_402_300_799_999_000, nil,
                ]
            )
            #expect(
                try micros(#require(readout.column("ts_us_utc"))) == [
                    1, 1_714_607_999_999_999, -2_208_988_800_000_000, nil,
                ]
            )
            #expect(readout.column("ts_us_utc")?.tz == "UTC")
            #expect(readout.column("ts_us")?.tz == nil)
            #expect(try values("time_ms") == ["00:00:00.000000", "12:34:56.789000", "23:59:59.999000", nil])
            #expect(try values("time_us") == ["00:00:00.000001", "12:00:00.000000", "23:59:59.999999", nil])
            #expect(try values("bool") == [true, false, true, nil])
            #expect(
                try values("string") == ["", "h\u{E9}llo \u{2603}", .string(String(repeating: "x", count: 300)), nil]
            )
            #expect(try values("binary").map(\.bytes) == [[], [0x00, 0xFF], [1, 2, 3], nil])
            #expect(try values("fixed") == ["00000000", "deadbeef", "ffffffff", nil])
            #expect(try values("all_null") == [nil, nil, nil, nil])
            #expect(try values("required_i64") == [1, 2, 3, 4])
        }
    }

    @Test(arguments: [
        (
            PythonParquetReader.Reader.pyarrow,
            ["decimal128(9, 2)", "timestamp[ms, tz=UTC]", "uint64", "extension<arrow.json>"]
        ),
        (.duckdb, ["DECIMAL(9,2)", "TIMESTAMP WITH TIME ZONE", "UBIGINT", "JSON"]),
        (
            .polars,
            [
                "Decimal(precision=9, scale=2)", "Datetime(time_unit='ms', time_zone='UTC')", "UInt64",
                "Extension('arrow.json', String, '')",
            ]
        ),
    ])
    func reportsTypesInItsOwnTerms(reader: PythonParquetReader.Reader, expected: [String]) throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("every-type.parquet")
            try readers.writeFixture("every-type", to: file)

            let readout = try readers.read(file, with: reader)

            let types = ["dec_i32", "ts_ms_utc", "u64", "json"].map { readout.column($0)?.logicalType }
            #expect(types == expected)
        }
    }

    @Test func pyarrowReportsTheFooter() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("every-type.parquet")
            try readers.writeFixture("every-type", to: file)

            let readout = try readers.read(file, with: .pyarrow)

            let metadata = try #require(readout.parquetMetadata)
            #expect(metadata.numRows == 4)
            #expect(metadata.createdBy?.hasPrefix("parquet-cpp-arrow") == true)
            let group = try #require(metadata.rowGroups.first)
            #expect(group.columns.allSatisfy { $0.compression == "ZSTD" && $0.hasColumnIndex == true })
            let u64 = try #require(group.column("u64")?.statistics)
            #expect(u64.nullCount == 1)
            #expect(u64.min == 0 && u64.max == .unsigned(.max))
            let decimal = try #require(group.column("dec_flba")?.statistics)
            #expect(decimal.min == "-9999999999999999999999999999.9999999999")
            #expect(decimal.maxRaw == "000000000000000000000002540be401")
            let allNull = try #require(group.column("all_null")?.statistics)
            #expect(!allNull.hasMinMax && allNull.nullCount == 4 && allNull.min == nil)

            let schema = try #require(readout.schema)
            let decimalColumn = try #require(schema.first { $0.name == "dec_flba" })
            #expect(decimalColumn.physicalType == "FIXED_LEN_BYTE_ARRAY")
            #expect(decimalColumn.convertedType == "DECIMAL")
            #expect(decimalColumn.logicalType == "Decimal(precision=38, scale=10)")
            #expect((decimalColumn.length, decimalColumn.precision, decimalColumn.scale) == (16, 38, 10))
        }
    }

    @Test(arguments: PythonParquetReader.Reader.allCases)
    func readsAZeroRowFile(reader: PythonParquetReader.Reader) throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("zero-rows.parquet")
            try readers.writeFixture("zero-rows", to: file)

            let readout = try readers.read(file, with: reader)

            #expect(readout.numRows == 0)
            #expect(readout.columns.count == 28)
            #expect(readout.columns.allSatisfy { $0.values.isEmpty })
        }
    }

    @Test(arguments: PythonParquetReader.Reader.allCases)
    func failsClearlyOnAFileThatIsNotParquet(reader: PythonParquetReader.Reader) throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("not.parquet")
            try Data("not parquet at all".utf8).write(to: file)

            #expect {
                try readers.read(file, with: reader)
            } throws: { error in
                "\(error)".contains("\(reader) could not read not.parquet")
            }
        }
    }
}

@Suite("Temporary directories")
struct TemporaryDirectoryTests {
    @Test func isRemovedWithEverythingInIt() throws {
        let path = try withTemporaryDirectory { directory in
            try Data("x".utf8).write(to: directory.appendingPathComponent("file"))
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent("sub"),
                withIntermediateDirectories: false
            )
            return directory.path
        }

        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func twoAreNeverTheSame() throws {
        let first = TemporaryDirectory()
        let second = TemporaryDirectory()

        #expect(first.url != second.url)
        #expect(FileManager.default.fileExists(atPath: first.path))
    }
}
