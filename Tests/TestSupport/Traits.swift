import Foundation
import Testing

extension Trait where Self == ConditionTrait {
    /// For tests against the real MariaDB: they run when PP_TEST_MYSQL_* describe a server,
    /// skip when they do not, and under CI=true FAIL instead of skipping, with a message saying
    /// `make test` starts the server. In the test, `try TestEnvironment.requireMySQL()` gives it.
    public static var requiresMySQL: Self {
        .enabled("needs the test MariaDB: run make test, or scripts/test-env.sh swift test") {
            // A half-configured server is an error wherever it happens, not a reason to skip.
            if try MySQLTestServer(environment: ProcessInfo.processInfo.environment) != nil { return true }
            if TestEnvironment.isCI { throw TestEnvironmentError.mysqlNotConfigured(isCI: true) }
            return false
        }
    }

    /// For tests that read files back with pyarrow, DuckDB and polars: they run when a Python is
    /// found (PP_TEST_PYTHON, else the repository's .venv), skip when none is, and under CI=true
    /// fail instead. A reader missing from that Python fails the test when it reads.
    public static var requiresPythonReaders: Self {
        .enabled("needs the Python readers: run make deps (or make test)") {
            do {
                _ = try PythonParquetReader.fromEnvironment()
                return true
            } catch {
                if TestEnvironment.isCI { throw error }
                return false
            }
        }
    }
}
