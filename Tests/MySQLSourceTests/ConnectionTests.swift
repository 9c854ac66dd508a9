import Foundation
import Parquet
import TestSupport
import Testing

@testable import MySQLSource

@Suite(.enabled(if: TestDatabase.isEnabled, "needs the test MariaDB (PP_TEST_MYSQL_HOST; make test)"))
struct ConnectionsPrepareASessionForExtraction {
    @Test func theSessionRunsInUTCWithUTF8MB4() throws {
        let reader = try TestDatabase.reader()
        let row = try #require(
            try reader.queryStrings("SELECT @@session.time_zone, @@character_set_client, @@character_set_results").first
        )
        #expect(row == ["+00:00", "utf8mb4", "utf8mb4"])
        #expect(reader.serverVersion.major >= 5)
        #expect(reader.connectionID > 0)
    }

    @Test func serverNowIsTheDatabaseClockInUTC() throws {
        let reader = try TestDatabase.reader()
        let before = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let now = try reader.serverNow()
        let after = Int64(Date().timeIntervalSince1970 * 1_000_000)
        // Same machine: the clocks agree to well within a minute.
        #expect(now > before - 60_000_000 && now < after + 60_000_000)
        #expect(try reader.serverNow() >= now)
    }

    @Test func parametersBindInTheBinaryProtocol() throws {
        let reader = try TestDatabase.reader()
        let rows = try reader.queryStrings(
            "SELECT ? + 1, ?, ?, CONCAT(?, '!'), HEX(?), ?, ?, ? IS NULL",
            [
                .int64(41), .uint64(UInt64.max), .double(0.5), .string("ünï'\"\\"), .bytes([0, 255]),
                .datetime(microseconds: 1_709_208_000_000_001), .date(days: 19782), .null,
            ]
        )
        #expect(
            rows == [
                [
                    "42", "18446744073709551615", "0.5", "ünï'\"\\!", "00FF", "2024-02-29 12:00:00.000001",
                    "2024-02-29",
                    "1",
                ]
            ]
        )
    }

    @Test func aWrongPasswordFailsWithoutRevealingIt() throws {
        var options = try TestDatabase.options(reader: true)
        options.password = "definitely-wrong-pw"
        let error = #expect(throws: MySQLError.self) { try MySQLConnection(options: options) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.mysqlErrno == 1045)
        #expect(error?.sqlState == "28000")
        #expect(error.map { "\($0)" }?.contains("definitely-wrong-pw") == false)
        #expect(error?.message.contains(options.user) == true)
        #expect(error?.isTransient == false)
    }

    @Test func anUnreachableServerIsATransientConnectionError() throws {
        var options = try TestDatabase.options(reader: true)
        options.host = "127.0.0.1"
        options.port = 1  // nothing listens on port 1
        let error = #expect(throws: MySQLError.self) { try MySQLConnection(options: options) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.isTransient == true)
        #expect(error?.message.contains("127.0.0.1:1") == true)
    }

    @Test func requiredTLSIsEnforced() throws {
        let admin = try TestDatabase.admin()
        let haveSSL = try admin.queryStrings("SELECT @@have_ssl").first?.first ?? nil
        if haveSSL == "YES" {
            let connection = try MySQLConnection(options: try TestDatabase.options(reader: true, tls: .required))
            #expect(connection.tlsCipher != nil)
        } else {
            let error = #expect(throws: MySQLError.self) {
                try MySQLConnection(options: try TestDatabase.options(reader: true, tls: .required))
            }
            #expect(error?.code == .tls)
            let preferred = try MySQLConnection(options: try TestDatabase.options(reader: true, tls: .preferred))
            #expect(preferred.tlsCipher == nil)
        }
        let error = #expect(throws: MySQLError.self) {
            try MySQLConnection(options: try TestDatabase.options(reader: true, tls: .verifyCA))
        }
        #expect(error?.code == .invalidOptions)
    }

    @Test func theUnixSocketWorksWhenConfigured() throws {
        let settings = try TestEnvironment.requireMySQL()
        guard let socket = settings.socket else { return }
        var options = try TestDatabase.options(reader: true)
        options.socket = socket
        let connection = try MySQLConnection(options: options)
        #expect(try connection.queryStrings("SELECT 1") == [["1"]])
    }

    @Test func aServerErrorNamesTheStatementAndCarriesErrnoAndSQLState() throws {
        let reader = try TestDatabase.reader()
        let error = #expect(throws: MySQLError.self) { try reader.execute("SELECT * FROM no_such_table_here") }
        #expect(error?.code == .statementFailed)
        #expect(error?.mysqlErrno == 1146)
        #expect(error?.sqlState == "42S02")
        #expect(error?.message.contains("no_such_table_here") == true)
        // The session survives a failed statement.
        #expect(try reader.queryStrings("SELECT 2") == [["2"]])
    }

    @Test func aSelectOnlyUserCannotWrite() throws {
        try withTable("readonly", "id INT PRIMARY KEY") { table in
            let reader = try TestDatabase.reader()
            let error = #expect(throws: MySQLError.self) { try reader.execute("INSERT INTO `\(table)` VALUES (1)") }
            #expect(error?.mysqlErrno == 1142)  // ER_TABLEACCESS_DENIED_ERROR
        }
    }

    @Test func aSnapshotSeesTheDatabaseAsItWasWhenItStarted() throws {
        try withTable("snapshot", "id INT PRIMARY KEY", inserts: ["INSERT INTO $T VALUES (1), (2)"]) { table in
            let reader = try TestDatabase.reader()
            let admin = try TestDatabase.admin()
            let count = "SELECT COUNT(*) FROM `\(table)`"
            try reader.startReadOnlySnapshot()
            #expect(try reader.queryStrings(count) == [["2"]])
            try admin.execute("INSERT INTO `\(table)` VALUES (3)")
            #expect(try reader.queryStrings(count) == [["2"]])
            #expect(try admin.queryStrings(count) == [["3"]])
            try reader.commit()
            #expect(try reader.queryStrings(count) == [["3"]])
        }
    }
}

@Suite(.enabled(if: TestDatabase.isEnabled, "needs the test MariaDB (PP_TEST_MYSQL_HOST; make test)"))
struct DescribingTablesAndQueriesWithASelectOnlyUser {
    @Test func keysAndIndexLeadingColumnsAreFound() throws {
        try withTable(
            "keys",
            """
            a INT NOT NULL, b VARCHAR(10) NOT NULL, updated_at DATETIME, status VARCHAR(5), note TEXT,
            PRIMARY KEY (a, b), KEY by_updated (updated_at), KEY by_status_note (status, note(10))
            """
        ) { table in
            let described = try TestDatabase.reader().describeTable(
                schema: TestEnvironment.requireMySQL().database,
                table: table
            )
            #expect(described.primaryKey == ["a", "b"])
            #expect(described.indexedColumns == ["a", "updated_at", "status"])
            #expect(described.tableName.quoted == "`\(try TestEnvironment.requireMySQL().database)`.`\(table)`")
        }
    }

    @Test func aMissingTableIsNamed() throws {
        let error = #expect(throws: MySQLError.self) {
            try TestDatabase.reader().describeTable(schema: nil, table: "no_such_table")
        }
        #expect(error?.code == .tableNotFound)
        #expect(error?.message.contains("`no_such_table`") == true)
    }

    @Test func aSpatialColumnIsAnUnsupportedTypeNamingTheColumn() throws {
        try withTable("spatial", "id INT PRIMARY KEY, location POINT") { table in
            let error = #expect(throws: MySQLError.self) {
                try TestDatabase.reader().describeTable(schema: nil, table: table)
            }
            #expect(error?.code == .unsupportedType)
            #expect(error?.message.contains("`\(table)`.`location`") == true)
            #expect(error?.message.contains("point") == true)
        }
    }

    @Test func mariaDBJSONColumnsAreRecognisedByTheirCheckConstraint() throws {
        try withTable("json", "id INT PRIMARY KEY, doc JSON, plain LONGTEXT") { table in
            let described = try TestDatabase.reader().describeTable(schema: nil, table: table)
            #expect(described.column(named: "doc")?.kind == .json)
            #expect(described.column(named: "plain")?.kind == .string)
        }
    }

    @Test func queriesAreDescribedFromTheirResultMetadataAndStream() throws {
        try withTable(
            "query",
            """
            id INT UNSIGNED NOT NULL PRIMARY KEY, total DECIMAL(12,2) NOT NULL, label VARCHAR(20), doc JSON, state \
            ENUM('a','b'), at DATETIME(3)
            """,
            inserts: ["INSERT INTO $T VALUES (7, 10.25, 'x', '{\"k\": 1}', 'b', '2024-01-02 03:04:05.678')"]
        ) { table in
            let reader = try TestDatabase.reader()
            let sql =
                "SELECT id, total, total * 2 AS doubled, CONCAT(label, '!') AS shout, doc, state, at FROM `\(table)`"
            let columns = try reader.describeQuery(sql)
            #expect(columns.map(\.name) == ["id", "total", "doubled", "shout", "doc", "state", "at"])
            #expect(columns[0].kind == .integer(bits: 32, signed: false) && !columns[0].isNullable)
            #expect(columns[1].kind == .decimal(precision: 12, scale: 2))
            #expect(columns[1].parquet.repetition == .required)
            guard case .decimal(let precision, 2) = columns[2].kind else {
                Issue.record("doubled is \(columns[2].kind)")
                return
            }
            #expect(precision >= 13)
            #expect(columns[3].kind == .string)
            #expect(columns[4].kind == .json)
            #expect(columns[5].kind == .enumeration)
            #expect(columns[6].kind == .datetime(fractionalDigits: 3))
            let stream = try reader.stream(sql: sql, parameters: [], columns: columns)
            let rows = concatenate(try readAll(stream), schema: stream.schema)
            #expect(rows.count == 1)
            #expect(rows[0][0] == .int(7) && rows[0][1] == .int(1025))
            #expect(rows[0][3] == .text("x!") && rows[0][4] == .text("{\"k\": 1}") && rows[0][5] == .text("b"))
            #expect(rows[0][6] == .int(1_704_164_645_678_000))
        }
    }

    @Test func duplicateResultNamesAreRejected() throws {
        let error = #expect(throws: MySQLError.self) {
            try TestDatabase.reader().describeQuery("SELECT 1 AS a, 2 AS a")
        }
        #expect(error?.message.contains("more than one column named a") == true)
    }
}

@Suite(.enabled(if: TestDatabase.isEnabled, "needs the test MariaDB (PP_TEST_MYSQL_HOST; make test)"))
struct StreamsGuardAgainstMisuseAndDrift {
    @Test func nothingElseRunsWhileAStreamIsOpen() throws {
        try withTable("busy", "id INT PRIMARY KEY", inserts: ["INSERT INTO $T VALUES (1), (2), (3)"]) { table in
            let reader = try TestDatabase.reader()
            let columns = try reader.describeTable(schema: nil, table: table).columns
            let stream = try reader.stream(
                sql: "SELECT id FROM `\(table)` ORDER BY id",
                parameters: [],
                columns: columns
            )
            #expect(try stream.next(maxRows: 1)?.rowCount == 1)
            let error = #expect(throws: MySQLError.self) { try reader.queryStrings("SELECT 1") }
            #expect(error?.code == .misuse)
            stream.close()
            #expect(try reader.queryStrings("SELECT 1") == [["1"]])
            // A stream read to its end frees the connection by itself.
            let second = try reader.stream(sql: "SELECT id FROM `\(table)`", parameters: [], columns: columns)
            #expect(try second.drain() == 3)
            #expect(try reader.queryStrings("SELECT 1") == [["1"]])
        }
    }

    @Test func aColumnRetypedSinceItWasDescribedIsASchemaMismatch() throws {
        try withTable("drift", "id INT PRIMARY KEY, amount DECIMAL(10,2)", inserts: ["INSERT INTO $T VALUES (1, 2.5)"])
        {
            table in
            let reader = try TestDatabase.reader()
            let columns = try reader.describeTable(schema: nil, table: table).columns
            try TestDatabase.admin().execute("ALTER TABLE `\(table)` MODIFY amount DECIMAL(10,3)")
            let error = #expect(throws: MySQLError.self) {
                try reader.stream(sql: "SELECT id, amount FROM `\(table)`", parameters: [], columns: columns)
            }
            #expect(error?.code == .schemaMismatch)
            #expect(error?.message.contains("amount") == true)
            let missing = #expect(throws: MySQLError.self) {
                try reader.stream(sql: "SELECT id FROM `\(table)`", parameters: [], columns: columns)
            }
            #expect(missing?.code == .schemaMismatch)
            #expect(try reader.queryStrings("SELECT 1") == [["1"]])
        }
    }
}
