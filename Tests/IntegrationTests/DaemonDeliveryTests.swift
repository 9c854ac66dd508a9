import Delivery
import Foundation
import Publishing
import TestSupport
import Testing

/// The daemon (`parquet-publisher run`) with an rclone target whose S3 server stops answering
/// for three publishes, then comes back: local publishing goes on, the target reports its
/// failures and lag, catches up with the newest version, never commits what it did not upload
/// in full, and removes what expired.
@Suite(
    "The daemon delivering through an outage",
    .requiresMySQL,
    .requiresCommands("rclone"),
    .requiresS3Server
)
struct DaemonDeliveryTests {
    @Test func aTargetThatWasDownCatchesUpAndNothingHalfUploadedIsCommitted() throws {
        let data = try ScratchDataset(
            "daemon_delivery",
            columns:
                "id INT PRIMARY KEY, created_at DATETIME NOT NULL, amount INT NOT NULL, updated_at DATETIME(6) NOT NULL, KEY (updated_at)"
        )
        try data.admin(
            "INSERT INTO $T SELECT seq, TIMESTAMPADD(DAY, seq, '2024-01-01'), seq, UTC_TIMESTAMP(6) FROM seq_1_to_40"
        )
        let server = try S3Server(in: data.root)
        let credentials = data.root + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try server.rcloneConfiguration().write(toFile: credentials + "/rclone.conf", atomically: true, encoding: .utf8)
        let recipe = TestEnvironment.repositoryRoot.appendingPathComponent("recipes/deliver-rclone").path
        let metrics = data.root + "/metrics/pp.prom"
        try data.configure(
            """
            primary_key = ["id"]
            updated_at = "updated_at"
            partition_by = "created_at"
            every = "1s"

            [[target]]
            name = "cdn"
            command = ["\(recipe)", "s3:bucket/data"]
            timeout = "2s"
            max_backoff = "1s"
            """,
            publish: "keep_versions_for = \"0s\"\nmetrics_file = \"\(metrics)\""
        )

        // The daemon, with the environment a unit would give it.
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: try PublisherBinary.path())
        daemon.arguments = ["run", "--config", data.configPath]
        daemon.environment = deliveryEnvironment(
            home: data.root,
            ["CREDENTIALS_DIRECTORY": credentials, "PARQUET_PUBLISHER_LOG_LEVEL": "info"]
        )
        let logPath = data.root + "/daemon.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        daemon.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        daemon.standardOutput = FileHandle.nullDevice
        try daemon.run()
        defer {
            kill(daemon.processIdentifier, SIGKILL)
            daemon.waitUntilExit()
        }

        let store = TargetStateStore(stateDirectory: data.stateDirectory, target: "cdn")
        func delivered() -> Int? { (try? store.load())?.datasets[data.name]?.committed?.version }
        func local() -> Int? { (try? data.directory.currentVersion()) ?? nil }
        func eventually(_ what: String, _ seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try condition() { return true }
                usleep(100_000)
            }
            return try condition()
        }
        func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        try #require(eventually("v1 delivered") { delivered() == 1 }, "v1 never reached the bucket: \(log())")
        let poller = try S3Server.Poller(server: server, bucket: "bucket", prefix: "data", directory: data.root)
        func change(_ id: Int) throws {
            let before = local() ?? 0
            try data.admin("UPDATE $T SET amount = amount + 1, updated_at = UTC_TIMESTAMP(6) WHERE id = \(id)")
            try #require(eventually("a new version") { (local() ?? 0) > before }, "no new local version: \(log())")
        }
        try change(5)
        try #require(eventually("v2 delivered") { delivered() == local() })
        let before = try #require(delivered())

        // The server stops answering for three publishes: each goes on locally, and after each
        // the target fails (its commands time out after 2 s), saying so everywhere.
        server.pause()
        func failures() -> Int { log().components(separatedBy: "delivery failed; retrying in 1s").count - 1 }
        for id in [10, 20, 30] {
            try change(id)
            let seen = failures()
            #expect(eventually("a failure after the publish", 15) { failures() > seen }, "\(log())")
        }
        let latest = try #require(local())
        #expect(latest >= before + 3)
        #expect(log().contains("ran longer than timeout (2s); its process group was killed"), "\(log())")
        #expect(delivered() == before)
        func targetStatus() -> [String: Any]? {
            let status = (try? Data(contentsOf: URL(fileURLWithPath: data.publicDirectory + "/status.json")))
                .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
            return (status?["targets"] as? [String: Any])?["cdn"] as? [String: Any]
        }
        #expect(
            eventually("status.json shows the failures", 10) {
                (targetStatus()?["consecutive_failures"] as? Int ?? 0) >= 3
            }
        )
        let cdn = targetStatus()
        let lag = (cdn?["datasets"] as? [String: Any])?[data.name] as? [String: Any]
        // status.json is public: the kind of failure, not the command's path or output.
        let publicError = cdn?["last_error"] as? String ?? ""
        #expect(
            publicError.hasSuffix("failed: the command ran past its timeout") && !publicError.contains(recipe),
            "\(cdn ?? [:])"
        )
        #expect(lag?["delivered_version"] as? Int == before && lag?["local_version"] as? Int == latest, "\(lag ?? [:])")
        #expect((lag?["lag_seconds"] as? Int ?? -1) >= 0 && lag?["behind_since"] is String)

        // Back: the target catches up with the newest version alone, and what expired goes.
        server.resume()
        try #require(eventually("caught up", 40) { delivered() == latest }, "never caught up: \(log())")
        let report = try poller.finish()
        #expect(report.violations.isEmpty, "a reader found: \(report.violations)")
        #expect(report.unreachable > 0, "the poller never met the stopped server")
        #expect(
            !(report.seen[data.name] ?? []).contains { $0 > before && $0 < latest },
            "skipped versions were committed"
        )
        try #require(
            eventually("expired versions removed", 20) {
                let keys = try server.objects(bucket: "bucket", prefix: "data").map(\.key)
                return keys.allSatisfy { $0 == "data/manifest.json" || $0.hasPrefix("data/\(data.name)/v\(latest)/") }
            }
        )
        let state = try store.load()
        #expect(state.datasets[data.name]?.remote.map(\.version) == [latest])
        #expect(state.consecutiveFailures == 0 && state.lastError == nil)

        // The metrics, the journal fields (here: stderr's key=value) and `status`.
        #expect(
            eventually("metrics", 10) {
                let text = (try? String(contentsOfFile: metrics, encoding: .utf8)) ?? ""
                return text.contains(
                    "parquet_publisher_target_delivered_version{target=\"cdn\",dataset=\"\(data.name)\"} \(latest)"
                )
            }
        )
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains("parquet_publisher_target_lag_seconds{target=\"cdn\",dataset=\"\(data.name)\"} 0"))
        #expect(!text.contains("parquet_publisher_target_failures_total{target=\"cdn\"} 0\n"))
        #expect(
            log().split(separator: "\n").contains {
                $0.contains("target=cdn") && $0.contains("commit of \(data.name)/v\(latest) done")
            }
        )
        #expect(!log().contains(data.server.reader.password))
        let statusCommand = try PublisherBinary.run(["status", "--config", data.configPath, "--json"])
        let document = try JSONSerialization.jsonObject(with: statusCommand.standardOutput) as? [String: Any]
        let entry = ((document?["targets"] as? [String: Any])?["cdn"] as? [String: Any])?["datasets"] as? [String: Any]
        #expect(
            (entry?[data.name] as? [String: Any])?["delivered_version"] as? Int == latest,
            "\(statusCommand.output)"
        )
    }
}
