import Delivery
import Foundation
import Logging
import Publishing
import TestSupport
import Testing

/// The rclone recipe into an S3 bucket (moto's S3 server on loopback), with a reader polling
/// the bucket all along as a browser would: at no moment may the bucket's manifest.json name a
/// version that is not there in full.
@Suite(
    "Delivery to S3 with rclone",
    .requiresMySQL,
    .requiresCommands("rclone"),
    .requiresS3Server
)
struct RcloneTargetTests {
    /// Collects what the target printed (rclone -v says which files it copied server-side).
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        var all: [String] { lock.withLock { stored } }
        func append(_ line: String) { lock.withLock { stored.append(line) } }
    }

    @Test func twentyVersionsReachTheBucketInAnOrderNoReaderCatchesHalfDone() throws {
        let data = try ScratchDataset(
            "rclone",
            columns: """
                id INT PRIMARY KEY, created_at DATETIME NOT NULL, amount DECIMAL(10,2) NOT NULL,
                updated_at DATETIME(6) NOT NULL, KEY (updated_at)
                """
        )
        // Three months of rows, one partition file per month.
        try data.admin(
            "INSERT INTO $T SELECT seq, TIMESTAMPADD(DAY, seq, '2024-01-01'), seq * 1.25, UTC_TIMESTAMP(6) FROM seq_1_to_80"
        )
        try data.configure(
            """
            primary_key = ["id"]
            updated_at = "updated_at"
            partition_by = "created_at"
            partition_granularity = "month"
            """
        )
        let configuration = try #require(data.configuration)
        let server = try S3Server(in: data.root)
        let credentials = data.root + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try server.rcloneConfiguration().write(toFile: credentials + "/rclone.conf", atomically: true, encoding: .utf8)
        let target = TargetConfiguration(
            name: "cdn",
            command: [
                TestEnvironment.repositoryRoot.appendingPathComponent("recipes/deliver-rclone").path, "s3:bucket/data",
                "-v",
            ],
            timeout: .seconds(60)
        )
        let lines = Lines()
        let logger = Logger(label: "rclone-test") { _ in LineHandler(lines: lines) }
        func deliver() -> TargetDelivery.Report {
            TargetDelivery(
                configuration: configuration,
                target: target,
                logger: logger,
                environment: deliveryEnvironment(home: data.root, ["CREDENTIALS_DIRECTORY": credentials])
            ).run()
        }

        try data.refresh()
        #expect(deliver().failure == nil)
        let poller = try S3Server.Poller(server: server, bucket: "bucket", prefix: "data", directory: data.root)
        var published: [Int] = [1]
        for cycle in 1...19 {
            switch cycle % 3 {
            case 0:  // One row of the last month: that partition rewritten, the other two linked.
                try data.admin("UPDATE $T SET amount = amount + 1, updated_at = UTC_TIMESTAMP(6) WHERE id = 75")
            case 1:  // A new row in January and a change in February: two rewritten, one linked.
                try data.admin(
                    "INSERT INTO $T VALUES (\(100 + cycle), '2024-01-15 12:00:00', \(cycle), UTC_TIMESTAMP(6))"
                )
                try data.admin("UPDATE $T SET amount = amount * 2, updated_at = UTC_TIMESTAMP(6) WHERE id = 40")
            default:  // A row moves from March to January: both rewritten.
                try data.admin(
                    "UPDATE $T SET created_at = '2024-01-20 10:00:00', updated_at = UTC_TIMESTAMP(6) WHERE id = \(60 + cycle)"
                )
            }
            let result = try data.refresh()
            let version = try #require(result.version, "cycle \(cycle) published no version")
            published.append(version)
            let report = deliver()
            #expect(report.failure == nil, "\(report.failure.map { "\($0)" } ?? "")")
        }
        let report = try poller.finish()

        #expect(published == Array(1...20))
        #expect(report.violations.isEmpty, "a reader found: \(report.violations)")
        #expect(report.iterations >= 20, "the poller read the bucket only \(report.iterations) times")
        #expect((report.seen[data.name]?.count ?? 0) >= 5, "the poller saw versions \(report.seen)")
        #expect(report.seen[data.name]?.last == 20)

        // The rows a reader gets from the bucket are the local version's, for versions the
        // poller saw along the way and for the last one.
        let checked = Set((report.seen[data.name] ?? []).suffix(3) + [20])
        for version in checked.sorted() {
            let compared = try server.compare(
                bucket: "bucket",
                prefix: "data",
                local: data.publicDirectory,
                dataset: data.name,
                version: version
            )
            #expect(compared.equal && compared.files == 3, "v\(version): \(compared)")
        }

        // Versions never change: cached for a year; the manifest: never cached.
        let objects = try server.objects(bucket: "bucket", prefix: "data")
        let manifest = try #require(objects.first { $0.key == "data/manifest.json" })
        #expect(manifest.cacheControl == "no-cache")
        let versioned = objects.filter { $0.key != "data/manifest.json" }
        #expect(versioned.count >= 20 * 4)
        #expect(versioned.allSatisfy { $0.cacheControl == "public, max-age=31536000, immutable" })
        #expect(!objects.contains { $0.key.hasSuffix(".published-at") })
        // Partitions a version links unchanged were copied inside the bucket, not uploaded again.
        #expect(lines.all.contains { $0.contains("Copied (server-side copy)") }, "rclone said: \(lines.all.suffix(20))")
    }
}

/// A LogHandler keeping each message, for asserting on what a target printed.
struct LineHandler: LogHandler {
    let lines: RcloneTargetTests.Lines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.append("\(event.message)")
    }
}
