import Foundation
import TestSupport
import Testing

/// The unit file as `make install` writes it and the daemon it starts, under a real systemd
/// (PID 1 of its own namespace: scripts/systemd-sandbox.sh), against the test MariaDB with the
/// SELECT-only account. The unit runs with all its hardening and its own system user; only the
/// watchdog and restart delays are shortened by a drop-in.
///
/// Inside the sandbox's mount namespace (and nowhere else) /var/lib is a fresh tmpfs, so the
/// service's StateDirectory is /var/lib/parquet-publisher as in production, and /etc/passwd
/// and /etc/group are copies with the user `systemd-sysusers` made from the project's
/// sysusers.d file. The machine's own /etc, /var/lib and journal stay untouched.
@Suite("The daemon under a real systemd", .requiresMySQL, .serialized)
struct DaemonSystemdTests {
    let root = TestEnvironment.repositoryRoot
    let unit = "parquet-publisher.service"
    /// Where the stage directory is bind-mounted inside the sandbox.
    let mountPoint = "/run/parquet-publisher-test"

    /// Files the unit needs go outside /tmp and /var/tmp, which are private to the sandbox: the
    /// repository's build/, unless the repository itself lives under one of them.
    func stageRoot() -> String {
        let repository = root.resolvingSymlinksInPath().path
        if ["/tmp", "/var/tmp"].contains(where: { repository == $0 || repository.hasPrefix($0 + "/") }) {
            return "/var/lib/parquet-publisher-tests"
        }
        return repository + "/build/systemd-tests"
    }

    @Test func runsReloadsSurvivesItsWatchdogAndStopsCleanly() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd") else {
            if TestEnvironment.isCI { Issue.record("CI=true, but this test needs root and /lib/systemd/systemd") }
            return
        }
        let server = try TestEnvironment.requireMySQL()
        let binary = try HarnessDatabase.binary()
        let name = "daemon_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try HarnessDatabase.admin(server)
        defer {
            try? admin.execute("DROP TABLE IF EXISTS `\(name)`")
            admin.close()
        }
        try admin.execute(
            """
            CREATE TABLE `\(name)` (id INT PRIMARY KEY, created_at DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT \
            NULL, KEY (updated_at))
            """
        )
        try admin.execute(
            "INSERT INTO `\(name)` SELECT seq, TIMESTAMPADD(DAY, seq, '2024-01-01'), UTC_TIMESTAMP(6) FROM seq_1_to_500"
        )

        // The stage: the binary, /etc/parquet-publisher, and passwd/group with the service's user.
        let stage = stageRoot() + "/" + name
        let files = FileManager.default
        defer { try? files.removeItem(atPath: stage) }
        for folder in ["bin", "etc/parquet-publisher", "root/etc"] {
            try files.createDirectory(atPath: stage + "/" + folder, withIntermediateDirectories: true)
        }
        try files.copyItem(atPath: binary, toPath: stage + "/bin/parquet-publisher")
        for file in ["passwd", "group", "shadow", "gshadow"] where files.isReadableFile(atPath: "/etc/" + file) {
            try files.copyItem(atPath: "/etc/" + file, toPath: stage + "/root/etc/" + file)
        }
        let sysusers = try runProcess(
            "systemd-sysusers",
            ["--root=\(stage)/root", root.appendingPathComponent("systemd/parquet-publisher.sysusers").path]
        )
        #expect(sysusers.succeeded, "\(sysusers.errorOutput)")
        let passwd = try String(contentsOfFile: stage + "/root/etc/passwd", encoding: .utf8)
        let account = try #require(
            passwd.split(separator: "\n").first { $0.hasPrefix("parquet-publisher:") }?.split(separator: ":"),
            "systemd-sysusers made no parquet-publisher user"
        )
        let (uid, gid) = (UInt32(account[2])!, UInt32(account[3])!)

        // systemd's credentials (LoadCredential=) come out empty in a systemd booted inside a
        // namespace here, so the test's configuration names a password_file, readable by the
        // service's user only; the unit keeps its LoadCredential= line, and PasswordResolverTests
        // cover $CREDENTIALS_DIRECTORY.
        let etc = stage + "/etc/parquet-publisher"
        try Data(server.reader.password.utf8).write(to: URL(fileURLWithPath: etc + "/mysql-password"))
        chown(etc + "/mysql-password", uid, gid)
        chmod(etc + "/mysql-password", 0o600)
        let config = """
            [source]
            host = "\(server.host)"
            port = \(server.port)
            user = "\(server.reader.user)"
            password_file = "mysql-password"
            database = "\(server.database)"

            [publish]
            directory = "/var/lib/parquet-publisher/public"
            state_directory = "/var/lib/parquet-publisher/state"
            metrics_file = "/var/lib/parquet-publisher/metrics/parquet-publisher.prom"

            [[dataset]]
            name = "\(name)"
            table = "\(name)"
            primary_key = ["id"]
            updated_at = "updated_at"
            partition_by = "created_at"
            partition_granularity = "month"
            every = "1h"
            """
        try config.write(toFile: etc + "/config.toml", atomically: true, encoding: .utf8)
        let unitText = try String(
            contentsOf: root.appendingPathComponent("systemd/parquet-publisher.service"),
            encoding: .utf8
        )
        .replacingOccurrences(of: "@BINDIR@", with: mountPoint + "/bin")
        .replacingOccurrences(of: "@SYSCONFDIR@", with: mountPoint + "/etc")
        .replacingOccurrences(of: "@DOCDIR@", with: "/usr/share/doc/parquet-publisher")
        try unitText.write(toFile: stage + "/" + unit, atomically: true, encoding: .utf8)

        let sandbox = try DaemonSandbox.boot(in: stage + "/sandbox")
        defer { sandbox.shutdown() }
        // /run is the sandbox's own tmpfs: units installed there never reach the machine. What
        // `make install` put on the machine must not reach the test either: a unit (or drop-in)
        // in /etc/systemd/system would shadow the one in /run, so the sandbox gets an empty one.
        try sandbox.shell(
            """
            mkdir -p \(mountPoint)
            mount --bind \(stage) \(mountPoint)
            mount -t tmpfs -o mode=0755 tmpfs /var/lib
            mount -t tmpfs -o mode=0755 tmpfs /etc/systemd/system
            mount --bind \(mountPoint)/root/etc/passwd /etc/passwd
            mount --bind \(mountPoint)/root/etc/group /etc/group
            cp \(mountPoint)/\(unit) /run/systemd/system/\(unit)
            mkdir -p /run/systemd/system/\(unit).d
            printf '[Service]\\nWatchdogSec=8\\nTimeoutAbortSec=2\\nRestartSec=1\\n' \\
                > /run/systemd/system/\(unit).d/test.conf
            systemctl daemon-reload
            """
        )
        #expect(try sandbox.property("FragmentPath", of: unit) == "/run/systemd/system/\(unit)")
        #expect(try sandbox.property("DropInPaths", of: unit) == "/run/systemd/system/\(unit).d/test.conf")
        let verify = try sandbox.exec(["systemd-analyze", "verify", "/run/systemd/system/\(unit)"])
        #expect(verify.succeeded && verify.errorOutput.isEmpty, "systemd-analyze verify: \(verify.errorOutput)")

        // Start: Type=notify, so `start` returns once READY=1 arrived, after the state check.
        let start = try sandbox.systemctl("start", unit)
        let firstRun = try sandbox.property("InvocationID", of: unit)
        let startJournal = try sandbox.journal(invocation: firstRun)
        #expect(start.succeeded, "start failed: \(start.errorOutput) \(startJournal)")
        #expect(try sandbox.property("Type", of: unit) == "notify")
        #expect(try sandbox.property("ActiveState", of: unit) == "active")
        let startup = try sandbox.journal(invocation: firstRun)
        let ready = startup.firstIndex { $0.fromService && $0.message.hasPrefix("state checked; ready") }
        let started = startup.firstIndex { !$0.fromService && $0.message.hasPrefix("Started ") }
        #expect(
            ready != nil && started != nil && ready! < started!,
            "systemd called it started before READY: \(startup)"
        )

        // STATUS=: the dataset, its version, rows and age.
        let statusPattern = try Regex("^\(name) v1 500 rows [0-9]+s ago$")
        let showedV1 = try sandbox.eventually(30) {
            try sandbox.property("StatusText", of: unit).wholeMatch(of: statusPattern) != nil
        }
        let firstStatus = try sandbox.property("StatusText", of: unit)
        #expect(showedV1, "STATUS= is \"\(firstStatus)\"")

        // An invalid configuration on reload: the old one stays, and the journal says why.
        try (config + "\nlookback = \"two days\"\n").write(
            toFile: etc + "/config.toml",
            atomically: true,
            encoding: .utf8
        )
        #expect(try sandbox.systemctl("reload", unit).succeeded)
        #expect(
            try sandbox.eventually(10) {
                try sandbox.journal(invocation: firstRun).contains {
                    $0.message.contains("invalid; keeping the old one") && $0.message.contains("lookback")
                }
            }
        )
        #expect(try sandbox.property("ActiveState", of: unit) == "active")
        try config.write(toFile: etc + "/config.toml", atomically: true, encoding: .utf8)
        try #require(
            sandbox.eventually(30) { try sandbox.property("StatusText", of: unit).wholeMatch(of: statusPattern) != nil }
        )

        // Reload: a changed row is published at once (`every` is an hour), and the journal says
        // so in structured fields.
        try admin.execute(
            "UPDATE `\(name)` SET updated_at = UTC_TIMESTAMP(6), created_at = '2024-01-05' WHERE id = 200"
        )
        let reloadedAt = Date()
        #expect(try sandbox.systemctl("reload", unit).succeeded)
        let showedV2 = try sandbox.eventually(20) {
            try sandbox.property("StatusText", of: unit).hasPrefix("\(name) v2 500 rows")
        }
        let secondStatus = try sandbox.property("StatusText", of: unit)
        #expect(showedV2, "no v2 after the reload: STATUS= is \"\(secondStatus)\"")
        #expect(Date().timeIntervalSince(reloadedAt) < 20)
        let journal = try sandbox.journal(invocation: firstRun)
        #expect(
            journal.contains {
                $0.fromService && $0.message.hasPrefix("reloading the configuration") && $0["PHASE"] == "reload"
            }
        )
        #expect(journal.contains { !$0.fromService && $0.message.hasPrefix("Reloaded ") })
        let published = journal.first { $0["VERSION"] == "2" }
        #expect(published?["DATASET"] == name, "no journal entry for v2 with DATASET=\(name): \(journal)")
        #expect(published?.message.hasPrefix("published v2") == true)
        #expect(published?["ROWS"] != nil && published?["DURATION_MS"] != nil && published?["PHASE"] == "done")
        #expect(published?["SYSLOG_IDENTIFIER"] == "parquet-publisher" && published?["PRIORITY"] == "6")
        #expect(published?["CODE_FILE"] != nil && published?["CODE_LINE"] != nil && published?["CODE_FUNC"] != nil)
        let datasetEntries = journal.filter { $0["DATASET"] == name }
        #expect(datasetEntries.count >= 3, "entries with DATASET: \(datasetEntries)")
        #expect(!journal.contains { $0.message.contains(server.reader.password) })

        // `status` beside the running daemon, and the files it writes.
        let status = try sandbox.exec([
            mountPoint + "/bin/parquet-publisher", "status", "--config",
            mountPoint + "/etc/parquet-publisher/config.toml", "--json",
        ])
        #expect(status.succeeded, "\(status.errorOutput)")
        let statusDocument = try JSONSerialization.jsonObject(with: status.standardOutput) as? [String: Any]
        let entry = (statusDocument?["datasets"] as? [String: Any])?[name] as? [String: Any]
        #expect((statusDocument?["daemon"] as? [String: Any])?["running"] as? Bool == true)
        #expect(entry?["version"] as? Int == 2 && entry?["rows"] as? Int == 500)
        #expect(
            entry?["next_run"] is String && entry?["watermark"] is String && entry?["lag_seconds"] is Int,
            "\(entry ?? [:])"
        )
        let metrics = try sandbox.shell("cat /var/lib/parquet-publisher/metrics/parquet-publisher.prom")
        #expect(metrics.contains("parquet_publisher_version{dataset=\"\(name)\"} 2"), "\(metrics)")
        #expect(try sandbox.shell("stat -c %a /var/lib/parquet-publisher/public") == "755\n")

        // Wedged (SIGSTOP): the pings stop, systemd aborts and restarts it, and the restarted
        // daemon picks up the published version and its state.
        let wedged = try sandbox.property("MainPID", of: unit)
        try #require((Int(wedged) ?? 0) > 0, "no main process to wedge")
        try sandbox.shell("kill -STOP \(wedged)")
        let restarted = try sandbox.eventually(45) {
            let pid = try sandbox.property("MainPID", of: unit)
            let state = try sandbox.property("ActiveState", of: unit)
            return pid != wedged && pid != "0" && state == "active"
        }
        #expect(restarted, "the watchdog did not restart the service")
        #expect(
            try sandbox.journal(invocation: firstRun).contains { $0.message.contains("Failed with result 'watchdog'") }
        )
        #expect(try sandbox.property("NRestarts", of: unit) == "1")
        #expect(
            try sandbox.eventually(30) { try sandbox.property("StatusText", of: unit).hasPrefix("\(name) v2 500 rows") }
        )
        let current = try sandbox.shell("readlink /var/lib/parquet-publisher/public/\(name)/current")
        #expect(current == "v2\n", "the restart lost the published state: current is \(current)")
        let state = try sandbox.shell("cat /var/lib/parquet-publisher/state/\(name).json")
        #expect(state.contains("\"version\" : 2") || state.contains("\"version\":2"), "\(state)")

        // Stop: STOPPING=1, a clean exit 0 well inside TimeoutStopSec, Result=success.
        let secondRun = try sandbox.property("InvocationID", of: unit)
        let stopStarted = Date()
        #expect(try sandbox.systemctl("stop", unit).succeeded)
        #expect(Date().timeIntervalSince(stopStarted) < 10)
        #expect(try sandbox.property("Result", of: unit) == "success")
        #expect(try sandbox.property("ExecMainStatus", of: unit) == "0")
        #expect(try sandbox.property("ActiveState", of: unit) == "inactive")
        #expect(try sandbox.journal(invocation: secondRun).contains { $0.fromService && $0.message == "stopped" })
        #expect(try sandbox.shell("cat /var/lib/parquet-publisher/public/status.json").contains("\"running\" : false"))
    }
}
