import Foundation
import TestSupport
import Testing

/// systemd/parquet-publisher.service as `make install` writes it: systemd accepts it, its
/// hardening scores as the issue asks, and the install script honours DESTDIR and never
/// replaces a configuration. (DaemonSystemdTests runs it under a real systemd.)
@Suite struct UnitFile {
    let root = TestEnvironment.repositoryRoot

    /// systemd-analyze, or nil where it is missing (a failure under CI=true).
    func analyzer() -> String? {
        if let path = findExecutable("systemd-analyze") { return path }
        if TestEnvironment.isCI { Issue.record("CI=true, but systemd-analyze is not installed (apt: systemd)") }
        return nil
    }

    /// The installed unit, in a scratch directory, with ExecStart pointing at a program that exists.
    func installedUnit(in directory: URL) throws -> String {
        let text = try String(
            contentsOf: root.appendingPathComponent("systemd/parquet-publisher.service"),
            encoding: .utf8
        )
        .replacingOccurrences(of: "@BINDIR@/parquet-publisher", with: "/bin/true")
        .replacingOccurrences(of: "@SYSCONFDIR@", with: "/etc")
        .replacingOccurrences(of: "@DOCDIR@", with: "/usr/share/doc/parquet-publisher")
        let path = directory.appendingPathComponent("parquet-publisher.service").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func systemdAnalyzeVerifyFindsNothingToSay() throws {
        guard let analyze = analyzer() else { return }
        try withTemporaryDirectory { directory in
            let result = try runProcess(analyze, ["verify", try installedUnit(in: directory)])
            #expect(result.succeeded, "\(result.errorOutput)")
            #expect(result.errorOutput.isEmpty && result.output.isEmpty, "\(result.errorOutput)\(result.output)")
        }
    }

    @Test func exposureIsAtMostOnePointFive() throws {
        guard let analyze = analyzer() else { return }
        try withTemporaryDirectory { directory in
            let unit = try installedUnit(in: directory)
            let result = try runProcess(
                analyze,
                ["security", "--offline=true", "--no-pager", unit],
                currentDirectory: directory
            )
            let line = try #require(
                result.output.split(separator: "\n").first { $0.contains("Overall exposure level") },
                "\(result.output)"
            )
            let score = try #require(line.firstMatch(of: /level for [^:]+: ([0-9]+\.[0-9])/).flatMap { Double($0.1) })
            #expect(score <= 1.5, "\(line)")
            // The settings the score rests on, and the ones the daemon needs to work.
            let text = try String(contentsOfFile: unit, encoding: .utf8)
            for setting in [
                "Type=notify", "WatchdogSec=60", "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID",
                "User=parquet-publisher", "StateDirectory=parquet-publisher", "UMask=0022",
                "MemoryDenyWriteExecute=yes",
                "LoadCredential=mysql-password:/etc/parquet-publisher/mysql-password", "RestartPreventExitStatus=78",
            ] {
                #expect(text.split(separator: "\n").contains { $0 == setting }, "the unit lost \(setting)")
            }
        }
    }

    @Test func installHonoursDestdirAndKeepsAnExistingConfiguration() throws {
        try withTemporaryDirectory { destination in
            let environment = ["DESTDIR": destination.path, "PREFIX": "/usr/local", "BINARY": "/bin/true"]
            let script = root.appendingPathComponent("scripts/install.sh").path
            let first = try runProcess(script, [], environment: environment)
            #expect(first.succeeded, "\(first.errorOutput)")
            let files = FileManager.default
            let unit = destination.path + "/etc/systemd/system/parquet-publisher.service"
            let config = destination.path + "/etc/parquet-publisher/config.toml"
            #expect(files.isExecutableFile(atPath: destination.path + "/usr/local/bin/parquet-publisher"))
            #expect(files.fileExists(atPath: destination.path + "/etc/sysusers.d/parquet-publisher.conf"))
            #expect(files.fileExists(atPath: destination.path + "/usr/local/share/doc/parquet-publisher/operations.md"))
            let text = try String(contentsOfFile: unit, encoding: .utf8)
            #expect(
                text.contains(
                    "ExecStart=/usr/local/bin/parquet-publisher run --config /etc/parquet-publisher/config.toml"
                )
            )
            #expect(text.firstMatch(of: /@[A-Z]+@/) == nil, "a placeholder was left in the unit")

            try "# edited by the operator\n".write(toFile: config, atomically: true, encoding: .utf8)
            let second = try runProcess(script, [], environment: environment)
            #expect(second.succeeded, "\(second.errorOutput)")
            #expect(try String(contentsOfFile: config, encoding: .utf8) == "# edited by the operator\n")
            #expect(second.output.contains("keeping the existing"))
        }
    }
}
