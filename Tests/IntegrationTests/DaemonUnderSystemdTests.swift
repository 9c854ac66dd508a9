import Foundation
import Testing
import TestSupport

/// The unit file and the daemon under a real systemd (PID 1 of its own namespace, see
/// scripts/systemd-sandbox.sh), against the test MariaDB with the SELECT-only account.
@Suite(.requiresMySQL, .serialized)
struct DaemonUnderSystemd {
    let root = TestEnvironment.repositoryRoot

    func sandbox(_ arguments: [String], in directory: String) throws -> ProcessResult {
        try runProcess(root.appendingPathComponent("scripts/systemd-sandbox.sh").path, arguments.first.map { [$0, directory] + arguments.dropFirst() } ?? [])
    }

    func systemctl(_ arguments: String..., in directory: String) throws -> ProcessResult {
        try sandbox(["exec", "systemctl"] + arguments, in: directory)
    }

    func property(_ name: String, in directory: String) throws -> String {
        let output = try systemctl("show", "-p", name, "--value", "parquet-publisher", in: directory).output
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls `condition` every 200 ms for up to `seconds`.
    func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(200_000)
        }
        return try condition()
    }

    @Test func theServiceRunsReloadsSurvivesItsWatchdogAndStopsCleanly() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd") else {
            if TestEnvironment.isCI { Issue.record("CI=true but root and /lib/systemd/systemd are needed for this test") }
            return
        }
        let server = try TestEnvironment.requireMySQL()
        let binary = try HarnessDatabase.binary()
        let table = "daemon_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try HarnessDatabase.admin(server)
        defer { try? admin.execute("DROP TABLE IF EXISTS `\(table)`"); admin.close() }
        try admin.execute("CREATE TABLE `\(table)` (id INT PRIMARY KEY, created_at DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
        try admin.execute("INSERT INTO `\(table)` SELECT seq, TIMESTAMPADD(DAY, seq, '2024-01-01'), UTC_TIMESTAMP(6) FROM seq_1_to_500")

        // Everything the unit needs lives outside /tmp and /var/tmp, which are private to the
        // sandbox (the repository itself may be under /tmp): the binary is copied there too.
        let work = "/var/lib/parquet-publisher-tests/\(table)"
        let etc = work + "/etc"
        try FileManager.default.createDirectory(atPath: etc + "/parquet-publisher", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work + "/bin", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.copyItem(atPath: binary, toPath: work + "/bin/parquet-publisher")
        try Data(server.reader.password.utf8).write(to: URL(fileURLWithPath: etc + "/parquet-publisher/mysql-password"))
        chmod(etc + "/parquet-publisher/mysql-password", 0o600)
        // systemd's credentials (LoadCredential=) stay empty in a namespace-booted systemd (no
        // private ramfs for them), so the test names the password file; the unit keeps its
        // LoadCredential= line, and PasswordResolverTests cover $CREDENTIALS_DIRECTORY.
        try """
            [source]
            host = "\(server.host)"
            port = \(server.port)
            user = "\(server.reader.user)"
            password_file = "mysql-password"
            database = "\(server.database)"

            [publish]
            directory = "\(work)/public"
            state_directory = "\(work)/state"
            keep_versions_for = "1h"

            [[dataset]]
            name = "daemon"
            table = "\(table)"
            primary_key = ["id"]
            updated_at = "updated_at"
            partition_by = "created_at"
            partition_granularity = "month"
            every = "1h"
            """.write(toFile: etc + "/parquet-publisher/config.toml", atomically: true, encoding: .utf8)

        let sandboxDirectory = work + "/sandbox"
        let booted = try sandbox(["start"], in: sandboxDirectory)
        #expect(booted.status == 0, "\(booted.errorOutput)")
        defer { _ = try? sandbox(["stop"], in: sandboxDirectory) }

        // The unit as `make install` writes it, then a drop-in for the test's paths: the
        // dynamic user could not write under the repository, and the watchdog is short.
        let unit = try String(contentsOfFile: root.appendingPathComponent("systemd/parquet-publisher.service").path, encoding: .utf8)
            .replacingOccurrences(of: "@BINDIR@", with: work + "/bin")
            .replacingOccurrences(of: "@SYSCONFDIR@", with: etc)
        // /run is private to the sandbox (a tmpfs), and systemd reads runtime units there: the
        // machine's own /etc/systemd stays untouched.
        let units = "/run/systemd/system"
        let install = try sandbox(["exec", "bash", "-c", """
            cat > \(units)/parquet-publisher.service <<'UNIT'
            \(unit)
            UNIT
            mkdir -p \(units)/parquet-publisher.service.d
            cat > \(units)/parquet-publisher.service.d/test.conf <<'UNIT'
            [Service]
            DynamicUser=no
            User=root
            PrivateUsers=no
            ReadWritePaths=\(work)
            WatchdogSec=10
            TimeoutAbortSec=2
            RestartSec=1
            UNIT
            systemctl daemon-reload
            """], in: sandboxDirectory)
        #expect(install.status == 0, "\(install.errorOutput)")
        let verify = try sandbox(["exec", "systemd-analyze", "verify", "\(units)/parquet-publisher.service"], in: sandboxDirectory)
        #expect(verify.errorOutput.isEmpty || !verify.errorOutput.contains("parquet-publisher.service:"), "systemd-analyze verify: \(verify.errorOutput)")

        // Type=notify: `start` returns once READY=1 arrived.
        let start = try systemctl("start", "parquet-publisher", in: sandboxDirectory)
        let startJournal = try sandbox(["exec", "journalctl", "-u", "parquet-publisher", "--no-pager", "-n", "30"], in: sandboxDirectory).output
        #expect(start.status == 0, "start failed: \(start.errorOutput) \(startJournal)")
        #expect(try property("ActiveState", in: sandboxDirectory) == "active")
        let showedV1 = try eventually(60) { try property("StatusText", in: sandboxDirectory).contains("daemon v1") }
        let statusText = try property("StatusText", in: sandboxDirectory)
        #expect(showedV1, "STATUS never showed v1: \(statusText)")

        // Reload: a new version at once, and the journal says so with structured fields.
        try admin.execute("UPDATE `\(table)` SET updated_at = UTC_TIMESTAMP(6), created_at = '2024-01-05' WHERE id = 200")
        #expect(try systemctl("reload", "parquet-publisher", in: sandboxDirectory).status == 0)
        #expect(try eventually(30) { try property("StatusText", in: sandboxDirectory).contains("daemon v2") })
        let journal = try sandbox(["exec", "journalctl", "-u", "parquet-publisher", "-o", "json", "--no-pager"], in: sandboxDirectory).output
        let entries = journal.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(entries.contains { ($0["MESSAGE"] as? String)?.contains("reloading") == true })
        #expect(entries.contains { ($0["DATASET"] as? String) == "daemon" && ($0["VERSION"] as? String) == "2" })

        // A wedged daemon stops pinging; systemd kills it and restarts it, state intact.
        let wedged = try property("MainPID", in: sandboxDirectory)
        try #require(Int(wedged).map { $0 > 0 } == true, "no main process to wedge (MainPID \(wedged))")
        #expect(try sandbox(["exec", "kill", "-STOP", wedged], in: sandboxDirectory).status == 0)
        let restarted = try eventually(60) {
            let pid = try property("MainPID", in: sandboxDirectory)
            let state = try property("ActiveState", in: sandboxDirectory)
            return pid != wedged && pid != "0" && state == "active"
        }
        #expect(restarted, "the watchdog did not restart the service")
        #expect(try eventually(30) { try property("StatusText", in: sandboxDirectory).contains("daemon") })
        #expect(try property("NRestarts", in: sandboxDirectory) != "0")
        let current = try FileManager.default.destinationOfSymbolicLink(atPath: work + "/public/daemon/current")
        #expect(current == "v2" || current == "v3", "the restart lost the published state: current is \(current)")

        // Stop: STOPPING=1, a clean exit, Result=success.
        #expect(try systemctl("stop", "parquet-publisher", in: sandboxDirectory).status == 0)
        #expect(try property("Result", in: sandboxDirectory) == "success")
        #expect(try property("ActiveState", in: sandboxDirectory) == "inactive")
    }
}
