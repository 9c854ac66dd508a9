import Foundation
import MySQLSource
import Parquet
import Publishing
import TestSupport
import Testing

/// Refresh cycles with the issue's faults mixed in, on a MariaDB of the test's own: after each
/// fault the dataset is refreshed until it publishes again, and what is published must then
/// equal the source, value by value (0 rows lost or stale). Prints the seconds each fault kept
/// the dataset from being published. `make test` runs a few cycles, `make soak` many
/// (PP_FAULT_SOAK_CYCLES).
@Suite("Soak: refresh cycles with faults mixed in", .requiresMySQL, .serialized)
struct FaultSoak {
    static var cycles: Int { Int(ProcessInfo.processInfo.environment["PP_FAULT_SOAK_CYCLES"] ?? "") ?? 7 }

    enum Fault: String, CaseIterable {
        case corruptFile = "a published file overwritten with 4 KB of zeros"
        case connectionKilled = "the connection killed during a delta"
        case processKilled = "a refresh process killed with SIGKILL"
        case concurrentRefreshes = "two refresh processes at once"
        case manifestBehindCurrent = "a crash between the swap of current and the manifest update"
        case serverRestarted = "the server killed and restarted a second later"
        case stagingLeftover = "a staging directory left by a dead process"
    }

    @Test func publishedDataStaysExactThroughFaults() throws {
        let mariadb = try ThrowawayMariaDB()
        defer { mariadb.stop() }
        let server = mariadb.server
        let table = "soak_\(UInt32.random(in: 0...UInt32.max))"
        var admin = try HarnessDatabase.admin(server)
        try admin.execute(
            """
            CREATE TABLE `\(table)` (id INT NOT NULL PRIMARY KEY, created_at DATETIME(6) NOT NULL,
              updated_at DATETIME(6) NOT NULL, amount DECIMAL(10,2) NOT NULL, note VARCHAR(120) NULL, KEY (updated_at))
            """
        )
        try admin.execute(
            """
            INSERT INTO `\(table)` SELECT seq, TIMESTAMPADD(MINUTE, seq * 13, '2024-01-01'), UTC_TIMESTAMP(6), seq / 4,
              SHA2(seq, 256) FROM seq_1_to_20000
            """
        )
        let directory = try TemporaryDirectory(prefix: "pp-soak")
        let configuration = try HarnessDatabase.configuration(
            server: server,
            table: table,
            directory: directory.path,
            lookback: "1h",
            reconcileEvery: "24h",
            keepVersionsFor: "0s"
        )
        let configPath = directory.path + "/config.toml"
        let binary = try PublisherBinary.path()
        let refresher = try HarnessDatabase.refresher(configuration)
        try refresher.refresh()

        var random = SystemRandomNumberGenerator()
        var recoveries: [Fault: [Double]] = [:]
        var nextID = 20_001
        for cycle in 0..<Self.cycles {
            // The application writes: updates, inserts, a move to another month.
            try admin.execute(
                "UPDATE `\(table)` SET amount = amount + 1, updated_at = UTC_TIMESTAMP(6) WHERE id % 61 = \(cycle % 61)"
            )
            try admin.execute(
                "INSERT INTO `\(table)` VALUES (\(nextID), '2024-03-03', UTC_TIMESTAMP(6), 2.50, 'new')"
            )
            nextID += 1
            try admin.execute(
                "UPDATE `\(table)` SET created_at = '2024-07-07', updated_at = UTC_TIMESTAMP(6) WHERE id = \(Int.random(in: 1...20_000, using: &random))"
            )

            let fault = Fault.allCases[cycle % Fault.allCases.count]
            let injected = ContinuousClock.now
            switch fault {
            case .corruptFile:
                let current = configuration.publish.directory + "/harness/current"
                let files = try FileManager.default.contentsOfDirectory(atPath: current).filter {
                    $0.hasSuffix(".parquet")
                }
                let handle = try FileHandle(forUpdating: URL(fileURLWithPath: current + "/" + files.randomElement()!))
                let size = try handle.seekToEnd()
                try handle.seek(toOffset: size / 2 > 2048 ? size / 2 - 2048 : 0)
                handle.write(Data(count: 4096))
                try handle.close()
            case .connectionKilled:
                let killing = try HarnessDatabase.refresher(configuration)
                killing.progress = { progress in
                    guard progress.phase == .fetching else { return }
                    for id
                        in (try? server.query(
                            "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '\(server.reader.user)'",
                            as: .admin
                        )) ?? []
                    {
                        _ = try? server.query("KILL CONNECTION \(id[0])", as: .admin)
                    }
                }
                #expect(throws: (any Error).self) { try killing.refresh() }
            case .processKilled:
                let process = Process()
                process.executableURL = URL(fileURLWithPath: binary)
                process.arguments = ["refresh", "--full", "--config", configPath]
                process.standardError = FileHandle.nullDevice
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                usleep(UInt32.random(in: 100_000...900_000, using: &random))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            case .concurrentRefreshes:
                let statuses = Locked<[Int32]>([])
                DispatchQueue.concurrentPerform(iterations: 2) { i in
                    let result = try? runProcess(
                        binary,
                        ["refresh"] + (i == 0 ? ["--full"] : []) + ["--config", configPath],
                        environment: ["PARQUET_PUBLISHER_LOG_LEVEL": "warning"]
                    )
                    statuses.withLock { $0.append(result?.status ?? -1) }
                }
                #expect(statuses.withLock { $0 } == [0, 0], "both refreshes succeed, one after the other")
            case .manifestBehindCurrent:
                let store = ManifestStore(root: configuration.publish.directory)
                if var entry = try store.load()?.datasets["harness"], entry.version > 1 {
                    entry.version -= 1
                    entry.index = "harness/v\(entry.version)/index.json"
                    try store.update(dataset: "harness", entry: entry)
                }
                FileManager.default.createFile(
                    atPath: configuration.publish.directory + "/.manifest.json.tmp-00000000000000aa",
                    contents: Data("{".utf8)
                )
            case .serverRestarted:
                mariadb.kill()
                Thread.detachNewThread {
                    usleep(1_000_000)
                    try? mariadb.restart()
                }
                admin.close()
            case .stagingLeftover:
                try FileManager.default.createDirectory(
                    atPath: configuration.publish.directory + "/harness/.staging-v999-00000000000000bb/x",
                    withIntermediateDirectories: true
                )
            }

            // Refresh until it publishes, as the daemon would (its backoff starts at 5 s; here 0.5 s).
            var attempts = 0
            while true {
                attempts += 1
                do {
                    try refresher.refresh()
                    break
                } catch {
                    #expect(attempts < 10, "cycle \(cycle), \(fault.rawValue): still failing: \(error)")
                    if attempts >= 10 { throw error }
                    usleep(500_000)
                }
            }
            recoveries[fault, default: []].append(seconds(ContinuousClock.now - injected))
            if fault == .serverRestarted { admin = try HarnessDatabase.admin(server) }

            try HarnessDatabase.expectEqual(
                published: try HarnessDatabase.publishedRows(configuration: configuration, dataset: "harness"),
                source: try HarnessDatabase.sourceRows(server: server, table: table, configuration: configuration)
            )
            let entry = try ManifestStore(root: configuration.publish.directory).load()?.datasets["harness"]
            #expect(
                entry?.version
                    == (try DatasetDirectory(root: configuration.publish.directory, dataset: "harness").currentVersion())
            )
        }
        admin.close()
        var summary =
            "fault-soak: \(Self.cycles) cycles, published rows equal to the source after every cycle; seconds to recovery:"
        for fault in Fault.allCases {
            guard let values = recoveries[fault]?.sorted(), !values.isEmpty else { continue }
            summary +=
                "\n  \(fault.rawValue): median \(String(format: "%.2f", values[values.count / 2])), max \(String(format: "%.2f", values.last!)) (\(values.count)x)"
        }
        print(summary)
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
