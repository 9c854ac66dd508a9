import Foundation

/// Reads a Parquet file with pyarrow, DuckDB or polars through `read_parquet.py` (beside this
/// file) and decodes what the reader saw, so tests can check that other readers get exactly the
/// values and types we wrote. The script's docstring describes how each type is encoded.
public struct PythonParquetReader: Sendable {
    /// The readers a user might point at our files (besides hyparquet in the browser).
    public enum Reader: String, CaseIterable, Sendable, CustomStringConvertible {
        case pyarrow
        case duckdb
        case polars

        public var description: String { rawValue }
    }

    /// The Python interpreter that has the readers installed.
    public var python: String

    public init(python: String) {
        self.python = python
    }

    /// The Python from PP_TEST_PYTHON, else the repository's `.venv` made by `make deps`.
    public static func fromEnvironment() throws -> PythonParquetReader {
        if let python = ProcessInfo.processInfo.environment["PP_TEST_PYTHON"], !python.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: python) else {
                throw TestEnvironmentError(
                    code: .pythonNotFound,
                    message: "PP_TEST_PYTHON is \(python), which is not an executable: run make deps"
                )
            }
            return PythonParquetReader(python: python)
        }
        let venvPython = TestEnvironment.repositoryRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venvPython) else {
            throw TestEnvironmentError(
                code: .pythonNotFound,
                message: TestEnvironment.isCI
                    ? "CI=true but neither PP_TEST_PYTHON nor \(venvPython) exists: make test runs make deps first"
                    : "neither PP_TEST_PYTHON nor \(venvPython) exists: run make deps"
            )
        }
        return PythonParquetReader(python: venvPython)
    }

    /// Tests/TestSupport/read_parquet.py, found from this file's path.
    public static let scriptPath: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("read_parquet.py")
        .path

    /// Tests/TestSupport/write_parquet_fixture.py: files written by pyarrow for reader tests.
    public static let fixtureScriptPath: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("write_parquet_fixture.py")
        .path

    /// Reads `file` with `reader`; throws when the reader fails or is not installed.
    public func read(_ file: URL, with reader: Reader) throws -> ParquetReadout {
        let result = try runProcess(python, [Self.scriptPath, "--reader", reader.rawValue, file.path])
        guard result.succeeded else {
            throw ProcessError(
                command: [python, Self.scriptPath, "--reader", reader.rawValue, file.path],
                result: result,
                message: "\(reader) could not read \(file.lastPathComponent) (exit \(result.status))"
            )
        }
        do {
            return try JSONDecoder().decode(ParquetReadout.self, from: result.standardOutput)
        } catch {
            throw ProcessError(
                command: [python, Self.scriptPath, "--reader", reader.rawValue, file.path],
                result: result,
                message: "its output is not the expected JSON: \(error)"
            )
        }
    }

    /// Writes one of write_parquet_fixture.py's files (`every-type`, `zero-rows`, `all-null`)
    /// with pyarrow.
    public func writeFixture(_ kind: String, to file: URL) throws {
        let result = try runProcess(python, [Self.fixtureScriptPath, kind, file.path])
        guard result.succeeded else {
            throw ProcessError(
                command: [python, Self.fixtureScriptPath, kind, file.path],
                result: result,
                message: "pyarrow could not write the \(kind) fixture (exit \(result.status))"
            )
        }
    }
}
