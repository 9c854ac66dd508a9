import Foundation
import Parquet
import TestSupport
import Testing

@testable import MySQLSource

/// The test MariaDB as the connector's options: TestSupport's `MySQLTestServer` (the
/// PP_TEST_MYSQL_* variables `make test` sets, through scripts/test-env.sh) read once.
///
/// Without PP_TEST_MYSQL_HOST the integration suites are disabled, except under CI=true,
/// where they run and fail: CI must never pass by skipping them.
enum TestDatabase {
    /// Whether the integration suites run: a server is configured, or CI requires one.
    static var isEnabled: Bool {
        TestEnvironment.mysql != nil || TestEnvironment.isCI
    }

    static func options(reader: Bool, tls: TLSOptions.Mode = .disabled) throws -> MySQLConnectionOptions {
        let server = try TestEnvironment.requireMySQL()
        let account = reader ? server.reader : server.admin
        return MySQLConnectionOptions(
            host: server.host,
            port: server.port,
            user: account.user,
            password: account.password.isEmpty ? nil : account.password,
            database: server.database,
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
