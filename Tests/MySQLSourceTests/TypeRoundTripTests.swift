import Parquet
import Testing

@testable import MySQLSource

@Suite(.enabled(if: TestDatabase.isEnabled, "needs the test MariaDB (PP_TEST_MYSQL_HOST; make test)"))
struct EveryMappedTypeRoundTripsThroughTheBinaryProtocol {
    static let definition = """
        id INT NOT NULL PRIMARY KEY,
        ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
        mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
        d9 DECIMAL(9,4), d12 DECIMAL(12,2), d20 DECIMAL(20,0), d65 DECIMAL(65,30),
        f FLOAT, db DOUBLE,
        dt DATE, dtm DATETIME(6), dt0 DATETIME, ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(6), yr YEAR,
        b5 BIT(5), b64 BIT(64),
        vc VARCHAR(50), ch CHAR(3), tx TEXT, e ENUM('new','paid','shipped'), st SET('a','b','c'), j JSON,
        bin BINARY(4), vb VARBINARY(10), bl BLOB,
        nn VARCHAR(5) NOT NULL DEFAULT ''
        """

    static let d65 = String(repeating: "9", count: 35) + "." + String(repeating: "9", count: 30)

    static let inserts = [
        """
        INSERT INTO $T VALUES (1,
          -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
          -99999.9999, -9999999999.99, -99999999999999999999, -\(d65),
          -1.5, -1.7976931348623157e308,
          '1000-01-01', '1000-01-01 00:00:00.000000', '1000-01-01 00:00:00', '1970-01-01 00:00:01.000000',
          '-838:59:59.000000', 1901, b'0', 0,
          '', '', '', 'new', '', '[]', x'00000000', '', '', 'a')
        """,
        """
        INSERT INTO $T VALUES (2,
          127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
          99999.9999, 9999999999.99, 99999999999999999999, \(d65),
          3.25, 2.5,
          '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59', '2038-01-19 03:14:07.999999',
          '838:59:59.999999', 2155, b'11111', 18446744073709551615,
          'héllo 😀 wörld', 'abc', 'ünïcode text', 'shipped', 'a,c', '{"a": [1, 2.5, "x"], "b": null}',
          x'DEADBEEF', x'00FF00', x'0102', 'zz')
        """,
        "INSERT INTO $T (id) VALUES (3)",
        """
        INSERT INTO $T VALUES (4,
          -1, 1, -2, 2, -3, 3, -4, 4, -5, 5,
          0.0001, 1234.50, -1, -0.000000000000000000000000000001,
          0, 0,
          '2024-02-29', '2024-02-29 12:34:56.789012', '1969-12-31 23:59:59', '2024-02-29 12:34:56.500000',
          '12:00:00', 2024, b'101', 256,
          'x', 'ab', 'mediumish', 'paid', 'b', '{}', x'01020304', x'', x'', '')
        """,
    ]

    @Test func valuesArriveExactlyAsTheServerHoldsThem() throws {
        try withTable("types", Self.definition, inserts: Self.inserts) { table in
            let reader = try TestDatabase.reader()
            let described = try reader.describeTable(schema: nil, table: table)
            let stream = try reader.stream(
                sql: "SELECT * FROM `\(table)` ORDER BY id",
                parameters: [],
                columns: described.columns
            )
            let batches = try readAll(stream, maxRows: 3)
            #expect(batches.map(\.rowCount) == [3, 1])
            #expect(stream.isFinished && stream.rowCount == 4)
            let rows = concatenate(batches, schema: stream.schema)
            let names = described.columns.map(\.name)
            func row(_ id: Int) -> [String: Cell] {
                Dictionary(uniqueKeysWithValues: zip(names, rows[id - 1]))
            }

            // Integers: unsigned INT and BIGINT keep their bit pattern.
            let minimum = row(1)
            let maximum = row(2)
            #expect(minimum["ti"] == .int(-128) && maximum["ti"] == .int(127) && maximum["tiu"] == .int(255))
            #expect(minimum["si"] == .int(-32768) && maximum["siu"] == .int(65535))
            #expect(minimum["mi"] == .int(-8_388_608) && maximum["miu"] == .int(16_777_215))
            #expect(minimum["i"] == .int(-2_147_483_648) && maximum["i"] == .int(2_147_483_647))
            #expect(maximum["iu"] == .int(Int64(Int32(bitPattern: UInt32.max))))
            #expect(minimum["bi"] == .int(.min) && maximum["bi"] == .int(.max))
            #expect(maximum["biu"] == .int(Int64(bitPattern: UInt64.max)))

            // Decimals: unscaled integers, big-endian bytes past 18 digits.
            #expect(minimum["d9"] == .int(-999_999_999) && maximum["d9"] == .int(999_999_999))
            #expect(minimum["d12"] == .int(-999_999_999_999) && row(4)["d12"] == .int(123_450))
            guard case .bytes(let d20) = minimum["d20"], case .bytes(let wideMax) = maximum["d65"],
                case .bytes(let wideMin) = minimum["d65"], case .bytes(let tiny) = row(4)["d65"]
            else {
                Issue.record("wide decimals are not bytes")
                return
            }
            #expect(d20.count == 9 && DecimalText.format(bigEndian: d20, scale: 0) == "-99999999999999999999")
            #expect(wideMax.count == 28 && DecimalText.format(bigEndian: wideMax, scale: 30) == Self.d65)
            #expect(DecimalText.format(bigEndian: wideMin, scale: 30) == "-" + Self.d65)
            #expect(tiny == [UInt8](repeating: 0xFF, count: 28))

            #expect(minimum["f"] == .float(-1.5) && maximum["f"] == .float(3.25))
            #expect(minimum["db"] == .double(-1.7976931348623157e308) && maximum["db"] == .double(2.5))

            // Dates and times against the server's own arithmetic.
            let expected = try reader.queryStrings(
                """
                SELECT id, DATEDIFF(dt, '1970-01-01'), TIMESTAMPDIFF(MICROSECOND, '1970-01-01', dtm),
                       TIMESTAMPDIFF(MICROSECOND, '1970-01-01', dt0), TIMESTAMPDIFF(MICROSECOND, '1970-01-01', ts),
                       CAST(j AS CHAR)
                FROM `\(table)` ORDER BY id
                """
            )
            for (index, server) in expected.enumerated() {
                let values = row(index + 1)
                #expect(values["dt"] == (server[1].map { .int(Int64($0)!) } ?? .null), "row \(index + 1) dt")
                #expect(values["dtm"] == (server[2].map { .int(Int64($0)!) } ?? .null), "row \(index + 1) dtm")
                #expect(values["dt0"] == (server[3].map { .int(Int64($0)!) } ?? .null), "row \(index + 1) dt0")
                #expect(values["ts"] == (server[4].map { .int(Int64($0)!) } ?? .null), "row \(index + 1) ts")
                #expect(values["j"] == (server[5].map { .text($0) } ?? .null), "row \(index + 1) j")
            }
            #expect(maximum["dtm"] == .int(253_402_300_799_999_999))
            #expect(minimum["dt"] == .int(-354_285))
            #expect(minimum["tm"] == .int(-3_020_399_000_000) && maximum["tm"] == .int(3_020_399_999_999))
            #expect(row(4)["tm"] == .int(43_200_000_000))
            #expect(minimum["yr"] == .int(1901) && maximum["yr"] == .int(2155))
            #expect(minimum["b5"] == .int(0) && maximum["b5"] == .int(31) && row(4)["b5"] == .int(5))
            #expect(maximum["b64"] == .int(-1) && row(4)["b64"] == .int(256))

            // Text and bytes, empty values included.
            #expect(maximum["vc"] == .text("héllo 😀 wörld") && minimum["vc"] == .text(""))
            #expect(maximum["ch"] == .text("abc") && row(4)["ch"] == .text("ab"))
            #expect(maximum["tx"] == .text("ünïcode text") && minimum["tx"] == .text(""))
            #expect(maximum["e"] == .text("shipped") && maximum["st"] == .text("a,c") && minimum["st"] == .text(""))
            #expect(maximum["bin"] == .bytes([0xDE, 0xAD, 0xBE, 0xEF]) && minimum["bin"] == .bytes([0, 0, 0, 0]))
            #expect(maximum["vb"] == .bytes([0, 0xFF, 0]) && row(4)["vb"] == .bytes([]))
            #expect(maximum["bl"] == .bytes([1, 2]) && row(4)["nn"] == .text(""))

            // The all-NULL row is NULL everywhere but its key and its NOT NULL column.
            for (name, value) in row(3) where name != "id" && name != "nn" {
                #expect(value == .null, "column \(name) of the NULL row")
            }
            #expect(stream.warnings.isEmpty)
        }
    }

    @Test func describedColumnsCarryTheirMySQLAndParquetTypes() throws {
        try withTable("describe", Self.definition) { table in
            let described = try TestDatabase.reader().describeTable(schema: nil, table: table)
            #expect(described.primaryKey == ["id"])
            func column(_ name: String) throws -> SourceColumn { try #require(described.column(named: name)) }
            #expect(try column("d12").mysqlType == "decimal(12,2)")
            #expect(try column("d12").parquet == .decimal("d12", precision: 12, scale: 2))
            #expect(try column("biu").parquet.logicalType == .integer(bitWidth: 64, signed: false))
            #expect(try column("id").parquet.repetition == .required)
            #expect(try column("nn").parquet.repetition == .required)
            #expect(try column("vc").parquet.repetition == .optional)
            #expect(try column("j").kind == .json)
            #expect(try column("j").parquet.logicalType == .json)
            #expect(try column("e").parquet.logicalType == .string)
            #expect(try column("ts").parquet.logicalType == .timestamp(unit: .micros, adjustedToUTC: true))
            #expect(try column("dtm").kind == .datetime(fractionalDigits: 6))
            #expect(described.columns.map(\.name).first == "id" && described.columns.count == 35)
        }
    }

    @Test func zeroAndInvalidDatesBecomeNullAndAreCounted() throws {
        try withTable(
            "zero_dates",
            """
            id INT PRIMARY KEY, d DATE NOT NULL, dtm DATETIME NOT NULL, ts TIMESTAMP NOT NULL DEFAULT '0000-00-00 \
            00:00:00'
            """,
            inserts: [
                "INSERT INTO $T VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00')",
                "INSERT INTO $T VALUES (2, '2024-00-10', '2024-05-00 10:00:00', '2024-05-06 07:08:09')",
                "INSERT INTO $T VALUES (3, '2024-02-30', '2024-02-30 00:00:00', '2024-05-06 07:08:09')",
                "INSERT INTO $T VALUES (4, '2024-05-06', '2024-05-06 07:08:09', '2024-05-06 07:08:09')",
            ],
            sqlMode: "ALLOW_INVALID_DATES"
        ) { table in
            let reader = try TestDatabase.reader()
            let described = try reader.describeTable(schema: nil, table: table)
            #expect(described.columns.dropFirst().allSatisfy { $0.parquet.repetition == .optional })
            let stream = try reader.stream(
                sql: "SELECT * FROM `\(table)` ORDER BY id",
                parameters: [],
                columns: described.columns
            )
            let rows = concatenate(try readAll(stream), schema: stream.schema)
            #expect(rows[0].dropFirst().allSatisfy { $0 == .null })
            #expect(rows[1][1] == .null && rows[1][2] == .null && rows[1][3] != .null)
            #expect(rows[2][1] == .null && rows[2][2] == .null)
            #expect(rows[3][1] == .int(19849) && rows[3][2] == .int(1_714_979_289_000_000))
            let warnings = stream.warnings
            #expect(warnings.zeroDates == ["d": 2, "dtm": 2, "ts": 1])
            #expect(warnings.invalidDates == ["d": 1, "dtm": 1])
            #expect(warnings.total == 7)
            #expect(warnings.description.contains("zero dates read as NULL: d 2, dtm 2, ts 1"))
        }
    }

    @Test func valuesLongerThanTheirBindBufferArriveWhole() throws {
        // 2 MB of text (1 048 576 two-byte characters) and of bytes, between short values.
        try withTable(
            "long_values",
            "id INT PRIMARY KEY, t LONGTEXT, b LONGBLOB, j JSON",
            inserts: [
                "INSERT INTO $T VALUES (1, 'short', x'01', '[1]')",
                """
                INSERT INTO $T VALUES (2, REPEAT('é', 1048576), REPEAT(x'00FF7F80', 524288), CONCAT('[\"', \
                REPEAT('x', 100000), '\"]'))
                """,
                "INSERT INTO $T VALUES (3, 'after', x'0203', NULL)",
                "INSERT INTO $T VALUES (4, REPEAT('ab', 40000), REPEAT(x'11', 70000), '{}')",
            ]
        ) { table in
            let reader = try TestDatabase.reader()
            let described = try reader.describeTable(schema: nil, table: table)
            let stream = try reader.stream(
                sql: "SELECT * FROM `\(table)` ORDER BY id",
                parameters: [],
                columns: described.columns
            )
            let rows = concatenate(try readAll(stream, maxRows: 2), schema: stream.schema)
            #expect(rows.count == 4)
            #expect(rows[0][1] == .text("short") && rows[0][2] == .bytes([1]))
            #expect(rows[1][1] == .text(String(repeating: "é", count: 1_048_576)))
            #expect(rows[1][2] == .bytes([0x00, 0xFF, 0x7F, 0x80].repeated(524_288)))
            #expect(rows[1][3] == .text("[\"" + String(repeating: "x", count: 100_000) + "\"]"))
            #expect(rows[2][1] == .text("after") && rows[2][2] == .bytes([2, 3]) && rows[2][3] == .null)
            #expect(rows[3][1] == .text(String(repeating: "ab", count: 40_000)))
            #expect(rows[3][2] == .bytes([UInt8](repeating: 0x11, count: 70_000)))
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func repeated(_ times: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count * times)
        for _ in 0..<times { result += self }
        return result
    }
}
