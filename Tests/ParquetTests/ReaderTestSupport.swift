import Foundation
import Parquet
import TestSupport
import Testing

enum ReaderFixtures {
    /// Writes `batch` through our writer as one or more row groups (cut every `rowGroupRows`).
    @discardableResult
    static func write(
        _ batch: RecordBatch,
        to path: String,
        options: ParquetWriterOptions = .init(),
        rowGroupRows: Int? = nil,
        keyValueMetadata: [String: String] = [:]
    ) throws -> ParquetFileSummary {
        let writer = try ParquetFileWriter(path: path, schema: batch.schema, options: options)
        if let rowGroupRows, rowGroupRows > 0 {
            var start = 0
            while start < batch.rowCount {
                let end = min(start + rowGroupRows, batch.rowCount)
                try writer.write(batch.slice(start..<end))
                try writer.endRowGroup()
                start = end
            }
        } else {
            try writer.write(batch)
        }
        return try writer.close(keyValueMetadata: keyValueMetadata)
    }
}

/// Exact comparison of columns: floating-point values by bit pattern (so NaN, -0.0 and
/// payloads count), everything else by value, nulls by position. Records one issue per
/// column with the first differing row.
func expectSameColumns(
    _ actual: RecordBatch,
    _ expected: RecordBatch,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.schema == expected.schema, sourceLocation: sourceLocation)
    #expect(actual.rowCount == expected.rowCount, sourceLocation: sourceLocation)
    guard actual.columns.count == expected.columns.count, actual.rowCount == expected.rowCount else { return }
    for (i, (a, e)) in zip(actual.columns, expected.columns).enumerated() {
        let name = expected.schema.columns[i].name
        if let row = firstDifference(a, e) {
            Issue.record(
                "column \(name) differs first at row \(row): \(describe(a, row)) != expected \(describe(e, row))",
                sourceLocation: sourceLocation
            )
        }
    }
}

func firstDifference(_ a: Column, _ b: Column) -> Int? {
    guard a.count == b.count else { return min(a.count, b.count) }
    for row in 0..<a.count {
        if a.isNull(row) != b.isNull(row) { return row }
        if a.isNull(row) { continue }
        if !sameValue(a.values, b.values, row) { return row }
    }
    // Placeholders under nulls are part of the contract too: zero and empty.
    for row in 0..<a.count where a.isNull(row) && !isPlaceholder(a.values, row) { return row }
    return nil
}

private func sameValue(_ a: ColumnValues, _ b: ColumnValues, _ row: Int) -> Bool {
    switch (a, b) {
    case (.boolean(let x), .boolean(let y)): x[row] == y[row]
    case (.int32(let x), .int32(let y)): x[row] == y[row]
    case (.int64(let x), .int64(let y)): x[row] == y[row]
    case (.float(let x), .float(let y)): x[row].bitPattern == y[row].bitPattern
    case (.double(let x), .double(let y)): x[row].bitPattern == y[row].bitPattern
    case (.byteArray(let x), .byteArray(let y)):
        x.withValue(at: row) { p in
            y.withValue(at: row) { q in
                p.count == q.count && (p.isEmpty || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0)
            }
        }
    case (.fixedLenByteArray(let x), .fixedLenByteArray(let y)): x[row] == y[row]
    default: false
    }
}

private func isPlaceholder(_ values: ColumnValues, _ row: Int) -> Bool {
    switch values {
    case .boolean(let x): !x[row]
    case .int32(let x): x[row] == 0
    case .int64(let x): x[row] == 0
    case .float(let x): x[row].bitPattern == 0
    case .double(let x): x[row].bitPattern == 0
    case .byteArray(let x): x.length(at: row) == 0
    case .fixedLenByteArray(let x): x[row].allSatisfy { $0 == 0 }
    }
}

private func describe(_ column: Column, _ row: Int) -> String {
    if column.isNull(row) { return "null" }
    switch column.values {
    case .boolean(let x): return "\(x[row])"
    case .int32(let x): return "\(x[row])"
    case .int64(let x): return "\(x[row])"
    case .float(let x): return "\(x[row]) (bits \(String(x[row].bitPattern, radix: 16)))"
    case .double(let x): return "\(x[row]) (bits \(String(x[row].bitPattern, radix: 16)))"
    case .byteArray(let x):
        return "\(x.length(at: row)) bytes " + x[row].prefix(24).map { String(format: "%02x", $0) }.joined()
    case .fixedLenByteArray(let x): return x[row].map { String(format: "%02x", $0) }.joined()
    }
}

// MARK: - Python (pyarrow, DuckDB) for cross-reader tests

/// The venv python with pyarrow and duckdb that the cross-reader tests run.
///
/// `PP_TEST_PYTHON` is the contract (`make test` sets it). Without it, during development,
/// `/tmp/probe-venv/bin/python` is used if present; under `CI=true` a missing
/// `PP_TEST_PYTHON` fails the tests instead of skipping them.
enum ReaderPython {
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static var path: String? {
        if let configured = ProcessInfo.processInfo.environment["PP_TEST_PYTHON"], !configured.isEmpty {
            return configured
        }
        if isCI { return nil }
        let fallback = "/tmp/probe-venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: fallback) ? fallback : nil
    }

    /// Run the tests when python is there, and under CI always (so that they fail).
    static var shouldRun: Bool { isCI || path != nil }

    /// Runs `script` with `arguments`; returns its standard output. Throws with its standard
    /// error when it fails.
    static func run(script: String, arguments: [String], in scratch: TemporaryDirectory) throws -> Data {
        guard let python = path else {
            throw PythonFailure(
                message: "PP_TEST_PYTHON is not set (CI=true requires the venv python with pyarrow and duckdb)"
            )
        }
        let scriptPath = scratch.file("script-\(UUID().uuidString).py")
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scriptPath] + arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read before waiting, so a large output cannot fill the pipe and block the child.
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonFailure(
                message:
                    "\(python) exited with \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))"
            )
        }
        return output
    }

    struct PythonFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
