import Foundation
import TestSupport
import Testing

/// parquet-publisher@.service, which `make install` derives from the unit
/// (scripts/unit-template.sh): one daemon per source database, each instance with its own
/// configuration, password and state, and the same hardening.
@Suite struct TemplateUnit {
    let root = TestEnvironment.repositoryRoot

    @Test func eachInstanceHasItsOwnFilesAndTheSameHardening() throws {
        try withTemporaryDirectory { destination in
            let environment = ["DESTDIR": destination.path, "PREFIX": "/usr/local", "BINARY": "/bin/true"]
            let install = try runProcess(
                root.appendingPathComponent("scripts/install.sh").path,
                [],
                environment: environment
            )
            #expect(install.succeeded, "\(install.errorOutput)")
            let units = destination.path + "/etc/systemd/system/"
            let plain = try String(contentsOfFile: units + "parquet-publisher.service", encoding: .utf8)
            let template = try String(contentsOfFile: units + "parquet-publisher@.service", encoding: .utf8)
            let differing = zip(plain.split(separator: "\n"), template.split(separator: "\n")).filter { $0 != $1 }
            #expect(
                differing.map(\.1).filter { !$0.hasPrefix("#") } == [
                    "Description=parquet-publisher %i: MySQL tables published as static Parquet files",
                    "ExecStart=/usr/local/bin/parquet-publisher run --config /etc/parquet-publisher/%i/config.toml",
                    "StateDirectory=parquet-publisher/%i",
                    "WorkingDirectory=/var/lib/parquet-publisher/%i",
                    "LoadCredential=mysql-password:/etc/parquet-publisher/%i/mysql-password",
                ]
            )
            #expect(plain.split(separator: "\n").count == template.split(separator: "\n").count)
            // The recipes and the drop-in example come along.
            for recipe in ["deliver-rclone", "deliver-git", "deliver-rsync"] {
                #expect(
                    FileManager.default.isExecutableFile(
                        atPath: destination.path + "/usr/local/lib/parquet-publisher/" + recipe
                    )
                )
            }
            #expect(
                FileManager.default.fileExists(
                    atPath: destination.path + "/usr/local/share/doc/parquet-publisher/targets.conf.example"
                )
            )

            // systemd reads an instance of it as written, and rates it as the plain unit.
            guard let analyze = findExecutable("systemd-analyze") else {
                if TestEnvironment.isCI { Issue.record("CI=true, but systemd-analyze is not installed (apt: systemd)") }
                return
            }
            let instance = destination.path + "/parquet-publisher@shop.service"
            try template.replacingOccurrences(of: "/usr/local/bin/parquet-publisher", with: "/bin/true")
                .write(toFile: instance, atomically: true, encoding: .utf8)
            let verify = try runProcess(analyze, ["verify", instance])
            #expect(verify.succeeded && verify.errorOutput.isEmpty, "\(verify.errorOutput)")
            let security = try runProcess(
                analyze,
                ["security", "--offline=true", "--no-pager", instance],
                currentDirectory: destination
            )
            let line = try #require(
                security.output.split(separator: "\n").first { $0.contains("Overall exposure level") }
            )
            let score = try #require(line.firstMatch(of: /level for [^:]+: ([0-9]+\.[0-9])/).flatMap { Double($0.1) })
            #expect(score <= 1.5, "\(line)")
        }
    }
}
