import Foundation
import Publishing
import Testing

@testable import Delivery

/// The daemon's side: a cycle after each refresh, retries with backoff after a failure, the
/// status every report shows.
@Suite("The daemon's delivery", .requiresCommands("rsync"))
struct DeliveryCoordinatorTests {
    @Test func aFailingTargetIsRetriedWithBackoffUntilItCatchesUp() throws {
        let fixture = try PublishFixture()
        let log = LogRecorder()
        let destination = fixture.root + "/www"
        let attempts = fixture.root + "/attempts"
        // Down for its first two attempts, then up.
        let flaky = try fixture.script(
            "flaky",
            """
            echo x >> '\(attempts)'
            if [ "$(wc -l < '\(attempts)')" -le 2 ]; then echo "connection refused" >&2; exit 1; fi
            exec '\(PublishFixture.recipe("rsync"))' '\(destination)'
            """
        )
        let target = TargetConfiguration(name: "www", command: [flaky], maxBackoff: .milliseconds(300))
        let configuration = fixture.configuration(datasets: ["orders"], targets: [target])
        try fixture.publish("orders", changed: ["all.parquet": "one"])

        let coordinator = DeliveryCoordinator(
            configuration: configuration,
            logger: log.logger,
            environment: fixture.environment()
        )
        coordinator.start()
        defer {
            coordinator.stop()
            coordinator.drain()
        }
        let deadline = Date().addingTimeInterval(20)
        while (try? manifestVersions(at: destination + "/manifest.json")) != ["orders": 1], Date() < deadline {
            usleep(50_000)
        }
        #expect(try manifestVersions(at: destination + "/manifest.json") == ["orders": 1])
        let failures = log.entries.filter { $0.level == .error }
        #expect(failures.count == 2)
        #expect(
            failures.first?.message
                == "delivery failed; retrying in 300ms: target \"www\": upload of orders/v1 failed: \(flaky) exited with status 1: connection refused"
        )
        #expect(failures.first?.metadata["target"] == "www" && failures.first?.metadata["phase"] == "upload")

        // A refresh that published a new version: the target follows at once.
        try fixture.publish("orders", changed: ["all.parquet": "two"])
        coordinator.refreshed(dataset: "orders")
        while (try? manifestVersions(at: destination + "/manifest.json")) != ["orders": 2], Date() < deadline {
            usleep(50_000)
        }
        #expect(try manifestVersions(at: destination + "/manifest.json") == ["orders": 2])
        coordinator.drain()

        let snapshot = try #require(coordinator.snapshots().first)
        #expect(snapshot.failuresTotal == 2 && snapshot.state.consecutiveFailures == 0)
        let status = snapshot.status(configuration: configuration, now: Date(), publicErrors: true)
        let orders = status.datasets["orders"]
        #expect(orders?.deliveredVersion == 2 && orders?.localVersion == 2)
        #expect(orders?.lagSeconds == 0 && status.lastError == nil)
        #expect(
            snapshot.line(configuration: configuration, now: Date()).hasPrefix("target www: orders v2; last success ")
        )
        let metrics = TargetSnapshot.metrics([snapshot], configuration: configuration, now: Date())
        let delivered = metrics.first { $0.name == "target_delivered_version" }
        #expect(delivered?.samples.first?.value == 2)
        #expect(delivered?.samples.first?.labels.map { "\($0.0)=\($0.1)" } == ["target=www", "dataset=orders"])
        #expect(metrics.first { $0.name == "target_failures_total" }?.samples.first?.value == 2)
    }

    @Test func backoffDoublesUpToTheTargetsMaximum() {
        let maximum = Duration.seconds(60)
        #expect(
            (1...6).map { TargetWorker.backoff(failures: $0, maximum: maximum) } == [
                .seconds(5), .seconds(10), .seconds(20), .seconds(40), .seconds(60), .seconds(60),
            ]
        )
        #expect(TargetWorker.backoff(failures: 1, maximum: .seconds(1)) == .seconds(1))
    }
}
