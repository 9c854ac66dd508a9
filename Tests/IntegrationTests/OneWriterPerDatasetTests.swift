import Foundation
import MySQLSource
import Parquet
import Publishing
import TestSupport
import Testing

/// Two writers of one dataset (two `refresh` processes, or the daemon and a `refresh`) take
/// turns on the dataset's lock: neither removes the other's staging directory, publishes its
/// version number or saves its state over the other's, and what is published after each round
/// is whole and equal to the source.
@Suite("One writer per dataset across processes", .requiresMySQL)
struct OneWriterPerDataset {
    /// Rounds in `make test`; `make soak` raises it with PP_RACE_ITERATIONS.
    static var iterations: Int { Int(ProcessInfo.processInfo.environment["PP_RACE_ITERATIONS"] ?? "") ?? 4 }

    final class Fixture {
        let server: MySQLTestServer
        let table: String
        let admin: MySQLConnection
        let directory: TemporaryDirectory
        let configuration: Configuration
        var configPath: String { directory.path + "/config.toml" }
        var datasetPath: String { configuration.publish.directory + "/harness" }

        init(rows: Int = 20_000, every: String = "5m") throws {
            server = try TestEnvironment.requireMySQL()
            table = "race_\(UInt32.random(in: 0...UInt32.max))"
            admin = try HarnessDatabase.admin(server)
            try admin.execute(
                """
                CREATE TABLE `\(table)` (id INT NOT NULL PRIMARY KEY, created_at DATETIME(6) NOT NULL,
                  updated_at DATETIME(6) NOT NULL, amount DECIMAL(10,2) NOT NULL, note VARCHAR(40) NULL, KEY (updated_at))
                """
            )
            try admin.execute(
                """
                INSERT INTO `\(table)` SELECT seq, TIMESTAMPADD(MINUTE, seq * 7, '2024-01-01'), UTC_TIMESTAMP(6), seq / 4,
                  IF(seq % 5 = 0, NULL, CONCAT('n', seq)) FROM seq_1_to_\(rows)
                """
            )
            directory = try TemporaryDirectory(prefix: "pp-race")
            configuration = try HarnessDatabase.configuration(
                server: server,
                table: table,
                directory: directory.path,
                lookback: "1h",
                reconcileEvery: "24h",
                extra: "",
                keepVersionsFor: "0s"
            )
            if every != "5m" {
                let toml = try String(contentsOfFile: configPath, encoding: .utf8)
                try toml.replacingOccurrences(of: "every = \"5m\"", with: "every = \"\(every)\"")
                    .write(toFile: configPath, atomically: true, encoding: .utf8)
            }
        }

        deinit {
            try? admin.execute("DROP TABLE IF EXISTS `\(table)`")
            admin.close()
        }

        /// Changes some rows the way an application does: updates, inserts, a move, a delete.
        func write(round: Int) throws {
            let base = 20_000 + round * 100
            try admin.execute(
                "UPDATE `\(table)` SET amount = amount + 1, updated_at = UTC_TIMESTAMP(6) WHERE id % 97 = \(round % 97)"
            )
            try admin.execute(
                """
                INSERT INTO `\(table)` SELECT \(base) + seq, TIMESTAMPADD(HOUR, seq, '2024-06-01'), UTC_TIMESTAMP(6), 1.25, 'new'
                FROM seq_1_to_50
                """
            )
            try admin.execute(
                "UPDATE `\(table)` SET created_at = '2024-09-09', updated_at = UTC_TIMESTAMP(6) WHERE id = \(round * 13 + 1)"
            )
        }

        /// `current` is whole (every file of its index there, with its size and row count), the
        /// manifest names it, and nothing temporary is left.
        func expectWholeAndNamed(_ context: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            _ = try HarnessDatabase.publishedRows(configuration: configuration, dataset: "harness")
            let current = try DatasetDirectory(root: configuration.publish.directory, dataset: "harness")
                .currentVersion()
            let entry = try ManifestStore(root: configuration.publish.directory).load()?.datasets["harness"]
            #expect(
                entry?.version == current,
                "\(context): manifest names v\(entry?.version ?? 0), current is v\(current ?? 0)",
                sourceLocation: sourceLocation
            )
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: datasetPath).filter {
                $0.hasPrefix(".")
            }
            #expect(leftovers.isEmpty, "\(context): left \(leftovers)", sourceLocation: sourceLocation)
        }

        func expectEqualToSource() throws {
            try HarnessDatabase.expectEqual(
                published: try HarnessDatabase.publishedRows(configuration: configuration, dataset: "harness"),
                source: try HarnessDatabase.sourceRows(server: server, table: table, configuration: configuration)
            )
        }
    }

    @Test func twoRefreshProcessesTakeTurns() throws {
        let fixture = try Fixture()
        let binary = try PublisherBinary.path()
        let first = try runProcess(binary, ["refresh", "--config", fixture.configPath])
        #expect(first.status == 0, "\(first.errorOutput)")
        for round in 0..<Self.iterations {
            try fixture.write(round: round)
            // A full and an incremental refresh at once (both kinds stage for a while).
            let arguments = [
                ["refresh", "--full", "--json", "--config", fixture.configPath],
                ["refresh", "--json", "--config", fixture.configPath],
            ]
            let results = Locked<[Int: ProcessResult]>([:])
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let result = try? runProcess(
                    binary,
                    arguments[i],
                    environment: ["PARQUET_PUBLISHER_LOG_LEVEL": "warning"]
                )
                results.withLock { $0[i] = result }
            }
            let outcomes = results.withLock { $0 }
            var versions: [Int] = []
            for i in 0..<2 {
                let result = try #require(outcomes[i])
                #expect(result.status == 0, "round \(round), \(arguments[i]): \(result.errorOutput)")
                let line = result.output.split(separator: "\n").first.map(String.init) ?? ""
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                if let version = object?["version"] as? Int { versions.append(version) }
            }
            #expect(Set(versions).count == versions.count, "round \(round): both published \(versions)")
            try fixture.expectWholeAndNamed("round \(round)")
            try fixture.expectEqualToSource()
        }
    }

    @Test func theDaemonAndRefreshRunsTakeTurns() throws {
        let fixture = try Fixture(every: "300ms")
        let binary = try PublisherBinary.path()
        let first = try runProcess(binary, ["refresh", "--config", fixture.configPath])
        #expect(first.status == 0, "\(first.errorOutput)")

        let daemonLog = fixture.directory.path + "/daemon.log"
        FileManager.default.createFile(atPath: daemonLog, contents: nil)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: binary)
        daemon.arguments = ["run", "--config", fixture.configPath]
        daemon.environment = ProcessInfo.processInfo.environment.merging(["PARQUET_PUBLISHER_LOG_LEVEL": "info"]) {
            $1
        }
        daemon.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: daemonLog))
        daemon.standardOutput = FileHandle.nullDevice
        try daemon.run()
        defer {
            if daemon.isRunning {
                kill(daemon.processIdentifier, SIGKILL)
                daemon.waitUntilExit()
            }
        }
        usleep(500_000)
        for round in 0..<Self.iterations * 2 {
            try fixture.write(round: round)
            let result = try runProcess(
                binary,
                ["refresh", round % 3 == 0 ? "--full" : "--reconcile", "--config", fixture.configPath],
                environment: ["PARQUET_PUBLISHER_LOG_LEVEL": "warning"]
            )
            #expect(result.status == 0, "round \(round): \(result.errorOutput)")
            // The daemon may be publishing right now: what is current must be whole all the same.
            _ = try HarnessDatabase.publishedRows(configuration: fixture.configuration, dataset: "harness")
        }
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        let log = try String(contentsOfFile: daemonLog, encoding: .utf8)
        let failures = log.split(separator: "\n").filter {
            $0.contains("refresh failed") || $0.contains("rebuilding in full") || $0.contains("full snapshot")
        }
        #expect(failures.isEmpty, "the daemon: \(failures.prefix(5))")
        #expect(log.contains("published v") || log.contains("no changes"), "the daemon never refreshed:\n\(log)")

        let last = try runProcess(binary, ["refresh", "--reconcile", "--config", fixture.configPath])
        #expect(last.status == 0, "\(last.errorOutput)")
        try fixture.expectWholeAndNamed("after the daemon stopped")
        try fixture.expectEqualToSource()
    }
}

/// A value behind a lock, for results gathered from concurrent work.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
