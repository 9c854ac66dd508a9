import Foundation

/// The MariaDB server a test may use, as described by the PP_TEST_MYSQL_* variables:
/// a scratch schema (`database`, plus `otherDatabase` for cross-schema tables), an admin account
/// that may create and insert there, and a SELECT-only reader account, the way production runs.
public struct MySQLTestServer: Sendable, Hashable {
    /// A user name and its password.
    public struct Account: Sendable, Hashable, CustomStringConvertible {
        public var user: String
        public var password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }

        /// The user name only: a password never goes into a test's output.
        public var description: String { user }
    }

    public var host: String
    public var port: Int
    /// The unix socket of the same server, when it has one.
    public var socket: String?
    public var database: String
    public var otherDatabase: String?
    public var admin: Account
    public var reader: Account

    public init(
        host: String,
        port: Int,
        socket: String? = nil,
        database: String,
        otherDatabase: String? = nil,
        admin: Account,
        reader: Account
    ) {
        self.host = host
        self.port = port
        self.socket = socket
        self.database = database
        self.otherDatabase = otherDatabase
        self.admin = admin
        self.reader = reader
    }

    /// Reads the server from PP_TEST_MYSQL_* variables: nil when PP_TEST_MYSQL_HOST is unset,
    /// an error naming the variable when it is set but another one is missing or malformed.
    public init?(environment: [String: String]) throws {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        func required(_ name: String) throws -> String {
            guard let value = value(name) else {
                throw TestEnvironmentError(
                    code: .invalidVariable,
                    message:
                        """
                        PP_TEST_MYSQL_HOST is set but \(name) is not: source the env.sh that scripts/test-mariadb.sh \
                        start wrote
                        """
                )
            }
            return value
        }
        guard let host = value("PP_TEST_MYSQL_HOST") else { return nil }
        let portText = value("PP_TEST_MYSQL_PORT") ?? "3306"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw TestEnvironmentError(
                code: .invalidVariable,
                message: "PP_TEST_MYSQL_PORT is '\(portText)', not a TCP port number"
            )
        }
        self.init(
            host: host,
            port: port,
            socket: value("PP_TEST_MYSQL_SOCKET"),
            database: try required("PP_TEST_MYSQL_DATABASE"),
            otherDatabase: value("PP_TEST_MYSQL_OTHER_DATABASE"),
            admin: Account(
                user: try required("PP_TEST_MYSQL_ADMIN_USER"),
                password: value("PP_TEST_MYSQL_ADMIN_PASSWORD") ?? ""
            ),
            reader: Account(
                user: try required("PP_TEST_MYSQL_READER_USER"),
                password: value("PP_TEST_MYSQL_READER_PASSWORD") ?? ""
            )
        )
    }
}
