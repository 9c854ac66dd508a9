import Foundation
import Publishing
import TestSupport
import Testing

@testable import Delivery

/// The order of the phases, which is the whole point: what a target's manifest names is
/// always there in full, a failure never undoes or blocks anything local, and a target that
/// was down catches up with the newest version only. The target here is the rsync recipe into
/// a local directory, wrapped by a script that logs each phase (and fails on request).
@Suite("Delivery to a target", .requiresCommands("rsync"))
struct DeliveryOrderTests {
    let fixture: PublishFixture
    let log = LogRecorder()
    let destination: String
    let wrapper: String

    init() throws {
        fixture = try PublishFixture(keepVersionsFor: .zero)
        destination = fixture.root + "/www"
        try FileManager.default.createDirectory(atPath: fixture.root + "/flags", withIntermediateDirectories: true)
        wrapper = try fixture.script(
            "logged-rsync",
            """
            line="$PP_PHASE $PP_VERSION_PATH prev=$PP_PREVIOUS_VERSION_PATH"
            if [ "$PP_PHASE" = commit ]; then
                line+=" names=$(grep -o '"index" : "[^"]*"' "$PP_PUBLISH_DIRECTORY/manifest.json" | cut -d'"' -f4 | sed 's|/index.json||' | sort | paste -sd, -)"
            fi
            if [ -e "\(fixture.root)/flags/fail-$PP_PHASE" ] || [ -e "\(fixture.root)/flags/fail-$PP_DATASET" ]; then
                echo "$line failed" >> "\(fixture.root)/phases.log"
                echo "injected failure" >&2
                exit 1
            fi
            status=0
            "\(PublishFixture.recipe("rsync"))" "\(destination)" || status=$?
            echo "$line $([ $status = 0 ] && echo ok || echo failed)" >> "\(fixture.root)/phases.log"
            exit $status
            """
        )
    }

    var target: TargetConfiguration { TargetConfiguration(name: "www", command: [wrapper]) }

    func deliver(_ datasets: [String] = ["orders"], target: TargetConfiguration? = nil) -> TargetDelivery.Report {
        fixture.deliver(target ?? self.target, datasets: datasets, logger: log.logger)
    }

    /// The phases run since the last call.
    func phases() throws -> [String] {
        let path = fixture.root + "/phases.log"
        let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        try? FileManager.default.removeItem(atPath: path)
        return lines
    }

    func fail(_ what: String, _ on: Bool = true) throws {
        let flag = fixture.root + "/flags/fail-" + what
        if on {
            try Data().write(to: URL(fileURLWithPath: flag))
        } else {
            try FileManager.default.removeItem(atPath: flag)
        }
    }

    func remoteVersions(_ dataset: String = "orders") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: destination + "/" + dataset)) ?? []).sorted()
    }

    @Test func uploadsThenCommitsThenRemovesWhatExpired() throws {
        try fixture.publish("orders", changed: ["2024-04.parquet": "april", "2024-05.parquet": "may"])
        #expect(deliver().failure == nil)
        #expect(try phases() == ["upload orders/v1 prev= ok", "commit orders/v1 prev= names=orders/v1 ok"])
        #expect(try manifestVersions(at: destination + "/manifest.json") == ["orders": 1])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: destination + "/orders/v1").sorted()
                == ["2024-04.parquet", "2024-05.parquet", "index.json"]
        )

        // v2 rewrites May only; keep_versions_for = "0s", so v1 goes locally at once, and at the
        // target right after the commit that stops naming it.
        try fixture.publish("orders", changed: ["2024-05.parquet": "may, amended"])
        #expect(deliver().failure == nil)
        #expect(
            try phases() == [
                "upload orders/v2 prev=orders/v1 ok", "commit orders/v2 prev=orders/v1 names=orders/v2 ok",
                "remove orders/v1 prev= ok",
            ]
        )
        #expect(remoteVersions() == ["v2"])
        #expect(
            try String(contentsOfFile: destination + "/orders/v2/2024-05.parquet", encoding: .utf8) == "may, amended"
        )
        let state = try fixture.state(of: "www")
        #expect(
            state.datasets["orders"]?.committed?.version == 2 && state.datasets["orders"]?.remote.map(\.version) == [2]
        )
        #expect(state.consecutiveFailures == 0 && state.lastSuccess != nil)

        // Nothing new: nothing runs.
        #expect(deliver().failure == nil)
        #expect(try phases().isEmpty)
    }

    @Test func unchangedPartitionsAreHardLinksAtTheTargetToo() throws {
        fixture.keepVersionsFor = .seconds(3600)
        try fixture.publish("orders", changed: ["2024-04.parquet": "april", "2024-05.parquet": "may"])
        try fixture.publish("orders", changed: ["2024-05.parquet": "may, amended"])
        _ = deliver()  // Catches up with v2 directly: v1 is skipped.
        try fixture.publish("orders", changed: ["2024-05.parquet": "may, again"])
        #expect(deliver().failure == nil)
        #expect(
            try phases() == [
                "upload orders/v2 prev= ok", "commit orders/v2 prev= names=orders/v2 ok",
                "upload orders/v3 prev=orders/v2 ok", "commit orders/v3 prev=orders/v2 names=orders/v3 ok",
            ]
        )
        func inode(_ path: String) throws -> Int {
            try FileManager.default.attributesOfItem(atPath: destination + "/orders/" + path)[.systemFileNumber] as! Int
        }
        #expect(try inode("v3/2024-04.parquet") == inode("v2/2024-04.parquet"))
        #expect(try inode("v3/2024-05.parquet") != inode("v2/2024-05.parquet"))
    }

    @Test func aFailedUploadIsNeverCommittedAndTheTargetCatchesUpWithTheNewestVersion() throws {
        try fixture.publish("orders", changed: ["all.parquet": "one"])
        _ = deliver()
        _ = try phases()

        // The target is down for three publishes: each fails its upload, none commits, and the
        // local versions go on (keep_versions_for = "0s" removes each superseded one at once).
        try fail("upload")
        for (cycle, content) in ["two", "three", "four"].enumerated() {
            let version = try fixture.publish("orders", changed: ["all.parquet": content])
            let report = deliver()
            let failure = try #require(report.failure)
            #expect(
                failure.description
                    == "target \"www\": upload of orders/v\(version) failed: \(wrapper) exited with status 1: injected failure"
            )
            #expect(try phases() == ["upload orders/v\(version) prev=orders/v1 failed"])
            #expect(try manifestVersions(at: destination + "/manifest.json") == ["orders": 1])
            #expect(try fixture.state(of: "www").consecutiveFailures == cycle + 1)
        }
        let behind = TargetSnapshot(target: target, activity: .idle, state: try fixture.state(of: "www"))
        let lag = try #require(
            behind.datasets(configuration: fixture.configuration(datasets: ["orders"], targets: [target]), now: Date())
                .first
        )
        #expect(lag.delivered == 1 && lag.local == 4 && !lag.upToDate)

        try fail("upload", false)
        #expect(deliver().failure == nil)
        #expect(
            try phases() == [
                "upload orders/v4 prev=orders/v1 ok", "commit orders/v4 prev=orders/v1 names=orders/v4 ok",
                "remove orders/v1 prev= ok", "remove orders/v2 prev= ok", "remove orders/v3 prev= ok",
            ]
        )
        #expect(remoteVersions() == ["v4"])
        #expect(try fixture.state(of: "www").consecutiveFailures == 0)
    }

    @Test func aFailedCommitIsRetriedWithoutUploadingAgain() throws {
        try fixture.publish("orders", changed: ["all.parquet": "one"])
        try fail("commit")
        #expect(deliver().failure?.phase == .commit)
        #expect(try phases() == ["upload orders/v1 prev= ok", "commit orders/v1 prev= names=orders/v1 failed"])
        #expect(!FileManager.default.fileExists(atPath: destination + "/manifest.json"))
        #expect(try fixture.state(of: "www").datasets["orders"]?.uploaded?.version == 1)

        try fail("commit", false)
        #expect(deliver().failure == nil)
        #expect(try phases() == ["commit orders/v1 prev= names=orders/v1 ok"])
    }

    @Test func aFailingDatasetNeitherBlocksNorLeaksIntoTheOthers() throws {
        try fixture.publish("orders", changed: ["all.parquet": "orders one"])
        try fixture.publish("offers", changed: ["all.parquet": "offers one"])
        #expect(deliver(["orders", "offers"]).failure == nil)
        _ = try phases()

        try fail("offers")
        try fixture.publish("offers", changed: ["all.parquet": "offers two"])
        try fixture.publish("orders", changed: ["all.parquet": "orders two"])
        let report = deliver(["orders", "offers"])
        #expect(report.failure?.dataset == "offers")
        // orders v2 went out; the target's manifest names offers at the version it has (v1),
        // not the v2 the local manifest.json names.
        #expect(try manifestVersions(at: fixture.publishDirectory + "/manifest.json") == ["orders": 2, "offers": 2])
        #expect(try manifestVersions(at: destination + "/manifest.json") == ["orders": 2, "offers": 1])
        #expect(remoteVersions("offers") == ["v1"])

        // A target for orders alone never names offers.
        let ordersOnly = TargetConfiguration(name: "orders-only", datasets: ["orders"], command: [wrapper])
        _ = try phases()
        #expect(deliver(["orders", "offers"], target: ordersOnly).failure == nil)
        #expect(try phases().allSatisfy { $0.contains("orders/") && !$0.contains("offers") })
    }

    @Test func aVersionLeavesTheTargetOnlyKeepVersionsForAfterItsManifestStoppedNamingIt() throws {
        fixture.keepVersionsFor = .seconds(3600)
        try fixture.publish("orders", changed: ["all.parquet": "one"])
        _ = deliver()
        try fixture.publish("orders", changed: ["all.parquet": "two"])
        _ = deliver()
        _ = try phases()

        // v1 expired locally (as if its hour had passed here), but the target's manifest named
        // it until a moment ago: a reader there may still be on it.
        try FileManager.default.removeItem(atPath: fixture.publishDirectory + "/orders/v1")
        _ = deliver()
        #expect(try phases().isEmpty)
        #expect(remoteVersions() == ["v1", "v2"])

        var state = try fixture.state(of: "www")
        state.datasets["orders"]!.superseded(1, at: Date().addingTimeInterval(-3601))
        try TargetStateStore(stateDirectory: fixture.stateDirectory, target: "www").save(state)
        _ = deliver()
        #expect(try phases() == ["remove orders/v1 prev= ok"])
        #expect(remoteVersions() == ["v2"])
    }

    @Test func aTornStateFileStopsTheTargetWithItsName() throws {
        try fixture.publish("orders", changed: ["all.parquet": "one"])
        let store = TargetStateStore(stateDirectory: fixture.stateDirectory, target: "www")
        try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
        try Data("{\"format_version\": 1, \"datas".utf8).write(to: URL(fileURLWithPath: store.statePath))

        let failure = try #require(deliver().failure)
        #expect(failure.code == .state)
        #expect(failure.description.hasPrefix("target \"www\": \(store.statePath) is torn or damaged"))
        #expect(try phases().isEmpty)
    }

    @Test func oneProcessDeliversToATargetAtATime() throws {
        try fixture.publish("orders", changed: ["all.parquet": "one"])
        let store = TargetStateStore(stateDirectory: fixture.stateDirectory, target: "www")
        let held = try #require(try store.tryLock())
        defer { held.release() }

        let report = deliver()
        #expect(report.busy && report.failure == nil)
        #expect(try phases().isEmpty)
    }
}
