import Foundation
import Publishing
import TestSupport
import Testing

/// One MySQL column of the round-trip table: its definition, the SQL literals of three rows
/// (minimum, maximum, an ordinary value; a fourth row is NULL unless the column is NOT NULL),
/// the values a reader must give back, and the types docs/types.md promises.
struct TypeCase: Sendable, CustomStringConvertible {
    var column: String
    var definition: String
    var literals: [String]
    var values: [ReadValue]
    /// The Parquet physical type, logical type (as index.json spells it) and converted type.
    var physical: String
    var logical: String?
    var converted: String
    /// What each reader calls the column's type.
    var pyarrow: String
    var duckdb: String
    var polars: String

    var description: String { "\(column) \(definition)" }
    var isRequired: Bool { definition.contains("NOT NULL") }
}

extension TypeCase {
    static let microsPerSecond: Int64 = 1_000_000
    static func micros(
        _ y: Int,
        _ m: Int,
        _ d: Int,
        _ h: Int64 = 0,
        _ mi: Int64 = 0,
        _ s: Int64 = 0,
        _ f: Int64 = 0
    ) -> ReadValue {
        .int(TestCalendar.days(y, m, d) * TestCalendar.microsPerDay + ((h * 60 + mi) * 60 + s) * microsPerSecond + f)
    }

    static let nines65 = String(repeating: "9", count: 35) + "." + String(repeating: "9", count: 30)
    static let nines38 = String(repeating: "9", count: 28) + "." + String(repeating: "9", count: 10)
    /// About 2 MB of four-byte and two-byte characters, built by the server (REPEAT) so the
    /// INSERT statement stays short.
    static let longText = String(repeating: "😀é", count: 349_526)
    static let emoji = "😀 grin 🎉 ünï 中文"

    /// Every type docs/types.md maps, at its extremes. The order is the table's column order.
    static let all: [TypeCase] = [
        TypeCase(
            column: "id",
            definition: "INT NOT NULL PRIMARY KEY",
            literals: ["1", "2", "4", "3"],
            values: [1, 2, 4, 3],
            physical: "INT32",
            logical: "INTEGER(32,true)",
            converted: "INT_32",
            pyarrow: "int32",
            duckdb: "INTEGER",
            polars: "Int32"
        ),
        TypeCase(
            column: "ti",
            definition: "TINYINT",
            literals: ["-128", "127", "-1"],
            values: [-128, 127, -1],
            physical: "INT32",
            logical: "INTEGER(8,true)",
            converted: "INT_8",
            pyarrow: "int8",
            duckdb: "TINYINT",
            polars: "Int8"
        ),
        TypeCase(
            column: "tiu",
            definition: "TINYINT UNSIGNED",
            literals: ["0", "255", "1"],
            values: [0, 255, 1],
            physical: "INT32",
            logical: "INTEGER(8,false)",
            converted: "UINT_8",
            pyarrow: "uint8",
            duckdb: "UTINYINT",
            polars: "UInt8"
        ),
        TypeCase(
            column: "si",
            definition: "SMALLINT",
            literals: ["-32768", "32767", "-2"],
            values: [-32768, 32767, -2],
            physical: "INT32",
            logical: "INTEGER(16,true)",
            converted: "INT_16",
            pyarrow: "int16",
            duckdb: "SMALLINT",
            polars: "Int16"
        ),
        TypeCase(
            column: "siu",
            definition: "SMALLINT UNSIGNED",
            literals: ["0", "65535", "2"],
            values: [0, 65535, 2],
            physical: "INT32",
            logical: "INTEGER(16,false)",
            converted: "UINT_16",
            pyarrow: "uint16",
            duckdb: "USMALLINT",
            polars: "UInt16"
        ),
        TypeCase(
            column: "mi",
            definition: "MEDIUMINT",
            literals: ["-8388608", "8388607", "-3"],
            values: [-8_388_608, 8_388_607, -3],
            physical: "INT32",
            logical: "INTEGER(32,true)",
            converted: "INT_32",
            pyarrow: "int32",
            duckdb: "INTEGER",
            polars: "Int32"
        ),
        TypeCase(
            column: "miu",
            definition: "MEDIUMINT UNSIGNED",
            literals: ["0", "16777215", "3"],
            values: [0, 16_777_215, 3],
            physical: "INT32",
            logical: "INTEGER(32,false)",
            converted: "UINT_32",
            pyarrow: "uint32",
            duckdb: "UINTEGER",
            polars: "UInt32"
        ),
        TypeCase(
            column: "i",
            definition: "INT",
            literals: ["-2147483648", "2147483647", "-4"],
            values: [-2_147_483_648, 2_147_483_647, -4],
            physical: "INT32",
            logical: "INTEGER(32,true)",
            converted: "INT_32",
            pyarrow: "int32",
            duckdb: "INTEGER",
            polars: "Int32"
        ),
        TypeCase(
            column: "iu",
            definition: "INT UNSIGNED",
            literals: ["0", "4294967295", "2147483648"],
            values: [0, 4_294_967_295, 2_147_483_648],
            physical: "INT32",
            logical: "INTEGER(32,false)",
            converted: "UINT_32",
            pyarrow: "uint32",
            duckdb: "UINTEGER",
            polars: "UInt32"
        ),
        TypeCase(
            column: "bi",
            definition: "BIGINT",
            literals: ["-9223372036854775808", "9223372036854775807", "-5"],
            values: [.int(.min), .int(.max), -5],
            physical: "INT64",
            logical: "INTEGER(64,true)",
            converted: "INT_64",
            pyarrow: "int64",
            duckdb: "BIGINT",
            polars: "Int64"
        ),
        TypeCase(
            column: "biu",
            definition: "BIGINT UNSIGNED",
            literals: ["0", "18446744073709551615", "9223372036854775808"],
            values: [0, .uint(.max), .uint(1 << 63)],
            physical: "INT64",
            logical: "INTEGER(64,false)",
            converted: "UINT_64",
            pyarrow: "uint64",
            duckdb: "UBIGINT",
            polars: "UInt64"
        ),
        TypeCase(
            column: "d5",
            definition: "DECIMAL(5,2)",
            literals: ["-999.99", "999.99", "-0.01"],
            values: ["-999.99", "999.99", "-0.01"],
            physical: "INT32",
            logical: "DECIMAL(5,2)",
            converted: "DECIMAL",
            pyarrow: "decimal128(5, 2)",
            duckdb: "DECIMAL(5,2)",
            polars: "Decimal(precision=5, scale=2)"
        ),
        TypeCase(
            column: "d18",
            definition: "DECIMAL(18,4)",
            literals: ["-99999999999999.9999", "99999999999999.9999", "1234.5000"],
            values: ["-99999999999999.9999", "99999999999999.9999", "1234.5000"],
            physical: "INT64",
            logical: "DECIMAL(18,4)",
            converted: "DECIMAL",
            pyarrow: "decimal128(18, 4)",
            duckdb: "DECIMAL(18,4)",
            polars: "Decimal(precision=18, scale=4)"
        ),
        TypeCase(
            column: "d38",
            definition: "DECIMAL(38,10)",
            literals: ["-" + nines38, nines38, "-0.0000000001"],
            values: [.string("-" + nines38), .string(nines38), "-0.0000000001"],
            physical: "FIXED_LEN_BYTE_ARRAY",
            logical: "DECIMAL(38,10)",
            converted: "DECIMAL",
            pyarrow: "decimal128(38, 10)",
            duckdb: "DECIMAL(38,10)",
            polars: "Decimal(precision=38, scale=10)"
        ),
        TypeCase(
            column: "d65",
            definition: "DECIMAL(65,30)",
            literals: ["-" + nines65, nines65, "-0.000000000000000000000000000001"],
            values: [.string("-" + nines65), .string(nines65), "-0.000000000000000000000000000001"],
            physical: "FIXED_LEN_BYTE_ARRAY",
            logical: "DECIMAL(65,30)",
            converted: "DECIMAL",
            // Reader limits, not ours: DuckDB's DECIMAL stops at 38 digits (it reads a DOUBLE)
            // and polars cannot decode a 28-byte decimal at all (the polars case leaves it out).
            pyarrow: "decimal256(65, 30)",
            duckdb: "DOUBLE",
            polars: "-"
        ),
        TypeCase(
            column: "f",
            definition: "FLOAT",
            literals: ["-3.4028234663852886e38", "3.4028234663852886e38", "0.1"],
            values: ["-3.4028234663852886e+38", "3.4028234663852886e+38", "0.10000000149011612"],
            physical: "FLOAT",
            logical: nil,
            converted: "NONE",
            pyarrow: "float",
            duckdb: "FLOAT",
            polars: "Float32"
        ),
        TypeCase(
            column: "db",
            definition: "DOUBLE",
            literals: ["-1.7976931348623157e308", "1.7976931348623157e308", "2.2250738585072014e-308"],
            values: ["-1.7976931348623157e+308", "1.7976931348623157e+308", "2.2250738585072014e-308"],
            physical: "DOUBLE",
            logical: nil,
            converted: "NONE",
            pyarrow: "double",
            duckdb: "DOUBLE",
            polars: "Float64"
        ),
        TypeCase(
            column: "dt",
            definition: "DATE",
            literals: ["'1000-01-01'", "'9999-12-31'", "'2024-02-29'"],
            values: ["1000-01-01", "9999-12-31", "2024-02-29"],
            physical: "INT32",
            logical: "DATE",
            converted: "DATE",
            pyarrow: "date32[day]",
            duckdb: "DATE",
            polars: "Date"
        ),
        TypeCase(
            column: "dt0",
            definition: "DATETIME",
            literals: ["'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'", "'1969-12-31 23:59:59'"],
            values: [micros(1000, 1, 1), micros(9999, 12, 31, 23, 59, 59), -1_000_000],
            physical: "INT64",
            logical: "TIMESTAMP(MICROS,false)",
            converted: "NONE",
            pyarrow: "timestamp[us]",
            duckdb: "TIMESTAMP",
            polars: "Datetime(time_unit='us', time_zone=None)"
        ),
        TypeCase(
            column: "dt3",
            definition: "DATETIME(3)",
            literals: ["'1000-01-01 00:00:00.000'", "'9999-12-31 23:59:59.999'", "'2024-02-29 12:34:56.789'"],
            values: [
                micros(1000, 1, 1), micros(9999, 12, 31, 23, 59, 59, 999_000), micros(2024, 2, 29, 12, 34, 56, 789_000),
            ],
            physical: "INT64",
            logical: "TIMESTAMP(MICROS,false)",
            converted: "NONE",
            pyarrow: "timestamp[us]",
            duckdb: "TIMESTAMP",
            polars: "Datetime(time_unit='us', time_zone=None)"
        ),
        TypeCase(
            column: "dt6",
            definition: "DATETIME(6)",
            literals: ["'1000-01-01 00:00:00.000000'", "'9999-12-31 23:59:59.999999'", "'1970-01-01 00:00:00.000001'"],
            values: [micros(1000, 1, 1), .int(253_402_300_799_999_999), 1],
            physical: "INT64",
            logical: "TIMESTAMP(MICROS,false)",
            converted: "NONE",
            pyarrow: "timestamp[us]",
            duckdb: "TIMESTAMP",
            polars: "Datetime(time_unit='us', time_zone=None)"
        ),
        // A NOT NULL DATETIME is still OPTIONAL in Parquet: it may hold zero dates.
        TypeCase(
            column: "dtn",
            definition: "DATETIME NOT NULL",
            literals: [
                "'2000-01-01 00:00:00'", "'2000-01-02 00:00:00'", "'2000-01-03 00:00:00'", "'2000-01-04 00:00:00'",
            ],
            values: [micros(2000, 1, 1), micros(2000, 1, 2), micros(2000, 1, 3), micros(2000, 1, 4)],
            physical: "INT64",
            logical: "TIMESTAMP(MICROS,false)",
            converted: "NONE",
            pyarrow: "timestamp[us]",
            duckdb: "TIMESTAMP",
            polars: "Datetime(time_unit='us', time_zone=None)"
        ),
        // Inserted in a '+00:00' session: the literals are UTC.
        TypeCase(
            column: "ts6",
            definition: "TIMESTAMP(6) NULL DEFAULT NULL",
            literals: ["'1970-01-01 00:00:01.000000'", "'2038-01-19 03:14:07.999999'", "'2024-02-29 12:34:56.500000'"],
            values: [1_000_000, .int(2_147_483_647_999_999), micros(2024, 2, 29, 12, 34, 56, 500_000)],
            physical: "INT64",
            logical: "TIMESTAMP(MICROS,true)",
            converted: "TIMESTAMP_MICROS",
            pyarrow: "timestamp[us, tz=UTC]",
            duckdb: "TIMESTAMP WITH TIME ZONE",
            polars: "Datetime(time_unit='us', time_zone='UTC')"
        ),
        // TIME is a signed duration in microseconds (docs/types.md, "TIME is a duration").
        TypeCase(
            column: "tm",
            definition: "TIME",
            literals: ["'-838:59:59'", "'838:59:59'", "'00:00:00'"],
            values: [-3_020_399_000_000, 3_020_399_000_000, 0],
            physical: "INT64",
            logical: "INTEGER(64,true)",
            converted: "INT_64",
            pyarrow: "int64",
            duckdb: "BIGINT",
            polars: "Int64"
        ),
        TypeCase(
            column: "tm6",
            definition: "TIME(6)",
            literals: ["'-838:59:59.999999'", "'838:59:59.999999'", "'100:00:00.000001'"],
            values: [-3_020_399_999_999, 3_020_399_999_999, 360_000_000_001],
            physical: "INT64",
            logical: "INTEGER(64,true)",
            converted: "INT_64",
            pyarrow: "int64",
            duckdb: "BIGINT",
            polars: "Int64"
        ),
        TypeCase(
            column: "yr",
            definition: "YEAR",
            literals: ["1901", "2155", "0"],
            values: [1901, 2155, 0],
            physical: "INT32",
            logical: "INTEGER(16,false)",
            converted: "UINT_16",
            pyarrow: "uint16",
            duckdb: "USMALLINT",
            polars: "UInt16"
        ),
        TypeCase(
            column: "b1",
            definition: "BIT(1)",
            literals: ["b'0'", "b'1'", "b'1'"],
            values: [0, 1, 1],
            physical: "INT64",
            logical: "INTEGER(64,false)",
            converted: "UINT_64",
            pyarrow: "uint64",
            duckdb: "UBIGINT",
            polars: "UInt64"
        ),
        TypeCase(
            column: "b64",
            definition: "BIT(64)",
            literals: ["0", "18446744073709551615", "b'101'"],
            values: [0, .uint(.max), 5],
            physical: "INT64",
            logical: "INTEGER(64,false)",
            converted: "UINT_64",
            pyarrow: "uint64",
            duckdb: "UBIGINT",
            polars: "UInt64"
        ),
        TypeCase(
            column: "ch",
            definition: "CHAR(4)",
            literals: ["''", "'é😀ab'", "'ab  '"],
            values: ["", "é😀ab", "ab"],
            physical: "BYTE_ARRAY",
            logical: "STRING",
            converted: "UTF8",
            pyarrow: "string",
            duckdb: "VARCHAR",
            polars: "String"
        ),
        TypeCase(
            column: "vc",
            definition: "VARCHAR(64)",
            literals: ["''", "'\(emoji)'", "'plain'"],
            values: ["", .string(emoji), "plain"],
            physical: "BYTE_ARRAY",
            logical: "STRING",
            converted: "UTF8",
            pyarrow: "string",
            duckdb: "VARCHAR",
            polars: "String"
        ),
        TypeCase(
            column: "tx",
            definition: "TEXT",
            literals: ["''", "'ünïcödé 😀'", "'a\\ttab and\\nnewline'"],
            values: ["", "ünïcödé 😀", "a\ttab and\nnewline"],
            physical: "BYTE_ARRAY",
            logical: "STRING",
            converted: "UTF8",
            pyarrow: "string",
            duckdb: "VARCHAR",
            polars: "String"
        ),
        TypeCase(
            column: "lt",
            definition: "LONGTEXT",
            literals: ["''", "REPEAT('😀é', 349526)", "'short'"],
            values: ["", .string(longText), "short"],
            physical: "BYTE_ARRAY",
            logical: "STRING",
            converted: "UTF8",
            pyarrow: "string",
            duckdb: "VARCHAR",
            polars: "String"
        ),
        TypeCase(
            column: "e",
            definition: "ENUM('new','paid','shipped','😀 odd')",
            literals: ["'new'", "'😀 odd'", "'paid'"],
            values: ["new", "😀 odd", "paid"],
            physical: "BYTE_ARRAY",
            logical: "STRING",
            converted: "UTF8",
            pyarrow: "string",
            duckdb: "VARCHAR",
            polars: "String"
        ),
        TypeCase(
            column: "st",
            definition: "SET('a','b','c')",
            literals: ["''", "'c,a,b'", "'a,c'"],
            values: ["", "a,b,c", "a,c"],
            physical: "BYTE_ARRAY",
            logical: "STRING",
            converted: "UTF8",
            pyarrow: "string",
            duckdb: "VARCHAR",
            polars: "String"
        ),
        // pyarrow 19+ shows JSON as its arrow.json extension type over string storage; polars
        // has no JSON type and shows the bytes, which the test decodes.
        TypeCase(
            column: "j",
            definition: "JSON",
            literals: ["'[]'", "'{\"a\": [1, 2.5, \"x\"], \"b\": null, \"ü\": \"😀\"}'", "'{}'"],
            values: ["[]", "{\"a\": [1, 2.5, \"x\"], \"b\": null, \"ü\": \"😀\"}", "{}"],
            physical: "BYTE_ARRAY",
            logical: "JSON",
            converted: "JSON",
            pyarrow: "extension<arrow.json>",
            duckdb: "JSON",
            polars: "Binary"
        ),
        TypeCase(
            column: "bn",
            definition: "BINARY(4)",
            literals: ["x'00000000'", "x'DEADBEEF'", "x'01'"],
            values: ["00000000", "deadbeef", "01000000"],
            physical: "BYTE_ARRAY",
            logical: nil,
            converted: "NONE",
            pyarrow: "binary",
            duckdb: "BLOB",
            polars: "Binary"
        ),
        TypeCase(
            column: "vb",
            definition: "VARBINARY(16)",
            literals: ["x''", "x'00FF00FF'", "x'7F'"],
            values: ["", "00ff00ff", "7f"],
            physical: "BYTE_ARRAY",
            logical: nil,
            converted: "NONE",
            pyarrow: "binary",
            duckdb: "BLOB",
            polars: "Binary"
        ),
        TypeCase(
            column: "bl",
            definition: "BLOB",
            literals: ["x''", "x'000102FEFF'", "REPEAT(x'AB', 3)"],
            values: ["", "000102feff", "ababab"],
            physical: "BYTE_ARRAY",
            logical: nil,
            converted: "NONE",
            pyarrow: "binary",
            duckdb: "BLOB",
            polars: "Binary"
        ),
        TypeCase(
            column: "nn",
            definition: "VARCHAR(8) NOT NULL",
            literals: ["''", "'max'", "'x'", "'nullrow'"],
            values: ["", "max", "x", "nullrow"],
            physical: "BYTE_ARRAY",
            logical: "STRING",
            converted: "UTF8",
            pyarrow: "string",
            duckdb: "VARCHAR",
            polars: "String"
        ),
    ]

    /// The values of the four rows in id order (1 minimum, 2 maximum, 3 NULL, 4 ordinary).
    var expectedByID: [ReadValue] {
        [values[0], values[1], isRequired ? values[3] : nil, values[2]]
    }

    static var createColumns: String { all.map { "`\($0.column)` \($0.definition)" }.joined(separator: ",\n") }

    static var inserts: String {
        // Rows 1, 2 and 4 take literals 0, 1, 2; row 3 is NULL but for NOT NULL columns.
        func row(_ literal: (TypeCase) -> String) -> String {
            "(" + all.map(literal).joined(separator: ", ") + ")"
        }
        return """
            SET SESSION time_zone = '+00:00';
            INSERT INTO $T VALUES
            \(row { $0.literals[0] }),
            \(row { $0.literals[1] }),
            \(row { $0.isRequired ? $0.literals[3] : "NULL" }),
            \(row { $0.literals[2] });
            """
    }
}

@Suite("Every mapped MySQL type is published exactly", .requiresMySQL, .requiresPythonReaders)
struct EveryMappedTypeIsPublishedExactly {
    /// Creates the table, publishes it (all.parquet) and reads it back with `reader`.
    /// polars gets a projection without DECIMAL(65,30), which it cannot read at all.
    func publishAndRead(_ reader: PythonParquetReader.Reader) throws -> (ScratchDataset, ParquetReadout, [TypeCase]) {
        let dataset = try ScratchDataset("types_\(reader)", columns: TypeCase.createColumns)
        try dataset.admin(TypeCase.inserts)
        let cases = reader == .polars ? TypeCase.all.filter { $0.column != "d65" } : TypeCase.all
        let projection =
            reader == .polars
            ? "columns = [" + cases.map { "\"\($0.column)\"" }.joined(separator: ", ") + "]\n" : ""
        try dataset.configure(projection + "primary_key = [\"id\"]")
        let result = try dataset.refresh()
        #expect(result.rows == 4 && result.warnings.isEmpty)
        #expect(try dataset.currentFiles() == ["all.parquet"])
        let file = URL(fileURLWithPath: try dataset.currentVersionPath() + "/all.parquet")
        let readout = try PythonParquetReader.fromEnvironment().read(file, with: reader)
        return (dataset, readout, cases)
    }

    @Test(arguments: PythonParquetReader.Reader.allCases)
    func everyValueReadsBackExactlyWithItsDocumentedType(reader: PythonParquetReader.Reader) throws {
        let (_, readout, cases) = try publishAndRead(reader)
        #expect(readout.numRows == 4)
        #expect(readout.columns.map(\.name) == cases.map(\.column), "columns in table order")
        let ids = try #require(readout.column("id")).values
        for type in cases {
            guard let column = readout.column(type.column) else {
                Issue.record("\(reader) does not see column \(type.column)")
                continue
            }
            let expectedType = reader == .pyarrow ? type.pyarrow : reader == .duckdb ? type.duckdb : type.polars
            #expect(column.logicalType == expectedType, "\(reader) type of \(type)")
            // DuckDB reads DECIMAL(65,30) as a DOUBLE: its values are not exact there.
            if reader == .duckdb && type.column == "d65" { continue }
            var got = column.values
            // polars shows JSON as the document's bytes: decode them to compare the text.
            if reader == .polars, type.column == "j" {
                got = got.map { $0.bytes.map { .string(String(decoding: $0, as: UTF8.self)) } ?? $0 }
            }
            let byID = Dictionary(uniqueKeysWithValues: zip(ids, got))
            let actual = [1, 2, 3, 4].map { byID[.int($0)] ?? .string("<missing row \($0)>") }
            let shown = type.column == "lt" ? actual.map { "\($0)".prefix(40) + "…" } : actual.map { "\($0)" }
            #expect(actual == type.expectedByID, "\(reader) values of \(type): \(shown)")
        }
    }

    @Test func theParquetSchemaAndIndexCarryTheDocumentedTypes() throws {
        let (dataset, readout, cases) = try publishAndRead(.pyarrow)
        let schema = try #require(readout.schema)
        let index = try dataset.currentIndex()
        #expect(index.schema.map(\.name) == cases.map(\.column))
        for type in cases {
            let column = try #require(readout.column(type.column))
            let leaf = try #require(schema.first { $0.name == type.column })
            let entry = try #require(index.schema.first { $0.name == type.column })
            #expect(column.physicalType == type.physical, "physical type of \(type)")
            #expect(entry.physicalType == type.physical, "index physical_type of \(type)")
            #expect(entry.logicalType == type.logical, "index logical_type of \(type)")
            #expect(column.parquetConvertedType == type.converted, "converted type of \(type)")
            // NOT NULL columns are REQUIRED, except dates, which may hold zero dates.
            let required = type.isRequired && !type.definition.hasPrefix("DATE")
            #expect(leaf.maxDefinitionLevel == (required ? 0 : 1), "repetition of \(type)")
            #expect(entry.nullable == !required, "index nullable of \(type)")
        }
        // Fixed-length decimals use the fewest bytes that hold the precision.
        #expect(schema.first { $0.name == "d38" }?.length == 16)
        #expect(schema.first { $0.name == "d65" }?.length == 28)
        #expect(index.schema.first { $0.name == "j" }?.mysqlType == "json")
        #expect(index.schema.first { $0.name == "d65" }?.mysqlType == "decimal(65,30)")
        #expect(index.schema.first { $0.name == "biu" }?.mysqlType.hasSuffix("unsigned") == true)
    }
}
