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

extension Trait where Self == ConditionTrait {
    /// For the viewer's browser tests: they need Debian's `chromium` and `nginx` and Playwright
    /// in the test Python (`make deps` installs all three). They skip without them, and under
    /// CI=true fail instead, naming what is missing.
    public static var requiresBrowser: Self {
        .enabled("needs chromium, nginx and Playwright: run make deps (or make test)") {
            let missing = BrowserEnvironment.missing()
            if missing.isEmpty { return true }
            if TestEnvironment.isCI {
                throw TestEnvironmentError(
                    code: .programNotFound,
                    message: "CI=true but the browser tests lack \(missing.joined(separator: ", ")): "
                        + "make test runs make deps"
                )
            }
            return false
        }
    }
}

/// What the viewer's browser tests run: Debian's headless Chromium, driven by Playwright for
/// Python, against an nginx of their own.
public enum BrowserEnvironment {
    /// Debian's chromium binary, or nil.
    public static var chromium: String? { findExecutable("chromium") }

    /// What is missing among chromium, nginx and Playwright; empty when the tests can run.
    public static func missing() -> [String] {
        var missing: [String] = []
        if chromium == nil { missing.append("chromium") }
        if findExecutable("nginx") == nil { missing.append("nginx") }
        let python = try? PythonParquetReader.fromEnvironment().python
        if let python {
            let check = try? runProcess(python, ["-c", "import playwright.sync_api"])
            if check?.succeeded != true { missing.append("Playwright in \(python)") }
        } else {
            missing.append("the test Python (.venv)")
        }
        return missing
    }
}
