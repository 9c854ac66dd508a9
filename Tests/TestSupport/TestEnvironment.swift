import Foundation

/// What the test run was given through the environment: the throwaway MariaDB that
/// `make test` starts (scripts/test-env.sh exports its PP_TEST_* variables), the Python with the
/// readers, and whether this is CI, where a missing server is a failure rather than a skip.
public enum TestEnvironment {
    /// True when `CI` is set to true (or 1 / yes), as CI runs `.ci/run`.
    public static var isCI: Bool {
        guard let value = ProcessInfo.processInfo.environment["CI"]?.lowercased() else { return false }
        return ["true", "1", "yes"].contains(value)
    }

    /// The test server, or nil when PP_TEST_MYSQL_HOST is not set or the rest is incomplete
    /// (`requireMySQL()` says which variable is wrong).
    public static var mysql: MySQLTestServer? {
        try? MySQLTestServer(environment: ProcessInfo.processInfo.environment)
    }

    /// The test server, or an error naming what is missing. Integration tests start with this.
    public static func requireMySQL() throws -> MySQLTestServer {
        let environment = ProcessInfo.processInfo.environment
        guard let server = try MySQLTestServer(environment: environment) else {
            throw TestEnvironmentError.mysqlNotConfigured(isCI: isCI)
        }
        return server
    }

    /// The repository's root, found from this file's path (Tests/TestSupport/TestEnvironment.swift).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
}

/// Why the test environment cannot give a test what it needs.
public struct TestEnvironmentError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable {
        case mysqlNotConfigured
        case invalidVariable
        case pythonNotFound
        /// A program an integration test runs (chromium, nginx) is not installed.
        case programNotFound
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func mysqlNotConfigured(isCI: Bool) -> TestEnvironmentError {
        TestEnvironmentError(
            code: .mysqlNotConfigured,
            message: isCI
                ? "CI=true but PP_TEST_MYSQL_HOST is not set: make test starts the server"
                : "PP_TEST_MYSQL_HOST is not set: run the tests with make test or scripts/test-env.sh swift test"
        )
    }
}
