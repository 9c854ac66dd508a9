import Foundation

/// The `mariadb` command-line client against the test server: for setting up fixtures and for
/// checking what an account may do, independently of the project's own Connector/C code.
/// The password is handed over in MYSQL_PWD, never in argv; the SQL goes through stdin.
extension MySQLTestServer {
    /// Which of the two test accounts to connect as.
    public enum Role: Sendable {
        case admin
        case reader
    }

    /// How to reach the server: TCP to host:port, or its unix socket.
    public enum Transport: Sendable {
        case tcp
        case socket
    }

    public func account(_ role: Role) -> Account {
        switch role {
        case .admin: admin
        case .reader: reader
        }
    }

    /// Runs `sql` (one or more statements) with the command-line client and returns what it did,
    /// failed or not. Output is batch mode: tab-separated, no column names, NULL as `NULL`.
    ///
    /// - Parameter database: the default schema; `self.database` when nil.
    public func runSQL(
        _ sql: String,
        as role: Role = .admin,
        database: String? = nil,
        via transport: Transport = .tcp
    ) throws -> ProcessResult {
        let account = account(role)
        var arguments = [
            "--no-defaults", "--batch", "--raw", "--skip-column-names", "--default-character-set=utf8mb4",
            "--user=\(account.user)",
        ]
        switch transport {
        case .tcp:
            arguments += ["--protocol=TCP", "--host=\(host)", "--port=\(port)"]
        case .socket:
            guard let socket else {
                throw TestEnvironmentError(code: .invalidVariable, message: "PP_TEST_MYSQL_SOCKET is not set")
            }
            arguments += ["--protocol=SOCKET", "--socket=\(socket)"]
        }
        arguments.append("--database=\(database ?? self.database)")
        let client = Self.clientExecutable
        return try runProcess(
            client,
            arguments,
            environment: ["MYSQL_PWD": account.password],
            input: Data(sql.utf8)
        )
    }

    /// Runs `sql` and returns its rows (fields split on tabs), throwing when the client fails.
    @discardableResult
    public func query(
        _ sql: String,
        as role: Role = .admin,
        database: String? = nil,
        via transport: Transport = .tcp
    ) throws -> [[String]] {
        let result = try runSQL(sql, as: role, database: database, via: transport)
        guard result.succeeded else {
            throw ProcessError(
                command: [Self.clientExecutable, "--user=\(account(role).user)"],
                result: result,
                message: "SQL failed (exit \(result.status))"
            )
        }
        return result.output.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// The client program: `mariadb`, or `mysql` where only that name exists.
    static var clientExecutable: String {
        findExecutable("mariadb") ?? findExecutable("mysql") ?? "mariadb"
    }
}
