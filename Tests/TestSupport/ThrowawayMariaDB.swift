import Foundation

/// A MariaDB server of one test's own, for faults that would disturb every other suite on the
/// shared test server: a server killed with SIGKILL and started again on the same port and
/// socket, with the same data and accounts. Started by scripts/test-mariadb.sh in a fresh
/// directory (about 3 s), stopped and removed with `stop()` (or when the value goes).
public final class ThrowawayMariaDB: @unchecked Sendable {
    public let directory: TemporaryDirectory
    /// Its address, accounts and schemas, as `MySQLTestServer` describes the shared one.
    public let server: MySQLTestServer

    private static var script: String {
        TestEnvironment.repositoryRoot.appendingPathComponent("scripts/test-mariadb.sh").path
    }

    /// Starts a new server with a small buffer pool (it holds a test's table, not a benchmark's).
    public init() throws {
        directory = try TemporaryDirectory(prefix: "pp-throwaway-db")
        let started = try runProcess(
            Self.script,
            ["start", directory.path],
            environment: ["PP_MARIADB_BUFFER_POOL": "32M"]
        )
        guard started.succeeded else {
            throw ProcessError(
                command: [Self.script, "start", directory.path],
                result: started,
                message: "could not start a server (status \(started.status))"
            )
        }
        let envFile = directory.path + "/env.sh"
        var variables: [String: String] = [:]
        for line in try String(contentsOfFile: envFile, encoding: .utf8).split(separator: "\n")
        where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count)
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            let name = String(assignment[..<equals])
            variables[name] = String(assignment[assignment.index(after: equals)...])
                .trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        guard let server = try MySQLTestServer(environment: variables) else {
            throw TestEnvironmentError(code: .invalidVariable, message: "\(envFile) describes no server")
        }
        self.server = server
    }

    deinit { stop() }

    /// The server's pid, from its pid file.
    public var pid: Int32? {
        guard let text = try? String(contentsOfFile: directory.path + "/mariadbd.pid", encoding: .utf8) else {
            return nil
        }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// SIGKILL, as a crash or an OOM kill would; returns once the process is gone.
    public func kill() {
        guard let pid else { return }
        _ = Foundation.kill(pid, SIGKILL)
        // Gone, or a zombie (empty cmdline) waiting for init to reap it: its port is free.
        for _ in 0..<200 {
            let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            if cmdline.isEmpty { return }
            usleep(10_000)
        }
    }

    /// Starts the server again with its configuration (same port, socket, data and accounts)
    /// and waits until it answers (`test-mariadb.sh relaunch`).
    public func restart() throws {
        let result = try runProcess(Self.script, ["relaunch", directory.path])
        guard result.succeeded else {
            throw ProcessError(command: [Self.script, "relaunch"], result: result, message: "could not restart")
        }
    }

    /// Stops the server (cleanly, through test-mariadb.sh).
    public func stop() {
        _ = try? runProcess(Self.script, ["stop", directory.path])
    }
}
