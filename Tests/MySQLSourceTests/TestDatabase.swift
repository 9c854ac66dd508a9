import Foundation
import Parquet
import Testing

@testable import MySQLSource

/// The test MariaDB, from the environment `make test` sets up (scripts/test-env.sh):
/// PP_TEST_MYSQL_HOST, _PORT, _SOCKET, _DATABASE, _ADMIN_USER/_PASSWORD (may create tables),
/// _READER_USER/_PASSWORD (SELECT only).
///
/// Without PP_TEST_MYSQL_HOST the integration suites are disabled, except under CI=true,
/// where they run and fail: CI must never pass by skipping them.
enum TestDatabase {
    struct Settings: Sendable {
        var host: String
        var port: Int
        var socket: String?
        var database: String
        var adminUser: String
        var adminPassword: String?
        var readerUser: String
        var readerPassword: String?
    }

    struct NotConfigured: Error, CustomStringConvertible {
        var description: String {
            "PP_TEST_MYSQL_HOST is not set but CI=true: the MySQL integration tests need the test MariaDB that `make test` starts"
        }
    }

    static let settings: Settings? = {
        let env = ProcessInfo.processInfo.environment
        guard let host = env["PP_TEST_MYSQL_HOST"], !host.isEmpty else { return nil }
        return Settings(
            host: host,
            port: Int(env["PP_TEST_MYSQL_PORT"] ?? "") ?? 3306,
            socket: env["PP_TEST_MYSQL_SOCKET"].flatMap { $0.isEmpty ? nil : $0 },
            database: env["PP_TEST_MYSQL_DATABASE"] ?? "pp_test",
            adminUser: env["PP_TEST_MYSQL_ADMIN_USER"] ?? "root",
            adminPassword: env["PP_TEST_MYSQL_ADMIN_PASSWORD"],
            readerUser: env["PP_TEST_MYSQL_READER_USER"] ?? "reader",
            readerPassword: env["PP_TEST_MYSQL_READER_PASSWORD"]
        )
    }()

    /// Whether the integration suites run: a server is configured, or CI requires one.
    static var isEnabled: Bool {
        settings != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    static func require() throws -> Settings {
        guard let settings else { throw NotConfigured() }
        return settings
    }

    static func options(reader: Bool, tls: TLSOptions.Mode = .disabled) throws -> MySQLConnectionOptions {
        let s = try require()
        return MySQLConnectionOptions(
            host: s.host,
            port: s.port,
            user: reader ? s.readerUser : s.adminUser,
            password: reader ? s.readerPassword : s.adminPassword,
            database: s.database,
            tls: TLSOptions(mode: tls),
            connectTimeout: .seconds(5),
            readTimeout: .seconds(60)
        )
    }

    /// May create, fill and drop tables in the scratch database.
    static func admin() throws -> MySQLConnection {
        try MySQLConnection(options: options(reader: false))
    }

    /// SELECT only, like the daemon in production.
    static func reader() throws -> MySQLConnection {
        try MySQLConnection(options: options(reader: true))
    }

    /// A table name no other test (or earlier run) uses.
    static func uniqueName(_ stem: String) -> String {
        "\(stem)_\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }
}

/// Creates a table with `definition`, fills it with `inserts` (admin), runs `body` with its
/// name, and drops it.
func withTable<R>(
    _ stem: String,
    _ definition: String,
    inserts: [String] = [],
    sqlMode: String? = nil,
    _ body: (String) throws -> R
) throws -> R {
    let admin = try TestDatabase.admin()
    let name = TestDatabase.uniqueName(stem)
    if let sqlMode { try admin.execute("SET SESSION sql_mode = '\(sqlMode)'") }
    try admin.execute("CREATE TABLE `\(name)` (\(definition)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4")
    defer { try? admin.execute("DROP TABLE IF EXISTS `\(name)`") }
    for insert in inserts {
        try admin.execute(insert.replacingOccurrences(of: "$T", with: "`\(name)`"))
    }
    return try body(name)
}

/// One value of a batch, for comparisons in tests.
enum Cell: Equatable, CustomStringConvertible {
    case null
    case int(Int64)
    case float(Float)
    case double(Double)
    case bytes([UInt8])

    static func text(_ s: String) -> Cell { .bytes(Array(s.utf8)) }

    var description: String {
        switch self {
        case .null: "NULL"
        case .int(let v): "\(v)"
        case .float(let v): "\(v)f"
        case .double(let v): "\(v)"
        case .bytes(let v): v.count > 64 ? "<\(v.count) bytes>" : "\"\(String(decoding: v, as: UTF8.self))\""
        }
    }
}

extension Column {
    func cell(_ row: Int) -> Cell {
        if isNull(row) { return .null }
        switch values {
        case .boolean(let v): return .int(v[row] ? 1 : 0)
        case .int32(let v): return .int(Int64(v[row]))
        case .int64(let v): return .int(v[row])
        case .float(let v): return .float(v[row])
        case .double(let v): return .double(v[row])
        case .byteArray(let v): return .bytes(Array(v[row]))
        case .fixedLenByteArray(let v): return .bytes(Array(v[row]))
        }
    }
}

extension RecordBatch {
    func cell(_ row: Int, _ name: String) -> Cell {
        guard let column = column(named: name) else { return .text("<no column \(name)>") }
        return column.cell(row)
    }
}

/// Reads a whole stream into batches.
func readAll(_ stream: RowStream, maxRows: Int = 1000) throws -> [RecordBatch] {
    var batches: [RecordBatch] = []
    while let batch = try stream.next(maxRows: maxRows) { batches.append(batch) }
    return batches
}

/// All batches concatenated, for small results.
func concatenate(_ batches: [RecordBatch], schema: ParquetSchema) -> [[Cell]] {
    var rows: [[Cell]] = []
    for batch in batches {
        for r in 0..<batch.rowCount { rows.append(batch.columns.map { $0.cell(r) }) }
    }
    return rows
}
